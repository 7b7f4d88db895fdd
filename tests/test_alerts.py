"""Alerts (pipelines/alerts.py, the sensors of pipelines/automation.py): the message of a failed
run and of a stale warehouse, delivery to a webhook and an SMTP server on loopback, and never
twice for one failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from pipelines.alerts import (Alert, FailedCheck, RunFailure, check_finding, deliver, failure_alert,
                              last_successful_refresh, run_failure, stale_alert, stale_since, webhook_body)
from pipelines.automation import build_alerts
from pipelines.definitions import JOB_NAME
from pipelines.settings import Alerting, Settings

RUN_ID = "79fc9f47-e2b1-44bc-ba9a-69b34c5ab42f"
UI = "http://warehouse.internal:3000"


def test_a_failed_check_names_the_run_step_check_finding_and_link():
    failure = RunFailure(RUN_ID, "refresh_warehouse", failed_checks=[FailedCheck(
        "fact_tables_hold_recorded_rows", "article_extractions", "facts", "1 tables_not_as_recorded, e.g. fact_table='quotes'")])
    alert = failure_alert(failure, UI + "/")
    assert alert.subject == "news-warehouse: run 79fc9f47 of refresh_warehouse failed"
    assert alert.text.splitlines() == [
        "Step facts: check fact_tables_hold_recorded_rows of article_extractions failed: "
        "1 tables_not_as_recorded, e.g. fact_table='quotes'",
        f"Open the run: {UI}/runs/{RUN_ID}",
    ]


def test_a_failed_step_gives_its_cause_in_one_line_and_a_run_without_steps_dagsters_message():
    failure = RunFailure(RUN_ID, "refresh_warehouse", failed_steps={
        "ingest": "NotADirectoryError: [Errno 20] Not a directory:\n'/srv/x/warehouse'" + " padding" * 100})
    step_line = failure_alert(failure, UI).text.splitlines()[0]
    assert step_line.startswith("Step ingest failed: NotADirectoryError: [Errno 20] Not a directory: '/srv/x/warehouse'")
    assert len(step_line) < 400 and step_line.endswith("…")
    crashed = RunFailure(RUN_ID, "refresh_warehouse", run_message="Execution was interrupted unexpectedly.")
    assert failure_alert(crashed, UI).text.splitlines()[0] == "Cause: Execution was interrupted unexpectedly."


def test_a_checks_finding_is_its_counts_and_first_offending_row():
    assert check_finding({"duplicated_rows": 2, "examples": "- `doc_id=ab, copies=2`\n- `doc_id=cd, copies=2`"}) == \
        "2 duplicated_rows, e.g. doc_id=ab, copies=2"
    assert check_finding({"bad_links": 0}) == "0 bad_links"


def test_stale_only_past_the_window_and_never_before_a_first_success():
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    window = timedelta(hours=2)
    assert stale_since(None, window, now) is None
    assert stale_since(now - timedelta(minutes=119), window, now) is None
    last = now - timedelta(hours=3)
    assert stale_since(last, window, now) == now - timedelta(hours=1)
    alert = stale_alert(last, window, now, UI)
    assert "3.0 h" in alert.subject and "09:00 UTC" in alert.text and f"{UI}/runs" in alert.text


def test_slack_and_mattermost_read_one_text_field():
    import json

    assert json.loads(webhook_body(Alert("subject", "line one\nline two"))) == {"text": "subject\nline one\nline two"}


def test_delivery_reaches_the_webhook_and_smtp_servers(webhook_receiver, smtp_receiver):
    url, posted = webhook_receiver
    port, mails = smtp_receiver
    alerting = Alerting(webhook_url=url, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                        email_from="etl@example.org", email_to=("oncall@example.org", "data@example.org"))
    assert deliver(Alert("run failed", "Step facts failed: boom"), alerting, pytest.fail) == ["webhook", "email"]
    assert posted == [{"text": "run failed\nStep facts failed: boom"}]
    assert len(mails) == 1 and mails[0]["Subject"] == "run failed" and mails[0]["To"] == "oncall@example.org, data@example.org"
    assert "Step facts failed: boom" in mails[0].get_payload()


def test_a_channel_that_is_down_is_logged_and_the_others_still_reached(smtp_receiver):
    from pipelines.screenshot import free_port

    port, mails = smtp_receiver
    logged = []
    alerting = Alerting(webhook_url=f"http://127.0.0.1:{free_port()}/down", smtp_host="127.0.0.1", smtp_port=port,
                        smtp_security="none", email_to=("oncall@example.org",))
    assert deliver(Alert("s", "t"), alerting, logged.append) == ["email"]
    assert len(logged) == 1 and logged[0].startswith("Alert not sent by webhook: URLError")
    assert len(mails) == 1


def test_no_channel_configured_sends_nothing():
    assert Alerting().channels == []
    assert Alerting(smtp_host="mail", email_to=()).channels == []  # e-mail needs a recipient
    assert deliver(Alert("s", "t"), Alerting(), pytest.fail) == []


def test_alert_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEWS_WAREHOUSE_ALERT_WEBHOOK_URL", "https://hooks.example/1")
    monkeypatch.setenv("NEWS_WAREHOUSE_SMTP_HOST", "smtp.example")
    monkeypatch.setenv("NEWS_WAREHOUSE_SMTP_PORT", "465")
    monkeypatch.setenv("NEWS_WAREHOUSE_SMTP_SECURITY", "ssl")
    monkeypatch.setenv("NEWS_WAREHOUSE_ALERT_EMAIL_TO", "a@example.org, b@example.org")
    monkeypatch.setenv("NEWS_WAREHOUSE_UI_URL", "https://dagster.example/")
    monkeypatch.setenv("NEWS_WAREHOUSE_STALE_HOURS", "0.5")
    settings = Settings.from_env()
    assert settings.stale_after == timedelta(minutes=30)
    assert settings.alerting.channels == ["webhook", "email"]
    assert settings.alerting.email_to == ("a@example.org", "b@example.org")
    assert (settings.alerting.smtp_port, settings.alerting.smtp_security) == (465, "ssl")
    assert settings.alerting.ui_url == "https://dagster.example"
    monkeypatch.setenv("NEWS_WAREHOUSE_STALE_HOURS", "0.005")  # 18 s: shorter than Dagster's freshness allows
    with pytest.raises(ValueError, match="at least 1 minute"):
        Settings.from_env()


@dg.asset
def shaky():
    return 1


@dg.asset_check(asset=shaky, blocking=True)
def shaky_has_rows():
    return dg.AssetCheckResult(passed=False, metadata={"missing_rows": 3, "examples": dg.MetadataValue.md("- `doc_id=ab`")})


@dg.asset(deps=[shaky])
def broken():
    raise ValueError("the warehouse path is a file")


def tiny_job_run(instance, fail: bool):
    """A run of a job named like the refresh job: failing in a check and in a step, or succeeding."""
    job = dg.define_asset_job(JOB_NAME, selection=[shaky, broken] if fail else [shaky])
    defs = dg.Definitions(assets=[shaky, broken], asset_checks=[shaky_has_rows] if fail else [], jobs=[job])
    return defs.resolve_job_def(JOB_NAME).execute_in_process(instance=instance, raise_on_error=False)


def test_a_failed_runs_event_log_gives_its_check_and_step(webhook_receiver):
    url, posted = webhook_receiver
    with dg.instance_for_test() as instance:
        result = tiny_job_run(instance, fail=True)
        run = instance.get_run_by_id(result.run_id)
        failure = run_failure(instance, run)
        assert failure.failed_checks == [FailedCheck("shaky_has_rows", "shaky", "shaky_shaky_has_rows", "3 missing_rows, e.g. doc_id=ab")]
        assert failure.failed_steps == {}  # the step failed for its blocking check: the check says why
        failure_alert_sensor(instance, run, url)
        assert len(posted) == 1
        assert "check shaky_has_rows of shaky failed: 3 missing_rows" in posted[0]["text"]
        assert f"{UI}/runs/{result.run_id}" in posted[0]["text"]


def failure_alert_sensor(instance, run, webhook_url: str) -> None:
    """The run failure sensor, as the daemon calls it on the failure of `run`."""
    settings = Settings(alerting=Alerting(webhook_url=webhook_url, ui_url=UI))
    sensor = next(s for s in build_alerts(dg.define_asset_job(JOB_NAME), settings) if s.name == "run_failure_alert")
    failure_event = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records[0]
    sensor(dg.build_run_status_sensor_context(
        sensor_name=sensor.name, dagster_event=failure_event.event_log_entry.dagster_event,
        dagster_instance=instance, dagster_run=run).for_run_failure())


def test_a_run_that_will_be_retried_is_not_alerted(webhook_receiver):
    """Its retry is, should it fail too (test_service.py sees that with the daemon's retries)."""
    url, posted = webhook_receiver
    with dg.instance_for_test(overrides={"run_retries": {"enabled": True, "max_retries": 1}}) as instance:
        run = instance.get_run_by_id(tiny_job_run(instance, fail=True).run_id)
        assert run.tags["dagster/will_retry"] == "true"
        failure_alert_sensor(instance, run, url)
        assert posted == []


def test_a_failed_step_without_checks_is_named_with_its_cause():
    with dg.instance_for_test() as instance:
        defs = dg.Definitions(assets=[shaky, broken], jobs=[dg.define_asset_job(JOB_NAME)])
        result = defs.resolve_job_def(JOB_NAME).execute_in_process(instance=instance, raise_on_error=False)
        failure = run_failure(instance, instance.get_run_by_id(result.run_id))
        assert failure.failed_steps == {"broken": "ValueError: the warehouse path is a file"}


def evaluate_staleness(sensor, instance, cursor):
    with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
        return sensor.evaluate_tick(context)


def test_staleness_alerts_once_per_stale_episode(webhook_receiver):
    url, posted = webhook_receiver
    settings = Settings(stale_after=timedelta(0), alerting=Alerting(webhook_url=url))
    sensor = next(s for s in build_alerts(dg.define_asset_job(JOB_NAME), settings) if s.name == "staleness_alert")
    with dg.instance_for_test() as instance:
        assert evaluate_staleness(sensor, instance, None).skip_message == "no successful refresh yet"
        tiny_job_run(instance, fail=False)
        first = evaluate_staleness(sensor, instance, None)
        assert len(posted) == 1 and "stale" in posted[0]["text"] and first.cursor
        again = evaluate_staleness(sensor, instance, first.cursor)
        assert len(posted) == 1 and "already alerted" in again.skip_message
        assert again.cursor == first.cursor == last_successful_refresh(instance, JOB_NAME).isoformat()  # window 0
        tiny_job_run(instance, fail=False)  # refreshed, then stale again: a new episode
        assert evaluate_staleness(sensor, instance, first.cursor).cursor != first.cursor
        assert len(posted) == 2


def test_a_stale_warehouse_without_a_channel_sends_nothing():
    sensor = next(s for s in build_alerts(dg.define_asset_job(JOB_NAME), Settings(stale_after=timedelta(0)))
                  if s.name == "staleness_alert")
    with dg.instance_for_test() as instance:
        tiny_job_run(instance, fail=False)
        assert "no alert channel configured" in evaluate_staleness(sensor, instance, None).skip_message
