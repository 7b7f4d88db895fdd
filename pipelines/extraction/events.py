"""Events, coded CAMEO-like from trigger words: one row per kind of event a sentence reports,
with its actors, place, date and, for exercises, the exercise's name. Enough to answer "who met
whom, where and when" with the sentence as evidence."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.extraction.gazetteer import word_list
from pipelines.extraction.tokens import neighbour, sentence_table, shifted, with_sentence

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
# Characters between a meeting's predicate and its subject or object ("Putin on Monday met",
# "met Russian President Vladimir Putin").
ARGUMENT_REACH = 40
VENUE_PREPOSITIONS = ["at", "on", "in", "via", "through", "during", "from", "over", "by"]
MEETING_NOUNS = ["meeting", "meetings", "talks", "summit", "session", "negotiations"]
MEETING_NOUN_NEXT = ["of", "with", "between", "on"]
MEETING_VERBS = ["meet", "meets", "met", "meeting"]
NEGATIONS = ["not", "never", "n't", "t", "no", "nor"]
FORMS_OF_BE = ["be", "is", "was", "were", "are", "been", "being"]
MEETING_NOUN_PREVIOUS = ["held", "hold", "holds", "holding", "had", "have", "has", "attended", "attend"]


def _triggers(tokens: pl.DataFrame) -> pl.DataFrame:
    """(doc_id, sentence, kind) of each sentence with a trigger of that kind, its first trigger
    word and where it stands. Only candidate tokens are lower-cased and paired."""
    trigger_kinds = pl.DataFrame(
        [(word, kind) for kind, words in TRIGGERS.items() for word in words]
        + [(w, "statement") for w in word_list("speech_verbs") if w not in NOT_STATEMENTS],
        schema={"trigger": pl.String, "kind": pl.String}, orient="row").unique("trigger", keep="first")
    words = [t for t in trigger_kinds["trigger"] if " " not in t]
    pair_heads = {t.split()[0] for t in trigger_kinds["trigger"] if " " in t}
    candidates = sorted({form for w in words + list(pair_heads) for form in (w, w.capitalize())})
    # A meeting noun names a meeting with its participants or as what someone held ("a session of
    # the committee", "talks with", "held a meeting", "have a working meeting"), not as a word ("a
    # similar session next week").
    argued = (pl.col("next_token").is_in(MEETING_NOUN_NEXT) | pl.col("previous_token").is_in(MEETING_NOUN_PREVIOUS)
              | pl.col("before_article").is_in(MEETING_NOUN_PREVIOUS) | pl.col("third_before").is_in(MEETING_NOUN_PREVIOUS))
    rows = np.flatnonzero(tokens["token"].is_in(candidates).to_numpy())
    return (
        tokens[rows].with_columns(
            next_token=neighbour(tokens, rows, "token", 1), next_end=neighbour(tokens, rows, "end", 1),
            previous_token=neighbour(tokens, rows, "token", -1), before_article=neighbour(tokens, rows, "token", -2),
            third_before=neighbour(tokens, rows, "token", -3))
        .with_columns(word=pl.col("token").str.to_lowercase())
        .with_columns(trigger=pl.when(pl.col("word").is_in(list(pair_heads)))
                      .then(pl.col("word") + " " + pl.col("next_token").str.to_lowercase()).otherwise(pl.col("word")))
        .filter(~pl.col("trigger").is_in(MEETING_NOUNS) | argued.fill_null(False))
        # "haven't met", "never met", "will be met with a ban": no meeting took place.
        .filter(~(pl.col("trigger").is_in(MEETING_VERBS) & (pl.col("previous_token").str.to_lowercase().is_in(NEGATIONS + FORMS_OF_BE)
                                                            | pl.col("before_article").str.to_lowercase().is_in(NEGATIONS + FORMS_OF_BE))
                  .fill_null(False)))
        .join(trigger_kinds, on="trigger")
        .with_columns(trigger_end=pl.when(pl.col("word").is_in(list(pair_heads))).then(pl.col("next_end")).otherwise(pl.col("end")),
                      # "a session of the committee", "a meeting of NATO ministers": a body meets.
                      body=pl.col("trigger").is_in(MEETING_NOUNS) & (pl.col("next_token") == "of"))
        .sort("start")
        .group_by("doc_id", "sentence", "kind")
        .agg(pl.col("trigger", "trigger_end", "body").first(), trigger_start=pl.col("start").first())
    )


def _adjacent(column: str, n: int) -> pl.Expr:
    """`column` of the token n places away in the article, when the (filtered) table still holds
    it; NULL otherwise."""
    return pl.when(shifted("token_no", n) == pl.col("token_no") - n).then(shifted(column, n))


def _actors(tokens: pl.DataFrame, mentions: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Entity ids of each event's actors: the people in its sentence, less those only reporting
    it ("According to X", "As X said"); the organisations, failing people; else the places."""
    verbs = list(word_list("speech_verbs"))
    token = pl.col("token")
    # Reporting cues as boolean flags on the tokens of the events' sentences, read where a mention
    # starts or ends (the sentences stay whole, so neighbours within them are their own).
    sentences = events.select("doc_id", "sentence").unique()
    tokens = tokens.join(sentences, on=["doc_id", "sentence"], how="semi", maintain_order="left")
    mentions = mentions.join(sentences, on=["doc_id", "sentence"], how="semi")
    cues = tokens.with_columns(
        according_to_before=(_adjacent("token", 1) == "to") & _adjacent("token", 2).is_in(["according", "According"]),
        comma_before=_adjacent("token", 1) == ",",
        venue_before=_adjacent("token", 1).is_in(VENUE_PREPOSITIONS),
        verb_after=_adjacent("token", -1).is_in(verbs),
        clause_ends_after_verb=_adjacent("token", -2).is_in([".", "!", "?"]) | _adjacent("token", -2).is_null(),
        opens_with_as=(token == "As") & (pl.col("sentence") != _adjacent("sentence", 1)).fill_null(True),
    )
    as_sentences = cues.filter("opens_with_as").select("doc_id", "sentence").unique()
    candidates = (
        mentions.join(cues.select("doc_id", "start", "according_to_before", "comma_before", "venue_before"), on=["doc_id", "start"], how="left")
        .join(cues.select("doc_id", "end", "verb_after", "clause_ends_after_verb"), on=["doc_id", "end"], how="left")
        .join(as_sentences.with_columns(as_sentence=pl.lit(True)), on=["doc_id", "sentence"], how="left")
        .with_columns(source=(
            pl.col("according_to_before")                                                        # according to X
            | (pl.col("as_sentence") & pl.col("verb_after"))                                       # As X said, ...
            | (pl.col("comma_before") & pl.col("verb_after") & pl.col("clause_ends_after_verb"))  # ..., X said.
        ).fill_null(False))
    )
    rank = (pl.when(pl.col("type") == "PERSON").then(0).when(pl.col("type") == "ORGANIZATION").then(1)
            .when(pl.col("type") == "LOCATION").then(2))
    others = (
        events.filter(pl.col("kind") != "meeting").select("doc_id", "sentence", "kind", "place_entity_id")
        .join(candidates, on=["doc_id", "sentence"])
        .filter(rank.is_not_null() & (~pl.col("source") | (pl.col("kind") == "statement"))
                & (pl.col("entity_id") != pl.col("place_entity_id")).fill_null(True))
        .with_columns(rank=rank)
        .filter(pl.col("rank") == pl.col("rank").min().over("doc_id", "sentence", "kind"))
        .sort("start")
        .group_by("doc_id", "sentence", "kind")
        .agg(actor_entity_ids=pl.col("entity_id").unique(maintain_order=True))
    )
    return pl.concat([others, _meeting_actors(events.filter(pl.col("kind") == "meeting"), candidates)])


def _meeting_actors(meetings: pl.DataFrame, candidates: pl.DataFrame) -> pl.DataFrame:
    """The participants of each meeting, as the arguments of its predicate: the subject right
    before it and the object right after it ("Putin met Macron", "Merkel held talks with
    Macron"), or two names joined by "and" on one side ("Merkel and Macron met", "talks between
    Merkel and Macron"), or, for a body's meeting ("a session of the committee of the CIS"), the
    organisations named after it. People and organisations meet; a city does not. A meeting with
    fewer than two different participants (or no body) is no meeting: "X met its estimate",
    "I met X", "set to meet his fiscal rules"."""
    pairs = (
        meetings.select("doc_id", "sentence", "kind", "trigger_start", "trigger_end", "body")
        .join(candidates.filter(pl.col("type").is_in(["PERSON", "ORGANIZATION"]) & ~pl.col("source")), on=["doc_id", "sentence"])
        .sort("doc_id", "sentence", "start")
    )
    group = ["doc_id", "sentence", "kind"]
    before = pl.col("end") <= pl.col("trigger_start")
    # The subject: the nearest name before the predicate ("the Belarusian leader will spend two
    # days in Zavidovo together with ..."); the object: a name right after it, in its clause
    # ("met its earnings estimate, Nasdaq data showed" has none; "met Nitesh on Facebook": Facebook
    # is where, not whom).
    subject = before & (pl.col("end") == pl.col("end").filter(before).max().over(group))
    object_ = ((pl.col("start") >= pl.col("trigger_end")) & (pl.col("start") - pl.col("trigger_end") <= ARGUMENT_REACH)
               & ~pl.col("comma_before").fill_null(False) & ~pl.col("venue_before").fill_null(False))
    # "X and Y": the next name starts five characters after this one ends.
    joined_next = (pl.col("start").shift(-1).over(group) - pl.col("end")) == len(" and ")
    flagged = pairs.with_columns(subject=subject, object=object_).with_columns(
        coordinated=(joined_next & (pl.col("subject").shift(-1).over(group) | pl.col("object")))
        | ((pl.col("start") - pl.col("end").shift(1).over(group)) == len(" and ")) & (pl.col("subject") | pl.col("object").shift(1).over(group)))
    argued = flagged.with_columns(coordinated=pl.col("coordinated").fill_null(False)).filter(
        pl.col("subject") | pl.col("object") | pl.col("coordinated")
        | (pl.col("body") & (pl.col("start") > pl.col("trigger_start")) & (pl.col("type") == "ORGANIZATION")))
    return (
        argued.group_by(group, maintain_order=True)
        .agg(actor_entity_ids=pl.col("entity_id").unique(maintain_order=True),
             both_sides=pl.col("subject").any() & pl.col("object").any(), coordinated=pl.col("coordinated").any(),
             body=pl.col("body").first())
        .filter((pl.col("both_sides") | pl.col("coordinated")) & (pl.col("actor_entity_ids").list.len() >= 2) | pl.col("body"))
        .select(*group, "actor_entity_ids")
    )


def events(tokens: pl.DataFrame, mentions: pl.DataFrame, dates: pl.DataFrame, quotes: pl.DataFrame) -> pl.DataFrame:
    """Events from `mentions` (with entity ids), `dates` (date_mentions with sentence) and
    `quotes`: doc_id, sentence, kind, trigger, name, actor_entity_ids, place_entity_id,
    event_date, date_text, start, end, sentence_text. A meeting needs two different actors; a
    statement is kept only for reported speech, where no quotation in the sentence records it."""
    quoted = with_sentence(quotes.select("doc_id", "start"), tokens).select("doc_id", "sentence").unique()
    found = (
        _triggers(tokens)
        .join(quoted.with_columns(kind=pl.lit("statement")), on=["doc_id", "sentence", "kind"], how="anti")
    )
    in_event_sentences = tokens.join(found.select("doc_id", "sentence").unique(), on=["doc_id", "sentence"], how="semi",
                                     maintain_order="left")
    before = in_event_sentences.select("doc_id", "start", before=_adjacent("token", 1))
    places = (
        mentions.filter(pl.col("type") == "LOCATION").join(before, on=["doc_id", "start"], how="inner")
        .filter(pl.col("before").is_in(list(LOCATIVE)))
        .select("doc_id", "sentence", "entity_id", place_start="start",
                preference=pl.col("before").replace_strict(LOCATIVE, return_dtype=pl.Int8))
    )
    # The place: a location after "in"/"at" (else "near"), nearest the trigger.
    place = (
        found.join(places, on=["doc_id", "sentence"])
        .sort("preference", (pl.col("place_start") - pl.col("trigger_start")).abs(), "place_start")
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
    named_here = mentions.filter(pl.col("type") != "ORGANIZATION").select("doc_id", "text").unique().with_columns(
        excluded=pl.lit(True))
    with_text = (
        coded.join(_actors(tokens, mentions, coded), on=["doc_id", "sentence", "kind"], how="left")
        .filter((pl.col("kind") != "meeting") | pl.col("actor_entity_ids").is_not_null())
        .join(sentence_table(tokens.join(found.select("doc_id", "sentence").unique(), on=["doc_id", "sentence"], how="semi")),
              on=["doc_id", "sentence"])
        .with_columns(actor_entity_ids=pl.col("actor_entity_ids").fill_null(pl.lit([], pl.List(pl.String))),
                      **{f"name_{i}": pl.when(pl.col("kind") == "exercise").then(pl.col("sentence_text").str.extract(p))
                         for i, p in enumerate(EXERCISE_NAMES)})
    )
    for i in range(len(EXERCISE_NAMES)):  # a place, person or qualifier is not the exercise's name
        name = pl.col(f"name_{i}")
        with_text = with_text.join(named_here, how="left", left_on=["doc_id", f"name_{i}"], right_on=["doc_id", "text"]).with_columns(
            pl.when(pl.col("excluded").is_null() & ~name.is_in(NOT_EXERCISE_NAMES)).then(name).alias(f"name_{i}")).drop("excluded")
    with_text = with_text.with_columns(name=pl.coalesce(*(f"name_{i}" for i in range(len(EXERCISE_NAMES)))))
    return with_text.select(
        "doc_id", "sentence", "kind", "trigger", "name", "actor_entity_ids", "place_entity_id", "event_date",
        "date_text", "start", "end", "sentence_text",
    ).sort("doc_id", "sentence", "kind")
