"""How fast the dashboard answers: `python bench/bench_dashboard.py [--rows 100000 1000000]`.

1. First render on the shipped corpus: the app run headless by AppTest, extraction included
   (cold: empty cache), then again with the cache warm (a rerun, as after a click).
2. A filter change on a generated table (rows of the shipped corpus resampled, spread over
   16 districts, 7 themes, 3 kinds, 2020–2030 and 5,000 documents): the work the app does
   per change — apply_filters, headline and the four charts' aggregations — timed on its
   own, and then with the sidebar's facet counts and a free-text search added; and what a
   hit on ``st.cache_data`` would cost at that size (an unpickled copy on every rerun: the
   app keeps its tables in ``st.cache_resource`` instead). The documents' sources stay the
   shipped files, so the document view marks up to 200,000 rows of one source: a stress case.
3. What a click really costs: AppTest runs the whole app on the generated table and times
   each rerun of a session of filter changes, repeated (best and median). The app gets the
   table from the folder loader (``tracker.extract_paths`` patched to return it), then as a
   Parquet file written by the CLI's writer (``--data out.parquet``).
4. The folder fingerprint (one walk, taken at most every few seconds), on 20,000 documents.
5. With ``--browser`` (Debian's Chromium and playwright present): ``streamlit run`` as a user
   starts it, timed to a healthy server and then to the table drawn in a real browser.
Targets: a filter change under 1 s at 100,000 rows and under 2 s at 1,000,000.
``--app PATH`` times another copy of the app (say, one saved before a change) in 1 and 3.
"""
from __future__ import annotations

import argparse
import contextlib
import pickle
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from unittest import mock

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
APP = ROOT / "dashboard.py"
#: A session's filter changes, each one rerun of the app: (widget, key, value).
CLICKS: tuple[tuple[str, str, object], ...] = (
    ("multiselect", "district", ["宝山区"]),
    ("multiselect", "theme", ["urban_renewal"]),
    ("multiselect", "district", []),
    ("text_input", "search", SEARCH),
    ("text_input", "search", ""),
    ("multiselect", "theme", []),
)
#: A document uploaded in the session: its rows join the table on every rerun after.
UPLOAD = ("新区计划.txt", "2026年,宝山区将新建幼儿园3所,全社会固定资产投资达到88亿元。".encode(),
          "text/plain")


def best_of(n: int, work) -> float:
    """The fastest of n runs, in seconds."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def first_render(app_path: Path = APP) -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    clear_caches()
    app = AppTest.from_file(str(app_path), default_timeout=300)
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


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def app_clicks(df: pd.DataFrame, app_path: Path = APP, rounds: int = 3, parquet: bool = False
               ) -> tuple[float, dict[str, list[float]]] | None:
    """Seconds of the app's first render on ``df``, of each rerun in ``CLICKS`` (each click
    repeated ``rounds`` times), then of district changes with a document uploaded.

    The app gets ``df`` as a folder's rows (the engine patched to return it), or with
    ``parquet`` as ``--data out.parquet`` written by the CLI's writer, its reading included
    in the first render; None when it cannot open that."""
    from streamlit.testing.v1 import AppTest

    from tracker.output import write_table

    clear_caches()
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as patches:
        data = folder
        if parquet:
            data = str(Path(folder) / "out.parquet")
            write_table(df, data, "parquet")
        else:
            errors = pd.DataFrame({"path": [], "reason": []}, dtype=object)
            patches.enter_context(mock.patch("tracker.extract_paths",
                                             return_value=tracker.Extraction(df, errors)))
        patches.enter_context(mock.patch.object(sys, "argv", [str(app_path), "--data", data]))
        app = AppTest.from_file(str(app_path), default_timeout=300)
        first = timed(app.run)
        assert not app.exception, app.exception
        if app.error:
            return None
        seconds: dict[str, list[float]] = {}
        for _ in range(rounds):
            for widget, key, value in CLICKS:
                element = getattr(app, widget)(key=key).set_value(value)
                seconds.setdefault(f"`{key} = {value!r}`", []).append(timed(element.run))
                assert not app.exception, app.exception
        app.file_uploader(key="upload").set_value(UPLOAD).run()
        for _ in range(rounds):
            for value in (["宝山区"], []):
                element = app.multiselect(key="district").set_value(value)
                seconds.setdefault(f"`district = {value!r}`, a document uploaded", []).append(
                    timed(element.run))
                assert not app.exception, app.exception
    clear_caches()
    return first, seconds


def fingerprint_folder(documents: int = 20_000) -> tuple[float, float]:
    """Best and median seconds of the app's folder fingerprint over ``documents`` files
    (20 folders of small text files, plus as many other files the walk must skip)."""
    from tracker.table import fingerprint

    with tempfile.TemporaryDirectory() as root:
        for i in range(documents):
            folder = Path(root) / f"d{i % 20:02d}"
            folder.mkdir(exist_ok=True)
            (folder / f"doc{i:05d}.txt").write_text("2026年新建幼儿园3所。", encoding="utf-8")
            (folder / f"doc{i:05d}.pdf").write_bytes(b"%PDF")
        seconds = [timed(lambda: fingerprint(root)) for _ in range(5)]
    return min(seconds), statistics.median(seconds)


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
    parser.add_argument("--app", type=Path, default=APP, help="the app to time (default: ours)")
    parser.add_argument("--rounds", type=int, default=3, help="repeats of each click")
    args = parser.parse_args()

    print("| measure | rows | seconds |\n|---|---:|---:|")
    if args.app == APP:
        best, median = fingerprint_folder()
        print(f"| folder fingerprint, 20,000 documents (best / median of 5) | | {best:.3f} / {median:.3f} |")
    if not args.skip_render:
        corpus = tracker.extract_paths([ROOT / "data" / "raw"]).rows
        cold, warm = first_render(args.app)
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
        print(f"| (not in the app) a st.cache_data hit: unpickling the table ({len(pickled) / 2**20:,.0f} MB) | {rows:,} "
              f"| {best_of(1, lambda: pickle.loads(pickled)):.3f} |")
        print(f"| table view of the first {table.TABLE_LIMIT:,} rows shown | {rows:,} "
              f"| {best_of(3, lambda: table.table_view(table.apply_filters(df, SELECTION).head(table.TABLE_LIMIT))):.3f} |")
        for parquet, given in ((False, "table handed over by the folder loader"),
                               (True, "`--data out.parquet`, reading included")):
            measured = app_clicks(df, args.app, args.rounds, parquet)
            if measured is None:
                print(f"| app cannot open {given} | {rows:,} | |")
                continue
            first, clicks = measured
            print(f"| app, first render (AppTest, {given}) | {rows:,} | {first:.2f} |")
            for click, seconds in clicks.items():
                print(f"| app rerun after {click} (best / median of {len(seconds)}) | {rows:,} "
                      f"| {min(seconds):.2f} / {statistics.median(seconds):.2f} |")
            every = [s for seconds in clicks.values() for s in seconds]
            print(f"| **app rerun, any click (best / median / worst of {len(every)})** | {rows:,} "
                  f"| {min(every):.2f} / {statistics.median(every):.2f} / {max(every):.2f} |")

if __name__ == "__main__":
    main()
