"""Shared fixtures: the bundled sample, a temporary warehouse, and running the real job."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines.cleaning import clean_documents
from pipelines.definitions import JOB_NAME, build_definitions
from pipelines.settings import Settings
from pipelines.warehouse import TABLES_DIR, VIEWS_DIR, contents, object_name, reading, sql_files

ROOT = Path(__file__).resolve().parent.parent
# The tests' own copy of the bundled sample: what a user drops into raw/ never changes a test.
SAMPLE_DIR = Path(__file__).parent / "data" / "sample"
EXPECTED = json.loads((Path(__file__).parent / "data" / "seeds_expected.json").read_text())
SEED_FILES = sorted(name for name in EXPECTED if not name.startswith("_"))
# The sample's English articles, for tests that edit their text; the sample also holds a Russian one.
ENGLISH_SEED_FILES = [name for name in SEED_FILES if EXPECTED[name].get("language", "en") == "en"]
# Every table and view the sql/ directory defines: each must be an asset.
WAREHOUSE_OBJECTS = [object_name(f) for f in sql_files(TABLES_DIR) + sql_files(VIEWS_DIR)]


def clean_seed_articles() -> pl.DataFrame:
    """The bundled sample articles through the product's cleaning, one row each."""
    frame = pl.DataFrame({
        "doc_id": SEED_FILES,
        "content": [(SAMPLE_DIR / name).read_text() for name in SEED_FILES],
        "format": ["txt"] * len(SEED_FILES),
        "source_url": [None] * len(SEED_FILES),
    })
    return clean_documents(frame, workers=1)


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A landing zone holding a copy of the bundled sample."""
    target = tmp_path / "raw"
    shutil.copytree(SAMPLE_DIR, target)
    return target


@pytest.fixture
def settings(raw_dir: Path, tmp_path: Path) -> Settings:
    return Settings(raw_dir=raw_dir, warehouse=tmp_path / "warehouse" / "news.duckdb", workers=2)


@pytest.fixture
def postgres_catalog():
    """A throwaway PostgreSQL server's DuckLake catalog string (Debian's postgresql; .ci/run installs it)."""
    from pipelines.services import postgres_bin, postgres_server

    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with postgres_server() as catalog:
        yield catalog


@pytest.fixture
def webhook_receiver() -> Iterator[tuple[str, list[dict]]]:
    """An incoming-webhook server on loopback: its URL, and the JSON bodies posted to it."""
    import http.server
    import threading

    received: list[dict] = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/news", received
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def smtp_receiver() -> Iterator[tuple[int, list]]:
    """An SMTP server on loopback (aiosmtpd, the `test` extra): its port, and the messages it got."""
    from email import message_from_bytes

    from aiosmtpd.controller import Controller

    from pipelines.screenshot import free_port

    received: list = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            received.append(message_from_bytes(envelope.content))
            return "250 OK"

    controller = Controller(Inbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, received
    finally:
        controller.stop()


def run_job(settings: Settings) -> dg.ExecuteInProcessResult:
    """Materialize every asset and check of the real job into the settings' warehouse."""
    job = build_definitions(settings).resolve_job_def(JOB_NAME)
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=True)
    assert result.success
    return result


def fetch(settings: Settings, sql: str, params=None) -> list[tuple]:
    """Rows of a query on the published warehouse (DuckDB file or lake), as analysts see it."""
    with reading(settings.target) as con:
        return con.execute(sql, params or []).fetchall()


def snapshot(settings: Settings) -> dict[str, list[tuple]]:
    """Every row of every table and view, in a stable order, to compare warehouse states."""
    return {name: fetch(settings, f"SELECT * FROM {name} ORDER BY ALL") for name in WAREHOUSE_OBJECTS}


def content_snapshot(settings: Settings) -> dict[str, list[tuple]]:
    """Every row of every table and view without the run times, to compare a warehouse built in
    several runs with a fresh build of the same files."""
    return contents(settings.target)


PEOPLE = ["Anna Kovalenko", "Pavel Sidorov", "Maria Jensen", "Tomas Novak", "Leila Haddad", "Jorge Alvarez",
          "Ingrid Olsen", "Kenji Watanabe", "Amara Okafor", "Viktor Petrov", "Claire Dubois", "Samuel Mensah"]
PLACES = ["Minsk", "Warsaw", "Riga", "Vilnius", "Kyiv", "Helsinki", "Prague", "Berlin", "Tallinn", "Oslo"]
OUTLETS = ["Example News", "Daily Ledger", "Northern Courier", "Capital Wire"]
TOPICS = ["air defence", "border security", "grain exports", "rail freight", "energy prices", "cyber attacks",
          "joint exercises", "water supply", "port traffic", "refugee housing"]


def varied_article(n: int) -> str:
    """A distinct news page for test `n`: its people, places, topics, numbers and sentence order
    vary with n, so no two are near-duplicates and each gives people, places, quotes and amounts."""
    import random

    pick = random.Random(n)
    a, b = pick.sample(PEOPLE, 2)
    place, other = pick.sample(PLACES, 2)
    topic, second = pick.sample(TOPICS, 2)
    count, money = pick.randint(12, 950), pick.randint(2, 90)
    paragraphs = [
        f"{a}, the minister for {topic}, met {b} in {place} on Tuesday to discuss {topic} and {second}, "
        f"officials said after talks that lasted {pick.randint(2, 9)} hours.",
        f"\u201cWe agreed on {count} measures that will take effect before the winter,\u201d {a} told reporters "
        f"after the meeting in {place}.",
        f"The plan will cost about ${money} million over {pick.randint(2, 6)} years, according to a statement "
        f"published by the government of {other}.",
        f"{b} said the delegation from {other} would return in {pick.choice(['March', 'May', 'June', 'October'])} "
        f"to review progress on {second}, which critics say has stalled since {pick.randint(2015, 2024)}.",
        f"Analysts in {other} noted that {pick.randint(3, 40)} similar agreements on {topic} had been signed "
        f"in the region, though few had been carried out in full.",
    ]
    pick.shuffle(paragraphs)
    outlet = pick.choice(OUTLETS)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{a} and {b} discuss {topic} in {place} | {outlet}</title>"
            f'<meta property="og:site_name" content="{outlet}"></head><body><article>'
            f"<h1>{a} and {b} discuss {topic} in {place}</h1>{body}</article></body></html>")


def warc_bytes(records: list[tuple[str, str, bytes]]) -> bytes:
    """A gzipped WARC file holding one HTTP response record per (url, content type, body)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, content_type, body in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buffer.getvalue()


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from a build of the sample, to review in the diff")
