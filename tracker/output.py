"""Writing tables: CSV (UTF-8 with BOM for files), Parquet, JSON Lines — always atomically."""
from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

FORMATS = ("csv", "parquet", "jsonl")


def format_for(path: str | None, fmt: str | None) -> str:
    """--format wins, else the extension of the output, else CSV."""
    if fmt:
        return fmt
    suffix = Path(path).suffix.lower().lstrip(".") if path else ""
    return {"parquet": "parquet", "pq": "parquet", "jsonl": "jsonl", "ndjson": "jsonl"}.get(suffix, "csv")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path in the target's folder, renamed over the target only on success.

    The target is never opened for writing: until the rename it keeps its old bytes, and a
    run that fails or is killed leaves at most a hidden ``.NAME.*.tmp`` beside it. The file
    is flushed to disk before the rename, and gets the permissions a newly created file
    would (or the old file's), not the owner-only ones of a temporary file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _mode_for(target: Path) -> int:
    """The old file's permission bits, else what the umask gives a new file."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def table_text(df: pd.DataFrame, fmt: str) -> str:
    """CSV (no BOM) or JSON Lines (one object a line, each ending in a newline) as text."""
    if fmt == "csv":
        return df.to_csv(index=False)
    if fmt == "jsonl":
        text = df.to_json(orient="records", lines=True, force_ascii=False) if len(df) else ""
        return text if text.endswith("\n") or not text else text + "\n"   # pandas versions differ
    raise ValueError(f"{fmt} is not a text format")


def write_table(df: pd.DataFrame, path: str | None, fmt: str) -> None:
    """Write ``df`` to ``path`` (atomically), or CSV/JSONL to stdout when path is None.

    CSV written to a file is UTF-8 with a BOM; CSV on stdout has none. When the reader of
    stdout goes away (``| head``), the rest is dropped quietly.
    """
    if path is None:
        if fmt == "parquet":
            raise ValueError("Parquet needs an output file (-o OUT.parquet)")
        try:
            sys.stdout.write(table_text(df, fmt))
            sys.stdout.flush()
        except BrokenPipeError:
            # Python's advice: point stdout at devnull so the flush at exit does not fail too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        return
    with atomic_path(path) as tmp:
        if fmt == "csv":
            tmp.write_bytes(table_text(df, "csv").encode("utf-8-sig"))
        elif fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            tmp.write_text(table_text(df, "jsonl"), encoding="utf-8")
