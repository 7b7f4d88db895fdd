"""Named entities from the token table: capitalised name spans, classified by gazetteers and
curated word lists, then merged into entities within and across articles."""

from __future__ import annotations

import hashlib

import polars as pl

from pipelines.extraction.gazetteer import places, word_list
from pipelines.extraction.tokens import ABBREVIATIONS

CONNECTORS = ["of", "the", "for", "on", "de", "du", "al", "bin"]
# Capitalised words that open sentences or headlines rather than names.
STARTERS = [
    "The", "A", "An", "In", "At", "On", "As", "By", "For", "From", "To", "With", "After", "Before", "During",
    "Since", "While", "When", "If", "But", "And", "Or", "So", "Yet", "This", "That", "These", "Those", "Its",
    "His", "Her", "Their", "Our", "He", "She", "It", "They", "We", "Meanwhile", "However", "According",
    "Additionally", "Also", "Of", "Some", "Many", "All", "Both", "Each", "Such", "Public", "How", "What",
]
POSSESSIVE = ["'", "’"]
ACRONYM = r"^[A-Z]{2,6}$|^[A-Z][a-z]+[A-Z]{2,}$"
MENTION_SCHEMA = {
    "doc_id": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String,
    "type": pl.String, "sentence": pl.Int32, "key": pl.String, "country": pl.String,
}


def _flag_name_tokens(tokens: pl.DataFrame) -> pl.DataFrame:
    """Mark tokens that belong to a capitalised name run and number the runs."""
    first_names = list(word_list("first_names"))
    token, prev, nxt = pl.col("token"), pl.col("token").shift(1).over("doc_id"), pl.col("token").shift(-1).over("doc_id")
    next2 = pl.col("token").shift(-2).over("doc_id")
    cap = token.str.contains(r"^[A-ZА-ЯЁ]")
    prev_cap, next_cap = prev.str.contains(r"^[A-ZА-ЯЁ]"), nxt.str.contains(r"^[A-ZА-ЯЁ]")
    same_sentence = pl.col("sentence") == pl.col("sentence").shift(1).over("doc_id")
    prev2 = pl.col("token").shift(2).over("doc_id")
    in_name = (
        cap
        | (token.is_in(CONNECTORS) & prev_cap & next_cap)
        | ((token == "of") & prev_cap & (nxt == "the") & next2.str.contains(r"^[A-Z]"))
        | ((token == "the") & (prev == "of") & prev2.str.contains(r"^[A-Z]") & next_cap)
        | (token.str.contains(r"^\d+(?:st|nd|rd|th)$") & next_cap)
        | ((token == ".") & prev.is_in(ABBREVIATIONS) & next_cap)
        | (token.is_in(POSSESSIVE) & prev_cap & (nxt == "s") & next2.str.contains(r"^[A-Z]"))
        | ((token == "s") & prev.is_in(POSSESSIVE) & next_cap)
    ).fill_null(False)
    # A given name after another capitalised word starts a new name ("Belarus Vladimir Putin").
    new_name = token.is_in(first_names) & prev_cap.fill_null(False) & ~prev.is_in(first_names).fill_null(False)
    flagged = tokens.with_columns(in_name=in_name)
    for _ in range(2):  # a starter word opening a run is not part of the name ("In Moscow")
        starts = pl.col("in_name") & ~(pl.col("in_name").shift(1).over("doc_id").fill_null(False) & same_sentence)
        flagged = flagged.with_columns(in_name=pl.col("in_name") & ~(starts & token.is_in(STARTERS + CONNECTORS)))
    breaks = ~pl.col("in_name") | ~same_sentence.fill_null(False) | new_name
    return flagged.with_columns(run=breaks.cast(pl.Int32).cum_sum().over("doc_id"))


def name_spans(tokens: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Capitalised name spans with their text, offsets, sentence and tokens."""
    flagged = _flag_name_tokens(tokens).filter(pl.col("in_name"))
    spans = (
        flagged.group_by("doc_id", "run", maintain_order=True)
        .agg(start=pl.col("start").first(), end=pl.col("end").last(), sentence=pl.col("sentence").first(),
             words=pl.col("token").filter(pl.col("token").str.contains(r"^\w")))
        .join(articles.select("doc_id", "text"), on="doc_id")
        .with_columns(text=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
        .drop("run")
    )
    return spans


WORDS = r"\w+(?:-\w+)*"


def _reslice(spans: pl.DataFrame, skip: pl.Expr, keep: pl.Expr) -> pl.DataFrame:
    """Spans narrowed to `keep` characters after the first `skip`, with words and offsets redone."""
    return spans.with_columns(start=pl.col("start") + skip, text=pl.col("text").str.slice(skip, keep)).with_columns(
        end=pl.col("start") + pl.col("text").str.len_chars(), words=pl.col("text").str.extract_all(WORDS))


def split_titles_and_nested_orgs(spans: pl.DataFrame) -> pl.DataFrame:
    """"Chief of the Central Office" names the office, not a person or an organisation called
    Chief; "Center of the Russian Defense Ministry" names two organisations."""
    titles, heads = sorted(word_list("titles")), sorted(word_list("org_heads"))
    title_prefix = pl.col("text").str.extract(r"^((?:(?:" + "|".join(titles) + r")\s+)+of\s+(?:the\s+)?)[A-Z]")
    spans = _reslice(spans, title_prefix.str.len_chars().fill_null(0).cast(pl.Int64),
                     pl.col("text").str.len_chars())
    head_words = "|".join(heads)
    nested = pl.col("text").str.contains(r"\b(?:" + head_words + r")\b.* of the .*\b(?:" + head_words + r")\b")
    outer = pl.col("text").str.find(" of the ").cast(pl.Int64)
    whole = spans.filter(~nested.fill_null(False))
    parts = spans.filter(nested.fill_null(False))
    left = _reslice(parts, pl.lit(0, pl.Int64), outer)
    right = _reslice(parts, outer + len(" of the "), pl.col("text").str.len_chars())
    return pl.concat([whole, left, right]).sort("doc_id", "start")


def classify(spans: pl.DataFrame) -> pl.DataFrame:
    """Each span as PERSON, ORGANIZATION, LOCATION or NATIONALITY, or dropped; a merge key."""
    gazetteer = places().select("alias", place_name="name", place_type="type", place_country="country")
    heads, titles, first_names = (list(word_list(n)) for n in ("org_heads", "titles", "first_names"))
    words = pl.col("words")
    n = words.list.len()
    has_head = words.list.eval(pl.element().is_in(heads)).list.any()
    all_title = words.list.eval(pl.element().is_in(titles + CONNECTORS)).list.all()
    person = words.list.first().is_in(first_names) & n.is_between(2, 4) & ~has_head
    acronym = (n == 1) & pl.col("text").str.contains(ACRONYM)
    # An all-capitals dateline place ("MINSK") is looked up as "Minsk".
    lookup = pl.when(pl.col("text").str.contains(r"^[A-Z]{4,}$")).then(pl.col("text").str.to_titlecase()).otherwise(pl.col("text"))
    typed = spans.with_columns(lookup=lookup).join(gazetteer, left_on="lookup", right_on="alias", how="left").drop("lookup").with_columns(
        type=pl.when(pl.col("place_type").is_not_null()).then(pl.col("place_type"))
        .when(person).then(pl.lit("PERSON"))
        .when(has_head & ~all_title | acronym).then(pl.lit("ORGANIZATION"))
        .otherwise(None),
        country=pl.col("place_country"),
    )
    return typed


def _org_key(text: pl.Expr) -> pl.Expr:
    """Variants of one organisation share a key: content words, sorted ("Russian Ministry of
    Defense" and "Russian Defense Ministry" both become "defense ministry russian")."""
    return (
        text.str.to_lowercase().str.replace_all(r"[’']s\b", "").str.extract_all(r"[a-z]+")
        .list.eval(pl.element().filter(~pl.element().is_in(["of", "the", "for", "on", "and"]))).list.sort()
        .list.join(" ")
    )


def entity_mentions(tokens: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Typed mentions with a merge key; surnames alone and places inside titles included."""
    typed = classify(split_titles_and_nested_orgs(name_spans(tokens, articles)))
    people = typed.filter(pl.col("type") == "PERSON").select(
        "doc_id", surname=pl.col("words").list.last(), full=pl.col("text"))
    # A lone capitalised word that is (nearly) a person's surname in the same article is that person
    # ("Shoigu"; "Lukashenka" for Lukashenko: the same name up to its last letters).
    lone = typed.filter(pl.col("type").is_null() & (pl.col("words").list.len() == 1))
    surname_hits = (
        lone.join(people.unique(), on="doc_id")
        .filter((pl.col("text") == pl.col("surname"))
                | ((pl.col("text").str.len_chars() >= 6) & (pl.col("text").str.slice(0, 7) == pl.col("surname").str.slice(0, 7))))
        .unique(["doc_id", "start"], keep="first")
        .select("doc_id", "start", full_name=pl.col("full"))
    )
    typed = typed.join(surname_hits, on=["doc_id", "start"], how="left").with_columns(
        type=pl.when(pl.col("full_name").is_not_null()).then(pl.lit("PERSON")).otherwise(pl.col("type")))
    # Places and nationalities named inside titles and unclassified spans ("Minister of Russia").
    inner = (
        typed.filter(pl.col("type").is_null() & (pl.col("words").list.len() > 1))
        .explode("words")
        .join(places().select("alias", place_type2="type", country2="country"), left_on="words", right_on="alias")
        .with_columns(offset=pl.col("text").str.find(pl.col("words"), literal=True))
        .select("doc_id", "sentence", text=pl.col("words"), start=pl.col("start") + pl.col("offset"),
                type=pl.col("place_type2"), country=pl.col("country2"), key=pl.col("words"))
    )
    inner = inner.with_columns(end=pl.col("start") + pl.col("text").str.len_chars())
    mentions = typed.filter(pl.col("type").is_not_null()).with_columns(
        key=pl.when(pl.col("type") == "PERSON").then(pl.coalesce("full_name", "text"))
        .when(pl.col("type") == "ORGANIZATION").then(_org_key(pl.col("text")))
        .otherwise(pl.coalesce("place_name", "text"))
    )
    return pl.concat([mentions.select(list(MENTION_SCHEMA)), inner.select(list(MENTION_SCHEMA))]).sort("doc_id", "start")


def entity_id(type_: str, key: str) -> str:
    return hashlib.sha1(f"{type_}\0{key}".encode()).hexdigest()[:16]


def with_acronyms_resolved(mentions: pl.DataFrame) -> pl.DataFrame:
    """An acronym whose letters are the initials of an organisation named in the same article
    takes that organisation's key ("CIS" for Commonwealth of Independent States)."""
    orgs = mentions.filter((pl.col("type") == "ORGANIZATION") & pl.col("text").str.contains(" "))
    initials = orgs.select(
        "doc_id", long_key="key",
        acronym=pl.col("text").str.extract_all(r"\b[A-Z]").list.join(""),
    ).unique(["doc_id", "acronym"])
    return (
        mentions.join(initials, left_on=["doc_id", "text"], right_on=["doc_id", "acronym"], how="left")
        .with_columns(key=pl.coalesce("long_key", "key")).drop("long_key")
    )


def entities_and_mentions(tokens: pl.DataFrame, articles: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(entities, entity_mentions) for a batch of articles."""
    mentions = with_acronyms_resolved(entity_mentions(tokens, articles))
    mentions = mentions.with_columns(
        entity_id=pl.struct("type", "key").map_elements(lambda s: entity_id(s["type"], s["key"]), return_dtype=pl.String))
    gazetteer = places().select("alias", "latitude", "longitude")
    entities = (
        mentions.group_by("entity_id")
        .agg(type=pl.col("type").first(), key=pl.col("key").first(), country=pl.col("country").drop_nulls().first(),
             aliases=pl.col("text").unique().sort(),
             canonical=pl.col("text").sort_by(pl.col("text").str.len_chars(), descending=True).first())
        .with_columns(canonical_name=pl.when(pl.col("type").is_in(["PERSON", "ORGANIZATION"]))
                      .then(pl.col("canonical")).otherwise(pl.col("key")))
        .join(gazetteer, left_on="canonical_name", right_on="alias", how="left")
        .select("entity_id", "canonical_name", "type", "country", "latitude", "longitude", "aliases")
    )
    return entities, mentions.select("doc_id", "start", "end", text="text", type="type", entity_id="entity_id", sentence="sentence")
