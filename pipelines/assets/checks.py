"""Asset checks: the invariants an analyst relies on when querying the warehouse."""

import re
from dataclasses import dataclass

import dagster as dg
import duckdb

from pipelines import derive
from pipelines.resources import WRITER_POOL, WarehouseResource
from pipelines.warehouse import reading, table_names, tables, working_copy


@dataclass(frozen=True)
class Invariant:
    """A check that passes when `sql` finds no offending rows, reporting how many it found. A
    blocking one fails the run and keeps the assets downstream from running."""

    name: str
    asset: str
    description: str
    sql: str
    metric: str
    blocking: bool = True


# Rows never change once written, so per-row checks look at the articles the latest facts run
# wrote: every row was checked when it was written, and at 100,000 articles checking all of them
# on every run would cost seconds.
LATEST_EXTRACTION = "(SELECT doc_id FROM article_extractions WHERE extracted_at = (SELECT max(extracted_at) FROM article_extractions))"
# Publication dates before this are misreadings (a year in the text, an epoch default), not news.
EARLIEST_PUBLISHED = "1990-01-01"
# The columns that identify one row of each per-article fact table, as the extraction makes them:
# a role can name two people ("Prince William and Kate"), a sentence reports one event per kind.
NATURAL_KEYS = {
    "article_entities": "doc_id, entity_id",
    "entity_mentions": 'doc_id, start, "end"',
    "quotes": 'doc_id, start, "end"',
    "person_roles": 'doc_id, entity_id, start, "end"',
    "amounts": 'doc_id, start, "end"',
    "date_mentions": 'doc_id, start, "end"',
    "events": "doc_id, sentence, kind",
}
# A quote's text is what lies between its marks; one continued in the next paragraph has no
# closing mark, and its trailing white space is dropped (pipelines/extraction/quotes.py).
QUOTE_MISMATCH = (
    """substring(a.text, t.start + 1, 1) NOT IN ('“', '"', '«') OR t.quote NOT IN ("""
    """substring(a.text, t.start + 2, t."end" - t.start - 2), """
    r"""regexp_replace(substring(a.text, t.start + 2, t."end" - t.start - 1), '[\s\v\x{85}\p{Z}]+$', ''))"""
)


def latest_rows_against_text(table: str, mismatch: str) -> str:
    """The rows of `table` the latest facts run wrote (as `t`) whose article (as `a`) fails to
    agree with them by `mismatch`."""
    return (f"SELECT t.doc_id FROM (SELECT * FROM {table} WHERE doc_id IN {LATEST_EXTRACTION}) t "
            f"JOIN (SELECT doc_id, text FROM articles WHERE doc_id IN {LATEST_EXTRACTION}) a USING (doc_id) "
            f"WHERE {mismatch}")


INVARIANTS = [
    Invariant("articles_have_raw_document", "articles", "Every article comes from a document in raw_documents.",
                  "SELECT doc_id FROM articles ANTI JOIN raw_documents USING (doc_id)", "orphan_articles"),
    Invariant("raw_documents_have_one_outcome", "raw_documents",
                  "Every raw document is either an article or rejected at cleaning, never neither (dropped "
                  "silently) nor both.",
                  "SELECT r.doc_id FROM raw_documents r LEFT JOIN (SELECT doc_id FROM articles UNION ALL "
                  "SELECT doc_id FROM rejected_documents WHERE stage = 'clean') o USING (doc_id) "
                  "GROUP BY r.doc_id HAVING count(o.doc_id) <> 1", "documents_without_one_outcome"),
    Invariant("near_duplicates_point_to_earlier_articles", "articles",
                  "Every near_duplicate_of names another article that came earlier (by raw_documents.first_seen, "
                  "then doc_id): never a missing one, the article itself or a later one.",
                  "SELECT a.doc_id FROM articles a JOIN raw_documents r USING (doc_id) "
                  "LEFT JOIN raw_documents o ON o.doc_id = a.near_duplicate_of AND o.doc_id IN (SELECT doc_id FROM articles) "
                  "WHERE a.near_duplicate_of IS NOT NULL AND (o.doc_id IS NULL OR o.first_seen > r.first_seen "
                  "OR (o.first_seen = r.first_seen AND o.doc_id >= r.doc_id))", "bad_near_duplicate_links"),
    # Not blocking: a page can state a wrong date; that article is wrong, not the warehouse.
    Invariant("articles_published_date_plausible", "articles",
                  f"No article claims a publication date in the future or before {EARLIEST_PUBLISHED}.",
                  f"SELECT doc_id FROM articles WHERE published_date > current_date "
                  f"OR published_date < DATE '{EARLIEST_PUBLISHED}'", "implausible_dates", blocking=False),
    *[
        Invariant(f"{table}_offsets_match_text", table,
                  f"Every {table} row the latest facts run wrote slices its own text out of articles.text with its offsets.",
                  latest_rows_against_text(table, f"substring(a.text, t.start + 1, t.\"end\" - t.start) <> t.{column}"),
                  "mismatched_offsets")
        for table, column in [("entity_mentions", "text"), ("person_roles", "role"), ("amounts", "text"),
                              ("date_mentions", "text"), ("events", "sentence_text")]
    ],
    Invariant("quotes_offsets_match_text", "quotes",
                  "Every quotes row the latest facts run wrote starts at a quotation mark, and its quote is the "
                  "text between that mark and the closing one at end.",
                  latest_rows_against_text("quotes", QUOTE_MISMATCH), "mismatched_offsets"),
    Invariant("facts_name_known_entities", "events",
                  "Every entity id in article_entities, entity_mentions, person_roles (people and organisations), "
                  "quotes and events is in entities.",
                  "SELECT entity_id FROM entity_mentions UNION ALL SELECT entity_id FROM person_roles "
                  "UNION ALL SELECT organisation_entity_id FROM person_roles WHERE organisation_entity_id IS NOT NULL "
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
    *[
        Invariant(f"{table}_unique", table,
                  f"One row per ({NATURAL_KEYS[table]}) in the {table} rows the latest facts run wrote.",
                  f"SELECT {NATURAL_KEYS[table]} FROM {table} WHERE doc_id IN {LATEST_EXTRACTION} "
                  "GROUP BY ALL HAVING count(*) > 1", "duplicated_rows")
        for table in derive.PER_ARTICLE_TABLES
    ],
    Invariant("fact_tables_hold_recorded_rows", "article_extractions",
                  "Each per-article fact table holds as many rows as the facts runs wrote (article_extractions "
                  "counts them per article): a table emptied, or rows lost or doubled after the write, shows.",
                  " UNION ALL ".join(f"SELECT '{table}' AS fact_table WHERE (SELECT count(*) FROM {table}) <> "
                                     f"(SELECT coalesce(sum({table}_rows), 0) FROM article_extractions)"
                                     for table in derive.PER_ARTICLE_TABLES), "tables_not_as_recorded"),
    Invariant("every_article_has_current_facts", "article_extractions",
                  "Each article has exactly one article_extractions row, made from its current text by the current extraction code.",
                  "SELECT doc_id FROM articles a LEFT JOIN article_extractions e USING (doc_id) "
                  "GROUP BY doc_id HAVING count(e.doc_id) <> 1 "
                  "OR bool_or(e.cleaning_version IS DISTINCT FROM a.cleaning_version "
                  "OR e.extraction_version <> getvariable('extraction_version'))",
                  "articles_without_current_facts"),
]


def constraint_invariants() -> list[Invariant]:
    """The PRIMARY KEY and CHECK constraints of sql/tables as checks. A DuckDB file refuses a write
    that breaks them, so there they could never fail; a DuckLake does not enforce them
    (pipelines/lake.py), so on a lake they are checked after each run instead."""
    found = []
    for table in tables():
        for column in re.findall(r"^\s+(\w+)\s+[^,\n]*\bPRIMARY KEY", table.ddl, re.MULTILINE):
            found.append(Invariant(
                f"{table.name}_unique_{column}", table.name, f"{column} is unique in {table.name}.",
                f"SELECT {column} FROM {table.name} GROUP BY {column} HAVING count(*) > 1", "duplicated_keys"))
        for column, condition in re.findall(r"^\s+(\w+)\s+[^\n]*?\bCHECK\s*\(((?:[^()]|\([^()]*\))*)\)",
                                            table.ddl, re.MULTILINE):
            found.append(Invariant(
                f"{table.name}_{column}_valid", table.name, f"Every {table.name}.{column} satisfies {condition}.",
                f"SELECT {column} FROM {table.name} WHERE NOT ({condition})", "invalid_values"))
    return found


def invariants(in_lake: bool) -> list[Invariant]:
    """What the checks test: the invariants, and in a lake the constraints it does not enforce."""
    return INVARIANTS + (constraint_invariants() if in_lake else [])


def offending_rows(con: duckdb.DuckDBPyConnection, invariants: list[Invariant] = INVARIANTS) -> dict[str, int]:
    """{name: offending rows} of each invariant on a warehouse connection: what the checks
    report, without Dagster."""
    # The version the facts step derives with, read now, as the facts step reads it.
    con.execute("SET VARIABLE extraction_version = ?", [derive.EXTRACTION_VERSION])
    return {i.name: con.execute(f"SELECT count(*) FROM ({i.sql})").fetchall()[0][0] for i in invariants}


def invariant_checks(producer: str, in_lake: bool) -> dg.AssetChecksDefinition:
    """The invariants of the tables one asset step produces, as one check step: a step per check
    would cost more in Dagster's bookkeeping than the queries do."""
    produced = set(table_names(producer))
    checked = [i for i in invariants(in_lake) if i.asset in produced]

    # In the writers' pool: they read the working copy, which only the writers' steps open.
    @dg.multi_asset_check(name=f"{producer}_invariants", pool=WRITER_POOL,
                          specs=[dg.AssetCheckSpec(i.name, asset=i.asset, description=i.description, blocking=i.blocking)
                                 for i in checked])
    def _checks(warehouse: WarehouseResource):
        with reading(working_copy(warehouse.settings().target)) as con:
            counts = offending_rows(con, checked)
        for invariant in checked:
            count = counts[invariant.name]
            yield dg.AssetCheckResult(check_name=invariant.name, asset_key=invariant.asset, passed=count == 0,
                                      metadata={invariant.metric: count})

    return _checks


def all_checks(in_lake: bool) -> list[dg.AssetChecksDefinition]:
    """One check step per producing asset, built with the definitions (not at import, so that a
    test building the definitions exercises it)."""
    return [invariant_checks("ingest", in_lake), invariant_checks("facts", in_lake)]
