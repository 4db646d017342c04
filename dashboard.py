"""The target tracker's dashboard: ``streamlit run dashboard.py [-- --data DIR|OUT.parquet]``.

``--data`` names a folder of documents (its Parquet tables are read too) or one table
written by ``python -m tracker extract … -o OUT.parquet``.

Widgets, layout and calls into the package: filtering, facets, totals, CSV bytes and charts
are functions in ``tracker.table`` and ``tracker.charts``. Every filter is a widget keyed as
in the contract and mirrored in the URL, so a view can be shared and reopened.
"""
from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

import tracker
from tracker import charts, table
from tracker.cache import DEFAULT_DIR as CACHE_DIR
from tracker.document import from_bytes

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data" / "raw"
SUFFIXES = (".txt", ".md", ".html", ".htm")
UPLOAD_MB = 5
RECHECK_S = 3  # seconds a folder's fingerprint is trusted before it is walked again


def code(text: str) -> str:
    """Text from outside (a file name, a path) shown as inline code, never read as markdown."""
    return f"`{text.replace('`', '')}`"


def data_folder_default() -> str:
    """The folder or table given as ``-- --data PATH`` on the command line, else data/raw
    beside this file."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    return parser.parse_known_args(sys.argv[1:])[0].data


@st.cache_data(ttl=RECHECK_S, show_spinner=False)
def fingerprint(path: str) -> str:
    """The data's fingerprint, walked at most every few seconds (clicks in a row reuse it);
    the Reload button walks it now. New or changed files thus show up without a restart."""
    return table.fingerprint(path)


@st.cache_resource(show_spinner="Reading the documents…", max_entries=4)
def load_data(path: str, files: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows and errors of a folder or a table. ``files``, its fingerprint, makes changed
    data a new entry; across restarts the engine's own cache (``.tracker-cache/``, by
    content, as the CLI's) answers for the documents.

    Every session and rerun gets these very frames, not a copy (a copy of a million rows
    costs over a second per click): the app never assigns into them, it only derives new
    frames (filters, ``pd.concat`` with uploads, aggregations).
    """
    return table.load(path, lambda folder: tracker.extract_paths([folder], cache=CACHE_DIR))


@st.cache_data(show_spinner="Reading the upload…", max_entries=64)
def load_upload(data: bytes, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An upload's rows and errors, in memory only (nothing of an upload goes to disk)."""
    rows, errors = tracker.extract_bytes(data, name, max_mb=UPLOAD_MB)
    return rows, errors


@st.cache_data(max_entries=32)
def load_document(source: str, doc_id: str, upload: bytes | None = None) -> tracker.Document:
    """A document to read: from the bytes of an upload (``source`` is its name, never opened),
    else from disk at ``source``, the path its rows came from."""
    if upload is not None:
        return from_bytes(upload, source, doc_id)
    return tracker.read_document(source)


def uploads(shown: pd.DataFrame) -> tuple[list[pd.DataFrame], dict[str, bytes]]:
    """Rows of the documents uploaded this session, and their bytes by source for reading.

    An upload's name only labels it: it is never used as a path, and nothing is written. One
    named like a document already ``shown`` or like an earlier upload is told apart
    (``upload/NAME``, ``upload/NAME~2``: ``table.distinct_upload``).
    """
    files = st.file_uploader(
        "添加文件 · Add documents", type=[s.lstrip(".") for s in SUFFIXES],
        accept_multiple_files=True, key="upload", max_upload_size=UPLOAD_MB,
        help=f"Text or HTML, up to {UPLOAD_MB} MB each; kept for this session only.")
    frames, originals = [], {}
    ids: set[str] | None = None
    sources: set[str] = set()
    for f in files or []:
        name = code(f.name)
        if not f.name.lower().endswith(SUFFIXES):
            st.error(f"{name}: not read; only {', '.join(SUFFIXES)} files are accepted.")
        elif f.size > UPLOAD_MB * 2**20:
            st.error(f"{name}: not read; {f.size / 2**20:.1f} MB is over the {UPLOAD_MB} MB limit.")
        else:
            data = f.getvalue()
            try:
                rows, errors = load_upload(data, f.name)
            except (ValueError, UnicodeError) as err:  # the engine's DocumentError is a ValueError
                rows, errors = None, pd.DataFrame({"reason": [str(err)]})
            if len(errors):
                st.error(f"{name}: could not be read ({'; '.join(errors['reason'])}).")
            elif rows.empty:
                st.warning(f"{name}: read, but no figures found in it.")
            else:
                st.success(f"{name}: {len(rows)} figures added.")
            if rows is not None and len(rows):
                if ids is None:                       # read once, and only when there are uploads
                    ids, sources = set(shown["doc_id"].unique()), set(shown["source"].unique())
                doc_id, source = table.distinct_upload(rows["doc_id"].iat[0], rows["source"].iat[0], ids, sources)
                rows = rows.assign(doc_id=doc_id, source=source)      # a copy: the cached rows stay
                ids.add(doc_id)
                sources.add(source)
                frames.append(rows)
                originals[source] = data
    return frames, originals


def restore_from_url(df: pd.DataFrame) -> None:
    """On a session's first run, set the filters from the URL (a shared or reopened view)."""
    if st.session_state.get("_restored"):
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    st.session_state.update(table.selections_from_params(df, params))
    st.session_state[table.SEARCH_KEY] = st.query_params.get(table.SEARCH_KEY, "")
    st.session_state["_restored"] = True


def filters(df: pd.DataFrame) -> tuple[dict[str, list], str]:
    """The sidebar's search and multiselects; returns the selections and the search text."""
    search = st.text_input("搜索 · Search", key=table.SEARCH_KEY,
                           placeholder="metric or sentence, e.g. 旧住房")
    chosen = {f.key: st.session_state.get(f.key, []) for f in table.FILTERS}
    options = table.facets(df, chosen, search)
    for f in table.FILTERS:
        counts = dict(options[f.key])
        st.multiselect(f.label, list(counts), key=f.key, placeholder="all",
                       format_func=lambda v, key=f.key, c=counts: table.option_label(key, v, c[v]))
    selections = {f.key: st.session_state[f.key] for f in table.FILTERS}
    params = table.params_from_selections(selections, search)
    if params != {key: st.query_params.get_all(key) for key in st.query_params}:
        st.query_params.from_dict(params)
    return selections, search


def pick_district(chart_key: str) -> None:
    """A click on a district's bar filters to that district."""
    picked = st.session_state[chart_key]["selection"].get(charts.DISTRICT_PICK) or []
    districts = [p["district"] for p in picked if p.get("district")]
    if districts:
        st.session_state["district"] = districts


def headline(rows: pd.DataFrame) -> None:
    h = table.headline(rows)
    kinds = {name: " + ".join(h[f"{name}_kinds"]) or "none" for name in table.TOTALS}
    cells = st.columns([1, 1, 1, 1.7, 1.7])
    cells[0].metric("指标 · Figures", f"{h['targets']:,}", help="Rows shown, of every kind selected.")
    cells[1].metric("文件 · Documents", f"{h['documents']:,}")
    cells[2].metric("区 · Districts", f"{h['districts']:,}")
    cells[3].metric(f"资金 · Money 亿元 ({kinds['money']})", f"{h['money']:,.2f}",
                    help="Sum of distinct figures in 元 (each document, metric and value once).")
    cells[4].metric(f"面积 · Area 万平方米 ({kinds['area']})", f"{h['area']:,.2f}",
                    help="Sum of distinct figures in 平方米 (each document, metric and value once).")


def draw(chart, **options) -> None:
    """An Altair chart, or a line saying there is nothing to draw."""
    if chart.data.empty:
        st.caption(f"{chart.title}: nothing to chart in this selection.")
    else:
        st.altair_chart(chart, **options)


def chart_grid(rows: pd.DataFrame, selections: dict[str, list]) -> None:
    left, right = st.columns(2)
    chart_key = "chart_district_" + "|".join(selections["district"])  # a new filter, a fresh chart
    with left:
        draw(charts.targets_by_district(rows), key=chart_key, width="stretch",
             on_select=partial(pick_district, chart_key), selection_mode=charts.DISTRICT_PICK)
        draw(charts.rates_by_metric(rows), width="stretch")
    with right:
        draw(charts.money_and_area(rows))
        draw(charts.counts_by_year_and_kind(rows), width="stretch")


COLUMN_CONFIG = {
    "metric": st.column_config.TextColumn("指标 · Metric", width="medium"),
    "value": st.column_config.TextColumn("数值 · Value", width=110),
    "sentence": st.column_config.TextColumn("句子 · Sentence, figure in 【】", width="large"),
    "value_norm": st.column_config.NumberColumn("标准值 · Normalised", format="localized"),
    "unit_norm": st.column_config.TextColumn("单位 · Unit", width="small"),
    "kind": st.column_config.TextColumn("类型 · Kind", width="small"),
    "theme": st.column_config.TextColumn("主题 · Theme", width="medium"),
    "district": st.column_config.TextColumn("区 · District", width="small"),
    "subdistrict": st.column_config.TextColumn("街镇 · Town", width="small"),
    "year": st.column_config.NumberColumn("年份 · Year", format="%d", width="small"),
    "document": st.column_config.TextColumn("文件 · Document", width="medium"),
}


def rows_table(rows: pd.DataFrame, selections: dict[str, list], search: str) -> None:
    head, button = st.columns([4, 1], vertical_alignment="bottom")
    head.subheader("明细 · Table")
    button.download_button(
        "下载 CSV · Download", data=lambda: table.csv_bytes(rows), key="download",
        file_name=table.download_name(selections, search), mime="text/csv", on_click="ignore",
        icon=":material/download:", help="All filtered rows, every column, UTF-8 CSV for Excel.")
    st.dataframe(table.table_view(rows.head(table.TABLE_LIMIT)), column_config=COLUMN_CONFIG,
                 hide_index=True, width="stretch")
    if len(rows) > table.TABLE_LIMIT:
        st.caption(f"Showing the first {table.TABLE_LIMIT:,} of {len(rows):,} rows; "
                   "the download has them all.")


def document_view(rows: pd.DataFrame, everything: pd.DataFrame,
                  originals: dict[str, bytes]) -> None:
    st.subheader("原文 · Document")
    docs = table.documents(rows)
    if docs.empty:
        st.info("No document matches the filters.")
        return
    names, doc_ids = (dict(zip(docs["source"], docs[c])) for c in ("label", "doc_id"))
    source = st.selectbox("文件 · Document", list(names), key="document", format_func=names.get)
    try:
        doc = load_document(source, doc_ids[source], originals.get(source))
    except (OSError, ValueError) as err:  # a table's source moved, or read from elsewhere
        st.info(f"{code(source)} cannot be opened here ({err}); its figures are in the table.")
        return
    mine = everything[everything["source"] == source]
    st.html(table.kind_legend())
    with st.container(height=520, key="document_text"):
        st.html(table.highlight_document(doc.text, mine, doc.body))
    st.caption(f"{len(mine)} figures highlighted (hover one for its row); grey text is page "
               f"furniture, outside the article body. Source: {code(source)}")


def main() -> None:
    st.set_page_config(page_title="目标追踪 · Target tracker", page_icon=":material/target:",
                       layout="wide")
    with st.sidebar:
        st.header("目标追踪 · Target tracker")
        folder = st.text_input("文件夹 · Folder or table", value=data_folder_default(), key="folder",
                               help="A folder of documents (and Parquet tables), or one table "
                                    "written by `python -m tracker extract … -o OUT.parquet`.")
        if not (Path(folder).is_dir() or table.is_table(folder)):
            st.error(f"{code(folder)} is not a folder or a Parquet table.")
            st.stop()
        st.button("重新读取 · Reload", key="reload", on_click=fingerprint.clear,
                  icon=":material/refresh:", help=f"Look for new or changed files now (the "
                  f"folder is checked again on any click after {RECHECK_S} s).")
        rows, errors = load_data(folder, fingerprint(folder))
        added, originals = uploads(rows)
        everything = pd.concat([rows, *added], ignore_index=True) if added else rows
        restore_from_url(everything)
        selections, search = filters(everything)

    shown = table.apply_filters(everything, selections, search)
    st.title("目标追踪 · Target tracker")
    st.caption(f"{everything['doc_id'].nunique()} documents, {len(everything):,} figures from "
               f"{code(folder)}. Filter in the sidebar (the URL keeps the view), "
               "or click a district's bar.")
    if len(errors):
        with st.expander(f"Files not read: {len(errors)}", icon=":material/warning:"):
            st.dataframe(errors, hide_index=True)
    headline(shown)
    chart_grid(shown, selections)
    rows_table(shown, selections, search)
    document_view(shown, everything, originals)


if __name__ == "__main__":
    main()
