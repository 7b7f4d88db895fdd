"""Entry point of extraction: a batch of articles to the fact tables, as polars frames."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.amounts import AMOUNT, amounts
from pipelines.extraction.coreference import MENTION_COLUMNS, nominal_mentions, pronoun_mentions
from pipelines.extraction.date_mentions import DATE, date_mentions
from pipelines.extraction.events import events
from pipelines.extraction.entities import entity_table, named_mentions, with_entity_ids
from pipelines.extraction.quotes import quotes
from pipelines.extraction.roles import person_countries, person_roles, with_role_details
from pipelines.extraction.tokens import pattern_matches, token_table, with_sentence

FACT_TABLES = ("entities", "entity_mentions", "person_roles", "quotes", "amounts", "date_mentions", "events")


def extract_facts(articles: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """{table name: rows} for every fact table, from `articles` (doc_id, text and, to resolve
    yearless dates, published_date)."""
    if "published_date" not in articles.columns:
        articles = articles.with_columns(published_date=pl.lit(None, pl.Date))
    articles = articles.select("doc_id", "text", "published_date")
    tokens = token_table(articles)
    named = named_mentions(tokens, articles)
    roles = with_role_details(person_roles(tokens, named), articles, named)
    countries = person_countries(roles, named)
    mentions = with_entity_ids(pl.concat([
        named.select(MENTION_COLUMNS).with_columns(is_name=pl.lit(True)),
        pronoun_mentions(tokens, named).select(MENTION_COLUMNS).with_columns(is_name=pl.lit(False)),
        nominal_mentions(tokens, articles, named, countries).select(MENTION_COLUMNS).with_columns(is_name=pl.lit(False)),
    ]).sort("doc_id", "start"))
    numbers = pattern_matches(articles, f"{DATE}|{AMOUNT}")
    is_date = pl.col("match").str.contains(f"^(?:{DATE})$")
    dates = with_sentence(date_mentions(numbers.filter(is_date), articles), tokens)
    return {
        "entities": entity_table(mentions, countries),
        "entity_mentions": mentions.select("doc_id", "start", "end", "text", "type", "entity_id", "sentence"),
        "person_roles": with_entity_ids(roles.with_columns(type=pl.lit("PERSON"))).join(
            mentions.filter(pl.col("type") == "ORGANIZATION").select("doc_id", organisation_key="key", organisation_entity_id="entity_id").unique(),
            on=["doc_id", "organisation_key"], how="left",
        ).select("doc_id", "entity_id", "role", "organisation_entity_id", "country", "start", "end", "sentence"),
        "quotes": quotes(articles, tokens, mentions),
        "amounts": with_sentence(amounts(numbers.filter(~is_date), articles), tokens),
        "date_mentions": dates,
        "events": events(tokens, articles, mentions, dates),
    }
