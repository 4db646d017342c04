"""--jobs 1, --jobs 2, a warm cache and Dask give the same table, byte for byte."""
from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import tracker
from tracker.parallel import run_tasks
from tracker.pipeline import Result, Task

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
ENV = {**{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}, "PYTHONPATH": str(ROOT)}


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "tracker", "extract", *args], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_jobs_cache_and_dask_write_the_same_csv(tmp_path: Path):
    cli(str(RAW), "-o", "jobs1.csv", "--jobs", "1", "--no-cache", cwd=tmp_path)
    cli(str(RAW), "-o", "jobs2.csv", "--jobs", "2", "--no-cache", cwd=tmp_path)
    cli(str(RAW), "-o", "cold.csv", "--jobs", "2", cwd=tmp_path)
    warm = cli(str(RAW), "-o", "warm.csv", "--jobs", "2", cwd=tmp_path)
    assert "5 of 5 documents from the cache" in warm.stderr
    outputs = {name: (tmp_path / f"{name}.csv").read_text(encoding="utf-8-sig") for name in ("jobs1", "jobs2", "cold", "warm")}
    if _has_dask():
        from distributed import Client, LocalCluster

        from tracker.parallel import extract_dask

        with LocalCluster(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as cluster, Client(cluster) as client:
            rows, errors, _ = extract_dask([str(RAW)], scheduler=client)
        assert errors.empty
        outputs["dask"] = rows.to_csv(index=False)
    reference = outputs.pop("jobs1")
    assert reference.count("\n") > 30
    for name, text in outputs.items():
        assert text == reference, name


def _has_dask() -> bool:
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def shuffled_corpus(tmp_path_factory) -> Path:
    """40 documents of uneven size (whole seeds, halves and triples), some with clashing names
    in two subfolders, an unreadable one in the middle: order must survive the pool."""
    rng = random.Random(7)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(RAW.iterdir())]
    folder = tmp_path_factory.mktemp("corpus")
    for sub in ("a", "b"):
        (folder / sub).mkdir()
    for i in range(40):
        text = rng.choice(seeds)
        text = text[: len(text) // 2] if i % 3 == 0 else text * (1 + i % 3)
        sub = "a" if i % 2 else "b"
        (folder / sub / f"doc{i % 25:02d}.txt").write_text(text, encoding="utf-8")
    (folder / "a" / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    return folder


@pytest.mark.parametrize("jobs", [2, 3])
def test_pool_keeps_the_order_and_the_errors(shuffled_corpus: Path, jobs: int):
    one = tracker.extract_paths([shuffled_corpus], jobs=1)
    many = tracker.extract_paths([shuffled_corpus], jobs=jobs)
    assert len(one.rows) > 100 and list(one.errors["path"]) == [str(shuffled_corpus / "a" / "broken.txt")]
    pd.testing.assert_frame_equal(many.rows, one.rows)
    pd.testing.assert_frame_equal(many.errors, one.errors)


def test_pool_with_a_cache_matches_too(shuffled_corpus: Path, tmp_path: Path):
    one = tracker.extract_paths([shuffled_corpus], jobs=1)
    stats: dict = {}
    cold = tracker.extract_paths([shuffled_corpus], jobs=2, cache=tmp_path / "c")
    warm = tracker.extract_paths([shuffled_corpus], jobs=2, cache=tmp_path / "c", stats=stats)
    assert stats["cached"] == stats["documents"] - 1 == 40 and stats["extracted"] == 0
    for got in (cold, warm):
        pd.testing.assert_frame_equal(got.rows, one.rows)
        pd.testing.assert_frame_equal(got.errors, one.errors)


def _dies_on_three(task: Task) -> Result:
    if task.index == 3:
        os._exit(9)
    return Result(task.index, None, [], None)


def test_a_worker_that_dies_turns_into_errors_not_a_hang():
    tasks = [Task(i, f"p{i}", f"d{i}", f"p{i}") for i in range(8)]
    results = list(run_tasks(_dies_on_three, tasks, jobs=2))
    assert [r.index for r in results] == list(range(8))
    assert results[0].error is None
    assert results[3].error and "worker process died" in results[3].error


def test_jobs_must_be_positive(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "tracker", "extract", str(RAW), "--jobs", "0"], cwd=tmp_path,
                          env=ENV, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "--jobs" in proc.stderr
