"""Runs that cost what is new: unchanged files are not read, facts are derived only for new or
changed articles, and any sequence of runs gives the same warehouse as a fresh build."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEED_FILES, content_snapshot, fetch, run_job, snapshot, varied_article
from pipelines import derive, ingest
from pipelines.derive import derive_facts
from pipelines.refresh import Progress, load_state, refresh_warehouse
from pipelines.publishing import publish_if_sound
from pipelines.settings import Settings
from pipelines.warehouse import reading, working_copy


def add_varied(raw_dir: Path, numbers: range) -> None:
    for n in numbers:
        (raw_dir / "varied" / f"article_{n:04d}.html").parent.mkdir(exist_ok=True)
        (raw_dir / "varied" / f"article_{n:04d}.html").write_text(varied_article(n))


def fresh_build(settings: Settings, tmp_path: Path) -> Settings:
    """The same files built by one run into a new warehouse."""
    fresh = Settings(raw_dir=tmp_path / "fresh_raw", warehouse=tmp_path / "fresh" / "news.duckdb", workers=1)
    shutil.copytree(settings.raw_dir, fresh.raw_dir, symlinks=True)
    run_job(fresh)
    return fresh


def test_any_sequence_of_runs_equals_a_fresh_build(settings, tmp_path, monkeypatch):
    run_job(settings)
    add_varied(settings.raw_dir, range(6))
    (settings.raw_dir / "broken.html").write_bytes(b"\x89PNG\r\n\x1a\n not an article")
    run_job(settings)
    assert fetch(settings, "SELECT count(*) FROM article_extractions") == [(len(SEED_FILES) + 6,)]
    assert fetch(settings, "SELECT count(*) FROM articles WHERE near_duplicate_of IS NOT NULL") == [(0,)]

    seed = settings.raw_dir / "varied" / "article_0002.html"
    seed.write_text(seed.read_text().replace("on Tuesday", "on Wednesday"))  # rewritten: replaces its rows
    shutil.copy(settings.raw_dir / "varied" / "article_0003.html", settings.raw_dir / "copy_of_3.html")
    (settings.raw_dir / "broken.html").write_text(varied_article(100))  # a rejected file fixed
    add_varied(settings.raw_dir, range(6, 8))
    run_job(settings)
    assert fetch(settings, "SELECT count(*) FROM rejected_documents") == [(0,)]
    assert content_snapshot(settings) == content_snapshot(fresh_build(settings, tmp_path))


def test_a_new_extraction_version_re_derives_every_article(settings, tmp_path, monkeypatch):
    add_varied(settings.raw_dir, range(3))
    run_job(settings)
    monkeypatch.setattr(derive, "EXTRACTION_VERSION", "next")
    run_job(settings)
    assert fetch(settings, "SELECT DISTINCT extraction_version FROM article_extractions") == [("next",)]
    assert content_snapshot(settings) == content_snapshot(fresh_build(settings, tmp_path))


def test_a_new_cleaning_version_re_cleans_and_re_derives_every_article(settings, tmp_path, monkeypatch):
    add_varied(settings.raw_dir, range(2))
    run_job(settings)
    monkeypatch.setattr("pipelines.cleaning.CLEANING_VERSION", "next")
    monkeypatch.setattr("pipelines.refresh.CLEANING_VERSION", "next")
    run_job(settings)
    assert fetch(settings, "SELECT DISTINCT cleaning_version FROM articles") == [("next",)]
    assert fetch(settings, "SELECT DISTINCT cleaning_version FROM article_extractions") == [("next",)]
    assert content_snapshot(settings) == content_snapshot(fresh_build(settings, tmp_path))


def test_a_run_loads_the_stored_state_of_the_documents_its_files_touch_only(settings):
    """The plan's state is what the new files name, not the whole warehouse (which may hold
    100,000 articles)."""
    run_job(settings)
    add_varied(settings.raw_dir, range(1))
    new_file = settings.raw_dir / "varied" / "article_0000.html"
    outcome = ingest.read_source(new_file, "varied/article_0000.html")
    copy_of_stored = ingest.read_source(settings.raw_dir / SEED_FILES[0], "copy.txt")
    state = load_state(working_copy(settings.warehouse), [outcome, copy_of_stored], set())
    assert set(state.paths_by_doc) == {copy_of_stored.documents[0].doc_id}
    assert state.paths_by_doc[copy_of_stored.documents[0].doc_id] == [SEED_FILES[0]]


class RecordedProgress(Progress):
    """Every phase a refresh announces, with its total and how far it advanced."""

    def __init__(self) -> None:
        self.phases: list[list] = []

    def start(self, phase: str, total: int) -> None:
        self.phases.append([phase, total, 0])

    def advance(self, n: int = 1) -> None:
        self.phases[-1][2] += n


def test_every_progress_phase_ends_at_its_total_when_new_and_re_cleaned_documents_mix(settings, monkeypatch):
    add_varied(settings.raw_dir, range(2))
    run_job(settings)
    monkeypatch.setattr("pipelines.cleaning.CLEANING_VERSION", "next")
    monkeypatch.setattr("pipelines.refresh.CLEANING_VERSION", "next")
    add_varied(settings.raw_dir, range(2, 5))
    progress = RecordedProgress()
    refresh_warehouse(settings, progress, log=lambda message: None)
    derive_facts(settings, progress, log=lambda message: None)
    publish_if_sound(settings, log=lambda message: None)
    stored = fetch(settings, "SELECT count(*) FROM raw_documents")[0][0]
    assert [phase for phase, _, _ in progress.phases] == [
        "Reading new or changed raw files", "Cleaning documents", "Writing to the warehouse",
        "Extracting facts", "Writing facts to the warehouse"]
    assert progress.phases[1][1] == stored  # 3 new documents and every stored one cleaned again
    assert all(done == total for _, total, done in progress.phases), progress.phases


def test_unchanged_files_are_not_read_and_a_no_op_run_writes_nothing(settings, monkeypatch):
    run_job(settings)
    add_varied(settings.raw_dir, range(2))
    run_job(settings)
    before, size, modified = snapshot(settings), settings.warehouse.stat().st_size, settings.warehouse.stat().st_mtime_ns
    read = []
    monkeypatch.setattr("pipelines.refresh.read_source", lambda path, *a, **k: read.append(path) or ingest.read_source(path, *a, **k))
    result = run_job(settings)
    assert read == []
    assert snapshot(settings) == before
    assert (settings.warehouse.stat().st_size, settings.warehouse.stat().st_mtime_ns) == (size, modified)
    # The refresh vouches that articles and facts are current (what their freshness policies
    # read), with nothing changed; the views and the briefing stay as they were.
    materialized = {e.asset_key.to_user_string(): e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert "articles" in materialized and materialized["entities"]["articles_changed"].value == 0
    assert "quotes_by_speaker" not in materialized and "briefing" not in materialized

    touched = settings.raw_dir / "varied" / "article_0001.html"
    os.utime(touched, ns=(time.time_ns(), time.time_ns()))  # touched, same bytes: read, nothing else changes
    (settings.raw_dir / "varied" / "article_0005.html").write_text(varied_article(5))
    run_job(settings)
    assert sorted(Path(p).name for p in read) == ["article_0001.html", "article_0005.html"]
    assert fetch(settings, "SELECT count(*) FROM article_extractions") == [(len(SEED_FILES) + 3,)]
    assert fetch(settings, "SELECT modified_ns FROM raw_files WHERE path = 'varied/article_0001.html'") == [
        (touched.stat().st_mtime_ns,)]


def test_adding_articles_never_changes_existing_entity_ids_or_re_extracts_them(settings):
    add_varied(settings.raw_dir, range(4))
    run_job(settings)
    entity_ids = {row[0] for row in fetch(settings, "SELECT entity_id FROM entities")}
    extracted = dict(fetch(settings, "SELECT doc_id, extracted_at FROM article_extractions"))
    add_varied(settings.raw_dir, range(4, 6))
    run_job(settings)
    assert entity_ids <= {row[0] for row in fetch(settings, "SELECT entity_id FROM entities")}
    after = dict(fetch(settings, "SELECT doc_id, extracted_at FROM article_extractions"))
    assert {doc: after[doc] for doc in extracted} == extracted
    assert len(after) == len(extracted) + 2


def test_staged_facts_of_an_interrupted_run_are_used_by_the_next(settings, tmp_path, monkeypatch):
    add_varied(settings.raw_dir, range(5))
    run_job(settings)
    before = snapshot(settings)
    monkeypatch.setattr(derive, "PART_ARTICLES", 2)
    monkeypatch.setattr(derive, "BATCH_SIZE", 1)
    add_varied(settings.raw_dir, range(5, 10))
    real_write = derive._write

    def killed(*args, **kwargs):
        raise RuntimeError("killed between staging and the final write")
    monkeypatch.setattr(derive, "_write", killed)
    with pytest.raises(RuntimeError, match="killed"):
        run_job(settings)
    assert snapshot(settings) == before  # a failed run publishes nothing
    with reading(working_copy(settings.warehouse)) as con:  # where the refresh did write its articles
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(len(SEED_FILES) + 10,)]
        assert con.execute("SELECT count(*) FROM article_extractions").fetchall() == [(len(SEED_FILES) + 5,)]
    monkeypatch.setattr(derive, "_write", real_write)
    summary = derive_facts(settings, log=lambda message: None)
    assert (summary.resumed, summary.extracted) == (5, 0)
    assert publish_if_sound(settings, log=lambda message: None).published_seconds is not None
    assert content_snapshot(settings) == content_snapshot(fresh_build(settings, tmp_path))


@pytest.mark.slow
def test_killed_facts_step_leaves_the_facts_whole_and_the_next_run_completes(settings, tmp_path):
    run_job(settings)
    add_varied(settings.raw_dir, range(400))
    env = {**os.environ, "NEWS_WAREHOUSE_RAW": str(settings.raw_dir), "NEWS_WAREHOUSE_DB": str(settings.warehouse),
           "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    run = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    staging = settings.warehouse.with_name(f".{settings.warehouse.name}.facts")
    deadline = time.monotonic() + 180
    while not staging.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert staging.exists(), "the run never reached its facts step"
    time.sleep(1.0)
    os.killpg(run.pid, signal.SIGKILL)  # the run and its extraction workers, mid-extraction
    run.wait()
    assert fetch(settings, "SELECT count(*) FROM articles") == [(len(SEED_FILES),)]  # nothing of the killed run is published
    with reading(working_copy(settings.warehouse)) as con:  # the refresh committed, the facts did not
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(400 + len(SEED_FILES),)]
        assert con.execute("SELECT count(*) FROM article_extractions").fetchall() == [(len(SEED_FILES),)]
        assert con.execute("SELECT count(DISTINCT doc_id) FROM entity_mentions").fetchall() == [(len(SEED_FILES),)]
    again = subprocess.run([sys.executable, "-m", "pipelines.cli", "run"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert not staging.exists()
    assert content_snapshot(settings) == content_snapshot(fresh_build(settings, tmp_path))
