"""Charts build, carry aggregated data (not the table), and add up to what the table says."""
from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from synthetic import table
from tracker import charts
from tracker.table import apply_filters, headline


@pytest.fixture
def df() -> pd.DataFrame:
    return table()


def _data(chart) -> pd.DataFrame:
    return chart.data


def test_district_theme_counts(df):
    counts = charts.district_theme_counts(df)
    got = {(r.district, r.theme): r.targets for r in counts.itertuples()}
    assert got == {("宝山区", "economy"): 6, ("宝山区", "urban_renewal"): 1,
                   ("普陀区", "urban_renewal"): 2, ("普陀区", "public_services"): 1,
                   ("普陀区", "environment"): 1}
    assert counts["targets"].sum() == 11  # the row with no district is left out
    assert "城市更新与住房 · Urban renewal & housing" in set(counts["label"])


def test_targets_by_district_is_selectable_by_district(df):
    chart = charts.targets_by_district(df)
    spec = chart.to_dict()
    assert len(_data(chart)) == 5
    (param,) = spec["params"]
    assert param["name"] == charts.DISTRICT_PICK
    assert param["select"] == {"type": "point", "fields": ["district"]}
    assert spec["encoding"]["y"]["sort"] == ["宝山区", "普陀区"]


def test_money_and_area_sum_distinct_figures_like_the_headline(df):
    data = charts.money_area_by_district(df)
    money = data[data["measure"] == charts.MEASURES["money"]].set_index("district")["amount"]
    area = data[data["measure"] == charts.MEASURES["area"]].set_index("district")["amount"]
    assert money.to_dict() == pytest.approx({"宝山区": 258.0})
    assert area.to_dict() == pytest.approx({"宝山区": 5.0, "普陀区": 208.07})
    one = apply_filters(df, {"district": ["宝山区"]})
    assert money.sum() == pytest.approx(headline(one)["money"])
    assert isinstance(charts.money_and_area(df), alt.FacetChart)
    charts.money_and_area(df).to_dict()


def test_rates_by_metric(df):
    summary = charts.rate_summary(df)
    assert summary[["metric", "unit_norm", "median", "figures"]].values.tolist() == [
        ["区级财政收入", "%", 10, 1], ["=能耗", "百分点", 3, 1], ["+志愿者", "%", -5, 1]]
    assert len(charts.rate_summary(df, top=2)) == 2
    assert charts.rates_by_metric(df).to_dict()["mark"]["type"] == "bar"


def test_counts_by_year_and_kind(df):
    counts = charts.year_kind_counts(df)
    assert counts.values.tolist() == [
        ["2023", "target", 4], ["2025", "achieved", 2], ["2026", "target", 4],
        [charts.NO_YEAR, "context", 2]]
    assert counts["targets"].sum() == len(df)
    charts.counts_by_year_and_kind(df).to_dict()


@pytest.mark.parametrize("build", [charts.targets_by_district, charts.money_and_area,
                                   charts.rates_by_metric, charts.counts_by_year_and_kind])
def test_charts_build_on_an_empty_selection(df, build):
    build(df.iloc[:0]).to_dict()


def test_chart_data_stays_small_on_a_big_table(df):
    big = pd.concat([df] * 5000, ignore_index=True)  # 60,000 rows
    for chart in (charts.targets_by_district(big), charts.rates_by_metric(big),
                  charts.counts_by_year_and_kind(big)):
        assert len(chart.data) < 50
    assert len(charts.money_area_by_district(big)) < 50
