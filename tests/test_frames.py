"""frames.frame_of's fast construction (numpy and Arrow straight from the records, pandas'
blocks made directly) gives exactly what the general route gives: ``Table.to_pandas`` of the
columns converted one by one with ``frames.column``."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from tracker import frames
from tracker.frames import CACHED_COLUMNS, assemble, frame_of, records_table, to_pandas
from tracker.model import COLUMNS
from tracker.pipeline import document_rows, records
from tracker import document as D

TEXT = ("2023年，宝山区顾村镇全社会固定资产投资122亿元，新建幼儿园3所。到2025年，完成旧住房成套改造约5万平方米，"
        "引进外资500万美元，区级财政收入同比增长10%，新增绿地20至30公顷。")


def reference(docs) -> pd.DataFrame:
    """The general route: every column through ``column``, then ``Table.to_pandas``."""
    cols: dict[str, list] = {c: [] for c in COLUMNS}
    for doc_id, source, recs in docs:
        for rec in recs:
            cols["doc_id"].append(doc_id)
            cols["source"].append(source)
            for c, v in zip(CACHED_COLUMNS, rec):
                cols[c].append(v)
    table = pa.Table.from_arrays([frames.column(cols[c], c) for c in COLUMNS], schema=frames.TABLE_SCHEMA)
    return table.to_pandas(types_mapper=frames._pandas_type)


def same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert list(got.dtypes) == list(expected.dtypes)
    assert type(got.index) is pd.RangeIndex and list(got.columns) == list(COLUMNS)


def recs_of(text: str) -> list[tuple]:
    return records(document_rows(D.from_text(text, "d")))


def with_(rec: tuple, **values) -> tuple:
    rec = list(rec)
    for name, v in values.items():
        rec[CACHED_COLUMNS.index(name)] = v
    return tuple(rec)


@pytest.fixture(scope="module")
def recs() -> list[tuple]:
    found = recs_of(TEXT)
    assert len(found) >= 4
    return found


def tricky(recs: list[tuple], n: int) -> list[tuple]:
    """n records with the values converted differently by numpy and Arrow if at all."""
    floats = [0.0, -0.0, 1.5, float("nan"), float("inf"), -3.25, 1e-7, 12200000000.0, None]
    return [with_(recs[i % len(recs)], value=floats[i % 8], value_norm=floats[(i + 3) % 8],
                  value_norm_max=floats[(i + 5) % 9], year=None if i % 3 == 0 else 2000 + i,
                  start=i * 7919, end=i * 7919 + 2**40, title="" if i % 4 else "中文，逗号")
            for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 8, 100, 101, 700])
def test_frame_of_is_the_general_route(recs, n):
    docs = [("a", "x.txt", tricky(recs, n)[: n // 2]), ("empty", "", []), ("b", "", tricky(recs, n)[n // 2:])]
    same(frame_of(docs), reference(docs))


def test_a_document_and_none(recs):
    same(frame_of([("d", "", recs)]), reference([("d", "", recs)]))
    same(frame_of([]), reference([]))
    same(frame_of([("d", "", [])]), reference([]))
    same(assemble([], []), reference([]))


STRAYS = [
    {"value": "1.5"}, {"value": "abc"}, {"value": 2}, {"value": 2**70}, {"value": True},
    {"value": np.float64(3.25)}, {"value_norm_max": "x"}, {"start": 3.0}, {"start": True}, {"start": None},
    {"start": 2**70}, {"end": "7"}, {"end": np.int64(5)}, {"year": "2023"}, {"year": 2023.0}, {"year": 2**40},
    {"title": None}, {"title": 5}, {"sentence": 3.5},
]


@pytest.mark.parametrize("stray", STRAYS, ids=[repr(s) for s in STRAYS])
@pytest.mark.parametrize("n", [2, 150])
def test_stray_types_take_the_slow_path_as_before(recs, stray, n):
    docs = [("d", "", [recs[i % len(recs)] for i in range(n - 1)] + [with_(recs[0], **stray)])]
    same(frame_of(docs), reference(docs))


@pytest.mark.parametrize("doc", [(None, "", 1), (5, "", 1), ("d", None, 1), ("d", 3.5, 200)])
def test_stray_doc_ids_and_sources(recs, doc):
    docs = [(doc[0], doc[1], [recs[i % len(recs)] for i in range(doc[2])])]
    same(frame_of(docs), reference(docs))


def test_the_public_route_makes_the_same_frame(recs, monkeypatch):
    """Blocks made directly (pandas' classes) and through ``create_dataframe_from_blocks`` and
    ``ArrowStringArray(...)`` give the same frame, block for block."""
    samples = [[("d", "", recs)], [], [("a", "", tricky(recs, 30)), ("b", "s", recs)]]
    fast = [frame_of(s) for s in samples]
    monkeypatch.setattr(frames, "_BlockManager", None)
    monkeypatch.setattr(frames, "_text_array", frames._public_text_array)
    for docs, got in zip(samples, fast):
        public = frame_of(docs)
        same(got, public)
        assert [(type(b), list(b.mgr_locs.as_array)) for b in got._mgr.blocks] == \
               [(type(b), list(b.mgr_locs.as_array)) for b in public._mgr.blocks]


def test_this_pandas_never_takes_the_general_route(recs, monkeypatch):
    """The general route (``Table.to_pandas``) is for another pandas only: here, a failure of
    the fast one would only show as slowness."""
    def general(t):
        raise AssertionError("the general route was taken")

    monkeypatch.setattr(frames, "_pandas_type", general)
    frame_of([("d", "", tricky(recs, 20))])
    frame_of([("d", "", tricky(recs, 300))])
    frame_of([])
    table = records_table(recs)
    assemble([table, table], [("a", "", 1, 0, len(recs)), ("b", "", 0, 1, 2)])
    to_pandas(table.append_column("doc_id", frames.column(["d"] * len(recs), "doc_id"))
              .append_column("source", frames.column([""] * len(recs), "source")))


def test_records_table_is_column_by_column(recs):
    rows = tricky(recs, 30) + [with_(recs[0], title=None, start=None)]
    expected = pa.Table.from_arrays([frames.column([r[i] for r in rows], c) for i, c in enumerate(CACHED_COLUMNS)],
                                    schema=frames.RECORD_SCHEMA)
    got = records_table(rows)
    assert got.schema == expected.schema
    pd.testing.assert_frame_equal(got.to_pandas(), expected.to_pandas(), check_exact=True)   # NaN == NaN
    assert records_table([]).equals(frames.RECORD_SCHEMA.empty_table())


@pytest.mark.parametrize("n", [0, 5])
def test_each_frame_is_its_own(recs, n):
    """What a caller does to one result (names, cells, new columns) shows in no other."""
    docs = [("d", "", recs[:n])]
    first = frame_of(docs)
    first.columns.name, first.index.name = "oops", "row"
    first["extra"] = 1
    if n:
        first.loc[0, "value"], first.loc[0, "start"], first.loc[0, "title"], first.loc[0, "year"] = -1.0, -1, "zz", pd.NA
    second = frame_of(docs)
    assert second.columns.name is None and second.index.name is None and "extra" not in second
    same(second, reference(docs))
