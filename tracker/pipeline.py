"""Documents → rows → one tidy DataFrame. Each document is extracted on its own, so one bad
document never stops a corpus: its failure becomes a row of the errors table.

The unit of work is :func:`extract_task`: one input (a path) → its records (the row values of
``frames.CACHED_COLUMNS``) or the reason it could not be read. ``extract_paths`` runs it in
this process, in a process pool (``jobs``), or not at all when the cache has the answer;
``parallel.extract_dask`` runs the very same function on a Dask cluster.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from . import document as D
from .cache import Cache, content_key, file_signature
from .extract import find_mentions
from .frames import CACHED_COLUMNS, Record, assemble, frame_of, records_table
from .labels import label
from .model import Row
from .reader import DEFAULT_MAX_MB, Input, discover, read_bytes

ERROR_COLUMNS = ("path", "reason")


class Extraction(NamedTuple):
    """What ``extract_paths`` returns: the rows, and (path, reason) of what could not be read."""

    rows: pd.DataFrame
    errors: pd.DataFrame


# --- rows → table ---------------------------------------------------------------------------

_record_of = attrgetter(*CACHED_COLUMNS)


def records(rows: Iterable[Row]) -> list[Record]:
    """Rows → plain tuples of the cached columns (what the cache stores and workers return)."""
    return [_record_of(r) for r in rows]


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


def warm_up() -> None:
    """Compile the lazily built patterns and load the gazetteer (a tiny extraction)."""
    document_rows(D.from_text("2023年，宝山区顾村镇全社会固定资产投资122亿元，新建幼儿园3所。", "warm-up"))


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
        return read_bytes(path, max_mb)
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
    return str(path).rstrip("/").rsplit("/", 1)[-1] if is_url(path) else os.path.basename(os.fspath(path).rstrip(os.sep) or os.sep)


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
    store = None if cache is None else cache if isinstance(cache, Cache) else Cache(cache)
    try:
        plan = _Plan(tasks)
        if store is not None and not store.disabled:
            plan.look_up(store, [item.stat for item in inputs])
        if jobs > 1 and len(plan.todo) > 1:
            warm_up()                       # compiled once here, inherited by forked workers
        plan.run(run_tasks(extract_task, plan.todo, jobs), store)
    finally:
        if store is not None and store is not cache:
            store.close()
    rows = plan.table()
    errors += plan.errors()
    if stats is not None:
        stats.update(documents=len(tasks), cached=plan.hits, extracted=len(tasks) - plan.hits - len(plan.failed),
                     unreadable=len(plan.failed))
    return Extraction(rows, errors_frame(errors))


class _Plan:
    """Where each document's rows come from: the cache (a slice of a stored segment), or an
    extraction run now (records). Assembled in input order at the end."""

    def __init__(self, tasks: list[Task]):
        self.tasks = tasks
        self.todo = tasks
        self.cached: dict[int, tuple[int | None, int, int]] = {}     # index → (segment, first, n)
        self.segments: dict[int, pa.Table] = {}
        self.fresh: dict[int, list[Record]] = {}
        self.failed: dict[int, str] = {}
        self.same_as: dict[int, list[int]] = {}                      # index → later indices with the same bytes
        self.hits = 0

    def look_up(self, store: Cache, stats: Sequence[os.stat_result | None] = ()) -> None:
        """Key every input (from the stored file hashes, else by reading and hashing it), take
        what the cache has, and leave the rest in ``todo`` (each distinct content once).
        ``stats`` are the files' status as discovered, by task (asked here where missing)."""
        keys: dict[int, str] = {}
        sigs: dict[int, tuple[str, tuple]] = {}
        cwd = os.getcwd() + os.sep
        for task in self.tasks:
            if is_url(task.path):
                continue
            try:
                st = stats[task.index] if task.index < len(stats) else None
                # absolute without normalising (cheap); the signature holds device and inode
                where = task.path if os.path.isabs(task.path) else cwd + task.path
                sigs[task.index] = (where, file_signature(st or os.stat(task.path)))
            except OSError:
                pass
        known = store.known_keys(list(dict(sigs.values()).items()))
        hashed = []
        for task in self.tasks:
            sig = sigs.get(task.index)
            key = known.get(sig[0]) if sig else None
            size = sig[1][0] if sig else 0
            if key is not None and size <= task.max_mb * 1024 * 1024:
                keys[task.index] = key
                continue
            try:
                data = read_input(task.path, task.max_mb)
            except D.DocumentError as e:
                self.failed[task.index] = str(e)
                continue
            keys[task.index] = content_key(data, file_name(task.path))
            del data
            if sig:
                hashed.append((sig[0], sig[1], keys[task.index]))
        store.remember(hashed)
        hits = store.fetch(keys.values())
        self.segments = hits.segments
        todo: list[Task] = []
        first: dict[str, int] = {}
        for task in self.tasks:
            key = keys.get(task.index)
            if key is None:
                continue
            ref = hits.refs.get(key)
            if ref is not None:
                self.cached[task.index] = ref
                self.hits += 1
            elif key in first:
                self.same_as.setdefault(first[key], []).append(task.index)
            else:
                first[key] = task.index
                todo.append(task._replace(want_key=True))
        self.todo = todo

    def run(self, results: Iterable[Result], store: Cache | None) -> None:
        """Take the results of the extractions, writing them through to the cache in batches."""
        pending: list[tuple[str, list[Record]]] = []
        try:
            for res in results:
                for i in (res.index, *self.same_as.get(res.index, ())):
                    if res.error is not None:
                        self.failed[i] = res.error
                    else:
                        self.fresh[i] = res.records
                if store is not None and res.error is None and res.key:
                    pending.append((res.key, res.records))
                    if len(pending) >= 256:
                        store.put_many(pending)
                        pending = []
        finally:
            if store is not None and pending:
                store.put_many(pending)

    def table(self) -> pd.DataFrame:
        if not self.cached:                                         # nothing from the cache
            return frame_of((t.doc_id, t.source, self.fresh.get(t.index, ())) for t in self.tasks)
        seg_ids = sorted(self.segments)
        piece_of = {seg: i + 1 for i, seg in enumerate(seg_ids)}
        recs: list[Record] = []
        docs = []
        for t in self.tasks:
            if t.index in self.cached:
                seg, first, n = self.cached[t.index]
                docs.append((t.doc_id, t.source, piece_of.get(seg, 0), first, n) if n else (t.doc_id, t.source, 0, 0, 0))
            else:
                found = self.fresh.get(t.index, [])
                docs.append((t.doc_id, t.source, 0, len(recs), len(found)))
                recs += found
        return assemble([records_table(recs), *(self.segments[s] for s in seg_ids)], docs)

    def errors(self) -> list[tuple[str, str]]:
        return [(t.source, self.failed[t.index]) for t in self.tasks if t.index in self.failed]


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
            hits = store.fetch([key])
            ref = hits.refs.get(key)
            if ref is not None:
                pieces = [hits.segments[ref.segment]] if ref.n else []
                return Extraction(assemble(pieces, [(doc_id, name, 0, ref.first, ref.n)]), errors_frame([]))
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
