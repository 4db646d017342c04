"""How fast the dashboard answers: `python bench/bench_dashboard.py [--rows 100000 1000000]`.

1. First render on the shipped corpus: the app run headless by AppTest, extraction included
   (cold: empty cache), then again with the cache warm (a rerun, as after a click).
2. A filter change on a generated table (rows of the shipped corpus resampled, spread over
   16 districts, 7 themes, 3 kinds, 2020–2030 and 5,000 documents): the work the app does
   per change — apply_filters, headline and the four charts' aggregations — timed on its
   own, and then with the sidebar's facet counts and a free-text search added; and what a
   hit on ``st.cache_data`` costs at that size (it hands each rerun an unpickled copy).
3. With ``--browser`` (Debian's Chromium and playwright present): ``streamlit run`` as a user
   starts it, timed to a healthy server and then to the table drawn in a real browser.
Targets: a filter change under 1 s at 100,000 rows and under 2 s at 1,000,000.
"""
from __future__ import annotations

import argparse
import pickle
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tracker  # noqa: E402
from tracker import charts, table  # noqa: E402
from tracker.gazetteer import theme_labels  # noqa: E402

DISTRICTS = ("黄浦区 徐汇区 长宁区 静安区 普陀区 虹口区 杨浦区 闵行区 宝山区 嘉定区 浦东新区 "
             "金山区 松江区 青浦区 奉贤区 崇明区").split()
SELECTION = {"district": ["宝山区", "普陀区"], "theme": ["urban_renewal", "economy"]}
SEARCH = "改造"


def best_of(n: int, work) -> float:
    """The fastest of n runs, in seconds."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def first_render() -> tuple[float, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    start = time.perf_counter()
    app.run()
    cold = time.perf_counter() - start
    assert not app.exception, app.exception
    start = time.perf_counter()
    app.run()
    return cold, time.perf_counter() - start


def browser_render() -> tuple[float, float, float]:
    """Seconds from `streamlit run` to a healthy server, then from page load to the table
    drawn: first visit (extraction included), and a second visit (cache warm)."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.port",
         str(port), "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        healthy = time.perf_counter() - start
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            def load() -> float:
                """Seconds from opening a page until the table's first cell is drawn."""
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                page.locator('[data-testid="stDataFrame"] [role="gridcell"]').first.wait_for(
                    state="attached", timeout=60_000)
                return time.perf_counter() - start

            drawn, again = load(), load()
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return healthy, drawn, again


def generated(rows: int, seed: int = 0) -> pd.DataFrame:
    """``rows`` rows resampled from the shipped corpus, with labels and values spread out."""
    base = tracker.extract_paths([ROOT / "data" / "raw"]).rows
    rng = np.random.default_rng(seed)
    df = base.sample(rows, replace=True, random_state=seed, ignore_index=True)
    df["district"] = rng.choice(DISTRICTS, rows)
    df["theme"] = rng.choice(list(theme_labels()), rows)
    df["kind"] = rng.choice(["target", "achieved", "context"], rows, p=[0.6, 0.3, 0.1])
    df["year"] = pd.array(rng.integers(2020, 2031, rows), dtype="Int64")
    df["doc_id"] = pd.Series(rng.integers(0, 5000, rows)).map("doc{:04d}".format)
    df["value_norm"] = df["value_norm"] * rng.uniform(0.5, 2.0, rows)
    return df


def filter_change(df: pd.DataFrame, search: str = "", with_facets: bool = False) -> None:
    shown = table.apply_filters(df, SELECTION, search)
    table.headline(shown)
    charts.district_theme_counts(shown)
    charts.money_area_by_district(shown)
    charts.rate_summary(shown)
    charts.year_kind_counts(shown)
    if with_facets:
        table.facets(df, SELECTION, search)


def chart_specs(df: pd.DataFrame) -> None:
    """The four charts built and turned into Vega-Lite specs, as st.altair_chart does."""
    shown = table.apply_filters(df, SELECTION)
    for build in (charts.targets_by_district, charts.money_and_area, charts.rates_by_metric,
                  charts.counts_by_year_and_kind):
        build(shown).to_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--skip-render", action="store_true")
    parser.add_argument("--browser", action="store_true", help="also time a real browser")
    args = parser.parse_args()

    print("| measure | rows | seconds |\n|---|---:|---:|")
    if not args.skip_render:
        corpus = tracker.extract_paths([ROOT / "data" / "raw"]).rows
        cold, warm = first_render()
        print(f"| first render, shipped corpus (AppTest, extraction included) | {len(corpus):,} | {cold:.2f} |")
        print(f"| rerun, cache warm | {len(corpus):,} | {warm:.2f} |")
    if args.browser:
        healthy, drawn, again = browser_render()
        print(f"| `streamlit run` to healthy server | | {healthy:.2f} |")
        print(f"| page load to table drawn, Chromium, first visit (extraction included) | | {drawn:.2f} |")
        print(f"| page load to table drawn, Chromium, second visit | | {again:.2f} |")
    for rows in args.rows:
        df = generated(rows)
        shown = len(table.apply_filters(df, SELECTION))
        print(f"| filter change: filters + headline + 4 chart aggregations ({shown:,} rows shown) "
              f"| {rows:,} | {best_of(3, lambda: filter_change(df)):.3f} |")
        print(f"| … plus facet counts for the 7 filters | {rows:,} "
              f"| {best_of(3, lambda: filter_change(df, with_facets=True)):.3f} |")
        print(f"| … plus facets and a search ({SEARCH!r} in metric or sentence) | {rows:,} "
              f"| {best_of(3, lambda: filter_change(df, SEARCH, with_facets=True)):.3f} |")
        print(f"| … the four charts built as Vega-Lite specs (Altair validation included) | {rows:,} "
              f"| {best_of(3, lambda: chart_specs(df)):.3f} |")
        pickled = pickle.dumps(df)
        print(f"| st.cache_data hit: unpickling the table ({len(pickled) / 2**20:,.0f} MB) | {rows:,} "
              f"| {best_of(1, lambda: pickle.loads(pickled)):.3f} |")
        print(f"| table view of the first {table.TABLE_LIMIT:,} rows shown | {rows:,} "
              f"| {best_of(3, lambda: table.table_view(table.apply_filters(df, SELECTION).head(table.TABLE_LIMIT))):.3f} |")


if __name__ == "__main__":
    main()
