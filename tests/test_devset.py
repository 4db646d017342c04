"""The development set: the five shipped documents against their gold annotation.

``tests/data/seeds_gold.csv`` is the project's copy of the gold, ``tests/data/reference_score.py``
its copy of the reference scorer; the project's own ``evaluate`` must agree with it.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "seeds_gold.csv"
DOCS = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def predictions(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("devset") / "pred.csv"
    subprocess.run([sys.executable, "-m", "tracker", "extract", str(DOCS), "-o", str(out)], check=True, cwd=ROOT)
    return out


@pytest.fixture(scope="module")
def reference(predictions) -> dict:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "data" / "reference_score.py"), "--gold", str(GOLD),
         "--docs", str(DOCS), "--pred", str(predictions), "--json"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(done.stdout)


def test_strict_f1_and_label_accuracy_meet_the_bar(reference):
    assert reference["strict_f1"] >= 0.95
    for label in ("district", "theme", "kind"):
        assert reference[f"{label}_acc"] >= 0.90, label


def test_own_evaluate_agrees_with_the_reference_scorer(predictions, reference):
    import pandas as pd

    from tracker.evaluate import score
    from tracker.pipeline import read_document

    texts = {p.stem: read_document(p).text for p in sorted(DOCS.glob("*.txt"))}
    gold = pd.read_csv(GOLD, dtype=str, keep_default_na=False)
    pred = pd.read_csv(predictions, dtype={"doc_id": str}, keep_default_na=False, encoding="utf-8-sig")
    ours, _ = score(gold, pred, texts)
    for key, value in reference.items():
        assert round(ours[key], 3) == round(value, 3), key


def test_evaluate_command_runs_the_extraction_itself():
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "evaluate", "--gold", str(GOLD), "--docs", str(DOCS), "--quiet"],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    fields = dict(item.split("=") for item in done.stdout.split())
    assert float(fields["strict_f1"]) >= 0.95


def test_every_row_points_at_its_surface(predictions):
    import pandas as pd

    from tracker.pipeline import read_document

    df = pd.read_csv(predictions, dtype={"doc_id": str}, keep_default_na=False, encoding="utf-8-sig")
    texts = {p.stem: read_document(p).text for p in sorted(DOCS.glob("*.txt"))}
    for row in df.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.surface


@pytest.mark.parametrize("doc, absent", [
    ("000_59112752bebac319", ["300兆瓦", "6,885便士", "605199", "2.0版", "480亿"]),
    ("002_3ed01d294938376b", ["94次"]),
    ("003_39cc09a31d753d9a", ["5700万", "32万", "1年"]),
])
def test_page_furniture_gives_no_rows(predictions, doc, absent):
    import pandas as pd

    df = pd.read_csv(predictions, dtype={"doc_id": str}, keep_default_na=False, encoding="utf-8-sig")
    surfaces = set(df.loc[df.doc_id == doc, "surface"])
    for s in absent:
        assert not any(s in x or x in s for x in surfaces), s
