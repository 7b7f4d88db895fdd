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
        tokens.with_columns(sentence=ends_sentence.cast(pl.Int32).cum_sum().over("doc_id"), is_space=space)
        .filter(~pl.col("is_space"))
        .drop("is_space", "length")
        .with_columns(token_no=pl.int_range(pl.len()).over("doc_id"))
    )
