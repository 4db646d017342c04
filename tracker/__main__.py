"""The command line: ``python -m tracker extract PATH... [-o OUT]`` and ``python -m tracker evaluate``.

Exit status: 0 every input read; 2 some inputs unreadable (the rest is written); 1 usage error.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import math
import multiprocessing
import os
import signal
import sys
from pathlib import Path

import pandas as pd

from . import __version__
from .cache import DEFAULT_DIR as DEFAULT_CACHE_DIR
from .document import DocumentError
from .output import FORMATS, STDOUT, format_for, remove_unfinished, write_table, written
from .reader import DEFAULT_MAX_MB

EXIT_OK, EXIT_USAGE, EXIT_SOME_UNREADABLE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """argparse that exits with 1 (not 2) on usage errors: 2 means 'some inputs unreadable'."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _positive_int(s: str) -> int:
    try:
        n = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {s!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def _size_mb(text: str) -> float:
    """A size limit in MB: a finite number above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of MB above 0, not {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="tracker", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    ex = sub.add_parser("extract", help="extract the table of quantities from files and folders")
    ex.add_argument("paths", nargs="+", metavar="PATH",
                    help=".txt/.md/.html/.htm files or folders (walked recursively), or fsspec URLs (s3://bucket/docs/*.txt)")
    ex.add_argument("-o", "--output", metavar="OUT",
                    help="output file (default: CSV on stdout); with --engine dask, a folder gets partitioned Parquet")
    ex.add_argument("--format", choices=FORMATS, help="output format (default: from OUT's extension, else csv)")
    ex.add_argument("--max-mb", type=_size_mb, default=DEFAULT_MAX_MB, help=f"size limit per document in MB (default {DEFAULT_MAX_MB})")
    ex.add_argument("-j", "--jobs", type=_positive_int, default=None, metavar="N",
                    help="worker processes (default: all cores)")
    ex.add_argument("--cache", metavar="DIR", default=DEFAULT_CACHE_DIR,
                    help=f"folder of the result cache (default: {DEFAULT_CACHE_DIR} in the current folder)")
    ex.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    ex.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="local: this machine's processes (default); dask: a Dask cluster")
    ex.add_argument("--scheduler", metavar="ADDRESS",
                    help="with --engine dask: the scheduler (tcp://host:8786); default: a local cluster")

    ev = sub.add_parser("evaluate", help="score extraction against a gold annotation")
    ev.add_argument("--gold", required=True, help="gold CSV (doc_id, surface, context, value_norm, …)")
    ev.add_argument("--docs", required=True, help="folder of the gold documents")
    ev.add_argument("--pred", help="a prediction CSV to score instead of running the extraction")
    ev.add_argument("--quiet", action="store_true", help="print the summary line only")
    return parser


def report_errors(errors: pd.DataFrame) -> None:
    """Name each unreadable input with its reason, on stderr."""
    for path, reason in errors.itertuples(index=False):
        print(f"tracker: {path}: {reason}", file=sys.stderr)


def write_or_say(rows: pd.DataFrame, output: str | None, fmt: str) -> bool:
    """Write the table; on failure say why on stderr (the previous output is untouched)."""
    try:
        write_table(rows, output, fmt)
    except OSError as e:
        print(f"tracker: error: could not write {output}: {e.strerror or e}", file=sys.stderr)
        return False
    return True


def cmd_extract(args: argparse.Namespace) -> int:
    from .pipeline import extract_paths

    fmt = format_for(args.output, args.format)
    if args.scheduler and args.engine != "dask":
        print("tracker: error: --scheduler needs --engine dask", file=sys.stderr)
        return EXIT_USAGE
    if args.engine == "dask":
        return extract_with_dask(args, fmt)
    if fmt == "parquet" and not args.output:
        print("tracker: error: Parquet needs an output file (-o OUT.parquet)", file=sys.stderr)
        return EXIT_USAGE
    from .parallel import default_jobs

    stats: dict = {}
    rows, errors = extract_paths(
        args.paths, max_mb=args.max_mb, jobs=args.jobs or default_jobs(),
        cache=None if args.no_cache else args.cache, stats=stats,
    )
    report_errors(errors)
    read = stats.get("documents", 0) - stats.get("unreadable", 0)
    if args.output and len(errors) and read == 0 and Path(args.output).exists():
        print(f"tracker: no document could be read; {args.output} is left as it was", file=sys.stderr)
        return EXIT_SOME_UNREADABLE
    if not write_or_say(rows, args.output, fmt):
        return EXIT_USAGE
    if args.output:
        read = rows["doc_id"].nunique() if len(rows) else 0
        cached = f" ({stats['cached']} of {stats['documents']} documents from the cache)" if stats.get("cached") else ""
        print(f"tracker: {len(rows)} rows from {read} documents with figures; {len(errors)} unreadable -> {args.output}{cached}", file=sys.stderr)
    return EXIT_SOME_UNREADABLE if len(errors) else EXIT_OK


def extract_with_dask(args: argparse.Namespace, fmt: str) -> int:
    """--engine dask: partitioned Parquet when -o is a folder, else the gathered table."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        print('tracker: error: --engine dask needs Dask: pip install "target-tracker[dask]"', file=sys.stderr)
        return EXIT_USAGE
    from .parallel import extract_dask, is_folder_output

    folder = is_folder_output(args.output)
    if folder and args.format not in (None, "parquet"):
        print("tracker: error: a folder output (-o DIR) is written as partitioned Parquet", file=sys.stderr)
        return EXIT_USAGE
    if not folder and fmt == "parquet" and not args.output:
        print("tracker: error: Parquet needs an output file (-o OUT.parquet) or a folder (-o OUT/)", file=sys.stderr)
        return EXIT_USAGE
    try:
        rows, errors, n_rows = extract_dask(args.paths, scheduler=args.scheduler, out=args.output if folder else None, max_mb=args.max_mb)
    except OSError as e:
        print(f"tracker: error: Dask: {e.strerror or e}", file=sys.stderr)
        return EXIT_USAGE
    report_errors(errors)
    if rows is not None and not write_or_say(rows, args.output, fmt):
        return EXIT_USAGE
    if args.output:
        shape = "partitioned Parquet in " if folder else ""
        print(f"tracker: {n_rows} rows; {len(errors)} unreadable -> {shape}{args.output}", file=sys.stderr)
    return EXIT_SOME_UNREADABLE if len(errors) else EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import GoldError, report, score
    from .pipeline import read_document

    docs = Path(args.docs)
    if not docs.is_dir():
        print(f"tracker: error: {docs} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    texts, paths = {}, []
    for path in sorted(docs.iterdir()):
        if path.suffix.lower() in (".txt", ".html", ".htm"):
            try:
                texts[path.stem] = read_document(path).text
                paths.append(path)
            except DocumentError as e:
                print(f"tracker: {path}: {e}", file=sys.stderr)
    try:
        gold = pd.read_csv(args.gold, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if args.pred:
            pred = pd.read_csv(args.pred, dtype={"doc_id": str}, keep_default_na=False, encoding="utf-8-sig")
        else:
            from .pipeline import extract_paths

            pred = extract_paths(paths).rows
        summary, errors = score(gold, pred, texts)
    except (OSError, GoldError, KeyError, ValueError) as e:
        print(f"tracker: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    text = report(summary, errors, texts)
    print(text.splitlines()[-1] if args.quiet else text)
    return EXIT_OK


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that a run being stopped cleans up the same way."""


def _terminate(signum, frame) -> None:
    raise Terminated


def _stopped(code: int, done: list[str], args: argparse.Namespace) -> str:
    """What a stopped run says of its output: written in full (``done``), or what is left."""
    how = "terminated" if code == 143 else "interrupted"
    if done:
        return f"tracker: {how} after {done[-1]} was written in full"
    if args.command == "extract" and args.output is None:
        return f"tracker: {how}; the table on {STDOUT} is incomplete"
    if args.command == "extract" and args.engine == "dask":
        from .parallel import is_folder_output

        if is_folder_output(args.output):              # its workers replace parts one by one
            return f"tracker: {how}; {args.output} may hold parts of this run and of an earlier one"
    return f"tracker: {how}; no output was written"


def main(argv: list[str] | None = None) -> int:
    already = len(written())
    if argv is None:
        signal.signal(signal.SIGTERM, _terminate)
        # Run as the program: what is imported by now stays to the end, so the garbage collector
        # need not scan it again on each full pass (20,000 documents make several), and forked
        # workers share those pages rather than copy them.
        gc.freeze()
    args = build_parser().parse_args(argv)
    try:
        return {"extract": cmd_extract, "evaluate": cmd_evaluate}[args.command](args)
    except KeyboardInterrupt as e:
        code = 143 if isinstance(e, Terminated) else 130
        if argv is not None:                          # called from Python: its caller goes on
            remove_unfinished()
            print(_stopped(code, written()[already:], args), file=sys.stderr)
            return code
        # run as the program and stopping: a second Ctrl-C or SIGTERM must not cut the cleanup
        # short; the workers are ended (a SIGTERM to this process alone does not reach them), and
        # the exit waits on nothing (a worker ended mid-reply would leave the pool's reader waiting)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for child in multiprocessing.active_children():
            child.terminate()
        remove_unfinished()
        print(_stopped(code, written()[already:], args), file=sys.stderr)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
