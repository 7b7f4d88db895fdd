"""The invariants an analyst relies on when querying the warehouse, as SQL that finds the rows
breaking them. No Dagster here: pipelines/publishing.py judges a run's working copy by them before
publishing it, and pipelines/assets/checks.py reports them as asset checks."""

import re
from dataclasses import dataclass
from datetime import datetime

import duckdb

from pipelines import derive
from pipelines.cleaning import EARLIEST_PUBLISHED as EARLIEST_PUBLISHED_DAY
from pipelines.extraction import integrity
from pipelines.warehouse import tables


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


# Rows never change once written, and the snapshot analysts read is published only after every
# blocking check passed on it (pipelines/publishing.py). So per-row checks look at the articles
# whose facts were written since then, in the run being judged or in earlier runs whose checks
# failed: at 100,000 articles checking every row on every run would cost seconds.
UNVERIFIED_EXTRACTIONS = "(SELECT doc_id FROM article_extractions WHERE extracted_at >= getvariable('unverified_since'))"
# Publication dates before this are misreadings (cleaning drops them), not news.
EARLIEST_PUBLISHED = EARLIEST_PUBLISHED_DAY.isoformat()
# The columns that identify one row of each per-article fact table, in SQL.
NATURAL_KEYS = {table: ", ".join(f'"{c}"' if c == "end" else c for c in columns)
                for table, columns in integrity.NATURAL_KEYS.items()}


def _sql_string(text: str) -> str:
    """`text` as an SQL string literal (the straight single mark is one of the quote marks)."""
    return "'" + text.replace("'", "''") + "'"


# A quote's text is what lies between its marks; one continued in the next paragraph has no
# closing mark, and its trailing white space is dropped (pipelines/extraction/quotes.py).
QUOTE_MISMATCH = (
    f"""substring(a.text, t.start + 1, 1) NOT IN ({", ".join(_sql_string(mark) for mark in integrity.OPENING_MARKS)}) """
    """OR t.quote NOT IN ("""
    """substring(a.text, t.start + 2, t."end" - t.start - 2), """
    r"""regexp_replace(substring(a.text, t.start + 2, t."end" - t.start - 1), '[\s\v\x{85}\p{Z}]+$', ''))"""
)


def unverified_rows_against_text(table: str, mismatch: str) -> str:
    """The unverified rows of `table` (as `t`) whose article (as `a`) fails to agree with them by
    `mismatch`."""
    return (f"SELECT t.* FROM (SELECT * FROM {table} WHERE doc_id IN {UNVERIFIED_EXTRACTIONS}) t "
            f"JOIN (SELECT doc_id, text FROM articles WHERE doc_id IN {UNVERIFIED_EXTRACTIONS}) a USING (doc_id) "
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
                  f"Every {table} row not yet verified slices its own text out of articles.text with its offsets.",
                  unverified_rows_against_text(table, f"substring(a.text, t.start + 1, t.\"end\" - t.start) <> t.{column}"),
                  "mismatched_offsets")
        for table, column in integrity.SLICED_COLUMNS.items()
    ],
    Invariant("quotes_offsets_match_text", "quotes",
                  "Every quotes row not yet verified starts at a quotation mark, and its quote is the "
                  "text between that mark and the closing one at end.",
                  unverified_rows_against_text("quotes", QUOTE_MISMATCH), "mismatched_offsets"),
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
                  f"One row per ({NATURAL_KEYS[table]}) in the {table} rows not yet verified.",
                  f"SELECT {NATURAL_KEYS[table]}, count(*) AS copies FROM {table} WHERE doc_id IN {UNVERIFIED_EXTRACTIONS} "
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


# Offending rows a failed check shows, in its metadata and in `news-warehouse run` and `status`.
EXAMPLES = 3


def offending_rows(con: duckdb.DuckDBPyConnection, invariants: list[Invariant] = INVARIANTS,
                   unverified_since: datetime | None = None) -> dict[str, int]:
    """{name: offending rows} of each invariant on a warehouse connection: what the checks
    report, without Dagster. Per-row checks look at the facts written since `unverified_since`
    (every row when it is None)."""
    # The version the facts step derives with, read now, as the facts step reads it.
    con.execute("SET VARIABLE extraction_version = ?", [derive.EXTRACTION_VERSION])
    con.execute("SET VARIABLE unverified_since = ?::TIMESTAMP", [unverified_since or datetime.min])
    return {i.name: con.execute(f"SELECT count(*) FROM ({i.sql})").fetchall()[0][0] for i in invariants}


def offending_examples(con: duckdb.DuckDBPyConnection, invariant: Invariant) -> list[str]:
    """The first EXAMPLES rows `invariant` finds, each as one line (call after offending_rows,
    which sets the variables the SQL reads)."""
    result = con.execute(f"SELECT * FROM ({invariant.sql}) LIMIT {EXAMPLES}")
    names = [d[0] for d in result.description]
    return [", ".join(f"{name}={_shortened(value)}" for name, value in zip(names, row, strict=True))
            for row in result.fetchall()]


def _shortened(value, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def produced_by(producer: str, in_lake: bool = False) -> list[Invariant]:
    """The invariants of the tables one asset step produces."""
    produced = {table.name for table in tables() if table.producer == producer}
    return [i for i in invariants(in_lake) if i.asset in produced]
