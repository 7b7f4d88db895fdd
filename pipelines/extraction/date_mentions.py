"""Dates the text states ("June 24", "28 November 2025", "February 2022", "in May", "2023"),
resolved to calendar dates with their granularity, as polars expressions."""

from __future__ import annotations

import polars as pl

MONTH_NUMBERS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
         r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.)")
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[89]|20)\d\d"
# A month alone needs a word that makes it a time ("in May", not "May" the verb).
MONTH_LEAD = r"(?:[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Ff]rom|[Dd]uring|[Ee]arly|[Ll]ate|[Mm]id|[Ll]ast|[Nn]ext|[Tt]his|[Oo]f)[\s-]"
DATE = (
    rf"{MONTH}\s{DAY}(?:,?\s{YEAR})?\b"          # June 24 / June 24, 2025
    rf"|{DAY}\s(?:of\s)?{MONTH}(?:,?\s{YEAR})?\b"  # 28 November 2025
    rf"|{MONTH},?\s{YEAR}\b"                        # February 2022
    rf"|{MONTH_LEAD}(?:{MONTH}\s{DAY}(?:,?\s{YEAR})?|{MONTH},?\s{YEAR}|{MONTH})\b"  # since June 22, in May
    rf"|{YEAR}\b"                                   # 2023
)
# A yearless date more than half a year from the publication date belongs to the neighbouring year.
HALF_YEAR_DAYS = 183


def date_mentions(matches: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Date expressions (rows of `pattern_matches` with DATE) to doc_id, start, end, text,
    resolved_date, granularity. A date without a year takes the year that puts it nearest the
    article's published date, and stays NULL when that date is unknown."""
    lead = pl.col("match").str.extract(rf"^({MONTH_LEAD})")
    found = (
        matches.with_columns(lead_length=lead.str.len_chars().fill_null(0).cast(pl.Int64))
        .with_columns(start=pl.col("start") + pl.col("lead_length"),
                      text=pl.col("match").str.slice(pl.col("lead_length")))
        .with_columns(
            year=pl.col("text").str.extract(rf"\b({YEAR})$").cast(pl.Int32),
            month=pl.col("text").str.extract(rf"({MONTH})").str.slice(0, 3).str.to_lowercase()
            .replace_strict(MONTH_NUMBERS, default=None, return_dtype=pl.Int8),
            day=pl.col("text").str.extract(rf"(?:^|\s)({DAY})(?:\s|,|$)").str.extract(r"(\d+)").cast(pl.Int8),
        )
        .join(articles.select("doc_id", "published_date"), on="doc_id", how="left")
    )
    granularity = (pl.when(pl.col("day").is_not_null()).then(pl.lit("day"))
                   .when(pl.col("month").is_not_null()).then(pl.lit("month")).otherwise(pl.lit("year")))
    published = pl.col("published_date")
    guess = pl.date(published.dt.year(), pl.col("month"), 1)
    month_gap = (guess - published.dt.month_start()).dt.total_days()
    year = pl.coalesce(
        "year",
        pl.when(month_gap > HALF_YEAR_DAYS).then(published.dt.year() - 1)
        .when(month_gap < -HALF_YEAR_DAYS).then(published.dt.year() + 1)
        .otherwise(published.dt.year()),
    )
    first_day = pl.date(year, pl.col("month").fill_null(1), 1)
    valid_day = pl.col("day").is_null() | (pl.col("day") <= first_day.dt.month_end().dt.day())
    resolved = pl.when(valid_day).then(pl.date(year, pl.col("month").fill_null(1), pl.col("day").fill_null(1)))
    return found.with_columns(granularity=granularity, resolved_date=resolved).select(
        "doc_id", "start", "end", "text", "resolved_date", "granularity")
