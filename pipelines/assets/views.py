"""The views of sql/views/, one asset each, named after it, downstream of the tables it reads.

They are made by one step: it re-creates the views whose SQL changed (each view's comment names
its file and a hash of its SQL) and otherwise writes nothing; one step instead of one per view
saves Dagster's bookkeeping of six steps on every run that changes data."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.assets.preview import column_schema
from pipelines.resources import GROUP, WRITER_POOL, WarehouseResource
from pipelines.refresh import run_lock
from pipelines.warehouse import VIEWS_DIR, object_name, publish, reading, sql_files, table_names, working_copy, writing


@dataclass(frozen=True)
class View:
    name: str
    sql: str
    description: str
    stamp: str


def load_view(sql_file: Path) -> View:
    sql = sql_file.read_text()
    description = " ".join(line.removeprefix("--").strip() for line in sql.splitlines() if line.startswith("--"))
    stamp = f"{description} [{sql_file.name}, sha256 {hashlib.sha256(sql.encode()).hexdigest()[:16]}]"
    return View(object_name(sql_file), sql, description, stamp)


VIEWS = [load_view(f) for f in sql_files(VIEWS_DIR)]


def referenced_objects(sql: str, known: list[str]) -> list[str]:
    """Which of the known tables and views a view's SQL reads (its lineage)."""
    words = set(re.findall(r"\b\w+\b", re.sub(r"--[^\n]*", "", sql).lower()))
    return [name for name in known if name in words]


KNOWN = [*table_names(), *(v.name for v in VIEWS)]


@dg.multi_asset(
    specs=[dg.AssetSpec(v.name, deps=referenced_objects(v.sql, [k for k in KNOWN if k != v.name]), kinds={"duckdb"},
                        group_name=GROUP, description=v.description or None) for v in VIEWS],
    pool=WRITER_POOL,
)
def views(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Create or replace the views whose SQL changed; report each view's columns and SQL."""
    settings = warehouse.settings()
    work = working_copy(settings.target)
    with reading(work) as con:
        stamps = dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
    stale = [v for v in VIEWS if stamps.get(v.name) != v.stamp]
    if stale:
        with run_lock(settings.warehouse, context.log.info):
            with writing(settings.target) as con:
                for view in stale:
                    con.execute(view.sql)
                    con.execute(f"COMMENT ON VIEW {view.name} IS '{view.stamp.replace(chr(39), chr(39) * 2)}'")
            publish(settings.target)
    with reading(work) as con:
        columns = {v.name: column_schema(con, v.name) for v in VIEWS}
    # No row count or preview: a view is computed when queried, and counting the largest ones
    # costs seconds at 100,000 articles, on every run.
    for view in VIEWS:
        yield dg.MaterializeResult(asset_key=view.name, metadata={
            "dagster/column_schema": columns[view.name], "sql": dg.MetadataValue.md(f"```sql\n{view.sql}\n```")})
