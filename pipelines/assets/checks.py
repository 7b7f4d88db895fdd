"""Asset checks: the invariants an analyst relies on when querying the warehouse."""

from dataclasses import dataclass

import dagster as dg

from pipelines.extraction.facts import EXTRACTION_VERSION
from pipelines.resources import WRITER_POOL, WarehouseResource
from pipelines.warehouse import reading, table_names, working_copy


@dataclass(frozen=True)
class Invariant:
    """A check that passes when `sql` finds no offending rows, reporting how many it found."""

    name: str
    asset: str
    description: str
    sql: str
    metric: str


# Rows never change once written, so per-row checks look at the articles the latest facts run
# wrote: every row was checked when it was written, and at 100,000 articles checking all of them
# on every run would cost seconds.
LATEST_EXTRACTION = "(SELECT doc_id FROM article_extractions WHERE extracted_at = (SELECT max(extracted_at) FROM article_extractions))"

INVARIANTS = [
    Invariant("articles_have_raw_document", "articles", "Every article comes from a document in raw_documents.",
                  "SELECT doc_id FROM articles ANTI JOIN raw_documents USING (doc_id)", "orphan_articles"),
    Invariant("articles_unique_doc_id", "articles", "doc_id is unique in articles.",
                  "SELECT doc_id FROM articles GROUP BY doc_id HAVING count(*) > 1", "duplicated_ids"),
    Invariant("raw_documents_unique_doc_id", "raw_documents", "doc_id (the content hash) is unique in raw_documents.",
                  "SELECT doc_id FROM raw_documents GROUP BY doc_id HAVING count(*) > 1", "duplicated_ids"),
    *[
        Invariant(f"{table}_offsets_match_text", table,
                  f"Every {table} row the latest facts run wrote slices its own text out of articles.text with its offsets.",
                  f"SELECT t.doc_id FROM (SELECT * FROM {table} WHERE doc_id IN {LATEST_EXTRACTION}) t "
                  f"JOIN (SELECT doc_id, text FROM articles WHERE doc_id IN {LATEST_EXTRACTION}) a USING (doc_id) "
                  f"WHERE substring(a.text, t.start + 1, t.\"end\" - t.start) <> t.{column}", "mismatched_offsets")
        for table, column in [("entity_mentions", "text"), ("person_roles", "role"), ("amounts", "text"),
                              ("date_mentions", "text"), ("events", "sentence_text")]
    ],
    Invariant("facts_name_known_entities", "events",
                  "Every entity id in article_entities, entity_mentions, person_roles, quotes and events is in entities.",
                  "SELECT entity_id FROM entity_mentions UNION ALL SELECT entity_id FROM person_roles "
                  "UNION ALL SELECT speaker_entity_id FROM quotes WHERE speaker_entity_id IS NOT NULL "
                  "UNION ALL SELECT unnest(actor_entity_ids) FROM events UNION ALL SELECT entity_id FROM article_entities "
                  "UNION ALL SELECT place_entity_id FROM events WHERE place_entity_id IS NOT NULL "
                  "EXCEPT SELECT entity_id FROM entities", "unknown_entity_ids"),
    Invariant("facts_come_from_current_articles", "entity_mentions",
                  "No fact outlives its article: every doc_id of the fact tables is in articles.",
                  "SELECT doc_id FROM entity_mentions UNION SELECT doc_id FROM quotes UNION SELECT doc_id FROM amounts "
                  "UNION SELECT doc_id FROM date_mentions UNION SELECT doc_id FROM events UNION SELECT doc_id FROM person_roles "
                  "UNION SELECT doc_id FROM article_entities UNION SELECT doc_id FROM article_extractions "
                  "EXCEPT SELECT doc_id FROM articles", "orphan_doc_ids"),
    Invariant("entities_unique_entity_id", "entities", "entity_id is unique in entities (merged once per id).",
                  "SELECT entity_id FROM entities GROUP BY entity_id HAVING count(*) > 1", "duplicated_ids"),
    Invariant("article_entities_unique", "article_entities",
                  "One row per entity per article in the article_entities rows the latest facts run wrote.",
                  f"SELECT doc_id, entity_id FROM article_entities WHERE doc_id IN {LATEST_EXTRACTION} "
                  "GROUP BY ALL HAVING count(*) > 1", "duplicated_rows"),
    Invariant("every_article_has_current_facts", "article_extractions",
                  "Each article has exactly one article_extractions row, made from its current text by the current extraction code.",
                  "SELECT doc_id FROM articles a LEFT JOIN article_extractions e USING (doc_id) "
                  "GROUP BY doc_id HAVING count(e.doc_id) <> 1 "
                  f"OR bool_or(e.cleaning_version IS DISTINCT FROM a.cleaning_version OR e.extraction_version <> '{EXTRACTION_VERSION}')",
                  "articles_without_current_facts"),
    Invariant("articles_published_not_in_future", "articles", "No article claims a publication date in the future.",
                  "SELECT doc_id FROM articles WHERE published_date > current_date", "future_dates"),
]


def invariant_checks(producer: str) -> dg.AssetChecksDefinition:
    """The invariants of the tables one asset step produces, as one check step: a step per check
    would cost more in Dagster's bookkeeping than the queries do."""
    produced = set(table_names(producer))
    invariants = [i for i in INVARIANTS if i.asset in produced]

    # In the writers' pool: they read the working copy, which only the writers' steps open.
    @dg.multi_asset_check(name=f"{producer}_invariants", pool=WRITER_POOL,
                          specs=[dg.AssetCheckSpec(i.name, asset=i.asset, description=i.description) for i in invariants])
    def _checks(warehouse: WarehouseResource):
        with reading(working_copy(warehouse.settings().warehouse)) as con:
            for invariant in invariants:
                count = con.execute(f"SELECT count(*) FROM ({invariant.sql})").fetchall()[0][0]
                yield dg.AssetCheckResult(check_name=invariant.name, asset_key=invariant.asset, passed=count == 0,
                                          metadata={invariant.metric: count})

    return _checks


ALL_CHECKS = [invariant_checks("ingest"), invariant_checks("facts")]
