"""The Streamlit app run headless by AppTest on the shipped corpus (data/raw), on Parquet
tables written by the CLI, and on folders that change while it runs."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import tracker

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard.py"
CORPUS = ROOT / "data" / "raw"
UPLOAD = ("2026年,宝山区将新建幼儿园3所,完成旧住房成套改造5万平方米,"
          "全社会固定资产投资达到88亿元。").encode()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Streamlit's caches live in the process: each test starts from empty ones."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return tracker.extract_paths([CORPUS]).rows


def run(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def figures(at: AppTest) -> dict[str, str]:
    """Headline metrics by the first word of their label: 指标, 文件, 区, 资金, 面积."""
    return {m.label.split(" ")[0]: m.value for m in at.metric}


def shown(at: AppTest) -> pd.DataFrame:
    """The table of figures (not the table of unreadable files)."""
    return next(d.value for d in at.dataframe if "sentence" in d.value.columns)


def test_runs_on_the_shipped_corpus(corpus):
    at = run()
    assert len(corpus) > 0
    table = shown(at)
    assert len(table) == len(corpus)
    assert figures(at)["指标"] == f"{len(corpus):,}"
    assert figures(at)["文件"] == str(corpus["doc_id"].nunique())
    districts = at.multiselect(key="district")
    assert "宝山区" in districts.options[0] + " ".join(districts.options)
    assert "<mark" in at.html[-1].value  # the first document is shown with its figures marked
    assert len(at.get("vega_lite_chart")) == 4


def test_choosing_a_district_changes_table_figures_and_url(corpus):
    at = run()
    before = figures(at)
    at.multiselect(key="district").set_value(["宝山区"]).run()
    assert not at.exception
    table = shown(at)
    expected = corpus[corpus["district"] == "宝山区"]
    assert len(table) == len(expected) < len(corpus)
    assert set(table["district"]) == {"宝山区"}
    after = figures(at)
    assert after["指标"] == f"{len(expected):,}" and after != before
    assert at.query_params["district"] == "宝山区"


def test_url_parameters_restore_filters(corpus):
    year = int(corpus.loc[corpus["district"] == "宝山区", "year"].dropna().iloc[0])
    at = run(district="宝山区", year=str(year), search="投资")
    assert at.multiselect(key="district").value == ["宝山区"]
    assert at.multiselect(key="year").value == [year]
    assert at.text_input(key="search").value == "投资"
    table = shown(at)
    assert len(table) > 0 and set(table["district"]) == {"宝山区"}
    assert set(table["year"]) == {year}
    assert all("投资" in m + s for m, s in zip(table["metric"], table["sentence"]))


def test_several_values_in_the_url(corpus):
    both = sorted(set(corpus["district"]) - {""})[:2]
    at = run(district=both, kind="target", theme="nowhere")
    assert sorted(at.multiselect(key="district").value) == both
    assert at.multiselect(key="theme").value == []  # unknown values are dropped
    table = shown(at)
    assert set(table["district"]) <= set(both) and set(table["kind"]) == {"target"}


def test_an_upload_adds_its_rows(corpus):
    expected = tracker.extract_bytes(UPLOAD, "新区计划.txt").rows
    assert len(expected) > 0
    at = run()
    at.file_uploader(key="upload").set_value(("新区计划.txt", UPLOAD, "text/plain")).run()
    assert not at.exception
    table = shown(at)
    assert len(table) == len(corpus) + len(expected)
    assert any("figures added" in s.value for s in at.success)
    documents = at.selectbox(key="document")
    assert any("新区计划" in label for label in documents.options)  # options as shown
    documents.set_value("新区计划.txt").run()
    assert at.html[-1].value.count("<mark") == len(expected)
    assert "新建幼儿园" in at.html[-1].value


def test_an_upload_named_like_a_corpus_file_is_told_apart(corpus):
    """Its rows are another document's: their own doc_id (upload/NAME), counted apart."""
    name = sorted(CORPUS.glob("*.txt"))[0].name
    stem = Path(name).stem
    assert stem in set(corpus["doc_id"])
    at = run()
    at.file_uploader(key="upload").set_value((name, UPLOAD, "text/plain")).run()
    assert not at.exception
    table = shown(at)
    assert len(table) == len(corpus) + len(tracker.extract_bytes(UPLOAD, name).rows)
    # the upload has no title line, so the table names it by its doc_id
    assert (table["document"] == f"upload/{stem}").sum() == len(tracker.extract_bytes(UPLOAD, name).rows) > 0
    assert any(c.value.startswith(f"{corpus['doc_id'].nunique() + 1} documents") for c in at.caption)


def test_two_uploads_of_one_name_stay_two_documents(corpus):
    """The second is told apart from the first (upload/NAME): each keeps its own rows and its
    own text in the document view."""
    other = "2025年,嘉定区将新建口袋公园5座。".encode()
    first, second = (tracker.extract_bytes(d, "同名.txt").rows for d in (UPLOAD, other))
    at = run()
    at.file_uploader(key="upload").set_value([("同名.txt", UPLOAD, "text/plain"), ("同名.txt", other, "text/plain")]).run()
    assert not at.exception
    table = shown(at)
    assert len(table) == len(corpus) + len(first) + len(second)
    assert (table["document"] == "同名").sum() == len(first) and (table["document"] == "upload/同名").sum() == len(second)
    assert any(c.value.startswith(f"{corpus['doc_id'].nunique() + 2} documents") for c in at.caption)
    for source, rows, word in (("同名.txt", first, "新建幼儿园"), ("upload/同名.txt", second, "口袋公园")):
        at.selectbox(key="document").set_value(source).run()
        assert at.html[-1].value.count("<mark") == len(rows) and word in at.html[-1].value


@pytest.mark.parametrize("name, data, says", [
    ("big.txt", b"x" * (6 * 2**20), "over the 5 MB limit"),
    ("scan.txt", b"%PDF-1.7 binary", "could not be read"),
    ("empty.html", b"   ", "could not be read"),
])  # other types are refused by Streamlit itself (the uploader's type list)
def test_bad_uploads_get_a_clear_message_and_add_nothing(corpus, name, data, says):
    at = run()
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception
    assert any(says in e.value for e in at.error), [e.value for e in at.error]
    assert len(shown(at)) == len(corpus)


def test_a_folder_given_on_the_command_line(tmp_path, monkeypatch):
    (tmp_path / "plan.txt").write_bytes(UPLOAD)
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.7 not text")
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--data", str(tmp_path)])
    at = run()
    assert at.text_input(key="folder").value == str(tmp_path)
    assert len(shown(at)) == len(tracker.extract_paths([tmp_path]).rows) > 0
    assert at.expander[0].label == "Files not read: 1"


def test_an_empty_or_missing_folder(tmp_path):
    at = run()
    at.text_input(key="folder").set_value(str(tmp_path)).run()
    assert not at.exception
    assert figures(at)["指标"] == "0"
    assert any("No document" in i.value for i in at.info)
    at.text_input(key="folder").set_value(str(tmp_path / "nowhere")).run()
    assert not at.exception
    assert any("is not a folder" in e.value for e in at.error)


def test_the_table_is_cut_at_its_limit_and_says_so(corpus, monkeypatch):
    monkeypatch.setattr("tracker.table.TABLE_LIMIT", 5)
    at = run()
    assert len(shown(at)) == 5
    assert any(f"first 5 of {len(corpus):,} rows" in c.value for c in at.caption)
    assert figures(at)["指标"] == f"{len(corpus):,}"  # the figures still count every row


# --- Parquet tables, a changing folder, the shared cached table ---------------------------

@pytest.fixture(scope="module")
def parquet(tmp_path_factory) -> Path:
    """The shipped corpus as the CLI writes it: ``python -m tracker extract DIR -o out.parquet``."""
    out = tmp_path_factory.mktemp("cli") / "out.parquet"
    done = subprocess.run([sys.executable, "-m", "tracker", "extract", str(CORPUS), "-o", str(out),
                           "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return out


def with_data(monkeypatch, path: Path, **params: str) -> AppTest:
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--data", str(path)])
    return run(**params)


@pytest.mark.parametrize("layout, documents", [
    ("the table itself", False),      # --data out.parquet
    ("a folder holding it", False),   # --data results/ with out.parquet in it
    ("a folder of documents and the table", True),
])
def test_a_parquet_table_from_the_cli(corpus, parquet, tmp_path, monkeypatch, layout, documents):
    path = parquet
    if layout != "the table itself":
        path = tmp_path
        shutil.copy(parquet, tmp_path / "out.parquet")
    if documents:
        (tmp_path / "plan.txt").write_bytes(UPLOAD)
    extra = tracker.extract_bytes(UPLOAD, "plan.txt").rows if documents else corpus.iloc[:0]
    at = with_data(monkeypatch, path)
    assert len(shown(at)) == len(corpus) + len(extra)
    assert figures(at)["指标"] == f"{len(corpus) + len(extra):,}"
    assert not at.expander  # nothing unreadable
    assert "<mark" in at.html[-1].value  # the table's sources are opened in the document view
    at.multiselect(key="district").set_value(["宝山区"]).run()
    expected = pd.concat([corpus, extra])
    assert len(shown(at)) == (expected["district"] == "宝山区").sum() > 0


@pytest.mark.parametrize("name, write, reason", [
    ("scan.parquet", lambda p: p.write_bytes(b"%PDF-1.7 not a table"), "Parquet"),
    ("other.parquet", lambda p: pd.DataFrame({"a": [1]}).to_parquet(p), "not a table of figures"),
])
@pytest.mark.parametrize("given", ["the file", "its folder"])
def test_a_table_that_cannot_be_read_is_listed(tmp_path, monkeypatch, name, write, reason, given):
    (tmp_path / "plan.txt").write_bytes(UPLOAD)
    write(tmp_path / name)
    at = with_data(monkeypatch, tmp_path / name if given == "the file" else tmp_path)
    documents = 0 if given == "the file" else len(tracker.extract_bytes(UPLOAD, "plan.txt").rows)
    assert figures(at)["指标"] == f"{documents:,}"
    assert at.expander[0].label == "Files not read: 1"
    (errors,) = [d.value for d in at.dataframe if "reason" in d.value.columns]
    assert errors["path"].tolist() == [str(tmp_path / name)]
    assert reason in errors["reason"].iloc[0]


def test_a_tables_documents_moved_away(corpus, tmp_path, monkeypatch):
    corpus.assign(source="moved/away.txt").to_parquet(tmp_path / "old.parquet")
    at = with_data(monkeypatch, tmp_path / "old.parquet")
    assert len(shown(at)) == len(corpus)
    assert any("cannot be opened here" in i.value for i in at.info)


def test_new_files_in_the_folder_show_up_on_reload(tmp_path, monkeypatch):
    (tmp_path / "plan.txt").write_bytes(UPLOAD)
    at = with_data(monkeypatch, tmp_path)
    one = len(shown(at))
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "plan2.txt").write_bytes(UPLOAD.replace("宝山区".encode(), "普陀区".encode()))
    at.button(key="reload").click().run()
    assert not at.exception
    assert len(shown(at)) == 2 * one > 0
    assert "普陀区" in " ".join(at.multiselect(key="district").options)


@pytest.mark.parametrize("change", [
    lambda d: (d / "b.txt").write_text("新增。", encoding="utf-8"),          # a new document
    lambda d: (d / "a.txt").write_text("改写后的文字。", encoding="utf-8"),    # rewritten
    lambda d: (d / "a.txt").rename(d / "c.md"),                              # renamed
    lambda d: (d / "a.txt").unlink(),                                        # removed
    lambda d: (d / "sub").mkdir() or (d / "sub" / "t.parquet").write_bytes(b"x"),  # a table
])
def test_the_fingerprint_follows_documents_and_tables(tmp_path, change):
    from tracker.table import fingerprint

    (tmp_path / "a.txt").write_text("原文。", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    before = fingerprint(tmp_path)
    assert fingerprint(tmp_path) == before
    (tmp_path / "notes.pdf").write_bytes(b"%PDF, longer")  # not a document: no change
    assert fingerprint(tmp_path) == before
    change(tmp_path)
    assert fingerprint(tmp_path) != before


def test_the_shared_table_is_never_changed(corpus, tmp_path, monkeypatch):
    """The folder's table is handed to every rerun as it is (not a copy): a session of
    clicks, searches, an upload and a document read must leave it exactly as it was."""
    loaded = corpus.copy()
    monkeypatch.setattr(tracker, "extract_paths", lambda paths, **_: tracker.Extraction(
        loaded, pd.DataFrame({"path": [], "reason": []}, dtype=object)))
    at = with_data(monkeypatch, tmp_path)
    assert len(shown(at)) == len(corpus)
    at.multiselect(key="district").set_value(["宝山区"]).run()
    at.multiselect(key="kind").set_value(["target"]).run()
    at.text_input(key="search").set_value("投资").run()
    at.file_uploader(key="upload").set_value(("新区计划.txt", UPLOAD, "text/plain")).run()
    at.text_input(key="search").set_value("").run()
    at.multiselect(key="district").set_value([]).run()
    at.multiselect(key="kind").set_value([]).run()
    at.selectbox(key="document").set_value(corpus["source"].iloc[-1]).run()
    assert not at.exception
    pd.testing.assert_frame_equal(loaded, corpus)
