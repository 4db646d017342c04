"""Running the per-document function (``pipeline.extract_task``) on many documents: in a pool
of worker processes on this machine, or on a Dask cluster.

Both keep the input order: results come back as the documents were listed, so the table is
the same whatever ran it. Workers receive paths, never texts: each reads, extracts and drops
one document at a time, so memory holds the rows, not the corpus.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .reader import EXTENSIONS, Input

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline import Result, Task


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _worker_signals() -> None:
    """Ctrl-C goes to the whole process group: a worker ignores it, and the parent handles it and
    stops the pool. SIGTERM ends a worker at once (a forked worker would otherwise inherit the
    command's handler, whose exception a busy worker reports as a task's and goes on)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _context() -> multiprocessing.context.BaseContext:
    """fork where it is safe (Linux, no other threads): workers start at once with everything
    imported; else forkserver or spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def run_tasks(func: Callable[[Task], Result], tasks: Sequence[Task], jobs: int = 1) -> Iterator[Result]:
    """``func`` over ``tasks``, results in the order of ``tasks``; ``jobs`` worker processes.

    A worker that dies (killed, out of memory) does not lose the corpus: its documents and
    those not yet done are reported as errors.
    """
    jobs = max(1, int(jobs or 1))
    if jobs == 1 or len(tasks) < 2:
        for task in tasks:
            yield func(task)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from .pipeline import Result

    jobs = min(jobs, len(tasks))
    chunksize = max(1, min(32, len(tasks) // (jobs * 16)))
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_worker_signals)
    done = 0
    stopped = False
    try:
        for res in executor.map(func, tasks, chunksize=chunksize):
            done += 1
            yield res
    except BrokenProcessPool as e:
        reason = f"internal error: a worker process died ({e or 'killed'})"
        for task in tasks[done:]:
            yield Result(task.index, None, [], reason)
    except KeyboardInterrupt:
        stopped = True                  # Ctrl-C or SIGTERM: the caller stops now, not after the workers
        raise
    finally:
        executor.shutdown(wait=not stopped, cancel_futures=True)


# --- inputs on shared or object storage ------------------------------------------------------

def discover_urls(urls: Sequence[str]) -> tuple[list[Input], list[tuple[str, str]]]:
    """fsspec URLs → inputs, by the rules of ``reader.discover``: a glob (``s3://b/docs/*.txt``)
    or a folder (walked for .txt .md .html .htm) lists files in sorted order; a file named
    outright is read whatever its extension; ``doc_id`` is the file name without extension,
    or the path under the folder or glob root when two inputs share one.
    """
    import fsspec

    found: list[tuple[str, str, str | None]] = []     # (url, path within fs, root)
    missing: list[tuple[str, str]] = []
    for url in urls:
        try:
            fs, path = fsspec.core.url_to_fs(url)
            protocol = url.split("://", 1)[0]
            if any(c in path for c in "*?["):
                root = path.split("*", 1)[0].split("?", 1)[0].split("[", 1)[0].rsplit("/", 1)[0]
                files = sorted(p for p in fs.glob(path) if fs.isfile(p))
                found += [(_unstrip(fs, protocol, p), p, root) for p in files]
                if not files:
                    missing.append((url, "no such file or folder"))
            elif fs.isdir(path):
                files = sorted(p for p in fs.find(path) if Path(p).suffix.lower() in EXTENSIONS)
                found += [(_unstrip(fs, protocol, p), p, path.rstrip("/")) for p in files]
            elif fs.exists(path):
                found.append((url, path, None))
            else:
                missing.append((url, "no such file or folder"))
        except Exception as e:  # noqa: BLE001 - a bad URL or missing driver is the input's error
            missing.append((url, f"could not be listed ({type(e).__name__}: {e})"))
    stems: dict[str, int] = {}
    for _, p, _ in found:
        stem = Path(p).stem
        stems[stem] = stems.get(stem, 0) + 1
    inputs = []
    for url, p, root in found:
        doc_id = Path(p).stem
        if stems[doc_id] > 1 and root is not None and p.startswith(root + "/"):
            doc_id = str(Path(p[len(root) + 1:]).with_suffix("").as_posix())
        inputs.append(Input(url, doc_id, url))
    return inputs, missing


def _unstrip(fs: Any, protocol: str, path: str) -> str:
    """A path inside ``fs`` back to a URL with its protocol."""
    unstrip = getattr(fs, "unstrip_protocol", None)
    return unstrip(path) if unstrip else f"{protocol}://{path}"


# --- Dask -----------------------------------------------------------------------------------

def is_folder_output(out: str | None) -> bool:
    """-o names a folder (partitioned Parquet) when it exists as one, ends with a slash, or has
    no suffix; otherwise it is a file."""
    if not out:
        return False
    if out.endswith("/"):
        return True
    if not ("://" in out) and Path(out).is_dir():
        return True
    return Path(out.rsplit("/", 1)[-1]).suffix == ""


def _extract_partition(tasks: list[Task], out: str | None) -> list[tuple[Any, list[tuple[int, str, str]], int]]:
    """One Dask partition: extract each document (the same function as the local engine) and
    either write the partition's rows to ``out/part-<first index>.parquet`` or return them."""
    from .pipeline import extract_task, frame_of

    results = [extract_task(t) for t in tasks]
    errors = [(t.index, t.source, r.error) for t, r in zip(tasks, results) if r.error is not None]
    df = frame_of((t.doc_id, t.source, r.records) for t, r in zip(tasks, results))
    if out is None:
        return [(df, errors, len(df))]
    first = tasks[0].index if tasks else 0
    _write_part(df, out, f"part-{first:08d}.parquet")
    return [(None, errors, len(df))]


def _write_part(df: pd.DataFrame, out: str, name: str) -> None:
    import fsspec

    fs, root = fsspec.core.url_to_fs(out)
    fs.makedirs(root, exist_ok=True)
    target = f"{root.rstrip('/')}/{name}"
    local = "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))
    tmp = f"{root.rstrip('/')}/.{name}.{os.getpid()}.{threading.get_ident()}.tmp" if local else target
    try:
        with fs.open(tmp, "wb") as f:
            df.to_parquet(f, index=False)
        if local:
            os.replace(tmp, target)
    except BaseException:
        if local:                                     # a failed or stopped write leaves nothing
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def _clear_stale_parts(out: str, keep: set[str], started: float) -> None:
    """Remove what earlier runs left in ``out`` that this one did not write: parts, and the
    temporary files of parts whose worker was killed mid-write before this run ``started``
    (a newer one may be another run's, still writing)."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(out)
    if not fs.exists(root):
        return
    for p in fs.ls(root, detail=False):
        name = p.rstrip("/").rsplit("/", 1)[-1]
        stale = name.startswith("part-") and name.endswith(".parquet") and name not in keep
        unfinished = name.startswith(".part-") and name.endswith(".tmp") and (fs.info(p).get("mtime") or started) < started
        if stale or unfinished:
            fs.rm(p)


def extract_dask(
    paths: Sequence[str | os.PathLike], *, scheduler: Any = None, out: str | None = None,
    max_mb: float | None = None, partition_size: int | None = None, quiet: bool = True,
) -> tuple[pd.DataFrame | None, pd.DataFrame, int]:
    """Extract on a Dask cluster: ``dask.bag`` over the inputs, ``extract_task`` on each.

    ``scheduler`` is an address (``tcp://host:8786``), a ``distributed.Client``, or None to
    start a LocalCluster here (one worker process per core, logs silenced). With ``out`` a
    folder, each partition is written by its worker as ``out/part-<n>.parquet`` (any fsspec URL
    the workers can write to) and the rows are not gathered; else they are gathered here.
    Returns (rows or None when written as parts, errors, number of rows).
    """
    import logging

    import dask.bag as db
    from distributed import Client, LocalCluster

    from .pipeline import discover_inputs, errors_frame, frame_of, is_url, make_tasks
    from .reader import DEFAULT_MAX_MB

    started = time.time()
    inputs, missing = discover_inputs(list(paths))
    # workers may run elsewhere (another folder, another machine): give them absolute paths;
    # ``source`` keeps the path as given
    tasks = [t if is_url(t.path) else t._replace(path=os.path.abspath(t.path))
             for t in make_tasks(inputs, DEFAULT_MAX_MB if max_mb is None else max_mb)]
    if out is not None and not is_url(out):
        out = os.path.abspath(out) + ("/" if out.endswith("/") else "")
    own_client = cluster = None
    if isinstance(scheduler, Client):
        client = scheduler
    elif scheduler:
        client = own_client = Client(scheduler, set_as_default=False)
    else:
        cluster = LocalCluster(
            n_workers=default_jobs(), threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR if quiet else logging.WARNING,
        )
        client = own_client = Client(cluster, set_as_default=False)
    try:
        if partition_size is None:
            workers = max(1, len(client.nthreads()))
            partition_size = max(1, min(500, -(-len(tasks) // (workers * 4)) if tasks else 1))
        parts: list[tuple[Any, list, int]] = []
        if tasks:
            bag = db.from_sequence(tasks, partition_size=partition_size)
            parts = bag.map_partitions(_extract_partition, out).compute(scheduler=client)
        errors = list(missing)
        for _, errs, _ in parts:
            errors += [(source, reason) for _, source, reason in errs]
        n_rows = sum(n for _, _, n in parts)
        if out is not None:
            keep = {f"part-{tasks[i].index:08d}.parquet" for i in range(0, len(tasks), partition_size)}
            if not tasks:
                _write_part(frame_of([]), out, "part-00000000.parquet")
                keep = {"part-00000000.parquet"}
            _clear_stale_parts(out, keep, started)
            return None, errors_frame(errors), n_rows
        frames = [df for df, _, _ in parts]
        import pandas as pd

        rows = pd.concat(frames, ignore_index=True) if frames else frame_of([])
        return rows, errors_frame(errors), n_rows
    finally:
        if own_client is not None:
            own_client.close()
        if cluster is not None:
            cluster.close()
