"""People's roles from the words around their names, and the countries those roles tie them to.

A role is a run of title words, capitalised words, the lower-case words that modify a title
and connectors right before a name ("Deputy Defense Minister of Russia Viktor Goremykin",
"Labour's election chief Alan Milburn"), commas inside the run separating several roles; or an
apposition right after the name ("Gennadiy Lepeshko, head of the Standing Commission ...",
"Krista Varady, a professor of nutrition at the University of Illinois Chicago"). Runs are window
logic over the token table; appositions are read with a regular expression from the few tokens
after the names that a comma follows.

Russian roles ("министр обороны Беларуси Виктор Хренин", "Хренин, министр обороны Беларуси")
open with a title word in any of its inflected forms, perhaps after adjectives ("первый
заместитель"), and take the words that depend on it (nouns and adjectives in any case, names,
"и", "по", "в", "на", "при") up to the name, or after the name up to a comma, a verb or other
punctuation (`_russian_roles`)."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import polars as pl

from pipelines.extraction.amounts import STOP_WORDS
from pipelines.extraction.entities import STARTERS, organisation_name
from pipelines.extraction.gazetteer import census_names, places, speech_verbs, word_list
from pipelines.extraction.russian import NAME_PARTS, _parses
from pipelines.extraction.tokens import (ABBREVIATIONS, char_offset, neighbour, shifted, token_key, token_rows,
                                         tokens_within)

ROLE_CONNECTORS = ["of", "the", "for", "on", "at", "in", "and", "de", "’", "'", "s"]
# Lower-case forms of titles that are mostly other words when lower-case ("a major exercise").
NOT_LOWER_CASE_TITLES = {"major", "general", "prime", "chair", "mr", "mrs", "ms", "dr", "gen", "col", "lt", "maj",
                         "adm", "capt", "sgt", "king", "queen", "prince", "vice", "assistant", "gov", "sen", "rep"}
# A nationality word this close before a name, with no role between, gives the person a country
# ("a Belarusian delegation headed by Leonid Kasinsky").
NATIONALITY_REACH = 40
# Connectors that leave a title to the person after them: "a lawyer for Mr Smith" is not Smith's role.
PREPOSITIONS = ["of", "for", "on", "at", "in", "and", "de"]
# Determiners and verbs seen right before a lower-case role ("met defence minister ..."): the
# clause's, not the role's.
CLAUSE_VERBS = ["my", "your", "our", "met", "meet", "meets", "led", "leads", "became", "become", "becomes",
                "including", "like", "named", "replaced", "joined", "thanked", "urged", "asked", "accused", "blamed",
                "praised", "sacked", "fired"]
# Lower-case words a title may take before it, at most this many ("deputy campaign manager").
PREMODIFIER_REACH = 3
# Possessive determiners, which may open a role ("X, its chief executive").
POSSESSIVES = {"his", "her", "its", "their", "our", "my", "your"}
# Tokens after a name read for an apposition ("X, associate professor of ... at ..., said").
APPOSITION_TOKENS = 32
# The role of an apposition: up to a comma, a bracket, a quotation mark, a dash or a full stop
# that ends the sentence (not the stop of an initial: "assistant U.S. attorney").
_ROLE = r"(?P<role>.+?)(?=[,;:()\[\]\"“”?!\n–—]|\s[-‘’]\s|(?<!\b[A-Z])\.(?:\s|$)|$)"
# An apposition: a comma, an age or a credential ("45,", "R.D.,", "MD,"), perhaps "is", an article
# or an age ("a 67-year-old"), then the role.
APPOSITION = re.compile(r"^,\s+(?:(?:\d{1,3}|(?:[A-Z]\.){1,4}|MD|PhD|Ph\.D\.),\s+(?:(?:is|was)\s+)?)?"
                        r"(?:(?:a|an|the)\s+)?(?:\d+-year-old\s+)?" + _ROLE)
# A second role in the same apposition: "an assistant professor ..., and the lead author ...",
# "a professor of nutrition at ... and a co-author of ..." (but "a journalist and an expert in
# ..." is one role: bare titles joined by "and" make one).
_AND_ARTICLE = r",?\s+and\s+(?:a|an|the)\s+"
APPOSITION_AND = re.compile(_AND_ARTICLE + _ROLE)
# The employer after a role and a comma, closing the sentence ("Ryan Farley, CEO, LawnStarter.").
_NAME_WORD = r"[A-Z][\w&’'-]*(?:\.\w+)*"
APPOSITION_EMPLOYER = re.compile(rf",\s+{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|of|at|the|and|for|in))*(?=\.\s|\.$|\s\(|$)")
# Words a role does not end with ("author of" before a quoted title).
TRAILING_CONNECTORS = re.compile(r"(?:\s+(?:of|for|at|in|on|and|the|to|with|from))*\s*$")
# The first preposition of a role: a title word must come before it ("CEO of Vectara", not "one
# of the study's authors").
ROLE_HEAD_END = re.compile(r"\s(?:of|at|for|in|on|with|to|from|and)\s")
# Words that open the clause after an apposition ("X, professor of medicine, who has studied ...",
# "X, a respected lawyer told ..."), with the speech verbs: the role ends before them.
CLAUSE_OPENERS = ["who", "whom", "whose", "which", "that", "where", "when", "while", "because", "since", "after",
                  "before", "is", "was", "are", "were", "has", "had", "have", "will", "would", "can", "could", "may",
                  "might", "did", "does", "do", "also", "then", "now", "recently", "still"]
# Words longer than this in one apposition are a clause, not a title.
APPOSITION_WORDS = 16
# A credential or an acronym read as a name ("Scott Keatley, R.D., ...", "expert HR services"): it
# holds no role.
CREDENTIAL = r"^(?:(?:[A-Z]\.)+[A-Z]?|[A-Z]{1,4})$"
# Russian: a person named in Cyrillic letters whose key the Russian recogniser wrote in Latin
# ones (russian.py), whose roles _russian_roles reads.
CYRILLIC_NAME = r"^[А-ЯЁ]"
CYRILLIC_LETTER = r"[А-Яа-яЁё]"
# Prefixes a Russian title keeps its role with ("экс-премьер", "вице-президент").
RUSSIAN_TITLE_PREFIXES = ("экс-", "вице-")
# Words a Russian role runs through between its title and the name ("министр связи и
# коммуникаций", "министр по чрезвычайным ситуациям", "посол Италии в Грузии").
RUSSIAN_CONNECTORS = {"и", "по", "в", "на", "при"}
# Words before a title that make it an acting one ("временно исполняющий обязанности губернатора").
ACTING = {"временно", "исполняющий", "исполняющая", "исполняющего", "исполняющему", "исполняющим", "обязанности"}
QUOTES = {"«", "»", '"', "„", "“", "”"}
# What opens a Russian apposition after a name ("Хренин, министр обороны", "Санников — бывший
# заместитель министра", "Йоахим Лёв (второй тренер)").
RUSSIAN_APPOSITION_OPENERS = {",", "—", "–", "-", "("}
# Verbs that state a role after the name ("Иванов назначен министром обороны", "Петров стал
# капитаном"): the title after them is in the instrumental, or in the genitive after "на
# должность" / "на пост".
RUSSIAN_LINK_VERBS = {"является", "являлся", "являлась", "стал", "стала", "станет", "назначен", "назначена",
                      "избран", "избрана", "остается", "остаётся", "остался", "осталась", "работает", "работал",
                      "работала"}
RUSSIAN_POSTS = {"должность", "пост"}
# Tokens a Russian role reaches from its name, and adjectives it may open with ("первый
# заместитель", "чрезвычайный и полномочный посол").
RUSSIAN_ROLE_REACH = 12
RUSSIAN_PREMODIFIERS = 3
# Roles, separated by commas, a run before a Russian name may hold.
RUSSIAN_ROLES_BEFORE = 2
# Classes of the words of a Russian role (_russian_word_class).
TITLE, ADJECTIVE, NOUN, NAME, CONNECTOR, BREAK = range(6)


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


@cache
def honorifics() -> list[str]:
    return sorted(word_list("honorifics"))


@cache
def clause_words() -> list[str]:
    """Lower-case words that belong to the clause, never to a role before a name: function words,
    sentence openers and the verbs of speech and meeting."""
    return sorted(set(STOP_WORDS) | {w.lower() for w in STARTERS} | set(speech_verbs()) | set(CLAUSE_VERBS))


@cache
def apposition_end() -> re.Pattern:
    """Where the clause after an apposition begins."""
    return re.compile(r"\s(?:" + "|".join(CLAUSE_OPENERS + speech_verbs()) + r")\b")


def _people(mentions: pl.DataFrame) -> pl.DataFrame:
    """Person mentions by name (`mentions` holds no pronouns yet), starting where the name starts ("President Hollande" at Hollande)."""
    named = mentions.filter(pl.col("type") == "PERSON")
    name_offset = char_offset(pl.col("text"), pl.col("key").str.split(" ").list.first()).fill_null(0)
    return named.select("doc_id", "key", "end", "sentence", start=pl.col("start") + name_offset.cast(pl.Int64))


def _role_holders(tokens: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """The people who may hold a role. A "name" right before a title word is a place, party or
    employer read as a person ("An Andhra Pradesh official", "Republican strategist Karl Rove"):
    it holds no role and its words may belong to the next name's. Nor does a credential or a
    title read as a name ("R.D.", "Cyber Solutions Officer")."""
    titled = (tokens.select("doc_id", "token", end=pl.col("start") - 1).filter(pl.col("token").is_in(role_words()))
              .select("doc_id", "end"))
    # A title read as a name ("Chief Cyber Solutions Officer"): it ends in a title word and does
    # not open with a given name ("John Major" does).
    words = pl.col("key").str.split(" ")
    title_as_name = ((words.list.len() > 1) & words.list.last().is_in([t for t in role_words() if t[0].isupper()])
                     & ~words.list.first().is_in(list(census_names()[0])))
    return (people.join(titled, on=["doc_id", "end"], how="anti")
            .filter(~pl.col("key").str.contains(CREDENTIAL) & ~title_as_name))


def _role_runs(tokens: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Tokens with `run`: consecutive role-like tokens share it; names and other words break it.
    Word classes are computed once as boolean columns and shifted as such (a shifted string column
    tested again would cost a string test per token per shift)."""
    token = pl.col("token")
    titles = role_words()
    flagged = tokens.with_columns(
        in_name=token_key().is_in(tokens_within(tokens, people).implode()),
        title=token.is_in(titles), modifier=token.is_in(role_modifiers()), capitalised=token.str.contains(r"^[A-ZА-ЯЁ]"),
        abbreviation=token.is_in(ABBREVIATIONS + honorifics()))
    # Lower-case words before a lower-case title belong to it ("shadow home secretary", "deputy
    # campaign manager", "election chief"), up to PREMODIFIER_REACH of them; not the clause's own
    # words, nor those before a capitalised title ("the best thing Prince Rama has done").
    next_is_title = (shifted("title", -1) & ~shifted("capitalised", -1)).fill_null(False)
    flagged = flagged.with_columns(lower_word=_lower_words(flagged, next_is_title))
    lower_word = pl.col("lower_word")
    flagged = flagged.with_columns(premodifier=lower_word & next_is_title)
    for _ in range(PREMODIFIER_REACH - 1):
        flagged = flagged.with_columns(premodifier=lower_word & (next_is_title | shifted("premodifier", -1).fill_null(False)))
    # A curated modifier also opens a run of capitalised words ("former Ohio GOP Chairman"); the
    # full stop of an abbreviated title stays with it ("former Florida Gov. Jeb Bush").
    opens_capitalised = pl.col("modifier") & shifted("capitalised", -1).fill_null(False)
    abbreviation_stop = (token == ".") & shifted("abbreviation", 1).fill_null(False)
    # A name in the possessive belongs to the title after it ("Legg's attorney, Steven Kiersh").
    possessor = shifted("token", -1).is_in(["'", "’"]) & (shifted("token", -2) == "s")
    flagged = flagged.with_columns(
        wordlike=(pl.col("capitalised") | pl.col("title") | token.is_in(ROLE_CONNECTORS) | pl.col("premodifier")
                  | opens_capitalised | abbreviation_stop) & (~pl.col("in_name") | possessor.fill_null(False)))
    # A comma continues a run into more title words ("Minister of Russia, Chief of ...", ", the
    # Defense Minister's Aide") or into the name the run describes ("The head of X, Sergei Shoigu").
    next_token = shifted("token", -1)
    continues = (shifted("wordlike", -1) & (~next_token.is_in(ROLE_CONNECTORS) | (next_token == "the"))) | shifted("in_name", -1)
    roleish = pl.col("wordlike") | ((token == ",") & continues.fill_null(False))
    breaks = ~pl.col("roleish") | (pl.col("sentence") != shifted("sentence", 1)).fill_null(True)
    return flagged.with_columns(roleish=roleish).with_columns(run=breaks.cast(pl.Int64).cum_sum())


def _lower_words(flagged: pl.DataFrame, next_is_title: pl.Expr) -> pl.Series:
    """Whether each token is a lower-case word that may modify a title: a curated modifier, or a
    word that is no function word, verb of speech or adverb. Tested only on the few tokens within
    PREMODIFIER_REACH before a lower-case title, the string tests being the costly part."""
    near = flagged.select(pl.any_horizontal([next_is_title.shift(-k).fill_null(False)
                                             for k in range(PREMODIFIER_REACH)])).to_series().to_numpy()
    rows = np.flatnonzero(near)
    nearby = flagged.select(pl.col("token").gather(rows), pl.col("modifier").gather(rows))
    word = pl.col("token")
    lower = nearby.select(pl.col("modifier") | (word.str.contains(r"^[a-z][a-z-]*$") & ~word.is_in(clause_words())
                                                & ~word.str.ends_with("ly") & ~word.str.ends_with("ed"))).to_series()
    flags = np.zeros(flagged.height, dtype=bool)
    flags[rows] = lower.to_numpy()
    return pl.Series(flags)


def _roles_before(tokens: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Roles in the run of role-like tokens that ends right before a name. An honorific at the
    run's end is the name's, not the role's ("Federal Reserve chairman Mr Bernanke"); a run that
    then ends in a preposition names someone else's role ("a lawyer for Mr Smith")."""
    runs = _role_runs(tokens, people)
    # The token right before each name, found by row number (runs has the token table's rows).
    name_rows = token_rows(tokens, people, "start", "start")
    has_token_before = (name_rows >= 0) & (tokens["token_no"].to_numpy()[name_rows] > 0)
    before = name_rows[has_token_before] - 1
    attached = (
        people.filter(pl.Series(has_token_before))
        .select("doc_id", "key", run=runs["run"].gather(before), roleish=runs["roleish"].gather(before))
        .filter("roleish").select("key", "run").unique()
    )
    starters = STARTERS + ROLE_CONNECTORS + [","]
    segment = ["doc_id", "key", "run", "segment"]
    honorific = (pl.col("token").is_in(honorifics())
                 | ((pl.col("token") == ".") & pl.col("token").shift(1).is_in(honorifics())))
    connector = pl.col("token").is_in(ROLE_CONNECTORS)
    last = pl.col("token").last()
    return (
        # A run never crosses articles, so its number alone joins it (no doc_id strings).
        runs.filter("roleish").join(attached, on="run")
        # An honorific is never part of a role.
        .filter(~honorific)
        .with_columns(segment=(pl.col("token") == ",").cum_sum().over("doc_id", "key", "run"))
        .filter(pl.col("token") != ",")
        # Trim words that open a clause rather than a role ("Meanwhile", "The"), and at the end connectors.
        .filter((~pl.col("token").is_in(starters)).cum_max().over(segment))
        .group_by(segment)
        .agg(start=pl.col("start").min(), end=pl.col("end").filter(~connector).max(),
             sentence=pl.col("sentence").first(), titled=pl.col("token").is_in(role_words()).any(),
             # "the President's Sandy photo-ops": a possessive at the end is someone else's title.
             dangling=last.is_in(PREPOSITIONS)
             | ((last == "s") & pl.col("token").shift(1).last().is_in(["'", "’"]).fill_null(False)))
        .filter(pl.col("titled") & ~pl.col("dangling"))
        .select("doc_id", "key", "start", "end", "sentence")
    )


def _appositions(tokens: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Roles in an apposition after a name: "Jan Liphardt, associate professor of bioengineering
    at Stanford University", "Mark Mattson, a neuroscientist at ...", one role for each "and a"
    ("an assistant professor ... and the lead author ..."). A role needs a title word before its
    first preposition ("CEO of Vectara", not "one of the study's authors")."""
    # The row of each name's last token (-1 where no token ends there).
    rows = token_rows(tokens, people, "end", "end")
    comma = neighbour(tokens, rows.clip(0), "token", 1, within=("doc_no", "sentence"))
    followed = pl.Series(rows >= 0) & (comma == ",").fill_null(False)
    candidates, rows = people.filter(followed), rows[followed.to_numpy()]
    following = [neighbour(tokens, rows, "chunk", k, within=("doc_no", "sentence"), edge="")
                 for k in range(1, APPOSITION_TOKENS + 1)]
    texts = pl.select(pl.concat_str(following)).to_series() if following else pl.Series([], dtype=pl.String)
    titles, ends = set(role_words()), apposition_end()
    found = []
    for (doc_id, key, end, sentence), text in zip(candidates.select("doc_id", "key", "end", "sentence").iter_rows(),
                                                   texts):
        match = APPOSITION.match(text or "")
        while match is not None:
            role = match["role"]
            role = re.split(_AND_ARTICLE, role, maxsplit=1)[0] if ROLE_HEAD_END.search(role.split(" and ")[0]) else role
            clause = ends.search(role)
            role = role[:clause.start()] if clause else role
            role = TRAILING_CONNECTORS.sub("", role)
            # Words of the head as written: "Investor.gov" is no investor.
            head_words = set(re.findall(r"[\w-]+(?:\.\w+)*", ROLE_HEAD_END.split(role)[0]))
            # A role opens with a title or its modifiers, not a clause ("X, we usually deliver ...",
            # "Under Armour, and Prime Video").
            opens_clause = role.split(" ", 1)[0].lower() in set(clause_words()) - POSSESSIVES
            role_end = match.start("role") + len(role)
            # A part without a title is no role, but the next may be one ("one of the study's
            # authors and a professor of medicine").
            if role and not opens_clause and len(role.split()) <= APPOSITION_WORDS and titles & head_words:
                employer = None if clause else APPOSITION_EMPLOYER.match(text, role_end)
                # What opens with a title is the name's second role, not an employer ("X, the
                # Minister's Aide for ..., Chief of the Central Office ...").
                second_start = employer.end() - len(employer.group().lstrip(", ")) if employer else None
                if employer and text[second_start:].split(" ", 1)[0] in titles:
                    found.append((doc_id, key, end + match.start("role"), end + role_end, sentence))
                    found.append((doc_id, key, end + second_start, end + employer.end(), sentence))
                else:
                    role_end = employer.end() if employer else role_end
                    found.append((doc_id, key, end + match.start("role"), end + role_end, sentence))
            match = None if clause else APPOSITION_AND.match(text, role_end)
    return pl.DataFrame(found, schema={"doc_id": pl.String, "key": pl.String, "start": pl.Int64, "end": pl.Int64,
                                       "sentence": pl.Int32}, orient="row")


@cache
def russian_role_forms() -> frozenset[str]:
    """Every inflected form of the Russian title words (pipelines/data/russian_occupations.txt),
    from pymorphy2's dictionary, lower case, also with "е" for "ё" as news often writes it."""
    forms = set()
    for lemma in word_list("russian_occupations"):
        parses = [p for p in _parses(lemma) if p.tag.POS == "NOUN" and p.normal_form == lemma] or _parses(lemma)[:1]
        forms |= {form.word for parse in parses for form in parse.lexeme} | {lemma}
    return frozenset(forms | {form.replace("ё", "е") for form in forms})


def _russian_title(token: str) -> str | None:
    """The form of a Russian title word `token` is, without its prefix ("Экс-премьера" ->
    "премьера"), or None."""
    lower = token.lower()
    bare = next((lower.removeprefix(p) for p in RUSSIAN_TITLE_PREFIXES if lower.startswith(p)), lower)
    forms = russian_role_forms()
    return lower if lower in forms else bare if bare in forms else None


@cache
def _russian_word_class(token: str) -> int:
    """What a word may be in a Russian role: a title word, an adjective that may open it, a noun
    or name that may depend on it, a connector, or a word that ends it (verbs, pronouns,
    numbers, punctuation). A capitalised word is a name's or a sentence's first."""
    if _russian_title(token) and _parses(token)[0].tag.POS in ("NOUN", "ADJF", "PRTF"):
        return TITLE
    if token in RUSSIAN_CONNECTORS:
        return CONNECTOR
    if token in ACTING:
        return ADJECTIVE
    if token in QUOTES or token[:1].isupper():
        return NAME
    if not re.fullmatch(r"[а-яё]+(?:-[а-яё]+)*", token):
        return BREAK
    tag = _parses(token)[0].tag
    if tag.POS in ("ADJF", "PRTF") and "Apro" not in tag:
        return ADJECTIVE
    return NOUN if tag.POS == "NOUN" else BREAK


@cache
def _title_cases(token: str) -> frozenset[str]:
    """The cases a Russian title word may be in, in the singular ("министра": genitive or
    accusative; "руководители", a plural, none: a group's title is no person's role)."""
    title = _russian_title(token)
    return frozenset(p.tag.case for p in _parses(title)
                     if p.tag.POS in ("NOUN", "ADJF", "PRTF") and p.tag.number == "sing" and p.tag.case)


@cache
def _cases(token: str) -> frozenset[str]:
    return frozenset(p.tag.case for p in _parses(token.lower()) if p.tag.case)


@cache
def _name_cases(word: str) -> frozenset[str] | None:
    """The cases the first word of a Russian name may be in, None when any (an indeclinable or
    unknown name: "Лукашенко", "Ху")."""
    parses = [p for p in _parses(word) if any(part in p.tag for part in NAME_PARTS)]
    if not parses or any("Fixd" in p.tag for p in parses):
        return None
    return frozenset(p.tag.case for p in parses)


def _russian_roles(tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """Roles of the people named in Cyrillic letters: the run of role words right before the name
    from its first title word in the name's case (with the adjectives before that title), so
    that in "пресс-секретарь президента Беларуси Александра Лукашенко" Lukashenko's role is
    "президента Беларуси"; and an apposition after the name that opens with a title (perhaps
    after adjectives) and does not run into another name, whose role it would be, or the title
    a verb such as "назначен" puts after the name."""
    schema = {"doc_id": pl.String, "key": pl.String, "start": pl.Int64, "end": pl.Int64, "sentence": pl.Int32}
    named = mentions.filter((pl.col("type") == "PERSON") & pl.col("text").str.contains(CYRILLIC_NAME)
                            & ~pl.col("key").str.contains(CYRILLIC_LETTER))
    if named.height == 0:
        return pl.DataFrame(schema=schema)
    in_articles = tokens.filter(pl.col("doc_id").is_in(named["doc_id"].unique().implode()))
    first_rows = token_rows(in_articles, named, "start", "start")
    last_rows = token_rows(in_articles, named, "end", "end")
    in_name = in_articles.select(token_key().is_in(tokens_within(in_articles, named).implode())).to_series().to_list()
    words = in_articles["token"].to_list()

    def word_class(row: int) -> int:
        """Read only near names: the dictionary is asked about those words alone."""
        return _russian_word_class(words[row])

    starts, ends = in_articles["start"].to_list(), in_articles["end"].to_list()
    places = list(zip(in_articles["doc_no"].to_list(), in_articles["sentence"].to_list()))

    def within(row: int, anchor: int) -> bool:
        return 0 <= row < len(words) and places[row] == places[anchor] and not in_name[row] and word_class(row) != BREAK

    def trimmed(first: int, last: int) -> tuple[int, int]:
        """Without the connectors and quotation marks that end no role ("«классическим чемпионом мира»")."""
        while last > first and (word_class(last) == CONNECTOR or words[last] in QUOTES):
            if words[last] in ("»", "“", "”", '"') and any(words[row] in ("«", "„", '"') for row in range(first, last)):
                break
            last -= 1
        while first < last and words[first] in QUOTES:
            first += 1
        return first, last

    def agrees(row: int, title: int) -> bool:
        """An adjective in a case of the title's (capitalised as a sentence's first word too:
        "Генеральный директор")."""
        return (_russian_word_class(words[row].lower()) == ADJECTIVE
                and (words[row] in ACTING or bool(_cases(words[row]) & _title_cases(words[title]))))

    def opening(title: int, floor: int) -> int:
        """The first of the adjectives before a title that agree with it ("чрезвычайный и
        полномочный посол", not "начатую президентом")."""
        first = title
        while (first - 1 >= floor and title - first < RUSSIAN_PREMODIFIERS
               and (agrees(first - 1, title) or (words[first - 1] == "и" and first - 2 >= floor
                                                 and agrees(first - 2, title)))):
            first -= 1
        return first

    found = []
    for (doc_id, key, text, sentence), first, last in zip(named.select("doc_id", "key", "text", "sentence").iter_rows(),
                                                          first_rows, last_rows):
        if first < 0 or last < 0:
            continue
        run_start = first
        while run_start - 1 >= first - RUSSIAN_ROLE_REACH and within(run_start - 1, first):
            run_start -= 1
        cases = _name_cases(text.split(" ", 1)[0])
        run_end = first - 1
        # Roles before a name may be several, a comma between them ("лидер Меджлиса, народный
        # депутат Украины Мустафа Джемилев"): each opens with a title.
        for _ in range(RUSSIAN_ROLES_BEFORE):
            titles = [row for row in range(run_start, run_end + 1)
                      if word_class(row) == TITLE and _title_cases(words[row]) & (cases or _title_cases(words[row]))]
            if not titles:
                break
            # A name that may be in the genitive after a title that may not is the holder of the
            # genitive title that depends on it ("пресс-секретарь президента Александра Лукашенко").
            genitive = [row for row in titles if "gent" in _title_cases(words[row])]
            head = genitive[0] if cases and "gent" in cases and genitive and genitive[0] != titles[0] else titles[0]
            role_start, role_end = trimmed(opening(head, run_start), run_end)
            found.append((doc_id, key, starts[role_start], ends[role_end], sentence))
            if role_start != run_start or not within(run_start - 2, first) or words[run_start - 1] != ",":
                break
            run_end = run_start = run_start - 2
            while run_start - 1 >= run_end - RUSSIAN_ROLE_REACH and within(run_start - 1, first):
                run_start -= 1
        opener = last + 1
        if not (0 <= opener < len(words) and places[opener] == places[last]
                and words[opener] in RUSSIAN_APPOSITION_OPENERS | RUSSIAN_LINK_VERBS):
            continue
        case = "ablt" if words[opener] in RUSSIAN_LINK_VERBS else None
        if case and opener + 2 < len(words) and words[opener + 1] == "на" and words[opener + 2] in RUSSIAN_POSTS:
            opener, case = opener + 2, "gent"
        run_end = opener
        while run_end + 1 <= opener + RUSSIAN_ROLE_REACH and within(run_end + 1, opener):
            run_end += 1
        next_row = run_end + 1
        runs_into_name = 0 <= next_row < len(words) and places[next_row] == places[opener] and in_name[next_row]
        head = next((row for row in range(opener + 1, run_end + 1)
                     if word_class(row) not in (ADJECTIVE, CONNECTOR)), None)
        if (head is not None and not runs_into_name and word_class(head) == TITLE and _title_cases(words[head])
                and (case is None or case in _title_cases(words[head])) and opening(head, opener + 1) == opener + 1):
            role_start, role_end = trimmed(opener + 1, run_end)
            found.append((doc_id, key, starts[role_start], ends[role_end], sentence))
    return pl.DataFrame(found, schema=schema, orient="row")


def person_roles(tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """One row per role stated for a person in an article: doc_id, key (the person's merge key),
    role, start, end, sentence. Roles must contain a title word. An apposition that holds the
    title of a name inside it ("X, Deputy Director Jones and ...") is that name's, not X's.
    People named in Cyrillic letters take their Russian roles too (_russian_roles)."""
    people = _role_holders(tokens, _people(mentions))
    before = _roles_before(tokens, people)
    after = _appositions(tokens, people)
    theirs = (after.join(before.select("doc_id", b_start="start", b_end="end"), on="doc_id")
              .filter((pl.col("b_start") < pl.col("end")) & (pl.col("start") < pl.col("b_end")))
              .select("doc_id", "start").unique())
    after = after.join(theirs, on=["doc_id", "start"], how="anti")
    sentence_type = before.schema["sentence"]
    return (pl.concat([before, after.with_columns(pl.col("sentence").cast(sentence_type)),
                       _russian_roles(tokens, mentions).with_columns(pl.col("sentence").cast(sentence_type))])
            .unique(["doc_id", "key", "start"]).sort("doc_id", "start"))


@cache
def russian_nationalities() -> dict[str, str]:
    """Russian country adjectives in their dictionary form -> country (russian_nationalities.txt)."""
    return dict(line.split("|") for line in word_list("russian_nationalities"))


@cache
def _russian_place_countries() -> dict[str, str]:
    """Cyrillic names of places in the gazetteer -> country."""
    cyrillic = places().filter((pl.col("type") == "LOCATION") & pl.col("alias").str.contains(CYRILLIC_LETTER))
    return dict(cyrillic.select("alias", "country").drop_nulls().unique("alias", keep="first").iter_rows())


@cache
def russian_country(phrase: str) -> str | None:
    """The country the first place or country adjective of a Russian phrase names, by its words'
    dictionary forms ("министр обороны Беларуси" -> BY, "глава МИД России" -> RU, "главный тренер
    белорусской сборной" -> BY), or None."""
    place_countries, adjectives = _russian_place_countries(), russian_nationalities()
    for word in re.findall(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*", phrase):
        if word in place_countries:
            return place_countries[word]
        for parse in _parses(word)[:2]:
            normal = parse.normal_form
            country = (place_countries.get(normal[:1].upper() + normal[1:]) if word[:1].isupper()
                       else adjectives.get(normal) if parse.tag.POS == "ADJF" else None)
            if country:
                return country
    return None


def with_role_details(roles: pl.DataFrame, articles: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """Roles with their text, the organisation named in them and the country they tie to: a
    place or nationality named in the role, else the organisation's own country; a Russian role
    also the country its words name (russian_country: "МИД России", "белорусской сборной")."""
    inner = (
        roles.select("doc_id", "start", "end").join(
            mentions.select("doc_id", "type", "key", "country", m_start="start", m_end="end"), on="doc_id")
        .filter((pl.col("m_start") >= pl.col("start")) & (pl.col("m_end") <= pl.col("end")))
        .sort("m_start")
        .group_by("doc_id", "start")
        .agg(organisation_key=pl.col("key").filter(pl.col("type") == "ORGANIZATION").first(),
             place_country=pl.col("country").filter(pl.col("type").is_in(["LOCATION", "NATIONALITY"])).drop_nulls().first())
    )
    # An organisation's country by any of its names, or the English name a Russian one is an alias of
    # ("Газпром" is Gazprom's).
    names = [pl.col("text"), *([pl.col("normal")] if "normal" in mentions.columns else [])]
    org_text = (mentions.filter(pl.col("type") == "ORGANIZATION").group_by("doc_id", "key")
                .agg(org_name=pl.concat_list(names).explode()).with_columns(
                    org_country=pl.col("org_name").list.eval(
                        pl.coalesce(organisation_name(pl.element()), pl.element())
                        .replace_strict(organisation_countries(), default=None)).list.drop_nulls().list.first())
                .drop("org_name"))
    detailed = (
        roles.join(articles.select("doc_id", "text"), on="doc_id")
        .with_columns(role=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
        .drop("text")
        .join(inner, on=["doc_id", "start"], how="left")
        .join(org_text, left_on=["doc_id", "organisation_key"], right_on=["doc_id", "key"], how="left")
    )
    russian = detailed.filter(pl.col("role").str.contains(CYRILLIC_LETTER))["role"].unique().to_list()
    named_countries = pl.DataFrame({"role": russian, "named_country": [russian_country(role) for role in russian]},
                                   schema={"role": pl.String, "named_country": pl.String})
    return (
        detailed.join(named_countries, on="role", how="left")
        .with_columns(country=pl.coalesce("place_country", "org_country", "named_country"))
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
