"""The views of sql/views/, one asset each, named after it, downstream of the tables it reads.

They are made in the working copy by pipelines/publishing.py, before the checks judge it and it
is published, so every published snapshot has every view. This step runs after the facts step
and, when it changed something, reports each view's columns, preview and SQL; in a lake, which
has no gate, it makes the views itself."""

import re

import dagster as dg

from pipelines.assets.facts import ARTICLES_CHANGED
from pipelines.assets.preview import column_schema, view_preview
from pipelines.publishing import VIEWS, create_stale_views
from pipelines.refresh import run_lock
from pipelines.resources import GROUP, WRITER_POOL, WarehouseResource
from pipelines.warehouse import reading, table_names, working_copy


def referenced_objects(sql: str, known: list[str]) -> list[str]:
    """Which of the known tables and views a view's SQL reads (its lineage)."""
    words = set(re.findall(r"\b\w+\b", re.sub(r"--[^\n]*", "", sql).lower()))
    return [name for name in known if name in words]


KNOWN = [*table_names(), *(v.name for v in VIEWS)]


def facts_unchanged_this_run(context: dg.AssetExecutionContext) -> bool:
    """Whether this run's facts step reported deriving and removing nothing: the views, and the
    briefing after them, then stay as they were (a run costs what is new)."""
    records = context.instance.get_records_for_run(
        context.run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    counts = [value.value for record in records
              if (value := record.event_log_entry.asset_materialization.metadata.get(ARTICLES_CHANGED)) is not None]
    return bool(counts) and not any(counts)


@dg.multi_asset(
    specs=[dg.AssetSpec(v.name, deps=referenced_objects(v.sql, [k for k in KNOWN if k != v.name]), kinds={"duckdb"},
                        group_name=GROUP, description=v.description or None, skippable=True) for v in VIEWS],
    pool=WRITER_POOL,
)
def views(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Report each view's columns and SQL (in a lake, create or replace those whose SQL changed
    first), unless this run changed no facts."""
    if facts_unchanged_this_run(context):
        context.log.info("No facts changed in this run: the views (and the briefing) stay as they were.")
        return
    settings = warehouse.settings()
    if settings.lake:
        with run_lock(settings.warehouse, context.log.info):
            create_stale_views(settings.target, context.log.info)
    with reading(working_copy(settings.target)) as con:
        columns = {v.name: column_schema(con, v.name) for v in VIEWS}
        previews = {v.name: view_preview(con, v.name) for v in VIEWS}
    # No row count: a view is computed when queried, and counting the largest ones costs seconds
    # at 100,000 articles, on every run; the preview stops at its time budget.
    for view in VIEWS:
        yield dg.MaterializeResult(asset_key=view.name, metadata={
            "preview": dg.MetadataValue.md(previews[view.name]), "dagster/column_schema": columns[view.name],
            "sql": dg.MetadataValue.md(f"```sql\n{view.sql}\n```")})
