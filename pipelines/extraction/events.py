"""Events, coded CAMEO-like from trigger words: one row per kind of event a sentence reports,
with its actors, place, date and, for exercises, the exercise's name. Enough to answer "who met
whom, where and when" with the sentence as evidence."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.gazetteer import word_list
from pipelines.extraction.tokens import sentence_table, shifted

EVENT_KINDS = ("meeting", "visit", "agreement", "exercise", "statement", "deployment", "other")
TRIGGERS = {
    "meeting": ["meet", "meets", "met", "meeting", "meetings", "talks", "summit", "session", "negotiations",
                "together with", "held talks", "hold talks", "conferred"],
    "visit": ["visit", "visits", "visited", "visiting", "arrived", "arrives", "trip", "tour", "toured"],
    "agreement": ["agreement", "agreements", "agreed", "sign", "signs", "signed", "signing", "treaty", "treaties",
                  "memorandum", "accord", "accords", "deal", "ratified", "ratify"],
    "exercise": ["exercise", "exercises", "drill", "drills", "maneuvers", "manoeuvres", "war games"],
    "deployment": ["deploy", "deploys", "deployed", "deploying", "deployment", "stationed", "redeployment",
                   "redeployed", "sent troops", "moved troops", "transferred troops"],
    # Threats, accusations and other confrontations that are neither talk nor cooperation.
    "other": ["attacked", "attack", "shelled", "struck", "threatened", "accused", "condemned", "sanctions"],
}
# Speech verbs that are mostly nouns in this news ("CIS member states").
NOT_STATEMENTS = {"states", "state", "notes", "reports", "claims"}
EXERCISE_WORDS = "exercises?|drills?|maneuvers|manoeuvres|war games"
# Capitalised words that open a sentence or qualify an exercise rather than name it.
NOT_EXERCISE_NAMES = ["Joint", "Military", "Naval", "Air", "Large-scale", "Major", "New", "Strategic", "The",
                      "These", "Those", "This", "Such", "Snap", "Combined", "Allied", "Command-staff"]
# Where an exercise's name stands, most telling first: quoted, before the word, after it.
EXERCISE_NAMES = [
    r"[“\"«]([A-Z][\w-]*(?:\s[A-Z][\w-]*){0,3})[”\"»]",
    rf"\b([A-Z][a-z]+(?:-\d{{2,4}})?)\s(?:(?:military|joint|strategic|command-staff|naval)\s)*(?:{EXERCISE_WORDS})\b",
    rf"\b(?:{EXERCISE_WORDS})(?:,|\s(?:called|dubbed|code-?named|named))?\s[“\"«]?([A-Z][\w-]+(?:\s[A-Z][\w-]+){{0,2}})",
]
LOCATIVE = {"in": 0, "at": 0, "near": 1, "outside": 1}


def _triggers(tokens: pl.DataFrame) -> pl.DataFrame:
    trigger_kinds = pl.DataFrame(
        [(word, kind) for kind, words in TRIGGERS.items() for word in words] + [(w, "statement") for w in word_list("speech_verbs") if w not in NOT_STATEMENTS],
        schema={"trigger": pl.String, "kind": pl.String}, orient="row").unique("trigger")
    word = pl.col("token").str.to_lowercase()
    pair = word + " " + shifted("token", -1).str.to_lowercase()
    pairs = [t for t in trigger_kinds["trigger"] if " " in t]
    return (
        tokens.with_columns(trigger=pl.when(pair.is_in(pairs)).then(pair).otherwise(word))
        .join(trigger_kinds, on="trigger")
        .group_by("doc_id", "sentence", "kind")
        .agg(trigger=pl.col("trigger").first(), trigger_start=pl.col("start").min())
    )


def _actors(tokens: pl.DataFrame, mentions: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Entity ids of each event's actors: the people in its sentence, less those only reporting
    it ("According to X", "As X said"); the organisations, failing people; else the places."""
    verbs = list(word_list("speech_verbs"))
    around = tokens.with_columns(before=shifted("token", 1), before2=shifted("token", 2),
                                 after=shifted("token", -1), after2=shifted("token", -2))
    sentence_opening = tokens.group_by("doc_id", "sentence").agg(opening=pl.col("token").sort_by("start").first())
    candidates = (
        mentions.join(around.select("doc_id", "start", "before", "before2"), on=["doc_id", "start"], how="left")
        .join(around.select("doc_id", "end", "after", "after2"), on=["doc_id", "end"], how="left")
        .join(sentence_opening, on=["doc_id", "sentence"], how="left")
        .with_columns(source=(
            ((pl.col("before") == "to") & (pl.col("before2").str.to_lowercase() == "according"))      # according to X
            | ((pl.col("opening") == "As") & pl.col("after").is_in(verbs))                          # As X said, ...
            | ((pl.col("before") == ",") & pl.col("after").is_in(verbs)
               & (pl.col("after2").is_in([".", "!", "?"]) | pl.col("after2").is_null()))             # ..., X said.
        ).fill_null(False))
    )
    rank = (pl.when(pl.col("type") == "PERSON").then(0).when(pl.col("type") == "ORGANIZATION").then(1)
            .when(pl.col("type") == "LOCATION").then(2))
    return (
        events.select("doc_id", "sentence", "kind", "place_entity_id")
        .join(candidates, on=["doc_id", "sentence"])
        .filter(rank.is_not_null() & (~pl.col("source") | (pl.col("kind") == "statement"))
                & (pl.col("entity_id") != pl.col("place_entity_id")).fill_null(True))
        .with_columns(rank=rank)
        .filter(pl.col("rank") == pl.col("rank").min().over("doc_id", "sentence", "kind"))
        .sort("start")
        .group_by("doc_id", "sentence", "kind")
        .agg(actor_entity_ids=pl.col("entity_id").unique(maintain_order=True))
    )


def events(tokens: pl.DataFrame, articles: pl.DataFrame, mentions: pl.DataFrame, dates: pl.DataFrame) -> pl.DataFrame:
    """Events from `mentions` (with entity ids) and `dates` (date_mentions with sentence): doc_id,
    sentence, kind, trigger, name, actor_entity_ids, place_entity_id, event_date, date_text,
    start, end, sentence_text."""
    found = _triggers(tokens)
    before = tokens.select("doc_id", "start", before=shifted("token", 1))
    places = (
        mentions.filter(pl.col("type") == "LOCATION").join(before, on=["doc_id", "start"], how="left")
        .filter(pl.col("before").is_in(list(LOCATIVE)))
        .select("doc_id", "sentence", "entity_id", place_start="start",
                preference=pl.col("before").replace_strict(LOCATIVE, return_dtype=pl.Int8))
    )
    # The place: a location after "in"/"at" (else "near"), nearest the trigger.
    place = (
        found.join(places, on=["doc_id", "sentence"])
        .sort("preference", (pl.col("place_start") - pl.col("trigger_start")).abs())
        .group_by("doc_id", "sentence", "kind", maintain_order=True).agg(place_entity_id=pl.col("entity_id").first())
    )
    date = (
        found.join(dates.select("doc_id", "sentence", "resolved_date", date_text="text", date_start="start"),
                   on=["doc_id", "sentence"])
        .sort((pl.col("date_start") - pl.col("trigger_start")).abs())
        .group_by("doc_id", "sentence", "kind", maintain_order=True)
        .agg(event_date=pl.col("resolved_date").first(), date_text=pl.col("date_text").first())
    )
    coded = (
        found.join(place, on=["doc_id", "sentence", "kind"], how="left")
        .join(date, on=["doc_id", "sentence", "kind"], how="left")
    )
    not_names = pl.concat([
        mentions.filter(pl.col("type") != "ORGANIZATION").select("doc_id", "text"),
        pl.DataFrame({"text": NOT_EXERCISE_NAMES}).join(mentions.select("doc_id").unique(), how="cross").select("doc_id", "text"),
    ]).unique()
    with_text = (
        coded.join(_actors(tokens, mentions, coded), on=["doc_id", "sentence", "kind"], how="left")
        .join(sentence_table(tokens, articles), on=["doc_id", "sentence"])
        .with_columns(actor_entity_ids=pl.col("actor_entity_ids").fill_null(pl.lit([], pl.List(pl.String))),
                      **{f"name_{i}": pl.when(pl.col("kind") == "exercise").then(pl.col("sentence_text").str.extract(p))
                         for i, p in enumerate(EXERCISE_NAMES)})
    )
    for i in range(len(EXERCISE_NAMES)):  # a place, person or qualifier is not the exercise's name
        with_text = with_text.join(not_names.with_columns(excluded=pl.lit(True)), how="left",
                                   left_on=["doc_id", f"name_{i}"], right_on=["doc_id", "text"]).with_columns(
            pl.when(pl.col("excluded").is_null()).then(pl.col(f"name_{i}")).alias(f"name_{i}")).drop("excluded")
    with_text = with_text.with_columns(name=pl.coalesce(*(f"name_{i}" for i in range(len(EXERCISE_NAMES)))))
    return with_text.select(
        "doc_id", "sentence", "kind", "trigger", "name", "actor_entity_ids", "place_entity_id", "event_date",
        "date_text", "start", "end", "sentence_text",
    ).sort("doc_id", "sentence", "kind")
