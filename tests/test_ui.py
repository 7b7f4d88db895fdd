"""The Dagster UI in a real browser: every table and view asset on the lineage page, our run in the run list."""

from __future__ import annotations

import pytest

from conftest import WAREHOUSE_OBJECTS
from pipelines.screenshot import CHROMIUM, browser_page, capture_asset_graph, ui_with_one_run

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


def test_asset_graph_and_run_list(settings, tmp_path):
    pytest.importorskip("playwright.sync_api")
    with ui_with_one_run(settings.raw_dir, settings.warehouse, tmp_path / "dagster_home") as (base, run_id):
        with browser_page() as (page, timeout_error):
            # The picture goes to a temporary folder: the test command leaves the checkout as it was
            # (`news-warehouse screenshot` regenerates the README's).
            screenshot = tmp_path / "ui-asset-graph.png"
            capture_asset_graph(page, timeout_error, base, WAREHOUSE_OBJECTS, screenshot)
            assert screenshot.stat().st_size > 10_000
            page.goto(f"{base}/runs", wait_until="networkidle")
            page.get_by_text(run_id).first.wait_for(timeout=30000)
            assert "refresh_warehouse" in page.inner_text("body")
