"""Mentions that refer back to a named person: "he"/"she", and nominal phrases such as "the
Belarusian leader" or "The Russian minister" (the nearest person named before them whose
country is that nationality's)."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.entities import PERSON_PRONOUNS
from pipelines.extraction.roles import role_words
from pipelines.extraction.tokens import shifted

def _named_people(mentions: pl.DataFrame) -> pl.DataFrame:
    return (mentions.filter(pl.col("type") == "PERSON").select("doc_id", person_start="start", person_key="key")
            .sort("doc_id", "person_start"))


def pronoun_mentions(tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """"he" and "she" as mentions of the nearest person named before them in the article."""
    people = _named_people(mentions)
    pronouns = tokens.filter(pl.col("token").is_in(PERSON_PRONOUNS)).select(
        "doc_id", "start", "end", "sentence", text="token").sort("doc_id", "start")
    return (
        pronouns.join_asof(people, left_on="start", right_on="person_start", by="doc_id", strategy="backward",
                           check_sortedness=False)
        .filter(pl.col("person_key").is_not_null())
        .select("doc_id", "start", "end", "text", type=pl.lit("PERSON"), sentence="sentence",
                key="person_key", country=pl.lit(None, pl.String))
    )


def nominal_mentions(tokens: pl.DataFrame, articles: pl.DataFrame, mentions: pl.DataFrame,
                     person_countries: pl.DataFrame) -> pl.DataFrame:
    """"the <nationality> <title>" with no name after it, as a mention of the nearest person named
    before it whose country is that nationality's."""
    titles = [t for t in role_words() if t.islower()]
    context = tokens.with_columns(
        before=shifted("token", 1), before_start=shifted("start", 1),
        title=shifted("token", -1), title_end=shifted("end", -1), after=shifted("token", -2))
    phrases = (
        mentions.filter(pl.col("type") == "NATIONALITY").select("doc_id", "start", "sentence", nationality_country="country")
        .join(context.select("doc_id", "start", "before", "before_start", "title", "title_end", "after"), on=["doc_id", "start"])
        .filter(pl.col("before").is_in(["the", "The"]) & pl.col("title").is_in(titles)
                & ~pl.col("after").str.contains(r"^[A-Z]").fill_null(False))
        .select("doc_id", "sentence", "nationality_country", start="before_start", end="title_end")
        .sort("doc_id", "start")
    )
    people = _named_people(mentions).join(person_countries.select(person_key="key", person_country="country"),
                                          on="person_key").sort("doc_id", "person_start")
    return (
        phrases.join_asof(people, left_on="start", right_on="person_start", by_left=["doc_id", "nationality_country"],
                          by_right=["doc_id", "person_country"], strategy="backward", check_sortedness=False)
        .filter(pl.col("person_key").is_not_null())
        .join(articles.select("doc_id", "text"), on="doc_id")
        .select("doc_id", "start", "end", text=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")),
                type=pl.lit("PERSON"), sentence="sentence", key="person_key", country=pl.lit(None, pl.String))
    )
