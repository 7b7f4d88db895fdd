"""Producer of the tables whose DDL names `ingest` as producer (raw_files, raw_documents, articles,
rejected_documents): raw/ read, cleaned and written by pipelines/refresh.py.

They come from one step because they change together: a run reads what is new under raw/,
cleans it and writes all of them in a single DuckDB transaction, to the working copy. Their
checks are judged there, in the same step: a blocking one that fails ends the run before anything
is published.
"""

import dagster as dg

from pipelines.assets.checks import check_results, check_specs
from pipelines.assets.preview import describe
from pipelines.cleaning import CLEANING_VERSION
from pipelines.invariants import offending_examples, offending_rows, produced_by
from pipelines.publishing import Verdict, record
from pipelines.refresh import Progress, refresh_warehouse
from pipelines.resources import GROUP, WRITER_POOL, LoggingProgress, WarehouseResource, freshness_policy
from pipelines.warehouse import reading, tables, unpublished_since, working_copy

PRODUCED = [table for table in tables() if table.producer == "ingest"]
CHECKED = produced_by("ingest")


def rejections_by_reason(con) -> dg.MetadataValue:
    """How many inputs are set aside, by reason, as a markdown table."""
    rows = con.execute("SELECT reason, count(*) FROM rejected_documents GROUP BY reason ORDER BY 2 DESC, 1 LIMIT 20").fetchall()
    table = "\n".join(["| reason | inputs |", "|---|---|"] + [f"| {r.replace('|', '/')} | {n} |" for r, n in rows])
    return dg.MetadataValue.md(table if rows else "none")


@dg.multi_asset(
    specs=[dg.AssetSpec(table.name, deps=table.upstream, kinds={"duckdb"}, group_name=GROUP,
                        description=table.description, code_version=CLEANING_VERSION,
                        freshness_policy=freshness_policy(table))
           for table in PRODUCED],
    check_specs=check_specs(CHECKED),
    pool=WRITER_POOL,
)
def ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
           progress: dg.ResourceParam[Progress | None]):
    """Read new or changed files under raw/, clean new content, and write the tables atomically."""
    settings = warehouse.settings()
    summary = refresh_warehouse(settings, progress or LoggingProgress(context.log), log=context.log.info)
    context.log.info(
        f"{summary.files_scanned} files, {summary.files_read} read: {summary.new_documents} new, "
        f"{summary.changed_documents} replaced, {summary.articles_added} articles added, {summary.rejected_added} rejected"
    )
    counts = {
        "raw_files": {"files_scanned": summary.files_scanned, "files_read": summary.files_read},
        "raw_documents": {"new": summary.new_documents, "changed": summary.changed_documents},
        "articles": {"new": summary.articles_added, "changed": summary.changed_documents},
        "rejected_documents": {"rejected_this_run": summary.rejected_added},
    }
    with reading(working_copy(settings.target)) as con:
        metadata = {t.name: {**describe(con, t), **counts[t.name]} for t in PRODUCED}
        metadata["rejected_documents"]["by_reason"] = rejections_by_reason(con)
        offending = offending_rows(con, CHECKED)
        examples = {i.name: offending_examples(con, i) for i in CHECKED if offending[i.name]}
    verdict = Verdict(unpublished_since(settings.target), offending, examples)
    if verdict.failed:  # the run ends here: say so where `status` and the next run look
        record(settings.target, verdict)
    for table in PRODUCED:
        yield dg.MaterializeResult(asset_key=table.name, metadata=metadata[table.name])
    yield from check_results(CHECKED, offending, examples)
