"""The Dagster code location: assets for every table and view, checks, job, schedule, sensor."""

from __future__ import annotations

import dagster as dg

from pipelines.assets.checks import all_checks
from pipelines.assets.facts import facts
from pipelines.assets.ingest import ingest
from pipelines.assets.views import views
from pipelines.automation import build_automation
from pipelines.refresh import Progress
from pipelines.resources import WarehouseResource
from pipelines.settings import Settings

JOB_NAME = "refresh_warehouse"


def build_definitions(settings: Settings, progress: Progress | None = None) -> dg.Definitions:
    """Definitions bound to one raw directory and warehouse (tests and the CLI pass theirs)."""
    job = dg.define_asset_job(
        JOB_NAME, selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor,
        description="Read raw/, clean new articles, refresh every table and view, run the checks.",
        # Runs the schedule, the sensor or the UI launch log INFO and above to the console, not
        # Dagster's DEBUG line per event; `news-warehouse run` passes its own, quieter level.
        config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )
    schedule, sensor = build_automation(job)
    return dg.Definitions(
        assets=[ingest, facts, views],
        asset_checks=all_checks(in_lake=settings.lake is not None),
        jobs=[job],
        schedules=[schedule],
        sensors=[sensor],
        resources={
            "warehouse": WarehouseResource.from_settings(settings),
            "progress": dg.ResourceDefinition.hardcoded_resource(progress),
        },
    )


defs = build_definitions(Settings.from_env())
