"""The gate between a run and the snapshot analysts read (pipelines/publishing.py): an article
whose extraction breaks is left out with its reason and the rest is published; rows that break
an invariant anyway keep the whole run from being published, the run exits 1 naming the check
and the rows, and the next run judges them again instead of passing over them."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from conftest import SAMPLE_DIR, SEED_FILES
from pipelines import derive
from pipelines.cli import main
from pipelines.extraction import facts as extraction
from pipelines.publishing import VIEWS, last_verdict
from pipelines.warehouse import contents, reading, unpublished_since, working_copy

pytestmark = pytest.mark.slow


def story(marker: str, place: str) -> str:
    """A plain-text article of its own, naming `marker` (how a patched extraction finds it)."""
    return (f"Officials meet in {place}\n\n"
            f"The defence ministers of two countries met in {place} on Tuesday to discuss {marker} and border "
            "security, officials said after talks that lasted four hours.\n\n"
            f"\u201cWe agreed on 12 measures that will take effect before the winter,\u201d one minister told "
            f"reporters after the meeting in {place}.\n\n"
            "The plan will cost about $40 million over three years, according to a statement published by the "
            "government.\n")


@pytest.fixture
def landing(tmp_path, monkeypatch) -> tuple[list[str], Path]:
    """The CLI's arguments for a run of the sample into a temporary warehouse, and the warehouse."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in SEED_FILES:
        shutil.copy(SAMPLE_DIR / name, raw / name)
    warehouse = tmp_path / "warehouse" / "news.duckdb"
    return ["run", "--raw", str(raw), "--warehouse", str(warehouse)], warehouse


def published_views(warehouse: Path) -> set[str]:
    with reading(warehouse) as con:
        return {name for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}


def test_an_article_that_breaks_extraction_is_left_out_with_its_reason_and_the_rest_published(landing, monkeypatch, capsys):
    run, warehouse = landing
    raw = Path(run[2])
    (raw / "raises.txt").write_text(story("Xylophone tariffs", "Riga"))
    (raw / "doubles.txt").write_text(story("Quokka imports", "Vilnius"))
    original = extraction.extract_facts

    def broken(articles: pl.DataFrame) -> dict[str, pl.DataFrame]:
        if articles["text"].str.contains("Xylophone").any():
            raise ValueError("a parser choked on this text")
        tables = original(articles)
        doubled = tables["entity_mentions"].filter(pl.col("doc_id").is_in(
            articles.filter(pl.col("text").str.contains("Quokka"))["doc_id"].implode()))
        return {**tables, "entity_mentions": pl.concat([tables["entity_mentions"], doubled.head(1)])}

    monkeypatch.setattr(extraction, "extract_facts", broken)
    assert main(run) == 0
    output = capsys.readouterr().out
    assert "Facts left out this run" in output and "raises.txt" in output and "doubles.txt" in output
    with reading(warehouse) as con:
        left_out = dict(con.execute(
            "SELECT r.paths[1], e.left_out_reason FROM article_extractions e JOIN raw_documents r USING (doc_id) "
            "WHERE e.left_out_reason IS NOT NULL").fetchall())
        assert left_out == {
            "raises.txt": "extraction failed: ValueError: a parser choked on this text",
            "doubles.txt": left_out["doubles.txt"],
        }
        assert left_out["doubles.txt"].startswith("entity_mentions: ") and "share a key" in left_out["doubles.txt"]
        # The left-out articles have no rows; every other article has its facts.
        assert con.execute("SELECT count(*) FROM entity_mentions WHERE doc_id IN (SELECT doc_id FROM article_extractions "
                           "WHERE left_out_reason IS NOT NULL)").fetchall() == [(0,)]
        assert con.execute("SELECT count(DISTINCT doc_id) FROM entity_mentions").fetchall() == [(len(SEED_FILES),)]
    assert published_views(warehouse) == {view.name for view in VIEWS}
    status = capsys.readouterr()
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    status = capsys.readouterr().out
    assert "Articles whose facts were left out" in status and "a parser choked on this text" in status


def test_a_failed_check_keeps_the_snapshot_and_is_judged_again_until_repaired(landing, monkeypatch, capsys):
    run, warehouse = landing
    assert main(run) == 0
    before = contents(warehouse)
    (Path(run[2]) / "new.txt").write_text(story("Xylophone tariffs", "Riga"))
    write = derive._write

    def doubling_write(con, *args):
        """A write that duplicates a row after extraction checked it: only the gate can see it."""
        write(con, *args)
        con.execute("INSERT INTO entity_mentions SELECT * FROM entity_mentions WHERE doc_id = "
                    "(SELECT max(doc_id) FROM article_extractions WHERE extracted_at = (SELECT max(extracted_at) "
                    "FROM article_extractions)) LIMIT 1")

    monkeypatch.setattr(derive, "_write", doubling_write)
    capsys.readouterr()
    assert main(run) == 1
    output = capsys.readouterr().out
    assert "Check entity_mentions_unique failed: 1 duplicated_rows" in output
    assert "copies=2" in output  # the offending row itself
    assert "Not published" in output
    assert contents(warehouse) == before  # analysts see exactly what they saw
    assert unpublished_since(warehouse) is not None
    assert last_verdict(warehouse)["failed"]["entity_mentions_unique"]["rows"] == 1

    # Nothing new, same broken write: the run judges the unpublished rows again and fails again.
    assert main(run) == 1
    output = capsys.readouterr().out
    assert "Not published" in output and "entity_mentions_unique" in output
    assert contents(warehouse) == before

    # The write mended: the run extracts the unpublished articles again, passes and publishes.
    monkeypatch.setattr(derive, "_write", write)
    assert main(run) == 0
    after = contents(warehouse)
    assert len(after["articles"]) == len(before["articles"]) + 1
    assert unpublished_since(warehouse) is None and last_verdict(warehouse)["published"]
    with reading(warehouse) as con:
        assert con.execute("SELECT count(*) FROM (SELECT doc_id, start, \"end\" FROM entity_mentions "
                           "GROUP BY ALL HAVING count(*) > 1)").fetchall() == [(0,)]
    assert published_views(warehouse) == {view.name for view in VIEWS}


def test_a_first_run_that_fails_publishes_nothing_and_the_next_good_one_has_every_view(landing, monkeypatch, capsys):
    run, warehouse = landing
    write = derive._write

    def emptying_write(con, *args):
        write(con, *args)
        con.execute("DELETE FROM quotes")

    monkeypatch.setattr(derive, "_write", emptying_write)
    assert main(run) == 1
    assert "fact_tables_hold_recorded_rows" in capsys.readouterr().out
    assert not warehouse.exists() and working_copy(warehouse).exists()
    monkeypatch.setattr(derive, "_write", write)
    assert main(run) == 0
    assert published_views(warehouse) == {view.name for view in VIEWS}
    with reading(warehouse) as con:
        assert con.execute("SELECT count(*) FROM quotes").fetchall()[0][0] > 0


def test_an_ingest_check_that_fails_publishes_nothing_and_status_says_why(landing, monkeypatch, capsys):
    from pipelines import refresh

    run, warehouse = landing
    assert main(run) == 0
    before = contents(warehouse)
    (Path(run[2]) / "new.txt").write_text(story("Xylophone tariffs", "Riga"))
    link = refresh.mark_near_duplicates

    def self_linking(con, new_ids, removed_ids):
        link(con, new_ids, removed_ids)
        con.execute("UPDATE articles SET near_duplicate_of = doc_id WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [new_ids])

    monkeypatch.setattr(refresh, "mark_near_duplicates", self_linking)
    capsys.readouterr()
    assert main(run) == 1
    output = capsys.readouterr().out
    assert "Check near_duplicates_point_to_earlier_articles failed: 1 bad_near_duplicate_links" in output
    assert "Not published" in output
    assert contents(warehouse) == before
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    status = capsys.readouterr().out
    assert "Not published" in status and "near_duplicates_point_to_earlier_articles: 1 rows" in status
