"""Dagster resources: where the data lives, and where progress goes."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.refresh import Progress
from pipelines.settings import Settings

WRITER_POOL = "duckdb_writer"
# One asset group, so the lineage page shows every table and view expanded.
GROUP = "news_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The landing zone and the DuckDB file every asset reads or writes."""

    raw_dir: str
    path: str
    workers: int = 2
    max_bytes: int = Settings.max_bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> WarehouseResource:
        return cls(raw_dir=str(settings.raw_dir), path=str(settings.warehouse),
                   workers=settings.workers, max_bytes=settings.max_bytes)

    def settings(self) -> Settings:
        return Settings(raw_dir=Path(self.raw_dir), warehouse=Path(self.path),
                        workers=self.workers, max_bytes=self.max_bytes)


class LoggingProgress(Progress):
    """Progress for runs without a terminal (UI, schedule, sensor): one log line per phase."""

    def __init__(self, log) -> None:
        self.log = log

    def start(self, phase: str, total: int) -> None:
        self.log.info(f"{phase}: {total}")
