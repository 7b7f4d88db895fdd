"""Counted things ("about seven thousand soldiers", "over 160 agreements", "5,000-7,000 troops"),
sums of money ("£37.5bn", "$10 billion", "1.5 billion roubles", with an ISO 4217 currency) and
percentages: value in units, range, qualifier and object phrase, as polars expressions over
regex matches."""

from __future__ import annotations

import polars as pl

UNIT_VALUES = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALE_VALUES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
                # Written against the digits of a sum of money: "£35bn", "$285m", "€1.2tn".
                "k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "tn": 1e12}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SMALL = ("eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|ten"
          "|two|three|four|five|six|seven|eight|nine")
_SCALE = "hundred|thousand|million|billion|trillion"
DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SCALE_SUFFIX = r"(?i:bn|tn|m|k|b)"
# A number with a scale word or a scale letter against its digits ("3 million", "$285m").
SCALED = rf"(?i:{_SCALE})|\d{SCALE_SUFFIX}\b"
# "one" and "a" count only before a scale word ("a hundred"); alone they are rarely amounts.
NUMBER_WORD = rf"(?:{_TENS})(?:-(?:one|{_SMALL}))?|{_SMALL}|(?:a|an|one)\s(?:{_SCALE})"
# A scale word may be hyphenated to the number ("$3.6-trillion debt").
NUMBER = rf"(?:(?:{DIGITS}){SCALE_SUFFIX}?|(?i:{NUMBER_WORD}))\b(?:\s(?i:{_SCALE}|{_TENS}|{_SMALL})\b|-(?i:{_SCALE})\b)*"
QUALIFIERS = ("about|around|approximately|roughly|nearly|almost|some|over|more than|less than|fewer than|up to"
              "|at least|at most|under|above|below|an estimated|as many as|as few as|between|from")
OBJECT_WORD = r"[a-z][a-z’'-]*"
AMOUNT = (
    rf"(?:(?P<qualifier>(?i:{QUALIFIERS}))\s)?(?P<currency>[$€£¥]\s?)?(?P<low>{NUMBER})"
    rf"(?:\s?(?:-|–|to|and)\s?[$€£¥]?(?P<high>{NUMBER}))?(?P<percent>\s?%|\spercent\b|\sper cent\b)?"
)
# The words after a number that may name what it counts; read from the text after the match, so
# they stay free to start the next amount ("seven thousand soldiers and three thousand pieces").
TAIL = rf"^(?:\s{OBJECT_WORD}){{1,3}}"
# A number after these words stands for things named earlier ("the other two aim to ...").
# After "out of" it is the whole of a ratio ("three out of four voters").
PRONOMINAL = r"\b(?:other|another|last|first|next)\s$|\bout of\s$"
CURRENCY_NAMES = {"$": "dollars", "€": "euros", "£": "pounds", "¥": "yen"}
# ISO 4217 codes of the currencies a sign or a word after the number names ("$" is taken as the US
# dollar, the reading in most English news).
CURRENCY_CODES = {
    "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR",
    "pounds": "GBP", "pound": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "roubles": "RUB", "rubles": "RUB", "rouble": "RUB", "ruble": "RUB", "rupees": "INR", "rupee": "INR",
    "francs": "CHF", "hryvnias": "UAH", "hryvnia": "UAH", "zlotys": "PLN", "zloty": "PLN",
}
# Currency words that are also units of weight.
AMBIGUOUS_CURRENCY_WORDS = ["pounds", "pound"]
# Words that end an object phrase rather than belong to it.
STOP_WORDS = [
    "of", "in", "on", "at", "to", "for", "from", "with", "by", "and", "or", "but", "the", "a", "an", "that",
    "which", "who", "were", "was", "are", "is", "be", "been", "have", "has", "had", "will", "would", "can",
    "could", "may", "might", "should", "said", "says", "this", "these", "those", "its", "their", "his", "her",
    "as", "than", "more", "per", "each", "while", "when", "into", "across", "during", "since", "after",
    "before", "also", "not", "took", "take", "it", "they", "we", "he", "she", "there", "here", "ago",
    # "three out of four" is a ratio, not three of something called "out".
    "out",
]
# Measure words whose object follows "of" ("pieces of equipment", "tons of ammunition").
MEASURE_WORDS = ["pieces", "piece", "units", "tons", "tonnes", "rounds", "items", "sets", "batches", "kinds",
                 "types", "barrels", "liters", "litres", "cubic", "square", "hectares", "kilograms", "crates"]


def number_values(phrases: pl.Series) -> pl.Series:
    """The numeric value of each number phrase ("7,000", "1.5 million", "seven thousand",
    "twenty-five"), summed word by word the way one reads it aloud; NULL for a NULL phrase."""
    words = (
        pl.DataFrame({"phrase": phrases})
        .select(row=pl.int_range(pl.len()), word=pl.col("phrase").str.to_lowercase().str.extract_all(r"[\d.,]+|[a-z]+"))
        .explode("word")
        .with_columns(
            unit=pl.when(pl.col("word").str.contains(r"^\d"))
            .then(pl.col("word").str.replace_all(",", "").cast(pl.Float64, strict=False))
            .otherwise(pl.col("word").replace_strict(UNIT_VALUES, default=None, return_dtype=pl.Float64)),
            scale=pl.col("word").replace_strict(SCALE_VALUES, default=None, return_dtype=pl.Float64),
        )
        # A scale of a thousand or more closes a group ("two hundred fifty | thousand").
        .with_columns(big=(pl.col("scale") >= 1000).fill_null(False))
        .with_columns(group=pl.col("big").cast(pl.Int32).cum_sum().shift(1, fill_value=0).over("row"))
        .with_columns(after_hundred=(pl.col("scale") == 100).fill_null(False).cum_sum().over("row", "group") > 0)
    )
    hundreds = pl.when((pl.col("scale") == 100).any()).then(100).otherwise(1)
    groups = words.group_by("row", "group").agg(
        known=pl.col("word").is_not_null().all(),
        value=(pl.col("unit").filter(~pl.col("after_hundred")).sum() * hundreds
               + pl.col("unit").filter(pl.col("after_hundred")).sum())
        * pl.col("scale").filter(pl.col("big")).max().fill_null(1),
    )
    totals = groups.group_by("row").agg(value=pl.when(pl.col("known").all()).then(pl.col("value").sum())).sort("row")
    return totals["value"]


def amounts(matches: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Amount expressions (rows of `pattern_matches` with AMOUNT) to doc_id, start, end, text, value,
    value_high, qualifier, object. A number with no counted object, unit or currency is left out."""
    parts = (
        matches.with_columns(part=pl.col("match").str.extract_groups(f"^{AMOUNT}$")).unnest("part")
        .join(articles.select("doc_id", "text"), on="doc_id")
        .with_columns(tail=pl.col("text").str.slice(pl.col("end"), 60).str.extract(f"({TAIL})"),
                      pronominal=pl.col("text").str.slice((pl.col("start") - 10).clip(0), pl.col("start").clip(upper_bound=10))
                      .str.contains(PRONOMINAL))
        .drop("text")
        .filter(~pl.col("pronominal"))
    )
    tail = pl.col("tail")
    words = tail.str.extract_all(OBJECT_WORD)
    first, second, third = (words.list.get(i, null_on_oob=True) for i in range(3))

    def usable(word: pl.Expr) -> pl.Expr:
        return word.is_not_null() & ~word.is_in(STOP_WORDS)

    def noun_like(word: pl.Expr) -> pl.Expr:  # after the first word, "-ed" is a verb ("troops arrived")
        return usable(word) & ~word.str.ends_with("ed")

    def leading_words(n: int) -> pl.Expr:
        return tail.str.extract(rf"^((?:\s{OBJECT_WORD}){{{n}}})")

    # "192 search sites" keeps a modifier and its noun; "28 sites were" stops after the plural noun.
    object_span = (
        pl.when(~usable(first)).then(None)
        .when(first.is_in(MEASURE_WORDS) & (second == "of") & noun_like(third)).then(leading_words(3))
        .when(~first.str.ends_with("s") & noun_like(second)).then(leading_words(2))
        .otherwise(leading_words(1))
    )
    found = (
        parts.with_columns(object_span=object_span)
        .with_columns(
            object=pl.when(pl.col("percent").is_not_null()).then(pl.lit("percent"))
            .otherwise(pl.coalesce(pl.col("currency").str.strip_chars().replace_strict(CURRENCY_NAMES, default=None),
                                   pl.col("object_span").str.strip_chars())),
            text=pl.col("match") + pl.when(pl.col("currency").is_null() & pl.col("percent").is_null())
            .then(pl.col("object_span")).otherwise(pl.lit("")).fill_null(""),
        )
        .filter(pl.col("object").is_not_null())
    )
    # "pounds" after a number weighs as often as it pays: money only with a scale ("3 million pounds").
    scaled = pl.col("low").str.contains(SCALED)
    named_currency = pl.col("object").replace_strict(CURRENCY_CODES, default=None)
    currency = pl.coalesce(pl.col("currency").str.strip_chars().replace_strict(CURRENCY_CODES, default=None),
                           pl.when(~pl.col("object").is_in(AMBIGUOUS_CURRENCY_WORDS) | scaled).then(named_currency))
    # A scale letter against digits ("5m") is money's only: "a 5m race" measures, it does not count.
    suffixed = pl.col("low").str.contains(rf"\d{SCALE_SUFFIX}\b")
    return (
        found.with_columns(value=number_values(found["low"]), value_high=number_values(found["high"]), currency=currency)
        # "$10 – $55 billion": the high end's scale is the low end's too.
        .with_columns(value=pl.when(~scaled & pl.col("high").str.contains(SCALED).fill_null(False))
                      .then(pl.coalesce(pl.col("value") * pl.col("value_high")
                                        / number_values(found["high"].str.extract(r"^([\d.,]+)")), pl.col("value")))
                      .otherwise(pl.col("value")))
        .filter(~suffixed | pl.col("currency").is_not_null())
        .select("doc_id", "start", end=pl.col("start") + pl.col("text").str.len_chars(), text="text",
                value="value", value_high="value_high", qualifier=pl.col("qualifier").str.to_lowercase(), object="object",
                currency="currency",
                unit=pl.when(pl.col("percent").is_not_null()).then(pl.lit("percent"))
                .when(pl.col("currency").is_not_null()).then(pl.lit("money")).otherwise(pl.lit("count")))
    )
