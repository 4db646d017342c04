"""The command line: ``python -m tracker extract PATH... [-o OUT]`` and ``python -m tracker evaluate``.

Exit status: 0 every input read; 2 some inputs unreadable (the rest is written); 1 usage error.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from . import __version__
from .document import DocumentError
from .output import FORMATS, format_for, write_table
from .reader import DEFAULT_MAX_MB

EXIT_OK, EXIT_USAGE, EXIT_SOME_UNREADABLE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """argparse that exits with 1 (not 2) on usage errors: 2 means 'some inputs unreadable'."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="tracker", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    ex = sub.add_parser("extract", help="extract the table of quantities from files and folders")
    ex.add_argument("paths", nargs="+", metavar="PATH", help=".txt/.md/.html/.htm files or folders (walked recursively)")
    ex.add_argument("-o", "--output", metavar="OUT", help="output file (default: CSV on stdout)")
    ex.add_argument("--format", choices=FORMATS, help="output format (default: from OUT's extension, else csv)")
    ex.add_argument("--max-mb", type=float, default=DEFAULT_MAX_MB, help=f"size limit per document in MB (default {DEFAULT_MAX_MB})")

    ev = sub.add_parser("evaluate", help="score extraction against a gold annotation")
    ev.add_argument("--gold", required=True, help="gold CSV (doc_id, surface, context, value_norm, …)")
    ev.add_argument("--docs", required=True, help="folder of the gold documents")
    ev.add_argument("--pred", help="a prediction CSV to score instead of running the extraction")
    ev.add_argument("--quiet", action="store_true", help="print the summary line only")
    return parser


def cmd_extract(args: argparse.Namespace) -> int:
    from .pipeline import extract_paths

    fmt = format_for(args.output, args.format)
    if fmt == "parquet" and not args.output:
        print("tracker: error: Parquet needs an output file (-o OUT.parquet)", file=sys.stderr)
        return EXIT_USAGE
    rows, errors = extract_paths(args.paths, max_mb=args.max_mb)
    for path, reason in errors.itertuples(index=False):
        print(f"tracker: {path}: {reason}", file=sys.stderr)
    try:
        write_table(rows, args.output, fmt)
    except OSError as e:
        print(f"tracker: error: could not write {args.output}: {e.strerror or e}", file=sys.stderr)
        return EXIT_USAGE
    if args.output:
        read = rows["doc_id"].nunique() if len(rows) else 0
        print(f"tracker: {len(rows)} rows from {read} documents with figures; {len(errors)} unreadable -> {args.output}", file=sys.stderr)
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return {"extract": cmd_extract, "evaluate": cmd_evaluate}[args.command](args)
    except KeyboardInterrupt:
        print("tracker: interrupted; no output was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
