"""The result cache: hits, invalidation (content and engine), corruption, atomic writes."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import tracker
from tracker.cache import FILENAME, Cache, content_key, engine_version, package_hash

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the shipped documents."""
    folder = tmp_path / "docs"
    shutil.copytree(RAW, folder)
    for p in folder.iterdir():
        p.chmod(0o644)
    return folder


def run(paths, cache, **kw):
    stats: dict = {}
    rows, errors = tracker.extract_paths(paths, cache=cache, stats=stats, **kw)
    return rows, errors, stats


def test_warm_run_reads_every_document_from_the_cache(corpus: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    fresh, _, _ = run([corpus], None)
    cold, _, s2 = run([corpus], cache)
    warm, errors, s3 = run([corpus], cache)
    assert (s2["cached"], s2["extracted"]) == (0, 5)
    assert (s3["cached"], s3["extracted"]) == (5, 0)
    assert errors.empty
    pd.testing.assert_frame_equal(cold, fresh)
    pd.testing.assert_frame_equal(warm, fresh)
    assert (cache / FILENAME).is_file() and len(list(cache.iterdir())) == 1   # one file, not one per document


def test_a_hit_takes_doc_id_and_source_from_the_current_path(corpus: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    run([corpus], cache)
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    for i, p in enumerate(sorted(corpus.iterdir())):
        shutil.copy(p, renamed / f"doc{i}.txt")
    warm, _, stats = run([renamed], cache)
    fresh, _, _ = run([renamed], None)
    assert stats["cached"] == 5
    pd.testing.assert_frame_equal(warm, fresh)
    assert set(warm["doc_id"]) <= {f"doc{i}" for i in range(5)}
    assert all(s.startswith(str(renamed)) for s in warm["source"])


def test_changing_one_file_reextracts_only_it(corpus: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    before, _, _ = run([corpus], cache)
    row = before.iloc[len(before) // 2]
    target = Path(row["source"])
    text = target.read_text(encoding="utf-8")
    assert text[row["start"]:row["end"]] == row["surface"]
    changed = "9" + row["surface"][1:] if row["surface"][0] != "9" else "8" + row["surface"][1:]
    target.write_text(text[:row["start"]] + changed + text[row["end"]:], encoding="utf-8")
    warm, _, stats = run([corpus], cache)
    fresh, _, _ = run([corpus], None)
    assert (stats["cached"], stats["extracted"]) == (4, 1)
    pd.testing.assert_frame_equal(warm, fresh)
    assert changed in set(warm.loc[warm["source"] == str(target), "surface"])


def test_same_bytes_as_html_and_as_text_are_different_entries():
    assert content_key(b"x", "a.txt") != content_key(b"x", "a.html")
    assert content_key(b"x", "a.txt") == content_key(b"x", "b.md")


def test_another_engine_version_misses_and_replaces_the_old_rows(corpus: Path, tmp_path: Path):
    folder = tmp_path / "cache"
    with Cache(folder, engine="old-rules") as old:
        run([corpus], old)
        assert len(old) == 5
    with Cache(folder) as new:
        assert new.engine == engine_version() != "old-rules"
        _, _, stats = run([corpus], new)
        assert stats["cached"] == 0 and len(new) == 5
    with Cache(folder, engine="old-rules") as old:
        assert len(old) == 0                                   # the first write of a new engine prunes the rest


def test_engine_version_follows_every_source_and_resource_file(tmp_path: Path):
    copy = tmp_path / "tracker"
    shutil.copytree(ROOT / "tracker", copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert package_hash(copy) == engine_version()
    themes = copy / "resources" / "themes.csv"
    themes.write_bytes(themes.read_bytes() + b"\n")
    after_resource = package_hash(copy)
    assert after_resource != engine_version()
    lexicon = copy / "lexicon.py"
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n# a rule changed\n", encoding="utf-8")
    assert package_hash(copy) not in (after_resource, engine_version())


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign-sqlite"])
def test_a_corrupt_cache_file_is_reported_once_and_rebuilt(corpus: Path, tmp_path: Path, capsys, damage: str):
    folder = tmp_path / "cache"
    fresh, _, _ = run([corpus], folder)
    db = folder / FILENAME
    if damage == "garbage":
        db.write_bytes(b"this is not a database\n" * 200)
    elif damage == "truncated":
        db.write_bytes(db.read_bytes()[:1500])
    else:
        db.unlink()
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE docs (x)")
    capsys.readouterr()
    rows, errors, stats = run([corpus], folder)
    err = capsys.readouterr().err
    assert err.count("rebuilding") == 1 and "is corrupt" in err
    assert stats["cached"] == 0 and errors.empty
    pd.testing.assert_frame_equal(rows, fresh)
    _, _, again = run([corpus], folder)                        # rebuilt: now it hits
    assert again["cached"] == 5
    assert "rebuilding" not in capsys.readouterr().err


def test_a_damaged_entry_is_never_trusted(corpus: Path, tmp_path: Path, capsys):
    folder = tmp_path / "cache"
    fresh, _, _ = run([corpus], folder)
    with sqlite3.connect(folder / FILENAME) as conn:
        seg, data = conn.execute("SELECT id, data FROM segments LIMIT 1").fetchone()
        bad = bytearray(data)
        bad[len(bad) // 2] ^= 0xFF                             # one flipped byte, same length
        conn.execute("UPDATE segments SET data = ? WHERE id = ?", (bytes(bad), seg))
    capsys.readouterr()
    rows, _, stats = run([corpus], folder)
    assert "rebuilding" in capsys.readouterr().err
    assert stats["cached"] == 0                                # none of a damaged cache's rows are used
    pd.testing.assert_frame_equal(rows, fresh)


def test_rows_pointing_outside_their_segment_are_corruption(corpus: Path, tmp_path: Path, capsys):
    folder = tmp_path / "cache"
    fresh, _, _ = run([corpus], folder)
    with sqlite3.connect(folder / FILENAME) as conn:
        conn.execute("UPDATE docs SET n = n + 1000 WHERE n > 0")
    capsys.readouterr()
    rows, _, stats = run([corpus], folder)
    assert "rebuilding" in capsys.readouterr().err and stats["cached"] == 0
    pd.testing.assert_frame_equal(rows, fresh)


def test_a_file_rewritten_with_the_same_size_and_mtime_is_hashed_again(corpus: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    before, _, _ = run([corpus], cache)
    row = before.iloc[0]
    target = Path(row["source"])
    st = target.stat()
    data = target.read_bytes()
    surface = row["surface"].encode()
    i = data.index(surface)
    digit = b"7" if surface[:1] != b"7" else b"8"
    target.write_bytes(data[:i] + digit + data[i + 1:])        # same size
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))      # same mtime (as rsync -t or cp -p would leave it)
    warm, _, stats = run([corpus], cache)
    assert (stats["cached"], stats["extracted"]) == (4, 1)
    pd.testing.assert_frame_equal(warm, run([corpus], None)[0])


def test_a_write_killed_before_commit_leaves_the_cache_valid(corpus: Path, tmp_path: Path):
    folder = tmp_path / "cache"
    run([min(corpus.iterdir())], folder)                       # one document stored and committed
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        import tracker
        from tracker.cache import Cache

        class DiesAtCommit:
            def __init__(self, conn): self.conn, self.rows = conn, False
            def execute(self, sql, *a):
                self.rows = self.rows or sql.startswith("INSERT INTO segments")
                if sql == "COMMIT" and self.rows:
                    os._exit(3)                                # killed mid-transaction
                return self.conn.execute(sql, *a)
            def executemany(self, *a): return self.conn.executemany(*a)
            def close(self): self.conn.close()

        cache = Cache({str(folder)!r})
        cache.conn = DiesAtCommit(cache.conn)
        tracker.extract_paths([{str(corpus)!r}], cache=cache)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3, proc.stderr
    with Cache(folder) as cache:
        assert len(cache) == 1                                 # the first commit only; nothing half-written
        assert not cache.reported
    rows, _, stats = run([corpus], folder)
    assert (stats["cached"], stats["extracted"]) == (1, 4)
    pd.testing.assert_frame_equal(rows, run([corpus], None)[0])


def test_unreadable_documents_are_not_cached(tmp_path: Path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "ok.txt").write_text("2023年，全社会固定资产投资122亿元。", encoding="utf-8")
    cache = tmp_path / "cache"
    _, errors, _ = run([folder], cache)
    _, errors2, stats = run([folder], cache)
    assert list(errors["path"]) == list(errors2["path"]) == [str(folder / "empty.txt")]
    assert (stats["cached"], stats["unreadable"]) == (1, 1)


def test_extract_bytes_uses_the_cache(tmp_path: Path):
    data = (RAW / sorted(p.name for p in RAW.iterdir())[3]).read_bytes()
    fresh = tracker.extract_bytes(data, "upload.txt").rows
    first = tracker.extract_bytes(data, "upload.txt", cache=tmp_path / "c").rows
    with Cache(tmp_path / "c") as cache:
        assert len(cache) == 1
    second = tracker.extract_bytes(data, "other.txt", cache=tmp_path / "c").rows
    pd.testing.assert_frame_equal(first, fresh)
    assert list(second["doc_id"].unique()) == ["other"] and len(second) == len(fresh)


def test_cli_caches_by_default_in_the_current_folder(corpus: Path, tmp_path: Path):
    work = tmp_path / "work"
    work.mkdir()
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    cmd = [sys.executable, "-m", "tracker", "extract", str(corpus), "-o", "out.csv", "--jobs", "1"]
    first = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env, timeout=120)
    second = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert (work / ".tracker-cache" / FILENAME).is_file()
    assert "5 of 5 documents from the cache" in second.stderr
    other = tmp_path / "elsewhere"
    third = subprocess.run([*cmd, "--cache", str(other)], cwd=work, capture_output=True, text=True, env=env, timeout=120)
    assert "from the cache" not in third.stderr and (other / FILENAME).is_file()
    off = subprocess.run([*cmd, "--no-cache", "-o", "off.csv"], cwd=work, capture_output=True, text=True, env=env, timeout=120)
    assert "from the cache" not in off.stderr
    assert (work / "out.csv").read_bytes() == (work / "off.csv").read_bytes()


def test_tables_built_from_records_have_the_contract_dtypes():
    """frames.frame_of (fresh rows) and frames.assemble (cached slices) give exactly what the
    reference construction gives, nulls included (no year, no range)."""
    from dataclasses import asdict

    from tracker.frames import CACHED_COLUMNS, assemble, frame_of, records_table
    from tracker.model import COLUMNS
    from tracker.pipeline import document_rows, records

    doc = tracker.read_document(RAW / sorted(p.name for p in RAW.iterdir())[3])
    rows = document_rows(doc)
    rows[0].year = None
    rows[1].value_norm_max = 2.5e9
    recs = records(rows)
    expected = pd.DataFrame([asdict(r) for r in rows], columns=[*COLUMNS, "rule"])[list(COLUMNS)]
    for col in ("value", "value_norm", "value_norm_max"):
        expected[col] = pd.to_numeric(expected[col]).astype("float64")
    expected["year"] = pd.to_numeric(expected["year"]).astype("Int64")
    for col in COLUMNS:
        if col not in ("value", "value_norm", "value_norm_max", "start", "end", "year"):
            expected[col] = expected[col].fillna("").astype(str)
    fresh = frame_of([(doc.doc_id, doc.source, recs)])
    pd.testing.assert_frame_equal(fresh, expected)
    table = records_table(recs)
    assert table.column_names == list(CACHED_COLUMNS)
    half = len(recs) // 2
    pieces = [records_table(recs[half:]), records_table(recs[:half])]
    cached = assemble(pieces, [(doc.doc_id, doc.source, 1, 0, half), ("empty", "e.txt", 0, 0, 0),
                               (doc.doc_id, doc.source, 0, 0, len(recs) - half)])
    pd.testing.assert_frame_equal(cached, expected)
    pd.testing.assert_frame_equal(assemble([], []), frame_of([]))
    assert list(frame_of([]).dtypes.astype(str)) == list(expected.dtypes.astype(str))
