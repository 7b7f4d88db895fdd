"""The Dagster UI in headless Chromium: the README's picture of the asset graph, and what the
browser test drives. Needs Playwright (the `test` extra) and Debian's chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
VIEWPORT = {"width": 1800, "height": 1150}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@contextmanager
def ui_with_one_run(raw_dir: Path, warehouse: Path, home: Path) -> Iterator[tuple[str, str]]:
    """A CLI run recorded in a fresh Dagster instance at `home`, and the webserver for the
    workspace on loopback: (base URL, the run's short id)."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", home)
    env = {**os.environ, "DAGSTER_HOME": str(home), "NEWS_WAREHOUSE_RAW": str(raw_dir),
           "NEWS_WAREHOUSE_DB": str(warehouse)}
    run = subprocess.run([sys.executable, "-m", "pipelines.cli", "run"], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise RuntimeError(f"the run for the UI failed:\n{run.stdout}{run.stderr}")
    run_id = re.search(r"Run ([0-9a-f]{8})", run.stdout).group(1)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dagster_webserver", "-w", str(PROJECT_ROOT / "workspace.yaml"),
         "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/server_info")
        yield f"http://127.0.0.1:{port}", run_id
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def browser_page():
    """A page of headless Chromium with a fresh profile, and Playwright's timeout error class."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() gives every browser a fresh temporary profile (user data dir) of its own.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport=VIEWPORT), PlaywrightTimeout
        finally:
            browser.close()


@contextmanager
def offline_page():
    """A page of headless Chromium (fresh profile) that cannot reach the network: the context is
    offline and every request but file:, data: and blob: ones is aborted and listed. Yields (page,
    console messages and page errors as (type, text), blocked URLs)."""
    from playwright.sync_api import sync_playwright

    messages: list[tuple[str, str]] = []
    blocked: list[str] = []

    def route(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1300, "height": 900})
            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda message: messages.append((message.type, message.text)))
            page.on("pageerror", lambda error: messages.append(("pageerror", str(error))))
            yield page, messages, blocked
        finally:
            browser.close()


def open_briefing(page, path: Path, timeout: float = 60000) -> None:
    """Open a briefing page and wait until every chart is drawn (or the page has none)."""
    page.goto(path.absolute().as_uri(), wait_until="load")
    page.wait_for_function("!document.getElementById('briefing-specs') || window.briefingCharts !== undefined",
                           timeout=timeout)
    page.evaluate("window.briefingCharts ? window.briefingCharts.then(() => true) : true")


def capture_briefing(path: Path, out: Path) -> None:
    """A picture of the top of a briefing page (the README's)."""
    with offline_page() as (page, _, _):
        open_briefing(page, path)
        page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": 1300, "height": 2400}, full_page=True)


def capture_asset_graph(page, timeout_error, base: str, assets: list[str], out: Path) -> None:
    """Open the lineage page, wait until every asset is drawn, and save a picture of it."""
    page.goto(f"{base}/asset-groups", wait_until="networkidle")
    try:
        page.get_by_role("button", name="Skip").first.click(timeout=5000)  # "Join the Dagster community", first visit
    except timeout_error:
        pass
    for asset in assets:
        page.get_by_text(asset, exact=True).first.wait_for(timeout=30000)
    page.wait_for_timeout(1000)
    # The graph opens zoomed in on its middle: zoom out a step so every node is in the picture.
    page.mouse.move(VIEWPORT["width"] * 0.65, VIEWPORT["height"] * 0.55)
    page.keyboard.down("Control")
    page.mouse.wheel(0, 150)
    page.keyboard.up("Control")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(out))


def regenerate_readme_picture(out: Path) -> None:
    """docs/ui-asset-graph.png from a run of the bundled sample in a temporary instance."""
    from pipelines.warehouse import TABLES_DIR, VIEWS_DIR, object_name, sql_files

    assets = [object_name(f) for f in sql_files(TABLES_DIR) + sql_files(VIEWS_DIR)]
    with tempfile.TemporaryDirectory(prefix="news-warehouse-screenshot-") as scratch:
        scratch = Path(scratch)
        shutil.copytree(PROJECT_ROOT / "raw", scratch / "raw")
        with ui_with_one_run(scratch / "raw", scratch / "warehouse" / "news.duckdb", scratch / "dagster_home") as (base, _):
            with browser_page() as (page, timeout_error):
                capture_asset_graph(page, timeout_error, base, assets, out)
