"""Wire briefs end to end: one-paragraph items of a sentence or two, with or without a dateline,
dropped into raw/ in every input format, each become an article through the real job (headline,
dateline place, the sentence in its text) and none is rejected."""

from __future__ import annotations

import gzip
from pathlib import Path

from conftest import fetch, run_job, warc_bytes
from pipelines.settings import Settings
from test_cleaning import BRIEFS, brief_page

# Each file format and how a brief is written in it: the plain-text dump, or the HTML page (with
# a news site's furniture or without). WARC files hold one response record a brief.
FORMATS = {
    "txt": lambda title, paragraph: f"{title}\n\n{paragraph}\n",
    "txt.gz": lambda title, paragraph: f"{title}\n\n{paragraph}\n",
    "html": lambda title, paragraph: brief_page(title, paragraph, furniture=False),
    "site.html": lambda title, paragraph: brief_page(title, paragraph, furniture=True),
    "html.gz": lambda title, paragraph: brief_page(title, paragraph, furniture=True),
    "warc": lambda title, paragraph: brief_page(title, paragraph, furniture=False),
    "warc.gz": lambda title, paragraph: brief_page(title, paragraph, furniture=True),
}


def write_briefs(raw: Path) -> dict[str, tuple[str, str | None]]:
    """Every brief in every format under `raw`; {headline: (paragraph, dateline place)}. Each
    format's copy of a brief has its own headline ("... (txt.gz)"), so the copies are distinct
    documents."""
    raw.mkdir(parents=True)
    expected, records = {}, {"warc": [], "warc.gz": []}
    for n, (title, paragraph, place) in enumerate(BRIEFS):
        for fmt, write in FORMATS.items():
            headline = f"{title} ({fmt})"
            expected[headline] = (paragraph, place)
            data = write(headline, paragraph).encode()
            if fmt in records:
                records[fmt].append((f"https://news.example.by/{fmt}/brief{n}", "text/html; charset=utf-8", data))
            else:
                (raw / f"brief{n}.{fmt}").write_bytes(gzip.compress(data) if fmt.endswith(".gz") else data)
    (raw / "crawl.warc.gz").write_bytes(warc_bytes(records["warc.gz"]))
    (raw / "crawl.warc").write_bytes(gzip.decompress(warc_bytes(records["warc"])))  # its records, uncompressed
    return expected


def test_wire_briefs_in_every_format_become_articles_with_their_dateline_place(tmp_path):
    settings = Settings(raw_dir=tmp_path / "raw", warehouse=tmp_path / "warehouse" / "news.duckdb", workers=2)
    expected = write_briefs(settings.raw_dir)
    run_job(settings)
    assert fetch(settings, "SELECT path, reason FROM rejected_documents") == []
    articles = {title: (place, text) for title, place, text in
                fetch(settings, "SELECT title, dateline_place, text FROM articles")}
    assert sorted(articles) == sorted(expected)
    for title, (paragraph, place) in expected.items():
        assert articles[title] == (place, paragraph), title
    assert fetch(settings, "SELECT DISTINCT r.format FROM articles JOIN raw_documents r USING (doc_id) ORDER BY 1") == [
        ("html",), ("txt",), ("warc",)]
