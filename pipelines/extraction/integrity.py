"""What every batch of extracted facts must satisfy before it is written: one row per natural key,
offsets that slice the article's text, and entity ids that resolve to the article's own
entities. These are the invariants the warehouse's SQL checks test after the write
(pipelines/assets/checks.py), with the same rules, tested per article here (and an offset
beyond its text is an error here, where SQL's substring would clamp it). Vectorised polars
because it runs on every batch a run extracts: for 250 articles a few group-bys and joins, about
1% of the batch's extraction. It names each offending article with its reasons, so a batch can
leave out what is broken and a sweep over a corpus shows why."""

from __future__ import annotations

import polars as pl

# The columns that identify one row of each per-article fact table, as the extraction makes them:
# a role can name two people ("Prince William and Kate"), a sentence reports one event per kind.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "article_entities": ("doc_id", "entity_id"),
    "entity_mentions": ("doc_id", "start", "end"),
    "quotes": ("doc_id", "start", "end"),
    "person_roles": ("doc_id", "entity_id", "start", "end"),
    "amounts": ("doc_id", "start", "end"),
    "date_mentions": ("doc_id", "start", "end"),
    "events": ("doc_id", "sentence", "kind"),
}
# The column of each table that must equal text[start:end] (quotes have their own rule).
SLICED_COLUMNS: dict[str, str] = {
    "entity_mentions": "text", "person_roles": "role", "amounts": "text", "date_mentions": "text",
    "events": "sentence_text",
}
# Marks a quote may open with: scraped text turns "“" into "”" and back, and single marks quote
# too (pipelines/extraction/quotes.py).
OPENING_MARKS = ("“", '"', "«", "”", "»", "‘", "’", "'", "„")
# A line of Russian dialogue opens with a dash and a space before its speech ("– Мы готовы").
DIALOGUE_DASHES = ("–", "—", "-")
# The columns naming entities (a list column for events' actors), and whether NULL is allowed.
ENTITY_COLUMNS: list[tuple[str, str, bool]] = [
    ("entity_mentions", "entity_id", False),
    ("person_roles", "entity_id", False),
    ("person_roles", "organisation_entity_id", True),
    ("quotes", "speaker_entity_id", True),
    ("events", "actor_entity_ids", False),
    ("events", "place_entity_id", True),
]
REASONS_SCHEMA = {"doc_id": pl.String, "order": pl.Int32, "reason": pl.String}


def article_violations(articles: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per article of `articles` (doc_id, text) whose rows in `tables` (extract_facts'
    output) break an invariant: doc_id and reason (every reason found, joined by "; "). Empty
    when the batch is sound. A table that is missing or empty breaks nothing."""
    present = {name: frame for name, frame in tables.items() if name in NATURAL_KEYS and frame.height}
    texts = articles.select("doc_id", "text")
    reasons = [
        *(_duplicated_keys(name, present[name], order) for order, name in enumerate(NATURAL_KEYS) if name in present),
        *(_unsliced(name, present[name], column, texts, 100 + order)
          for order, (name, column) in enumerate(SLICED_COLUMNS.items()) if name in present),
        *([_misquoted(present["quotes"], texts)] if "quotes" in present else []),
        *(_unresolved(name, present[name], column, nullable, tables.get("article_entities"), 300 + order)
          for order, (name, column, nullable) in enumerate(ENTITY_COLUMNS) if name in present),
        *(_foreign(name, frame, texts, 400 + order) for order, (name, frame) in enumerate(present.items())),
    ]
    return (
        pl.concat([pl.DataFrame(schema=REASONS_SCHEMA), *(r.select(list(REASONS_SCHEMA)) for r in reasons)])
        .sort("doc_id", "order", maintain_order=True)
        .group_by("doc_id", maintain_order=True)
        .agg(pl.col("reason").str.join("; "))
    )


def _key_text(columns: list[str]) -> pl.Expr:
    """"(4, 11)": the values of `columns` as a tuple."""
    return pl.concat_str(pl.lit("("), pl.concat_str([pl.col(c).cast(pl.String).fill_null("NULL") for c in columns],
                                                    separator=", "), pl.lit(")"))


def _duplicated_keys(name: str, frame: pl.DataFrame, order: int) -> pl.DataFrame:
    key = list(NATURAL_KEYS[name])
    return (
        frame.group_by(key).len().filter(pl.col("len") > 1).sort(key)
        .select("doc_id", order=pl.lit(order, pl.Int32),
                reason=pl.format(f"{name}: {{}} rows share a key {{}}", "len", _key_text(key[1:])))
    )


def _in_bounds() -> pl.Expr:
    return (pl.col("start") >= 0) & (pl.col("start") <= pl.col("end")) & (pl.col("end") <= pl.col("text").str.len_chars())


def _summarised(offending: pl.DataFrame, order: int, what: str) -> pl.DataFrame:
    """Per article: how many of `offending` rows (doc_id, start, end) break `what`, and the first."""
    return (
        offending.sort("doc_id", "start", "end").group_by("doc_id", maintain_order=True)
        .agg(rows=pl.len(), first=_key_text(["start", "end"]).first())
        .select("doc_id", order=pl.lit(order, pl.Int32), reason=pl.format(f"{what} ({{}} rows, first at {{}})", "rows", "first"))
    )


def _unsliced(name: str, frame: pl.DataFrame, column: str, texts: pl.DataFrame, order: int) -> pl.DataFrame:
    sliced = pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start"))
    offending = (
        frame.select("doc_id", "start", "end", value=column).join(texts, on="doc_id")
        .filter(~_in_bounds() | (sliced != pl.col("value")).fill_null(True))
    )
    return _summarised(offending, order, f"{name}: {column} is not text[start:end]")


def _misquoted(quotes: pl.DataFrame, texts: pl.DataFrame) -> pl.DataFrame:
    """Quotes that do not start at an opening mark, or whose quote is not the text between the
    marks (closed) or from the mark to `end` less trailing white space (continued, unclosed), or
    from a dialogue dash to `end` less the space after the dash."""
    length = pl.col("end") - pl.col("start")
    between = pl.col("text").str.slice(pl.col("start") + 1, length - 2)
    to_end = pl.col("text").str.slice(pl.col("start") + 1, length - 1).str.strip_chars_end()
    offending = (
        quotes.select("doc_id", "start", "end", "quote").join(texts, on="doc_id")
        .filter(~_in_bounds() | (length < 1)
                | ~pl.col("text").str.slice(pl.col("start"), 1).is_in(OPENING_MARKS + DIALOGUE_DASHES).fill_null(False)
                | ~((pl.col("quote") == between) | (pl.col("quote") == to_end)
                    | (pl.col("text").str.slice(pl.col("start"), 1).is_in(DIALOGUE_DASHES)
                       & (pl.col("quote") == to_end.str.strip_chars_start()))).fill_null(False))
    )
    return _summarised(offending, 200, "quotes: not a quotation mark's quote")


def _unresolved(name: str, frame: pl.DataFrame, column: str, nullable: bool, entities: pl.DataFrame | None,
                order: int) -> pl.DataFrame:
    ids = frame.select("doc_id", entity_id=column)
    if ids.schema["entity_id"] == pl.List(pl.String):
        # An empty list (no actor) names no one; a NULL inside a list is an unresolved id.
        ids = ids.filter(pl.col("entity_id").list.len() > 0).explode("entity_id")
    if nullable:
        ids = ids.drop_nulls("entity_id")
    known = (entities.select("doc_id", "entity_id") if entities is not None and entities.height
             else pl.DataFrame(schema={"doc_id": pl.String, "entity_id": pl.String}))
    return (
        ids.join(known, on=["doc_id", "entity_id"], how="anti")
        .group_by("doc_id").agg(ids=pl.len(), first=pl.col("entity_id").fill_null("NULL").sort().first())
        .select("doc_id", order=pl.lit(order, pl.Int32),
                reason=pl.format(f"{name}.{column}: {{}} ids not in article_entities (first {{}})", "ids", "first"))
    )


def _foreign(name: str, frame: pl.DataFrame, texts: pl.DataFrame, order: int) -> pl.DataFrame:
    """Rows of an article that is not in the batch."""
    return (
        frame.select("doc_id").join(texts, on="doc_id", how="anti").group_by("doc_id").len()
        .select(pl.col("doc_id").fill_null("NULL"), order=pl.lit(order, pl.Int32),
                reason=pl.format(f"{name}: {{}} rows of an article not in the batch", "len"))
    )
