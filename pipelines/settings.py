"""Where the landing zone and the warehouse are, from the environment or the CLI."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from pipelines.ingest import DEFAULT_MAX_BYTES
from pipelines.lake import Lake


@dataclass(frozen=True)
class Alerting:
    """Where alerts of failed runs and of a stale warehouse go: a webhook (Slack, Mattermost),
    e-mail over SMTP, both or neither (then no alert is sent)."""

    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 587
    # "starttls" (port 587), "ssl" (port 465) or "none" (a relay on the same network).
    smtp_security: str = "starttls"
    smtp_user: str | None = None
    smtp_password: str | None = None
    email_from: str = "news-warehouse@localhost"
    email_to: tuple[str, ...] = ()
    # Where people open the Dagster UI: the alert links the run there.
    ui_url: str = "http://127.0.0.1:3000"

    @property
    def channels(self) -> list[str]:
        return (["webhook"] if self.webhook_url else []) + (["email"] if self.smtp_host and self.email_to else [])


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
    # A warehouse with no successful refresh for this long is stale (UI, status, alert).
    stale_after: timedelta = timedelta(hours=2)
    alerting: Alerting = field(default_factory=Alerting)
    # PostgreSQL for Dagster's run, event and schedule storage (dagster-postgres); None: SQLite
    # files in DAGSTER_HOME.
    dagster_postgres_url: str | None = None

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
        NEWS_WAREHOUSE_BRIEFING_URL is where the briefing pages are served.
        The service's: NEWS_WAREHOUSE_STALE_HOURS; alerts to NEWS_WAREHOUSE_ALERT_WEBHOOK_URL and
        by e-mail through NEWS_WAREHOUSE_SMTP_HOST, _PORT, _SECURITY, _USER, _PASSWORD, from
        NEWS_WAREHOUSE_ALERT_EMAIL_FROM to NEWS_WAREHOUSE_ALERT_EMAIL_TO (comma-separated), linking
        runs in NEWS_WAREHOUSE_UI_URL; NEWS_WAREHOUSE_DAGSTER_PG_URL for Dagster's storage."""
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
            stale_after=stale_after_from_env(),
            alerting=alerting_from_env(),
            dagster_postgres_url=os.environ.get("NEWS_WAREHOUSE_DAGSTER_PG_URL") or None,
        )


def stale_after_from_env() -> timedelta:
    """NEWS_WAREHOUSE_STALE_HOURS (default 2): at least a minute, the shortest window Dagster's
    freshness policies take."""
    window = timedelta(hours=float(os.environ.get("NEWS_WAREHOUSE_STALE_HOURS", 2)))
    if window < timedelta(minutes=1):
        raise ValueError(f"NEWS_WAREHOUSE_STALE_HOURS is {window.total_seconds():g} s: it must be at least 1 minute (0.017)")
    return window


def alerting_from_env() -> Alerting:
    defaults = Alerting()
    return Alerting(
        webhook_url=os.environ.get("NEWS_WAREHOUSE_ALERT_WEBHOOK_URL") or None,
        smtp_host=os.environ.get("NEWS_WAREHOUSE_SMTP_HOST") or None,
        smtp_port=int(os.environ.get("NEWS_WAREHOUSE_SMTP_PORT") or defaults.smtp_port),
        smtp_security=os.environ.get("NEWS_WAREHOUSE_SMTP_SECURITY") or defaults.smtp_security,
        smtp_user=os.environ.get("NEWS_WAREHOUSE_SMTP_USER") or None,
        smtp_password=os.environ.get("NEWS_WAREHOUSE_SMTP_PASSWORD") or None,
        email_from=os.environ.get("NEWS_WAREHOUSE_ALERT_EMAIL_FROM") or defaults.email_from,
        email_to=tuple(a.strip() for a in os.environ.get("NEWS_WAREHOUSE_ALERT_EMAIL_TO", "").split(",") if a.strip()),
        ui_url=(os.environ.get("NEWS_WAREHOUSE_UI_URL") or defaults.ui_url).rstrip("/"),
    )
