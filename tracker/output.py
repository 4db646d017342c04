"""Writing tables: CSV (UTF-8 with BOM for files), Parquet, JSON Lines — always atomically."""
from __future__ import annotations

import contextlib
import os
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
    """A temporary path in the target's folder, renamed over the target only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_table(df: pd.DataFrame, path: str | None, fmt: str) -> None:
    """Write ``df`` to ``path`` (atomically), or CSV/JSONL to stdout when path is None."""
    if path is None:
        if fmt == "parquet":
            raise ValueError("Parquet needs an output file (-o OUT.parquet)")
        text = df.to_csv(index=False) if fmt == "csv" else df.to_json(orient="records", lines=True, force_ascii=False)
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with atomic_path(path) as tmp:
        if fmt == "csv":
            tmp.write_bytes(df.to_csv(index=False).encode("utf-8-sig"))
        elif fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            tmp.write_text(df.to_json(orient="records", lines=True, force_ascii=False) + ("\n" if len(df) else ""), encoding="utf-8")
