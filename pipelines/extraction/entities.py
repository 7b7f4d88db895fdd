"""Named entities from the token table: capitalised name spans, classified by gazetteers and
curated word lists, then merged into entities within and across articles."""

from __future__ import annotations


import polars as pl

from pipelines.extraction.gazetteer import MIN_POPULATION_FOR_ONE_WORD_ALIAS, places, word_list
from pipelines.extraction.tokens import ABBREVIATIONS, char_offset, joined_text, shifted

CONNECTORS = ["of", "the", "for", "on", "de", "du", "al", "bin"]
# Capitalised words that open sentences or headlines rather than names.
STARTERS = [
    "The", "A", "An", "In", "At", "On", "As", "By", "For", "From", "To", "With", "After", "Before", "During",
    "Since", "While", "When", "If", "But", "And", "Or", "So", "Yet", "This", "That", "These", "Those", "Its",
    "His", "Her", "Their", "Our", "He", "She", "It", "They", "We", "Meanwhile", "However", "According",
    "Additionally", "Also", "Of", "Some", "Many", "All", "Both", "Each", "Such", "Public", "How", "What",
]
POSSESSIVE = ["'", "’"]
PERSON_PRONOUNS = ["he", "He", "she", "She"]
ACRONYM = r"^[A-Z]{2,6}$|^[A-Z][a-z]+[A-Z]{2,}$"
ADMIN_UNITS = "region|district|province|oblast|governorate|county|raion"
ADMIN_UNIT = rf"^( (?:{ADMIN_UNITS}))\b"
ADMIN_UNIT_SUFFIX = rf" (?:{ADMIN_UNITS})$"
# Named landforms and waters: "Mount Sinjar", "Tigris River", "Black Sea".
LANDFORM = (r"^(?:Mount|Mt\.?|Lake|Gulf of|Cape|Port)\s+[A-Z]"
            r"|\s(?:River|Mountains?|Sea|Ocean|Gulf|Bay|Strait|Island|Islands|Valley|Desert|Peninsula|Lake)$")
FOLLOWING_TOKENS = 5
NEAR_PLACE = r"^,?\s(?:near|outside|close to|not far from)\s([A-Z][\w’'.-]+(?:\s[A-Z][\w’'-]+)?)"
MENTION_SCHEMA = {
    "doc_id": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String,
    "type": pl.String, "sentence": pl.Int32, "key": pl.String, "country": pl.String,
}


def _flag_name_tokens(tokens: pl.DataFrame) -> pl.DataFrame:
    """Mark tokens that belong to a capitalised name run and number the runs. Word tests run
    once per token; neighbours read the shifted flags."""
    token = pl.col("token")
    flags = tokens.with_columns(
        cap=token.str.contains(r"^[A-ZА-ЯЁ]"), given=token.is_in(list(word_list("first_names"))),
        connector=token.is_in(CONNECTORS), possessive=token.is_in(POSSESSIVE), abbreviation=token.is_in(ABBREVIATIONS),
        ordinal=token.str.contains(r"^\d+(?:st|nd|rd|th)$"), starter=token.is_in(STARTERS + CONNECTORS),
    )
    prev, nxt = shifted("token", 1), shifted("token", -1)
    prev_cap, next_cap = shifted("cap", 1), shifted("cap", -1)
    same_sentence = pl.col("sentence") == shifted("sentence", 1)
    in_name = (
        pl.col("cap")
        | (pl.col("connector") & prev_cap & next_cap)
        | ((token == "of") & prev_cap & (nxt == "the") & shifted("cap", -2))
        | ((token == "the") & (prev == "of") & shifted("cap", 2) & next_cap)
        | (pl.col("ordinal") & next_cap)
        | ((token == ".") & shifted("abbreviation", 1) & next_cap)
        | (pl.col("possessive") & prev_cap & (nxt == "s") & shifted("cap", -2))
        | ((token == "s") & shifted("possessive", 1) & next_cap)
    ).fill_null(False)
    # A given name after another capitalised word starts a new name ("Belarus Vladimir Putin").
    new_name = pl.col("given") & prev_cap.fill_null(False) & ~shifted("given", 1).fill_null(False)
    flagged = flags.with_columns(in_name=in_name)
    for _ in range(2):  # a starter word opening a run is not part of the name ("In Moscow")
        starts = pl.col("in_name") & ~(shifted("in_name", 1).fill_null(False) & same_sentence)
        flagged = flagged.with_columns(in_name=pl.col("in_name") & ~(starts & pl.col("starter")))
    breaks = ~pl.col("in_name") | ~same_sentence.fill_null(False) | new_name
    return flagged.with_columns(run=breaks.cast(pl.Int32).cum_sum()).drop(
        "cap", "given", "connector", "possessive", "abbreviation", "ordinal", "starter")


def name_spans(tokens: pl.DataFrame) -> pl.DataFrame:
    """Capitalised name spans with their text, offsets, sentence and tokens."""
    # The words after each token: the unit of "Grodno region", the "near Moscow" of a village.
    following = pl.concat_str([shifted("chunk", -k) for k in range(1, FOLLOWING_TOKENS + 1)], ignore_nulls=True)
    flagged = _flag_name_tokens(tokens).with_columns(following=following).filter(pl.col("in_name"))
    spans = (
        flagged.with_columns(word=pl.col("token").str.contains(r"^\w"))
        .group_by("run").agg(pl.col("doc_id").first(), start=pl.col("start").first(), end=pl.col("end").last(),
                             sentence=pl.col("sentence").first(), words=pl.col("token").filter(pl.col("word")),
                             text=joined_text(pl.col("chunk")), following=pl.col("following").last())
        .sort("run")
        # "Grodno region", "Mosul district": the lower-case unit word belongs to the place's name.
        .with_columns(unit=pl.col("following").str.extract(ADMIN_UNIT))
        .with_columns(end=pl.col("end") + pl.col("unit").str.len_chars().fill_null(0).cast(pl.Int64),
                      text=pl.col("text") + pl.col("unit").fill_null(""),
                      following=pl.col("following").str.slice(pl.col("unit").str.len_chars().fill_null(0)))
        .drop("run", "unit")
    )
    return spans


def with_gazetteer_places(spans: pl.DataFrame) -> pl.DataFrame:
    """`spans` with the place or nationality their text names in the gazetteers: place_name,
    place_type, place_country (NULL when none)."""
    gazetteer = places().select("alias", place_name="name", place_type="type", place_country="country")
    # An all-capitals dateline place ("MINSK") is looked up as "Minsk".
    # The place of "Grodno region" is Grodno.
    base = pl.col("text").str.replace(ADMIN_UNIT_SUFFIX, "")
    lookup = pl.when(base.str.contains(r"^[A-Z]{4,}$")).then(base.str.to_titlecase()).otherwise(base)
    return spans.with_columns(lookup=lookup).join(gazetteer, left_on="lookup", right_on="alias", how="left").drop("lookup")


def classify(spans: pl.DataFrame) -> pl.DataFrame:
    """Each span as PERSON, ORGANIZATION, LOCATION or NATIONALITY by the rules (the
    recogniser's rule features), or NULL."""
    heads, titles, first_names = (list(word_list(n)) for n in ("org_heads", "titles", "first_names"))
    words = pl.col("words")
    n = words.list.len()
    has_head = words.list.eval(pl.element().is_in(heads)).list.any()
    all_title = words.list.eval(pl.element().is_in(titles + CONNECTORS)).list.all()
    person = words.list.first().is_in(first_names) & n.is_between(2, 4) & ~has_head
    acronym = (n == 1) & pl.col("text").str.contains(ACRONYM)
    known_org = pl.col("text").is_in(list(word_list("known_organisations")))
    feature = pl.col("text").str.contains(LANDFORM)
    typed = with_gazetteer_places(spans).with_columns(
        type=pl.when(pl.col("place_type").is_not_null()).then(pl.col("place_type"))
        .when(person).then(pl.lit("PERSON"))
        .when(feature & ~has_head).then(pl.lit("LOCATION"))
        .when(has_head & ~all_title | acronym | known_org).then(pl.lit("ORGANIZATION"))
        .otherwise(None),
        country=pl.col("place_country"),
    )
    return typed


def with_places_located_by_neighbours(typed: pl.DataFrame) -> pl.DataFrame:
    """A name no gazetteer knows, placed "near" or "outside" a known place ("Zavidovo, near
    Moscow"), is a location in that place's country."""
    anchors = places().filter(pl.col("type") == "LOCATION").select("alias", anchor_country="country")
    anchor = pl.col("following").str.extract(NEAR_PLACE)
    unplaced = pl.col("type").is_null() | ((pl.col("type") == "LOCATION") & pl.col("country").is_null())
    unknown = unplaced & (pl.col("words").list.len() <= 3)
    return (
        typed.with_columns(anchor=pl.when(unknown).then(anchor))
        .join(anchors, left_on="anchor", right_on="alias", how="left")
        .with_columns(type=pl.when(pl.col("anchor_country").is_not_null()).then(pl.lit("LOCATION")).otherwise(pl.col("type")),
                      country=pl.coalesce("country", "anchor_country"))
        .drop("anchor", "anchor_country")
    )


def org_key(text: pl.Expr) -> pl.Expr:
    """Variants of one organisation share a key: content words, sorted ("Russian Ministry of
    Defense" and "Russian Defense Ministry" both become "defense ministry russian")."""
    return (
        text.str.to_lowercase().str.replace_all(r"[’']s\b", "").str.extract_all(r"[a-z]+")
        .list.eval(pl.element().filter(~pl.element().is_in(["of", "the", "for", "on", "and"]))).list.sort()
        .list.join(" ")
    )


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


def entity_id(type_: str | pl.Expr, key: pl.Expr) -> pl.Expr:
    """A readable, stable entity id: the type and merge key ("PERSON:Sergei Shoigu")."""
    return pl.concat_str(pl.lit(type_) if isinstance(type_, str) else type_, pl.lit(":"), key)


def with_entity_ids(mentions: pl.DataFrame) -> pl.DataFrame:
    return mentions.with_columns(entity_id=entity_id(pl.col("type"), pl.col("key")))


def entity_table(mentions: pl.DataFrame, person_countries: pl.DataFrame) -> pl.DataFrame:
    """One row per entity of `mentions` (with entity ids): canonical name, type, country,
    coordinates for known places, aliases. People take the country of their roles."""
    gazetteer = places().select("alias", "latitude", "longitude")
    names = pl.col("text").filter(pl.col("is_name"))  # "he" or "the Russian minister" names no one
    return (
        mentions.group_by("entity_id")
        .agg(type=pl.col("type").first(), key=pl.col("key").first(), country=pl.col("country").drop_nulls().first(),
             aliases=names.unique().sort(),
             canonical=names.sort_by(names.str.len_chars(), descending=True).first())
        .join(person_countries.select("key", person_country="country"), on="key", how="left")
        .with_columns(canonical_name=pl.when(pl.col("type") == "ORGANIZATION").then(pl.col("canonical")).otherwise(pl.col("key")),
                      country=pl.when(pl.col("type") == "PERSON").then(pl.col("person_country")).otherwise(pl.col("country")))
        .join(gazetteer, left_on="canonical_name", right_on="alias", how="left")
        # Coordinates belong to places only: a person called Kennedy is not in Bogota.
        .with_columns([pl.when(pl.col("type") == "LOCATION").then(pl.col(c)).alias(c) for c in ("latitude", "longitude")])
        .select("entity_id", "canonical_name", "type", "country", "latitude", "longitude", "aliases")
        .sort("entity_id")
    )
