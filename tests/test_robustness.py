"""Bad input through the command line: every readable document gives its rows, every unreadable
one is named with its plain reason, the exit status says which happened, and no traceback.
Outputs are written atomically: a killed or failed run never harms the previous output.

The corpus is generated here, in a temporary folder: binary data, a PDF, empty and blank files,
the seed re-encoded (GB18030, UTF-16 LE/BE with BOM, UTF-8 with BOM) and with other line ends
(CRLF, lone CR), NUL bytes, a 50 MB text, adversarial runs of numerals, HTML without ``<body>``,
a document that is one markdown table, files the folder walk must skip, and a file with an
unknown extension named explicitly.
"""
from __future__ import annotations

import codecs
import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import tracker
from tracker.__main__ import main as cli_main
from tracker.model import COLUMNS
from tracker.output import write_table

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "003_39cc09a31d753d9a.txt"
SEED2 = ROOT / "data" / "raw" / "002_3ed01d294938376b.txt"
MB = 1024 * 1024

KINDERGARTENS = "年内新开建幼儿园3所、新开办幼儿园1所、新启用校舍2所，进一步提升教育供给水平。"
KINDERGARTEN_ROWS = ["3所", "1所", "2所"]

#: Columns that must not depend on how the bytes were encoded (all but the file's name and path).
SAME = [c for c in COLUMNS if c not in ("doc_id", "source")]


def run(*args, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tracker", *map(str, args)], capture_output=True,
                          cwd=cwd, timeout=timeout, env=_env(), check=False)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"doc_id": str}, keep_default_na=False)


def reasons(stderr: bytes) -> dict[str, str]:
    """``tracker: PATH: REASON`` lines of stderr → {file name: reason}."""
    out = {}
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("tracker: ") and ": " in line[9:] and not line.startswith("tracker: error"):
            path, reason = line[9:].split(": ", 1)
            if "rows from" not in line:
                out[Path(path).name] = reason
    return out


# --- the corpus ---------------------------------------------------------------------------------

def write_big(path: Path, size: int, sentences: list[str]) -> None:
    """A text of at least ``size`` bytes, cheaply: ASCII filler lines with ``sentences`` at the
    start, in the middle and at the end."""
    filler = ("x" * 4095 + "\n").encode() * 256           # 1 MB
    blocks = size // len(filler)
    with open(path, "wb") as f:
        f.write((sentences[0] + "\n").encode())
        for i in range(blocks):
            f.write(filler)
            if i == blocks // 2:
                f.write((sentences[1] + "\n").encode())
        f.write((sentences[2] + "\n").encode())


ADVERSARIAL = {
    "adv_digits.txt": "1" * 20000,
    "adv_wan.txt": "万" * 300,
    "adv_separators.txt": "," * 20000 + "1," * 5000,
    "adv_quotes.txt": "“" * 20000 + "”" * 100,
    "adv_qualifiers.txt": "约约约近近" * 4000,
    "adv_yi.txt": "一" * 300,
    "adv_percent.txt": "1%" * 500,
}
UNREADABLE = {
    "binary.txt": "could not decode as UTF-8, GB18030 or UTF-16",
    "controls.txt": "not text: binary data",
    "pdf.txt": "not text: looks like a PDF",
    "zip.md": "not text: looks like a ZIP archive or Office document",
    "empty.txt": "empty",
    "blank.txt": "empty",
    "bom_only.txt": "empty",
    "bad_utf16.txt": "could not decode as UTF-8, GB18030 or UTF-16 (it starts with a UTF-16 byte-order mark but is not UTF-16)",
    "big.txt": "over the size limit of 10 MB (50.0 MB)",
    "missing.txt": "no such file or folder",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("robust")
    d = base / "corpus"
    d.mkdir()
    raw = SEED.read_bytes()
    text = raw.decode("utf-8")
    (d / "seed.txt").write_bytes(raw)
    (d / "seed_gb18030.txt").write_bytes(text.encode("gb18030"))
    (d / "seed_utf16le.txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    (d / "seed_utf16be.txt").write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    (d / "seed_utf8bom.txt").write_bytes(codecs.BOM_UTF8 + raw)
    (d / "seed_crlf.txt").write_bytes(raw.replace(b"\n", b"\r\n"))
    (d / "seed_cr.txt").write_bytes(raw.replace(b"\n", b"\r"))
    (d / "seed_nul.txt").write_bytes(raw + b"\x00" * 2048)
    (d / "seed_nul_inside.txt").write_bytes(raw.replace("\n顾村镇将".encode(), "\n\x00顾村镇将".encode()))
    (d / "seed2.md").write_bytes(SEED2.read_bytes())
    (d / "fullwidth.txt").write_text("年内新开建幼儿园３所、新开办幼儿园１所、新启用校舍２所，进一步提升教育供给水平。", encoding="utf-8")
    (d / "longline.txt").write_text(KINDERGARTENS * 1000, encoding="utf-8")       # one 38,000-character line
    (d / "nobody.html").write_text(f"<p>{KINDERGARTENS}</p>", encoding="utf-8")
    (d / "nohead.htm").write_text(f"<div>{KINDERGARTENS}</div><div>版权所有 2023</div>", encoding="gb18030")
    table = "| 项目 | 投资额(亿元) | 建筑面积(万平方米) |\n|---|---|---|\n"
    table += "".join(f"| 项目{k} | {k}.5 | 3.2 |\n" for k in range(200))
    (d / "table.md").write_text(table, encoding="utf-8")
    for name, adversarial in ADVERSARIAL.items():
        (d / name).write_text(adversarial + "\n" + KINDERGARTENS + "\n", encoding="utf-8")
    # unreadable
    (d / "binary.txt").write_bytes(random.Random(4).randbytes(8192))
    (d / "controls.txt").write_bytes(bytes(range(1, 32)) * 200)
    (d / "pdf.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    (d / "zip.md").write_bytes(b"PK\x03\x04" + bytes(100))
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_bytes(b" \n\t\r\n  \n")
    (d / "bom_only.txt").write_bytes(codecs.BOM_UTF8 + "\u3000\n".encode())
    (d / "bad_utf16.txt").write_bytes(codecs.BOM_UTF16_LE + "宝山".encode("utf-16-le") + b"\x00\xd8")
    write_big(d / "big.txt", 50 * MB, ["启动旧住房成套改造8.07万平方米。", KINDERGARTENS, "统筹布局131个社区服务站点。"])
    # skipped by the folder walk: not a text extension
    (d / "notes.dat").write_bytes(raw)
    (d / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (d / "README").write_bytes(raw)
    # named explicitly
    extra = base / "extra"
    extra.mkdir()
    (extra / "notes.dat").write_bytes(raw)
    return base


@pytest.fixture(scope="module")
def cli(corpus):
    """One run of the CLI over the corpus (10 MB limit), an explicit .dat file and a missing one."""
    out = corpus / "out.csv"
    done = run("extract", "corpus", "extra/notes.dat", "extra/missing.txt", "-o", out,
               "--max-mb", "10", "--no-cache", cwd=corpus)
    rows = read_csv(out) if out.exists() else pd.DataFrame(columns=list(COLUMNS))
    return done, rows


def rows_of(rows: pd.DataFrame, name: str) -> pd.DataFrame:
    return rows[rows["source"].map(lambda s: Path(s).name) == name].reset_index(drop=True)


def test_exit_status_2_and_no_traceback(cli):
    done, rows = cli
    assert done.returncode == 2, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    assert len(rows)


def test_every_unreadable_input_is_named_with_its_reason(cli):
    done, _ = cli
    assert reasons(done.stderr) == UNREADABLE


def test_the_folder_walk_skips_other_extensions_silently(cli):
    done, rows = cli
    stderr = done.stderr.decode()
    assert "image.png" not in stderr and "README" not in stderr
    sources = set(rows["source"])
    assert not any(s.endswith(("image.png", "README", "corpus/notes.dat")) for s in sources)


def test_a_file_named_explicitly_is_read_whatever_its_extension(cli):
    _, rows = cli
    got = rows_of(rows, "notes.dat")
    assert (got["source"] == "extra/notes.dat").all()
    assert got[SAME].equals(rows_of(rows, "seed.txt")[SAME])


@pytest.mark.parametrize("copy", ["seed_gb18030.txt", "seed_utf16le.txt", "seed_utf16be.txt", "seed_utf8bom.txt",
                                  "seed_nul.txt"])
def test_encodings_give_the_same_rows_as_the_utf8_original(cli, copy):
    _, rows = cli
    original = rows_of(rows, "seed.txt")
    assert len(original) >= 10
    assert rows_of(rows, copy)[SAME].equals(original[SAME])


@pytest.mark.parametrize("copy, eol", [("seed_crlf.txt", b"\r\n"), ("seed_cr.txt", b"\r")])
def test_other_line_ends_keep_offsets_into_the_decoded_text(cli, corpus, copy, eol):
    _, rows = cli
    text = (corpus / "corpus" / copy).read_bytes().decode("utf-8")     # no newline translation
    got = rows_of(rows, copy)
    assert len(got) == len(rows_of(rows, "seed.txt"))
    for row in got.itertuples():
        assert text[row.start:row.end] == row.surface
    same = [c for c in SAME if c not in ("start", "end", "sentence")]
    assert got[same].equals(rows_of(rows, "seed.txt")[same])


def test_nul_bytes_inside_a_text(cli, corpus):
    _, rows = cli
    text = (corpus / "corpus" / "seed_nul_inside.txt").read_bytes().decode("utf-8")
    got = rows_of(rows, "seed_nul_inside.txt")
    assert got["surface"].tolist() == rows_of(rows, "seed.txt")["surface"].tolist()
    assert all(text[r.start:r.end] == r.surface for r in got.itertuples())


@pytest.mark.parametrize("name", ["fullwidth.txt", "longline.txt", "nobody.html", "nohead.htm", *ADVERSARIAL])
def test_odd_forms_give_their_rows(cli, name):
    _, rows = cli
    got = rows_of(rows, name)["surface"].tolist()
    if name == "fullwidth.txt":
        assert got == ["３所", "１所", "２所"]
        assert rows_of(rows, name)["value_norm"].tolist() == [3, 1, 2]
    elif name == "longline.txt":
        assert got == KINDERGARTEN_ROWS * 1000
    elif name == "adv_percent.txt":
        assert got == ["1%"] * 500 + KINDERGARTEN_ROWS
    else:
        assert got == KINDERGARTEN_ROWS


def test_text_rows_index_the_decoded_text(cli, corpus):
    _, rows = cli
    for name, group in rows.groupby(rows["source"].map(lambda s: Path(s).name)):
        path = corpus / group["source"].iloc[0]
        if name.endswith((".html", ".htm")):
            text = tracker.read_document(path).text               # the main text the API exposes
        else:
            text = tracker.document.decode(path.read_bytes())
        for row in group.itertuples():
            assert text[row.start:row.end] == row.surface, (name, row.surface)


def test_a_document_that_is_one_markdown_table(cli):
    _, rows = cli
    got = rows_of(rows, "table.md")
    assert len(got) == 400
    money = got[got["quantity"] == "money"]
    assert money["value"].tolist() == [k + 0.5 for k in range(200)]
    assert set(money["unit_norm"]) == {"元"} and set(got[got["quantity"] == "area"]["value_norm"]) == {32000}


def test_the_api_returns_the_errors_table(corpus):
    rows, errors = tracker.extract_paths([corpus / "corpus" / "pdf.txt", corpus / "corpus" / "seed.txt", corpus / "nothing"])
    assert list(errors.columns) == ["path", "reason"]
    assert dict(zip(errors["path"].map(lambda p: Path(p).name), errors["reason"])) == {
        "pdf.txt": "not text: looks like a PDF", "nothing": "no such file or folder"}
    assert len(rows) and set(rows["source"]) == {str(corpus / "corpus" / "seed.txt")}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symbolic links")
def test_links_loops_and_fifos_never_hang_the_walk(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(KINDERGARTENS, encoding="utf-8")
    os.symlink(d, d / "loop")                                  # a folder that contains itself
    os.symlink(tmp_path / "gone.txt", d / "dangling.txt")
    os.mkfifo(d / "pipe.txt")                                  # reading it would block forever
    os.mkfifo(tmp_path / "named.fifo")
    rows, errors = tracker.extract_paths([d, tmp_path / "named.fifo"])
    assert rows["surface"].tolist() == KINDERGARTEN_ROWS
    assert dict(zip(errors["path"].map(lambda p: Path(p).name), errors["reason"])) == {
        "dangling.txt": "no such file or folder (a broken link)",
        "pipe.txt": "not a regular file",
        "named.fifo": "not a regular file",
    }


def test_duplicate_names_get_distinct_doc_ids(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "x.txt").write_text(KINDERGARTENS, encoding="utf-8")
    (tmp_path / "a" / "x.md").write_text(KINDERGARTENS, encoding="utf-8")
    rows, errors = tracker.extract_paths([tmp_path / "a", tmp_path / "b", tmp_path / "a" / "x.txt"])
    assert errors.empty
    assert sorted(set(rows["doc_id"])) == sorted({
        (tmp_path / "a" / "x.md").as_posix(), (tmp_path / "a" / "x.txt").as_posix(), (tmp_path / "b" / "x").as_posix()})
    assert len(rows) == 3 * 3                                  # a/x.txt named twice is read once


def test_the_walk_is_in_path_order_and_a_file_is_named_by_its_path(tmp_path, monkeypatch):
    from tracker.reader import discover

    names = ["b-c/y.txt", "b/z.txt", "b.txt", "B/a.md", "a/x.html", "a/x.HTM", "ü.txt", "a b/c.txt", "a.b.txt", ".txt"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(KINDERGARTENS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    inputs, errors = discover(["."])
    walked = sorted(Path(n) for n in names if Path(n).name != ".txt")    # ".txt" has no extension
    assert errors == []
    assert [i.path for i in inputs] == [i.source for i in inputs] == [str(p) for p in walked]
    assert all(i.stat is not None and i.stat.st_ino == os.stat(i.path).st_ino for i in inputs)
    doc_ids = {i.path: i.doc_id for i in inputs}
    assert (doc_ids["B/a.md"], doc_ids["a.b.txt"], doc_ids["a b/c.txt"]) == ("a", "a.b", "c")
    assert (doc_ids["a/x.html"], doc_ids["a/x.HTM"]) == ("a/x.html", "a/x.HTM")      # the same up to the extension


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs links")
def test_a_file_reached_through_a_link_is_read_once_and_a_hard_link_twice(tmp_path):
    from tracker.reader import discover

    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(KINDERGARTENS, encoding="utf-8")
    os.symlink(d / "a.txt", d / "b.txt")
    os.link(d / "a.txt", d / "c.txt")
    inputs, errors = discover([d / "a.txt", d, d / "b.txt"])
    assert errors == []
    assert [Path(i.path).name for i in inputs] == ["a.txt", "c.txt"]


@pytest.mark.slow
def test_a_50_mb_text_is_read_under_a_bigger_limit(corpus):
    out = corpus / "big.csv"
    done = run("extract", "corpus/big.txt", "-o", out, "--no-cache", cwd=corpus)       # default limit: 64 MB
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    rows = read_csv(out)
    assert rows["surface"].tolist() == ["8.07万平方米", *KINDERGARTEN_ROWS, "131个"]
    text = (corpus / "corpus" / "big.txt").read_bytes().decode("utf-8")
    assert all(text[r.start:r.end] == r.surface for r in rows.itertuples())


@pytest.mark.parametrize("limit_mb, expected", [
    (1, "whole"),                                   # grew, but stays under the limit: read whole
    (100 / 1024 / 1024, "over the size limit"),     # grew past the limit: refused, never read whole
])
def test_a_file_that_grew_after_its_size_was_asked_is_read_to_the_limit(tmp_path, monkeypatch, limit_mb, expected):
    from tracker import reader
    path = tmp_path / "growing.txt"
    path.write_bytes("宝山区新建幼儿园3所。".encode() * 40)                     # 1,240 bytes
    real_stat = os.stat
    monkeypatch.setattr(reader.os, "stat", lambda p, *a, **k: os.stat_result(
        (*real_stat(p, *a, **k)[:6], 10, *real_stat(p, *a, **k)[7:])))     # says 10 bytes
    if expected == "whole":
        assert reader.read_bytes(path, limit_mb) == path.read_bytes()
    else:
        with pytest.raises(tracker.document.DocumentError, match=expected):
            reader.read_bytes(path, limit_mb)


# --- usage errors -------------------------------------------------------------------------------

USAGE_ERRORS = [
    [],
    ["extract"],
    ["frobnicate", "x"],
    ["extract", "x.txt", "--format", "xml"],
    ["extract", "x.txt", "--max-mb", "lots"],
    ["extract", "x.txt", "--no-such-option"],
    ["extract", "x.txt", "--format", "parquet"],                 # Parquet needs an output file
    ["evaluate", "--docs", "."],
]


def test_a_usage_error_exits_1_without_traceback(tmp_path):
    done = run("extract", "--format", "xml", "x.txt", cwd=tmp_path)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert b"usage:" in done.stderr


@pytest.mark.parametrize("args", USAGE_ERRORS)
def test_usage_errors_exit_1(tmp_path, monkeypatch, capsys, args):
    """The same parser in this process (a run per case would cost a second each)."""
    (tmp_path / "x.txt").write_text(KINDERGARTENS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    try:
        status = cli_main(args)
    except SystemExit as e:
        status = e.code
    assert status == 1, (args, status)
    assert capsys.readouterr().err.strip()


def test_all_readable_exits_0(tmp_path):
    (tmp_path / "x.txt").write_text(KINDERGARTENS, encoding="utf-8")
    done = run("extract", "x.txt", "--no-cache", cwd=tmp_path)
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert done.stdout.startswith(b"doc_id,")


# --- atomic outputs -----------------------------------------------------------------------------

def _previous_output(folder: Path) -> tuple[Path, bytes]:
    """out.csv as a previous run left it (written in this process, to save a run)."""
    out = folder / "out.csv"
    write_table(tracker.extract_paths([SEED]).rows, str(out), "csv")
    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + b"doc_id,") and data.count(b"\n") > 10
    return out, data


@pytest.fixture(scope="module")
def many_rows(tmp_path_factory) -> Path:
    """A folder whose table is large enough that writing it takes a moment (9,000 rows, 1.5 MB)."""
    d = tmp_path_factory.mktemp("many")
    sentence = "新建幼儿园3所，改造绿地2公顷，投资5亿元。\n"
    (d / "doc.txt").write_text("第0号文件的标题行文字\n" + sentence * 3000, encoding="utf-8")
    return d


def _whole_output(folder: Path, tmp_path: Path) -> bytes:
    """What an uninterrupted run writes for ``folder``."""
    whole = tmp_path / "whole" / "out.csv"
    subprocess.run([sys.executable, "-m", "tracker", "extract", str(folder), "-o", str(whole), "--no-cache", "-j", "1"],
                   cwd=tmp_path, capture_output=True, env=_env(), check=True)
    return whole.read_bytes()


def _start_extract(folder: Path, out: Path, jobs: int) -> subprocess.Popen:
    """The command extracting ``folder`` to ``out`` in the background, in a session of its own
    (so that a signal can go to it alone or to its whole group); stderr kept for the test."""
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "extract", str(folder), "-o", str(out), "--no-cache", "-j", str(jobs)],
        cwd=out.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(), start_new_session=True,
    )


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".out.csv.") and p.name.endswith(".tmp")]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_killing_the_cli_mid_write_leaves_the_previous_output_intact(tmp_path, many_rows, sig):
    out, before = _previous_output(tmp_path)
    proc = _start_extract(many_rows, out, jobs=1)
    try:
        deadline = time.monotonic() + 120
        while not _temp_files(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        writing = proc.poll() is None and bool(_temp_files(tmp_path))
        os.killpg(proc.pid, sig)
    finally:
        _, stderr = proc.communicate(timeout=60)
    assert writing, "the run ended before it began writing; the corpus is too small to catch it"
    after = out.read_bytes()
    # Not truncated, not half-new: the old output, or (when the rename won the race against the
    # signal) the whole new one.
    # (compared as booleans: pytest's diff of two 1.5 MB outputs would take minutes)
    intact = after == before or after == _whole_output(many_rows, tmp_path)
    assert intact, f"the output was left half-written ({len(after):,} bytes; it had {len(before):,})"
    assert b"Traceback" not in stderr
    if proc.returncode in (130, 143):                               # stopped: it says what it left
        assert (b"no output was written" in stderr) == (after == before), stderr.decode()
    if sig in (signal.SIGINT, signal.SIGTERM) and after == before:
        assert proc.returncode == (130 if sig == signal.SIGINT else 143)
        assert not _temp_files(tmp_path)                            # a stopped run cleans up


@pytest.fixture(scope="module")
def more_rows(tmp_path_factory) -> Path:
    """A folder whose extraction takes several seconds (36,000 rows): a run killed one second
    in is surely still reading and extracting, however fast the machine is that day."""
    d = tmp_path_factory.mktemp("more")
    sentence = "新建幼儿园3所，改造绿地2公顷，投资5亿元。\n"
    (d / "doc.txt").write_text("第0号文件的标题行文字\n" + sentence * 12000, encoding="utf-8")
    return d


def test_killing_the_cli_while_it_reads_leaves_the_previous_output_intact(tmp_path, more_rows):
    out, before = _previous_output(tmp_path)
    proc = _start_extract(more_rows, out, jobs=1)
    time.sleep(1.0)
    reading = proc.poll() is None and not _temp_files(tmp_path)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert reading, "the run began writing within a second; the corpus is too small to catch it reading"
    unchanged = out.read_bytes() == before              # (a boolean: see above)
    assert unchanged


def _seed_copies(tmp_path_factory, name: str, n: int) -> Path:
    d = tmp_path_factory.mktemp(name)
    for i in range(n):
        (d / f"copy{i:03d}.txt").write_bytes(SEED.read_bytes())
    return d


@pytest.fixture(scope="module")
def many_documents(tmp_path_factory) -> Path:
    """Six hundred copies of a seed: seconds of work for two worker processes."""
    return _seed_copies(tmp_path_factory, "many-docs", 600)


def test_sigterm_to_the_command_alone_stops_its_workers_too(tmp_path, many_documents):
    """`kill PID` (or a service manager) signals the command, not its worker processes: they
    are ended with it, and the command does not wait at exit on a worker waiting for work.
    (A forked worker used to inherit the command's SIGTERM handler, report the stop as a
    task's failure and wait on; the exit then waited on it for ever.)"""
    out, before = _previous_output(tmp_path)
    proc = _start_extract(many_documents, out, jobs=2)
    try:
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        workers = _children(proc.pid)
        time.sleep(0.3)                                 # the workers are busy now
        working = proc.poll() is None
        proc.send_signal(signal.SIGTERM)                # to the command alone
        try:
            _, stderr = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("the command did not exit within 30 s of SIGTERM")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert working and len(workers) == 2, "the run ended before its workers were busy; the corpus is too small"
    assert proc.returncode == 143, stderr.decode()
    assert b"Traceback" not in stderr
    assert out.read_bytes() == before and not _temp_files(tmp_path)
    time.sleep(0.5)
    assert not [pid for pid in workers if _alive(pid)], "a worker outlived the command"


def _children(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (Linux: /proc)."""
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def seed_copies(tmp_path_factory) -> Path:
    """Ten copies of a seed: a table of a few hundred rows, more than a pipe holds."""
    return _seed_copies(tmp_path_factory, "copies", 10)


def test_a_run_that_completes_replaces_the_output_whole(tmp_path, seed_copies):
    out, _ = _previous_output(tmp_path)
    os.chmod(out, 0o640)
    done = run("extract", seed_copies, "-o", out, "--no-cache", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    one = tracker.extract_paths([SEED]).rows
    assert len(read_csv(out)) == 10 * len(one)
    assert oct(os.stat(out).st_mode & 0o777) == oct(0o640)            # keeps the file's permissions
    assert not _temp_files(tmp_path)


def test_a_new_output_gets_ordinary_permissions(tmp_path):
    (tmp_path / "x.txt").write_text(KINDERGARTENS, encoding="utf-8")
    done = run("extract", "x.txt", "-o", "new.csv", "--no-cache", cwd=tmp_path)
    assert done.returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(tmp_path / "new.csv").st_mode & 0o777 == 0o666 & ~umask


def test_a_run_that_reads_nothing_leaves_the_previous_output(tmp_path):
    out, before = _previous_output(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "in" / "b.txt").write_bytes(b"")
    done = run("extract", "in", "-o", out, "--no-cache", cwd=tmp_path)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert out.read_bytes() == before


def test_a_run_that_reads_nothing_never_truncates_the_output(tmp_path):
    out, before = _previous_output(tmp_path)
    done = run("extract", "missing-folder", "-o", out, "--no-cache", cwd=tmp_path)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    after = out.read_bytes()
    assert after == before or after.startswith(before.split(b"\n", 1)[0])   # the old output, or a whole table
    assert not _temp_files(tmp_path)


@pytest.mark.parametrize("target", ["a_file/out.csv", "a_folder"])
def test_an_unwritable_output_is_a_plain_error_and_harms_nothing(tmp_path, target):
    (tmp_path / "x.txt").write_text(KINDERGARTENS, encoding="utf-8")
    (tmp_path / "a_file").write_text("keep me", encoding="utf-8")
    (tmp_path / "a_folder").mkdir()
    (tmp_path / "a_folder" / "inside.txt").write_text("keep me too", encoding="utf-8")
    done = run("extract", "x.txt", "-o", target, "--no-cache", cwd=tmp_path)
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr and b"could not write" in done.stderr
    assert (tmp_path / "a_file").read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in (tmp_path / "a_folder").iterdir()] == ["inside.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_leaves_the_output(tmp_path):
    out, before = _previous_output(tmp_path)
    os.chmod(tmp_path, 0o555)
    try:
        done = run("extract", SEED, "-o", out, "--no-cache", cwd=tmp_path)
    finally:
        os.chmod(tmp_path, 0o755)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert out.read_bytes() == before


def test_a_broken_pipe_on_stdout_is_quiet(tmp_path, seed_copies):
    proc = subprocess.Popen([sys.executable, "-m", "tracker", "extract", str(seed_copies), "--no-cache", "-j", "1"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    proc.stdout.read(100)
    proc.stdout.close()
    stderr = proc.stderr.read()
    proc.wait(timeout=120)
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr, stderr.decode()
