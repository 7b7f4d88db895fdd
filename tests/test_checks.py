"""The checks catch what they guard: each invariant fails on a copy of the sample warehouse
corrupted the way it guards against, the clean build passes them all, and a failed blocking
check fails the run."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import SAMPLE_DIR, SEED_FILES, run_job
from pipelines.invariants import INVARIANTS, offending_rows
from pipelines.derive import PER_ARTICLE_TABLES
from pipelines.settings import Settings
from pipelines.warehouse import reading, working_copy

FIRST_ARTICLE = "(SELECT min(doc_id) FROM articles)"
LAST_ARTICLE = "(SELECT max(doc_id) FROM articles)"
OFFSET_TABLES = ["entity_mentions", "quotes", "person_roles", "amounts", "date_mentions", "events"]

# (check, what goes wrong, SQL that does it to a fresh build of the sample, where every article is
# of the latest extraction and shares one first_seen).
CORRUPTIONS = [
    ("articles_have_raw_document", "raw document deleted under its article",
     f"DELETE FROM raw_documents WHERE doc_id = {FIRST_ARTICLE}"),
    ("raw_documents_have_one_outcome", "document dropped without a rejection",
     "INSERT INTO raw_documents SELECT * REPLACE ('dropped-' || doc_id AS doc_id) FROM raw_documents LIMIT 1"),
    ("raw_documents_have_one_outcome", "article also rejected",
     ("INSERT INTO rejected_documents SELECT r.paths[1], a.doc_id, 'clean', 'no article text', r.first_seen "
      "FROM articles a JOIN raw_documents r USING (doc_id) LIMIT 1")),
    ("near_duplicates_point_to_earlier_articles", "dangling",
     f"UPDATE articles SET near_duplicate_of = 'gone' WHERE doc_id = {LAST_ARTICLE}"),
    ("near_duplicates_point_to_earlier_articles", "itself",
     f"UPDATE articles SET near_duplicate_of = doc_id WHERE doc_id = {LAST_ARTICLE}"),
    ("near_duplicates_point_to_earlier_articles", "later article",
     f"UPDATE articles SET near_duplicate_of = {LAST_ARTICLE} WHERE doc_id = {FIRST_ARTICLE}"),
    ("articles_published_date_plausible", "tomorrow",
     f"UPDATE articles SET published_date = current_date + 1 WHERE doc_id = {FIRST_ARTICLE}"),
    ("articles_published_date_plausible", "before 1990",
     f"UPDATE articles SET published_date = DATE '1989-12-31' WHERE doc_id = {FIRST_ARTICLE}"),
    *[(f"{table}_offsets_match_text", "offsets shifted", f'UPDATE {table} SET start = start + 1, "end" = "end" + 1')
      for table in OFFSET_TABLES],
    ("facts_name_known_entities", "unknown organisation of a role",
     "UPDATE person_roles SET organisation_entity_id = 'ORGANIZATION:nobody' WHERE rowid = (SELECT min(rowid) FROM person_roles)"),
    ("facts_name_known_entities", "entity deleted",
     "DELETE FROM entities WHERE entity_id = (SELECT min(entity_id) FROM entity_mentions)"),
    ("facts_come_from_current_articles", "fact of a removed article",
     "INSERT INTO amounts SELECT * REPLACE ('gone' AS doc_id) FROM amounts LIMIT 1"),
    ("entities_unique_entity_id", "entity merged twice", "INSERT INTO entities SELECT * FROM entities LIMIT 1"),
    *[(f"{table}_unique", "row duplicated", f"INSERT INTO {table} SELECT * FROM {table} LIMIT 1")
      for table in PER_ARTICLE_TABLES],
    *[("fact_tables_hold_recorded_rows", f"{table} emptied", f"DELETE FROM {table}") for table in PER_ARTICLE_TABLES],
    ("every_article_has_current_facts", "facts of an older extraction",
     f"UPDATE article_extractions SET extraction_version = 'older' WHERE doc_id = {FIRST_ARTICLE}"),
    ("every_article_has_current_facts", "article without facts",
     f"DELETE FROM article_extractions WHERE doc_id = {FIRST_ARTICLE}"),
]


def copy_seeds(raw: Path) -> Path:
    """A landing zone holding the three sample articles, whatever else raw/ holds."""
    raw.mkdir()
    for name in SEED_FILES:
        shutil.copy(SAMPLE_DIR / name, raw / name)
    return raw


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory) -> Path:
    """The working copy of one fresh build of the sample, which the checks read."""
    root = tmp_path_factory.mktemp("checks")
    settings = Settings(raw_dir=copy_seeds(root / "raw"), warehouse=root / "news.duckdb", workers=2)
    run_job(settings)
    return working_copy(settings.warehouse)


def test_every_check_has_a_corruption_it_catches():
    assert {check for check, _, _ in CORRUPTIONS} == {invariant.name for invariant in INVARIANTS}


def test_the_sample_passes_every_check(sample_warehouse):
    with reading(sample_warehouse) as con:
        assert offending_rows(con) == {invariant.name: 0 for invariant in INVARIANTS}


@pytest.mark.parametrize(("check", "sql"), [pytest.param(check, sql, id=f"{check}: {what}") for check, what, sql in CORRUPTIONS])
def test_a_check_catches_its_corruption(sample_warehouse, tmp_path, check, sql):
    corrupted = tmp_path / "corrupted.duckdb"
    shutil.copyfile(sample_warehouse, corrupted)
    with duckdb.connect(str(corrupted)) as con:
        con.execute(sql)
        counts = offending_rows(con)
    assert counts[check] > 0, counts


def test_a_failed_blocking_check_fails_the_run_and_names_the_check(tmp_path, monkeypatch, capsys):
    from pipelines.cli import main

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    warehouse = tmp_path / "news.duckdb"
    run = ["run", "--raw", str(copy_seeds(tmp_path / "raw")), "--warehouse", str(warehouse)]
    assert main(run) == 0
    assert f"Checks: {len(INVARIANTS)} of {len(INVARIANTS)} passed" in capsys.readouterr().out
    with duckdb.connect(str(working_copy(warehouse))) as con:
        con.execute(f"UPDATE articles SET near_duplicate_of = doc_id WHERE doc_id = {FIRST_ARTICLE}")
    assert main(run) == 1
    output = capsys.readouterr().out
    assert "Check near_duplicates_point_to_earlier_articles failed: 1 bad_near_duplicate_links" in output
    assert "Step ingest failed" in output  # blocking: the run failed, the facts did not run
