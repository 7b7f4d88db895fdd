"""Quotations and their speakers, as polars expressions over the text and the mention table."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.entities import PERSON_PRONOUNS
from pipelines.extraction.gazetteer import word_list

# Partitions the text into quoted passages and everything else, so running lengths give offsets.
QUOTE_OR_NOT = r"“[^”]*”|\"[^\"]*\"|«[^»]*»|[^“\"«]+|[“\"«]"
MIN_QUOTE_WORDS = 2


def quotes(articles: pl.DataFrame, tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """One row per quotation of two or more words: doc_id, start, end, quote, speech verb,
    speaker entity id. The speaker is the person next to the speech verb in the sentence, else
    the nearest person before the quote in the sentence, else, for "he"/"she" or a speech verb
    with no person, the nearest person mentioned before it in the article."""
    verbs = list(word_list("speech_verbs"))
    chunks = (
        articles.select("doc_id", chunk=pl.col("text").str.extract_all(QUOTE_OR_NOT))
        .explode("chunk").drop_nulls("chunk")
        .with_columns(end=pl.col("chunk").str.len_chars().cast(pl.Int64).cum_sum().over("doc_id"))
        .with_columns(start=pl.col("end") - pl.col("chunk").str.len_chars().cast(pl.Int64))
        .filter(pl.col("chunk").str.contains(r"^[“\"«].*[”\"»]$") & (pl.col("chunk").str.count_matches(r"\w+") >= MIN_QUOTE_WORDS))
        .with_columns(quote=pl.col("chunk").str.slice(1, pl.col("chunk").str.len_chars() - 2))
        .drop("chunk")
    )
    sentence_of = tokens.select("doc_id", "start", "sentence")
    located = chunks.sort("doc_id", "start").join_asof(
        sentence_of.sort("doc_id", "start"), on="start", by="doc_id", strategy="backward", check_sortedness=False)
    in_sentence = tokens.filter(pl.col("token").is_in(verbs + PERSON_PRONOUNS)).group_by("doc_id", "sentence").agg(
        verb=pl.col("token").filter(pl.col("token").is_in(verbs)).first(),
        pronoun=pl.col("token").is_in(PERSON_PRONOUNS).any())
    people = mentions.filter(pl.col("type") == "PERSON").select("doc_id", "sentence", "entity_id", p_start="start", p_end="end")
    candidates = (
        located.join(people, on=["doc_id", "sentence"], how="left")
        .with_columns(distance=pl.when(pl.col("p_start") >= pl.col("end")).then(pl.col("p_start") - pl.col("end"))
                      .otherwise(pl.col("start") - pl.col("p_end")))
        .sort("distance", nulls_last=True)
        .group_by("doc_id", "start", maintain_order=True)
        .agg(pl.col("end").first(), pl.col("quote").first(), pl.col("sentence").first(),
             in_sentence_speaker=pl.col("entity_id").first())
    )
    earlier = people.select("doc_id", before="p_start", previous_speaker="entity_id").sort("doc_id", "before")
    resolved = (
        candidates.join(in_sentence, on=["doc_id", "sentence"], how="left")
        .sort("doc_id", "start")
        .join_asof(earlier, left_on="start", right_on="before", by="doc_id", strategy="backward", check_sortedness=False)
        .with_columns(speaker_entity_id=pl.coalesce(
            "in_sentence_speaker",
            pl.when(pl.col("pronoun").fill_null(False) | pl.col("verb").is_not_null()).then(pl.col("previous_speaker"))))
    )
    return resolved.select("doc_id", "start", "end", "quote", speech_verb="verb", speaker_entity_id="speaker_entity_id")
