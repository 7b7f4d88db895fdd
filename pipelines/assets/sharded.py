"""Producer, in a DuckLake warehouse, of the tables the DDL names `ingest` or `facts` as producer:
one refresh in shards (pipelines/shards.py) whose steps run on any worker of the executor.

A graph of three kinds of step behind one multi-asset: `plan_shards` stores what is new under raw/
and fans out one `refresh_shard` step per shard with queued work; `finish_shards` links near-
duplicates, merges entities and reports every table. With the Celery executor the shard steps
run on the workers at once; in-process, one after another.
"""


import multiprocessing
from dataclasses import asdict
from datetime import datetime

import dagster as dg

from pipelines.assets.ingest import rejections_by_reason
from pipelines.assets.preview import describe
from pipelines.cleaning import CLEANING_VERSION
from pipelines.extraction.facts import EXTRACTION_VERSION
from pipelines.refresh import Progress
from pipelines.resources import GROUP, LoggingProgress, WarehouseResource, freshness_policy
from pipelines.shards import finish_lake_refresh, plan_lake_refresh, refresh_shard, refresh_shard_apart
from pipelines.warehouse import reading, tables

PRODUCED = [table for table in tables() if table.producer in ("ingest", "facts")]
CODE_VERSION = f"{CLEANING_VERSION}+{EXTRACTION_VERSION}"


class ShardedRefreshConfig(dg.Config):
    rederive: bool = False
    """Extract the facts of every article again, even those made by the current extraction version."""


@dg.op(out={"plan": dg.Out(dict), "shards": dg.DynamicOut(dict)})
def plan_shards(context: dg.OpExecutionContext, config: ShardedRefreshConfig, warehouse: WarehouseResource,
                progress: dg.ResourceParam[Progress | None]):
    """Store the new documents under raw/ in the lake and queue their cleaning and extraction, one
    step per shard with work."""
    settings = warehouse.settings()
    plan = plan_lake_refresh(settings, settings.shards, progress or LoggingProgress(context.log),
                             log=context.log.info, rederive=config.rederive)
    summary = plan.summary
    context.log.info(
        f"{summary.files_scanned} files, {summary.files_read} read: {summary.new_documents} new, "
        f"{summary.changed_documents} replaced, {summary.rejected_added} rejected; {plan.tasks} tasks queued "
        f"in {len(plan.shards_with_work)} of {settings.shards} shards")
    yield dg.Output({"run_started": plan.run_started.isoformat(), "files_scanned": summary.files_scanned,
                     "files_read": summary.files_read, "new": summary.new_documents,
                     "changed": summary.changed_documents, "rejected": summary.rejected_added,
                     "tasks": plan.tasks, "plan_conflicts": plan.conflicts}, output_name="plan")
    for shard in plan.shards_with_work:
        yield dg.DynamicOutput({"shard": shard, "shards": settings.shards, "run_started": plan.run_started.isoformat()},
                               output_name="shards", mapping_key=f"shard_{shard}")


@dg.op(out=dg.Out(dict), retry_policy=dg.RetryPolicy(max_retries=2, delay=1))
def refresh_shard_step(context: dg.OpExecutionContext, task: dict, warehouse: WarehouseResource,
                       progress: dg.ResourceParam[Progress | None]):
    """Clean and extract the queued documents of one shard and write them to the lake; its
    figures (where the time went) are the output's metadata."""
    settings = warehouse.settings()
    run_started = datetime.fromisoformat(task["run_started"])
    if multiprocessing.current_process().daemon:  # a Celery worker's process
        summary = refresh_shard_apart(settings.lake, task["shard"], task["shards"], run_started, settings.workers,
                                      log=context.log.info)
    else:
        summary = refresh_shard(settings.lake, task["shard"], task["shards"], run_started, settings.workers,
                                progress or LoggingProgress(context.log), log=context.log.info)
    context.log.info(
        f"Shard {summary.shard}: {summary.documents_cleaned} cleaned ({summary.clean_seconds:.1f} s), "
        f"{summary.articles_extracted} extracted ({summary.extract_seconds:.1f} s), {summary.commits} commits "
        f"(rows {summary.write_seconds:.1f} s, catalog {summary.commit_seconds:.1f} s, {summary.conflicts} conflicts)")
    figures = asdict(summary)
    yield dg.Output(figures, metadata={key: value for key, value in figures.items() if key != "shard"})


@dg.op(out={table.name: dg.Out(dg.Nothing, is_required=False) for table in PRODUCED})
def finish_shards(context: dg.OpExecutionContext, plan: dict, shards: list[dict], warehouse: WarehouseResource):
    """Link near-duplicates and merge entities of what the shards wrote; report every table."""
    settings = warehouse.settings()
    finished = finish_lake_refresh(settings.lake, log=context.log.info)
    if not (plan["files_read"] or plan["tasks"] or finished.linked or finished.relinked or finished.entities_merged):
        context.log.info("Nothing new under raw/ and nothing queued: the lake is up to date.")
        return
    totals = {key: sum(s[key] for s in shards) for key in
              ("articles_added", "rejected", "articles_extracted", "commits", "conflicts",
               "clean_seconds", "extract_seconds", "write_seconds", "commit_seconds")}
    context.log.info(f"{len(shards)} shards: {totals}; {finished.linked} articles linked, "
                     f"{finished.entities_merged} entities merged")
    counts = {
        "raw_files": {"files_scanned": plan["files_scanned"], "files_read": plan["files_read"]},
        "raw_documents": {"new": plan["new"], "changed": plan["changed"]},
        "articles": {"new": totals["articles_added"], "changed": plan["changed"]},
        "rejected_documents": {"rejected_this_run": plan["rejected"] + totals["rejected"]},
    }
    with reading(settings.lake) as con:
        metadata = {t.name: describe(con, t) for t in PRODUCED}
        metadata["rejected_documents"]["by_reason"] = rejections_by_reason(con)
    for table in PRODUCED:
        yield dg.Output(None, output_name=table.name, metadata={
            **metadata[table.name], **counts.get(table.name, {"articles_derived": totals["articles_extracted"]}),
            "shards": len(shards), "commit_conflicts": totals["conflicts"] + plan["plan_conflicts"],
        })


@dg.graph_multi_asset(
    outs={table.name: dg.AssetOut(dagster_type=dg.Nothing, is_required=False, description=table.description,
                                  group_name=GROUP, kinds={"ducklake", "polars"}, code_version=CODE_VERSION,
                                  freshness_policy=freshness_policy(table))
          for table in PRODUCED},
)
def sharded_refresh():
    plan, tasks = plan_shards()
    results = finish_shards(plan, tasks.map(refresh_shard_step).collect())
    return dict(zip([table.name for table in PRODUCED], results, strict=True))
