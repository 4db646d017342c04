"""Table-driven tests: real and synthetic sentences with the whole rows they must give.

Cases live in ``tests/cases/*.jsonl`` — ``in_the_wild`` (real sentences, source in ``note``),
``synthetic`` (every numeral form, unit family and qualifier), ``negative`` (must give no row)
and ``known_failures`` (strict xfails: a fix is noticed).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import tracker

CASES = Path(__file__).parent / "cases"
FIELDS = ("surface", "value", "unit", "value_norm", "value_norm_max", "unit_norm", "quantity", "qualifier", "direction")


def load(name: str) -> list[dict]:
    with open(CASES / f"{name}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _number(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(x)


def _same(a, b) -> bool:
    a, b = _number(a), _number(b)
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9)


def rows_of(sentence: str) -> list[dict]:
    df = tracker.extract_text(sentence, doc_id="case")
    return [{f: r[f] for f in FIELDS} for r in df.to_dict("records")]


def compare(expected: list[dict], got: list[dict]) -> list[str]:
    """Differences between whole rows, as readable lines (empty when equal)."""
    problems = []
    if [e["surface"] for e in expected] != [g["surface"] for g in got]:
        return [f"surfaces: want {[e['surface'] for e in expected]}, got {[g['surface'] for g in got]}"]
    for e, g in zip(expected, got):
        for f in FIELDS:
            want, have = e.get(f), g.get(f)
            if f in ("value", "value_norm", "value_norm_max"):
                ok = _same(want, have)
            else:
                ok = (want or "") == (have or "")
            if not ok:
                problems.append(f"{e['surface']}: {f} want {want!r}, got {have!r}")
    return problems


def params(name: str, **marks):
    return [pytest.param(c, id=c["id"], **marks) for c in load(name)]


@pytest.mark.parametrize("case", params("in_the_wild") + params("synthetic") + params("negative"))
def test_sentence_gives_its_rows(case):
    problems = compare(case["rows"], rows_of(case["sentence"]))
    assert not problems, case["sentence"] + "\n" + "\n".join(problems)


@pytest.mark.parametrize("case", params("known_failures", marks=pytest.mark.xfail(strict=True, reason="known failure")))
def test_known_failures(case):
    problems = compare(case["rows"], rows_of(case["sentence"]))
    assert not problems, case["sentence"] + "\n" + "\n".join(problems)


def test_case_files_are_well_formed():
    ids = []
    for name in ("in_the_wild", "synthetic", "negative", "known_failures"):
        for case in load(name):
            ids.append(case["id"])
            for row in case["rows"]:
                assert set(row) == set(FIELDS), case["id"]
                assert row["surface"] in case["sentence"], case["id"]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 200
