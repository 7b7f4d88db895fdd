"""Dagster resources: where the data lives, and where progress goes."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.lake import Lake
from pipelines.refresh import Progress
from pipelines.settings import Settings, stale_after_from_env

WRITER_POOL = "duckdb_writer"
# One asset group, so the lineage page shows every table and view expanded.
GROUP = "news_warehouse"
# Dagster's freshness (the UI's "Freshness" badge, evaluated by the daemon): what analysts read,
# the articles and the facts, fails when not materialized for NEWS_WAREHOUSE_STALE_HOURS.
FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=stale_after_from_env())


def freshness_policy(table) -> dg.FreshnessPolicy | None:
    """The policy of `articles` and of the fact tables; none for the bookkeeping tables and views."""
    return FRESHNESS if table.name == "articles" or table.producer == "facts" else None


class WarehouseResource(dg.ConfigurableResource):
    """The landing zone and the warehouse (DuckDB file or DuckLake) every asset reads or writes."""

    raw_dir: str
    path: str
    workers: int = 2
    max_bytes: int = Settings.max_bytes
    # A DuckLake's catalog and data path; empty: the DuckDB file at `path`.
    lake_catalog: str = ""
    lake_data_path: str = ""
    shards: int = Settings.shards
    # Where the briefing pages are served (Settings.briefing_url); empty: not served.
    briefing_url: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> WarehouseResource:
        lake = settings.lake
        return cls(raw_dir=str(settings.raw_dir), path=str(settings.warehouse),
                   workers=settings.workers, max_bytes=settings.max_bytes,
                   lake_catalog=lake.catalog if lake else "", lake_data_path=lake.data_path if lake else "",
                   shards=settings.shards, briefing_url=settings.briefing_url or "")

    def settings(self) -> Settings:
        return Settings(raw_dir=Path(self.raw_dir), warehouse=Path(self.path),
                        workers=self.workers, max_bytes=self.max_bytes,
                        lake=Lake(self.lake_catalog, self.lake_data_path) if self.lake_catalog else None,
                        shards=self.shards, briefing_url=self.briefing_url or None)


class LoggingProgress(Progress):
    """Progress for runs without a terminal (UI, schedule, sensor): one log line per phase."""

    def __init__(self, log) -> None:
        self.log = log

    def start(self, phase: str, total: int) -> None:
        self.log.info(f"{phase}: {total}")
