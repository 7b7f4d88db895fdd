"""Entry point of extraction: a batch of articles to the fact tables, as polars frames."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.entities import entities_and_mentions
from pipelines.extraction.quotes import quotes
from pipelines.extraction.tokens import token_table


def extract_facts(articles: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """{table name: rows} for entities, entity_mentions and quotes of `articles` (doc_id, text)."""
    articles = articles.select("doc_id", "text")
    tokens = token_table(articles)
    entities, mentions = entities_and_mentions(tokens, articles)
    return {
        "entities": entities,
        "entity_mentions": mentions,
        "quotes": quotes(articles, tokens, mentions),
    }
