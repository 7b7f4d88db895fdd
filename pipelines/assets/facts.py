"""Producer of entities, entity_mentions, person_roles, quotes, amounts, date_mentions and events:
structured facts from articles.text.

Facts are recomputed for the whole warehouse in one transaction, so they always match the
articles (including replaced ones) and a re-run with nothing new rewrites identical rows."""

import dagster as dg

from pipelines.assets.preview import describe
from pipelines.extraction.facts import FACT_TABLES, extract_facts
from pipelines.resources import GROUP, WRITER_POOL, WarehouseResource
from pipelines.warehouse import reading, writing

DESCRIPTIONS = {
    "entities": ("People, organisations, places and nationalities, merged across articles.", ["articles"]),
    "entity_mentions": ("Where each entity is named, with character offsets into articles.text.", ["entities"]),
    "person_roles": ("People's titles and offices, with the organisation and country they name.", ["entities"]),
    "quotes": ("Quoted speech with its speaker.", ["entity_mentions"]),
    "amounts": ("Counted things: value, range, qualifier and object phrase.", ["articles"]),
    "date_mentions": ("Dates the articles state, resolved against the publication date.", ["articles"]),
    "events": ("Meetings, visits, agreements, exercises, statements and deployments: who, where, when.",
               ["entity_mentions", "date_mentions"]),
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(name, deps=sorted({"articles", *upstream}), kinds={"duckdb", "polars"}, group_name=GROUP,
                     description=description)
        for name, (description, upstream) in DESCRIPTIONS.items()
    ],
    pool=WRITER_POOL,
)
def facts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Extract the fact tables from every article and replace them atomically."""
    db_path = warehouse.settings().warehouse
    with reading(db_path) as con:
        articles = con.sql("SELECT doc_id, text, published_date FROM articles ORDER BY doc_id").pl()
    tables = extract_facts(articles)
    with writing(db_path) as con:
        for name in FACT_TABLES:
            con.execute(f"DELETE FROM {name}")
            con.register(f"new_{name}", tables[name])
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM new_{name}")
    context.log.info(", ".join(f"{tables[n].height} {n}" for n in FACT_TABLES) + f" from {articles.height} articles")
    for name in FACT_TABLES:
        yield dg.MaterializeResult(asset_key=name, metadata=describe(db_path, name))
