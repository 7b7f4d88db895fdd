"""Asset checks: the invariants an analyst relies on when querying the warehouse."""

import dagster as dg

from pipelines.extraction.facts import EXTRACTION_VERSION
from pipelines.resources import WarehouseResource
from pipelines.warehouse import reading


def no_rows_check(name: str, asset: str, description: str, sql: str, metric: str) -> dg.AssetChecksDefinition:
    """A check that passes when `sql` finds no offending rows, reporting how many it found."""

    @dg.asset_check(name=name, asset=asset, description=description)
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with reading(warehouse.settings().warehouse) as con:
            count = con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
        return dg.AssetCheckResult(passed=count == 0, metadata={metric: count})

    return _check


INVARIANTS = [
    no_rows_check("articles_have_raw_document", "articles", "Every article comes from a document in raw_documents.",
                  "SELECT doc_id FROM articles ANTI JOIN raw_documents USING (doc_id)", "orphan_articles"),
    no_rows_check("articles_unique_doc_id", "articles", "doc_id is unique in articles.",
                  "SELECT doc_id FROM articles GROUP BY doc_id HAVING count(*) > 1", "duplicated_ids"),
    no_rows_check("raw_documents_unique_doc_id", "raw_documents", "doc_id (the content hash) is unique in raw_documents.",
                  "SELECT doc_id FROM raw_documents GROUP BY doc_id HAVING count(*) > 1", "duplicated_ids"),
    *[
        no_rows_check(f"{table}_offsets_match_text", table, f"Every {table} row's offsets slice its own text out of articles.text.",
                      f"SELECT t.doc_id FROM {table} t JOIN articles a USING (doc_id) "
                      f"WHERE substring(a.text, t.start + 1, t.\"end\" - t.start) <> t.{column}", "mismatched_offsets")
        for table, column in [("entity_mentions", "text"), ("person_roles", "role"), ("amounts", "text"),
                              ("date_mentions", "text"), ("events", "sentence_text")]
    ],
    no_rows_check("facts_name_known_entities", "events",
                  "Every entity id in article_entities, entity_mentions, person_roles, quotes and events is in entities.",
                  "SELECT entity_id FROM entity_mentions UNION ALL SELECT entity_id FROM person_roles "
                  "UNION ALL SELECT speaker_entity_id FROM quotes WHERE speaker_entity_id IS NOT NULL "
                  "UNION ALL SELECT unnest(actor_entity_ids) FROM events UNION ALL SELECT entity_id FROM article_entities "
                  "UNION ALL SELECT place_entity_id FROM events WHERE place_entity_id IS NOT NULL "
                  "EXCEPT SELECT entity_id FROM entities", "unknown_entity_ids"),
    no_rows_check("facts_come_from_current_articles", "entity_mentions",
                  "No fact outlives its article: every doc_id of the fact tables is in articles.",
                  "SELECT doc_id FROM entity_mentions UNION SELECT doc_id FROM quotes UNION SELECT doc_id FROM amounts "
                  "UNION SELECT doc_id FROM date_mentions UNION SELECT doc_id FROM events UNION SELECT doc_id FROM person_roles "
                  "UNION SELECT doc_id FROM article_entities UNION SELECT doc_id FROM article_extractions "
                  "EXCEPT SELECT doc_id FROM articles", "orphan_doc_ids"),
    no_rows_check("entities_unique_entity_id", "entities", "entity_id is unique in entities (merged once per id).",
                  "SELECT entity_id FROM entities GROUP BY entity_id HAVING count(*) > 1", "duplicated_ids"),
    no_rows_check("article_entities_unique", "article_entities", "One row per entity per article in article_entities.",
                  "SELECT doc_id, entity_id FROM article_entities GROUP BY ALL HAVING count(*) > 1", "duplicated_rows"),
    no_rows_check("every_article_has_current_facts", "article_extractions",
                  "Each article has exactly one article_extractions row, made from its current text by the current extraction code.",
                  "SELECT doc_id FROM articles a LEFT JOIN article_extractions e USING (doc_id) "
                  "GROUP BY doc_id HAVING count(e.doc_id) <> 1 "
                  f"OR bool_or(e.cleaning_version IS DISTINCT FROM a.cleaning_version OR e.extraction_version <> '{EXTRACTION_VERSION}')",
                  "articles_without_current_facts"),
    no_rows_check("articles_published_not_in_future", "articles", "No article claims a publication date in the future.",
                  "SELECT doc_id FROM articles WHERE published_date > current_date", "future_dates"),
]


@dg.asset_check(asset="rejected_documents", description="Reports how many inputs were set aside and why (warns when any were).")
def rejected_documents_reported(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with reading(warehouse.settings().warehouse) as con:
        by_reason = con.execute(
            "SELECT reason, count(*) FROM rejected_documents GROUP BY reason ORDER BY 2 DESC, 1 LIMIT 20").fetchall()
    total = sum(n for _, n in by_reason)
    table = "\n".join(["| reason | files |", "|---|---|"] + [f"| {r.replace('|', '/')} | {n} |" for r, n in by_reason])
    return dg.AssetCheckResult(
        passed=True,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rejected": total, "by_reason": dg.MetadataValue.md(table if by_reason else "none")},
    )


ALL_CHECKS = [*INVARIANTS, rejected_documents_reported]
