"""The DuckLake backend: the same job into a lake gives the same rows as into a DuckDB file."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import SEED_FILES, content_snapshot, fetch, run_job
from pipelines.assets.checks import check_specs, lake_checks
from pipelines.invariants import INVARIANTS, constraint_invariants, offending_rows
from pipelines.lake import Lake, lake_ddl
from pipelines.warehouse import connect, tables

pytest.importorskip("duckdb_ext", reason="the DuckLake extensions come with the scale-out extra")


@pytest.fixture
def lake_settings(settings, tmp_path):
    """The sample into a lake whose catalog is a local DuckDB file (no server needed)."""
    return replace(settings, lake=Lake(str(tmp_path / "lake" / "catalog.ducklake"), str(tmp_path / "lake" / "data") + "/"))


def test_the_lake_holds_the_same_rows_as_the_file_after_a_run_and_a_rerun(settings, lake_settings, tmp_path):
    run_job(settings)
    run_job(lake_settings)
    expected = content_snapshot(settings)
    assert content_snapshot(lake_settings) == expected
    assert sum(len(rows) for rows in expected.values()) > 100
    result = run_job(lake_settings)  # nothing new: nothing changes, every check passes
    assert content_snapshot(lake_settings) == expected
    assert all(check.passed for check in result.get_asset_check_evaluations())
    assert list((tmp_path / "lake" / "data").rglob("*.parquet"))
    assert not settings.warehouse.with_name("lake-data").exists()


def test_a_changed_file_replaces_its_rows_in_the_lake(lake_settings):
    run_job(lake_settings)
    before = {doc_id for (doc_id,) in fetch(lake_settings, "SELECT doc_id FROM articles")}
    first = min(lake_settings.raw_dir.iterdir())
    first.write_text(first.read_text() + "\nThe talks will continue in Minsk next week, the ministry said.\n")
    result = run_job(lake_settings)
    after = {doc_id for (doc_id,) in fetch(lake_settings, "SELECT doc_id FROM articles")}
    assert len(after) == len(SEED_FILES) and len(before - after) == 1 and len(after - before) == 1
    gone = (before - after).pop()
    assert fetch(lake_settings, "SELECT count(*) FROM entity_mentions WHERE doc_id = ?", [gone]) == [(0,)]
    assert all(check.passed for check in result.get_asset_check_evaluations())


# What a lake lets through that a DuckDB file's constraints refuse, one per constraint check.
CONSTRAINT_BREAKS = {
    "raw_files_unique_path": "INSERT INTO raw_files SELECT * FROM raw_files LIMIT 1",
    "raw_documents_unique_doc_id": "INSERT INTO raw_documents SELECT * FROM raw_documents LIMIT 1",
    "articles_unique_doc_id": "INSERT INTO articles SELECT * FROM articles LIMIT 1",
    "events_kind_valid": "UPDATE events SET kind = 'picnic' WHERE rowid IN (SELECT rowid FROM events LIMIT 1)",
}


def test_each_constraint_a_lake_does_not_enforce_is_checked(lake_settings):
    run_job(lake_settings)
    checked = constraint_invariants()
    assert set(CONSTRAINT_BREAKS) == {i.name for i in checked}
    for name, corruption in CONSTRAINT_BREAKS.items():
        con = connect(lake_settings.lake, read_only=False)
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(corruption)
            found = offending_rows(con, checked)
            con.execute("ROLLBACK")
        finally:
            con.close()
        assert {check for check, count in found.items() if count} == {name}


def test_a_lake_runs_each_constraint_check_on_the_table_it_guards_and_says_what_it_checks():
    on_file = {spec.name for spec in check_specs(INVARIANTS)}
    lake_only = {spec.name: (spec.asset_key.to_user_string(), spec.description)
                 for checks in lake_checks() for spec in checks.check_specs if spec.name not in on_file}
    assert {name: table for name, (table, _) in lake_only.items()} == {
        "raw_files_unique_path": "raw_files", "raw_documents_unique_doc_id": "raw_documents",
        "articles_unique_doc_id": "articles", "events_kind_valid": "events"}
    assert lake_only["raw_documents_unique_doc_id"][1] == "doc_id is unique in raw_documents."
    assert lake_only["events_kind_valid"][1].startswith("Every events.kind satisfies kind IN ('meeting', ")
    # The metadata key a failed check reports its count under, in the UI and the run's log.
    assert {i.name: i.metric for i in constraint_invariants()} == {
        "raw_files_unique_path": "duplicated_keys", "raw_documents_unique_doc_id": "duplicated_keys",
        "articles_unique_doc_id": "duplicated_keys", "events_kind_valid": "invalid_values"}


def test_lake_ddl_drops_only_the_constraints_ducklake_refuses():
    ddl = {t.name: lake_ddl(t.ddl) for t in tables()}
    assert "PRIMARY KEY" not in " ".join(ddl.values()) and "CHECK" not in " ".join(ddl.values())
    assert "kind              VARCHAR NOT NULL," in ddl["events"]
    assert "doc_id             VARCHAR," in ddl["articles"]


@pytest.mark.slow
def test_a_lake_with_its_catalog_in_postgresql_holds_the_same_rows_as_the_file(settings, postgres_catalog, tmp_path):
    lake_settings = replace(settings, lake=Lake(postgres_catalog, str(tmp_path / "shared" / "data") + "/"))
    run_job(settings)
    run_job(lake_settings)
    assert content_snapshot(lake_settings) == content_snapshot(settings)


def test_a_plan_that_read_the_lake_before_another_plan_committed_plans_again(lake_settings, monkeypatch):
    """Two runs that read raw/ at once both find the same new files; the one that writes second
    must not store them again."""
    from pipelines import shards

    read_and_plan = shards.read_and_plan
    calls, other = [], []

    def read_then_let_another_plan_commit(*args, **kwargs):
        calls.append(args)
        result = read_and_plan(*args, **kwargs)
        if len(calls) == 1:  # the other plan reads and commits before this one writes
            other.append(shards.plan_lake_refresh(lake_settings, shards=2))
        return result

    monkeypatch.setattr(shards, "read_and_plan", read_then_let_another_plan_commit)
    plan = shards.plan_lake_refresh(lake_settings, shards=2)
    other = other[0]
    assert other.summary.new_documents == len(SEED_FILES) and other.conflicts == 0
    assert plan.conflicts == 1 and plan.summary.new_documents == 0
    assert fetch(lake_settings, "SELECT count(*), count(DISTINCT doc_id) FROM raw_documents") == [(len(SEED_FILES), len(SEED_FILES))]
    assert fetch(lake_settings, "SELECT count(*), count(DISTINCT key) FROM work_queue WHERE stage = 'clean'") == [(len(SEED_FILES), len(SEED_FILES))]
