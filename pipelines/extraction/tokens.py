"""Articles to a token table with character offsets and sentence numbers, all in polars.

Each token carries the space before it (its "chunk"), so the chunks partition the text, a
token's end is the running sum of chunk lengths and every offset points into `articles.text`."""

from __future__ import annotations

import numpy as np
import polars as pl

# A token with the space before it: running lengths then give offsets without space rows.
SPACED_TOKEN = r"\s*(?:\w+(?:-\w+)*|[^\w\s])"
SENTENCE_END = [".", "!", "?"]
ABBREVIATIONS = ["St", "Mr", "Mrs", "Ms", "Dr", "Gen", "Col", "Lt", "Maj", "Adm", "Capt", "Sgt", "Jr", "Sr", "U", "S",
                 "Prof", "Rev", "Gov", "Sen", "Rep", "Ft", "Mt", "Corp", "Inc", "Ltd", "Co", "Bros", "Messrs", "No", "Vol"]


def shifted(column: str, n: int) -> pl.Expr:
    """`column` n rows away within the same article (null across an article boundary). Rows
    are grouped by article, so a plain shift with a boundary mask replaces a costly `.over()`;
    the mask compares the integer `doc_no` of the token table, not the doc_id strings."""
    return pl.when(pl.col("doc_no").shift(n) == pl.col("doc_no")).then(pl.col(column).shift(n))


def token_table(articles: pl.DataFrame) -> pl.DataFrame:
    """One row per token (word or punctuation mark): doc_no, doc_id, token_no, token, chunk (the
    token with the space before it), start, end, sentence. A sentence ends at ".", "!" or "?"
    (not after an abbreviation, nor between digits) or a line break."""
    chunks = (
        articles.select(pl.int_range(pl.len(), dtype=pl.Int32).alias("doc_no"), "doc_id",
                        chunk=pl.col("text").str.extract_all(SPACED_TOKEN))
        .explode("chunk")
        .drop_nulls("chunk")
        .with_columns(end=pl.col("chunk").str.len_chars().cast(pl.Int64).cum_sum().over("doc_no"),
                      token=pl.col("chunk").str.strip_chars_start(),
                      new_line=pl.col("chunk").str.contains("\n", literal=True))
        .with_columns(start=pl.col("end") - pl.col("token").str.len_chars().cast(pl.Int64),
                      token_no=pl.int_range(pl.len()).over("doc_no"))
    )
    # Not after an abbreviation or an initial ("George W. Bush", "N.J."): those stops end no sentence.
    after_abbreviation = shifted("token", 1).is_in(ABBREVIATIONS) | shifted("token", 1).str.contains(r"^\p{Lu}$")
    # Nor a stop between digits ("3.5 million", "28.11.2025").
    inside_number = shifted("token", 1).str.contains(r"^\d+$") & shifted("chunk", -1).str.contains(r"^\d")
    ends = pl.col("token").is_in(SENTENCE_END) & ~(after_abbreviation | inside_number).fill_null(False)
    starts = (shifted("ends", 1) | pl.col("new_line")).fill_null(False) & (pl.col("token_no") > 0)
    return (
        chunks.with_columns(ends=ends)
        .with_columns(sentence=starts.cast(pl.Int32).cum_sum().over("doc_no"))
        .select("doc_no", "doc_id", "token_no", "token", "chunk", "start", "end", "sentence")
    )


# What `pattern_matches` steps over between candidate matches: whole (hyphenated) words with the
# punctuation after them, so a pattern is tried only where a word or a currency sign begins
# ("F-16" and "Zapad-2025" are single words, never the number 16 or the year 2025).
BETWEEN_MATCHES = r"\w+(?:-\w+)*[^\w$€£¥]*|[^\w$€£¥]+|[$€£¥]"


def text_partition(articles: pl.DataFrame, pattern: str, between: str = BETWEEN_MATCHES) -> pl.DataFrame:
    """The text cut into matches of `pattern` and what lies between them (`between` stops where a
    match may start), in order: doc_id, start, end, match, is_match. Running lengths give the
    offsets without a per-article loop."""
    return (
        articles.select(pl.int_range(pl.len(), dtype=pl.Int32).alias("doc_no"), "doc_id",
                        match=pl.col("text").str.extract_all(f"(?:{pattern})|{between}"))
        .explode("match").drop_nulls("match")
        .with_columns(length=pl.col("match").str.len_chars().cast(pl.Int64))
        # Running lengths per article by its integer number: grouping by doc_id strings costs more.
        .with_columns(end=pl.col("length").cum_sum().over("doc_no"))
        .with_columns(start=pl.col("end") - pl.col("length"), is_match=pl.col("match").str.contains(f"^(?:{pattern})$"))
        .select("doc_id", "start", "end", "match", "is_match")
    )


def pattern_matches(articles: pl.DataFrame, pattern: str, between: str = BETWEEN_MATCHES) -> pl.DataFrame:
    """Every non-overlapping match of `pattern` that starts where `between` stops (by default at a
    word), with its offsets: doc_id, start, end, match."""
    return text_partition(articles, pattern, between).filter("is_match").drop("is_match")


def with_sentence(rows: pl.DataFrame, tokens: pl.DataFrame) -> pl.DataFrame:
    """`rows` (doc_id, start, ...), sorted by doc_id and start, with the sentence number of the
    token at or before `start`: a binary search over the token table's packed (doc_no, start),
    no as-of join of the whole table."""
    rows = rows.sort("doc_id", "start")
    if tokens.height == 0:
        return rows.with_columns(sentence=pl.lit(None, tokens["sentence"].dtype))
    packed_starts = _packed(tokens, "start")
    wanted = _packed_offsets(tokens, rows, "start")
    before = np.searchsorted(packed_starts, wanted, side="right") - 1
    at_or_before = tokens["sentence"].gather(before.clip(0))
    in_article = (before >= 0) & (wanted >= 0) & (packed_starts[before.clip(0)] >> 32 == wanted >> 32)
    return rows.with_columns(sentence=pl.when(pl.Series(in_article, dtype=pl.Boolean)).then(at_or_before))


def neighbour(tokens: pl.DataFrame, rows: np.ndarray, column: str, k: int, within: tuple[str, ...] = ("doc_no",),
              edge: str | None = None) -> pl.Series:
    """`column` of the token k rows away from each of `rows` (row numbers of `tokens`), or `edge`
    where that token is beyond the article (or beyond whatever else `within` names, such as the
    sentence). A gather by row number: no join over the whole token table."""
    n = tokens.height
    target = rows + k
    clipped = np.clip(target, 0, max(n - 1, 0))
    same = (target >= 0) & (target < n)
    for name in within:
        values = tokens[name].to_numpy()
        same &= values[clipped] == values[rows]
    gathered = tokens[column].gather(clipped)
    return pl.select(pl.when(pl.Series(same)).then(gathered).otherwise(pl.lit(edge))).to_series()


def token_key() -> pl.Expr:
    """One integer per token of a batch: (doc_no, token_no) packed, for fast membership tests."""
    return pl.col("doc_no").cast(pl.Int64) * 2**32 + pl.col("token_no")


def _packed(tokens: pl.DataFrame, offset: str) -> np.ndarray:
    """(doc_no, `offset`) of every token packed in one integer, which rises down the token table."""
    return (tokens["doc_no"].cast(pl.Int64) * 2**32 + tokens[offset]).to_numpy()


def _packed_offsets(tokens: pl.DataFrame, rows: pl.DataFrame, offset: str) -> np.ndarray:
    """(doc_no, `offset`) of each of `rows` (doc_id, `offset`) packed as `_packed` does; -1 for an
    article with no tokens."""
    doc_numbers = tokens.filter(pl.col("token_no") == 0).select("doc_id", "doc_no")
    return (
        rows.select("doc_id", offset).join(doc_numbers, on="doc_id", how="left", maintain_order="left")
        .select((pl.col("doc_no").cast(pl.Int64) * 2**32 + pl.col(offset)).fill_null(-1))
        .to_series().to_numpy()
    )


def token_rows(tokens: pl.DataFrame, rows: pl.DataFrame, offset: str, edge: str) -> np.ndarray:
    """Row number in `tokens` of the token whose `edge` ("start" or "end") lies at each of `rows`'
    doc_id and `offset`, -1 where no token's does. (doc_no, edge) packed rises down the token
    table, so a binary search finds the rows: no join of the whole table on doc_id strings."""
    packed_edges = _packed(tokens, edge)
    wanted = _packed_offsets(tokens, rows, offset)
    found = np.searchsorted(packed_edges, wanted).clip(0, max(len(packed_edges) - 1, 0))
    at_edge = packed_edges[found] == wanted if len(packed_edges) else np.zeros(len(wanted), dtype=bool)
    return np.where(at_edge, found, -1)


def tokens_within(tokens: pl.DataFrame, spans: pl.DataFrame) -> pl.Series:
    """token_key() of every token inside `spans` (doc_id, start, end that fall on token edges)."""
    first, last = token_rows(tokens, spans, "start", "start"), token_rows(tokens, spans, "end", "end")
    on_edges = (first >= 0) & (last >= 0)
    ranges = pl.DataFrame({"first": first[on_edges], "last": last[on_edges]}).select(
        row=pl.int_ranges("first", pl.col("last") + 1)).explode("row")
    keys = tokens.select(token_key()).to_series()
    return keys.gather(ranges["row"].drop_nulls())


def char_offset(haystack: pl.Expr, needle: pl.Expr | str) -> pl.Expr:
    """Character index of the first `needle` in `haystack`, NULL if absent. (`str.find` gives
    a byte index, which is wrong for offsets into text with any non-ASCII character before.)"""
    needle = pl.lit(needle) if isinstance(needle, str) else needle
    before = haystack.str.split(needle).list.first().str.len_chars().cast(pl.Int64)
    return pl.when(haystack.str.contains(needle, literal=True)).then(before)


def joined_text(chunks: pl.Expr) -> pl.Expr:
    """The text a run of tokens covers, rebuilt from their chunks (no slicing of the article,
    which would scan it from the start for every row)."""
    return chunks.str.join("").str.strip_chars_start()


def sentence_table(tokens: pl.DataFrame) -> pl.DataFrame:
    """One row per sentence of `tokens`: doc_id, sentence, start, end, sentence_text."""
    return (
        tokens.group_by("doc_id", "sentence")
        .agg(start=pl.col("start").min(), end=pl.col("end").max(), sentence_text=joined_text(pl.col("chunk")))
        .sort("doc_id", "sentence")
    )
