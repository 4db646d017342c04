"""The dashboard in a real browser: Debian's Chromium driven by Playwright (no `playwright install`).

The app runs as a subprocess on a free 127.0.0.1 port, exactly as a user starts it. Skipped,
saying why, where /usr/bin/chromium or the playwright package is missing.
See ../shared/BROWSER-TESTING.md for the launch flags and selectors used here.
"""
from __future__ import annotations

import contextlib
import csv
import io
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import tracker

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium fonts-wqy-microhei)",
                allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)")
expect = sync_api.expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "raw"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT = 30_000  # ms: a first render takes about 3.5 s on two cores
UPLOAD = ("2026年,宝山区将新建幼儿园3所,完成旧住房成套改造5万平方米,"
          "全社会固定资产投资达到88亿元。").encode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(log: Path, *data: str):
    """The dashboard served on a free port (``data``: arguments after ``--``), as its URL;
    stopped at the end, its log shown if it does not start."""
    port = _free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *(("--", *data) if data else ())],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The dashboard on the shipped corpus, as ``streamlit run dashboard.py`` starts it."""
    with serve(tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tab(chromium):
    context = chromium.new_context(accept_downloads=True, locale="zh-CN",
                                  viewport={"width": 1440, "height": 2600})
    context.set_default_timeout(WAIT)
    page = context.new_page()
    yield page
    assert page.get_by_test_id("stException").count() == 0
    context.close()


@pytest.fixture(scope="module")
def corpus():
    return tracker.extract_paths([CORPUS]).rows


def open_app(page, url: str) -> None:
    page.goto(url)
    page.get_by_test_id("stDataFrame").locator('[role="gridcell"]').first.wait_for(state="attached")
    settle(page)


def settle(page) -> None:
    """Wait for the script run an interaction started to finish (see BROWSER-TESTING.md)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)


def expect_rows(page, n: int) -> None:
    """The dataframe comes to hold ``n`` rows (its accessible row count, header included,
    follows the canvas a moment after the script run ends)."""
    grid = page.get_by_test_id("stDataFrame").locator("table[aria-rowcount]")
    expect(grid).to_have_attribute("aria-rowcount", str(n + 1))


def expect_figures(page, n: int) -> None:
    """The headline's first figure (rows shown) comes to read ``n``."""
    expect(page.get_by_test_id("stMetric").first.get_by_test_id("stMetricValue")).to_have_text(
        f"{n:,}")


def district_bars(page) -> list[str]:
    """The accessible labels of the bars in the first chart (targets by district)."""
    bars = page.get_by_test_id("stVegaLiteChart").first.locator("g.mark-rect path")
    return bars.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")


def screenshot(page, tmp_path_factory, name: str) -> Path:
    """A full-page screenshot under pytest's temporary folder (path printed with -s)."""
    path = tmp_path_factory.mktemp("screenshots") / name
    page.screenshot(path=path, full_page=True)
    print(f"screenshot: {path}")
    return path


def choose(page, key: str, value: str) -> None:
    """Add ``value`` to the multiselect keyed ``key``."""
    box = page.locator(f".st-key-{key}").get_by_role("combobox")
    box.click()
    box.fill(value)
    page.get_by_role("option", name=value).first.click()
    page.keyboard.press("Escape")
    settle(page)


def test_filter_to_a_district_then_download(tab, app_url, corpus, tmp_path_factory):
    open_app(tab, app_url)
    district = "宝山区"
    expected = corpus[corpus["district"] == district]
    assert 0 < len(expected) < len(corpus)
    expect_rows(tab, len(corpus))
    assert any("普陀区" in bar for bar in district_bars(tab))

    choose(tab, "district", district)

    expect_figures(tab, len(expected))
    expect_rows(tab, len(expected))
    bars = district_bars(tab)
    assert bars and all(district in bar for bar in bars)  # the chart changed with the filter
    assert "district=%E5%AE%9D%E5%B1%B1%E5%8C%BA" in tab.url  # the view is in the URL

    with tab.expect_download() as download:
        tab.get_by_test_id("stDownloadButton").get_by_role("button").click()
    data = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == f"targets_{district}.csv"
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(expected)
    assert {row["district"] for row in rows} == {district}

    screenshot(tab, tmp_path_factory, "dashboard_baoshan.png")


def test_a_shared_url_reopens_the_view(tab, app_url, corpus):
    district = sorted(set(corpus["district"]) - {""})[-1]
    open_app(tab, f"{app_url}/?district={district}&kind=target")
    expected = corpus[(corpus["district"] == district) & (corpus["kind"] == "target")]
    expect_rows(tab, len(expected))
    expect(tab.locator(".st-key-district")).to_contain_text(district)


def test_clicking_a_district_bar_filters(tab, app_url, corpus):
    open_app(tab, app_url)
    district = "普陀区"
    tab.get_by_test_id("stVegaLiteChart").first.locator(
        f'g.mark-rect path[aria-label*="district: {district};"]').first.click()
    expect(tab.locator(".st-key-district")).to_contain_text(district)
    expect_rows(tab, int((corpus["district"] == district).sum()))


def test_an_upload_adds_its_rows(tab, app_url, corpus, tmp_path_factory):
    expected = tracker.extract_bytes(UPLOAD, "新区计划.txt").rows
    assert len(expected) > 0
    open_app(tab, app_url)
    tab.locator(".st-key-upload").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "新区计划.txt", "mimeType": "text/plain", "buffer": UPLOAD}])
    expect(tab.get_by_text(f"新区计划.txt: {len(expected)} figures added.")).to_be_visible()
    expect_rows(tab, len(corpus) + len(expected))
    expect_figures(tab, len(corpus) + len(expected))

    surface = expected["surface"].iloc[0]
    tab.locator(".st-key-search input").fill(surface)
    tab.locator(".st-key-search input").press("Enter")
    settle(tab)
    expect(tab.get_by_test_id("stDataFrame")).to_contain_text(f"【{surface}】")
    screenshot(tab, tmp_path_factory, "dashboard_upload.png")


def test_a_parquet_table_given_on_the_command_line(tab, corpus, tmp_path_factory):
    """``python -m tracker extract DIR -o out.parquet``, then
    ``streamlit run dashboard.py -- --data out.parquet``."""
    folder = tmp_path_factory.mktemp("parquet")
    done = subprocess.run([sys.executable, "-m", "tracker", "extract", str(CORPUS), "-o",
                           str(folder / "out.parquet"), "--no-cache"], cwd=ROOT, check=False)
    assert done.returncode == 0
    with serve(folder / "streamlit.log", "--data", str(folder / "out.parquet")) as url:
        open_app(tab, url)
        expect_rows(tab, len(corpus))
        expect(tab.locator(".st-key-folder input")).to_have_value(str(folder / "out.parquet"))
        choose(tab, "district", "宝山区")
        expect_rows(tab, int((corpus["district"] == "宝山区").sum()))
