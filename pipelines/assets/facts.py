"""Producer of the tables whose DDL names `facts` as producer (article_extractions,
article_entities, entities, entity_mentions, quotes, person_roles, amounts, date_mentions,
events): structured facts from articles.text, derived by pipelines/derive.py. The last writing
step of a run, it also ends the run through the gate of pipelines/publishing.py: the checks are
judged on the working copy and it is published only when every blocking one passed."""

import dagster as dg

from pipelines.assets.checks import check_results, check_specs
from pipelines.assets.preview import describe
from pipelines.derive import derive_facts
from pipelines.extraction.facts import EXTRACTION_VERSION
from pipelines.invariants import produced_by
from pipelines.publishing import failed_since, publish_if_sound
from pipelines.refresh import Progress, run_lock
from pipelines.resources import GROUP, WRITER_POOL, LoggingProgress, WarehouseResource, freshness_policy
from pipelines.warehouse import reading, tables, working_copy

PRODUCED = [table for table in tables() if table.producer == "facts"]
CHECKED = produced_by("facts")
# The metadata key that says how many articles' facts a run derived or removed.
ARTICLES_CHANGED = "articles_changed"


class FactsConfig(dg.Config):
    rederive: bool = False
    """Extract the facts of every article again, even those made by the current extraction version."""


def left_out_by_reason(con) -> dg.MetadataValue:
    """Articles whose facts were left out, by reason, as a markdown table."""
    rows = con.execute("SELECT left_out_reason, count(*) FROM article_extractions WHERE left_out_reason IS NOT NULL "
                       "GROUP BY ALL ORDER BY 2 DESC, 1 LIMIT 20").fetchall()
    table = "\n".join(["| reason | articles |", "|---|---|"] + [f"| {r.replace('|', '/')} | {n} |" for r, n in rows])
    return dg.MetadataValue.md(table if rows else "none")


@dg.multi_asset(
    specs=[
        # Skippable: a subset run may leave some out.
        dg.AssetSpec(table.name, deps=table.upstream, kinds={"duckdb", "polars"}, group_name=GROUP,
                     description=table.description, code_version=EXTRACTION_VERSION, skippable=True,
                     freshness_policy=freshness_policy(table))
        for table in PRODUCED
    ],
    check_specs=check_specs(CHECKED),
    # Subsettable only so that its checks are optional outputs: a run with nothing unpublished
    # judges nothing. Every table is derived together whatever the selection.
    can_subset=True,
    pool=WRITER_POOL,
)
def facts(context: dg.AssetExecutionContext, config: FactsConfig, warehouse: WarehouseResource,
          progress: dg.ResourceParam[Progress | None]):
    """Derive the facts of new, re-cleaned or re-versioned articles and drop those of removed
    ones; judge what is unpublished and publish it if every blocking check passes."""
    settings = warehouse.settings()
    summary = derive_facts(settings, progress or LoggingProgress(context.log), log=context.log.info,
                           rederive=config.rederive, repair_since=failed_since(settings.target))
    with run_lock(settings.warehouse, context.log.info):
        verdict = publish_if_sound(settings, log=context.log.info)
    if verdict.published_seconds is not None:
        context.log.info(f"Published {settings.warehouse} in {verdict.published_seconds:.2f} s.")
    if summary.changed:
        context.log.info(f"Facts of {summary.extracted + summary.resumed} articles derived "
                         f"({summary.resumed} from an interrupted run, {len(summary.left_out)} left out), "
                         f"of {summary.removed} removed")
    else:
        context.log.info("No new, changed or removed articles: the facts are up to date.")
    # Materialized on every refresh that gets here, changed or not: a refresh vouches that the
    # facts are current, and their freshness policies read the last materialization (the views
    # downstream look at `articles_changed` and stay as they were when it is 0).
    with reading(working_copy(settings.target)) as con:
        metadata = {table.name: describe(con, table) for table in PRODUCED}
        metadata["article_extractions"]["left_out_by_reason"] = left_out_by_reason(con)
    for table in (t for t in PRODUCED if dg.AssetKey(t.name) in context.selected_asset_keys):
        yield dg.MaterializeResult(asset_key=table.name, metadata={
            **metadata[table.name],
            ARTICLES_CHANGED: summary.extracted + summary.resumed + summary.removed,
            "articles_derived": summary.extracted + summary.resumed,
            "articles_left_out": len(summary.left_out),
            "articles_removed": summary.removed,
            "published_seconds": verdict.published_seconds,
        })
    if verdict.judged:
        selected = {key.name for key in context.selected_asset_check_keys}
        yield from check_results([i for i in CHECKED if i.name in selected], verdict.offending, verdict.examples)
    foreign = [name for name in verdict.failed if name not in {i.name for i in CHECKED}]
    if foreign:
        raise dg.Failure(f"Not published: {verdict.describe_failures()}",
                         metadata={name: verdict.offending[name] for name in foreign})
