"""Alerts that reach a person: a failed run (which step or check, the cause in one line, the link
to the run in the UI) and a warehouse not refreshed for too long, sent to the channels the
settings name (a Slack or Mattermost incoming webhook, e-mail over SMTP).

The messages are pure functions of what the event log says; `deliver` is the only part that
talks to the outside, and it logs a channel that fails instead of raising, so a webhook that is
down never stops the daemon's sensors."""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from pipelines.settings import Alerting

# A cause longer than this is cut: the alert is a pointer to the run, whose log has the rest.
CAUSE_CHARACTERS = 300
SEND_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class FailedCheck:
    name: str
    asset: str
    step: str | None
    # What it found: its counts and first offending row ("1 tables_not_as_recorded, e.g. fact_table='quotes'").
    finding: str


@dataclass(frozen=True)
class RunFailure:
    """What a failed run's event log says about why it failed."""

    run_id: str
    job_name: str
    # step key -> the innermost error's first line
    failed_steps: dict[str, str] = field(default_factory=dict)
    failed_checks: list[FailedCheck] = field(default_factory=list)
    # Dagster's message for the run's failure: the only cause of a run that failed outside any
    # step (its process was killed, say).
    run_message: str = ""


@dataclass(frozen=True)
class Alert:
    subject: str
    text: str


def one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= CAUSE_CHARACTERS else line[:CAUSE_CHARACTERS - 1] + "…"


def innermost(error):
    """The error at the bottom of a Dagster step failure, not Dagster's own wrapper ("Error
    occurred while executing op ...")."""
    while error.cause is not None:
        error = error.cause
    return error


def root_cause(error) -> str:
    """The first line of the innermost error of a Dagster step failure ("AttributeError: ...")."""
    error = innermost(error)
    lines = error.message.strip().splitlines()
    return lines[0] if lines else error.cls_name


def check_finding(metadata: dict[str, object]) -> str:
    """A failed check's metadata (its counts and the markdown list of its first offending rows)
    as one phrase."""
    counts = ", ".join(f"{value} {name}" for name, value in metadata.items() if isinstance(value, int))
    examples = [line.strip().removeprefix("- ").strip("`") for line in str(metadata.get("examples", "")).splitlines()]
    examples = [example for example in examples if example]
    return counts + (f", e.g. {examples[0]}" if examples else "")


def run_url(ui_url: str, run_id: str) -> str:
    return f"{ui_url.rstrip('/')}/runs/{run_id}"


def failure_alert(failure: RunFailure, ui_url: str) -> Alert:
    """Which run failed, in which step or check, why (one line each), and where to open it."""
    lines = [f"Step {check.step or '?'}: check {check.name} of {check.asset} failed: {one_line(check.finding)}"
             for check in failure.failed_checks]
    lines += [f"Step {step} failed: {one_line(cause)}" for step, cause in failure.failed_steps.items()]
    if not lines:
        lines.append(f"Cause: {one_line(failure.run_message) or 'unknown (see the run log)'}")
    lines.append(f"Open the run: {run_url(ui_url, failure.run_id)}")
    return Alert(f"news-warehouse: run {failure.run_id[:8]} of {failure.job_name} failed", "\n".join(lines))


def stale_since(last_success: datetime | None, stale_after: timedelta, now: datetime) -> datetime | None:
    """When the warehouse became stale: its last successful refresh plus the allowed age, once
    that moment has passed; None while fresh, or before any refresh succeeded (nothing to
    measure from: Dagster's freshness is UNKNOWN too, and the failed runs alert themselves)."""
    if last_success is None or now - last_success < stale_after:
        return None
    return last_success + stale_after


def stale_alert(last_success: datetime, stale_after: timedelta, now: datetime, ui_url: str) -> Alert:
    age = now - last_success
    hours = age.total_seconds() / 3600
    return Alert(
        f"news-warehouse: stale, no successful refresh for {hours:.1f} h",
        f"The last successful refresh ended at {last_success:%Y-%m-%d %H:%M} UTC, {hours:.1f} hours ago "
        f"(allowed: {stale_after.total_seconds() / 3600:g} h). Analysts read data that old.\n"
        f"Check that the service runs (systemctl status news-warehouse) and look at the latest runs: "
        f"{ui_url.rstrip('/')}/runs",
    )


def webhook_body(alert: Alert) -> bytes:
    """JSON that Slack's and Mattermost's incoming webhooks both accept: one `text` field."""
    return json.dumps({"text": f"{alert.subject}\n{alert.text}"}).encode()


def _post_webhook(url: str, alert: Alert) -> None:
    request = urllib.request.Request(url, data=webhook_body(alert), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS) as response:
        response.read()


def _send_email(alerting: Alerting, alert: Alert) -> None:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = alert.subject, alerting.email_from, ", ".join(alerting.email_to)
    message.set_content(alert.text)
    if alerting.smtp_security == "ssl":
        server = smtplib.SMTP_SSL(alerting.smtp_host, alerting.smtp_port, timeout=SEND_TIMEOUT_SECONDS,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(alerting.smtp_host, alerting.smtp_port, timeout=SEND_TIMEOUT_SECONDS)
    with server:
        if alerting.smtp_security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if alerting.smtp_user:
            server.login(alerting.smtp_user, alerting.smtp_password or "")
        server.send_message(message)


def deliver(alert: Alert, alerting: Alerting, log: Callable[[str], None]) -> list[str]:
    """Send `alert` to every configured channel; the channels it reached. A channel that fails
    is logged and skipped: an alert must never crash the daemon that sends it."""
    senders = {"webhook": lambda: _post_webhook(alerting.webhook_url, alert),
               "email": lambda: _send_email(alerting, alert)}
    reached = []
    for channel in alerting.channels:
        try:
            senders[channel]()
            reached.append(channel)
        except Exception as error:  # any failure to send: logged, the other channels still tried
            log(f"Alert not sent by {channel}: {type(error).__name__}: {error}")
    return reached


def run_failure(instance, run) -> RunFailure:
    """Why `run` failed, from its event log: each failed step's innermost error and each failed
    asset check's finding. A step that failed only because its blocking checks failed is left to
    the checks' findings, which say why."""
    import dagster as dg

    steps, checks, run_message = {}, [], ""
    wanted = [dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.ASSET_CHECK_EVALUATION,
              dg.DagsterEventType.RUN_FAILURE]
    for kind in wanted:
        for record in instance.get_records_for_run(run.run_id, of_type=kind).records:
            event = record.event_log_entry.dagster_event
            data = event.event_specific_data
            if kind == dg.DagsterEventType.STEP_FAILURE:
                if data.error is None:
                    steps[event.step_key] = event.message or ""
                elif innermost(data.error).cls_name != "DagsterAssetCheckFailedError":
                    steps[event.step_key] = root_cause(data.error)
            elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION and not data.passed:
                finding = check_finding({name: value.value for name, value in data.metadata.items()})
                checks.append(FailedCheck(data.check_name, data.asset_key.to_user_string(), event.step_key, finding))
            elif kind == dg.DagsterEventType.RUN_FAILURE:
                run_message = event.message or ""
    return RunFailure(run.run_id, run.job_name, steps, checks, run_message)


def last_successful_refresh(instance, job_name: str) -> datetime | None:
    """When the latest successful run of `job_name` ended (UTC), from the Dagster instance: the
    one place that knows a refresh succeeded even when it had nothing new to write."""
    import dagster as dg

    records = instance.get_run_records(filters=dg.RunsFilter(job_name=job_name, statuses=[dg.DagsterRunStatus.SUCCESS]),
                                       limit=1)
    if not records or records[0].end_time is None:
        return None
    return datetime.fromtimestamp(records[0].end_time, UTC)
