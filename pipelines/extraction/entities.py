"""Entities from named mentions (which `recogniser` finds): places and nationalities looked up
in the gazetteers, merge keys, acronyms resolved, ids, and the entities table merged within and
across articles."""

from __future__ import annotations

from functools import cache

import duckdb
import polars as pl

from pipelines.extraction.gazetteer import places, word_list
from pipelines.extraction.transliteration import latin

CONNECTORS = ["of", "the", "for", "on", "de", "du", "al", "bin"]
# Capitalised words that open sentences or headlines rather than names or roles.
STARTERS = [
    "The", "A", "An", "In", "At", "On", "As", "By", "For", "From", "To", "With", "After", "Before", "During",
    "Since", "While", "When", "If", "But", "And", "Or", "So", "Yet", "This", "That", "These", "Those", "Its",
    "His", "Her", "Their", "Our", "He", "She", "It", "They", "We", "Meanwhile", "However", "According",
    "Additionally", "Also", "Of", "Some", "Many", "All", "Both", "Each", "Such", "Public", "How", "What",
]
PERSON_PRONOUNS = ["he", "He", "she", "She"]
ADMIN_UNITS = "region|district|province|oblast|governorate|county|raion"
ADMIN_UNIT = rf"^( (?:{ADMIN_UNITS}))\b"
ADMIN_UNIT_SUFFIX = rf" (?:{ADMIN_UNITS})$"
FOLLOWING_TOKENS = 5
NEAR_PLACE = r"^,?\s(?:near|outside|close to|not far from)\s([A-Z][\w’'.-]+(?:\s[A-Z][\w’'-]+)?)"
MENTION_SCHEMA = {
    "doc_id": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String,
    "type": pl.String, "sentence": pl.Int32, "key": pl.String, "country": pl.String,
}


def with_gazetteer_places(spans: pl.DataFrame) -> pl.DataFrame:
    """`spans` with the place or nationality their text names in the gazetteers: place_name,
    place_type, place_country, place_population (NULL when none)."""
    gazetteer = places().select("alias", place_name="name", place_type="type", place_country="country",
                                place_population="population")
    # An all-capitals dateline place ("MINSK") is looked up as "Minsk".
    # The place of "Grodno region" is Grodno.
    base = pl.col("text").str.replace(ADMIN_UNIT_SUFFIX, "")
    lookup = pl.when(base.str.contains(r"^[A-Z]{4,}$")).then(base.str.to_titlecase()).otherwise(base)
    return spans.with_columns(lookup=lookup).join(gazetteer, left_on="lookup", right_on="alias", how="left").drop("lookup")


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


@cache
def organisation_aliases() -> dict[str, str]:
    """Alias -> name of organisations known by names their own words do not give
    (pipelines/data/organisation_aliases.txt: "Tories" for the Conservative Party)."""
    return dict(line.split("|") for line in word_list("organisation_aliases"))


def without_article(text: pl.Expr) -> pl.Expr:
    """A name without its leading "the" ("the Tories" is looked up as "Tories")."""
    return text.str.replace(r"^[Tt]he\s+", "")


def organisation_name(text: pl.Expr) -> pl.Expr:
    """The name of the organisation `text` is an alias of, else NULL."""
    return without_article(text).replace_strict(organisation_aliases(), default=None)


def with_acronyms_resolved(mentions: pl.DataFrame) -> pl.DataFrame:
    """Short forms take the key of an organisation named in full in the same article: an acronym
    whose letters are its initials ("CIS" for Commonwealth of Independent States), and its head
    word alone or with some of its other words ("the Commission" for the European Commission,
    "the Defence Ministry" for the Russian Defence Ministry) where only one organisation of the
    article has that head."""
    orgs = mentions.filter(pl.col("type") == "ORGANIZATION").with_columns(text=without_article(pl.col("text"))).filter(
        pl.col("text").str.contains(" "))
    initials = orgs.select(
        "doc_id", long_key="key",
        acronym=pl.col("text").str.extract_all(r"\b[A-Z]").list.join(""),
    ).unique(["doc_id", "acronym"])
    # The head of "Ministry of Defence" is "Ministry", of "European Commission" "Commission".
    words = pl.col("text").str.split(" of ").list.first().str.extract_all(r"[\w’'-]+")
    full_names = orgs.select("doc_id", long_key="key", head=words.list.last(),
                             long_words=pl.col("text").str.extract_all(r"[\w’'-]+"))
    single_heads = full_names.unique(["doc_id", "long_key"]).filter(pl.len().over("doc_id", "head") == 1)
    short = mentions.filter(pl.col("type") == "ORGANIZATION").select(
        "doc_id", "start", "type", short_words=without_article(pl.col("text")).str.extract_all(r"[\w’'-]+")).with_columns(
        head=pl.col("short_words").list.last())
    short_forms = (
        short.join(single_heads, on=["doc_id", "head"])
        .filter(pl.col("head").is_in(sorted(word_list("org_heads")))
                & (pl.col("short_words").list.len() < pl.col("long_words").list.len())
                & (pl.col("short_words").list.set_difference("long_words").list.len() == 0))
        .select("doc_id", "start", "type", short_key="long_key")
    )
    return (
        mentions.join(initials, left_on=["doc_id", "text"], right_on=["doc_id", "acronym"], how="left")
        # A place named inside an organisation's name may start where it starts: types tell them apart.
        .join(short_forms, on=["doc_id", "start", "type"], how="left")
        .with_columns(key=pl.coalesce("long_key", "short_key", "key")).drop("long_key", "short_key")
    )


def entity_id(type_: str | pl.Expr, key: pl.Expr) -> pl.Expr:
    """A readable, stable entity id: the type and merge key ("PERSON:Sergei Shoigu")."""
    return pl.concat_str(pl.lit(type_) if isinstance(type_, str) else type_, pl.lit(":"), key)


def with_entity_ids(mentions: pl.DataFrame) -> pl.DataFrame:
    return mentions.with_columns(entity_id=entity_id(pl.col("type"), pl.col("key")))


def article_entity_table(mentions: pl.DataFrame, person_countries: pl.DataFrame) -> pl.DataFrame:
    """One row per entity per article of `mentions` (with entity ids): the name this article
    gives it, type, country, coordinates for known places, aliases. People take the country of
    their roles in the article. `entities` merges these rows across articles (ENTITIES_SQL)."""
    gazetteer = places().select("alias", "latitude", "longitude")
    names = pl.col("text").filter(pl.col("is_name"))  # "he" or "the Russian minister" names no one
    # A name in its nominative form ("Андрей Белоусов" for "Андреем Белоусовым") is one of its
    # aliases too, and an organisation shows it.
    normals = pl.col("normal").filter(pl.col("is_name"))
    table = (
        mentions.group_by("doc_id", "entity_id")
        .agg(type=pl.col("type").first(), key=pl.col("key").first(), country=pl.col("country").drop_nulls().first(),
             aliases=pl.concat_list(names, normals).explode().unique().sort(),
             longest=normals.sort_by(normals.str.len_chars(), normals, descending=[True, False]).first())
        .join(person_countries.select("doc_id", "key", person_country="country"), on=["doc_id", "key"], how="left")
        .with_columns(name=pl.when(pl.col("type") == "ORGANIZATION").then(pl.col("longest")).otherwise(pl.col("key")),
                      country=pl.when(pl.col("type") == "PERSON").then(pl.col("person_country")).otherwise(pl.col("country")))
        .join(gazetteer, left_on="name", right_on="alias", how="left")
        # Coordinates belong to places only: a person called Kennedy is not in Bogota.
        .with_columns([pl.when(pl.col("type") == "LOCATION").then(pl.col(c)).alias(c) for c in ("latitude", "longitude")])
    )
    # Only Cyrillic names need a Latin spelling: the others are their own.
    cyrillic = table.filter(pl.col("name").str.contains(r"\p{Cyrillic}")).select("name").unique()
    return (
        table.join(cyrillic.with_columns(latin_name=latin(pl.col("name"))), on="name", how="left")
        .with_columns(latin_name=pl.coalesce("latin_name", "name"))
        .select("doc_id", "entity_id", "name", "latin_name", "type", "country", "latitude", "longitude", "aliases")
        .sort("doc_id", "entity_id")
    )


# The entities table from per-article rows ({source}: rows of article_entities): the longest name
# of an organisation (of two as long, the one not in capitals: "Facebook", not a headline's
# "FACEBOOK"), the country most articles give (ties: alphabetical first), every alias.
ENTITIES_SQL = """
WITH source AS ({source}),
country_votes AS (
    SELECT entity_id, first(country ORDER BY articles DESC, country) AS country
    FROM (SELECT entity_id, country, count(*) AS articles FROM source WHERE country IS NOT NULL GROUP BY ALL)
    GROUP BY entity_id
)
SELECT entity_id,
       first(s.name ORDER BY length(s.name) DESC, s.name = upper(s.name), s.name) AS canonical_name,
       first(s.latin_name ORDER BY length(s.name) DESC, s.name = upper(s.name), s.name) AS latin_name,
       first(s.type) AS type,
       any_value(v.country) AS country,
       min(s.latitude) AS latitude,
       min(s.longitude) AS longitude,
       list_sort(list_distinct(flatten(list(s.aliases)))) AS aliases
FROM source s LEFT JOIN country_votes v USING (entity_id)
GROUP BY entity_id
ORDER BY entity_id
"""


def merge_entities(article_entities: pl.DataFrame) -> pl.DataFrame:
    """The entities table of these per-article rows, by the SQL the warehouse runs."""
    with duckdb.connect() as con:
        con.register("article_entities", article_entities)
        return con.sql(ENTITIES_SQL.format(source="SELECT * FROM article_entities")).pl()
