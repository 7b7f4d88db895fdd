"""Events, coded CAMEO-like from trigger words: one row per kind of event a sentence states as
happening, with the actors and place of the trigger's own clause, its date and, for exercises,
the exercise's name. Enough to answer "who met whom, where and when" with the sentence as
evidence. A trigger word alone is not an event: each kind needs its trigger's context to say
that the thing happened ("signed ... an agreement", "visited Moscow", "issued a statement",
"deployed troops", military exercises), because a small set of events stated clearly serves a
reader better than many guesses."""

from __future__ import annotations

from functools import cache

import numpy as np
import polars as pl

from pipelines.extraction.gazetteer import word_list
from pipelines.extraction.quotes import RUSSIAN_ACCORDING, RUSSIAN_NEWS_SOURCES, russian_forms, russian_speech_verbs
from pipelines.extraction.roles import role_words
from pipelines.extraction.tokens import neighbour, sentence_table, shifted

TRIGGERS = {
    "meeting": ["meet", "meets", "met", "meeting", "meetings", "talks", "summit", "session", "negotiations",
                "together with", "held talks", "hold talks", "conferred"],
    "visit": ["visit", "visits", "visited", "visiting", "arrived", "arrives", "trip", "tour", "toured"],
    "agreement": ["agreement", "agreements", "agreed", "sign", "signs", "signed", "signing", "treaty", "treaties",
                  "memorandum", "accord", "accords", "deal", "pact", "ceasefire", "truce", "ratified", "ratify",
                  "inked"],
    "exercise": ["exercise", "exercises", "drill", "drills", "maneuvers", "manoeuvres", "war games"],
    "deployment": ["deploy", "deploys", "deployed", "deploying", "deployment", "stationed", "redeployment",
                   "redeployed", "sent troops", "moved troops", "transferred troops"],
    # Formal statements, not every "said": announcements, declarations, statements issued.
    "statement": ["announced", "announces", "declared", "declares", "statement", "statements", "communique",
                  "press release", "news release", "message"],
    # Threats, accusations and other confrontations that are neither talk nor cooperation.
    "other": ["attacked", "attack", "shelled", "struck", "threatened", "accused", "condemned", "sanctions"],
}
EXERCISE_WORDS = "exercises?|drills?|maneuvers|manoeuvres|war games"
# Capitalised words that open a sentence or qualify an exercise rather than name it.
NOT_EXERCISE_NAMES = ["Joint", "Military", "Naval", "Air", "Large-scale", "Major", "New", "Strategic", "The",
                      "These", "Those", "This", "Such", "Snap", "Combined", "Allied", "Command-staff"]
# Where an exercise's name stands, most telling first: quoted, before the word, after it.
EXERCISE_NAMES = [
    r"[“\"«]([A-Z][\w-]*(?:\s[A-Z][\w-]*){0,3})[”\"»]",
    rf"\b([A-Z][a-z]+(?:-\d{{2,4}})?)\s(?:(?:military|joint|strategic|command-staff|naval)\s)*(?:{EXERCISE_WORDS})\b",
    rf"\b(?:{EXERCISE_WORDS})(?:,|\s(?:called|dubbed|code-?named|named))?\s[“\"«]?([A-Z][\w-]+(?:\s[A-Z][\w-]+){{0,2}})",
    # Russian capitalises a name's first word alone: учения «Союзная решимость», «Запад-2025».
    r"«([А-ЯЁ][^«»\n]{1,40})»",
    r"\b[Уу]чени\w*\s([А-ЯЁ]\w*-\d{2,4})\b",
]
RUSSIAN_LOCATIVE = {"в": 0, "во": 0, "на": 0, "под": 1, "около": 1, "возле": 1, "близ": 1}
RUSSIAN_LOCATIVE |= {word.capitalize(): preference for word, preference in RUSSIAN_LOCATIVE.items()}
LOCATIVE = {"in": 0, "at": 0, "near": 1, "outside": 1} | RUSSIAN_LOCATIVE
# Characters between a meeting's predicate and its subject or object ("Putin on Monday met",
# "met Russian President Vladimir Putin").
ARGUMENT_REACH = 40
# Characters between a visit's trigger and the place visited ("visited Minsk", "a visit to the
# Netherlands", "arrived in Moscow").
VISITED_REACH = 8
VENUE_PREPOSITIONS = ["at", "on", "in", "via", "through", "during", "from", "over", "by", "в", "во", "на", "через", "из"]
MEETING_NOUNS = ["meeting", "meetings", "talks", "summit", "session", "negotiations"]
MEETING_NOUN_NEXT = ["of", "with", "between", "on"]
MEETING_VERBS = ["meet", "meets", "met"]
MEETING_NOUN_PREVIOUS = ["held", "hold", "holds", "holding", "had", "have", "has", "attended", "attend"]
# "did not sign", "never met", "failed to reach a deal", "no deal": nothing happened.
NEGATIONS = ["not", "never", "n't", "t", "no", "nor", "without", "failed", "refused", "declined"]
FORMS_OF_BE = ["be", "is", "was", "were", "are", "been", "being"]
# Tokens read before and after a trigger, within its sentence, to tell an event from a word.
WORDS_BEFORE = 4
WORDS_AFTER = 6
# Not "contract": in news and web pages alike it is mostly a reader's ("before you sign a contract").
AGREEMENT_NOUNS = ["agreement", "agreements", "deal", "deals", "treaty", "treaties", "memorandum", "memoranda",
                   "accord", "accords", "pact", "pacts", "resolution", "resolutions",
                   "declaration", "protocol", "charter", "communique", "convention", "ceasefire", "truce"]
SIGNING_VERBS = ["sign", "signs", "signed", "signing", "ratified", "ratify", "inked"]
# Verbs by which an agreement is reached ("struck a deal", "reached an agreement", "agreed a truce").
REACHING_VERBS = ["reached", "reach", "reaches", "struck", "strike", "strikes", "signed", "sign", "signs", "concluded",
                  "clinched", "sealed", "agreed", "agree", "inked", "brokered", "finalised", "finalized", "ratified"]
# Words that make drills and deployments military ("joint military exercises", "deployed troops"),
# not a workout or a software release.
MILITARY_WORDS = ["military", "joint", "naval", "navy", "army", "air", "airborne", "defence", "defense", "tactical",
                  "strategic", "command-staff", "live-fire", "mobilization", "mobilisation", "war", "nuclear",
                  "amphibious", "border", "artillery", "missile", "combat", "troops", "forces", "soldiers",
                  "servicemen", "warships"]
FORCES = ["troops", "forces", "soldiers", "servicemen", "personnel", "military", "army", "navy", "marines", "police",
          "officers", "units", "battalion", "battalions", "brigade", "brigades", "division", "divisions", "regiment",
          "warships", "ships", "vessels", "jets", "aircraft", "fighters", "bombers", "missiles", "weapons", "tanks",
          "peacekeepers", "contingent"]
# Words of an article about armed forces, where "exercises" and "drills" are military.
MILITARY_ARTICLE_WORDS = ["military", "troops", "army", "navy", "soldiers", "servicemen", "warships", "NATO"]
ISSUING = ["issued", "issue", "issues", "released", "release", "releases", "published", "publishes", "posted", "made",
           "put"]
DETERMINERS = ["a", "an", "the", "its", "his", "her", "their", "our"]
# Words after which drills and exercises in an article about armed forces are held, not done at a gym.
EXERCISE_VERBS = ["held", "hold", "holds", "holding", "conducted", "conduct", "conducts", "conducting", "staged",
                  "launched", "began", "begin", "started", "completed", "hosted", "during", "following", "after",
                  "before", "ahead"]
# What follows a statement's author ("the ministry said", "Microsoft has announced", "Iran issued").
AUTHOR_NEXT = ["issued", "released", "published", "posted", "has", "have", "had", "also"]
STATEMENT_NOUNS = ["statement", "statements", "communique", "press release", "news release"]
NOT_STATEMENT_NOUNS = ["financial", "bank", "income", "cash", "mission", "fashion", "opening", "closing"]
# Pronouns and relative words that open a clause of their own: its actors and place are its own,
# not those of the clause around it ("..., where he met President Bush", "..., где он встретился").
SUBORDINATORS = ["who", "whom", "whose", "which", "where", "when", "while", "whereas", "although", "though",
                 "because", "if", "unless", "after", "before", "until", "since",
                 "который", "которая", "которое", "которые", "которого", "которой", "которому", "которую", "котором",
                 "которым", "которых", "которыми", "где", "куда", "когда", "пока", "если", "хотя", "поскольку",
                 "потому", "чтобы", "что"]
# Words that join two main clauses after a comma (", and Minsk often mirrors Moscow").
CLAUSE_JOINS = ["and", "but", "yet", "so", "и", "а", "но", "однако"]
# Relative words whose antecedent, the name right before them, is the clause's subject or place.
RELATIVE_SUBJECTS = ["who", "which", "that", "который", "которая", "которое", "которые"]
PLURAL_RELATIVE = "которые"
# Russian event words (pipelines/data/russian_event_triggers.txt) in every form of these parts of
# speech; drills are "учения" in the plural (the singular is a doctrine).
RUSSIAN_PARTS_OF_SPEECH = ("VERB", "GRND", "INFN", "PRTS", "NOUN", "ADJF")
RUSSIAN_PLURAL_ONLY = ["учение"]
# The Russian groups that trigger an event, and the kind each codes.
RUSSIAN_TRIGGER_KINDS = {"meeting": "meeting", "visit": "visit", "signing": "agreement", "exercise": "exercise",
                         "deployment": "deployment", "statement": "statement", "other": "other"}
RUSSIAN_MEETING_VERBS = ["встретиться", "встречаться"]
RUSSIAN_MEETING_NOUN_NEXT = ["с", "со", "между"]
RUSSIAN_STATEMENT_VERBS = ["заявить", "заявлять", "объявить"]
# "не подписали", "ни разу не встречались", "без визита", "будут приняты санкции": nothing happened.
RUSSIAN_NEGATIONS = ["не", "ни", "нет", "без", "будет", "будут"]
# A Russian meeting's participant may stand after its titles ("встретился с заместителем министра
# иностранных дел Грузии Александром Налбандовым").
RUSSIAN_ARGUMENT_REACH = 80
# A Russian visit may name the place first ("в Екатеринбург прибыл президент").
RUSSIAN_VISITED_BEFORE = ["в", "во", "на"]
# Groups that meet without a name of their own ("Five public sector unions met John Prescott").
GROUP_NOUNS = ["unions", "union", "members", "delegates", "delegation", "delegations", "workers", "employees",
               "protesters", "lawmakers", "legislators", "MPs", "students", "residents", "families", "parents",
               "teachers", "doctors", "nurses", "investors", "shareholders", "bosses", "committee", "council",
               "government", "board", "panel", "leaders", "officials", "ministers", "representatives"]


def _lower(column: str) -> pl.Expr:
    return pl.col(column).str.to_lowercase()


def _any_of(words: list[str], columns: list[str]) -> pl.Expr:
    return pl.any_horizontal([pl.col(c).is_in(words) for c in columns]).fill_null(False)


def _stated(military_article: pl.Expr) -> pl.Expr:
    """Whether a trigger's context says the event happened: a meeting noun with its participants or
    as what someone held ("talks with", "held a meeting"); a visit (checked against the place
    visited later); an agreement signed or reached; military exercises; a deployment of forces; a
    statement issued or announced. Never under a negation."""
    kind, trigger = pl.col("kind"), pl.col("trigger")
    before = [f"before_{i}" for i in range(1, WORDS_BEFORE + 1)]
    after = [f"after_{i}" for i in range(1, WORDS_AFTER + 1)]
    meeting = (
        (~trigger.is_in(MEETING_NOUNS) | pl.col("after_1").is_in(MEETING_NOUN_NEXT).fill_null(False)
         | _any_of(MEETING_NOUN_PREVIOUS, before[:3]))
        # "will be met with a ban": no meeting.
        & ~(trigger.is_in(MEETING_VERBS + ["meeting"]) & _any_of(FORMS_OF_BE, before[:2])))
    agreement = (
        (trigger.is_in(SIGNING_VERBS) & ~pl.col("after_1").is_in(["up", "of", "off"]).fill_null(False)
         & _any_of(AGREEMENT_NOUNS, after))
        | (trigger.is_in(AGREEMENT_NOUNS) & _any_of(REACHING_VERBS, before))
        | ((trigger == "agreed") & pl.col("after_1").is_in(["on", "upon"]).fill_null(False)))
    exercise = (trigger.is_in(["maneuvers", "manoeuvres", "war games"]) | _any_of(MILITARY_WORDS, before[:3] + after[:4])
                # "the Zapad exercises", "Zapad-2025 drills": a named exercise (not a heading in title case).
                | (pl.col("token").is_in(["exercises", "drills"]) & pl.col("before_2").is_not_null()
                   & pl.col("name_before").str.contains(r"^\p{Lu}") & ~pl.col("name_before").is_in(NOT_EXERCISE_NAMES))
                | (trigger.is_in(["exercises", "drills"]) & military_article & _any_of(EXERCISE_VERBS, before[:3] + after[:3])))
    deployment = trigger.str.ends_with(" troops") | _any_of(FORCES, before + after)
    statement = (
        # "will be announced", "was declared dead": nobody is said to have spoken.
        # "declared him my friend": a verdict, not a statement.
        (trigger.is_in(["announced", "announces", "declared", "declares"]) & ~_any_of(FORMS_OF_BE, before[:2])
         & ~pl.col("after_1").is_in(["him", "her", "them", "himself", "herself", "themselves"]).fill_null(False))
        # "issued a statement", "said in a statement", "in a White House statement".
        | (trigger.is_in(STATEMENT_NOUNS) & ~_any_of(NOT_STATEMENT_NOUNS, before[:1])
           & (_any_of(ISSUING, before) | (_any_of(["in"], before) & _any_of(DETERMINERS, before[:3]))))
        | ((trigger == "message") & _any_of(["published", "posted", "issued", "released"], before[:3])))
    return (pl.when(kind == "meeting").then(meeting).when(kind == "agreement").then(agreement)
            .when(kind == "exercise").then(exercise).when(kind == "deployment").then(deployment)
            .when(kind == "statement").then(statement).otherwise(True)
            # Never under a negation; "you" states nothing happening ("before you sign", "you'll visit").
            & ~_any_of(NEGATIONS, before[:3]) & ~_any_of(["you"], before)
            # A capital inside a sentence makes the word part of a name or a heading ("the 1999 Tour",
            # "Winter Session of Parliament", "- Interactive Exercises"); not after a dateline
            # ("NEW YORK -- Negotiations between ...").
            & (pl.col("before_1").is_null() | pl.col("token").str.contains(r"^\p{Ll}")
               | (pl.col("before_1").str.contains(r"^[-–—:]$") & pl.col("before_2").is_not_null())))


def _triggers(tokens: pl.DataFrame) -> pl.DataFrame:
    """(doc_id, sentence, kind, trigger, trigger_start, trigger_end, body) of each trigger whose
    context states its event (`_stated`). Only candidate tokens are lower-cased and read with the
    words around them."""
    trigger_kinds = pl.DataFrame(
        [(word, kind) for kind, words in TRIGGERS.items() for word in words],
        schema={"trigger": pl.String, "kind": pl.String}, orient="row").unique("trigger", keep="first")
    words = [t for t in trigger_kinds["trigger"] if " " not in t]
    pair_heads = {t.split()[0] for t in trigger_kinds["trigger"] if " " in t}
    candidates = sorted({form for w in words + list(pair_heads) for form in (w, w.capitalize())})
    rows = np.flatnonzero(tokens["token"].is_in(candidates).to_numpy())
    military_articles = tokens.filter(pl.col("token").is_in(MILITARY_ARTICLE_WORDS))["doc_id"].unique()
    context = {f"before_{i}": neighbour(tokens, rows, "token", -i, within=("doc_no", "sentence")).str.to_lowercase()
               for i in range(1, WORDS_BEFORE + 1)}
    context |= {f"after_{i}": neighbour(tokens, rows, "token", i, within=("doc_no", "sentence")).str.to_lowercase()
                for i in range(1, WORDS_AFTER + 1)}
    return (
        tokens[rows].with_columns(next_end=neighbour(tokens, rows, "end", 1),
                                  name_before=neighbour(tokens, rows, "token", -1, within=("doc_no", "sentence")), **context)
        .with_columns(word=_lower("token"))
        .with_columns(trigger=pl.when(pl.col("word").is_in(list(pair_heads)))
                      .then(pl.col("word") + " " + pl.col("after_1")).otherwise(pl.col("word")))
        .join(trigger_kinds, on="trigger")
        .filter(_stated(pl.col("doc_id").is_in(military_articles.implode())))
        .select("doc_id", "sentence", "kind", "trigger", trigger_start="start",
                trigger_end=pl.when(pl.col("word").is_in(list(pair_heads))).then(pl.col("next_end")).otherwise(pl.col("end")),
                # "a session of the committee", "a meeting of NATO ministers": a body meets.
                body=pl.col("trigger").is_in(MEETING_NOUNS) & (pl.col("after_1") == "of"))
    )


@cache
def _russian_words() -> tuple[dict[str, str], dict[str, list[str]], frozenset[str], frozenset[str]]:
    """Russian event words: {form: lemma} of every lemma of the list, {group: lemmas}, the forms
    that state nothing happening as a trigger (the infinitive, "посетить"; the perfective future,
    "подпишет"), and the short passive participles ("подписано", "обвинён")."""
    entries = [line.split("|") for line in sorted(word_list("russian_event_triggers"))]
    groups: dict[str, list[str]] = {}
    for group, lemma in entries:
        groups.setdefault(group, []).append(lemma)
    lemmas = tuple(sorted({lemma for _, lemma in entries} - set(RUSSIAN_PLURAL_ONLY)))
    forms = russian_forms(lemmas, RUSSIAN_PARTS_OF_SPEECH) | russian_forms(tuple(RUSSIAN_PLURAL_ONLY), ("NOUN",), "plur")
    unstated = russian_forms(lemmas, ("INFN",)) | russian_forms(lemmas, ("VERB",), "futr")
    return forms, groups, frozenset(unstated), frozenset(russian_forms(lemmas, ("PRTS",)))


def _russian_stated() -> pl.Expr:
    """Whether a Russian trigger's context (lemmas `lemma_before_i`, `lemma_after_i`) says the
    event happened: a meeting verb, or a meeting noun with its participants or held ("встреча с",
    "переговоры Путина и Лукашенко", "переговоры прошли"); a visit (checked against the place
    visited later); a signing with what is signed ("подписали соглашение", "соглашение было
    подписано"); drills that are military, held or named; a deployment of forces; a statement
    made ("заявил", "сделал заявление", "в заявлении"). Never in the infinitive or the future
    ("будут подписаны") or under a negation; in the passive only for a signing ("соглашение
    подписано"): "был объявлен чемпионом", "обвинён в измене" state no statement or
    confrontation."""
    groups = _russian_words()[1]
    before = [f"lemma_before_{i}" for i in range(1, WORDS_BEFORE + 1)]
    after = [f"lemma_after_{i}" for i in range(1, WORDS_AFTER + 1)]
    window = before + after
    group, lemma = pl.col("group"), pl.col("lemma")
    names_follow = pl.col("next_token").str.contains(r"^(?:«|\p{Lu})").fill_null(False)
    meeting = (lemma.is_in(RUSSIAN_MEETING_VERBS) | pl.col("after_1").is_in(RUSSIAN_MEETING_NOUN_NEXT).fill_null(False)
               | names_follow | _any_of(groups["holding"], before[:3] + after[:2]))
    agreement = _any_of(groups["agreement"], before + after)
    exercise = (_any_of(groups["military"] + groups["holding"], window)
                | pl.col("next_token").str.contains(r"^(?:«|\p{Lu}\w*-\d{2,4}$)").fill_null(False))
    deployment = _any_of(groups["forces"], window)
    statement = (lemma.is_in(RUSSIAN_STATEMENT_VERBS) | _any_of(groups["issuing"], before)
                 | pl.col("before_1").is_in(["в", "во"]).fill_null(False))
    return (pl.when(group == "meeting").then(meeting).when(group == "signing").then(agreement)
            .when(group == "exercise").then(exercise).when(group == "deployment").then(deployment)
            .when(group == "statement").then(statement).otherwise(True)
            & ~pl.col("unstated") & (~pl.col("passive") | (group == "signing"))
            & ~_any_of(RUSSIAN_NEGATIONS, ["before_1", "before_2"])
            # A capital inside a sentence makes the word part of a name ("саммит «Восточного партнёрства»" is not).
            & (pl.col("before_1").is_null() | pl.col("token").str.contains(r"^\p{Ll}")))


def _russian_triggers(tokens: pl.DataFrame) -> pl.DataFrame:
    """_triggers' columns for the Russian event words (any form) whose context states their event
    (`_russian_stated`)."""
    forms, groups, unstated, passive = _russian_words()
    kinds = {lemma: RUSSIAN_TRIGGER_KINDS[group] for group, lemmas in groups.items() if group in RUSSIAN_TRIGGER_KINDS
             for lemma in lemmas}
    lemma_group = {lemma: group for group, lemmas in groups.items() if group in RUSSIAN_TRIGGER_KINDS for lemma in lemmas}
    triggers = [form for form, lemma in forms.items() if lemma in kinds]
    rows = np.flatnonzero(tokens["token"].is_in(triggers + [form.capitalize() for form in triggers]).to_numpy())
    context = {}
    for i in range(1, WORDS_BEFORE + 1):
        context[f"before_{i}"] = neighbour(tokens, rows, "token", -i, within=("doc_no", "sentence")).str.to_lowercase()
    for i in range(1, WORDS_AFTER + 1):
        context[f"after_{i}"] = neighbour(tokens, rows, "token", i, within=("doc_no", "sentence")).str.to_lowercase()
    lemmas = {f"lemma_{name}": words.replace_strict(forms, default=None) for name, words in context.items()}
    return (
        tokens[rows].with_columns(next_token=neighbour(tokens, rows, "token", 1, within=("doc_no", "sentence")),
                                  **context, **lemmas)
        .with_columns(word=_lower("token"))
        .with_columns(lemma=pl.col("word").replace_strict(forms, default=None),
                      unstated=pl.col("word").is_in(list(unstated)), passive=pl.col("word").is_in(list(passive)))
        .with_columns(group=pl.col("lemma").replace_strict(lemma_group, default=None),
                      kind=pl.col("lemma").replace_strict(kinds, default=None))
        .filter(pl.col("kind").is_not_null() & _russian_stated())
        .select("doc_id", "sentence", "kind", trigger="word", trigger_start="start", trigger_end="end",
                body=pl.lit(False))
    )


def _adjacent(column: str, n: int) -> pl.Expr:
    """`column` of the token n places away in the article, when the (filtered) table still holds
    it; NULL otherwise."""
    return pl.when(shifted("token_no", n) == pl.col("token_no") - n).then(shifted(column, n))


def _clauses(tokens: pl.DataFrame) -> pl.DataFrame:
    """The clause of each token of whole sentences: doc_id, start, end, clause, opener,
    antecedent_end. A relative or subordinate word ("who", "where", "after", "that" after a
    speech verb) opens a clause that runs to the next comma; a comma with "and"/"but", or a
    semicolon, starts a new main clause; the rest of a sentence belongs to its main clause. The
    opener's clause records that word and where the name before it ends (its antecedent)."""
    word, previous = _lower("token"), _adjacent("token", 1)
    speech = list(word_list("speech_verbs") | {"agreed"})
    sentence = ["doc_id", "sentence"]
    opener = word.is_in(SUBORDINATORS) | ((word == "that") & previous.str.to_lowercase().is_in(speech))
    joins = (pl.col("token") == ";") | (word.is_in(CLAUSE_JOINS) & (previous == ","))
    return (
        tokens.select("doc_id", "doc_no", "token_no", "sentence", "start", "end", "token")
        .with_columns(opener=opener.fill_null(False), joins=joins.fill_null(False),
                      antecedent_end=pl.when(previous == ",").then(_adjacent("end", 2)).otherwise(_adjacent("end", 1)))
        .with_columns(segment=(pl.col("opener") | pl.col("joins") | (pl.col("token") == ",")).cum_sum().over(sentence),
                      main=pl.col("joins").cum_sum().over(sentence))
        .with_columns(antecedent_clause=pl.col("main").shift(1).over(sentence))
        .with_columns(subordinate=pl.col("opener").first().over(*sentence, "segment"),
                      opener=word.first().over(*sentence, "segment"),
                      antecedent_end=pl.col("antecedent_end").first().over(*sentence, "segment"),
                      antecedent_clause=pl.col("antecedent_clause").first().over(*sentence, "segment"))
        .select("doc_id", "start", "end",
                clause=pl.when("subordinate").then(pl.col("segment") + 10_000).otherwise("main"),
                opener=pl.when("subordinate").then("opener"),
                antecedent_end=pl.when("subordinate").then("antecedent_end"),
                antecedent_clause=pl.when("subordinate").then("antecedent_clause"))
    )


def _in_scope() -> pl.Expr:
    """Whether a mention belongs to its event's clause, or is the antecedent of the relative word
    that opens it ("Tony Blair, who met ..."); the plural "которые" has the names of the clause
    before it up to there ("Миллер и Озерец, которые встречаются")."""
    plural_antecedent = ((pl.col("opener") == PLURAL_RELATIVE) & (pl.col("clause") == pl.col("antecedent_clause"))
                         & (pl.col("end") <= pl.col("antecedent_end")))
    return ((pl.col("clause") == pl.col("event_clause"))
            | (pl.col("opener").is_in(RELATIVE_SUBJECTS) & (pl.col("end") == pl.col("antecedent_end")))
            | plural_antecedent).fill_null(False)


def _actors(tokens: pl.DataFrame, mentions: pl.DataFrame, events: pl.DataFrame, clauses: pl.DataFrame,
            russian: bool) -> pl.DataFrame:
    """Entity ids of each event's actors: the people of its clause, less those only reporting
    it ("According to X", "As X said", "По словам X"); the organisations, failing people; else
    the places. `russian`: whether the batch holds Russian text."""
    verbs = list(word_list("speech_verbs")) + (russian_speech_verbs() if russian else [])
    token = pl.col("token")
    # Reporting cues as boolean flags on the tokens of the events' sentences, read where a mention
    # starts or ends (the sentences stay whole, so neighbours within them are their own).
    sentences = events.select("doc_id", "sentence").unique()
    tokens = tokens.join(sentences, on=["doc_id", "sentence"], how="semi", maintain_order="left")
    mentions = mentions.join(sentences, on=["doc_id", "sentence"], how="semi")
    cues = tokens.with_columns(
        according_to_before=((_adjacent("token", 1) == "to") & _adjacent("token", 2).is_in(["according", "According"]))
        | (_adjacent("token", 1).is_in(RUSSIAN_ACCORDING) & _adjacent("token", 2).is_in(["по", "По"])),
        comma_before=_adjacent("token", 1) == ",",
        venue_before=_adjacent("token", 1).is_in(VENUE_PREPOSITIONS),
        and_before=_adjacent("token", 1) == "и",
        # "В Беларуси начались учения": where, not who.
        russian_locative_before=_adjacent("token", 1).is_in(list(RUSSIAN_LOCATIVE)),
        # "», — сообщил X": who said it.
        news_source_before=_adjacent("token", 1).is_in(verbs) & _adjacent("token", 2).is_in(["—", "–", "-"]),
        # "..., сообщает «Интерфакс»": the agency reporting it, never an actor.
        agency=(_adjacent("token", 1).is_in(RUSSIAN_NEWS_SOURCES) & (_adjacent("token", 2) == ","))
        | ((_adjacent("token", 1) == "«") & _adjacent("token", 2).is_in(RUSSIAN_NEWS_SOURCES) & (_adjacent("token", 3) == ",")),
        verb_after=_adjacent("token", -1).is_in(verbs),
        and_after=_adjacent("token", -1) == "и",
        author=_adjacent("token", -1).is_in(verbs + AUTHOR_NEXT),
        # "..., X said." or "..., X said in a statement" / "on Monday".
        clause_ends_after_verb=_adjacent("token", -2).is_in([".", "!", "?", ",", "in", "on", "at", "earlier", "later"])
        | _adjacent("token", -2).is_null(),
        opens_with_as=token.is_in(["As", "Как"]) & (pl.col("sentence") != _adjacent("sentence", 1)).fill_null(True),
    )
    as_sentences = cues.filter("opens_with_as").select("doc_id", "sentence").unique()
    candidates = (
        mentions.join(cues.select("doc_id", "start", "according_to_before", "comma_before", "venue_before", "and_before",
                                  "news_source_before", "agency", "russian_locative_before"),
                      on=["doc_id", "start"], how="left")
        .join(cues.select("doc_id", "end", "verb_after", "and_after", "author", "clause_ends_after_verb"), on=["doc_id", "end"],
              how="left")
        .join(clauses.select("doc_id", "start", "clause"), on=["doc_id", "start"], how="left")
        .join(as_sentences.with_columns(as_sentence=pl.lit(True)), on=["doc_id", "sentence"], how="left")
        .filter(~pl.col("agency").fill_null(False))
        .with_columns(source=(
            pl.col("according_to_before") | pl.col("news_source_before")                   # according to X, — сказал X
            | (pl.col("as_sentence") & pl.col("verb_after"))                                       # As X said, ...
            | (pl.col("comma_before") & pl.col("verb_after") & pl.col("clause_ends_after_verb"))  # ..., X said.
        ).fill_null(False))
    )
    # A statement's author first (not the names it quotes); a visitor is a person before the visit;
    # places take part as the subject ("Moscow and Minsk held exercises"), not as where or whither
    # ("exercises near the borders with Germany").
    rank = (pl.when(pl.col("type") == "PERSON").then(0).when(pl.col("type") == "ORGANIZATION").then(1)
            .when(pl.col("type") == "LOCATION").then(2)
            + pl.when((pl.col("kind") == "statement") & ~pl.col("author").fill_null(False)).then(10).otherwise(0)
            # Failing a visitor before it, Russian names one after ("в Москву прибыл президент Медведев").
            + pl.when((pl.col("kind") == "visit") & (pl.col("end") > pl.col("trigger_start"))).then(10).otherwise(0))
    before_trigger = pl.col("end") <= pl.col("trigger_start")
    visitor = (pl.col("type") == "PERSON") & (before_trigger | pl.col("trigger").str.contains(r"^\p{Cyrillic}"))
    scope = ["doc_id", "sentence", "kind", "event_clause", "opener", "antecedent_end", "antecedent_clause"]
    others = (
        events.filter(pl.col("kind") != "meeting").select(*scope, "trigger", "trigger_start", "place_entity_id")
        .join(candidates, on=["doc_id", "sentence"])
        .filter(rank.is_not_null() & _in_scope() & (~pl.col("source") | (pl.col("kind") == "statement"))
                & ((pl.col("kind") != "visit") | visitor)
                & ((pl.col("type") != "LOCATION") | (before_trigger & ~pl.col("russian_locative_before").fill_null(False)))
                & (pl.col("entity_id") != pl.col("place_entity_id")).fill_null(True))
        .with_columns(rank=rank)
        .filter(pl.col("rank") == pl.col("rank").min().over("doc_id", "sentence", "kind"))
        .sort("start")
        .group_by("doc_id", "sentence", "kind")
        .agg(actor_entity_ids=pl.col("entity_id").unique(maintain_order=True))
    )
    meetings = events.filter(pl.col("kind") == "meeting")
    return pl.concat([others, _meeting_actors(meetings, candidates.filter(pl.col("type").is_in(["PERSON", "ORGANIZATION"])))])


def _meeting_actors(meetings: pl.DataFrame, candidates: pl.DataFrame) -> pl.DataFrame:
    """The participants of each meeting, as the arguments of its predicate in its clause: the
    subject right before it and the object right after it ("Putin met Macron", "Merkel held talks
    with Macron"), or two names joined by "and" on one side ("Merkel and Macron met", "talks
    between Merkel and Macron"), or, for a body's meeting ("a session of the committee of the
    CIS"), the organisations named after it. People and organisations meet; a city does not. A
    meeting with fewer than two different participants (or no body) is no meeting: "X met its
    estimate", "I met X", "set to meet his fiscal rules" -- unless a group without a name of its
    own is the subject ("Five public sector unions met John Prescott"): then its named object is
    the actor."""
    pairs = (
        meetings.select("doc_id", "sentence", "kind", "trigger", "trigger_start", "trigger_end", "body", "group_subject",
                        "event_clause", "opener", "antecedent_end", "antecedent_clause")
        .join(candidates, on=["doc_id", "sentence"])
        # "«...», — сказал Шойгу на встрече с Хрениным": who speaks at the meeting takes part in it.
        .filter(_in_scope() & (~pl.col("source") | (pl.col("news_source_before").fill_null(False)
                                                     & (pl.col("end") <= pl.col("trigger_start")))))
        .sort("doc_id", "sentence", "start")
    )
    group = ["doc_id", "sentence", "kind"]
    before = pl.col("end") <= pl.col("trigger_start")
    # The subject: the nearest name before the predicate ("the Belarusian leader will spend two
    # days in Zavidovo together with ..."); the object: a name right after it, in its clause
    # ("met its earnings estimate, Nasdaq data showed" has none; "met Nitesh on Facebook": Facebook
    # is where, not whom).
    subject = before & (pl.col("end") == pl.col("end").filter(before).max().over(group))
    reach = pl.when(pl.col("trigger").str.contains(r"^\p{Cyrillic}")).then(RUSSIAN_ARGUMENT_REACH).otherwise(ARGUMENT_REACH)
    object_ = ((pl.col("start") >= pl.col("trigger_end")) & (pl.col("start") - pl.col("trigger_end") <= reach)
               & ~pl.col("comma_before").fill_null(False) & ~pl.col("venue_before").fill_null(False))
    # "X and Y": the next name starts five characters after this one ends ("X и Y": three, "и"
    # before it). Two objects need a meeting noun ("talks between X and Y"): a verb's objects
    # meet its subject ("meets FDA and ASA guidelines" is no meeting).
    gap = pl.col("start") - pl.col("end").shift(1).over(group)
    # ... or, in Russian, after "и" and the second one's titles ("Миллер и министр энергетики Белоруссии Озерец").
    titled = pl.col("and_after").shift(1).over(group).fill_null(False) & (gap <= RUSSIAN_ARGUMENT_REACH) \
        & pl.col("trigger").str.contains(r"^\p{Cyrillic}")
    joined = (gap == len(" and ")) | ((gap == len(" и ")) & pl.col("and_before").fill_null(False)) | titled
    joined_next = joined.shift(-1).over(group)
    noun_object = pl.col("object") & ~pl.col("trigger").is_in(MEETING_VERBS)
    flagged = pairs.with_columns(subject=subject, object=object_).with_columns(
        coordinated=(joined_next & (pl.col("subject").shift(-1).over(group) | noun_object))
        | joined & (pl.col("subject") | noun_object.shift(1).over(group)))
    argued = flagged.with_columns(coordinated=pl.col("coordinated").fill_null(False)).filter(
        pl.col("subject") | pl.col("object") | pl.col("coordinated")
        | (pl.col("body") & (pl.col("start") > pl.col("trigger_start")) & (pl.col("type") == "ORGANIZATION")))
    sides = (pl.col("both_sides") | pl.col("coordinated")) & (pl.col("actor_entity_ids").list.len() >= 2)
    return (
        argued.group_by(group, maintain_order=True)
        .agg(actor_entity_ids=pl.col("entity_id").unique(maintain_order=True),
             both_sides=pl.col("subject").any() & pl.col("object").any(), coordinated=pl.col("coordinated").any(),
             unnamed_subject=pl.col("group_subject").first() & ~pl.col("subject").any() & pl.col("object").any(),
             body=pl.col("body").first())
        .filter(sides | pl.col("body") | pl.col("unnamed_subject"))
        .select(*group, "actor_entity_ids")
    )


def events(tokens: pl.DataFrame, mentions: pl.DataFrame, dates: pl.DataFrame, russian: bool = False) -> pl.DataFrame:
    """Events from `mentions` (with entity ids) and `dates` (date_mentions with sentence): doc_id,
    sentence, kind, trigger, name, actor_entity_ids, place_entity_id, event_date, date_text,
    start, end, sentence_text. A meeting needs two different actors (or a named group meeting
    someone); a visit needs the place visited and someone visiting it. Russian event words are
    looked for only when the batch holds `russian` articles."""
    triggered = pl.concat([_triggers(tokens), _russian_triggers(tokens)]) if russian else _triggers(tokens)
    in_event_sentences = tokens.join(triggered.select("doc_id", "sentence").unique(), on=["doc_id", "sentence"],
                                     how="semi", maintain_order="left")
    clauses = _clauses(in_event_sentences)
    groups = (in_event_sentences.filter(pl.col("token").is_in(GROUP_NOUNS + [f"{w}s" for w in role_words() if w.islower()]))
              .join(clauses, on=["doc_id", "start"]).select("doc_id", "sentence", event_clause="clause", group_start="start"))
    # A visit names the place visited right after its word ("visited Minsk", "a trip to Paris"),
    # or in Russian right before it ("в Екатеринбург прибыл").
    before_place = in_event_sentences.select("doc_id", place_start="start", word_before=_adjacent("token", 1).str.to_lowercase())
    visited = (
        triggered.filter(pl.col("kind") == "visit")
        .join(mentions.filter(pl.col("type") == "LOCATION").select("doc_id", "sentence", "entity_id", place_start="start",
                                                                     place_end="end"),
              on=["doc_id", "sentence"])
        .join(before_place, on=["doc_id", "place_start"], how="left")
        .filter(((pl.col("place_start") > pl.col("trigger_end")) & (pl.col("place_start") - pl.col("trigger_end") <= VISITED_REACH))
                | (pl.col("trigger").str.contains(r"^\p{Cyrillic}") & (pl.col("place_end") < pl.col("trigger_start"))
                   & (pl.col("trigger_start") - pl.col("place_end") <= 1) & pl.col("word_before").is_in(RUSSIAN_VISITED_BEFORE)))
        .sort("place_start").unique(["doc_id", "trigger_start"], keep="first", maintain_order=True)
        .select("doc_id", "trigger_start", "entity_id")
    )
    found = (
        pl.concat([triggered.filter(pl.col("kind") != "visit"),
                   triggered.join(visited, on=["doc_id", "trigger_start"], how="semi")])
        .sort("trigger_start")
        .group_by("doc_id", "sentence", "kind")
        .agg(pl.col("trigger", "trigger_end", "body", "trigger_start").first())
        .join(clauses.select("doc_id", trigger_start="start", event_clause="clause", opener="opener",
                             antecedent_end="antecedent_end", antecedent_clause="antecedent_clause"),
              on=["doc_id", "trigger_start"], how="left")
    )
    found = found.join(
        found.join(groups, on=["doc_id", "sentence", "event_clause"]).filter(pl.col("group_start") < pl.col("trigger_start"))
        .select("doc_id", "sentence", "kind").unique().with_columns(group_subject=pl.lit(True)),
        on=["doc_id", "sentence", "kind"], how="left").with_columns(pl.col("group_subject").fill_null(False))
    # The word before a place, skipping "the" ("in the Gomel region").
    before = in_event_sentences.select("doc_id", "start", before=pl.when(_adjacent("token", 1).str.to_lowercase() == "the")
                                       .then(_adjacent("token", 2)).otherwise(_adjacent("token", 1)))
    locations = mentions.filter(pl.col("type") == "LOCATION")
    places = (
        locations.join(before, on=["doc_id", "start"], how="inner")
        .filter(pl.col("before").is_in(list(LOCATIVE)))
        .join(clauses.select("doc_id", "start", "clause"), on=["doc_id", "start"])
        .select("doc_id", "sentence", "entity_id", "clause", place_start="start",
                preference=pl.col("before").replace_strict(LOCATIVE, return_dtype=pl.Int8))
    )
    # The place: the place visited; in the trigger's clause, a location after "in"/"at" (else
    # "near"), nearest the trigger; in a clause opened by "where", the place "where" refers to
    # ("Texas, where he met").
    place = pl.concat([
        found.filter(pl.col("kind") == "visit").join(visited, on=["doc_id", "trigger_start"])
        .select("doc_id", "sentence", "kind", "entity_id", preference=pl.lit(-2, pl.Int8), distance=pl.lit(0, pl.Int64)),
        found.join(places, on=["doc_id", "sentence"]).filter(pl.col("clause") == pl.col("event_clause"))
        .select("doc_id", "sentence", "kind", "entity_id", "preference", distance=(pl.col("place_start") - pl.col("trigger_start")).abs()),
        found.filter(pl.col("opener") == "where")
        .join(locations.select("doc_id", "sentence", "entity_id", antecedent_end="end"), on=["doc_id", "sentence", "antecedent_end"])
        .select("doc_id", "sentence", "kind", "entity_id", preference=pl.lit(-1, pl.Int8), distance=pl.lit(0, pl.Int64)),
    ]).sort("preference", "distance").group_by("doc_id", "sentence", "kind", maintain_order=True).agg(
        place_entity_id=pl.col("entity_id").first())
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
        coded.join(_actors(tokens, mentions, coded, clauses, russian), on=["doc_id", "sentence", "kind"], how="left")
        # A meeting needs its participants, a visit someone visiting.
        .filter(~pl.col("kind").is_in(["meeting", "visit"]) | (pl.col("actor_entity_ids").list.len() > 0))
        .join(sentence_table(in_event_sentences), on=["doc_id", "sentence"])
        # A question states nothing ("Or how about a company that won't make you sign a contract?").
        .filter(~pl.col("sentence_text").str.ends_with("?"))
        .with_columns(actor_entity_ids=pl.col("actor_entity_ids").fill_null(pl.lit([], pl.List(pl.String))),
                      **{f"name_{i}": pl.when(pl.col("kind") == "exercise").then(pl.col("sentence_text").str.extract(p))
                         for i, p in enumerate(EXERCISE_NAMES)})
    )
    for i in range(len(EXERCISE_NAMES)):  # a place, person or qualifier is not the exercise's name
        name = pl.col(f"name_{i}")
        with_text = with_text.join(named_here, how="left", left_on=["doc_id", f"name_{i}"], right_on=["doc_id", "text"]).with_columns(
            # A name with a year is the exercise's, whatever else the recogniser took it for ("Запад-2025").
            pl.when((pl.col("excluded").is_null() | name.str.contains(r"-\d{2,4}$")) & ~name.is_in(NOT_EXERCISE_NAMES))
            .then(name).alias(f"name_{i}")).drop("excluded")
    with_text = with_text.with_columns(name=pl.coalesce(*(f"name_{i}" for i in range(len(EXERCISE_NAMES)))))
    return with_text.select(
        "doc_id", "sentence", "kind", "trigger", "name", "actor_entity_ids", "place_entity_id", "event_date",
        "date_text", "start", "end", "sentence_text",
    ).sort("doc_id", "sentence", "kind")
