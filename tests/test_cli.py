"""The command line: formats, stdout, document naming and exit status."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tracker.model import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "003_39cc09a31d753d9a.txt"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "tracker", *map(str, args)], capture_output=True, cwd=cwd)


def test_csv_file_has_bom_and_the_contract_columns(tmp_path):
    out = tmp_path / "t.csv"
    done = run("extract", SEED, "-o", out)
    assert done.returncode == 0, done.stderr.decode()
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out, encoding="utf-8-sig", dtype={"doc_id": str})
    assert tuple(df.columns) == COLUMNS
    assert (df["source"] == str(SEED)).all()
    row = df[df.surface == "122亿元"].iloc[0]
    assert (row.value, row.unit, row.value_norm, row.unit_norm, row.quantity) == (122, "亿元", 12200000000, "元", "money")


def test_csv_on_stdout_has_no_bom():
    done = run("extract", SEED)
    assert done.returncode == 0
    assert done.stdout.startswith(b"doc_id,title,published,")


@pytest.mark.parametrize("fmt, suffix", [("jsonl", ".jsonl"), ("parquet", ".parquet"), ("csv", ".out")])
def test_formats_give_the_same_rows(tmp_path, fmt, suffix):
    reference = tmp_path / "ref.csv"
    assert run("extract", SEED, "-o", reference).returncode == 0
    out = tmp_path / f"t{suffix}"
    assert run("extract", SEED, "-o", out, "--format", fmt).returncode == 0
    ref = pd.read_csv(reference, encoding="utf-8-sig", dtype={"doc_id": str})
    if fmt == "jsonl":
        got = pd.DataFrame([json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line])
    elif fmt == "parquet":
        got = pd.read_parquet(out)
    else:
        got = pd.read_csv(out, encoding="utf-8-sig", dtype={"doc_id": str})
    assert tuple(got.columns) == COLUMNS
    assert got["surface"].tolist() == ref["surface"].tolist()
    assert got["start"].tolist() == ref["start"].tolist()


def test_format_follows_the_extension(tmp_path):
    out = tmp_path / "t.parquet"
    assert run("extract", SEED, "-o", out).returncode == 0
    assert out.read_bytes()[:4] == b"PAR1"


def test_files_sharing_a_name_get_relative_doc_ids(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        (tmp_path / "in" / sub / "x.txt").write_text("年内新开建幼儿园3所。", encoding="utf-8")
    out = tmp_path / "t.csv"
    assert run("extract", tmp_path / "in", "-o", out).returncode == 0
    df = pd.read_csv(out, encoding="utf-8-sig")
    assert sorted(df["doc_id"]) == ["a/x", "b/x"]


def test_usage_errors_exit_1():
    assert run("extract").returncode == 1
    assert run("frobnicate").returncode == 1
    assert run("extract", SEED, "--format", "xml").returncode == 1


def test_unreadable_input_exits_2_and_the_rest_is_written(tmp_path):
    bad = tmp_path / "bad.pdf.txt"
    bad.write_bytes(b"%PDF-1.7 binary")
    out = tmp_path / "t.csv"
    done = run("extract", SEED, bad, tmp_path / "missing.txt", "-o", out)
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "not text: looks like a PDF" in err and "missing.txt" in err and "Traceback" not in err
    assert len(pd.read_csv(out, encoding="utf-8-sig")) > 10


def test_evaluate_with_predictions(tmp_path):
    out = tmp_path / "t.csv"
    run("extract", ROOT / "data" / "raw", "-o", out)
    done = run("evaluate", "--gold", ROOT / "tests" / "data" / "seeds_gold.csv", "--docs", ROOT / "data" / "raw", "--pred", out)
    assert done.returncode == 0
    assert b"strict_f1=" in done.stdout.splitlines()[-1]


# --- the CSV writer matches pandas byte for byte ------------------------------------------------

TRICKY_TEXT = ["", "plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "tab\there", " lead", "中文，逗号", "\x85\u2028", "'\\"]
TRICKY_FLOAT = [0.0, -0.0, 1.5, 90.0, 0.1 + 0.2, 1e16, 12200000000.0, 1e-7, float("nan"), float("inf"), -3.25]


def tricky_table(n: int) -> pd.DataFrame:
    """A table of the contract's dtypes with the values that are formatted or quoted differently."""
    from tracker.frames import frame_of
    from tracker.pipeline import CACHED_COLUMNS

    def value(column: str, i: int):
        if column == "year":
            return None if i % 3 == 0 else 2000 + i % 30
        if column in ("start", "end"):
            return i * 7919 % 100003
        if column in ("value", "value_norm", "value_norm_max"):
            return TRICKY_FLOAT[(i + len(column)) % len(TRICKY_FLOAT)]
        return TRICKY_TEXT[(i * 5 + len(column)) % len(TRICKY_TEXT)]

    records = [tuple(value(c, i) for c in CACHED_COLUMNS) for i in range(n)]
    return frame_of([("d,1", 'x"y', records[: n // 2]), ("d2", "a\nb", records[n // 2:])])


@pytest.mark.parametrize("rows_at_a_time", [7, 65536])
def test_csv_is_byte_for_byte_what_pandas_writes(monkeypatch, rows_at_a_time):
    from tracker import output

    monkeypatch.setattr(output, "_CSV_ROWS", rows_at_a_time)
    df = tricky_table(300)
    got = io.BytesIO()
    output.write_csv(df, got)
    assert got.getvalue() == df.to_csv(index=False).encode("utf-8")
    assert output.table_text(df.iloc[:0], "csv") == df.iloc[:0].to_csv(index=False)


@pytest.mark.parametrize("df", [
    pd.DataFrame({"a": ["x", None, "y,z"], "b": [1.0, None, 2.5]}, dtype=object),     # object columns
    pd.DataFrame({"a": ["x", "y"] * 3 + [1.5], "b": range(7)}),                      # a number among text
    pd.DataFrame({"a": [b"x", b"y"], "b": [1, 2]}),                                  # bytes
    pd.DataFrame({"only": ["", "x"]}),                                               # one column
    pd.DataFrame({"t": pd.to_datetime(["2024-01-02"]), "f": pd.array([1.5], dtype="float32")}),
])
def test_other_tables_are_written_as_pandas_writes_them(df):
    from tracker import output

    got = io.BytesIO()
    output.write_csv(df, got)
    assert got.getvalue() == df.to_csv(index=False).encode("utf-8")


class _Stop:
    """Raises Ctrl-C's KeyboardInterrupt (or SIGTERM's Terminated) once ``after`` has run."""

    def __init__(self, after, signal_name: str):
        self.after, self.signal_name = after, signal_name

    def __call__(self, *args, **kwargs):
        from tracker.__main__ import Terminated

        self.after(*args, **kwargs)
        raise Terminated if self.signal_name == "SIGTERM" else KeyboardInterrupt


@pytest.mark.parametrize("stop_after, signal_name, code, said, output", [
    # stopped while extracting: the previous output stays, and the command says nothing was written
    ("extract_paths", "SIGINT", 130, "tracker: interrupted; no output was written", "previous"),
    ("extract_paths", "SIGTERM", 143, "tracker: terminated; no output was written", "previous"),
    # stopped once the new output was renamed into place: it is whole, and the command says so
    ("write_or_say", "SIGINT", 130, "tracker: interrupted after {out} was written in full", "new"),
    ("write_or_say", "SIGTERM", 143, "tracker: terminated after {out} was written in full", "new"),
    # the table on standard output: incomplete, or all there
    ("extract_paths", "SIGINT", 130, "tracker: interrupted; the table on standard output is incomplete", "stdout"),
    ("write_or_say", "SIGINT", 130, "tracker: interrupted after standard output was written in full", "stdout"),
])
def test_a_stopped_run_says_whether_its_output_was_written(tmp_path, monkeypatch, capsys, stop_after, signal_name, code, said, output):
    import tracker.__main__ as cli
    import tracker.pipeline as pipeline

    out = tmp_path / "out.csv"
    out.write_bytes(b"previous output\n")
    if stop_after == "extract_paths":
        monkeypatch.setattr(pipeline, "extract_paths", _Stop(pipeline.extract_paths, signal_name))
    else:
        monkeypatch.setattr(cli, "write_or_say", _Stop(cli.write_or_say, signal_name))
    to_file = [] if output == "stdout" else ["-o", str(out)]
    assert cli.main(["extract", str(SEED), *to_file, "--no-cache", "-j", "1"]) == code
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines()[-1] == said.format(out=out)
    data = out.read_bytes()
    assert (data == b"previous output\n") == (output in ("previous", "stdout"))
    if output == "new":
        assert data.startswith(b"\xef\xbb\xbfdoc_id,") and b"122\xe4\xba\xbf\xe5\x85\x83" in data     # 122亿元
    if output == "stdout":
        assert ("122亿元" in captured.out) == (stop_after == "write_or_say")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_stopped_dask_run_into_a_folder_says_the_folder_may_be_mixed():
    """Its workers replace the parts one by one: a stop can leave some of each run."""
    from argparse import Namespace

    from tracker.__main__ import _stopped

    args = Namespace(command="extract", output="parts/", engine="dask")
    assert _stopped(130, [], args) == "tracker: interrupted; parts/ may hold parts of this run and of an earlier one"
    assert _stopped(143, [], Namespace(command="extract", output="t.csv", engine="dask")) == "tracker: terminated; no output was written"
