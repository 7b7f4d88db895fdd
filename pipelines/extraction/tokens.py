"""Articles to a token table with character offsets and sentence numbers, all in polars.

Tokens partition the text (words, runs of space, single punctuation marks), so a token's end is
the running sum of token lengths and every offset points into `articles.text`."""

from __future__ import annotations

import polars as pl

TOKEN = r"\w+(?:-\w+)*|\s+|[^\w\s]"
SENTENCE_END = [".", "!", "?"]
ABBREVIATIONS = ["St", "Mr", "Mrs", "Ms", "Dr", "Gen", "Col", "Lt", "Maj", "Adm", "Capt", "Sgt", "Jr", "Sr", "U", "S"]


def shifted(column: str, n: int) -> pl.Expr:
    """`column` n rows away within the same article (null across an article boundary). Rows
    are grouped by article, so a plain shift with a boundary mask replaces a costly `.over()`."""
    return pl.when(pl.col("doc_id").shift(n) == pl.col("doc_id")).then(pl.col(column).shift(n))


def token_table(articles: pl.DataFrame) -> pl.DataFrame:
    """One row per non-space token: doc_id, token_no, token, start, end, sentence, and flags."""
    tokens = (
        articles.select("doc_id", token=pl.col("text").str.extract_all(TOKEN))
        .explode("token")
        .drop_nulls("token")
        .with_columns(length=pl.col("token").str.len_chars().cast(pl.Int64))
        .with_columns(end=pl.col("length").cum_sum().over("doc_id"))
        .with_columns(start=pl.col("end") - pl.col("length"))
    )
    space = pl.col("token").str.contains(r"^\s+$")
    paragraph_break = pl.col("token").str.contains("\n")
    previous_word = shifted("token", 1)
    ends_sentence = (
        (pl.col("token").is_in(SENTENCE_END) & ~previous_word.is_in(ABBREVIATIONS)) | (space & paragraph_break)
    )
    return (
        # A full stop closes its own sentence: the next one starts after it.
        tokens.with_columns(ends=ends_sentence.cast(pl.Int32).fill_null(0), is_space=space)
        .with_columns(sentence=pl.col("ends").cum_sum().over("doc_id") - pl.col("ends"))
        .filter(~pl.col("is_space"))
        .drop("is_space", "length", "ends")
        .with_columns(token_no=pl.int_range(pl.len()).over("doc_id"))
    )


# What `pattern_matches` steps over between candidate matches: whole (hyphenated) words with the
# punctuation after them, so a pattern is tried only where a word or a currency sign begins
# ("F-16" and "Zapad-2025" are single words, never the number 16 or the year 2025).
BETWEEN_MATCHES = r"\w+(?:-\w+)*[^\w$€£]*|[^\w$€£]+|[$€£]"


def pattern_matches(articles: pl.DataFrame, pattern: str) -> pl.DataFrame:
    """Every non-overlapping match of `pattern` that starts at a word, with its offsets: doc_id,
    start, end, match. The text is partitioned into matches and what lies between them, so running
    lengths give offsets without a per-article loop."""
    chunks = (
        articles.select("doc_id", match=pl.col("text").str.extract_all(f"(?:{pattern})|{BETWEEN_MATCHES}"))
        .explode("match").drop_nulls("match")
        .with_columns(length=pl.col("match").str.len_chars().cast(pl.Int64))
        .with_columns(end=pl.col("length").cum_sum().over("doc_id"))
        .with_columns(start=pl.col("end") - pl.col("length"))
    )
    return chunks.filter(pl.col("match").str.contains(f"^(?:{pattern})$")).select("doc_id", "start", "end", "match")


def with_sentence(rows: pl.DataFrame, tokens: pl.DataFrame) -> pl.DataFrame:
    """`rows` (doc_id, start, ...) with the sentence number of the token at or before `start`."""
    return rows.sort("doc_id", "start").join_asof(
        tokens.select("doc_id", "start", "sentence").sort("doc_id", "start"),
        on="start", by="doc_id", strategy="backward", check_sortedness=False)


def sentence_table(tokens: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """One row per sentence: doc_id, sentence, start, end, sentence_text."""
    return (
        tokens.group_by("doc_id", "sentence").agg(start=pl.col("start").min(), end=pl.col("end").max())
        .join(articles.select("doc_id", "text"), on="doc_id")
        .select("doc_id", "sentence", "start", "end",
                sentence_text=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
        .sort("doc_id", "sentence")
    )
