"""People's roles from the words around their names, and the countries those roles tie them to.

A role is a run of title words, capitalised words and connectors right before a name ("Deputy
Defense Minister of Russia Viktor Goremykin", "Kremlin spokesman Dmitry Peskov") or in an
apposition right after it ("Gennadiy Lepeshko, head of the Standing Commission ..."); commas
inside the run separate several roles. All of it is window logic over the token table."""

from __future__ import annotations

from functools import cache

import polars as pl

from pipelines.extraction.entities import STARTERS
from pipelines.extraction.gazetteer import word_list
from pipelines.extraction.tokens import char_offset, shifted, token_key, tokens_within

ROLE_CONNECTORS = ["of", "the", "for", "on", "at", "in", "and", "de", "’", "'", "s"]
# Lower-case forms of titles that are mostly other words when lower-case ("a major exercise").
NOT_LOWER_CASE_TITLES = {"major", "general", "prime", "chair", "mr", "mrs", "ms", "dr", "gen", "col", "lt", "maj",
                         "adm", "capt", "sgt", "king", "queen", "prince", "vice", "assistant"}
# A nationality word this close before a name, with no role between, gives the person a country
# ("a Belarusian delegation headed by Leonid Kasinsky").
NATIONALITY_REACH = 40


@cache
def role_words() -> list[str]:
    """Title words as they head a role: "Minister" and "minister", "Spokesman" and "spokesman",
    and occupations that news gives as roles ("chief economist", "senior analyst")."""
    titles = word_list("titles") | word_list("occupations")
    return sorted(titles | {t.lower() for t in titles if t.lower() not in NOT_LOWER_CASE_TITLES})


@cache
def role_modifiers() -> list[str]:
    """Lower-case words that belong to a role when a title follows them ("shadow home
    secretary", "prime minister", "chief economist")."""
    return sorted(word_list("role_modifiers"))


@cache
def organisation_countries() -> dict[str, str]:
    """Organisations tied to one country (pipelines/data/organisation_countries.txt)."""
    return dict(line.split("|") for line in word_list("organisation_countries"))


def _people(mentions: pl.DataFrame) -> pl.DataFrame:
    """Person mentions by name (`mentions` holds no pronouns yet), starting where the name starts ("President Hollande" at Hollande)."""
    named = mentions.filter(pl.col("type") == "PERSON")
    name_offset = char_offset(pl.col("text"), pl.col("key").str.split(" ").list.first()).fill_null(0)
    return named.select("doc_id", "key", "end", "sentence", start=pl.col("start") + name_offset.cast(pl.Int64))


def _role_runs(tokens: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Tokens with `run`: consecutive role-like tokens share it; names and other words break it."""
    token = pl.col("token")
    titles, modifiers = role_words(), role_modifiers()
    # A modifier counts when a title or another modifier follows it ("shadow home secretary").
    modifier = token.is_in(modifiers) & (shifted("token", -1).is_in(titles) | shifted("token", -1).is_in(modifiers)
                                          | (shifted("token", -2).is_in(titles) & shifted("token", -1).is_in(modifiers))).fill_null(False)
    flagged = tokens.with_columns(in_name=token_key().is_in(tokens_within(tokens, people).implode())).with_columns(
        wordlike=(token.str.contains(r"^[A-ZА-ЯЁ]") | token.is_in(titles) | token.is_in(ROLE_CONNECTORS) | modifier)
        & ~pl.col("in_name"))
    # A comma continues a run into more title words ("Minister of Russia, Chief of ...", ", the
    # Defense Minister's Aide") or into the name the run describes ("The head of X, Sergei Shoigu").
    next_token = shifted("token", -1)
    continues = (shifted("wordlike", -1) & (~next_token.is_in(ROLE_CONNECTORS) | (next_token == "the"))) | shifted("in_name", -1)
    roleish = pl.col("wordlike") | ((token == ",") & continues.fill_null(False))
    breaks = ~pl.col("roleish") | (pl.col("sentence") != shifted("sentence", 1)).fill_null(True)
    return flagged.with_columns(roleish=roleish).with_columns(run=breaks.cast(pl.Int64).cum_sum())


def person_roles(tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """One row per role stated for a person in an article: doc_id, key (the person's merge key),
    role, start, end, sentence. Roles must contain a title word."""
    people = _people(mentions)
    runs = _role_runs(tokens, people)
    by_offset = runs.select("doc_id", "start", "end", "token_no", "run", "roleish")
    before = (
        people.join(by_offset.select("doc_id", "start", "token_no"), on=["doc_id", "start"])
        .join(by_offset.select("doc_id", "run", "roleish", token_no=pl.col("token_no") + 1), on=["doc_id", "token_no"])
    )
    after = (
        people.join(by_offset.select("doc_id", "token_no", end="end"), on=["doc_id", "end"])
        .join(by_offset.select("doc_id", "run", "roleish", token_no=pl.col("token_no") - 1), on=["doc_id", "token_no"])
    )
    attached = pl.concat([before, after]).filter("roleish").select("doc_id", "key", "run").unique()
    starters = STARTERS + ROLE_CONNECTORS + [","]
    titles = role_words()
    segments = (
        runs.filter("roleish").join(attached, on=["doc_id", "run"])
        .with_columns(segment=(pl.col("token") == ",").cum_sum().over("doc_id", "key", "run"))
        .filter(pl.col("token") != ",")
        # Trim words that open a clause rather than a role ("Meanwhile", "The") and trailing connectors.
        .with_columns(opened=(~pl.col("token").is_in(starters)).cum_max().over("doc_id", "key", "run", "segment"),
                      closed=(~pl.col("token").is_in(ROLE_CONNECTORS)).reverse().cum_max().reverse()
                      .over("doc_id", "key", "run", "segment"))
        .filter(pl.col("opened") & pl.col("closed"))
        .group_by("doc_id", "key", "run", "segment")
        .agg(start=pl.col("start").min(), end=pl.col("end").max(), sentence=pl.col("sentence").first(),
             titled=pl.col("token").is_in(titles).any())
        .filter("titled")
    )
    return segments.select("doc_id", "key", "start", "end", "sentence").sort("doc_id", "start")


def with_role_details(roles: pl.DataFrame, articles: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """Roles with their text, the organisation named in them and the country they tie to: a
    place or nationality named in the role, else the organisation's own country."""
    inner = (
        roles.select("doc_id", "start", "end").join(
            mentions.select("doc_id", "type", "key", "country", m_start="start", m_end="end"), on="doc_id")
        .filter((pl.col("m_start") >= pl.col("start")) & (pl.col("m_end") <= pl.col("end")))
        .sort("m_start")
        .group_by("doc_id", "start")
        .agg(organisation_key=pl.col("key").filter(pl.col("type") == "ORGANIZATION").first(),
             place_country=pl.col("country").filter(pl.col("type").is_in(["LOCATION", "NATIONALITY"])).drop_nulls().first())
    )
    org_text = (mentions.filter(pl.col("type") == "ORGANIZATION").group_by("doc_id", "key")
                .agg(org_name=pl.col("text")).with_columns(
                    org_country=pl.col("org_name").list.eval(
                        pl.element().replace_strict(organisation_countries(), default=None)).list.drop_nulls().list.first())
                .drop("org_name"))
    return (
        roles.join(articles.select("doc_id", "text"), on="doc_id")
        .with_columns(role=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
        .drop("text")
        .join(inner, on=["doc_id", "start"], how="left")
        .join(org_text, left_on=["doc_id", "organisation_key"], right_on=["doc_id", "key"], how="left")
        .with_columns(country=pl.coalesce("place_country", "org_country"))
        .select("doc_id", "key", "role", "organisation_key", "country", "start", "end", "sentence")
    )


def person_countries(roles: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """(doc_id, key) -> country for the people of each article: the country their roles in it
    name most often, else a nationality word just before their name ("a Belarusian delegation
    headed by Leonid Kasinsky"). Per article, so an article's facts never depend on which other
    articles share its batch."""
    from_roles = (roles.drop_nulls("country").group_by("doc_id", "key", "country").len()
                  .sort("len", "country", descending=[True, False]).unique(["doc_id", "key"], keep="first")
                  .select("doc_id", "key", role_country="country"))
    nationalities = mentions.filter(pl.col("type") == "NATIONALITY").drop_nulls("country").select(
        "doc_id", "sentence", n_end="end", nationality_country="country").sort("doc_id", "n_end")
    nearby = (
        _people(mentions).sort("doc_id", "start")
        .join_asof(nationalities, left_on="start", right_on="n_end", by=["doc_id", "sentence"], strategy="backward",
                   check_sortedness=False)
        .filter((pl.col("start") - pl.col("n_end")) <= NATIONALITY_REACH)
        .group_by("doc_id", "key", "nationality_country").len()
        .sort("len", "nationality_country", descending=[True, False]).unique(["doc_id", "key"], keep="first")
        .select("doc_id", "key", "nationality_country")
    )
    return (from_roles.join(nearby, on=["doc_id", "key"], how="full", coalesce=True)
            .select("doc_id", "key", country=pl.coalesce("role_country", "nationality_country")))
