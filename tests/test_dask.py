"""--engine dask: the same per-document function on a dask.distributed cluster."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")

import tracker
from tracker.parallel import extract_dask, is_folder_output

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
ENV = {**{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}, "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of threads in this process, reachable over TCP (so the CLI can join it)."""
    with distributed.LocalCluster(
        processes=False, n_workers=1, threads_per_worker=2, protocol="tcp", host="127.0.0.1",
        dashboard_address=None, silence_logs=logging.ERROR,
    ) as c:
        yield c


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster, set_as_default=False) as c:
        yield c


@pytest.fixture(scope="module")
def reference() -> tracker.Extraction:
    return tracker.extract_paths([RAW])


def test_rows_equal_the_single_process_run(client, reference):
    rows, errors, n = extract_dask([str(RAW)], scheduler=client, partition_size=2)
    pd.testing.assert_frame_equal(rows, reference.rows)
    pd.testing.assert_frame_equal(errors, reference.errors)
    assert n == len(reference.rows) > 30


def test_a_folder_gets_partitioned_parquet(client, reference, tmp_path: Path):
    out = tmp_path / "parts"
    out.mkdir()
    (out / "part-00000099.parquet").write_bytes(b"stale part of an earlier run")
    (out / ".part-00000002.parquet.4242.1.tmp").write_bytes(b"a part whose worker was killed mid-write")
    newer = out / ".part-00000000.parquet.4343.1.tmp"           # another run's, still writing
    newer.write_bytes(b"")
    os.utime(newer, (time.time() + 3600, time.time() + 3600))
    rows, errors, n = extract_dask([str(RAW)], scheduler=client, out=str(out), partition_size=2)
    assert newer.exists()                                        # left to its run
    newer.unlink()
    assert rows is None and errors.empty and n == len(reference.rows)
    assert sorted(p.name for p in out.iterdir()) == ["part-00000000.parquet", "part-00000002.parquet", "part-00000004.parquet"]
    pd.testing.assert_frame_equal(pd.read_parquet(out), reference.rows)


def test_a_part_that_fails_to_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch):
    from tracker.parallel import _write_part

    def fail(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", fail)
    with pytest.raises(OSError):
        _write_part(tracker.extract_text("新建幼儿园3所。"), str(tmp_path), "part-00000000.parquet")
    assert list(tmp_path.iterdir()) == []


def test_fsspec_urls_are_listed_and_read_by_the_workers(client, reference):
    url = RAW.resolve().as_uri() + "/*.txt"                     # file:///…/data/raw/*.txt
    rows, errors, _ = extract_dask([url], scheduler=client)
    assert errors.empty and rows["source"].str.startswith("file://").all()
    pd.testing.assert_frame_equal(rows.drop(columns="source"), reference.rows.drop(columns="source"))


def test_unreadable_inputs_become_errors(client, tmp_path: Path):
    (tmp_path / "ok.txt").write_text("2023年，全社会固定资产投资122亿元。", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"%PDF-1.7 binary")
    rows, errors, _ = extract_dask([str(tmp_path), str(tmp_path / "missing.txt")], scheduler=client)
    assert list(rows["surface"]) == ["122亿元"]
    assert list(errors["path"]) == [str(tmp_path / "missing.txt"), str(tmp_path / "bad.txt")]


def test_cli_joins_a_scheduler_and_writes_what_the_local_engine_writes(cluster, reference, tmp_path: Path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tracker", "extract", str(RAW), *args], cwd=tmp_path, env=ENV,
                              capture_output=True, text=True, timeout=180)

    local = run("-o", "local.csv", "--no-cache", "--jobs", "1")
    gathered = run("--engine", "dask", "--scheduler", cluster.scheduler_address, "-o", "dask.csv")
    parts = run("--engine", "dask", "--scheduler", cluster.scheduler_address, "-o", "parts")
    assert local.returncode == gathered.returncode == parts.returncode == 0, gathered.stderr + parts.stderr
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "parts"), reference.rows)   # written by the workers
    assert "partitioned Parquet" in parts.stderr


def test_scheduler_without_dask_engine_is_a_usage_error(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "tracker", "extract", str(RAW), "--scheduler", "tcp://127.0.0.1:8786"],
                          cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "--engine dask" in proc.stderr


@pytest.mark.parametrize(("out", "folder"), [("parts", True), ("parts/", True), ("s3://bucket/out", True),
                                             ("rows.parquet", False), ("rows.csv", False), (None, False)])
def test_which_outputs_are_folders(out, folder):
    assert is_folder_output(out) is folder
