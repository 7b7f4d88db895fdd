"""Quotations and their speakers, as polars expressions over the text and the mention table."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.entities import PERSON_PRONOUNS
from pipelines.extraction.gazetteer import word_list
from pipelines.extraction.tokens import pattern_matches, with_sentence

QUOTED = r"“[^”]*”|\"[^\"]*\"|«[^»]*»"
# Between quoted passages: any run without an opening mark, or an opening mark left unclosed.
NOT_QUOTED = r"[^“\"«]+|[“\"«]"
MIN_QUOTE_WORDS = 2


def quotes(articles: pl.DataFrame, tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """One row per quotation of two or more words: doc_id, start, end, quote, speech verb,
    speaker entity id. The speaker is the person next to the speech verb in the sentence, else
    the nearest person before the quote in the sentence, else, for "he"/"she" or a speech verb
    with no person, the nearest person mentioned before it in the article."""
    verbs = list(word_list("speech_verbs"))
    located = with_sentence(
        pattern_matches(articles, QUOTED, between=NOT_QUOTED)
        # A passage that runs over a line break is a stray mark, not a quotation.
        .filter(~pl.col("match").str.contains("\n", literal=True)
                & (pl.col("match").str.count_matches(r"\w+") >= MIN_QUOTE_WORDS))
        .with_columns(quote=pl.col("match").str.slice(1, pl.col("match").str.len_chars() - 2))
        .drop("match"),
        tokens)
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
