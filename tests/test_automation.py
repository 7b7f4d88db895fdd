"""The hourly schedule and the raw/ sensor both request the refresh job; the sensor fires only on change."""

from __future__ import annotations

import dagster as dg

from conftest import run_job
from pipelines.definitions import JOB_NAME, build_definitions


def evaluate(sensor: dg.SensorDefinition, defs: dg.Definitions, cursor: str | None):
    with dg.build_sensor_context(cursor=cursor, resources={"warehouse": defs.resources["warehouse"]}) as context:
        return sensor.evaluate_tick(context)


def test_sensor_requests_a_run_only_when_raw_changes(settings):
    defs = build_definitions(settings)
    sensor = defs.resolve_sensor_def("raw_files_sensor")
    assert sensor.job_name == JOB_NAME
    first = evaluate(sensor, defs, None)
    assert len(first.run_requests) == 1
    quiet = evaluate(sensor, defs, first.cursor)
    assert quiet.run_requests == [] and quiet.skip_message
    (settings.raw_dir / "new.txt").write_text("A new article landed.")
    changed = evaluate(sensor, defs, first.cursor)
    assert len(changed.run_requests) == 1
    assert changed.run_requests[0].run_key != first.run_requests[0].run_key


def test_hourly_schedule_runs_the_refresh_job(settings):
    schedule = build_definitions(settings).resolve_schedule_def("hourly_refresh")
    assert schedule.cron_schedule == "0 * * * *"
    assert schedule.job_name == JOB_NAME
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_a_fresh_start_runs_nothing_when_the_warehouse_holds_every_file(settings):
    from conftest import run_job

    run_job(settings)
    defs = build_definitions(settings)
    sensor = defs.resolve_sensor_def("raw_files_sensor")
    fresh = evaluate(sensor, defs, None)
    assert fresh.run_requests == [] and fresh.cursor
    (settings.raw_dir / "new.txt").write_text("A new article landed in the folder while the UI was down.")
    assert len(evaluate(sensor, defs, fresh.cursor).run_requests) == 1
    assert len(evaluate(sensor, defs, None).run_requests) == 1


def test_runs_log_info_and_above_to_the_console(settings, capfd):
    run_job(settings)
    console = capfd.readouterr().err
    assert " - INFO - " in console and " - DEBUG - " not in console


def test_dg_loads_the_same_code_location():
    import shutil
    import subprocess

    from conftest import ROOT

    dg = shutil.which("dg")
    assert dg, "dagster-dg-cli is a dependency"
    checked = subprocess.run([dg, "check", "defs"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "All definitions loaded successfully" in checked.stdout + checked.stderr
