"""The Dagster code location: assets for every table and view and the briefing page, checks, job, schedule, sensor."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg
import yaml

from pipelines.assets.briefing import briefing
from pipelines.assets.checks import lake_checks
from pipelines.assets.facts import facts
from pipelines.assets.ingest import ingest
from pipelines.assets.sharded import sharded_refresh
from pipelines.assets.views import views
from pipelines.automation import build_alerts, build_automation
from pipelines.refresh import Progress
from pipelines.resources import WarehouseResource
from pipelines.settings import Settings

JOB_NAME = "refresh_warehouse"


def celery_config(broker: str) -> dict:
    """The Celery executor's config, which its workers are started with too (`dagster-celery
    worker start -y`): Redis as broker and result store. A worker that dies mid-step gives its
    step back to the queue (late acknowledgement), where another worker takes it: every step is
    safe to run again."""
    return {"broker": broker, "backend": broker,
            "config_source": {"task_acks_late": True, "task_reject_on_worker_lost": True, "worker_prefetch_multiplier": 1}}


def celery_worker_command(broker: str, folder: Path, name: str, concurrency: int = 1) -> list[str]:
    """The command that starts one Dagster Celery worker on `broker` serving `concurrency` steps
    at once, named `name`@host, its config written into `folder` (`dagster-celery worker start` reads it from a
    file). Workers build the job from their environment, so they need the settings the runs
    have (NEWS_WAREHOUSE_*, DAGSTER_HOME)."""
    config_file = folder / "celery.yaml"
    config_file.write_text(yaml.safe_dump({"execution": {"config": celery_config(broker)}}))
    return [str(Path(sys.executable).parent / "dagster-celery"), "worker", "start", "-A", "dagster_celery.app",
            "-y", str(config_file), "-n", name, "--", f"--concurrency={concurrency}"]


def celery_worker_environment(environment: dict[str, str]) -> dict[str, str]:
    """`environment` with this Python's scripts first on PATH: `dagster-celery worker start`
    runs `celery` by name."""
    return {**environment, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"}


def executor(settings: Settings) -> dg.ExecutorDefinition:
    """In this process (the default), or on the Celery workers of `settings.celery_broker`."""
    if settings.celery_broker is None:
        return dg.in_process_executor
    from dagster_celery import celery_executor

    return celery_executor.configured(celery_config(settings.celery_broker))


def rederive_config(settings: Settings, rederive: bool) -> dict:
    """Run config that forces the facts of every article to be extracted again (or not)."""
    if settings.lake is None:
        return {"ops": {"facts": {"config": {"rederive": rederive}}}}
    return {"ops": {"sharded_refresh": {"ops": {"plan_shards": {"config": {"rederive": rederive}}}}}}


def build_definitions(settings: Settings, progress: Progress | None = None) -> dg.Definitions:
    """Definitions bound to one raw directory and warehouse (tests and the CLI pass theirs). A
    lake is refreshed in shards (pipelines/assets/sharded.py), a DuckDB file by ingest and facts."""
    job = dg.define_asset_job(
        JOB_NAME, selection=dg.AssetSelection.all(), executor_def=executor(settings),
        description="Read raw/, clean new articles, refresh every table and view, run the checks.",
        # Runs the schedule, the sensor or the UI launch log INFO and above to the console, not
        # Dagster's DEBUG line per event; `news-warehouse run` passes its own, quieter level.
        config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )
    schedule, sensor = build_automation(job)
    return dg.Definitions(
        assets=[sharded_refresh, views, briefing] if settings.lake else [ingest, facts, views, briefing],
        # A file's checks are the writing steps' own (ingest, facts); a lake's run after its refresh.
        asset_checks=lake_checks() if settings.lake else [],
        jobs=[job],
        schedules=[schedule],
        sensors=[sensor, *build_alerts(job, settings)],
        resources={
            "warehouse": WarehouseResource.from_settings(settings),
            "progress": dg.ResourceDefinition.hardcoded_resource(progress),
        },
    )


defs = build_definitions(Settings.from_env())


def job_from_environment() -> dg.JobDefinition:
    """The job as the environment's settings define it: what Celery workers reconstruct."""
    return defs.resolve_job_def(JOB_NAME)
