"""Cleaning: decoded documents to clean articles. Pure functions on polars frames; no Dagster.

`clean_documents` is the batch entry point the pipeline calls; `clean_document` cleans one
document and is what the process pool runs.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from dataclasses import replace
from datetime import date
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import polars as pl

from pipelines.cleaning.html import clean_html
from pipelines.cleaning.language import detect_language
from pipelines.cleaning.result import CleanArticle, count_words
from pipelines.cleaning.minhash import minhash
from pipelines.cleaning.text import clean_plain_text, normalise_line

# Raise when cleaning gives stored documents other rows (text, title, dates, dateline, rejection):
# the next run cleans every stored document again. 3: one-paragraph wire briefs kept, more dateline
# shapes, datelines of HTML pages, HTML menus and cookie walls rejected. 4: HTML pages vote by the
# kind they declare, titles from the h1, authors from JSON-LD and bylines, fewer wrong dates, and
# plain-text lines kept by a learned classifier.
CLEANING_VERSION = "5"
MIN_ARTICLE_WORDS = 5
# A line that opens or closes documents this many times in one batch is site furniture.
REPEATED_LINE_MIN_DOCUMENTS = 3
CHUNK_SIZE = 8
# Seconds one document may take to clean (trafilatura and lxml have known hangs and blow-ups on
# pathological pages): then it is stopped and rejected, and the others go on.
CLEAN_SECONDS_LIMIT = 60
# A publication date before this, or after today, is a misreading (a birth date in a profile, a
# year in the text, an epoch default), not when news was published: it is dropped (NULL).
EARLIEST_PUBLISHED = date(1990, 1, 1)

ARTICLE_SCHEMA = {
    "doc_id": pl.String,
    "url": pl.String,
    "outlet": pl.String,
    "title": pl.String,
    "published_date": pl.Date,
    "published_time": pl.Time,
    "dateline_place": pl.String,
    "author": pl.String,
    "language": pl.String,
    "text": pl.String,
    "word_count": pl.Int32,
    "cleaning_method": pl.String,
    "cleaning_version": pl.String,
    "published_date_source": pl.String,
    "minhash": pl.List(pl.UInt32),
    "shingle_count": pl.Int32,
    "rejection": pl.String,
}


def clean_document(content: str, fmt: str, url: str | None = None,
                   repeated_lines: frozenset[str] = frozenset()) -> CleanArticle:
    """Clean one decoded document by its format (html and warc records are HTML)."""
    if fmt == "txt":
        return clean_plain_text(content, repeated_lines)
    return clean_html(content, url)


def repeated_lines(contents: list[str]) -> frozenset[str]:
    """Lines that recur in many documents of the batch: menus and footers of a shared source."""
    counts = Counter()
    for content in contents:
        counts.update({normalise_line(line) for line in content.splitlines()} - {""})
    return frozenset(line for line, n in counts.items() if n >= REPEATED_LINE_MIN_DOCUMENTS and len(line) < 120)


def _clean_row(args: tuple[str, str, str, str | None, frozenset[str]]) -> dict:
    """Clean one row for the pool; any failure becomes that document's rejection, not the batch's."""
    doc_id, content, fmt, url, repeated = args
    try:
        article = clean_document(content, fmt, url, repeated)
    except RecursionError:
        return {"doc_id": doc_id, "rejection": "cleaning failed: markup nested too deeply to parse"}
    except Exception as error:  # one pathological page must not stop the batch
        return {"doc_id": doc_id, "rejection": f"cleaning failed: {type(error).__name__}: {error}"[:500]}
    if article.published_date and not EARLIEST_PUBLISHED <= article.published_date <= date.today():
        article = replace(article, published_date=None, published_time=None, published_date_source=None)
    words = count_words(article.text)
    if words < MIN_ARTICLE_WORDS:
        return {"doc_id": doc_id, "rejection": f"no article text found ({words} words of prose)"}
    signature, shingle_count = minhash(article.text)
    return {
        "doc_id": doc_id,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "published_date": article.published_date,
        "published_time": article.published_time,
        "published_date_source": article.published_date_source,
        "dateline_place": article.dateline_place,
        "author": article.author,
        "language": article.language or detect_language(article.text),
        "text": article.text,
        "word_count": words,
        "cleaning_method": article.method,
        "cleaning_version": CLEANING_VERSION,
        "minhash": signature,
        "shingle_count": shingle_count,
        "rejection": None,
    }


class CleaningTimeout(BaseException):
    """The document's time to clean ran out (a BaseException, so that no `except Exception` in
    the cleaning libraries swallows it)."""


def _on_time_limit(signum, frame) -> None:
    raise CleaningTimeout


def _clean_row_in_time(args: tuple) -> dict:
    """`_clean_row` in a worker process, under two clocks: after CLEAN_SECONDS_LIMIT seconds a
    signal stops Python code (the document is rejected as too slow); a hang inside C code (a
    parser, the regex engine) never returns to Python, so after twice that in CPU time the
    kernel ends the worker, and the pool's recovery rejects the document alone."""
    signal.signal(signal.SIGALRM, _on_time_limit)
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, CLEAN_SECONDS_LIMIT)
    signal.setitimer(signal.ITIMER_PROF, 2 * CLEAN_SECONDS_LIMIT)
    try:
        return _clean_row(args)
    except CleaningTimeout:
        return {"doc_id": args[0], "rejection": f"cleaning took longer than {CLEAN_SECONDS_LIMIT} s and was stopped"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.setitimer(signal.ITIMER_PROF, 0)


class _SpawnedWorkers:
    """The worker processes of a `spawned_workers` block, started at its first batch."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def get(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self.pool

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


_spawned: _SpawnedWorkers | None = None


@contextmanager
def spawned_workers(workers: int) -> Iterator[None]:
    """Every clean_documents call in the block cleans in the same `workers` spawned processes,
    started at the first call and stopped at the end, instead of a pool forked per call. A forked
    worker starts with its parent's memory, which each one counts again in its resident set (a
    refresh of 100,000 files holds their plan by then), and forking per batch repeats that; a
    spawned worker holds the cleaning code and its batch only. Spawning costs a second or two of
    imports, so it is for runs of many batches. Where a worker dies, the batch is retried as
    _map_isolating_crashes says and the next call starts new workers."""
    global _spawned
    outer, _spawned = _spawned, _SpawnedWorkers(workers)
    try:
        yield
    finally:
        _spawned.stop()
        _spawned = outer


def _map_isolating_crashes(tasks: Callable[[], Iterator[tuple]], workers: int, on_done: Callable[[int], None]) -> list[dict]:
    """Pool map of the tasks `tasks()` yields that survives a worker dying (a C-level crash in a
    parser, or a hang the time limit ended): the batch is retried one document per fresh process
    so only the culprit is rejected. The pool is spawned_workers' when a block of it is open, else
    forked for the call."""
    try:
        if _spawned is not None:
            return _map_in(_spawned.get(), _spawned.workers, tasks(), on_done)
        with ProcessPoolExecutor(workers) as pool:
            return _map_in(pool, workers, tasks(), on_done)
    except BrokenProcessPool:
        if _spawned is not None:
            _spawned.stop()
    results = []
    for task in tasks():
        try:
            with ProcessPoolExecutor(1) as pool:
                results.append(pool.submit(_clean_row_in_time, task).result())
        except BrokenProcessPool:
            results.append({"doc_id": task[0], "rejection": "cleaning crashed the parser process, or hung in it "
                                                            f"past {2 * CLEAN_SECONDS_LIMIT} s of CPU and was stopped"})
        on_done(1)
    return results


def _clean_chunk(tasks: list[tuple]) -> list[dict]:
    return [_clean_row_in_time(task) for task in tasks]


def _map_in(pool: ProcessPoolExecutor, workers: int, tasks: Iterator[tuple], on_done: Callable[[int], None]) -> list[dict]:
    """_clean_row_in_time of each task in order, CHUNK_SIZE tasks a call and at most two calls a
    worker in flight: the tasks are made as they are sent, so only those in flight hold their
    documents as Python strings (a pool's map takes every task at once: 500 large pages are
    hundreds of MB)."""
    results, in_flight = [], deque()

    def collect() -> None:
        done = in_flight.popleft().result()
        results.extend(done)
        on_done(len(done))

    for chunk in iter(lambda: list(islice(tasks, CHUNK_SIZE)), []):
        in_flight.append(pool.submit(_clean_chunk, chunk))
        if len(in_flight) >= 2 * workers:
            collect()
    while in_flight:
        collect()
    return results


def _tasks(documents: pl.DataFrame, repeated: frozenset[str]) -> Iterator[tuple]:
    """(doc_id, content, format, source_url, repeated) of each document, made a few at a time."""
    for rows in documents.select("doc_id", "content", "format", "source_url").iter_slices(CHUNK_SIZE):
        for doc_id, content, fmt, url in rows.iter_rows():
            yield doc_id, content, fmt, url, repeated


def clean_documents(documents: pl.DataFrame, workers: int | None = None,
                    on_done: Callable[[int], None] = lambda n: None) -> pl.DataFrame:
    """Clean a frame of documents (doc_id, content, format, source_url) into one article row each;
    rows whose `rejection` is set hold no article and say why."""
    if documents.is_empty():
        return pl.DataFrame(schema=ARTICLE_SCHEMA)
    workers = workers or min(2, os.cpu_count() or 1)
    texts = documents.filter(pl.col("format") == "txt")["content"]
    repeated = repeated_lines(texts.to_list()) if len(texts) >= REPEATED_LINE_MIN_DOCUMENTS else frozenset()
    # Always in worker processes (forked, cheap, unless spawned_workers'), where a document that hangs can be stopped.
    rows = _map_isolating_crashes(lambda: _tasks(documents, repeated), min(workers, max(1, documents.height // CHUNK_SIZE)),
                                  on_done)
    return pl.DataFrame(rows, schema=ARTICLE_SCHEMA)
