"""The service as deployed (README, "Deploy"): `news-warehouse serve` (Dagster's daemon and
webserver) in a temporary project refreshes the warehouse through the raw/ sensor, sends a
failed run to a webhook and an SMTP server that this test runs on loopback, and stops with
SIGTERM leaving no process behind."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from conftest import SAMPLE_DIR, SEED_FILES, fetch, varied_article
from pipelines.alerts import last_successful_refresh
from pipelines.cli import main
from pipelines.definitions import JOB_NAME
from pipelines.screenshot import free_port, wait_for
from pipelines.serve import group_members, running
from pipelines.services import children, descendants
from pipelines.settings import Settings
from pipelines.warehouse import working_copy

SCRIPTS = Path(sys.executable).parent
# The in-flight test's staleness window: about the shortest Dagster's freshness policies take.
STALE_AFTER = timedelta(seconds=61.2)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not all((SCRIPTS / name).exists() for name in ("dagster-daemon", "dagster-webserver")),
                       reason="dagster-daemon or dagster-webserver is not installed"),
]


def wait_until(what: str, found, seconds: float, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"no {what} within {seconds:.0f} s; the service's log:\n{log.read_text()[-6000:]}")


def runs_with_status(home: Path, status: dg.DagsterRunStatus) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return instance.get_runs(filters=dg.RunsFilter(job_name=JOB_NAME, statuses=[status]))


def start_service(folder: Path, env: dict[str, str], port: int, log: Path, briefing_port: int | None = None) -> subprocess.Popen:
    """`news-warehouse serve` as the unit starts it, from a working directory of its own."""
    with log.open("a") as output:
        return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--port", str(port),
                                 "--briefing-port", str(briefing_port or free_port())], cwd=folder,
                                env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)


def stop_service(service: subprocess.Popen) -> tuple[int, list[int], list[int]]:
    """SIGTERM, as systemd stops it: its exit status, the processes it had started, and those it
    had started itself (the daemon and the webserver, each leading its process group)."""
    started, services = descendants(service.pid), children(service.pid)
    if service.poll() is None:
        os.kill(service.pid, signal.SIGTERM)
    return service.wait(timeout=60), started, services


def service_environment(tmp_path: Path, port: int, **settings: str) -> dict[str, str]:
    return {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home"), "NEWS_WAREHOUSE_RAW": str(tmp_path / "raw"),
            "NEWS_WAREHOUSE_DB": str(tmp_path / "warehouse" / "news.duckdb"), "NEWS_WAREHOUSE_WORKERS": "1",
            "NEWS_WAREHOUSE_UI_URL": f"http://127.0.0.1:{port}", **settings}


def test_the_service_refreshes_from_raw_alerts_a_failed_run_and_stops_on_sigterm(tmp_path, webhook_receiver, smtp_receiver):
    started = time.monotonic()
    hook_url, posted = webhook_receiver
    smtp_port, mails = smtp_receiver
    raw, home, warehouse, port = tmp_path / "raw", tmp_path / "dagster_home", tmp_path / "warehouse" / "news.duckdb", free_port()
    shutil.copytree(SAMPLE_DIR, raw)
    env = service_environment(tmp_path, port, NEWS_WAREHOUSE_ALERT_WEBHOOK_URL=hook_url, NEWS_WAREHOUSE_SMTP_HOST="127.0.0.1",
                              NEWS_WAREHOUSE_SMTP_PORT=str(smtp_port), NEWS_WAREHOUSE_SMTP_SECURITY="none",
                              NEWS_WAREHOUSE_ALERT_EMAIL_TO="oncall@example.org")
    log, briefing_port = tmp_path / "serve.log", free_port()
    service = start_service(tmp_path, env, port, log, briefing_port)
    try:
        wait_for(f"http://127.0.0.1:{port}/server_info", timeout=120)
        assert (home / "dagster.yaml").exists()  # made from the project's

        # 1. The sensor sees raw/ and its run fills the warehouse.
        # (Selected by the sensor's tag: the hourly schedule may start a run of its own meanwhile.)
        wait_until("successful sensor run", lambda: [run for run in runs_with_status(home, dg.DagsterRunStatus.SUCCESS)
                                                     if run.tags.get("dagster/sensor_name") == "raw_files_sensor"], 150, log)
        settings = Settings(raw_dir=raw, warehouse=warehouse)
        assert fetch(settings, "SELECT count(*) FROM articles") == [(len(SEED_FILES),)]
        # The run's briefing page is served where the UI links it.
        with urllib.request.urlopen(f"http://127.0.0.1:{briefing_port}/latest.html", timeout=10) as page:
            assert page.status == 200 and b"News briefing" in page.read()

        # 2. A run fails: the working copy lost its quotes (a tool run against the wrong file,
        # say), so when a new file arrives the gate's row-count check fails and nothing is published.
        with duckdb.connect(str(working_copy(warehouse))) as con:
            con.execute("DELETE FROM quotes")
        (raw / "new.txt").write_text((SAMPLE_DIR / SEED_FILES[0]).read_text().replace("search", "seek"))
        # The run fails, is retried once (dagster.yaml, run_retries) and fails again: one alert, the retry's.
        failed = wait_until("failed retry", lambda: [run for run in runs_with_status(home, dg.DagsterRunStatus.FAILURE)
                                                     if run.parent_run_id], 180, log)[0]
        wait_until("webhook alert and e-mail", lambda: posted and mails, 60, log)
        text = posted[0]["text"]
        assert failed.parent_run_id[:8] not in "".join(alert["text"] for alert in posted)  # the retried run: no alert
        assert f"run {failed.run_id[:8]} of refresh_warehouse failed" in text
        assert "check fact_tables_hold_recorded_rows of article_extractions failed: 1 tables_not_as_recorded" in text
        link = f"http://127.0.0.1:{port}/runs/{failed.run_id}"
        assert f"Open the run: {link}" in text
        with urllib.request.urlopen(link, timeout=10) as page:
            assert page.status == 200
        assert mails[0]["To"] == "oncall@example.org" and failed.run_id[:8] in mails[0]["Subject"]
        assert fetch(settings, "SELECT count(*) FROM articles") == [(len(SEED_FILES),)]  # nothing published
    finally:
        # 3. SIGTERM: every process it started is gone.
        code, started_processes, groups = stop_service(service)
    assert code == 0, log.read_text()[-4000:]
    assert len(started_processes) >= 4  # the two services and their code servers, at least
    assert [pid for pid in started_processes if running(pid)] == []
    # The daemon's, the webserver's and the briefing pages' server's.
    assert len(groups) == 3 and all(group_members(group) == [] for group in groups)
    alerted = [re.search(r"run ([0-9a-f]{8}) of", alert["text"]).group(1) for alert in posted]
    assert len(alerted) == len(set(alerted))  # one alert per failed run, never two
    assert time.monotonic() - started < 180
    assert "SIGTERM: stopping the services." in log.read_text()


def freshness(home: Path, asset: str) -> str | None:
    """The freshness state the daemon last recorded for `asset` (what the UI shows)."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        record = instance.get_freshness_state_records([dg.AssetKey(asset)]).get(dg.AssetKey(asset))
        return record.freshness_state.value if record else None


def test_a_run_in_flight_when_the_service_stops_is_failed_then_retried_and_staleness_shows(tmp_path, monkeypatch, capsys):
    """Stopped mid-run (systemctl stop, a reboot), the run is marked failed rather than left
    STARTED, and the restarted service runs it again (run_retries) to success. With a short
    staleness window, the warehouse then turns stale in Dagster's freshness (the UI) and in
    `news-warehouse status`."""
    port, home, log = free_port(), tmp_path / "dagster_home", tmp_path / "serve.log"
    (tmp_path / "raw").mkdir()
    for n in range(30):  # enough articles that the run is still going when it is stopped
        (tmp_path / "raw" / f"article-{n}.html").write_text(varied_article(n))
    env = service_environment(tmp_path, port, NEWS_WAREHOUSE_STALE_HOURS=str(STALE_AFTER / timedelta(hours=1)))
    service = start_service(tmp_path, env, port, log)
    try:
        wait_for(f"http://127.0.0.1:{port}/server_info", timeout=120)
        wait_until("run in flight", lambda: runs_with_status(home, dg.DagsterRunStatus.STARTED), 150, log)
    finally:
        code, _, _ = stop_service(service)
    assert code == 0
    interrupted = runs_with_status(home, dg.DagsterRunStatus.FAILURE)
    assert interrupted and not runs_with_status(home, dg.DagsterRunStatus.STARTED), log.read_text()[-4000:]
    service = start_service(tmp_path, env, port, log)
    try:
        retried = wait_until("successful retry", lambda: [run for run in runs_with_status(home, dg.DagsterRunStatus.SUCCESS)
                                                          if run.parent_run_id], 150, log)[0]
        # No refresh since: the freshness daemon (every 30 s) marks the articles failing.
        wait_until("stale articles", lambda: freshness(home, "articles") == "FAIL", 120, log)
    finally:
        code, _, _ = stop_service(service)
    assert code == 0
    assert retried.parent_run_id in {run.run_id for run in interrupted}
    settings = Settings(raw_dir=tmp_path / "raw", warehouse=tmp_path / "warehouse" / "news.duckdb")
    assert fetch(settings, "SELECT count(*) FROM articles") == [(30,)]
    # `status` measures from the end of the last successful run, which comes seconds after the
    # articles' materialization that Dagster's freshness measures from.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        stale_at = last_successful_refresh(instance, JOB_NAME) + STALE_AFTER
    time.sleep(max(0.0, (stale_at - datetime.now(UTC)).total_seconds()) + 1)
    for name in ("DAGSTER_HOME", "NEWS_WAREHOUSE_RAW", "NEWS_WAREHOUSE_DB", "NEWS_WAREHOUSE_STALE_HOURS"):
        monkeypatch.setenv(name, env[name])
    capsys.readouterr()
    assert main(["status"]) == 0
    assert "Stale: the last successful refresh ended" in capsys.readouterr().out
