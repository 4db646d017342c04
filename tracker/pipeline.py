"""Documents → rows → one tidy DataFrame. Each document is extracted on its own, so one bad
document never stops a corpus: its failure becomes a row of the errors table.

The unit of work is :func:`extract_task`: one input (a path) → its records (the row values of
``cache.CACHED_COLUMNS``) or the reason it could not be read. ``extract_paths`` runs it in
this process, in a process pool (``jobs``), or not at all when the cache has the answer;
``parallel.extract_dask`` runs the very same function on a Dask cluster.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from . import document as D
from .cache import CACHED_COLUMNS, Cache, Record, content_key
from .extract import find_mentions
from .labels import label
from .model import COLUMNS, Row
from .reader import DEFAULT_MAX_MB, Input, discover, read_bytes

ERROR_COLUMNS = ("path", "reason")


class Extraction(NamedTuple):
    """What ``extract_paths`` returns: the rows, and (path, reason) of what could not be read."""

    rows: pd.DataFrame
    errors: pd.DataFrame


# --- rows → table ---------------------------------------------------------------------------

_FLOAT = frozenset(("value", "value_norm", "value_norm_max"))
_INT = frozenset(("start", "end"))
#: Arrow type of each column on the way to pandas; ``year`` goes through int32 only so that the
#: type mapper below can tell it apart and make it a nullable Int64.
_ARROW = {c: pa.float64() if c in _FLOAT else pa.int64() if c in _INT else pa.int32() if c == "year" else pa.large_string() for c in COLUMNS}
_SCHEMA = pa.schema([(c, _ARROW[c]) for c in COLUMNS])
_STR = pd.StringDtype("pyarrow", na_value=np.nan)   # what ``.astype(str)`` gives in pandas 3
_record_of = attrgetter(*CACHED_COLUMNS)


def _pandas_type(t: pa.DataType):
    if t == pa.int32():
        return pd.Int64Dtype()
    if t == pa.large_string():
        return _STR
    return None


def records(rows: Iterable[Row]) -> list[Record]:
    """Rows → plain tuples of the cached columns (what the cache stores and workers return)."""
    return [_record_of(r) for r in rows]


def _column(values: Sequence, name: str) -> pa.Array:
    t = _ARROW[name]
    try:
        arr = pa.array(values, type=t)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        # a stray type: numbers as text, text as numbers (slow path, never expected)
        if t == pa.large_string():
            arr = pa.array(["" if v is None else str(v) for v in values], type=t)
        else:
            num = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce")
            arr = pa.array(num.astype("float64"), type=pa.float64(), from_pandas=True).cast(t, safe=False) if t != pa.float64() \
                else pa.array(num.astype("float64"), type=t, from_pandas=True)
    if t == pa.large_string() and arr.null_count:
        arr = arr.fill_null("")
    if t == pa.int64() and arr.null_count:
        arr = arr.fill_null(0)
    return arr


def table_of(docs: Iterable[tuple[str, str, Sequence[Record]]]) -> pa.Table:
    """(doc_id, source, records) per document → one Arrow table in COLUMNS order."""
    doc_ids: list[str] = []
    sources: list[str] = []
    cols: list[list] = [[] for _ in CACHED_COLUMNS]
    for doc_id, source, recs in docs:
        n = len(recs)
        if not n:
            continue
        doc_ids += [doc_id] * n
        sources += [source] * n
        for col, values in zip(cols, zip(*recs)):
            col += values
    by_name = dict(zip(CACHED_COLUMNS, cols))
    by_name["doc_id"], by_name["source"] = doc_ids, sources
    return pa.Table.from_arrays([_column(by_name[c], c) for c in COLUMNS], schema=_SCHEMA)


def frame_of(docs: Iterable[tuple[str, str, Sequence[Record]]]) -> pd.DataFrame:
    """(doc_id, source, records) per document → the table, columns in contract order with
    stable dtypes (text as ``str``, value columns float64, start/end int64, year Int64)."""
    return table_of(docs).to_pandas(types_mapper=_pandas_type)


def frame(rows: Iterable[Row]) -> pd.DataFrame:
    """Rows → the table (each row keeps its own doc_id and source)."""
    rows = list(rows)
    return frame_of((r.doc_id, r.source, [_record_of(r)]) for r in rows)


def errors_frame(errors: Iterable[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(list(errors), columns=list(ERROR_COLUMNS))


# --- one document ---------------------------------------------------------------------------

def document_rows(doc: D.Document) -> list[Row]:
    """Every quantity in the document's body, labelled."""
    return label(doc, find_mentions(doc.text, doc.body))


def extract_text(text: str, doc_id: str = "text", *, source: str = "", title: str = "", published: str = "") -> pd.DataFrame:
    """The table for one text already in memory.

    >>> extract_text("2023年，顾村镇全社会固定资产投资122亿元。")[["surface", "value_norm", "unit_norm", "quantity"]].values.tolist()
    [['122亿元', 12200000000.0, '元', 'money']]
    """
    doc = D.from_text(text, doc_id, source, title=title, published=published)
    return frame_of([(doc_id, source, records(document_rows(doc)))])


def is_url(path: str | os.PathLike) -> bool:
    """A path that fsspec opens (``s3://bucket/a.txt``, ``file:///…``) rather than the OS."""
    return "://" in str(path)


def read_input(path: str | os.PathLike, max_mb: float = DEFAULT_MAX_MB) -> bytes:
    """The bytes of a local path or of an fsspec URL, or DocumentError with a plain reason."""
    if not is_url(path):
        return read_bytes(Path(path), max_mb)
    import fsspec  # only for URLs; a dependency of dask

    try:
        fs, p = fsspec.core.url_to_fs(str(path))
        size = fs.size(p)
        if size is not None and size > max_mb * 1024 * 1024:
            raise D.DocumentError(f"over the size limit of {max_mb:g} MB ({size / 1024 / 1024:.1f} MB)")
        with fs.open(p, "rb") as f:
            return f.read()
    except D.DocumentError:
        raise
    except FileNotFoundError:
        raise D.DocumentError("no such file or folder") from None
    except PermissionError:
        raise D.DocumentError("permission denied") from None
    except Exception as e:  # noqa: BLE001 - network and storage errors become a reason
        raise D.DocumentError(f"could not be read ({type(e).__name__}: {e})") from None


def file_name(path: str | os.PathLike) -> str:
    """The last part of a path or URL (it tells HTML from text)."""
    return str(path).rstrip("/").rsplit("/", 1)[-1] if is_url(path) else Path(path).name


def read_document(path: str | os.PathLike, max_mb: float = DEFAULT_MAX_MB, doc_id: str | None = None) -> D.Document:
    """A file → Document (raises DocumentError with a plain reason)."""
    name = file_name(path)
    return D.from_bytes(read_input(path, max_mb), name, doc_id or Path(name).stem, str(path))


class Task(NamedTuple):
    """One input to extract; picklable, so it can go to a worker process or a Dask worker."""

    index: int
    path: str
    doc_id: str
    source: str
    max_mb: float = DEFAULT_MAX_MB
    want_key: bool = False


class Result(NamedTuple):
    index: int
    key: str | None            # the cache key of the bytes read (when asked for)
    records: list[Record]
    error: str | None          # why the input could not be read, else None


def extract_task(task: Task) -> Result:
    """Records of one input, or the reason it could not be read. Never raises for a bad document."""
    key = None
    try:
        data = read_input(task.path, task.max_mb)
        name = file_name(task.path)
        key = content_key(data, name) if task.want_key else None
        doc = D.from_bytes(data, name, task.doc_id, task.source)
        del data
        return Result(task.index, key, records(document_rows(doc)), None)
    except D.DocumentError as e:
        return Result(task.index, None, [], str(e))
    except Exception as e:  # noqa: BLE001 - one bad document must not stop a corpus
        return Result(task.index, None, [], f"internal error while extracting ({type(e).__name__}: {e})")


def extract_input(item: Input, max_mb: float = DEFAULT_MAX_MB) -> tuple[list[Row], str | None]:
    """Rows of one input, or the reason it could not be read. Never raises for a bad document."""
    try:
        doc = read_document(item.path, max_mb, item.doc_id)
        doc.source = item.source
        return document_rows(doc), None
    except D.DocumentError as e:
        return [], str(e)
    except Exception as e:  # noqa: BLE001
        return [], f"internal error while extracting ({type(e).__name__}: {e})"


# --- many documents -------------------------------------------------------------------------

def discover_inputs(paths: Sequence[str | os.PathLike]) -> tuple[list[Input], list[tuple[str, str]]]:
    """Local files and folders through ``reader.discover``; fsspec URLs (globs and folders
    allowed) after them, named by the same rules."""
    local = [p for p in paths if not is_url(p)]
    urls = [str(p) for p in paths if is_url(p)]
    inputs, errors = discover(local) if local else ([], [])
    if urls:
        from .parallel import discover_urls

        more, missing = discover_urls(urls)
        inputs += more
        errors += missing
    return inputs, errors


def make_tasks(inputs: Sequence[Input], max_mb: float, want_key: bool = False) -> list[Task]:
    return [Task(i, str(item.path), item.doc_id, item.source, max_mb, want_key) for i, item in enumerate(inputs)]


def extract_paths(
    paths: Iterable[str | os.PathLike] | str | os.PathLike, *, max_mb: float = DEFAULT_MAX_MB,
    jobs: int = 1, cache: str | os.PathLike | Cache | None = None, stats: dict | None = None,
) -> Extraction:
    """The table for files and folders (walked recursively), with the errors table beside it.

    ``rows, errors = tracker.extract_paths(["data/raw"])``

    ``jobs`` > 1 extracts in that many worker processes (same rows, same order). ``cache`` is
    a folder (or an open :class:`~tracker.cache.Cache`) of stored results: documents whose bytes
    and engine are unchanged are not extracted again. ``stats``, when a dict, receives counts:
    ``documents``, ``cached``, ``extracted``, ``unreadable``.
    """
    from .parallel import run_tasks

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    inputs, errors = discover_inputs(list(paths))
    tasks = make_tasks(inputs, max_mb, want_key=cache is not None)
    results: list[Result | None] = [None] * len(tasks)
    store = None if cache is None else cache if isinstance(cache, Cache) else Cache(cache)
    todo, hits, duplicates = tasks, 0, {}
    try:
        if store is not None and not store.disabled:
            todo, hits, duplicates = _from_cache(tasks, store, results)
        pending: list[tuple[str, list[Record]]] = []
        try:
            for res in run_tasks(extract_task, todo, jobs):
                results[res.index] = res
                for j in duplicates.get(res.index, ()):
                    results[j] = res._replace(index=j)
                if store is not None and res.error is None and res.key:
                    pending.append((res.key, res.records))
                    if len(pending) >= 256:
                        store.put_many(pending)
                        pending = []
        finally:
            if store is not None and pending:
                store.put_many(pending)
    finally:
        if store is not None and store is not cache:
            store.close()
    docs = []
    unreadable = 0
    for task, res in zip(tasks, results):
        assert res is not None, "every task has a result"
        if res.error is not None:
            errors.append((task.source, res.error))
            unreadable += 1
        docs.append((task.doc_id, task.source, res.records))
    if stats is not None:
        stats.update(documents=len(tasks), cached=hits, extracted=len(tasks) - hits - unreadable, unreadable=unreadable)
    return Extraction(frame_of(docs), errors_frame(errors))


def _from_cache(tasks: list[Task], store: Cache, results: list[Result | None]) -> tuple[list[Task], int, dict[int, list[int]]]:
    """Fill ``results`` from the cache (and with read errors). Returns the tasks still to run,
    the number of hits, and for each task to run the later tasks with the same bytes and kind
    (extracted once, their result shared)."""
    keys: list[str | None] = []
    for task in tasks:
        try:
            data = read_input(task.path, task.max_mb)
        except D.DocumentError as e:
            results[task.index] = Result(task.index, None, [], str(e))
            keys.append(None)
            continue
        keys.append(content_key(data, file_name(task.path)))
        del data
    found = store.get_many(k for k in keys if k)
    todo: list[Task] = []
    first: dict[str, int] = {}
    duplicates: dict[int, list[int]] = {}
    hits = 0
    for task, key in zip(tasks, keys):
        if key is None:
            continue
        if key in found:
            results[task.index] = Result(task.index, key, found[key], None)
            hits += 1
        elif key in first:
            duplicates.setdefault(first[key], []).append(task.index)
        else:
            first[key] = task.index
            todo.append(task._replace(want_key=True))
    return todo, hits, duplicates


def extract_bytes(data: bytes, name: str, *, max_mb: float = DEFAULT_MAX_MB, cache: str | os.PathLike | Cache | None = None) -> Extraction:
    """The table for one uploaded document; ``name`` only names it and is never opened.
    With ``cache`` (a folder or an open Cache) the result is looked up and stored there."""
    doc_id = Path(name).stem or "upload"
    if len(data) > max_mb * 1024 * 1024:
        return Extraction(frame_of([]), errors_frame([(name, f"over the size limit of {max_mb:g} MB")]))
    store = None if cache is None else cache if isinstance(cache, Cache) else Cache(cache)
    try:
        key = content_key(data, name) if store is not None else None
        if store is not None and key:
            hit = store.get_many([key]).get(key)
            if hit is not None:
                return Extraction(frame_of([(doc_id, name, hit)]), errors_frame([]))
        try:
            doc = D.from_bytes(data, name, doc_id, source=name)
            recs = records(document_rows(doc))
        except D.DocumentError as e:
            return Extraction(frame_of([]), errors_frame([(name, str(e))]))
        if store is not None and key:
            store.put_many([(key, recs)])
        return Extraction(frame_of([(doc_id, name, recs)]), errors_frame([]))
    finally:
        if store is not None and store is not cache:
            store.close()
