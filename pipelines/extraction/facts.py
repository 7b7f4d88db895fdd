"""Entry point of extraction: batches of articles to the per-article fact tables, as polars frames."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

import polars as pl

from pipelines.extraction.amounts import AMOUNT, amounts
from pipelines.extraction.coreference import nominal_mentions, pronoun_mentions, titled_mentions
from pipelines.extraction.date_mentions import DATE, date_mentions
from pipelines.extraction.events import events
from pipelines.extraction.gazetteer import places
from pipelines.extraction.entities import MENTION_SCHEMA, article_entity_table, entity_id, merge_entities, with_entity_ids
from pipelines.extraction.quotes import quotes
from pipelines.extraction.names import named_mentions
from pipelines.extraction.recogniser import load_model
from pipelines.extraction.roles import person_countries, person_roles, with_role_details
from pipelines.extraction.tokens import pattern_matches, token_table, with_sentence

# Bump with any change that alters extracted rows: the next run re-derives every article's facts,
# and the Dagster UI shows the fact assets' code version changed.
EXTRACTION_VERSION = "2026.12.06.1"
# Articles per extraction batch: memory follows this, not the corpus (see bench/extract_speed.py).
BATCH_SIZE = 250


def extract_facts(articles: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """{table name: rows} for every per-article fact table, from `articles` (doc_id, text and, to
    resolve yearless dates, published_date). Each article's rows depend on its own text only,
    never on the other articles of the batch, so facts can be derived article by article."""
    if "published_date" not in articles.columns:
        articles = articles.with_columns(published_date=pl.lit(None, pl.Date))
    articles = articles.select("doc_id", "text", "published_date")
    tokens = token_table(articles)
    named = named_mentions(tokens)
    roles = with_role_details(person_roles(tokens, named), articles, named)
    countries = person_countries(roles, named)
    mentions = with_entity_ids(pl.concat([
        named.select(list(MENTION_SCHEMA)).with_columns(is_name=pl.lit(True)),
        pronoun_mentions(tokens, named).select(list(MENTION_SCHEMA)).with_columns(is_name=pl.lit(False)),
        nominal_mentions(tokens, articles, named, countries).select(list(MENTION_SCHEMA)).with_columns(is_name=pl.lit(False)),
        titled_mentions(tokens, articles, named, roles).select(list(MENTION_SCHEMA)).with_columns(is_name=pl.lit(False)),
    ]).sort("doc_id", "start"))
    numbers = pattern_matches(articles, f"{DATE}|{AMOUNT}")
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
        "events": events(tokens, mentions, dates, quoted),
    }


def extract_in_batches(batches: Iterable[pl.DataFrame], workers: int) -> Iterator[dict[str, pl.DataFrame]]:
    """extract_facts of each batch, in order, in `workers` processes. At most two batches per
    worker are in flight, so memory follows the batch size. Workers are spawned, not forked:
    polars' thread pool does not survive a fork."""
    if workers <= 1:
        yield from map(extract_facts, batches)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        # Start every worker now, with one polars thread each (workers x threads = cores, not
        # cores squared), and build the gazetteers in all of them at once.
        with _environment(POLARS_MAX_THREADS="1"):
            for started in [pool.submit(_start_worker) for _ in range(workers)]:
                started.result()
        pending = deque()
        for batch in batches:
            pending.append(pool.submit(extract_facts, batch))
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
