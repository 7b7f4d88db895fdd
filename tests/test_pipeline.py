"""End to end: the real Dagster job materialized into a temporary warehouse."""

from __future__ import annotations

import gzip
import re
import shutil
from datetime import date

import duckdb

from conftest import ENGLISH_SEED_FILES, EXPECTED, ROOT, SEED_FILES, WAREHOUSE_OBJECTS, fetch, run_job, snapshot, warc_bytes
from pipelines.warehouse import working_copy

DEEP_HTML = "<html><body>" + "<div>" * 100_000 + "<p>deep</p>" + "</div>" * 100_000 + "</body></html>"
GOOD_HTML = """<html lang="en"><head><title>Minsk hosts CIS defence talks | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-06-24T09:30:00+00:00"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Minsk hosts CIS defence talks</h1>
<p>Defence ministers of the Commonwealth of Independent States met in Minsk on Tuesday to discuss joint exercises planned for the autumn, officials said.</p>
<p>The Belarusian minister said the talks covered air defence, training centres and the exchange of officers between the armed forces of the member states.</p>
<p>A joint statement is expected to be signed later this week after the delegations finish their work on the remaining documents.</p>
</article><footer>Copyright 2025 Example News. All rights reserved.</footer></body></html>"""


def test_sample_run_fills_every_table_and_view(settings):
    result = run_job(settings)
    assert fetch(settings, "SELECT count(*) FROM raw_documents") == [(len(SEED_FILES),)]
    assert fetch(settings, "SELECT count(*) FROM articles") == [(len(SEED_FILES),)]
    assert fetch(settings, "SELECT count(*) FROM rejected_documents") == [(0,)]
    titles = {row[0] for row in fetch(settings, "SELECT title FROM articles")}
    assert titles == {EXPECTED[name]["title"] for name in SEED_FILES}
    assert fetch(settings, "SELECT outlet, day, articles FROM articles_per_outlet_day WHERE outlet = 'BelTA'") == [
        ("BelTA", date(2025, 11, 28), 1)]
    assert all(check.passed for check in result.get_asset_check_evaluations())
    materialized = {e.asset_key.to_user_string(): e.materialization.metadata for e in result.get_asset_materialization_events()}
    # Every table and view, and the briefing page downstream of the views.
    assert set(materialized) == {*WAREHOUSE_OBJECTS, "briefing"}
    assert len(WAREHOUSE_OBJECTS) == 21
    assert materialized["articles"]["dagster/row_count"].value == len(SEED_FILES)
    assert materialized["articles"]["new"].value == len(SEED_FILES)
    # Every preview leads with what a person reads, and none shows a whole 64-character id.
    previews = {name: metadata["preview"].value for name, metadata in materialized.items() if "preview" in metadata}
    assert set(previews) == set(WAREHOUSE_OBJECTS)
    assert not [name for name, preview in previews.items() if re.search(r"\b[0-9a-f]{64}\b", preview)]
    leading = {name: preview.splitlines()[0].split("|")[1].strip() for name, preview in previews.items()}
    assert (leading["articles"], leading["quotes"], leading["person_roles"], leading["entities"]) == (
        "title", "speaker", "person", "canonical_name")
    assert (leading["quotes_by_speaker"], leading["who_met_whom"], leading["people_with_roles"]) == (
        "speaker", "person", "person")
    assert any(EXPECTED[name]["title"][:40] in previews["articles"] for name in SEED_FILES)
    uncommented = fetch(settings, "SELECT table_name, column_name FROM duckdb_columns() "
                                  "WHERE NOT internal AND (comment IS NULL OR comment = '') AND table_name NOT IN "
                                  "(SELECT view_name FROM duckdb_views())")
    assert uncommented == []


def test_rerun_with_nothing_new_changes_nothing(settings):
    run_job(settings)
    before = snapshot(settings)
    result = run_job(settings)
    assert snapshot(settings) == before
    metadata = {e.asset_key.to_user_string(): e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert metadata["raw_documents"]["new"].value == 0


def test_changed_file_replaces_its_rows_and_deleted_file_keeps_them(settings):
    run_job(settings)
    first, second = SEED_FILES[0], SEED_FILES[1]
    old_id = fetch(settings, "SELECT doc_id FROM raw_documents WHERE list_contains(paths, ?)", [first])[0][0]
    path = settings.raw_dir / first
    path.write_text(path.read_text().replace("192 search sites", "193 search sites"))
    (settings.raw_dir / second).unlink()
    run_job(settings)
    assert fetch(settings, "SELECT count(*) FROM articles WHERE doc_id = ?", [old_id]) == [(0,)]
    assert fetch(settings, "SELECT count(*) FROM raw_documents WHERE doc_id = ?", [old_id]) == [(0,)]
    texts = fetch(settings, "SELECT a.text FROM articles a JOIN raw_documents r USING (doc_id) WHERE list_contains(r.paths, ?)", [first])
    assert len(texts) == 1 and "193 search sites" in texts[0][0]
    assert fetch(settings, "SELECT count(*) FROM articles") == [(len(SEED_FILES),)]  # the deleted file's article stays


def test_copies_share_one_document_and_near_duplicates_point_to_the_earliest(settings):
    run_job(settings)
    seed = settings.raw_dir / ENGLISH_SEED_FILES[2]
    original = fetch(settings, "SELECT doc_id FROM raw_documents WHERE list_contains(paths, ?)", [ENGLISH_SEED_FILES[2]])[0][0]
    shutil.copy(seed, settings.raw_dir / "copy_of_seed.txt")
    near = seed.read_text().replace("Back to top button", "Back to top").replace("quickly as possible.", "quickly as possible!")
    (settings.raw_dir / "near_copy.txt").write_text(near)
    run_job(settings)
    assert fetch(settings, "SELECT len(paths) FROM raw_documents WHERE doc_id = ?", [original]) == [(2,)]
    linked = fetch(settings, "SELECT near_duplicate_of FROM articles a JOIN raw_documents r USING (doc_id) "
                             "WHERE list_contains(r.paths, 'near_copy.txt')")
    assert linked == [(original,)]
    assert fetch(settings, "SELECT count(*) FROM articles WHERE near_duplicate_of IS NOT NULL") == [(1,)]


def test_bad_inputs_are_set_aside_and_never_fail_the_run(settings):
    run_job(settings)
    before = fetch(settings, "SELECT doc_id, text FROM articles ORDER BY doc_id")
    raw = settings.raw_dir
    (raw / "empty.html").write_bytes(b"")
    (raw / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (raw / "garbage.txt").write_bytes(b'\x81\x8d\x8f\x90\x9d\x01\x02\x03\x04\x05' * 500)
    (raw / "truncated.html.gz").write_bytes(gzip.compress(GOOD_HTML.encode())[:-20])
    (raw / "menu.txt").write_text("Home\nNews\nSport\nContact us\n* About\n* Login\n")
    (raw / "deep.html").write_text(DEEP_HTML)
    (raw / "big.html").write_bytes(b"<html><body>" + b"<p>filler text</p>" * 3_000_000 + b"</body></html>")
    (raw / "good.html").write_text(GOOD_HTML)
    result = run_job(settings)
    rejected = dict(fetch(settings, "SELECT path, reason FROM rejected_documents"))
    assert "empty" in rejected["empty.html"]
    assert "PNG" in rejected["image.html"]
    assert "binary" in rejected["garbage.txt"] or "undecodable" in rejected["garbage.txt"]
    assert "truncated gzip" in rejected["truncated.html.gz"]
    assert "no article text" in rejected["menu.txt"]
    assert "too large" in rejected["big.html"]
    assert "no article text" in rejected["deep.html"]
    good = fetch(settings, "SELECT outlet, title, published_date FROM articles a JOIN raw_documents r USING (doc_id) "
                           "WHERE list_contains(r.paths, 'good.html')")
    assert good == [("Example News", "Minsk hosts CIS defence talks", date(2025, 6, 24))]
    assert set(before) <= set(fetch(settings, "SELECT doc_id, text FROM articles ORDER BY doc_id"))
    metadata = {e.asset_key.to_user_string(): e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert metadata["rejected_documents"]["dagster/row_count"].value == len(rejected) >= 7
    assert metadata["rejected_documents"]["rejected_this_run"].value == len(rejected)
    assert "| empty file | 1 |" in metadata["rejected_documents"]["by_reason"].value
    # The same bad files again: nothing new, nothing duplicated.
    again = snapshot(settings)
    run_job(settings)
    assert snapshot(settings) == again


def test_warc_records_become_articles_with_their_urls(settings):
    second = GOOD_HTML.replace("Minsk hosts CIS defence talks", "Brest hosts border talks").replace("Minsk", "Brest")
    (settings.raw_dir / "crawl.warc.gz").write_bytes(warc_bytes([
        ("https://news.example.by/minsk-talks", "text/html; charset=utf-8", GOOD_HTML.encode()),
        ("https://news.example.by/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("https://news.example.by/brest-talks", "text/html; charset=windows-1251", second.encode("cp1251")),
    ]))
    run_job(settings)
    rows = fetch(settings, "SELECT r.format, r.source_url, a.url, a.title FROM articles a JOIN raw_documents r USING (doc_id) "
                           "WHERE r.format = 'warc' ORDER BY a.url")
    assert rows == [
        ("warc", "https://news.example.by/brest-talks", "https://news.example.by/brest-talks", "Brest hosts border talks"),
        ("warc", "https://news.example.by/minsk-talks", "https://news.example.by/minsk-talks", "Minsk hosts CIS defence talks"),
    ]
    assert fetch(settings, "SELECT count(*) FROM raw_documents WHERE fetched_at IS NOT NULL") == [(2,)]


def test_new_cleaning_version_recleans_stored_documents(settings, monkeypatch):
    import pipelines.cleaning
    import pipelines.refresh

    run_job(settings)
    monkeypatch.setattr(pipelines.cleaning, "CLEANING_VERSION", "next")
    monkeypatch.setattr(pipelines.refresh, "CLEANING_VERSION", "next")
    run_job(settings)
    assert fetch(settings, "SELECT cleaning_version, count(*) FROM articles GROUP BY ALL") == [("next", len(SEED_FILES))]
    assert fetch(settings, "SELECT count(*) FROM raw_documents") == [(len(SEED_FILES),)]


def test_xhtml_page_declaring_its_encoding_is_cleaned(settings):
    page = '<?xml version="1.0" encoding="iso-8859-1"?>\n' + GOOD_HTML
    (settings.raw_dir / "declared.xhtml").write_bytes(page.encode("latin-1"))
    run_job(settings)
    titles = fetch(settings, "SELECT a.title FROM articles a JOIN raw_documents r USING (doc_id) "
                             "WHERE list_contains(r.paths, 'declared.xhtml')")
    assert titles == [("Minsk hosts CIS defence talks",)]


def test_a_fact_table_from_an_older_version_is_rebuilt_with_the_new_columns(settings):
    """A warehouse made before amounts had currency and unit (and before working copies): the next
    run recreates the derived table and fills it; the articles stay."""
    run_job(settings)
    working_copy(settings.warehouse).unlink()
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute("DROP TABLE amounts")
        con.execute("CREATE TABLE amounts (doc_id VARCHAR, start INTEGER, \"end\" INTEGER, text VARCHAR, value DOUBLE, "
                    "value_high DOUBLE, qualifier VARCHAR, object VARCHAR, sentence INTEGER)")
    run_job(settings)
    assert fetch(settings, "SELECT count(*) FROM articles") == [(len(SEED_FILES),)]
    assert fetch(settings, "SELECT count(*) FROM amounts WHERE unit IN ('count', 'money', 'percent')")[0][0] > 0


def test_a_mistake_in_sql_prints_duckdbs_one_line_and_exits_1(tmp_path, capsys):
    from pipelines.cli import main

    warehouse = tmp_path / "news.duckdb"
    duckdb.connect(str(warehouse)).close()
    for query, message in [("SELEC 1", "Parser Error"), ("SELECT * FROM nope", "Catalog Error")]:
        assert main(["sql", query, "--warehouse", str(warehouse)]) == 1
        output = capsys.readouterr().out
        assert message in output and "Traceback" not in output and len(output.strip().splitlines()) == 1


def test_the_shell_answers_statements_over_several_lines_and_survives_mistakes(tmp_path, capsys, monkeypatch):
    import io

    from pipelines.cli import main

    warehouse = tmp_path / "news.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE TABLE articles AS SELECT range AS n FROM range(7)")
    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT count(*) AS n\nFROM articles;\nSELEC 1;\n.tables\nDELETE FROM articles;\n"))
    assert main(["shell", "--warehouse", str(warehouse)]) == 0
    output = capsys.readouterr().out
    assert "│ 7 │" in output and "1 row(s)" in output
    assert "error: Parser Error" in output and "Traceback" not in output
    assert "articles" in output and "BASE TABLE" in output
    assert "read-only" in output  # the DELETE is refused: the session never writes
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(7,)]


def test_status_lists_every_table_and_view_with_its_rows(settings, capsys):
    from pipelines.cli import main

    run_job(settings)
    capsys.readouterr()
    assert main(["status", "--warehouse", str(settings.warehouse)]) == 0
    output = capsys.readouterr().out
    for name in WAREHOUSE_OBJECTS:
        assert name in output
    assert "not created yet" not in output


def test_a_failed_step_is_reported_by_its_root_cause():
    import sys

    from dagster._utils.error import serializable_error_info_from_exc_info

    from pipelines.alerts import root_cause

    try:
        try:
            raise AttributeError("'NoneType' object has no attribute 'startswith'")
        except AttributeError as error:
            raise RuntimeError('Error occurred while executing op "ingest":') from error
    except RuntimeError:
        info = serializable_error_info_from_exc_info(sys.exc_info())
    assert root_cause(info) == "AttributeError: 'NoneType' object has no attribute 'startswith'"


def test_ui_on_a_busy_port_exits_at_once_with_a_clear_message(capsys):
    import socket

    from pipelines.cli import main

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["ui", "--port", str(port)]) == 2
    assert "already in use" in capsys.readouterr().out


def test_a_warehouse_from_a_newer_duckdb_is_named_and_rebuilt_from_raw(settings, tmp_path, capsys, monkeypatch):
    """tests/data/duckdb-2.0.1.duckdb.gz: a warehouse file DuckDB 2.0.1 wrote (one table, one row)."""
    from pipelines.cli import main

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    newer = gzip.decompress((ROOT / "tests" / "data" / "duckdb-2.0.1.duckdb.gz").read_bytes())
    settings.warehouse.parent.mkdir(parents=True)
    settings.warehouse.write_bytes(newer)
    where = ["--warehouse", str(settings.warehouse)]
    assert main(["sql", "SELECT count(*) FROM articles", *where]) == 2
    output = capsys.readouterr().out
    assert "newer DuckDB" in output and "news-warehouse rebuild" in output and "Traceback" not in output

    assert main(["rebuild", "--raw", str(settings.raw_dir), *where]) == 0
    assert "Moved the old warehouse files to" in capsys.readouterr().out
    kept = list(settings.warehouse.parent.glob("news.duckdb.before-rebuild-*/news.duckdb"))
    assert [file.read_bytes() for file in kept] == [newer]
    assert fetch(settings, "SELECT count(*) FROM articles") == [(len(SEED_FILES),)]
