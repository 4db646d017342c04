"""Writing tables: CSV (UTF-8 with BOM for files), Parquet, JSON Lines — always atomically."""
from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import os
import secrets
import signal
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMATS = ("csv", "parquet", "jsonl")


def format_for(path: str | None, fmt: str | None) -> str:
    """--format wins, else the extension of the output, else CSV."""
    if fmt:
        return fmt
    suffix = Path(path).suffix.lower().lstrip(".") if path else ""
    return {"parquet": "parquet", "pq": "parquet", "jsonl": "jsonl", "ndjson": "jsonl"}.get(suffix, "csv")


#: Temporary files of the writes in progress: a run stopped at any moment removes them with
#: :func:`remove_unfinished` (a stop can come between a file's creation and the ``try`` that
#: would remove it).
_UNFINISHED: set[Path] = set()
#: Targets renamed into place by this process (or STDOUT once the table is all on it), in order:
#: a run stopped after that has written its output in full, and says so.
_WRITTEN: list[str] = []
STDOUT = "standard output"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path in the target's folder, renamed over the target only on success.

    The target is never opened for writing: until the rename it keeps its old bytes, and a
    run that fails or is killed leaves at most a hidden ``.NAME.*.tmp`` beside it (one that is
    stopped, by Ctrl-C or SIGTERM, leaves none). The file is flushed to disk before the
    rename, and gets the permissions a newly created file would (or the old file's), not the
    owner-only ones of a temporary file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:                                       # named before it is made, so always found
        tmp = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
        _UNFINISHED.add(tmp)
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            break
        except FileExistsError:
            _UNFINISHED.discard(tmp)                  # another's: never ours to remove
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, _mode_for(target))
        with _signals_held():                         # a stop lands before both or after both
            os.replace(tmp, target)
            _WRITTEN.append(str(path))
        _fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        _UNFINISHED.discard(tmp)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back for a moment (they arrive when it ends), in the main thread
    of a platform that can hold them."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def written() -> list[str]:
    """The outputs this process has written in full (renamed into place), oldest first."""
    return list(_WRITTEN)


def remove_unfinished() -> None:
    """Remove the temporary files of writes that were stopped part way."""
    for tmp in list(_UNFINISHED):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _UNFINISHED.discard(tmp)


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
        out = io.BytesIO()
        write_csv(df, out)
        return out.getvalue().decode("utf-8")
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
            _WRITTEN.append(STDOUT)
        except BrokenPipeError:
            # Python's advice: point stdout at devnull so the flush at exit does not fail too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        return
    with atomic_path(path) as tmp:
        if fmt == "csv":
            with open(tmp, "wb") as f:
                f.write(codecs.BOM_UTF8)
                write_csv(df, f)
        elif fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            tmp.write_text(table_text(df, "jsonl"), encoding="utf-8")


# --- CSV --------------------------------------------------------------------------------------

#: Lines formatted at a time: memory stays bounded, and it is faster than all at once.
_CSV_ROWS = 65536


def write_csv(df: pd.DataFrame, out: BinaryIO) -> None:
    """Write ``df.to_csv(index=False)`` to ``out`` as UTF-8, byte for byte.

    The table's columns (text, float64, int64, nullable Int64) are formatted as pandas formats
    them and joined into lines by Arrow, several times faster than pandas' writer; any other
    table is written by pandas.
    """
    if not _formats(df):
        out.write(df.to_csv(index=False).encode("utf-8"))
        return
    header = io.StringIO()
    _writer(header).writerow(list(df.columns))
    out.write(header.getvalue().encode("utf-8"))
    for start in range(0, len(df), _CSV_ROWS):
        columns = [_csv_column(values) for _, values in df.iloc[start:start + _CSV_ROWS].items()]
        last = pc.binary_join_element_wise(columns[-1], _text(os.linesep), _text(""))   # each line ends with its own end
        out.write(_bytes(pc.binary_join_element_wise(*columns[:-1], last, _text(","))))


def _writer(out: io.StringIO):
    """The csv writer as pandas sets it up."""
    return csv.writer(out, lineterminator=os.linesep, delimiter=",", quotechar='"', quoting=csv.QUOTE_MINIMAL)


def _formats(df: pd.DataFrame) -> bool:
    """Whether :func:`write_csv` formats the table itself: plain column names, and more than one
    column (a lone column follows another rule for empty fields), each of a type it knows."""
    return (df.columns.nlevels == 1 and len(df.columns) > 1 and all(isinstance(c, str) for c in df.columns)
            and all(_is_number(v.dtype) or _is_text(v) for _, v in df.items()))


def _is_number(dtype) -> bool:
    return dtype == np.float64 or dtype == np.int64 or isinstance(dtype, pd.Int64Dtype)


def _is_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype) or (
        values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) == "string")


def _csv_column(values: pd.Series) -> pa.Array:
    """One column as the text pandas writes for it (quoted where the csv module quotes)."""
    dtype = values.dtype
    if dtype == np.float64:                          # pandas: ``astype(str)``, NaN as ""
        data = values.to_numpy()
        # each distinct value formatted once (told apart by its bits, so -0.0 stays "-0.0")
        distinct, where = np.unique(data.view(np.int64), return_inverse=True)
        text = pa.array(distinct.view(np.float64).astype(str), type=pa.large_string()).take(where)
        return pc.if_else(np.isnan(data), _text(""), text)
    if dtype == np.int64:
        return pa.array(values.to_numpy()).cast(pa.large_string())
    if isinstance(dtype, pd.Int64Dtype):
        return _flat(pa.array(values.array)).cast(pa.large_string()).fill_null("")
    source = values.array if isinstance(dtype, pd.StringDtype) else values.to_numpy()
    return _quote(_flat(pa.array(source, type=pa.large_string(), from_pandas=True)).fill_null(""))


def _quote(text: pa.Array) -> pa.Array:
    """The values that hold a character the csv writer quotes for, quoted as it quotes them."""
    special = _special()
    raw = _bytes(text).to_pybytes()
    if not any(c.encode() in raw for c in special):     # one quick look at all the bytes: most columns
        return text
    need = pc.match_substring_regex(text, "[" + "".join(f"\\x{{{ord(c):x}}}" for c in special) + "]")
    quoted = pc.binary_join_element_wise(_text('"'), pc.replace_substring(text, '"', '""'), _text('"'), _text(""))
    return pc.if_else(need, quoted, text)


def _bytes(text: pa.Array) -> pa.Buffer:
    """The UTF-8 of all the values back to back (a slice of Arrow's buffer, not a copy)."""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)
    data = text.buffers()[2]
    return data[offsets[text.offset]:offsets[text.offset + len(text)]] if data is not None else pa.py_buffer(b"")


def _text(s: str) -> pa.Scalar:
    return pa.scalar(s, pa.large_string())


def _flat(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


@functools.cache
def _special() -> str:
    """The characters that make the csv writer quote a field (asked of the csv module itself
    rather than assumed)."""
    found = ""
    for c in ',"\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029 \'\\':
        out = io.StringIO()
        _writer(out).writerow([f"a{c}b", ""])
        if out.getvalue().startswith('"'):
            found += c
    return found
