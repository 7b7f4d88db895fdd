"""Producer of entities, entity_mentions, person_roles, quotes, amounts, date_mentions and events:
structured facts from articles.text.

Facts are recomputed for the whole warehouse in one transaction, so they always match the
articles (including replaced ones) and a re-run with nothing new rewrites identical rows.
Articles are read and extracted in batches of BATCH_SIZE, so memory follows the batch size."""

from collections.abc import Iterator

import dagster as dg
import duckdb
import polars as pl

from pipelines.assets.preview import describe
from pipelines.extraction.facts import BATCH_SIZE, FACT_TABLES, extract_in_batches, merge_entities
from pipelines.resources import GROUP, WRITER_POOL, WarehouseResource
from pipelines.warehouse import writing

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


def article_batches(con: duckdb.DuckDBPyConnection) -> Iterator[pl.DataFrame]:
    """The articles in doc_id order, BATCH_SIZE at a time (keyset pagination)."""
    last = ""
    while True:
        batch = con.sql("SELECT doc_id, text, published_date FROM articles WHERE doc_id > $last ORDER BY doc_id LIMIT $n",
                        params={"last": last, "n": BATCH_SIZE}).pl()
        if batch.is_empty():
            return
        yield batch
        last = batch["doc_id"][-1]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(name, deps=sorted({"articles", *upstream}), kinds={"duckdb", "polars"}, group_name=GROUP,
                     description=description)
        for name, (description, upstream) in DESCRIPTIONS.items()
    ],
    pool=WRITER_POOL,
)
def facts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Extract the fact tables from every article, batch by batch, and replace them atomically."""
    settings = warehouse.settings()
    counts = dict.fromkeys(FACT_TABLES, 0)
    batch_entities = []
    with writing(settings.warehouse) as con:
        articles = con.sql("SELECT count(*) FROM articles").fetchall()[0][0]
        for name in FACT_TABLES:
            con.execute(f"DELETE FROM {name}")
        workers = settings.workers if articles > BATCH_SIZE else 1  # spawning workers costs seconds
        for tables in extract_in_batches(article_batches(con), workers):
            batch_entities.append(tables["entities"])
            for name in FACT_TABLES[1:]:
                con.register("new_rows", tables[name])
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM new_rows")
                con.unregister("new_rows")
                counts[name] += tables[name].height
        if batch_entities:
            entities = merge_entities(batch_entities)
            con.register("new_rows", entities)
            con.execute("INSERT INTO entities BY NAME SELECT * FROM new_rows")
            counts["entities"] = entities.height
    context.log.info(", ".join(f"{counts[n]} {n}" for n in FACT_TABLES) + f" from {articles} articles")
    for name in FACT_TABLES:
        yield dg.MaterializeResult(asset_key=name, metadata=describe(settings.warehouse, name))
