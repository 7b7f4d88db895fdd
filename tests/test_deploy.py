"""What the service is deployed with (deploy/, dagster_home/dagster.yaml): a unit whose command
exists and whose settings file names every setting the code reads; the instance settings a
service needs; PostgreSQL storage one setting away; `serve` stopping what it started."""

from __future__ import annotations

import configparser
import re
import shlex
import sys
import time
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest
import yaml

from conftest import ROOT
from pipelines.cli import main, print_freshness, reclaim_runs_of_a_stopped_service
from pipelines.serve import STOP_SECONDS, instance_config, running, service_commands, supervise
from pipelines.settings import Settings

DEPLOY = ROOT / "deploy"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / "news-warehouse.service").read_text())
    return parser


def settings_read_by_the_code() -> set[str]:
    """Every NEWS_WAREHOUSE_* variable the product reads, from its source."""
    return {name for path in (ROOT / "pipelines").rglob("*.py")
            for name in re.findall(r"NEWS_WAREHOUSE_[A-Z_]+", path.read_text())}


def test_the_unit_starts_the_projects_serve_command_and_stops_it_cleanly():
    service = unit()["Service"]
    command = shlex.split(service["ExecStart"])
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert Path(command[0]).name in scripts and command[1] == "serve"
    with pytest.raises(SystemExit) as parsed:
        main([*command[1:], "--help"])
    assert parsed.value.code == 0  # `serve --host ... --port ...` parses
    assert service["Restart"] == "on-failure" and service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) > STOP_SECONDS  # serve's own SIGKILL comes first
    assert service["User"] and service["User"] != "root" and service["WorkingDirectory"].startswith("/")
    assert service["EnvironmentFile"] == "/etc/news-warehouse.env"


def test_the_example_environment_names_every_setting_and_loads(monkeypatch):
    text = (DEPLOY / "news-warehouse.env.example").read_text()
    named = set(re.findall(r"^#?(NEWS_WAREHOUSE_[A-Z_]+|DAGSTER_HOME)=", text, flags=re.MULTILINE))
    assert named == settings_read_by_the_code() | {"DAGSTER_HOME"}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            monkeypatch.setenv(*line.split("=", 1))
    settings = Settings.from_env()
    assert settings.warehouse == Path("/var/lib/news-warehouse/warehouse/news.duckdb")
    assert settings.stale_after == timedelta(hours=2) and settings.alerting.channels == []


def test_the_instance_queues_one_run_at_a_time_retries_failed_runs_once_and_purges_old_ticks(tmp_path, monkeypatch):
    (tmp_path / "dagster.yaml").write_text((ROOT / "dagster_home" / "dagster.yaml").read_text())
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1  # what the daemon reads
        assert instance.run_monitoring_enabled
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 1
        # A run stopped with the service fails as a step failure: retried like any other.
        assert instance.run_retries_retry_on_asset_or_op_failure
        assert {"SCHEDULER", "SENSOR", "QUEUED_RUN_COORDINATOR", "MONITORING", "EVENT_LOG_CONSUMER",
                "FRESHNESS_DAEMON"} <= set(instance.get_required_daemon_types())
        assert instance.get_settings("retention")["sensor"]["purge_after_days"]["skipped"] == 7


def test_postgres_storage_is_one_setting_away():
    config = yaml.safe_load(instance_config((ROOT / "dagster_home" / "dagster.yaml").read_text(), postgres=True))
    assert config["storage"] == {"postgres": {"postgres_url": {"env": "NEWS_WAREHOUSE_DAGSTER_PG_URL"}}}
    assert "storage" not in yaml.safe_load(instance_config("run_monitoring: {enabled: true}\n", postgres=False))


@pytest.mark.slow
def test_a_dagster_home_gets_postgres_storage_and_runs_land_there(tmp_path, monkeypatch, postgres_catalog):
    """With dagster-postgres (the `postgres` extra) and Debian's PostgreSQL: a new DAGSTER_HOME
    made while NEWS_WAREHOUSE_DAGSTER_PG_URL is set keeps its runs in that database."""
    pytest.importorskip("dagster_postgres")
    from pipelines.cli import use_project_dagster_home

    fields = dict(part.split("=", 1) for part in postgres_catalog.removeprefix("postgres:").split())
    url = f"postgresql+psycopg2://{fields['user']}@{fields['host']}:{fields['port']}/{fields['dbname']}"
    monkeypatch.setenv("NEWS_WAREHOUSE_DAGSTER_PG_URL", url)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = use_project_dagster_home()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"

        @dg.op
        def noop():
            return 1

        @dg.job
        def refresh_warehouse():
            noop()

        assert refresh_warehouse.execute_in_process(instance=instance).success
        assert len(instance.get_runs()) == 1


def test_a_run_left_in_flight_by_a_stopped_service_is_failed_then_retried_and_cli_runs_left_alone():
    from dagster._daemon.auto_run_reexecution.auto_run_reexecution import should_retry

    job = dg.GraphDefinition("refresh").to_job(name="refresh_warehouse")
    retries = yaml.safe_load((ROOT / "dagster_home" / "dagster.yaml").read_text())["run_retries"]
    with dg.instance_for_test(overrides={"run_retries": retries}) as instance:
        service_run = instance.create_run_for_job(job, status=dg.DagsterRunStatus.STARTED)
        cli_run = instance.create_run_for_job(job, status=dg.DagsterRunStatus.STARTED, tags={"news_warehouse/pid": "1"})
        assert reclaim_runs_of_a_stopped_service(instance) == [service_run.run_id]
        assert instance.get_run_by_id(service_run.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(cli_run.run_id).status == dg.DagsterRunStatus.STARTED
        # What the daemon's run retries decide for it: run again.
        assert should_retry(instance.get_run_by_id(service_run.run_id), instance)


def test_status_says_stale_or_fresh(capsys):
    now = datetime.now(UTC)
    print_freshness(Settings(), now - timedelta(hours=3))
    assert "Stale: the last successful refresh ended" in capsys.readouterr().out
    print_freshness(Settings(), now - timedelta(minutes=10))
    assert "Fresh: the last successful refresh ended" in capsys.readouterr().out
    print_freshness(Settings(), None)
    assert "no successful refresh recorded" in capsys.readouterr().out


def test_serve_runs_the_daemon_and_webserver_on_the_workspace():
    daemon, webserver = service_commands(ROOT / "workspace.yaml", "127.0.0.1", 3000)
    assert Path(daemon[0]).name == "dagster-daemon" and daemon[1:] == ["run", "-w", str(ROOT / "workspace.yaml")]
    assert Path(webserver[0]).name == "dagster-webserver" and webserver[-4:] == ["-h", "127.0.0.1", "-p", "3000"]


@pytest.mark.slow
def test_supervise_stops_every_process_when_one_service_exits_and_kills_what_ignores_sigterm(tmp_path):
    """A service that dies takes the other down (the unit restarts both); a process that the
    other started and that ignores SIGTERM is killed after the grace period."""
    ready = tmp_path / "grandchild.pid"
    ignore = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN)"
    stubborn = [sys.executable, "-c", f"{ignore}; import subprocess, sys; child = subprocess.Popen([sys.executable, '-c', "
                f"'{ignore}; time.sleep(600)']); open(sys.argv[1], 'w').write(str(child.pid)); time.sleep(600)", str(ready)]
    dying = [sys.executable, "-c", f"import os, time\nwhile not (os.path.exists({str(ready)!r}) and os.path.getsize({str(ready)!r})):"
             "\n    time.sleep(0.1)\nraise SystemExit(3)"]
    messages = []
    started = time.monotonic()
    assert supervise([stubborn, dying], env={}, cwd=tmp_path, log=messages.append, stop_seconds=2) == 3
    assert time.monotonic() - started < 30
    assert "exited with status 3" in messages[0]
    assert not running(int(ready.read_text()))
