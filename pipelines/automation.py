"""When the warehouse refreshes by itself: hourly, and soon after files land in raw/."""

import hashlib

import dagster as dg

from pipelines.ingest import list_raw_files
from pipelines.resources import WarehouseResource

SENSOR_INTERVAL_SECONDS = 30


def raw_fingerprint(raw_dir) -> str:
    """Changes whenever a file under raw/ is added, removed, resized or touched."""
    digest = hashlib.sha256()
    for path in list_raw_files(raw_dir):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        digest.update(f"{path.relative_to(raw_dir)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


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
        fingerprint = raw_fingerprint(warehouse.settings().raw_dir)
        if fingerprint == context.cursor:
            return dg.SkipReason("no new or changed files in raw/")
        context.update_cursor(fingerprint)
        return dg.RunRequest(run_key=fingerprint)

    return schedule, raw_files_sensor
