"""The Dagster UI in a real browser: every table and view asset on the lineage page, our run in the run list."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import WAREHOUSE_OBJECTS

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


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


@pytest.fixture
def ui_with_one_run(settings, tmp_path):
    """A CLI run recorded in a fresh instance, and the webserver for the workspace on loopback."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home)
    env = {**os.environ, "DAGSTER_HOME": str(home), "NEWS_WAREHOUSE_RAW": str(settings.raw_dir),
           "NEWS_WAREHOUSE_DB": str(settings.warehouse)}
    run = subprocess.run([sys.executable, "-m", "pipelines.cli", "run"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    run_id = re.search(r"Run ([0-9a-f]{8})", run.stdout).group(1)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dagster_webserver", "-w", str(ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/server_info")
        yield f"http://127.0.0.1:{port}", run_id
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_asset_graph_and_run_list(ui_with_one_run, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    base, run_id = ui_with_one_run
    with playwright.sync_playwright() as p:
        # launch() gives every browser a fresh temporary profile (user data dir) of its own.
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/asset-groups", wait_until="networkidle")
        skip = page.get_by_role("button", name="Skip")
        try:
            skip.first.click(timeout=5000)  # the "Join the Dagster community" dialog of a first visit
        except playwright.TimeoutError:
            pass
        for asset in WAREHOUSE_OBJECTS:
            page.get_by_text(asset, exact=True).first.wait_for(timeout=30000)
        page.wait_for_timeout(1000)
        # The screenshot goes to a temporary folder: the test command leaves the checkout as it was.
        screenshot = tmp_path / "ui-asset-graph.png"
        page.screenshot(path=str(screenshot))
        assert screenshot.stat().st_size > 10_000
        page.goto(f"{base}/runs", wait_until="networkidle")
        page.get_by_text(run_id).first.wait_for(timeout=30000)
        assert "refresh_warehouse" in page.inner_text("body")
        browser.close()
