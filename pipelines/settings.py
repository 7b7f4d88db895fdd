"""Where the landing zone and the warehouse are, from the environment or the CLI."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest import DEFAULT_MAX_BYTES
from pipelines.lake import Lake


@dataclass(frozen=True)
class Settings:
    raw_dir: Path = Path("raw")
    # The DuckDB file; with a lake, the folder beside it keeps only the run's lock and staging.
    warehouse: Path = Path("warehouse/news.duckdb")
    workers: int = 2
    max_bytes: int = DEFAULT_MAX_BYTES
    lake: Lake | None = None
    # A lake's refresh splits its work into this many shards (pipelines/shards.py).
    shards: int = 8
    # The Celery broker (redis://host:port/0) whose workers run the steps; None: in this process.
    celery_broker: str | None = None
    # Where the briefing/ folder beside the warehouse is served over HTTP (`news-warehouse ui` serves
    # it), so the briefing asset's metadata links its page; None: the metadata gives its path only.
    briefing_url: str | None = None

    @property
    def target(self) -> Path | Lake:
        """What runs write and readers open: the lake when one is set, else the DuckDB file."""
        return self.lake or self.warehouse

    @classmethod
    def from_env(cls) -> Settings:
        """NEWS_WAREHOUSE_RAW, NEWS_WAREHOUSE_DB, NEWS_WAREHOUSE_WORKERS, NEWS_WAREHOUSE_MAX_BYTES;
        NEWS_WAREHOUSE_LAKE (a DuckLake catalog: `postgres:dbname=news host=...` or a file path)
        switches the warehouse to that lake, with its Parquet files under NEWS_WAREHOUSE_LAKE_DATA
        (default: lake-data/ beside the DuckDB file), its refresh in NEWS_WAREHOUSE_SHARDS shards;
        NEWS_WAREHOUSE_CELERY_BROKER (redis://...) runs the job's steps on Celery workers;
        NEWS_WAREHOUSE_BRIEFING_URL is where the briefing pages are served."""
        defaults = cls()
        warehouse = Path(os.environ.get("NEWS_WAREHOUSE_DB", defaults.warehouse)).absolute()
        catalog = os.environ.get("NEWS_WAREHOUSE_LAKE")
        data_path = os.environ.get("NEWS_WAREHOUSE_LAKE_DATA") or str(warehouse.with_name("lake-data")) + "/"
        return cls(
            raw_dir=Path(os.environ.get("NEWS_WAREHOUSE_RAW", defaults.raw_dir)).absolute(),
            warehouse=warehouse,
            workers=int(os.environ.get("NEWS_WAREHOUSE_WORKERS", defaults.workers)),
            max_bytes=int(os.environ.get("NEWS_WAREHOUSE_MAX_BYTES", defaults.max_bytes)),
            lake=Lake(catalog, data_path) if catalog else None,
            shards=int(os.environ.get("NEWS_WAREHOUSE_SHARDS", defaults.shards)),
            celery_broker=os.environ.get("NEWS_WAREHOUSE_CELERY_BROKER") or None,
            briefing_url=os.environ.get("NEWS_WAREHOUSE_BRIEFING_URL") or None,
        )
