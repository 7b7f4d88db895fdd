"""Fuzzing as tests: arbitrary bytes and text through reading, decoding, cleaning and extraction
(hypothesis), and real files of every format, cut short and with bytes flipped, through a run."""

from __future__ import annotations

import gzip
import random

import polars as pl
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SAMPLE_DIR, SEED_FILES, fetch, run_job, varied_article, warc_bytes
from pipelines.cleaning import clean_documents
from pipelines.extraction.facts import extract_facts
from pipelines.ingest import RejectedInput, decode, read_source

# No example database: the test command leaves the checkout as it was.
FUZZ = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NAMES = ["page.html", "page.html.gz", "dump.txt", "dump.txt.gz", "crawl.warc", "crawl.warc.gz", "notes.pdf"]


@FUZZ
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_any_bytes_under_any_name_become_documents_or_rejections_with_reasons(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    outcome = read_source(path, name, root=tmp_path)
    assert outcome.documents or outcome.rejections
    assert all(r.reason and r.stage == "read" for r in outcome.rejections)
    assert all(isinstance(d.content, str) and d.content.strip() for d in outcome.documents)


@FUZZ
@given(data=st.binary(max_size=4096), header=st.none() | st.text(max_size=40))
def test_decoding_returns_text_or_says_why_not(data, header):
    try:
        text, encoding = decode(data, header)
    except RejectedInput as error:
        assert str(error)
    else:
        assert isinstance(text, str) and encoding


@FUZZ
@given(text=st.text(max_size=3000), fmt=st.sampled_from(["html", "txt"]))
def test_cleaning_any_text_gives_an_article_or_a_reason(text, fmt):
    cleaned = clean_documents(pl.DataFrame({"doc_id": ["d"], "content": [text], "format": [fmt], "source_url": [None]},
                                           schema_overrides={"source_url": pl.String}), workers=1)
    assert cleaned.height == 1
    row = cleaned.row(0, named=True)
    assert (row["rejection"] is None) != (row["text"] is None)


@settings(FUZZ, max_examples=30)
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=2000))
def test_extracting_any_text_gives_offsets_that_slice_it(text):
    tables = extract_facts(pl.DataFrame({"doc_id": ["d"], "text": [text]}))
    for name, column in [("entity_mentions", "text"), ("amounts", "text"), ("date_mentions", "text"),
                         ("person_roles", "role"), ("events", "sentence_text")]:
        for start, end, value in tables[name].select("start", "end", column).iter_rows():
            assert 0 <= start < end <= len(text) and text[start:end] == value
    for start, end in tables["quotes"].select("start", "end").iter_rows():
        assert 0 <= start < end <= len(text)


def real_files() -> dict[str, bytes]:
    """One real file of every format the landing zone takes."""
    html = varied_article(1).encode()
    text = (SAMPLE_DIR / SEED_FILES[0]).read_bytes()
    warc = warc_bytes([("https://example.org/a", "text/html; charset=utf-8", varied_article(2).encode())])
    return {"page.html": html, "page.html.gz": gzip.compress(html), "dump.txt": text,
            "crawl.warc": gzip.decompress(warc), "crawl.warc.gz": warc}


def test_files_cut_short_or_with_bytes_flipped_never_fail_a_run_or_touch_stored_rows(settings):
    run_job(settings)
    before = fetch(settings, "SELECT doc_id, text FROM articles ORDER BY doc_id")
    pick = random.Random(11)
    mutants = {}
    for name, data in real_files().items():
        stem, _, suffix = name.partition(".")
        for n, cut in enumerate(sorted(pick.sample(range(1, len(data)), 10))):
            mutants[f"mutants/{stem}_cut{n}.{suffix}"] = data[:cut]
        flipped = bytearray(data)
        for position in pick.sample(range(len(data)), 8):
            flipped[position] ^= 1 << pick.randrange(8)
        mutants[f"mutants/{stem}_flipped.{suffix}"] = bytes(flipped)
    (settings.raw_dir / "mutants").mkdir()
    for path, data in mutants.items():
        (settings.raw_dir / path).write_bytes(data)
    run_job(settings)  # raises if the run fails
    stored = {path for (path,) in fetch(settings, "SELECT DISTINCT unnest(paths) FROM raw_documents r "
                                                  "JOIN articles a USING (doc_id)")}
    rejected = dict(fetch(settings, "SELECT split_part(path, '#', 1), max(reason) FROM rejected_documents GROUP BY 1"))
    for path in mutants:
        assert path in stored or rejected.get(path), f"{path} is neither an article nor rejected with a reason"
    assert set(before) <= set(fetch(settings, "SELECT doc_id, text FROM articles ORDER BY doc_id"))
