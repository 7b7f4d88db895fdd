"""Producer of the tables whose DDL names `facts` as producer (article_extractions,
article_entities, entities, entity_mentions, quotes, person_roles, amounts, date_mentions,
events): structured facts from articles.text, derived by pipelines/derive.py."""

import dagster as dg

from pipelines.assets.preview import describe
from pipelines.derive import derive_facts
from pipelines.extraction.facts import EXTRACTION_VERSION
from pipelines.refresh import Progress
from pipelines.resources import GROUP, WRITER_POOL, LoggingProgress, WarehouseResource
from pipelines.warehouse import reading, tables, working_copy

PRODUCED = [table for table in tables() if table.producer == "facts"]


class FactsConfig(dg.Config):
    rederive: bool = False
    """Extract the facts of every article again, even those made by the current extraction version."""


@dg.multi_asset(
    specs=[
        # Skippable: a run with no new, changed or removed article materializes none of them, so
        # their checks and the views downstream do not run either.
        dg.AssetSpec(table.name, deps=table.upstream, kinds={"duckdb", "polars"}, group_name=GROUP,
                     description=table.description, code_version=EXTRACTION_VERSION, skippable=True)
        for table in PRODUCED
    ],
    pool=WRITER_POOL,
)
def facts(context: dg.AssetExecutionContext, config: FactsConfig, warehouse: WarehouseResource,
          progress: dg.ResourceParam[Progress | None]):
    """Derive the facts of new, re-cleaned or re-versioned articles and drop those of removed ones."""
    settings = warehouse.settings()
    summary = derive_facts(settings, progress or LoggingProgress(context.log), log=context.log.info,
                           rederive=config.rederive)
    if not summary.changed:
        context.log.info("No new, changed or removed articles: the facts are up to date.")
        return
    context.log.info(f"Facts of {summary.extracted + summary.resumed} articles derived "
                     f"({summary.resumed} from an interrupted run), of {summary.removed} removed")
    with reading(working_copy(settings.target)) as con:
        metadata = {table.name: describe(con, table.name) for table in PRODUCED}
    for table in PRODUCED:
        yield dg.MaterializeResult(asset_key=table.name, metadata={
            **metadata[table.name],
            "articles_derived": summary.extracted + summary.resumed,
            "articles_removed": summary.removed,
            "published_seconds": summary.published_seconds,
        })
