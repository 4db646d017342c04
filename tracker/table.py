"""The dashboard's logic as plain functions over the tidy table.

Reading the data (a folder of documents, Parquet tables written by the CLI) and a cheap
fingerprint of it, filters, facets, headline figures, CSV bytes for spreadsheets, a download
name that says what was filtered, and documents with their figures highlighted. Nothing
here imports Streamlit: ``dashboard.py`` lays out widgets and calls these, and the tests call them on
plain DataFrames.

A *selection* is a mapping from a filter key (see ``FILTERS``) to the values chosen for
it; an empty or missing entry means no filter on that column.
"""
from __future__ import annotations

import hashlib
import html
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import reduce
from operator import and_, or_
from typing import Any, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tracker.gazetteer import theme_labels
from tracker.model import COLUMNS
from tracker.reader import EXTENSIONS


class Filter(NamedTuple):
    key: str     # widget key and URL parameter
    column: str  # the column it selects on
    label: str   # what the sidebar calls it


#: The sidebar's filters, in order.
FILTERS: tuple[Filter, ...] = (
    Filter("district", "district", "区 · District"),
    Filter("subdistrict", "subdistrict", "街镇 · Town or sub-district"),
    Filter("theme", "theme", "主题 · Theme"),
    Filter("kind", "kind", "类型 · Kind"),
    Filter("quantity", "quantity", "量 · Quantity"),
    Filter("year", "year", "年份 · Year"),
    Filter("qualifier", "qualifier", "限定 · Qualifier"),
)
SEARCH_KEY = "search"
#: The columns the free-text search looks in.
SEARCHED: tuple[str, ...] = ("metric", "sentence")
#: The most rows the dashboard's table shows; the download has them all.
TABLE_LIMIT = 10_000
#: A cell starting with one of these is a formula (or the start of one) to a spreadsheet.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: Figures summed in the headline: name → (unit_norm summed, divisor): 元 in 亿元, 平方米 in 万平方米.
TOTALS: dict[str, tuple[str, float]] = {"money": ("元", 1e8), "area": ("平方米", 1e4)}
#: One figure counted once in totals, however often the documents repeat it.
FIGURE_KEY: tuple[str, ...] = ("doc_id", "metric", "value_norm", "unit_norm")
#: Highlight colour of each kind in the document view.
KIND_COLOURS: dict[str, str] = {"target": "#fde68a", "achieved": "#bbf7d0", "context": "#dbeafe"}
FURNITURE_STYLE = "color:#9ca3af"
#: Tables of figures as ``python -m tracker extract … -o OUT.parquet`` writes them.
TABLE_SUFFIXES: tuple[str, ...] = (".parquet",)
ERROR_COLUMNS: tuple[str, ...] = ("path", "reason")


def theme_label(key: str) -> str:
    """A theme's label, ``城市更新与住房 · Urban renewal & housing``; an unknown key is its own label.

    >>> theme_label("urban_renewal")
    '城市更新与住房 · Urban renewal & housing'
    """
    return theme_labels().get(key, key)


# --- reading the data ---------------------------------------------------------------------

def _walk(folder: str) -> Iterator[os.DirEntry]:
    """Documents and tables under ``folder``, by ``os.scandir``: links to folders are not
    followed (as the engine's walk), a folder that cannot be listed is passed over."""
    wanted = EXTENSIONS + TABLE_SUFFIXES
    stack = [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.name.lower().endswith(wanted):
                        yield entry
        except OSError:
            continue


def is_table(path: str | os.PathLike) -> bool:
    """A Parquet file, by its name."""
    return os.path.isfile(path) and str(path).lower().endswith(TABLE_SUFFIXES)


def fingerprint(path: str | os.PathLike) -> str:
    """A short digest of (path, size, mtime) of every document and table under a folder, or of
    one table: it changes when a file is added, removed, renamed or rewritten.

    One ``os.scandir`` walk and a stat per file: about 0.15 s for 20,000 documents.
    """
    path = os.fspath(path)
    files = [(e.path, e) for e in _walk(path)] if os.path.isdir(path) else [(path, None)]
    listing = []
    for name, entry in files:
        try:
            stat = entry.stat() if entry else os.stat(name)
            listing.append((name, stat.st_size, stat.st_mtime_ns))
        except OSError:                       # a broken link, or gone since the listing
            listing.append((name, -1, -1))
    return hashlib.blake2b(repr(sorted(listing)).encode(), digest_size=16).hexdigest()


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """A table written by ``python -m tracker extract … -o OUT.parquet``, as it was written.

    Raises ``ValueError`` when the file is not Parquet or lacks some of the table's columns,
    ``OSError`` when it cannot be read.
    """
    df = pq.read_table(path).combine_chunks().to_pandas()  # columns in one piece: see _in_one_piece
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"not a table of figures (no column {', '.join(missing)})")
    return df


def _in_one_piece(df: pd.DataFrame) -> pd.DataFrame:
    """The table with each column in one contiguous array. Stacked tables keep their pieces,
    and filtering text columns in pieces runs about twice as slow, on every click."""
    return pa.Table.from_pandas(df, preserve_index=False).combine_chunks().to_pandas()


def load(path: str | os.PathLike,
         extract: Callable[[str], tuple[pd.DataFrame, pd.DataFrame]]
         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows and the errors (path, reason) of what the dashboard is pointed at.

    A Parquet table is read as it is. A folder's documents are turned into rows by
    ``extract(folder)`` (the engine, with its cache) and the Parquet tables in it are read
    and added; a table that cannot be read is an error, like a document.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        rows, errors = extract(path)
        tables = sorted(e.path for e in _walk(path) if e.name.lower().endswith(TABLE_SUFFIXES))
        parts = [rows] if len(rows) or not tables else []  # no documents: the tables alone
        failed = [errors]
    else:
        tables, parts, failed = [path], [], []
    for name in tables:
        try:
            parts.append(read_table(name))
        except (OSError, ValueError) as err:
            failed.append(pd.DataFrame([(name, str(err))], columns=list(ERROR_COLUMNS)))
    if len(parts) > 1:
        rows = _in_one_piece(pd.concat(parts, ignore_index=True))
    else:
        rows = parts[0] if parts else pd.DataFrame(columns=list(COLUMNS))
    errors = pd.concat(failed, ignore_index=True) if failed else pd.DataFrame(
        columns=list(ERROR_COLUMNS))
    return rows, errors


def distinct_upload(doc_id: str, source: str, ids: set[str], sources: set[str]) -> tuple[str, str]:
    """(doc_id, source) an upload is shown under: its own when neither is taken by a document
    already shown (``ids``, ``sources``), else ``upload/…``, then ``upload/…~2`` and on (the
    extension stays last: it tells HTML from text).

    >>> distinct_upload("a", "a.txt", {"b"}, {"data/b.txt"})
    ('a', 'a.txt')
    >>> distinct_upload("a", "a.txt", {"a"}, {"data/a.txt"})
    ('upload/a', 'upload/a.txt')
    >>> distinct_upload("a", "a.html", {"a", "upload/a"}, {"a.html", "upload/a.html"})
    ('upload/a~2', 'upload/a~2.html')
    """
    if doc_id not in ids and source not in sources:
        return doc_id, source
    stem, ext = os.path.splitext(source)
    n = 1
    while True:
        mark = "" if n == 1 else f"~{n}"
        candidate = (f"upload/{doc_id}{mark}", f"upload/{stem}{mark}{ext}")
        if candidate[0] not in ids and candidate[1] not in sources:
            return candidate
        n += 1


def documents(df: pd.DataFrame) -> pd.DataFrame:
    """One row per source, in the table's order: source, doc_id, and the label the document
    picker shows, ``title (doc_id)`` (the doc_id alone when there is no title).

    >>> documents(pd.DataFrame({"source": ["a.txt", "a.txt", "b.txt"], "doc_id": ["a", "a", "b"],
    ...                         "title": ["规划", "规划", ""]}))["label"].tolist()
    ['规划 (a)', 'b (b)']
    """
    docs = df.drop_duplicates("source")[["source", "doc_id", "title"]]
    title = docs["title"].fillna("").astype(str)
    label = title.where(title != "", docs["doc_id"]) + " (" + docs["doc_id"].astype(str) + ")"
    return pd.DataFrame({"source": docs["source"], "doc_id": docs["doc_id"], "label": label})


# --- filters and facets -------------------------------------------------------------------

def _native(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, and 2026.0 as 2026 (years come as floats)."""
    value = value.item() if hasattr(value, "item") else value
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _isin(column: pd.Series, chosen: Iterable[Any]) -> pd.Series:
    """Rows whose value is one of ``chosen``; in a numeric column "2026" matches 2026."""
    chosen = list(chosen)
    if pd.api.types.is_numeric_dtype(column):
        chosen = pd.to_numeric(pd.Series(chosen, dtype=object), errors="coerce").dropna().tolist()
    return column.isin(chosen)


def _search_mask(df: pd.DataFrame, search: str) -> pd.Series | None:
    """Rows where every word of ``search`` is in the metric or the sentence (any case)."""
    masks = [reduce(or_, (df[c].str.contains(word, case=False, regex=False, na=False)
                          for c in SEARCHED))
             for word in search.split()]
    return reduce(and_, masks) if masks else None


def filter_masks(df: pd.DataFrame, selections: Mapping[str, Sequence[Any]], search: str = ""
                 ) -> dict[str, pd.Series]:
    """One boolean mask per active filter (and ``search``), keyed by filter key."""
    masks = {f.key: _isin(df[f.column], selections[f.key])
             for f in FILTERS if selections.get(f.key)}
    found = _search_mask(df, search or "")
    if found is not None:
        masks[SEARCH_KEY] = found
    return masks


def apply_filters(df: pd.DataFrame, selections: Mapping[str, Sequence[Any]], search: str = ""
                  ) -> pd.DataFrame:
    """The rows matching every filter: one value of each selection, and every search word."""
    masks = filter_masks(df, selections, search).values()
    return df[reduce(and_, masks)] if masks else df


def _counts(values: pd.Series) -> list[tuple[Any, int]]:
    counts = [(_native(v), int(n)) for v, n in values.value_counts().items() if v != ""]
    return sorted(counts, key=lambda vn: (-vn[1], str(vn[0])))


def facet_counts(df: pd.DataFrame, column: str) -> list[tuple[Any, int]]:
    """(value, rows) for each value of ``column``, most rows first; empty values left out.

    >>> facet_counts(pd.DataFrame({"d": ["宝山区", "普陀区", "宝山区", ""]}), "d")
    [('宝山区', 2), ('普陀区', 1)]
    """
    return _counts(df[column])


def facets(df: pd.DataFrame, selections: Mapping[str, Sequence[Any]], search: str = ""
           ) -> dict[str, list[tuple[Any, int]]]:
    """Each filter's options with their counts, Datasette style.

    A filter's counts are taken over the rows matching every *other* filter, so choosing
    宝山区 narrows the theme counts but still offers the other districts. Chosen values
    stay among the options (with 0) even when nothing else matches them.
    """
    masks = filter_masks(df, selections, search)
    out = {}
    for f in FILTERS:
        others = [m for key, m in masks.items() if key != f.key]
        column = df[f.column]  # counted alone: filtering the whole table for it would copy it
        counts = _counts(column[reduce(and_, others)] if others else column)
        offered = {v for v, _ in counts}
        out[f.key] = counts + [(v, 0) for v in selections.get(f.key) or () if v not in offered]
    return out


def option_label(key: str, value: Any, count: int) -> str:
    """What a multiselect shows for a value: ``宝山区 (28)``; themes by their label."""
    return f"{theme_label(value) if key == 'theme' else value} ({count:,})"


def selections_from_params(df: pd.DataFrame, params: Mapping[str, Sequence[str]]
                           ) -> dict[str, list[Any]]:
    """Selections from URL parameters (text), as the table's values; unknown values dropped.

    >>> df = pd.DataFrame({f.column: ["宝山区"] for f in FILTERS} | {"year": [2026]})
    >>> selections_from_params(df, {"district": ["宝山区", "火星区"], "year": ["2026"]})
    {'district': ['宝山区'], 'year': [2026]}
    """
    out = {}
    for f in FILTERS:
        wanted = set(params.get(f.key) or ())
        if wanted:
            values = [v for v, _ in facet_counts(df, f.column) if str(v) in wanted]
            if values:
                out[f.key] = values
    return out


def params_from_selections(selections: Mapping[str, Sequence[Any]], search: str = ""
                           ) -> dict[str, list[str]]:
    """URL parameters for a view: each filter key with its values as text, and the search."""
    params = {f.key: [str(v) for v in selections[f.key]] for f in FILTERS if selections.get(f.key)}
    if search.strip():
        params[SEARCH_KEY] = [search.strip()]
    return params


# --- headline figures ---------------------------------------------------------------------

def distinct_figures(df: pd.DataFrame) -> pd.DataFrame:
    """Rows with each figure once: a (document, metric, value_norm, unit_norm) repeated is one."""
    return df.drop_duplicates(list(FIGURE_KEY))


def headline(df: pd.DataFrame) -> dict[str, Any]:
    """The figures above the charts, for the rows given.

    ``targets`` rows, ``documents``, ``districts`` named, and for money (元, in 亿元) and area
    (平方米, in 万平方米) the total of distinct figures with the kinds that went into it
    (``money_kinds``): a total of targets and achievements is not a commitment.
    """
    out: dict[str, Any] = {
        "targets": len(df),
        "documents": df["doc_id"].nunique(),
        "districts": df.loc[df["district"] != "", "district"].nunique(),
    }
    for name, (unit, divisor) in TOTALS.items():
        summed = distinct_figures(df.loc[df["unit_norm"] == unit, [*FIGURE_KEY, "kind"]])
        out[name] = float(summed["value_norm"].sum()) / divisor
        out[f"{name}_kinds"] = sorted(summed["kind"].dropna().unique())
    return out


# --- export -------------------------------------------------------------------------------

def neutralise(cell: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, defused with a leading apostrophe.

    >>> neutralise("=1+1"), neutralise("-5%"), neutralise("\\tx"), neutralise("8.07万平方米")
    ("'=1+1", "'-5%", "'\\tx", '8.07万平方米')
    """
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def csv_bytes(df: pd.DataFrame) -> bytes:
    """The table as CSV for a spreadsheet: UTF-8 with a BOM, so Excel reads the Chinese.

    Lines end in CRLF as RFC 4180 has it, which also makes the writer quote a cell holding
    a lone carriage return (with ``\n`` endings it would not, and the row would break).

    Text cells that begin like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
    return) get a leading ``'``. Numeric columns stay numbers: a negative value such as
    ``-5`` is a number to a spreadsheet, not a formula, and quoting it would turn it into
    text. (The CLI's CSV is data for programs and is left as it is.)
    """
    text_columns = [c for c in df.columns
                    if pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c])]
    safe = df.assign(**{c: df[c].map(neutralise) for c in text_columns})
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _safe(text: str) -> str:
    """Letters (any script), digits and ``-``; anything else becomes ``-``."""
    return "".join(c if c.isalnum() else "-" for c in text).strip("-")


def download_name(selections: Mapping[str, Sequence[Any]], search: str = "") -> str:
    """A file name that says what was filtered, with safe characters only.

    >>> download_name({"district": ["宝山区"], "theme": ["urban_renewal"]})
    'targets_宝山区_urban-renewal.csv'
    >>> download_name({"year": [2026, 2025]}, "旧住房 ../x")
    'targets_2026-2025_旧住房_x.csv'
    """
    parts = ["targets"]
    for f in FILTERS:
        values = list(selections.get(f.key) or ())
        if len(values) > 3:
            parts.append(f"{len(values)}-{f.key}")
        elif values:
            parts.append("-".join(_safe(str(v)) for v in values))
    parts += (_safe(word) for word in search.split())
    return "_".join(p for p in parts if p)[:120] + ".csv"


# --- reading a figure in its place --------------------------------------------------------

def number(value: Any) -> str:
    """A value as written, without a float's trailing noise: 8.07, 122, 66.667; NaN is ''."""
    return "" if value is None or pd.isna(value) else f"{float(value):.15g}"


def mark_sentence(sentence: str, surface: str, left: str = "【", right: str = "】") -> str:
    """The sentence with the figure's first occurrence bracketed.

    >>> mark_sentence("全社会固定资产投资122亿元(工业固投14亿元)", "122亿元")
    '全社会固定资产投资【122亿元】(工业固投14亿元)'
    """
    at = sentence.find(surface) if surface else -1
    if at < 0:
        return sentence
    return f"{sentence[:at]}{left}{surface}{right}{sentence[at + len(surface):]}"


def table_view(df: pd.DataFrame) -> pd.DataFrame:
    """The columns the dashboard's table shows, the figure in its sentence first (the download has all)."""
    return pd.DataFrame({
        "metric": df["metric"],
        "value": [f"{number(v)}{u}" for v, u in zip(df["value"], df["unit"])],
        "sentence": [mark_sentence(s, f) for s, f in zip(df["sentence"], df["surface"])],
        "value_norm": df["value_norm"],
        "unit_norm": df["unit_norm"],
        "kind": df["kind"],
        "theme": df["theme"].map(lambda key, labels=theme_labels(): labels.get(key, key)),
        "district": df["district"],
        "subdistrict": df["subdistrict"],
        "year": df["year"],
        "document": df["title"].where(df["title"] != "", df["doc_id"]),
    }, index=df.index)


def _figure_title(row: Any) -> str:
    return f"{row.metric} · {number(row.value)}{row.unit} · {row.kind}"


def highlight_document(text: str, rows: pd.DataFrame,
                       body_spans: Sequence[tuple[int, int]] | None = None) -> str:
    """The document as HTML, every figure in ``rows`` marked and page furniture greyed.

    A figure is a ``<mark>`` coloured by kind whose title reads ``metric · value unit ·
    kind``; text outside ``body_spans`` (menus, bylines, footers) is grey. ``None`` means
    the whole text is body. A span on several rows is marked once (by its first row), and
    overlapping figures keep the first. The text is escaped.

    >>> rows = pd.DataFrame({"start": [5], "end": [10], "metric": ["投资"], "value": [122.0],
    ...                      "unit": ["亿元"], "kind": ["target"]})
    >>> highlight_document("首页\\n投资122亿元<b>", rows, [(3, 13)])  # doctest: +ELLIPSIS
    '<div ...><span style="color:#9ca3af">首页\\n</span>投资<mark ... title="投资 · 122亿元 · target">122亿元</mark>&lt;b&gt;</div>'
    """
    body = [(0, len(text))] if body_spans is None else sorted(body_spans)
    marks: dict[int, tuple[int, str, str]] = {}  # start → (end, title, colour)
    last_end = -1
    spans = rows.drop_duplicates(["start", "end"]).sort_values("start", kind="stable")
    for row in spans.itertuples():  # a figure on many rows is marked once
        if row.start >= last_end and row.end > row.start:
            marks[row.start] = (row.end, _figure_title(row), KIND_COLOURS.get(row.kind, "#fde68a"))
            last_end = row.end
    cuts = sorted({0, len(text), *(p for span in body for p in span),
                   *marks, *(end for end, _, _ in marks.values())})
    mark_end, title, colour, pieces = -1, "", "", []
    for a, b in zip(cuts, cuts[1:]):
        mark_end, title, colour = marks.get(a, (mark_end, title, colour))
        piece = html.escape(text[a:b])
        if a < mark_end:
            piece = (f'<mark style="background:{colour};padding:0 1px" '
                     f'title="{html.escape(title)}">{piece}</mark>')
        if not any(s <= a < e for s, e in body):
            piece = f'<span style="{FURNITURE_STYLE}">{piece}</span>'
        pieces.append(piece)
    return ('<div style="white-space:pre-wrap;line-height:1.8;font-size:0.95rem">'
            + "".join(pieces) + "</div>")


def kind_legend() -> str:
    """HTML key to the highlight colours and the grey of page furniture."""
    swatches = "".join(f'<mark style="background:{c};margin-right:0.8em">{k}</mark>'
                       for k, c in KIND_COLOURS.items())
    return (f'<div style="font-size:0.85rem">{swatches}'
            f'<span style="{FURNITURE_STYLE}">page furniture</span></div>')
