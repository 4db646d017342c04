"""The dashboard's logic as plain functions: filters, facets, totals, CSV, names, highlights."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from synthetic import table
from tracker import table as t
from tracker.model import COLUMNS


@pytest.fixture
def df() -> pd.DataFrame:
    return table()


def test_filters_are_the_contracts_keys_on_real_columns():
    assert [f.key for f in t.FILTERS] == ["district", "subdistrict", "theme", "kind",
                                          "quantity", "year", "qualifier"]
    assert all(f.column in COLUMNS for f in t.FILTERS)


def test_themes_have_bilingual_labels():
    assert t.theme_label("urban_renewal") == "城市更新与住房 · Urban renewal & housing"
    assert t.theme_label("unknown") == "unknown"


# --- filters ------------------------------------------------------------------------------

def test_no_selection_keeps_every_row(df):
    assert t.apply_filters(df, {}, "").equals(df)
    assert t.apply_filters(df, {"district": [], "theme": []}, "  ").equals(df)


def test_one_value(df):
    out = t.apply_filters(df, {"district": ["宝山区"]})
    assert len(out) == 7 and set(out["district"]) == {"宝山区"}


def test_values_of_one_filter_are_alternatives_and_filters_combine(df):
    either = t.apply_filters(df, {"district": ["宝山区", "普陀区"]})
    assert len(either) == 11
    both = t.apply_filters(df, {"district": ["宝山区", "普陀区"], "theme": ["urban_renewal"],
                                "kind": ["target"]})
    assert both["metric"].tolist() == ["旧住房成套改造", "美丽家园建设"]


def test_year_chosen_as_text_or_number(df):
    as_text = t.apply_filters(df, {"year": ["2023"]})
    as_int = t.apply_filters(df, {"year": [2023]})
    assert len(as_text) == 4 and as_text.equals(as_int)


def test_search_words_must_all_appear_in_metric_or_sentence(df):
    assert len(t.apply_filters(df, {}, "投资")) == 4      # metric or sentence
    assert len(t.apply_filters(df, {}, "投资 总量")) == 1  # both words
    assert len(t.apply_filters(df, {}, "工业固投")) == 2   # one metric, one sentence elsewhere
    assert t.apply_filters(df, {}, "火星").empty


def test_search_ignores_case():
    df = pd.DataFrame({"metric": ["GDP", "gdp增速", "税收"], "sentence": ["", "", "GdP"]})
    assert len(t.apply_filters(df, {}, "gDp")) == 3


# --- facets -------------------------------------------------------------------------------

def test_facet_counts_most_first_and_no_empty_values(df):
    assert t.facet_counts(df, "district") == [("普陀区", 4), ("宝山区", 7)][::-1]
    assert t.facet_counts(df, "subdistrict") == [("顾村镇", 4)]
    years = t.facet_counts(df, "year")
    assert years == [(2023, 4), (2026, 4), (2025, 2)]
    assert all(type(y) is int for y, _ in years)


def test_facets_count_over_the_other_filters(df):
    out = t.facets(df, {"district": ["普陀区"], "theme": ["public_services"]})
    # districts are counted under the theme filter only, so 宝山区 stays offered
    assert out["district"] == [("普陀区", 1)]
    assert dict(out["theme"]) == {"urban_renewal": 2, "public_services": 1, "environment": 1}
    assert dict(out["kind"]) == {"target": 1}


def test_facets_keep_a_chosen_value_that_nothing_else_matches(df):
    out = t.facets(df, {"district": ["宝山区"], "theme": ["public_services"]})
    assert ("宝山区", 0) in out["district"]


def test_option_label_shows_value_first_and_theme_labels():
    assert t.option_label("district", "宝山区", 28) == "宝山区 (28)"
    assert t.option_label("theme", "urban_renewal", 1200) == "城市更新与住房 · Urban renewal & housing (1,200)"


def test_url_parameters_round_trip(df):
    chosen = {"district": ["宝山区"], "year": [2023, 2025], "theme": ["economy"]}
    params = t.params_from_selections(chosen, " 投资 ")
    assert params == {"district": ["宝山区"], "theme": ["economy"], "year": ["2023", "2025"],
                      "search": ["投资"]}
    assert t.selections_from_params(df, params) == chosen


def test_url_parameters_with_unknown_values_are_dropped(df):
    assert t.selections_from_params(df, {"district": ["火星区"], "year": ["x"], "kind": []}) == {}


# --- headline -----------------------------------------------------------------------------

def test_headline_counts_each_figure_once(df):
    h = t.headline(df)
    assert (h["targets"], h["documents"], h["districts"]) == (12, 4, 2)
    # 122亿元 twice in 003 counts once, again in 002; 14亿元; 500万美元 is not 元
    assert h["money"] == pytest.approx(122 + 14 + 122)
    assert h["area"] == pytest.approx(5 + 8.07 + 200)
    assert h["money_kinds"] == ["achieved", "target"]
    assert h["area_kinds"] == ["achieved", "target"]


def test_headline_of_a_filter(df):
    h = t.headline(t.apply_filters(df, {"district": ["宝山区"], "kind": ["target"]}))
    assert (h["targets"], h["documents"], h["districts"]) == (4, 1, 1)
    assert h["money"] == pytest.approx(136)
    assert h["area"] == 0 and h["area_kinds"] == []


def test_headline_of_nothing(df):
    h = t.headline(df.iloc[:0])
    assert (h["targets"], h["documents"], h["districts"], h["money"], h["area"]) == (0, 0, 0, 0, 0)


# --- CSV ----------------------------------------------------------------------------------

def test_csv_starts_with_a_bom_and_keeps_chinese(df):
    data = t.csv_bytes(df)
    assert data.startswith(b"\xef\xbb\xbf")
    assert "全社会固定资产投资122亿元" in data.decode("utf-8-sig")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == list(COLUMNS) and len(back) == len(df)


def test_csv_neutralises_formula_cells_in_text_columns_only(df):
    back = pd.read_csv(io.BytesIO(t.csv_bytes(df)), encoding="utf-8-sig", keep_default_na=False)
    last = back.iloc[-2:]
    assert last["metric"].tolist() == ["'=能耗", "'+志愿者"]
    assert last["sentence"].tolist() == ["'-能耗下降3个百分点\t@x", "'\r志愿者人数-5%"]
    assert last["surface"].tolist() == ["3个百分点", "'-5%"]
    assert back["value"].iloc[-1] == -5  # a negative number stays a number
    assert back["metric"].iloc[0] == "全社会固定资产投资"  # ordinary text untouched
    assert not any(str(cell).startswith(t.FORMULA_STARTS)
                   for col in back.select_dtypes(exclude="number") for cell in back[col])


@pytest.mark.parametrize("cell, safe", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), (-5, -5), (None, None),
])
def test_neutralise(cell, safe):
    assert t.neutralise(cell) == safe


# --- download name ------------------------------------------------------------------------

def test_download_name_says_what_was_filtered():
    assert t.download_name({}) == "targets.csv"
    assert t.download_name({"district": ["宝山区"], "theme": ["urban_renewal"]}) == "targets_宝山区_urban-renewal.csv"
    many = t.download_name({"district": ["黄浦区", "徐汇区", "长宁区", "静安区"], "year": [2026]})
    assert many == "targets_4-district_2026.csv"


def test_download_name_is_safe_and_short():
    name = t.download_name({"subdistrict": ["../../etc/passwd", "a\\b:c*?"]}, 'x/y "z" <q>|' * 30)
    stem = name.removesuffix(".csv")
    assert name.endswith(".csv") and len(name) <= 124
    assert all(c.isalnum() or c in "-_" for c in stem)


# --- the figure in its sentence and its document ------------------------------------------

def test_mark_sentence():
    assert t.mark_sentence("新建幼儿园3所。", "3所") == "新建幼儿园【3所】。"
    assert t.mark_sentence("新建幼儿园3所。", "5所") == "新建幼儿园3所。"
    assert t.mark_sentence("新建幼儿园3所。", "") == "新建幼儿园3所。"


def test_table_view(df):
    view = t.table_view(df)
    assert list(view.columns) == ["metric", "value", "sentence", "value_norm", "unit_norm", "kind",
                                  "theme", "district", "subdistrict", "year", "document"]
    first = view.iloc[0]
    assert first["value"] == "122亿元" and first["value_norm"] == 122e8
    assert first["theme"] == "经济发展 · Economy"
    assert first["sentence"] == "全社会固定资产投资【122亿元】(工业固投14亿元)。"
    assert first["document"] == "顾村镇打造产业集聚新高地"
    assert view.iloc[4]["value"] == "5万平方米" and view.iloc[7]["value"] == "8.07万平方米"
    assert view.iloc[-1]["document"] == "001"  # no title: the doc_id


def _rows(*spans):
    return pd.DataFrame([{"start": s, "end": e, "metric": m, "value": v, "unit": u, "kind": k}
                         for s, e, m, v, u, k in spans])


def test_highlight_document_marks_figures_and_greys_furniture():
    text = "首页 > 新闻\n新建幼儿园3所,投资<1.5亿元>。\n版权所有"
    body = (text.index("新建"), text.index("。") + 1)
    three, money = text.index("3所"), text.index("1.5亿元")
    rows = _rows((three, three + 2, "幼儿园", 3.0, "所", "target"),
                 (money, money + 5, "投资", 1.5, "亿元", "achieved"))
    page = t.highlight_document(text, rows, [body])
    assert page.count("<mark") == 2
    assert 'title="幼儿园 · 3所 · target">3所</mark>' in page
    assert 'title="投资 · 1.5亿元 · achieved">1.5亿元</mark>' in page
    assert "&lt;" in page and "<1.5" not in page  # the text is escaped
    assert f'<span style="{t.FURNITURE_STYLE}">首页 &gt; 新闻\n</span>' in page
    assert f'<span style="{t.FURNITURE_STYLE}">\n版权所有</span>' in page
    assert t.KIND_COLOURS["achieved"] in page


def test_highlight_document_escapes_titles_skips_overlaps_and_defaults_to_all_body():
    text = "新增绿地<5>公顷"
    rows = _rows((5, 6, '"绿地"', 5.0, "公顷", "target"), (5, 9, "x", 5.0, "公顷", "target"))
    page = t.highlight_document(text, rows)
    assert page.count("<mark") == 1 and "&quot;绿地&quot;" in page
    assert t.FURNITURE_STYLE not in page
