"""Charts of the table as Altair objects; the dashboard only displays them.

Each chart has two halves: a function that aggregates the rows in pandas to the few
numbers drawn (so a million-row table sends a few dozen points to the browser, and the
tests can check the sums), and one that draws them. Colours are fixed per theme and per
kind so they keep their meaning as filters change.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from tracker.gazetteer import theme_labels
from tracker.table import FIGURE_KEY, TOTALS, distinct_figures, theme_label

#: Name of the click selection on the district chart; the dashboard reads it back.
DISTRICT_PICK = "district_pick"
NO_YEAR = "未注明 · none"
MEASURES = {"money": "资金 · Money (亿元)", "area": "面积 · Area (万平方米)"}
ROW_HEIGHT = 22  # pixels per bar in the horizontal bar charts
TOP_METRICS = 20  # metrics in the rates chart
#: Colours in the order of themes.csv (Tableau 10), and per kind (the document view's, darker).
THEME_COLOURS = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2")
KIND_CHART_COLOURS = {"target": "#d97706", "achieved": "#16a34a", "context": "#60a5fa"}


def _theme_scale(present: set[str]) -> alt.Scale:
    """Each theme keeps its colour whatever the filter; only themes present are in the legend."""
    pairs = [(label, THEME_COLOURS[i % len(THEME_COLOURS)])
             for i, label in enumerate(theme_labels().values()) if label in present]
    pairs += [(label, "#9ca3af") for label in sorted(present - {p for p, _ in pairs})]
    return alt.Scale(domain=[p for p, _ in pairs], range=[c for _, c in pairs])


def _kind_scale() -> alt.Scale:
    return alt.Scale(domain=list(KIND_CHART_COLOURS), range=list(KIND_CHART_COLOURS.values()))


def _rows_step() -> alt.Step:
    """A fixed height per bar: the chart grows with its rows (Streamlit fits only the width)."""
    return alt.Step(ROW_HEIGHT)


def _named(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows with a district named (the by-district charts leave the others out), with only
    the ``columns`` a chart needs: copying every column of a million rows costs more than
    the chart."""
    return df.loc[df["district"].notna() & (df["district"] != ""), columns]


# --- targets by district, stacked by theme ------------------------------------------------

def district_theme_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Rows per (district, theme), with the theme's label: columns district, theme, label, targets."""
    counts = (_named(df, ["district", "theme"]).groupby(["district", "theme"]).size()
              .reset_index(name="targets"))
    return counts.assign(label=counts["theme"].map(theme_label))


def targets_by_district(df: pd.DataFrame) -> alt.Chart:
    """Horizontal bars per district, stacked by theme; a click selects the district."""
    data = district_theme_counts(df)
    order = data.groupby("district")["targets"].sum().sort_values(ascending=False).index.tolist()
    pick = alt.selection_point(name=DISTRICT_PICK, fields=["district"])
    return (
        alt.Chart(data, title="各区指标 · Targets by district and theme")
        .mark_bar()
        .encode(
            y=alt.Y("district:N", sort=order, title=None),
            x=alt.X("sum(targets):Q", title="figures"),
            color=alt.Color("label:N", scale=_theme_scale(set(data["label"])), title=None,
                            legend=alt.Legend(orient="bottom", direction="vertical",
                                              labelLimit=320)),
            opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.4)),
            tooltip=["district:N", alt.Tooltip("label:N", title="theme"), "targets:Q"],
        )
        .add_params(pick)
        .properties(height=_rows_step())
    )


# --- money and area by district -----------------------------------------------------------

def money_area_by_district(df: pd.DataFrame) -> pd.DataFrame:
    """Totals of distinct figures per district: columns district, measure, amount, figures.

    Money sums unit_norm 元 in 亿元, area 平方米 in 万平方米, each figure counted once (the
    headline's rule).
    """
    named = _named(df, ["district", *FIGURE_KEY])
    figures = distinct_figures(named[named["unit_norm"].isin([u for u, _ in TOTALS.values()])])
    parts = []
    for name, (unit, divisor) in TOTALS.items():
        rows = figures[figures["unit_norm"] == unit]
        sums = rows.groupby("district")["value_norm"].agg(["sum", "size"]).reset_index()
        parts.append(pd.DataFrame({"district": sums["district"], "measure": MEASURES[name],
                                   "amount": sums["sum"] / divisor, "figures": sums["size"]}))
    return pd.concat(parts, ignore_index=True)


def money_and_area(df: pd.DataFrame) -> alt.FacetChart:
    """Two bar panels side by side, money in 亿元 and area in 万平方米, each its own scale."""
    data = money_area_by_district(df)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("district:N", sort="-x", title=None),
            x=alt.X("amount:Q", title=None),
            color=alt.Color("measure:N", legend=None,
                            scale=alt.Scale(domain=list(MEASURES.values()),
                                            range=["#b45309", "#0f766e"])),
            tooltip=["district:N", "measure:N", alt.Tooltip("amount:Q", format=",.2f"),
                     "figures:Q"],
        )
        .properties(width=190, height=_rows_step())
        .facet(column=alt.Column("measure:N", title=None, sort=list(MEASURES.values())))
        .resolve_scale(x="independent", y="independent")
        .properties(title="资金与面积 · Money and area by district")
    )


# --- rates by metric ----------------------------------------------------------------------

def rate_summary(df: pd.DataFrame, top: int = TOP_METRICS) -> pd.DataFrame:
    """Rates (quantity rate) per metric and unit: median value, figures, districts.

    The ``top`` metrics with the most figures, largest median first.
    """
    rates = df.loc[df["quantity"] == "rate", ["metric", "unit_norm", "value_norm", "district"]]
    summary = (rates.groupby(["metric", "unit_norm"])
               .agg(median=("value_norm", "median"), figures=("value_norm", "size"),
                    districts=("district", "nunique"))
               .reset_index())
    return (summary.nlargest(top, "figures", keep="first")
            .sort_values("median", ascending=False, ignore_index=True))


def rates_by_metric(df: pd.DataFrame) -> alt.Chart:
    """A bar per metric at its median rate, coloured by unit (% or percentage points)."""
    data = rate_summary(df)
    return (
        alt.Chart(data, title="增速与比例 · Rates by metric (median)")
        .mark_bar()
        .encode(
            y=alt.Y("metric:N", sort=None, title=None, axis=alt.Axis(labelLimit=240)),
            x=alt.X("median:Q", title="value"),
            color=alt.Color("unit_norm:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["metric:N", alt.Tooltip("median:Q", format=",.3~f"), "unit_norm:N",
                     "figures:Q", "districts:Q"],
        )
        .properties(height=_rows_step())
    )


# --- counts by year and kind --------------------------------------------------------------

def year_kind_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Rows per (year, kind); a missing year is ``NO_YEAR``. Columns year, kind, targets."""
    years = pd.to_numeric(df["year"], errors="coerce")
    counts = (pd.DataFrame({"year": years, "kind": df["kind"]})
              .groupby(["year", "kind"], dropna=False).size()
              .reset_index(name="targets").sort_values("year", na_position="last"))
    counts["year"] = [NO_YEAR if pd.isna(y) else str(int(y)) for y in counts["year"]]
    return counts.reset_index(drop=True)


def counts_by_year_and_kind(df: pd.DataFrame) -> alt.Chart:
    """Stacked columns per year, by kind (target, achieved, context)."""
    data = year_kind_counts(df)
    return (
        alt.Chart(data, title="年份与类型 · Figures by year and kind")
        .mark_bar()
        .encode(
            x=alt.X("year:O", sort=list(dict.fromkeys(data["year"])), title=None,
                    axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(targets):Q", title="figures"),
            color=alt.Color("kind:N", scale=_kind_scale(), title=None,
                            legend=alt.Legend(orient="bottom")),
            tooltip=["year:O", "kind:N", "targets:Q"],
        )
        .properties(height=260)
    )
