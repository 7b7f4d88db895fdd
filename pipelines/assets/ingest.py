"""Producer of raw_documents, articles and rejected_documents.

The three tables come from one step because they change together: a run reads raw/, cleans
what is new and writes all three in a single DuckDB transaction (see pipelines/refresh.py).
"""

import dagster as dg

from pipelines.assets.preview import describe
from pipelines.refresh import Progress, refresh_warehouse
from pipelines.resources import GROUP, WRITER_POOL, LoggingProgress, WarehouseResource

ARTICLE_PREVIEW = "doc_id[:12] AS doc, outlet, title, published_date, dateline_place, word_count, cleaning_method"


@dg.multi_asset(
    specs=[
        dg.AssetSpec("raw_documents", description="Every distinct document found under raw/, keyed by content hash.",
                     kinds={"duckdb"}, group_name=GROUP),
        dg.AssetSpec("articles", deps=["raw_documents"], kinds={"duckdb"}, group_name=GROUP,
                     description="Clean main text and metadata, one row per raw document that holds an article."),
        dg.AssetSpec("rejected_documents", deps=["raw_documents"], kinds={"duckdb"}, group_name=GROUP,
                     description="Inputs set aside, with the reason."),
    ],
    pool=WRITER_POOL,
)
def ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
           progress: dg.ResourceParam[Progress | None]):
    """Read raw/, clean new or changed content, and write the three tables atomically."""
    settings = warehouse.settings()
    summary = refresh_warehouse(settings, progress or LoggingProgress(context.log), log=context.log.info)
    context.log.info(
        f"{summary.files_scanned} files: {summary.new_documents} new, {summary.changed_documents} replaced, "
        f"{summary.articles_added} articles added, {summary.rejected_added} rejected"
    )
    yield dg.MaterializeResult(asset_key="raw_documents", metadata={
        **describe(settings.warehouse, "raw_documents", "doc_id[:12] AS doc, paths, format, encoding, size_bytes, first_seen"),
        "files_scanned": summary.files_scanned,
        "new": summary.new_documents,
        "changed": summary.changed_documents,
    })
    yield dg.MaterializeResult(asset_key="articles", metadata={
        **describe(settings.warehouse, "articles", ARTICLE_PREVIEW),
        "new": summary.articles_added,
        "changed": summary.changed_documents,
    })
    yield dg.MaterializeResult(asset_key="rejected_documents", metadata={
        **describe(settings.warehouse, "rejected_documents", "path, stage, reason, first_seen"),
        "rejected_this_run": summary.rejected_added,
    })
