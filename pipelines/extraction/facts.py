"""Entry point of extraction: batches of articles to the per-article fact tables, as polars frames."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

import polars as pl

from pipelines.extraction.amounts import AMOUNT, ENGLISH_AMOUNT, amounts
from pipelines.extraction.coreference import nominal_mentions, pronoun_mentions, titled_mentions
from pipelines.extraction.date_mentions import DATE, ENGLISH_DATE, date_mentions
from pipelines.extraction.events import events
from pipelines.extraction.gazetteer import places
from pipelines.extraction.integrity import article_violations
from pipelines.extraction.entities import MENTION_SCHEMA, article_entity_table, entity_id, merge_entities, with_entity_ids
from pipelines.extraction.quotes import quotes
from pipelines.extraction.names import named_mentions
from pipelines.extraction.recogniser import load_model
from pipelines.extraction.russian import russian_mentions
from pipelines.extraction.roles import person_countries, person_roles, with_role_details
from pipelines.extraction.tokens import pattern_matches, token_table, with_sentence

# Bump with any change that alters extracted rows: the next run re-derives every article's facts,
# and the Dagster UI shows the fact assets' code version changed.
EXTRACTION_VERSION = "2026.12.07.4"
# Articles per extraction batch: memory follows this, not the corpus (see bench/extract_speed.py).
BATCH_SIZE = 250
# Seconds a batch may take before its articles are extracted one at a time (a batch takes about
# one), and one article may take before its facts are left out.
BATCH_SECONDS_LIMIT = 300
ARTICLE_SECONDS_LIMIT = 60
# The frame extract_batch adds to the fact tables: the articles whose facts were left out, and why.
LEFT_OUT = "left_out"
LEFT_OUT_SCHEMA = {"doc_id": pl.String, "reason": pl.String}


def extract_facts(articles: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """{table name: rows} for every per-article fact table, from `articles` (doc_id, text and, to
    resolve yearless dates, published_date; names in articles whose language is "ru" are found
    by the Russian recogniser). Each article's rows depend on its own text only,
    never on the other articles of the batch, so facts can be derived article by article."""
    if "published_date" not in articles.columns:
        articles = articles.with_columns(published_date=pl.lit(None, pl.Date))
    if "language" not in articles.columns:
        articles = articles.with_columns(language=pl.lit(None, pl.String))
    articles = articles.select("doc_id", "text", "published_date", "language")
    tokens = token_table(articles)
    russian = articles.filter(pl.col("language") == "ru")
    in_russian = pl.col("doc_id").is_in(russian["doc_id"].implode())
    named = pl.concat([
        named_mentions(tokens.filter(~in_russian)).with_columns(normal=pl.col("text")),
        russian_mentions(russian, tokens.filter(in_russian)),
    ]).sort("doc_id", "start")
    roles = with_role_details(person_roles(tokens, named), articles, named)
    countries = person_countries(roles, named)
    not_a_name = {"normal": pl.lit(None, pl.String), "is_name": pl.lit(False)}
    mentions = with_entity_ids(pl.concat([
        named.select(*MENTION_SCHEMA, "normal").with_columns(is_name=pl.lit(True)),
        pronoun_mentions(tokens, named).select(list(MENTION_SCHEMA)).with_columns(**not_a_name),
        nominal_mentions(tokens, articles, named, countries).select(list(MENTION_SCHEMA)).with_columns(**not_a_name),
        titled_mentions(tokens, articles, named, roles).select(list(MENTION_SCHEMA)).with_columns(**not_a_name),
    ]).sort("doc_id", "start"))
    # English text is searched without the Russian forms, which cannot match it (and cost time).
    numbers = pl.concat([pattern_matches(articles.filter(~in_russian), f"{ENGLISH_DATE}|{ENGLISH_AMOUNT}"),
                         pattern_matches(russian, f"{DATE}|{AMOUNT}")]).sort("doc_id", "start")
    is_date = pl.col("match").str.contains(f"^(?:{DATE})$")
    dates = with_sentence(date_mentions(numbers.filter(is_date), articles), tokens)
    quoted = quotes(articles, tokens, mentions)
    return {
        "article_entities": article_entity_table(mentions, countries),
        "entity_mentions": mentions.select("doc_id", "start", "end", "text", "type", "entity_id", "sentence"),
        "person_roles": roles.select(
            "doc_id", entity_id=entity_id("PERSON", pl.col("key")), role="role",
            organisation_entity_id=entity_id("ORGANIZATION", pl.col("organisation_key")),
            country="country", start="start", end="end", sentence="sentence"),
        "quotes": quoted,
        "amounts": with_sentence(amounts(numbers.filter(~is_date), articles), tokens),
        "date_mentions": dates,
        "events": events(tokens, mentions, dates, russian=russian.height > 0),
    }


class ExtractionTimeout(BaseException):
    """An extraction's time ran out (a BaseException, so that no `except Exception` swallows it)."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise ExtractionTimeout in the block after `seconds`, where a signal can be delivered (the
    main thread; elsewhere, as in a Dagster step run in a thread, there is no limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame) -> None:
        raise ExtractionTimeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _failure(error: BaseException, seconds: float) -> str:
    if isinstance(error, ExtractionTimeout):
        return f"extraction took longer than {seconds:.0f} s and was stopped"
    return f"extraction failed: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}".rstrip(": ")


def extract_batch(articles: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """extract_facts of a batch in which no article can break the rest: when the batch raises or
    runs out of time, its articles are extracted one at a time; an article that raises, runs out
    of time, or gets rows that break a table's key, offsets or entity ids
    (integrity.article_violations) has none of its rows kept and is listed under LEFT_OUT with
    its reason."""
    failures: list[tuple[str, str]] = []
    try:
        with _time_limit(BATCH_SECONDS_LIMIT):
            tables = extract_facts(articles)
    except (Exception, ExtractionTimeout):
        parts = [extract_facts(articles.clear())]
        for index in range(articles.height):
            article = articles.slice(index, 1)
            try:
                with _time_limit(ARTICLE_SECONDS_LIMIT):
                    parts.append(extract_facts(article))
            except (Exception, ExtractionTimeout) as error:
                failures.append((article["doc_id"][0], _failure(error, ARTICLE_SECONDS_LIMIT)))
        tables = {name: pl.concat([part[name] for part in parts]) for name in parts[0]}
    left_out = pl.concat([pl.DataFrame(failures, schema=LEFT_OUT_SCHEMA, orient="row"),
                          article_violations(articles, tables).select(list(LEFT_OUT_SCHEMA))])
    if left_out.height:
        tables = {name: table.filter(~pl.col("doc_id").is_in(left_out["doc_id"].implode())) for name, table in tables.items()}
    return {**tables, LEFT_OUT: left_out}


def extract_in_batches(batches: Iterable[pl.DataFrame], workers: int) -> Iterator[dict[str, pl.DataFrame]]:
    """extract_batch of each batch, in order, in `workers` processes. At most two batches per
    worker are in flight, so memory follows the batch size. Workers are spawned, not forked:
    polars' thread pool does not survive a fork."""
    if workers <= 1:
        yield from map(extract_batch, batches)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        # Start every worker now, with one polars thread each (workers x threads = cores, not
        # cores squared) and one BLAS thread (the Russian recogniser's matrix products: a second
        # thread only spins on a busy machine), and build the gazetteers in all of them at once.
        with _environment(POLARS_MAX_THREADS="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1"):
            for started in [pool.submit(_start_worker) for _ in range(workers)]:
                started.result()
        pending = deque()
        for batch in batches:
            pending.append(pool.submit(extract_batch, batch))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _start_worker() -> int:
    """Build the gazetteers and load the recogniser's weights once per worker."""
    return places().height + len(load_model().labels)


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Environment variables set for processes started inside the block."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def extract_with_entities(articles: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """extract_facts plus the entities table the warehouse merges from its article_entities: every
    fact table of these articles alone, for benchmarks and one-off use."""
    tables = extract_facts(articles)
    return {**tables, "entities": merge_entities(tables["article_entities"])}
