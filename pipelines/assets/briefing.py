"""The briefing asset: after the views, one self-contained HTML page of the period's news
(pipelines/briefing.py), read from the published snapshot and written beside the warehouse file
as briefing/<run time>.html and briefing/latest.html."""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from pipelines.briefing import DEFAULT_DAYS, briefing_tables, render_briefing, summary_markdown, write_briefing
from pipelines.publishing import VIEWS
from pipelines.resources import GROUP, WarehouseResource
from pipelines.warehouse import reading


class BriefingConfig(dg.Config):
    days: int = DEFAULT_DAYS
    """How many days, up to the latest day an article has, the page covers."""


def briefing_folder(warehouse: Path) -> Path:
    """Where the pages go: briefing/ beside the warehouse file (with a lake, beside the folder of
    its lock and staging)."""
    return Path(warehouse).parent / "briefing"


@dg.asset(deps=[v.name for v in VIEWS], group_name=GROUP, kinds={"html"},
          description="One HTML page per run of who and what was in the news over the last days: attention "
                      "over time, who met whom, places on a map, quotes, sums of money, stories many outlets "
                      "ran; every chart with its numbers and SQL. Opens offline (briefing/latest.html).")
def briefing(context: dg.AssetExecutionContext, config: BriefingConfig, warehouse: WarehouseResource):
    """Write the briefing page of the published snapshot and say where it is."""
    settings = warehouse.settings()
    stamp = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    with reading(settings.target) as con:
        tables = briefing_tables(con, config.days)
    page = render_briefing(tables, generated_at=stamp, warehouse=str(settings.target))
    dated, latest = write_briefing(page, briefing_folder(settings.warehouse), stamp)
    context.log.info(f"Briefing of {tables.articles} articles written to {dated} and {latest}")
    links = {}
    if settings.briefing_url:  # served (news-warehouse ui): a click away in the UI
        base = settings.briefing_url.rstrip("/")
        links = {"open": dg.MetadataValue.url(f"{base}/{latest.name}"), "open_this_run": dg.MetadataValue.url(f"{base}/{dated.name}")}
    return dg.MaterializeResult(metadata={
        "summary": dg.MetadataValue.md(summary_markdown(tables)),
        **links,
        "path": dg.MetadataValue.path(str(latest)),
        "page": dg.MetadataValue.path(str(dated)),
        "articles": dg.MetadataValue.int(tables.articles),
        "bytes": dg.MetadataValue.int(len(page.encode())),
    })
