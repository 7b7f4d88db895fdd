"""Producer of entities, entity_mentions and quotes: structured facts from articles.text.

Facts are recomputed for the whole warehouse in one transaction, so they always match the
articles (including replaced ones) and a re-run with nothing new rewrites identical rows."""

import dagster as dg

from pipelines.assets.preview import describe
from pipelines.extraction.facts import extract_facts
from pipelines.resources import GROUP, WRITER_POOL, WarehouseResource
from pipelines.warehouse import reading, writing

FACT_TABLES = ("entities", "entity_mentions", "quotes")


@dg.multi_asset(
    specs=[
        dg.AssetSpec("entities", deps=["articles"], kinds={"duckdb", "polars"}, group_name=GROUP,
                     description="People, organisations, places and nationalities, merged across articles."),
        dg.AssetSpec("entity_mentions", deps=["articles", "entities"], kinds={"duckdb", "polars"}, group_name=GROUP,
                     description="Where each entity is named, with character offsets into articles.text."),
        dg.AssetSpec("quotes", deps=["articles", "entity_mentions"], kinds={"duckdb", "polars"}, group_name=GROUP,
                     description="Quoted speech with its speaker."),
    ],
    pool=WRITER_POOL,
)
def facts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Extract the fact tables from every article and replace them atomically."""
    db_path = warehouse.settings().warehouse
    with reading(db_path) as con:
        articles = con.sql("SELECT doc_id, text FROM articles ORDER BY doc_id").pl()
    tables = extract_facts(articles)
    with writing(db_path) as con:
        for name in FACT_TABLES:
            con.execute(f"DELETE FROM {name}")
            con.register(f"new_{name}", tables[name])
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM new_{name}")
    context.log.info(", ".join(f"{tables[n].height} {n}" for n in FACT_TABLES) + f" from {articles.height} articles")
    for name in FACT_TABLES:
        yield dg.MaterializeResult(asset_key=name, metadata=describe(db_path, name))
