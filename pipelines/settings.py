"""Where the landing zone and the warehouse are, from the environment or the CLI."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest import DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class Settings:
    raw_dir: Path = Path("raw")
    warehouse: Path = Path("warehouse/news.duckdb")
    workers: int = 2
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_env(cls) -> Settings:
        """NEWS_WAREHOUSE_RAW, NEWS_WAREHOUSE_DB, NEWS_WAREHOUSE_WORKERS, NEWS_WAREHOUSE_MAX_BYTES."""
        defaults = cls()
        return cls(
            raw_dir=Path(os.environ.get("NEWS_WAREHOUSE_RAW", defaults.raw_dir)).absolute(),
            warehouse=Path(os.environ.get("NEWS_WAREHOUSE_DB", defaults.warehouse)).absolute(),
            workers=int(os.environ.get("NEWS_WAREHOUSE_WORKERS", defaults.workers)),
            max_bytes=int(os.environ.get("NEWS_WAREHOUSE_MAX_BYTES", defaults.max_bytes)),
        )
