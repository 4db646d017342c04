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
from itertools import chain

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


def _together(names: Sequence[str], values: Sequence[Sequence], n: int) -> list:
    """Columns of one Arrow type, ``n`` values each → Arrow in one call (one array of them all,
    sliced without copying, as :func:`records_table` does with its text) as slices of one
    ChunkedArray, what pandas keeps (cheaper than wrapping each slice on its own). The same
    values as :func:`column` gives; a stray type anywhere (``pa.array`` fails): column by
    column through :func:`column`, as ever."""
    t = ARROW_TYPES[names[0]]
    if not n:                           # no rows (a document without quantities): nothing to convert
        return [pa.chunked_array([], type=t)] * len(names)
    try:
        arr = pa.array(list(chain.from_iterable(values)), type=t)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        return [column(v, name) for v, name in zip(values, names)]
    if arr.null_count and t in _FILL:
        arr = arr.fill_null(_FILL[t])
    whole = pa.chunked_array([arr])
    return [whole.slice(k * n, n) for k in range(len(names))]


_FILL = {pa.large_string(): "", pa.int64(): 0}     # what column() puts in place of None


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow → the table's pandas dtypes. Builds the frame's blocks directly (text stays in
    Arrow, no copy; the numbers in one 2-D block per dtype): several times faster than
    ``Table.to_pandas`` on the small tables of one document."""
    table = table.select(list(COLUMNS))
    cols, n = table.columns, table.num_rows
    try:
        numbers = []
        for dtype, where in _NUMBER_COLUMNS:
            block = np.empty((len(where), n), dtype=dtype)
            for row, i in enumerate(where):
                block[row] = cols[i].to_numpy()
            numbers.append(block)
        return _frame([cols[i] for i in _TEXT_COLUMNS], _year(cols[_YEAR_COLUMN], n), numbers, n)
    except _OTHER_PANDAS:                               # another pandas: the general route
        return table.to_pandas(types_mapper=_pandas_type)


def frame_of(docs: Iterable[tuple[str, str, Sequence[Record]]]) -> pd.DataFrame:
    """(doc_id, source, records) per document → the table in COLUMNS order.

    Called once per document, so its fixed cost counts as much as the rows: it goes straight
    from the Python values to the frame's arrays (text: one Arrow array for all the text
    columns; numbers: numpy from the lists when they are plain floats and ints, as workers give
    them), without an Arrow table in between."""
    doc_ids: list[str] = []
    sources: list[str] = []
    recs: list[Record] = []
    for doc_id, source, rs in docs:
        if rs:
            doc_ids += [doc_id] * len(rs)
            sources += [source] * len(rs)
            recs += rs
    n = len(recs)
    cols = dict(zip(CACHED_COLUMNS, zip(*recs) if recs else [()] * len(CACHED_COLUMNS)))
    cols["doc_id"], cols["source"] = doc_ids, sources
    try:
        return _frame(
            _together(_TEXT_NAMES, [cols[c] for c in _TEXT_NAMES], n),
            _year(column(cols["year"], "year"), n),
            [_numbers([COLUMNS[i] for i in where], cols, n) for _, where in _NUMBER_COLUMNS],
            n,
        )
    except _OTHER_PANDAS:                               # another pandas: the general route
        return to_pandas(pa.Table.from_arrays([column(cols[c], c) for c in COLUMNS], schema=TABLE_SCHEMA))


def _numbers(names: Sequence[str], cols: dict[str, Sequence], n: int) -> np.ndarray:
    """Number columns of one dtype → their 2-D block (a row per column). On the few rows of one
    document, if they are only floats or None (float64) or only ints (int64), as workers give
    them: numpy straight from the values, which converts these exactly as Arrow does (None →
    NaN) for a fraction of the fixed cost of ``pa.array``. Beyond some hundred values Arrow is
    the faster (numpy's None is slow), and anything else is a stray: :func:`column`, as ever."""
    dtype = "float64" if names[0] in _FLOAT else "int64"
    if n <= _FEW:
        flat = list(chain.from_iterable(cols[c] for c in names))
        if set(map(type, flat)) <= _PLAIN[dtype]:
            try:
                return np.array(flat, dtype=dtype).reshape(len(names), n)
            except OverflowError:                       # an int beyond int64: column() decides
                pass
    block = np.empty((len(names), n), dtype=dtype)
    for row, name in enumerate(names):
        block[row] = column(cols[name], name).to_numpy(zero_copy_only=False)
    return block


_FEW = 100                  # rows up to which numpy is the faster (about even at 100-200)
_PLAIN = {"float64": {float, type(None)}, "int64": {int}}


def _year(year: pa.Array | pa.ChunkedArray, n: int) -> pd.arrays.IntegerArray:
    """The int32 ``year`` → a nullable Int64 array (numpy gives nulls as NaN: that is the mask)."""
    if not year.null_count:
        return pd.arrays.IntegerArray(year.to_numpy(zero_copy_only=False).astype("int64"), np.zeros(n, dtype=bool))
    values = year.to_numpy(zero_copy_only=False)        # float64, NaN where null
    mask = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(mask, 0, values).astype("int64"), mask)


def _frame(text: Sequence, year: pd.arrays.IntegerArray, numbers: Sequence[np.ndarray], n: int) -> pd.DataFrame:
    """The frame from its blocks' contents: the Arrow text columns (in :data:`_TEXT_COLUMNS`
    order, each kept as is), ``year`` and a 2-D array per :data:`_NUMBER_COLUMNS` dtype.

    pandas' own classes are made directly when this pandas has them: the public route
    (``ArrowStringArray(...)``, ``create_dataframe_from_blocks``) checks and infers what is
    known here (types, shapes) at a cost several times that of the making, paid on every
    document. tests/test_frames_speed.py checks that both routes give the same frame.
    The column index is a view of one made once: its own object, so that naming one frame's
    columns (``df.columns.name = ...``) touches no other frame."""
    columns, index = _column_index().view(), pd.RangeIndex.from_range(range(n))
    arrays = [_text_array(t) for t in text]
    if _BlockManager is None:
        from pandas.api.internals import create_dataframe_from_blocks

        blocks = [(a, np.array([i])) for a, i in zip(arrays, _TEXT_COLUMNS)] + [(year, np.array([_YEAR_COLUMN]))]
        blocks += [(b, np.array(where)) for b, (_, where) in zip(numbers, _NUMBER_COLUMNS)]
        return create_dataframe_from_blocks(blocks, index=index, columns=columns)
    blocks = [_ExtensionBlock(a, ndim=2, placement=_BlockPlacement(i)) for a, i in zip(arrays, _TEXT_COLUMNS)]
    blocks.append(_ExtensionBlock(year, ndim=2, placement=_BlockPlacement(_YEAR_COLUMN)))
    blocks += [_NumpyBlock(b, ndim=2, placement=_BlockPlacement(np.array(where)))
               for b, (_, where) in zip(numbers, _NUMBER_COLUMNS)]
    mgr = _BlockManager(blocks, [columns, index], verify_integrity=False)
    return pd.DataFrame._from_mgr(mgr, mgr.axes)


def _public_text_array(values: pa.Array | pa.ChunkedArray) -> pd.arrays.ArrowStringArray:
    return pd.arrays.ArrowStringArray(values, dtype=_STR)


#: What a pandas whose internals differ may raise from the direct route: the general route,
#: ``Table.to_pandas``, is taken instead (any error: these are pandas' private classes).
_OTHER_PANDAS = (Exception,)
try:                                                    # what _frame makes directly
    from pandas._libs.internals import BlockPlacement as _BlockPlacement
    from pandas.core.internals.blocks import ExtensionBlock as _ExtensionBlock, NumpyBlock as _NumpyBlock
    from pandas.core.internals.managers import BlockManager as _BlockManager
    #: pandas' constructor of a string array from Arrow results, without the checks
    _text_array = _public_text_array(pa.array([], pa.large_string()))._from_pyarrow_array
except Exception:                                       # moved or changed: the public route
    _BlockManager, _text_array = None, _public_text_array

_TEXT_COLUMNS = [i for i, c in enumerate(COLUMNS) if ARROW_TYPES[c] == pa.large_string()]
_TEXT_NAMES = [COLUMNS[i] for i in _TEXT_COLUMNS]
_YEAR_COLUMN = COLUMNS.index("year")
_NUMBER_COLUMNS = [
    ("float64", [i for i, c in enumerate(COLUMNS) if c in _FLOAT]),
    ("int64", [i for i, c in enumerate(COLUMNS) if c in _INT]),
]


@cache
def _column_index() -> pd.Index:
    return pd.Index(list(COLUMNS))


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
