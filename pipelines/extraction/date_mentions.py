"""Dates the text states ("June 24", "28 November 2025", "February 2022", "in May", "2023"; in
Russian "28 ноября 2025", "в ноябре", "28.11.2025", "во вторник"), resolved to calendar dates
with their granularity, as polars expressions."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.tokens import pattern_matches

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
# Russian month names in the cases dates take: "ноябрь", "28 ноября", "в ноябре", "к ноябрю".
RUSSIAN_MONTH_FORMS = {
    1: "январь января январе январю", 2: "февраль февраля феврале февралю", 3: "март марта марте марту",
    4: "апрель апреля апреле апрелю", 5: "май мая мае маю", 6: "июнь июня июне июню", 7: "июль июля июле июлю",
    8: "август августа августе августу", 9: "сентябрь сентября сентябре сентябрю",
    10: "октябрь октября октябре октябрю", 11: "ноябрь ноября ноябре ноябрю", 12: "декабрь декабря декабре декабрю",
}
RUSSIAN_MONTH_NUMBERS = {form: month for month, forms in RUSSIAN_MONTH_FORMS.items() for form in forms.split()}
RUSSIAN_MONTH = "(?:" + "|".join(sorted(RUSSIAN_MONTH_NUMBERS, key=len, reverse=True)) + ")"
RUSSIAN_MONTH_GENITIVE = "(?:" + "|".join(forms.split()[1] for forms in RUSSIAN_MONTH_FORMS.values()) + ")"
# A Russian month alone needs a preposition that makes it a time ("в ноябре", "с мая", "на октябрь").
RUSSIAN_MONTH_LEAD = r"(?:[Вв]о?|[Сс]|[Пп]о|[Дд]о|[Кк]|[Нн]а|[Пп]осле)\s"
# A year named by its distance from the published one ("в ноябре прошлого года").
RUSSIAN_RELATIVE_YEARS = {"прошлого": -1, "этого": 0, "текущего": 0, "нынешнего": 0, "следующего": 1, "будущего": 1}
RUSSIAN_RELATIVE_YEAR = r"\s(?:" + "|".join(RUSSIAN_RELATIVE_YEARS) + r")\sгода"
# Weekdays as "в понедельник" / "во вторник" name them (accusative), Monday first.
RUSSIAN_WEEKDAYS = {"понедельник": 1, "вторник": 2, "среду": 3, "четверг": 4, "пятницу": 5, "субботу": 6,
                    "воскресенье": 7}
RUSSIAN_WEEKDAY = "(?:" + "|".join(RUSSIAN_WEEKDAYS) + ")"
WEEKDAY_LEAD = r"[Вв]о?\s"
# Day, month and year in figures, as Russian text writes them: "28.11.2025". Read in Russian
# articles only (date_mentions), so that English ones keep their readings.
NUMERIC_DATE = r"(?:[12]\d|3[01]|0?[1-9])\.(?:1[0-2]|0?[1-9])\.(?:1[89]|20)\d\d"
RUSSIAN_DATE = (
    rf"{DAY}\s{RUSSIAN_MONTH_GENITIVE}(?:\s{YEAR}|{RUSSIAN_RELATIVE_YEAR})?\b"    # 28 ноября / 28 ноября 2025
    rf"|{RUSSIAN_MONTH_LEAD}{RUSSIAN_MONTH}(?:\s{YEAR}|{RUSSIAN_RELATIVE_YEAR})?\b"  # в ноябре прошлого года
    rf"|{WEEKDAY_LEAD}{RUSSIAN_WEEKDAY}\b"                          # в понедельник / во вторник
)
ENGLISH_DATE = (
    rf"{MONTH}\s{DAY}(?:,?\s{YEAR})?\b"          # June 24 / June 24, 2025
    rf"|{DAY}\s(?:of\s)?{MONTH}(?:,?\s{YEAR})?\b"  # 28 November 2025
    rf"|{MONTH},?\s{YEAR}\b"                        # February 2022
    rf"|{MONTH_LEAD}(?:{MONTH}\s{DAY}(?:,?\s{YEAR})?|{MONTH},?\s{YEAR}|{MONTH})\b"  # since June 22, in May
    rf"|{YEAR}\b"                                   # 2023
)
# The Russian forms come first: "28 ноября" must not be read as the number 28. English articles
# are searched with ENGLISH_DATE alone (facts.extract_facts): the Russian forms never match them.
DATE = RUSSIAN_DATE + "|" + ENGLISH_DATE
# A yearless date more than half a year from the publication date belongs to the neighbouring year.
HALF_YEAR_DAYS = 183


def _with_numeric_dates(matches: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """`matches` with the numeric dates of Russian articles ("28.11.2025"), in place of the year
    matches inside them."""
    if "language" not in articles.columns or not (articles["language"] == "ru").any():
        return matches
    numeric = pattern_matches(articles.filter(pl.col("language") == "ru"), NUMERIC_DATE)
    inside = (matches.join(numeric.select("doc_id", n_start="start", n_end="end"), on="doc_id")
              .filter((pl.col("start") >= pl.col("n_start")) & (pl.col("end") <= pl.col("n_end")))
              .select("doc_id", "start"))
    return pl.concat([matches.join(inside, on=["doc_id", "start"], how="anti"), numeric.select(matches.columns)])


def date_mentions(matches: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Date expressions (rows of `pattern_matches` with DATE) to doc_id, start, end, text,
    resolved_date, granularity. A date without a year takes the year that puts it nearest the
    article's published date, a weekday the last such day up to it; both stay NULL when that date
    is unknown."""
    matches = _with_numeric_dates(matches, articles)
    lead = pl.col("match").str.extract(rf"^({MONTH_LEAD}|{RUSSIAN_MONTH_LEAD}|{WEEKDAY_LEAD})")
    numeric = pl.col("text").str.extract_groups(r"^(?P<n_day>\d+)\.(?P<n_month>\d+)\.(?P<n_year>\d+)$")
    found = (
        matches.with_columns(lead_length=lead.str.len_chars().fill_null(0).cast(pl.Int64))
        .with_columns(start=pl.col("start") + pl.col("lead_length"),
                      text=pl.col("match").str.slice(pl.col("lead_length")))
        .with_columns(numeric=numeric)
        .with_columns(
            year=pl.coalesce(pl.col("text").str.extract(rf"\b({YEAR})$"), pl.col("numeric").struct.field("n_year"))
            .cast(pl.Int32),
            month=pl.coalesce(
                pl.col("text").str.extract(rf"({MONTH})").str.slice(0, 3).str.to_lowercase()
                .replace_strict(MONTH_NUMBERS, default=None, return_dtype=pl.Int8),
                pl.col("text").str.extract(rf"({RUSSIAN_MONTH})")
                .replace_strict(RUSSIAN_MONTH_NUMBERS, default=None, return_dtype=pl.Int8),
                pl.col("numeric").struct.field("n_month").cast(pl.Int8)),
            day=pl.coalesce(pl.col("text").str.extract(rf"(?:^|\s)({DAY})(?:\s|,|$)").str.extract(r"(\d+)"),
                            pl.col("numeric").struct.field("n_day")).cast(pl.Int8),
            weekday=pl.col("text").replace_strict(RUSSIAN_WEEKDAYS, default=None, return_dtype=pl.Int8),
            years_away=pl.col("text").str.extract(r"(\w+)\sгода$")
            .replace_strict(RUSSIAN_RELATIVE_YEARS, default=None, return_dtype=pl.Int32),
        )
        .join(articles.select("doc_id", "published_date"), on="doc_id", how="left")
    )
    granularity = (pl.when(pl.col("day").is_not_null() | pl.col("weekday").is_not_null()).then(pl.lit("day"))
                   .when(pl.col("month").is_not_null()).then(pl.lit("month")).otherwise(pl.lit("year")))
    published = pl.col("published_date")
    guess = pl.date(published.dt.year(), pl.col("month"), 1)
    month_gap = (guess - published.dt.month_start()).dt.total_days()
    year = pl.coalesce(
        "year",
        published.dt.year() + pl.col("years_away"),
        pl.when(month_gap > HALF_YEAR_DAYS).then(published.dt.year() - 1)
        .when(month_gap < -HALF_YEAR_DAYS).then(published.dt.year() + 1)
        .otherwise(published.dt.year()),
    )
    first_day = pl.date(year, pl.col("month").fill_null(1), 1)
    valid_day = pl.col("day").is_null() | (pl.col("day") <= first_day.dt.month_end().dt.day())
    resolved = pl.when(valid_day).then(pl.date(year, pl.col("month").fill_null(1), pl.col("day").fill_null(1)))
    # A weekday is the last such day up to the published date ("во вторник" in Thursday's news).
    days_back = (published.dt.weekday() - pl.col("weekday") + 7) % 7
    resolved = (pl.when(pl.col("weekday").is_not_null()).then(published - pl.duration(days=days_back))
                .otherwise(resolved))
    return found.with_columns(granularity=granularity, resolved_date=resolved).select(
        "doc_id", "start", "end", "text", "resolved_date", "granularity")
