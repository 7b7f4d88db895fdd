"""Mentions that refer back to a named person: "he"/"she", nominal phrases such as "the
Belarusian leader" or "The Russian minister" (the nearest person named before them whose
country is that nationality's), and "the chancellor" (the nearest one holding that title)."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.extraction.entities import PERSON_PRONOUNS
from pipelines.extraction.gazetteer import census_genders, speech_verbs
from pipelines.extraction.roles import role_words
from pipelines.extraction.tokens import neighbour, shifted

MALE_HONORIFICS = ["Mr", "Sir", "Lord", "Baron", "Herr", "Messrs"]
FEMALE_HONORIFICS = ["Mrs", "Ms", "Miss", "Lady", "Dame", "Baroness", "Mme", "Mlle", "Frau"]
PRONOUN_GENDERS = {"he": "male", "He": "male", "she": "female", "She": "female"}
# How many sentences back a pronoun's antecedent may stand: further back, the pronoun refers to
# someone the text describes without a name ("a photographer told me how he ...").
PRONOUN_REACH = 4
# How many sentences back the speaker a "he said" refers to may have been named.
SPEAKER_REACH = 6


def _named_people(mentions: pl.DataFrame) -> pl.DataFrame:
    return (mentions.filter(pl.col("type") == "PERSON").select("doc_id", person_start="start", person_key="key")
            .sort("doc_id", "person_start"))


def person_genders(tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """(doc_id, person_key, gender) for people whose gender the article shows: an honorific
    before one of their mentions ("Mrs Clinton"), else their first name (census lists)."""
    people = mentions.filter(pl.col("type") == "PERSON").select("doc_id", "start", person_key="key")
    honorific = (
        tokens.select("doc_id", "token", start=pl.col("end")).filter(pl.col("token").is_in(MALE_HONORIFICS + FEMALE_HONORIFICS))
        .select("doc_id", "start", by_title=pl.when(pl.col("token").is_in(MALE_HONORIFICS)).then(pl.lit("male"))
                .otherwise(pl.lit("female")))
    )
    # "Mr Blair" and "Mr. Blair": the mention starts one or two characters after the honorific.
    titled = pl.concat([people.join(honorific.with_columns(start=pl.col("start") + gap), on=["doc_id", "start"])
                        for gap in (1, 2)])
    by_title = titled.group_by("doc_id", "person_key").agg(pl.col("by_title").mode().sort().first())
    by_name = people.select("doc_id", "person_key").unique().with_columns(
        by_name=pl.col("person_key").str.extract(r"^(\S+)\s").replace_strict(census_genders(), default=None))
    return (by_name.join(by_title, on=["doc_id", "person_key"], how="left")
            .select("doc_id", "person_key", gender=pl.coalesce("by_title", "by_name")))


def pronoun_mentions(tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """"he" and "she" as mentions of a person named before them whose gender, where the article
    shows it, agrees ("she" after "Tony Blair met Hillary Clinton" is Clinton). A pronoun that
    opens its sentence refers to the subject of an earlier sentence, the first person named in
    it ("Lord Hattersley disagreed with Jim Callaghan. He said ..." is Hattersley); any other to
    the nearest person named before it."""
    genders = person_genders(tokens, mentions)
    named = mentions.filter(pl.col("type") == "PERSON").select(
        "doc_id", "sentence", person_start="start", person_key="key").join(genders, on=["doc_id", "person_key"], how="left")
    people = named.sort("doc_id", "person_start")
    subjects = (named.sort("doc_id", "sentence", "person_start").group_by("doc_id", "sentence", maintain_order=True).first()
                .select("doc_id", "gender", "sentence", subject_key="person_key"))
    pronoun_rows = np.flatnonzero(tokens["token"].is_in(PERSON_PRONOUNS).to_numpy())
    opens_sentence = neighbour(tokens, pronoun_rows, "sentence", -1) != tokens["sentence"].gather(pronoun_rows)
    pronouns = tokens[pronoun_rows].with_columns(opens=opens_sentence.fill_null(True)).select(
        "doc_id", "start", "end", "sentence", "opens", text="token").with_columns(
        gender=pl.col("text").replace_strict(PRONOUN_GENDERS))
    # A pronoun-like token inside a name ("He" in "Zheng He") is part of that name, not a pronoun.
    inside_names = pronouns.sort("doc_id", "start").join_asof(
        mentions.select("doc_id", name_start="start", name_end="end").sort("doc_id", "name_start"),
        left_on="start", right_on="name_start", by="doc_id", strategy="backward", check_sortedness=False,
    ).filter(pl.col("name_end") > pl.col("start")).select("doc_id", "start")
    pronouns = pronouns.join(inside_names, on=["doc_id", "start"], how="anti")
    resolved = []
    for gender in ("male", "female"):
        agrees = pl.col("gender").is_null() | (pl.col("gender") == gender)
        own = pronouns.filter(pl.col("gender") == gender).drop("gender")
        opening = own.filter("opens").sort("doc_id", "sentence").join_asof(
            subjects.filter(agrees).drop("gender"), on="sentence", by="doc_id", strategy="backward",
            allow_exact_matches=False, check_sortedness=False).filter(pl.col("subject_key").is_not_null())
        # Any other pronoun: the nearest person before it, a resolved sentence-opening pronoun included
        # ("He said so, and he added" is one person).
        antecedents = pl.concat([
            people.filter(agrees).select("doc_id", "person_start", "person_key", person_sentence="sentence"),
            opening.select("doc_id", person_start="start", person_key="subject_key", person_sentence="sentence")])
        nearest = own.join(opening.select("doc_id", "start"), on=["doc_id", "start"], how="anti").sort("doc_id", "start").join_asof(
            antecedents.sort("doc_id", "person_start"), left_on="start", right_on="person_start", by="doc_id",
            strategy="backward", check_sortedness=False).filter(pl.col("sentence") - pl.col("person_sentence") <= PRONOUN_REACH)
        resolved.append(pl.concat([nearest.select("doc_id", "start", "end", "sentence", "text", "person_key"),
                                   opening.select("doc_id", "start", "end", "sentence", "text", person_key="subject_key")]))
    speakers = _speaking_pronouns(tokens, pronoun_rows, mentions.filter(pl.col("type") == "PERSON"), genders)
    return (
        pl.concat(resolved).join(speakers, on=["doc_id", "start"], how="left")
        .with_columns(person_key=pl.coalesce("speaker_key", "person_key"))
        .filter(pl.col("person_key").is_not_null()).sort("doc_id", "start")
        .select("doc_id", "start", "end", "text", type=pl.lit("PERSON"), sentence="sentence",
                key="person_key", country=pl.lit(None, pl.String))
    )


def _speaking_pronouns(tokens: pl.DataFrame, pronoun_rows: np.ndarray, named: pl.DataFrame,
                       genders: pl.DataFrame) -> pl.DataFrame:
    """(doc_id, start, speaker_key) of "he"/"she" right before a speech verb ("he said", "she
    added"): the person who last spoke, named as the subject of a speech verb a few sentences
    before and of the pronoun's gender where it is known, not the nearest name ("Forces loyal to
    President Assad shelled the town, he said" is still the rebel commander speaking). The
    subject of a verb: the name right before it or right after it ("said Smith"), else, after an
    appositive, the first person named in its sentence before it."""
    verbs = speech_verbs()
    speaking = (
        tokens[pronoun_rows].with_columns(verb=neighbour(tokens, pronoun_rows, "token", 1))
        .filter(pl.col("verb").is_in(verbs))
        .select("doc_id", "start", "sentence", gender=pl.col("token").replace_strict(PRONOUN_GENDERS))
    )
    verb_rows = np.flatnonzero(tokens["token"].is_in(verbs).to_numpy())
    said = tokens[verb_rows].select(
        "doc_id", "sentence", v_start="start", subject_end=neighbour(tokens, verb_rows, "end", -1),
        subject_word=neighbour(tokens, verb_rows, "token", -1), named_after=neighbour(tokens, verb_rows, "start", 1))
    people = named.select("doc_id", "sentence", p_start="start", p_end="end", person_key="key")
    adjacent = pl.concat([
        said.join(people.drop("sentence"), left_on=["doc_id", "subject_end"], right_on=["doc_id", "p_end"])
        .select("doc_id", "v_start", "person_key"),
        said.join(people.drop("sentence"), left_on=["doc_id", "named_after"], right_on=["doc_id", "p_start"])
        .select("doc_id", "v_start", "person_key"),
    ])
    # After an appositive ("Omar Haddad, who leads the unit, said"); not where a pronoun or a
    # common noun is the subject ("he said", "officials said").
    first_before = (
        said.filter(pl.col("subject_word") == ",")
        .join(adjacent.select("doc_id", "v_start"), on=["doc_id", "v_start"], how="anti")
        .join(people, on=["doc_id", "sentence"]).filter(pl.col("p_end") <= pl.col("v_start"))
        .sort("p_start").group_by("doc_id", "v_start").first().select("doc_id", "v_start", "person_key")
    )
    speakers = (pl.concat([adjacent, first_before]).unique(["doc_id", "v_start"])
                .join(said.select("doc_id", "v_start", v_sentence="sentence"), on=["doc_id", "v_start"])
                .join(genders, on=["doc_id", "person_key"], how="left"))
    resolved = []
    for gender in ("male", "female"):
        own = speaking.filter(pl.col("gender") == gender).sort("doc_id", "start")
        candidates = (speakers.filter(pl.col("gender").is_null() | (pl.col("gender") == gender))
                      .select("doc_id", "v_start", "v_sentence", "person_key").sort("doc_id", "v_start"))
        resolved.append(
            own.join_asof(candidates, left_on="start", right_on="v_start", by="doc_id", strategy="backward",
                          check_sortedness=False)
            .filter(pl.col("sentence") - pl.col("v_sentence") <= SPEAKER_REACH)
            .select("doc_id", "start", speaker_key="person_key"))
    return pl.concat(resolved)


def titled_mentions(tokens: pl.DataFrame, articles: pl.DataFrame, mentions: pl.DataFrame,
                    roles: pl.DataFrame) -> pl.DataFrame:
    """"the <title>" with no name after it ("the chancellor said", not "The judge, Colleen
    Kollar-Kotelly, said"), as a mention of the nearest person named before it whose roles in
    the article hold that title ("Gordon Brown, the chancellor")."""
    titles = [t for t in role_words() if t.islower()]
    rows = np.flatnonzero(tokens["token"].is_in(["the", "The"]).to_numpy())
    phrases = (
        tokens[rows].with_columns(title=neighbour(tokens, rows, "token", 1), end=neighbour(tokens, rows, "end", 1),
                                  after=neighbour(tokens, rows, "token", 2), apposed=neighbour(tokens, rows, "token", 3))
        .filter(pl.col("title").is_in(titles) & ~pl.col("after").str.contains(r"^[A-Z]").fill_null(False)
                & ~((pl.col("after") == ",") & pl.col("apposed").str.contains(r"^[A-Z]")).fill_null(False))
        .select("doc_id", "start", "end", "sentence", "title").sort("doc_id", "start")
    )
    holders = (roles.select("doc_id", person_key="key", title=pl.col("role").str.to_lowercase().str.extract_all(r"[a-z]+"))
               .explode("title").filter(pl.col("title").is_in(titles)).unique())
    people = _named_people(mentions).join(holders, on=["doc_id", "person_key"]).sort("doc_id", "person_start")
    return (
        phrases.join_asof(people, left_on="start", right_on="person_start", by=["doc_id", "title"], strategy="backward",
                          check_sortedness=False)
        .filter(pl.col("person_key").is_not_null())
        .join(articles.select("doc_id", "text"), on="doc_id")
        .select("doc_id", "start", "end", text=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")),
                type=pl.lit("PERSON"), sentence="sentence", key="person_key", country=pl.lit(None, pl.String))
    )


def nominal_mentions(tokens: pl.DataFrame, articles: pl.DataFrame, mentions: pl.DataFrame,
                     person_countries: pl.DataFrame) -> pl.DataFrame:
    """"the <nationality> <title>" with no name after it, as a mention of the nearest person named
    before it whose country is that nationality's."""
    titles = [t for t in role_words() if t.islower()]
    context = tokens.with_columns(
        before=shifted("token", 1), before_start=shifted("start", 1),
        title=shifted("token", -1), title_end=shifted("end", -1), after=shifted("token", -2))
    phrases = (
        mentions.filter(pl.col("type") == "NATIONALITY").select("doc_id", "start", "sentence", nationality_country="country")
        .join(context.select("doc_id", "start", "before", "before_start", "title", "title_end", "after"), on=["doc_id", "start"])
        .filter(pl.col("before").is_in(["the", "The"]) & pl.col("title").is_in(titles)
                & ~pl.col("after").str.contains(r"^[A-Z]").fill_null(False))
        .select("doc_id", "sentence", "nationality_country", start="before_start", end="title_end")
        .sort("doc_id", "start")
    )
    people = _named_people(mentions).join(person_countries.select("doc_id", person_key="key", person_country="country"),
                                          on=["doc_id", "person_key"]).sort("doc_id", "person_start")
    return (
        phrases.join_asof(people, left_on="start", right_on="person_start", by_left=["doc_id", "nationality_country"],
                          by_right=["doc_id", "person_country"], strategy="backward", check_sortedness=False)
        .filter(pl.col("person_key").is_not_null())
        .join(articles.select("doc_id", "text"), on="doc_id")
        .select("doc_id", "start", "end", text=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")),
                type=pl.lit("PERSON"), sentence="sentence", key="person_key", country=pl.lit(None, pl.String))
    )
