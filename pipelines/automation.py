"""When the warehouse refreshes by itself (hourly, and soon after files land in raw/), and who
hears about it when a refresh fails or none has succeeded for too long."""

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from pipelines.alerts import deliver, failure_alert, last_successful_refresh, run_failure, stale_alert, stale_since
from pipelines.ingest import RawFile, scan_raw_files
from pipelines.resources import WarehouseResource
from pipelines.lake import Lake
from pipelines.settings import Settings
from pipelines.warehouse import exists, reading

SENSOR_INTERVAL_SECONDS = 30
# A failed run reaches a person within a minute: the failure sensor looks every 15 s.
FAILURE_ALERT_INTERVAL_SECONDS = 15
STALENESS_ALERT_INTERVAL_SECONDS = 300
# Set by Dagster on a failed run that its run retries will run again.
WILL_RETRY_TAG = "dagster/will_retry"
# How long the sensor's first tick waits for a busy warehouse before it simply runs.
KNOWN_PATHS_WAIT_SECONDS = 2


def raw_fingerprint(files: list[RawFile]) -> str:
    """Of a scan of raw/: changes whenever a file is added, removed, resized or touched."""
    digest = hashlib.sha256()
    for entry in files:
        digest.update(f"{entry.rel}\0{entry.size}\0{entry.modified_ns}\n".encode())
    return digest.hexdigest()


def known_paths(warehouse: Path | Lake) -> set[str] | None:
    """The raw/ paths the warehouse holds as documents or rejections; None when it cannot say
    (no warehouse yet, or it is busy): then the sensor runs, as a refresh costs only what is new."""
    try:
        if not exists(warehouse):
            return None
        with reading(warehouse, wait_seconds=KNOWN_PATHS_WAIT_SECONDS) as con:
            rows = con.execute("SELECT unnest(paths) FROM raw_documents "
                               "UNION SELECT split_part(path, '#', 1) FROM rejected_documents").fetchall()
    except Exception:
        return None
    return {row[0] for row in rows}


def build_automation(job: dg.JobDefinition) -> tuple[dg.ScheduleDefinition, dg.SensorDefinition]:
    schedule = dg.ScheduleDefinition(
        name="hourly_refresh", job=job, cron_schedule="0 * * * *",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Refresh the warehouse from raw/ at the top of every hour.",
    )

    @dg.sensor(name="raw_files_sensor", job=job, minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
               default_status=dg.DefaultSensorStatus.RUNNING,
               description="Starts a refresh when files under raw/ are added or changed.")
    def raw_files_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
        settings = warehouse.settings()
        files = scan_raw_files(settings.raw_dir)  # once: at 100,000 files a scan takes about a second
        fingerprint = raw_fingerprint(files)
        if fingerprint == context.cursor:
            return dg.SkipReason("no new or changed files in raw/")
        first_tick = context.cursor is None
        context.update_cursor(fingerprint)
        # A fresh start of the UI (no cursor yet) runs only if raw/ holds a path the warehouse lacks.
        if first_tick and {f.rel for f in files} <= (known_paths(settings.target) or {None}):
            return dg.SkipReason("raw/ holds nothing the warehouse lacks")
        return dg.RunRequest(run_key=fingerprint)

    return schedule, raw_files_sensor


def build_alerts(job: dg.JobDefinition, settings: Settings) -> list[dg.SensorDefinition]:
    """The sensors that tell a person: one per failed run of `job` that will not be retried (its
    cursor, kept by Dagster, passes each failure once), and one per stale episode (its cursor
    records the episode already alerted). Without a channel configured they send nothing."""
    alerting = settings.alerting

    @dg.run_failure_sensor(name="run_failure_alert", monitored_jobs=[job],
                           minimum_interval_seconds=FAILURE_ALERT_INTERVAL_SECONDS,
                           default_status=dg.DefaultSensorStatus.RUNNING,
                           description="Sends each failed refresh (step or check, cause, link) to the alert channels.")
    def run_failure_alert(context: dg.RunFailureSensorContext):
        if not alerting.channels:
            return dg.SkipReason("no alert channel configured")
        if context.dagster_run.tags.get(WILL_RETRY_TAG) == "true":
            # One alert per failure: the retry's, should it fail too (dagster.yaml, run_retries).
            return dg.SkipReason(f"run {context.dagster_run.run_id[:8]} will be retried")
        alert = failure_alert(run_failure(context.instance, context.dagster_run), alerting.ui_url)
        reached = deliver(alert, alerting, context.log.error)
        context.log.info(f"Alert for run {context.dagster_run.run_id[:8]} sent by {', '.join(reached) or 'no channel'}")

    @dg.sensor(name="staleness_alert", minimum_interval_seconds=STALENESS_ALERT_INTERVAL_SECONDS,
               default_status=dg.DefaultSensorStatus.RUNNING,
               description=f"Alerts once per episode when no refresh has succeeded for {settings.stale_after}.")
    def staleness_alert(context: dg.SensorEvaluationContext):
        last_success = last_successful_refresh(context.instance, job.name)
        now = datetime.now(UTC)
        since = stale_since(last_success, settings.stale_after, now)
        if since is None:
            return dg.SkipReason("fresh" if last_success else "no successful refresh yet")
        if context.cursor == since.isoformat():
            return dg.SkipReason(f"stale since {since:%Y-%m-%d %H:%M} UTC; already alerted")
        if not alerting.channels:
            return dg.SkipReason(f"stale since {since:%Y-%m-%d %H:%M} UTC; no alert channel configured")
        reached = deliver(stale_alert(last_success, settings.stale_after, now, alerting.ui_url), alerting, context.log.error)
        context.update_cursor(since.isoformat())
        return dg.SkipReason(f"stale since {since:%Y-%m-%d %H:%M} UTC; alert sent by {', '.join(reached) or 'no channel'}")

    return [run_failure_alert, staleness_alert]
