"""When the warehouse refreshes by itself: hourly, and soon after files land in raw/."""

import hashlib
from pathlib import Path

import dagster as dg

from pipelines.ingest import RawFile, scan_raw_files
from pipelines.resources import WarehouseResource
from pipelines.lake import Lake
from pipelines.warehouse import exists, reading

SENSOR_INTERVAL_SECONDS = 30
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
