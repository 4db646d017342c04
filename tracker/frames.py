"""Rows between Python, Arrow and pandas, with the table's dtypes fixed in one place.

A *record* is one row as a plain tuple of :data:`CACHED_COLUMNS` — every column but
``doc_id`` and ``source``, which name the input rather than its content and are added when
documents are put together (:func:`assemble`). Workers return records, the cache stores them
as Arrow, and the table handed to users is pandas with text as ``str``, ``value`` columns
float64, ``start``/``end`` int64 and ``year`` a nullable Int64.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa

from .model import COLUMNS

#: Columns of a record: all but those that name the input.
CACHED_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in ("doc_id", "source"))
Record = tuple

_FLOAT = frozenset(("value", "value_norm", "value_norm_max"))
_INT = frozenset(("start", "end"))
#: Arrow type of each column; ``year`` is int32 only so that :func:`_pandas_type` can tell it
#: apart and make it a nullable Int64.
ARROW_TYPES = {
    c: pa.float64() if c in _FLOAT else pa.int64() if c in _INT else pa.int32() if c == "year" else pa.large_string()
    for c in COLUMNS
}
RECORD_SCHEMA = pa.schema([(c, ARROW_TYPES[c]) for c in CACHED_COLUMNS])
TABLE_SCHEMA = pa.schema([(c, ARROW_TYPES[c]) for c in COLUMNS])
_STR = pd.StringDtype("pyarrow", na_value=np.nan)   # what ``.astype(str)`` gives in pandas 3


def _pandas_type(t: pa.DataType):
    if t == pa.int32():
        return pd.Int64Dtype()
    if t == pa.large_string():
        return _STR
    return None


def column(values: Sequence, name: str) -> pa.Array:
    """One column of Python values → Arrow, text never null (None → "")."""
    t = ARROW_TYPES[name]
    try:
        arr = pa.array(values, type=t)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        # a stray type (numbers as text, text as numbers): the slow path, never expected
        if t == pa.large_string():
            arr = pa.array(["" if v is None else str(v) for v in values], type=t)
        else:
            num = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").astype("float64")
            arr = pa.array(num, type=pa.float64(), from_pandas=True)
            if t != pa.float64():
                arr = arr.cast(t, safe=False)
    if t == pa.large_string() and arr.null_count:
        arr = arr.fill_null("")
    if t == pa.int64() and arr.null_count:
        arr = arr.fill_null(0)
    return arr


_TEXT_AT = [i for i, c in enumerate(CACHED_COLUMNS) if ARROW_TYPES[c] == pa.large_string()]


def records_table(records: Sequence[Record]) -> pa.Table:
    """Records → an Arrow table of :data:`RECORD_SCHEMA`. The text columns are converted in one
    call (one array of them all, sliced without copying): each call has a fixed cost that
    matters on the few rows of one document."""
    cols = list(zip(*records)) if records else [()] * len(CACHED_COLUMNS)
    arrays: list[pa.Array | None] = [None] * len(cols)
    n = len(records)
    try:
        text = pa.array([v for i in _TEXT_AT for v in cols[i]], type=pa.large_string())
        if text.null_count:
            text = text.fill_null("")
        for k, i in enumerate(_TEXT_AT):
            arrays[i] = text.slice(k * n, n)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        pass                                    # a stray type: column by column, below
    return pa.Table.from_arrays(
        [a if a is not None else column(c, name) for a, c, name in zip(arrays, cols, CACHED_COLUMNS)],
        schema=RECORD_SCHEMA,
    )


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow → the table's pandas dtypes. Builds the frame's blocks directly (text stays in
    Arrow, no copy; the numbers in one 2-D block per dtype): several times faster than
    ``Table.to_pandas`` on the small tables of one document."""
    table = table.select(list(COLUMNS))
    try:
        from pandas.api.internals import create_dataframe_from_blocks

        cols = table.columns
        blocks: list[tuple[object, np.ndarray]] = [
            (pd.arrays.ArrowStringArray(cols[i], dtype=_STR), np.array([i])) for i in _TEXT_COLUMNS
        ]
        year = cols[_YEAR_COLUMN]
        values = (year.fill_null(0) if year.null_count else year).to_numpy().astype("int64")
        blocks.append((pd.arrays.IntegerArray(values, np.asarray(year.is_null(), dtype=bool)), np.array([_YEAR_COLUMN])))
        for dtype, where in _NUMBER_COLUMNS:
            block = np.empty((len(where), table.num_rows), dtype=dtype)
            for row, i in enumerate(where):
                block[row] = cols[i].to_numpy()
            blocks.append((block, np.array(where)))
        return create_dataframe_from_blocks(blocks, index=pd.RangeIndex(table.num_rows), columns=_column_index())
    except (ImportError, TypeError, ValueError, AttributeError):    # another pandas: the general route
        return table.to_pandas(types_mapper=_pandas_type)


_TEXT_COLUMNS = [i for i, c in enumerate(COLUMNS) if ARROW_TYPES[c] == pa.large_string()]
_YEAR_COLUMN = COLUMNS.index("year")
_NUMBER_COLUMNS = [
    ("float64", [i for i, c in enumerate(COLUMNS) if c in _FLOAT]),
    ("int64", [i for i, c in enumerate(COLUMNS) if c in _INT]),
]


@cache
def _column_index() -> pd.Index:
    return pd.Index(list(COLUMNS))


def frame_of(docs: Iterable[tuple[str, str, Sequence[Record]]]) -> pd.DataFrame:
    """(doc_id, source, records) per document → the table in COLUMNS order."""
    doc_ids: list[str] = []
    sources: list[str] = []
    recs: list[Record] = []
    for doc_id, source, rs in docs:
        if rs:
            doc_ids += [doc_id] * len(rs)
            sources += [source] * len(rs)
            recs += rs
    table = records_table(recs)
    table = table.append_column("doc_id", column(doc_ids, "doc_id")).append_column("source", column(sources, "source"))
    return to_pandas(table)


def assemble(pieces: Sequence[pa.Table], docs: Sequence[tuple[str, str, int, int, int]]) -> pd.DataFrame:
    """The table from slices of record tables: ``docs`` is, in output order, (doc_id, source,
    piece, first row, number of rows) — a document's rows are ``pieces[piece][first:first+n]``.
    Everything is vectorised: no Python work per row."""
    lengths = np.array([p.num_rows for p in pieces], dtype=np.int64)
    base = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(pieces) else np.zeros(0, np.int64)
    if docs:
        piece = np.fromiter((d[2] for d in docs), dtype=np.int64, count=len(docs))
        first = np.fromiter((d[3] for d in docs), dtype=np.int64, count=len(docs))
        n = np.fromiter((d[4] for d in docs), dtype=np.int64, count=len(docs))
    else:
        piece = first = n = np.zeros(0, np.int64)
    total = int(n.sum())
    starts = (base[piece] + first) if len(docs) else first
    # row indices: for each document, starts[i] .. starts[i] + n[i] - 1, back to back
    offsets = np.repeat(starts - (np.cumsum(n) - n), n) + np.arange(total, dtype=np.int64)
    if pieces:
        big = pa.concat_tables(pieces) if len(pieces) > 1 else pieces[0]
        if total == big.num_rows and np.array_equal(offsets, np.arange(total)):
            table = big                         # already in order (a warm re-run): no copy
        else:
            table = big.take(pa.array(offsets, type=pa.int64()))
    else:
        table = records_table([])
    names = np.array([d[0] for d in docs], dtype=object)
    sources = np.array([d[1] for d in docs], dtype=object)
    table = table.append_column("doc_id", column(np.repeat(names, n).tolist(), "doc_id"))
    table = table.append_column("source", column(np.repeat(sources, n).tolist(), "source"))
    return to_pandas(table)
