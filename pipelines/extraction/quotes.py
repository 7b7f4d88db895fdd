"""Quotations and their speakers, as polars expressions over the text, the tokens and the mentions.

Boundaries: each quotation mark opens or closes by the text around it, whatever its shape, and
an opening mark pairs with the next mark when that one closes (_marks, _passages). A quotation
may run on unmarked into the next paragraph; news style opens a new mark at each paragraph of a
long quotation without closing the previous one, so a mark left open at the end of a paragraph
closes there when a later paragraph opens a mark. Single marks count where they cannot be
apostrophes.

Speakers come from the structure of the attribution, not the nearest name: the clause after the
quote (`," said X`, `," X said`, `," X, a senior aide, said`), the clause before it in its
sentence (`X said: "`, `according to X, "`, `X, saying: "`, `Y responded: "`), a byline after a
dash; within a clause a person before the organisation it also names ("CML director general
Michael Coogan said"), and no one for a description ("her lawyers told", "one top Republican
said") or a listener ("told Reuters"). A quote with no clause of its own continues the speaker
of the quote before it (a speaker's run of sentences and paragraphs) unless the narration
between names another person; standing alone, it takes the subject of a speech verb in the
sentence before it. Otherwise the speaker is NULL: a guess from the nearest name is wrong more
often than right."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import polars as pl

from pipelines.extraction.entities import PERSON_PRONOUNS
from pipelines.extraction.gazetteer import speech_verbs, word_list
from pipelines.extraction.roles import role_words
from pipelines.extraction.tokens import neighbour, text_partition

# Quotation marks, each an opening or a closing one by the text around it (see _marks). Russian
# nests „лапки“ in «ёлочки»; "„" only ever opens.
MARKS = "“”\"«»„"
OPENING_MARKS, CLOSING_MARKS = "“«„", "”»"
# Single marks are also apostrophes ("don’t", "the players’ union"): one counts only where it
# leans on a word on one side and not on the other, and a pair only within a paragraph.
SINGLE_MARKS = "‘’'"
# A headline that says its article is an interview: "X tells Wikinews", "An interview with X".
INTERVIEW_HEADLINE = r"\b[Ii]nterview(?:s|ed)?\b|\b(?:tells|talks to|speaks to)\s+\p{Lu}"
# Before an opening mark: the start, a space or an opening bracket or dash; after a closing one:
# the end, a space or punctuation.
OPENS_AFTER = r"^(?:|[\s(\[{—–/-])$"
CLOSES_BEFORE = r"^(?:|[\s.,;:!?)\]}—–/-])$"
MIN_QUOTE_WORDS = 2
# A word of a quote: "self-medicating" is one.
WORD = r"\w+(?:-\w+)*"
# A quotation this short is speech only when a speech verb attributes it (else a term or a scare
# quote: "free as in beer"); a short one in title case is a name or a title ("Allied Resolve").
MIN_UNATTRIBUTED_WORDS = 5
MAX_TITLE_WORDS = 6
# How far (characters) the attribution clause may stand from the quote, after it and before it.
AFTER_REACH, BEFORE_REACH = 100, 60
# How far the speaker's name may stand from the verb: "said X", "X said", "X told"; a person in
# the verb's own clause may stand further ("said former Ohio party chairman Kevin Dean").
NAME_REACH, CLAUSE_NAME_REACH = 30, 60
# A colon right before the quote introduces it ("Smith agrees and recommends caution: "...""):
# the speaker is the subject of its clause, as for a speech verb.
COLON = ":"
# A dash after a quote introduces its byline or its source.
DASHES = ["—", "–", "-"]
# How many sentences back the organisation an "it said" stands for may have been named.
ORGANISATION_REACH = 3
# Verbs whose object is the listener, never the speaker: "told Reuters".
LISTENER_VERBS = ["told", "tells", "informed", "informs"]
# Before a quote these take an object, not an inverted subject: "asked Rybicki "..."".
OBJECT_VERBS = LISTENER_VERBS + ["asked", "asks", "urged", "urges", "warned", "warns", "called", "calls"]
# How many words after an organisation's name a title and the name it titles are looked for.
TITLE_REACH = 6
# Marks that end a clause within a sentence (the speaker of "said X" stays within it).
CLAUSE_BREAKS = [",", ";", ":", "(", ")", "—", "–"]
# Words that may stand between a subject and its verb ("Smith also said", "Smith has told").
BETWEEN_SUBJECT_AND_VERB = ["also", "has", "have", "had", "was", "is", "then", "later", "once", "again", "further",
                            "who", "which", "not", "never", "often", "first", "since", "long", "always",
                            "still", "just", "already", "even", "now", "too"]
# Joining two verbs of one subject: the name right before "and" is not the second verb's subject.
COORDINATORS = ["and", "but", "or"]
# Before a name they make it a description: "this Republican said", "one top Democrat told".
DETERMINERS = ["a", "an", "one", "this", "that", "another", "some", "any"]
# Opening a noun phrase that names no one: "her lawyers told", "the report stated".
DESCRIPTION_OPENERS = DETERMINERS + ["the", "these", "those", "her", "his", "their", "its", "our", "my", "your"]
# Inside a subject's noun phrase, before its head's complement ("analysis of its statistics").
PREPOSITIONS = ["of", "at", "in", "for", "from", "on", "with", "by", "to"]
# How many words back from a speech verb its subject's noun phrase is looked for.
SUBJECT_REACH = 12
SPEAKER_TYPES = ("PERSON", "ORGANIZATION")
# "По словам Хренина, «...»", "по мнению министра": Russian for "according to" (the word after "по").
RUSSIAN_ACCORDING = ["словам", "мнению", "утверждению"]
ACCORDING = ["according"] + [f"по {word}" for word in RUSSIAN_ACCORDING]
# "«...», сообщает «Интерфакс»": an agency reporting what someone said, not the speaker.
RUSSIAN_NEWS_SOURCES = ["сообщает", "сообщают", "передает", "передаёт", "пишет"]
# Russian speech verbs stand in every personal form and as gerunds ("сказала", "говорит", "добавив").
RUSSIAN_VERB_FORMS = ("VERB", "GRND")
# A Russian quotation of dialogue: a paragraph opening with a dash, the speech, then a dash and
# its attribution ("– Мы готовы, – отметил министр."); the speech does not open with a mark (a
# quotation in marks is found by them).
DIALOGUE = r"[ \t]*[–—-][ \t]+[^\n«»“”„\"\s][^\n]*?(?:[,!?]|…|\.\.\.)[ \t]+[–—-][ \t]+\p{Ll}+(?:[ \t]+\p{Ll}+)?"
DIALOGUE_PARTS = r"^([ \t]*)([–—-][ \t]+)(.+?)(?:,)?[ \t]+[–—-][ \t]+(\p{Ll}+)(?:[ \t]+(\p{Ll}+))?$"
# After the attribution, the speech may go on after another dash ("..., – отметил министр. – Мы ...").
DIALOGUE_GOES_ON = r"^([^\n–—]*?[.,:][ \t]+)([–—-][ \t]+)(\S.*)$"
# Where the lines of a text start: the dialogue is looked for there alone.
LINES = r"[^\n]*\n|[^\n]+"
# What an attribution cue carries from _cues to _speakers.
CUE_COLUMNS = ["verb", "v_start", "v_end", "v_sentence", "v_clause", "described", "subject_end", "object_start", "object_word"]


@cache
def russian_forms(lemmas: tuple[str, ...], parts_of_speech: tuple[str, ...], grammeme: str | None = None) -> dict[str, str]:
    """{word form: its lemma} for Russian `lemmas`: every form of each whose part of speech is one
    of `parts_of_speech` (and that carries `grammeme`, if given: "plur"), as pymorphy2 inflects
    it, with "ё" also written "е", as news often does."""
    import natasha  # noqa: F401  (natasha's yargy patches pymorphy2 to run on Python 3.11)

    from pipelines.extraction.russian import _dictionary

    forms = {}
    for lemma in lemmas:
        parses = _dictionary().parse(lemma)
        parse = next((p for p in parses if p.normal_form in (lemma, lemma.replace("ё", "е"))), parses[0])
        for form in parse.lexeme:
            if form.tag.POS in parts_of_speech and (grammeme is None or grammeme in form.tag):
                forms.setdefault(form.word, lemma)
                forms.setdefault(form.word.replace("ё", "е"), lemma)
    return forms


@cache
def russian_speech_verbs() -> list[str]:
    """Every form of the Russian speech verbs (pipelines/data/russian_speech_verbs.txt)."""
    return sorted(russian_forms(tuple(sorted(word_list("russian_speech_verbs"))), RUSSIAN_VERB_FORMS))


def _russian(articles: pl.DataFrame) -> pl.DataFrame:
    """The articles in Russian (language "ru")."""
    if "language" not in articles.columns:
        return articles.clear()
    return articles.filter(pl.col("language") == "ru")


def _dialogue(articles: pl.DataFrame) -> pl.DataFrame:
    """Quotations of Russian dialogue (DIALOGUE) whose attribution opens with a speech verb, and
    the speech that goes on after the attribution to the end of the line (DIALOGUE_GOES_ON):
    _passages' columns. A quotation starts at its dash; "!", "?" and "…" end it, a comma is the
    attribution's."""
    russian = _russian(articles)
    schema = {"doc_id": pl.String, "start": pl.Int64, "end": pl.Int64, "quote": pl.String, "closed": pl.Boolean,
              "detached": pl.Boolean}
    if russian.height == 0:
        return pl.DataFrame(schema=schema)
    verbs = russian_speech_verbs()
    parts = pl.col("match").str.extract_groups(DIALOGUE_PARTS)
    lines = text_partition(russian, DIALOGUE, LINES).with_columns(
        rest=pl.col("match").shift(-1).over("doc_id").str.extract(r"^([^\n]*)").fill_null(""))
    found = (
        lines.filter("is_match").with_columns(parts=parts)
        .filter(pl.col("parts").struct.field("4").is_in(verbs) | pl.col("parts").struct.field("5").is_in(verbs))
        .select("doc_id", "rest", rest_start="end",
                start=pl.col("start") + pl.col("parts").struct.field("1").str.len_chars(),
                end=pl.col("start") + pl.col("parts").struct.field("1").str.len_chars()
                + pl.col("parts").struct.field("2").str.len_chars() + pl.col("parts").struct.field("3").str.len_chars(),
                quote=pl.col("parts").struct.field("3"))
    )
    goes_on = (
        found.with_columns(parts=pl.col("rest").str.extract_groups(DIALOGUE_GOES_ON))
        .filter(pl.col("parts").struct.field("1").is_not_null())
        .with_columns(start=pl.col("rest_start") + pl.col("parts").struct.field("1").str.len_chars(),
                      quote=pl.col("parts").struct.field("3").str.strip_chars_end())
        .with_columns(end=pl.col("start") + pl.col("parts").struct.field("2").str.len_chars() + pl.col("quote").str.len_chars())
    )
    return pl.concat([found.select(list(schema)[:4]), goes_on.select(list(schema)[:4])]).with_columns(
        closed=pl.lit(True), detached=pl.lit(False))


def _marks(articles: pl.DataFrame) -> pl.DataFrame:
    """Every quotation mark: doc_id, start, end, opens, paragraph, and the text up to the next
    mark (`inner`). A mark opens when it leans on the word after it (a space or the start before
    it, a word after it) and closes when it leans on the word before it, whatever its shape
    (scraped text turns "“" into "”" and back); a curly mark that leans on neither side keeps
    its shape's role, a straight one the role its place in the alternation gives it."""
    return _marks_of(articles, MARKS).with_columns(opens=_double_mark_roles())


def _single_marks(articles: pl.DataFrame) -> pl.DataFrame:
    """The single marks that open or close a quotation: _marks' columns. One that leans on a word
    on both sides or on neither is an apostrophe or a stray mark."""
    # Only articles where a single mark may open a quotation: most have apostrophes only.
    may_open = pl.col("text").str.contains(r"(?:^|[\s(\[{—–/-])[‘'][\p{L}]")
    marks = _marks_of(articles.filter(may_open), SINGLE_MARKS)
    opens = pl.col("before").str.contains(OPENS_AFTER) & pl.col("after").str.contains(r"^\p{L}")
    closes = ~pl.col("before").str.contains(OPENS_AFTER) & pl.col("after").str.contains(CLOSES_BEFORE)
    return marks.filter(opens | closes).with_columns(opens=opens)


def _marks_of(articles: pl.DataFrame, shapes: str) -> pl.DataFrame:
    """Every mark of these shapes: doc_id, start, end, match, the character before and after it,
    the text up to the next mark (`inner`), and its paragraph."""
    chunks = text_partition(articles, f"[{shapes}]", f"[^{shapes}]+")
    text_before = pl.when(~pl.col("is_match").shift(1) & _same_article(1)).then(pl.col("match").shift(1)).fill_null("")
    text_after = pl.when(~pl.col("is_match").shift(-1) & _same_article(-1)).then(pl.col("match").shift(-1)).fill_null("")
    # Paragraph breaks counted over the batch: compared only within an article.
    return (
        chunks.with_columns(before=text_before.str.slice(-1), after=text_after.str.slice(0, 1), inner=text_after,
                            breaks=pl.when(pl.col("is_match")).then(0)
                            .otherwise(pl.col("match").str.count_matches(r"\n\s*")).cum_sum())
        .filter("is_match")
        .select("doc_id", "start", "end", "match", "before", "after", "inner", paragraph="breaks")
    )


def _same_article(k: int) -> pl.Expr:
    """Whether the row `k` rows away belongs to the same article (a cheap stand-in for `.over`)."""
    return (pl.col("doc_id").shift(k) == pl.col("doc_id")).fill_null(False)


def _double_mark_roles() -> pl.Expr:
    """Whether each double mark of _marks_of opens a quotation (see _marks)."""
    leans_right = pl.col("before").str.contains(OPENS_AFTER) & ~pl.col("after").str.contains(CLOSES_BEFORE)
    leans_left = ~pl.col("before").str.contains(OPENS_AFTER) & pl.col("after").str.contains(CLOSES_BEFORE)
    by_shape = pl.when(pl.col("match").str.contains(f"[{OPENING_MARKS}]")).then(True) \
        .when(pl.col("match").str.contains(f"[{CLOSING_MARKS}]")).then(False)
    role = pl.when(leans_right).then(True).when(leans_left).then(False).otherwise(by_shape)
    # A straight mark cannot close what is not open: `Wilkins said," [Warhol] liked it".` Twice,
    # so that the mark after one turned round sees it.
    straight = (pl.col("match") == '"') & pl.col("before").is_in([",", ":"]) & (pl.col("after") == " ")
    opens = role
    for _ in range(2):
        previous_opens = (opens.shift(1) & _same_article(1)).fill_null(False)
        opens = role.fill_null(~previous_opens) | (straight & ~previous_opens)
    return opens


def _passages(articles: pl.DataFrame) -> pl.DataFrame:
    """Quoted passages: doc_id, start, end (marks included), quote (marks excluded), closed,
    detached. An opening mark pairs with the next mark when that one closes, in its paragraph or
    the next (a paragraph of quotation that runs on unmarked); one quote nested in it is stepped
    over. A paragraph that opens a quote and does not close it ends it there when a later
    paragraph opens a mark (news style for a long quotation); `detached` when paragraphs without
    marks stand between. Any other mark pairs with nothing. Single marks pair within a
    paragraph, and not inside a quotation in double marks."""
    doubles = _paired(_marks(articles), across_paragraphs=True)
    singles = (
        _paired(_single_marks(articles), across_paragraphs=False).sort("doc_id", "start")
        .join_asof(doubles.select("doc_id", "start", outer_end="end").sort("doc_id", "start"), on="start", by="doc_id",
                   strategy="backward", check_sortedness=False)
        .filter(~(pl.col("outer_end") > pl.col("start")).fill_null(False)).drop("outer_end")
    )
    marked = (
        pl.concat([doubles, singles])
        .join(articles.select("doc_id", "text"), on="doc_id")
        .with_columns(quote=pl.col("text").str.slice(
            pl.col("start") + 1, pl.col("end") - pl.col("start") - 1 - pl.col("closed").cast(pl.Int64)))
        # A quote left open runs to its paragraph's end; its trailing spaces are no part of it.
        .with_columns(quote=pl.when("closed").then("quote").otherwise(pl.col("quote").str.strip_chars_end()))
        .filter(pl.col("quote").str.count_matches(WORD) >= MIN_QUOTE_WORDS)
        .select("doc_id", "start", "end", "quote", "closed", "detached", dialogue=pl.lit(False))
    )
    # A quotation in marks inside a line of dialogue is part of its speech.
    dialogue = _dialogue(articles).with_columns(dialogue=pl.lit(True))
    if dialogue.height == 0:
        return marked
    marked = (
        marked.sort("doc_id", "start")
        .join_asof(dialogue.select("doc_id", "start", outer_end="end").sort("doc_id", "start"), on="start", by="doc_id",
                   strategy="backward", check_sortedness=False)
        .filter(~(pl.col("outer_end") > pl.col("start")).fill_null(False)).drop("outer_end")
    )
    return pl.concat([marked, dialogue.filter(pl.col("quote").str.count_matches(WORD) >= MIN_QUOTE_WORDS)])


def _paired(marks: pl.DataFrame, across_paragraphs: bool) -> pl.DataFrame:
    """doc_id, start, end, closed, detached of the quotations the marks (_marks' columns) open
    and close (see _passages)."""
    ahead = {f"{column}_{k}": pl.when(_same_article(-k)).then(pl.col(column).shift(-k))
             for column in ("opens", "end", "paragraph") for k in (1, 2, 3)}
    marks = marks.with_columns(**ahead, previous_opens=pl.when(_same_article(1)).then(pl.col("opens").shift(1)))
    reach = 1 if across_paragraphs else 0
    closes_next = ~pl.col("opens_1").fill_null(True) & (pl.col("paragraph_1") - pl.col("paragraph") <= reach)
    # `"it would not be called "research", would it?"`: an inner pair, then the closing mark.
    closes_after_inner = (pl.col("opens_1").fill_null(False) & ~pl.col("opens_2").fill_null(True)
                          & ~pl.col("opens_3").fill_null(True) & (pl.col("paragraph_3") == pl.col("paragraph")))
    # The next mark opens a later paragraph (a caption scraped in between may separate them: such
    # a quote counts only where an attribution introduces it, see quotes()).
    runs_on = (pl.col("opens_1").fill_null(False) & (pl.col("paragraph_1") > pl.col("paragraph")) & across_paragraphs)
    nested = pl.col("previous_opens").fill_null(False) & ~pl.col("opens_1").fill_null(True) \
        & ~pl.col("opens_2").fill_null(True) & (pl.col("paragraph_2") == pl.col("paragraph"))
    end = pl.when(closes_next).then(pl.col("end_1")).when(closes_after_inner).then(pl.col("end_3")) \
        .when(runs_on).then(pl.col("start") + 1 + pl.col("inner").str.extract(r"^([^\n]*)").str.len_chars())
    return (
        marks.filter(pl.col("opens") & ~nested)
        .select("doc_id", "start", end=end, closed=~runs_on, detached=runs_on & (pl.col("paragraph_1") - pl.col("paragraph") > 1))
        .filter(pl.col("end").is_not_null())
    )


def _cues(tokens: pl.DataFrame, paragraphs: np.ndarray, verbs: list[str]) -> pl.DataFrame:
    """Speech verbs (`verbs`: "said", "told", "according" before "to", "сказала", "словам" after
    "по") and colons, which introduce a quote like one: doc_id, paragraph and CUE_COLUMNS (where
    the verb stands, its sentence and clause; whether its subject is a description; where the
    subject right before it ends; the word after it and where that starts). Only in
    `paragraphs` (those around a quote): the rest are never read."""
    forms = verbs + [verb.capitalize() for verb in verbs]
    # Scraped text loses spaces: "declaredthat" is "declared that".
    glued = pl.col("token").str.ends_with("that") & pl.col("token").str.slice(0, pl.col("token").str.len_chars() - 4).is_in(forms)
    near = np.flatnonzero(np.isin(tokens["paragraph"].to_numpy(), paragraphs))
    found = tokens[near].select(verb=pl.col("token").is_in(forms) | glued, colon=pl.col("token") == COLON)
    rows = near[found["verb"].to_numpy()]
    verbs_found = (
        tokens[rows].with_columns(word=pl.col("token").str.to_lowercase().str.replace(r"that$", ""),
                                  next_word=neighbour(tokens, rows, "token", 1), object_start=neighbour(tokens, rows, "start", 1),
                                  described=_described_subject(tokens, rows),
                                  subject_end=_subject_end(tokens, rows),
                                  word_before=neighbour(tokens, rows, "token", -1, edge="").str.to_lowercase())
        .filter((pl.col("word") != "according") | (pl.col("next_word") == "to"))
        .filter(~pl.col("word").is_in(RUSSIAN_ACCORDING) | (pl.col("word_before") == "по"))
        # After "the" or "his" the word is a noun: "the states are", "his notes".
        .filter(~pl.col("word_before").is_in(DESCRIPTION_OPENERS))
        .with_columns(word=pl.when(pl.col("word").is_in(RUSSIAN_ACCORDING)).then("по " + pl.col("word")).otherwise("word"))
    )
    colons = tokens[near[found["colon"].to_numpy()]].with_columns(
        word=pl.col("token"), described=pl.lit(False), subject_end=pl.lit(None, pl.Int64),
        object_start=pl.lit(None, pl.Int64), next_word=pl.lit(None, pl.String))
    return pl.concat([verbs_found.select(colons.columns), colons]).select(
        "doc_id", "paragraph", "described", "subject_end", "object_start", verb="word", object_word="next_word",
        v_start="start", v_end="end", v_sentence="sentence", v_clause="clause")


def _described_subject(tokens: pl.DataFrame, rows: np.ndarray) -> pl.Series:
    """Whether the subject of each verb at `rows` is a common noun phrase that names no one
    ("her lawyers told", "critics called", "the report stated"): going back from the verb over
    lower-case words, an article or a possessive pronoun comes before any name (not one inside a
    complement: "Garland at one point asked"), or a bare noun stands right before the verb and
    no name owns it ("Cornyn's statement added" and "PC World's analysis of its traffic
    concluded" have a named subject)."""
    word = neighbour(tokens, rows, "token", -1, within=("doc_no", "sentence"), edge="")
    # After "and" the subject is the first clause's ("Cooper said ... and said it was "..."").
    described = (word.str.contains(r"^\p{Ll}+$") & ~word.str.ends_with("ly")
                 & ~word.is_in(BETWEEN_SUBJECT_AND_VERB + PERSON_PRONOUNS + DESCRIPTION_OPENERS + COORDINATORS))
    settled = pl.Series([False] * len(rows), dtype=pl.Boolean)
    for k in range(1, SUBJECT_REACH + 1):
        word_before = neighbour(tokens, rows, "token", -k - 1, within=("doc_no", "sentence"), edge="")
        opener = word.str.to_lowercase().is_in(DESCRIPTION_OPENERS) & ~word_before.is_in(PREPOSITIONS)
        name = word.str.contains(r"^\p{Lu}") & ~opener
        passed_over = word.str.contains(r"^\p{Ll}+$") | word.is_in(["'", "’"])
        described = pl.select(pl.when(settled).then(described).when(opener).then(True).when(name).then(False)
                              .otherwise(described)).to_series()
        settled = settled | opener | ~passed_over
        word = word_before
    return described


def _subject_end(tokens: pl.DataFrame, rows: np.ndarray) -> pl.Series:
    """Where the subject right before each verb at `rows` ends: the word before the verb, or the
    one before an adverb or auxiliary ("Wilkins also said", "Smith has told")."""
    word = neighbour(tokens, rows, "token", -1)
    between = word.is_in(BETWEEN_SUBJECT_AND_VERB) | word.str.contains(r"^\p{Ll}+ly$")
    return pl.select(pl.when(between).then(neighbour(tokens, rows, "end", -2))
                     .otherwise(neighbour(tokens, rows, "end", -1))).to_series()


def with_paragraphs(tokens: pl.DataFrame) -> pl.DataFrame:
    """`tokens` with `paragraph`: the number of line breaks before each token, and `clause`: the
    number of clause breaks (commas, colons, dashes, brackets) before it. Counted over the whole
    batch (no per-article window): they are only compared within an article."""
    return tokens.with_columns(paragraph=pl.col("chunk").str.contains("\n", literal=True).cast(pl.Int32).cum_sum(),
                               clause=pl.col("token").is_in(CLAUSE_BREAKS).cast(pl.Int32).cum_sum())


def _token_rows(tokens: pl.DataFrame, doc_nos: np.ndarray, positions: np.ndarray, edge: str) -> np.ndarray:
    """Row numbers of `tokens` (in article then text order) at character `positions` of articles
    `doc_nos`: with edge "first", the first token starting at or after the position; "last", the
    last one starting at or before it; "ending", the last one ending at or before it. A binary
    search over packed (article, offset) keys: no join over the whole token table."""
    column = "end" if edge == "ending" else "start"
    keys = (tokens["doc_no"].cast(pl.Int64) * 2**32 + tokens[column]).to_numpy()
    wanted = doc_nos.astype(np.int64) * 2**32 + positions
    return np.searchsorted(keys, wanted, side="left") if edge == "first" else np.searchsorted(keys, wanted, side="right") - 1


def _located(passages: pl.DataFrame, articles: pl.DataFrame, tokens: pl.DataFrame) -> pl.DataFrame:
    """Passages with the tokens around them: paragraph and sentence of the opening mark; `lead`,
    the token before it (a colon introducing the quote, or the end of a sentence) with its end,
    sentence and paragraph; `end_sentence`, the sentence of the last character (an attribution
    after the quote is in it); `follow`, the token after the closing mark, and `after_follow`,
    where the next one starts."""
    numbered = (passages.join(articles.select("doc_id", doc_no=pl.int_range(pl.len(), dtype=pl.Int64)), on="doc_id")
                .sort("doc_no", "start"))
    doc_nos, starts, ends = (numbered[c].to_numpy() for c in ("doc_no", "start", "end"))
    height = tokens.height
    same_article = tokens["doc_no"].to_numpy()

    def at(rows: np.ndarray, names: dict[str, str]) -> list[pl.Series]:
        inside = (rows >= 0) & (rows < height)
        clipped = np.clip(rows, 0, max(height - 1, 0))
        inside &= same_article[clipped] == doc_nos
        return [pl.select(pl.when(pl.Series(inside)).then(tokens[column].gather(clipped))).to_series().alias(name)
                for column, name in names.items()]

    return numbered.with_columns(
        *at(_token_rows(tokens, doc_nos, starts, "first"), {"paragraph": "paragraph", "sentence": "sentence"}),
        *at(_token_rows(tokens, doc_nos, starts, "ending"),
            {"token": "lead", "end": "lead_end", "sentence": "lead_sentence", "paragraph": "lead_paragraph"}),
        # A line of dialogue ends at its last word or at "!"; the attribution is in the sentence of
        # the comma or dash after it.
        *at(_token_rows(tokens, doc_nos, np.where(numbered["dialogue"].to_numpy(), ends + 1, ends - 1), "last"),
            {"sentence": "end_sentence"}),
        *at(_token_rows(tokens, doc_nos, ends, "first"), {"token": "follow"}),
        *at(_token_rows(tokens, doc_nos, ends, "first") + 1, {"start": "after_follow", "token": "after_follow_token"}),
    ).drop("doc_no")


def quotes(articles: pl.DataFrame, tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """One row per quotation: doc_id, start, end, quote, speech verb, speaker entity id (NULL when
    no attribution clause names one)."""
    tokens = with_paragraphs(tokens)
    located = _located(_passages(articles), articles, tokens)
    # The paragraphs an attribution may stand in: a quote's, the one before it and its lead's.
    paragraphs = np.unique(np.concatenate([located["paragraph"].drop_nulls().to_numpy() + shift for shift in (-1, 0)]
                                          + [located["lead_paragraph"].drop_nulls().to_numpy()]))
    russian = _russian(articles).height > 0
    russian_verbs = [verb for verb in russian_speech_verbs() if verb not in RUSSIAN_NEWS_SOURCES] + RUSSIAN_ACCORDING
    cues = _cues(tokens, paragraphs, speech_verbs() + (russian_verbs if russian else []))
    following = pl.col("start").shift(-1).over("doc_id")
    previous_end = pl.col("end").shift(1).over("doc_id")
    # `"... I don't know it." Mr Grossman said he did not trust it`: a quote closed by a full stop
    # ends its sentence, and the capitalised sentence after it is narration, not its attribution;
    # so is a bracket after a question (`"...?" (The judge called it "hypothetical.")`).
    ends_sentence = ((pl.col("quote").str.contains(r"\.\s*$") & pl.col("follow").str.contains(r"^\p{Lu}"))
                     | (pl.col("quote").str.contains(r"[.?!]\s*$") & pl.col("follow").is_in(["(", "["]))).fill_null(False)
    # `supported the idea "for months", and said it was ...`: a verb coordinated after the quote
    # has the first clause's subject, not the name after it.
    coordinated = (((pl.col("follow") == "and") | ((pl.col("follow") == ",") & (pl.col("after_follow_token") == "and")))
                   & (pl.col("v_start") - pl.col("end") <= len('", and '))).fill_null(False)
    after = (
        located.with_columns(next_quote=following).join(cues.filter(pl.col("verb") != COLON), on=["doc_id", "paragraph"])
        .filter((pl.col("v_start") >= pl.col("end")) & (pl.col("v_start") - pl.col("end") <= AFTER_REACH)
                & (pl.col("v_sentence") == pl.col("end_sentence")) & (pl.col("v_start") < pl.col("next_quote").fill_null(2**62))
                & ~ends_sentence & ~coordinated)
        .sort("v_start").group_by("doc_id", "start", maintain_order=True).first()
        .select("doc_id", "start", *CUE_COLUMNS, side=pl.lit("after"))
    )
    # The clause before the quote is in the quote's sentence (`said Smith. "..."` is the previous
    # quote's), or ends in a colon or comma right before it (`Rathbun stated,\n\n"..."`); a colon
    # counts only there.
    introduced = pl.col("lead").is_in([COLON, ","])
    before = (
        located.with_columns(previous_quote_end=previous_end)
        .join(cues.rename({"paragraph": "lead_paragraph"}), on=["doc_id", "lead_paragraph"])
        .filter((pl.col("v_end") <= pl.col("start")) & (pl.col("start") - pl.col("v_end") <= BEFORE_REACH)
                & (pl.col("v_start") >= pl.col("previous_quote_end").fill_null(-1))
                & ((pl.col("v_sentence") == pl.col("sentence")) | (introduced & (pl.col("v_sentence") == pl.col("lead_sentence"))))
                & ((pl.col("verb") != COLON) | (introduced & (pl.col("v_end") == pl.col("lead_end")))))
        .sort(pl.col("verb") == COLON, pl.col("v_start"), descending=[False, True])
        .group_by("doc_id", "start", maintain_order=True).first()
        .select("doc_id", "start", *CUE_COLUMNS, side=pl.lit("before"))
    )
    # The clause after the quote wins when it names a speaker; else the one before it (`called
    # Belarus "the closest ally," and promised "any support"`: "promised" names no one).
    attributed = pl.concat([after, before])
    nominal = _nominal_organisations(tokens, mentions)
    named_organisations = mentions.filter(pl.col("type") == "ORGANIZATION").select("doc_id", "entity_id", "start", "sentence")
    organisations = pl.concat([named_organisations, nominal.select("doc_id", "entity_id", "start", "sentence")])
    references = pl.concat([nominal, _organisation_pronouns(tokens, organisations)])
    names = _speaker_names(articles, tokens, paragraphs, mentions, references)
    speakers = _speakers(located.join(attributed, on=["doc_id", "start"]), names)
    chosen = (
        attributed.join(speakers, on=["doc_id", "start", "side"], how="left")
        .sort(pl.col("speaker_entity_id").is_null(), pl.col("side") != "after")
        .group_by("doc_id", "start", maintain_order=True).first()
        .select("doc_id", "start", "verb", "speaker_entity_id", "side")
    )
    # `"So far, it's the Internet: 1, Scientology: 0." - Matthew Ingram`: a byline after a dash;
    # with no person there, a cited title (`"Document found on street" — CBC.ca, August 15`).
    bylined = (
        located.filter(pl.col("follow").is_in(DASHES))
        .join(names.filter(pl.col("type") == "PERSON").select("doc_id", after_follow="m_start", byline="entity_id"),
              on=["doc_id", "after_follow"])
        .select("doc_id", "start", "byline").unique(["doc_id", "start"])
    )
    sourced = pl.col("follow").is_in(DASHES) & pl.col("after_follow_token").str.contains(r"^\p{Lu}").fill_null(False)
    resolved = (
        located.join(chosen, on=["doc_id", "start"], how="left").join(bylined, on=["doc_id", "start"], how="left")
        .with_columns(cited=sourced & pl.col("byline").is_null() & pl.col("verb").is_null(),
                      cued=pl.col("verb").is_not_null() | pl.col("byline").is_not_null(),
                      speaker_entity_id=pl.coalesce("speaker_entity_id", "byline"), verb=pl.col("verb").replace(COLON, None))
        .drop("byline")
        .sort("doc_id", "start")
        .pipe(_continuations, names)
        .pipe(_named_in_sentence_before, cues, names)
        .pipe(_interviewees, articles, mentions)
    )
    words = pl.col("quote").str.count_matches(WORD)
    # "I smacked them around." after the speaker's quote: a short sentence of speech, not a term.
    whole_sentence = pl.col("quote").str.contains(r"^\p{Lu}.*[.!?]$")
    title_case = pl.col("quote").str.contains(
        r"^\W*\p{Lu}[\w’'-]*(?:\W+(?:\p{Lu}[\w’'-]*|\d+|of|the|and|in|on|for|to|a|an|from|with|at|by))*\W*$")
    # A name or title in title case ("The Internet Explorer 6 Countdown"); a long one is speech
    # only with an attribution of its own.
    titled = title_case & ((words <= MAX_TITLE_WORDS) | ~pl.col("cued"))
    # Russian capitalises a name's first word alone, in «ёлочки» right after the word it names:
    # "газета «Труд»", "автора книги «Как понять законы физики»", "сообщает «Лента.ру»". Speech
    # stands after a colon, a comma or "что", or has its attribution after it.
    russian_name = (pl.col("lead").str.contains(r"^\p{Cyrillic}*\p{Ll}$") & (pl.col("lead") != "что")
                    & pl.col("quote").str.contains(r"^\W*[\p{Lu}\d]")
                    & ((pl.col("side") != "after").fill_null(True) | pl.col("lead").is_in(RUSSIAN_NEWS_SOURCES))).fill_null(False)
    verb_attributed = pl.col("verb").is_not_null()
    short_speech = verb_attributed | ((pl.col("cued") | whole_sentence) & pl.col("speaker_entity_id").is_not_null())
    speech = (~titled & ~russian_name & ~pl.col("cited") & (~pl.col("detached") | verb_attributed)
              & ((words >= MIN_UNATTRIBUTED_WORDS) | short_speech))
    return resolved.filter(speech).select("doc_id", "start", "end", "quote", speech_verb="verb",
                                         speaker_entity_id="speaker_entity_id")


def _nominal_organisations(tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """"the ministry", "the company": an organisation's head word after "the", as a mention of the
    latest organisation named before it whose name holds that word (in the mentions' columns)."""
    heads = sorted({head.lower() for head in word_list("org_heads")})
    rows = np.flatnonzero(tokens["token"].is_in(["the", "The"]).to_numpy())
    phrases = (
        tokens[rows].with_columns(head=neighbour(tokens, rows, "token", 1), end=neighbour(tokens, rows, "end", 1))
        .filter(pl.col("head").is_in(heads))
        .select("doc_id", "start", "sentence", "head", "end")
    )
    organisations = (mentions.filter(pl.col("type") == "ORGANIZATION")
                     .select("doc_id", "entity_id", o_start="start", words=pl.col("text").str.to_lowercase().str.extract_all(r"\w+")))
    return (
        phrases.join(organisations, on="doc_id")
        .filter((pl.col("o_start") < pl.col("start")) & pl.col("words").list.contains(pl.col("head")))
        .sort("o_start", descending=True).group_by("doc_id", "start", maintain_order=True).first()
        .select("doc_id", "entity_id", "start", "end", "sentence", type=pl.lit("ORGANIZATION"))
    )


def _organisation_pronouns(tokens: pl.DataFrame, organisations: pl.DataFrame) -> pl.DataFrame:
    """"it" right before or after a speech verb ("it added", "said it") as a mention of the
    latest organisation named before it, a few sentences back at most: agencies and ministries
    speak as "it"."""
    verbs = speech_verbs()
    rows = np.flatnonzero(tokens["token"].is_in(["it", "It"]).to_numpy())
    pronouns = (
        tokens[rows].with_columns(before=neighbour(tokens, rows, "token", -1), after=neighbour(tokens, rows, "token", 1))
        .filter(pl.col("before").is_in(verbs) | pl.col("after").is_in(verbs))
        .select("doc_id", "start", "end", "sentence").sort("doc_id", "start")
    )
    return (
        pronouns.join_asof(organisations.select("doc_id", "entity_id", o_start="start", o_sentence="sentence")
                           .sort("doc_id", "o_start"),
                           left_on="start", right_on="o_start", by="doc_id", strategy="backward", check_sortedness=False)
        .filter(pl.col("entity_id").is_not_null() & (pl.col("sentence") - pl.col("o_sentence") <= ORGANISATION_REACH))
        .select("doc_id", "entity_id", "start", "end", "sentence", type=pl.lit("ORGANIZATION"))
    )


def _interviewees(resolved: pl.DataFrame, articles: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """In an interview, a quote with no attribution and no speaker yet is the interviewee's: the
    one person the headline (the text's first line) names, where it says the article is an
    interview ("Biologist Nick Bos tells Wikinews about ants", "Frank Messina: An Interview with
    the 'Mets Poet'", "Interview with LibriVox founder Hugh McGuire")."""
    headline = pl.col("text").str.extract(r"^\s*([^\n]*)")
    interviews = articles.select("doc_id", headline_end=pl.col("text").str.find(r"\n").fill_null(pl.col("text").str.len_bytes()),
                                 interview=headline.str.contains(INTERVIEW_HEADLINE)).filter("interview")
    interviewee = (
        mentions.filter((pl.col("type") == "PERSON") & pl.col("is_name")).join(interviews, on="doc_id")
        .filter(pl.col("end") <= pl.col("headline_end"))
        .group_by("doc_id").agg(interviewee=pl.col("entity_id").first(), people=pl.col("entity_id").n_unique())
        .filter(pl.col("people") == 1).select("doc_id", "interviewee")
    )
    unattributed = pl.col("speaker_entity_id").is_null() & ~pl.col("cued")
    return (resolved.join(interviewee, on="doc_id", how="left")
            .with_columns(speaker_entity_id=pl.when(unattributed).then(pl.col("interviewee"))
                          .otherwise(pl.col("speaker_entity_id"))).drop("interviewee"))


def _speaker_names(articles: pl.DataFrame, tokens: pl.DataFrame, paragraphs: np.ndarray, mentions: pl.DataFrame,
                   organisation_references: pl.DataFrame) -> pl.DataFrame:
    """The mentions that may speak (people, organisations, "the ministry", "it"), each with the
    clause it stands in and whether it is in the possessive: doc_id, entity_id, type, possessive,
    m_start, m_end, m_sentence, m_clause. Only those in `paragraphs` (see _cues)."""
    columns = ["doc_id", "entity_id", "type", "start", "end", "sentence"]
    names = pl.concat([mentions.filter(pl.col("type").is_in(SPEAKER_TYPES)).select(columns), organisation_references.select(columns)])
    names = names.join(articles.select("doc_id", doc_no=pl.int_range(pl.len(), dtype=pl.Int64)), on="doc_id").sort("doc_no", "start")
    doc_nos = names["doc_no"].to_numpy()
    found = _token_rows(tokens, doc_nos, names["start"].to_numpy(), "first")
    near = np.isin(tokens["paragraph"].to_numpy()[np.clip(found, 0, max(tokens.height - 1, 0))], paragraphs)
    names, found = names.filter(pl.Series(near)), found[near]
    last_rows = _token_rows(tokens, names["doc_no"].to_numpy(), names["end"].to_numpy(), "ending")
    names = names.with_columns(clause=tokens["clause"].gather(np.clip(found, 0, max(tokens.height - 1, 0))))
    # "this Republican said", "one senior Ohio Republican told": a description, not a name; but
    # "a Microsoft spokesman said" names Microsoft.
    before, two_before = neighbour(tokens, found, "token", -1, edge=""), neighbour(tokens, found, "token", -2, edge="")
    titles = role_words()
    described = ((before.str.to_lowercase().is_in(DETERMINERS)
                  | (before.str.contains(r"^\p{Ll}+$") & two_before.str.to_lowercase().is_in(DETERMINERS)))
                 & ~neighbour(tokens, last_rows, "token", 1, edge="").is_in(titles))
    # "Civil Defense Authority director General Suleiman al-Amr said": the organisation heads the
    # title of a person (whose name the recogniser may have missed), and is not the speaker.
    # So does any name in the possessive: "Maxi Moving's Vice President, Ivan Cheptenari".
    following = pl.select(pl.concat_str([neighbour(tokens, last_rows, "token", k, within=("doc_no", "sentence"), edge="")
                                         for k in range(1, TITLE_REACH + 1)], separator=" ")).to_series()
    title = "|".join(re.escape(word) for word in titles)
    titled_name = rf"(?:(?:{title}) )+(?:, )?\p{{Lu}}\w"
    heads_a_title = (((names["type"] == "ORGANIZATION") & following.str.contains(f"^{titled_name}"))
                     | following.str.contains(f"^['’] s {titled_name}"))
    # "the Romney campaign": a person's name that modifies a noun.
    next_word = neighbour(tokens, last_rows, "token", 1, edge="")
    modifies = (names["type"] == "PERSON") & (before.str.to_lowercase() == "the") \
        & next_word.str.contains(r"^\p{Ll}") & ~next_word.is_in(speech_verbs())
    return (
        names.with_columns(described=described | heads_a_title | modifies, possessive=next_word.is_in(["'", "’"]))
        .filter(~pl.col("described"))
        .select("doc_id", "entity_id", "type", "possessive", m_start="start", m_end="end", m_sentence="sentence",
                m_clause="clause")
    )


def _speakers(attributed: pl.DataFrame, names: pl.DataFrame) -> pl.DataFrame:
    """(doc_id, start, side, speaker_entity_id) of quotes with an attribution verb: the person or
    organisation that is the verb's subject, a person before an organisation the clause also names
    ("CML director general Michael Coogan said"). After the quote: the first person between the
    quote and the verb (`," Khaled Al-Maeena, editor at large at the Saudi Gazette, said`), else
    the first organisation there, else a person in the verb's clause after it (`," said GOP
    fundraiser Ana Navarro`), else the name right after the verb (`," said the ministry`).
    Before it: the first person named in the verb's sentence before the verb (`Senior researcher
    Mu Li, of the University of NSW, said "`), else the nearest organisation there (`PC World's
    analysis concluded, "`); after "according to", the name that follows."""
    pairs = attributed.join(names, on="doc_id")
    after, before, according = pl.col("side") == "after", pl.col("side") == "before", pl.col("verb").is_in(ACCORDING)
    person = pl.col("type") == "PERSON"
    between_quote_and_verb = after & ~according & (pl.col("m_start") >= pl.col("end")) & (pl.col("m_end") <= pl.col("v_start"))
    # After "told" stands the listener (`," Majed al-Nour told Reuters`); after "one" or "a", a
    # description (`," wrote one user on Sina's Weibo`).
    after_verb = ((pl.col("m_start") >= pl.col("v_end")) & (pl.col("m_sentence") == pl.col("v_sentence")) & (after | according)
                  & ~pl.col("verb").is_in(LISTENER_VERBS)
                  & (~pl.col("object_word").str.to_lowercase().is_in(DESCRIPTION_OPENERS)
                     | (pl.col("m_start") == pl.col("object_start"))))
    near_verb = after_verb & (pl.col("m_start") - pl.col("v_end") <= NAME_REACH)
    in_verb_clause = after_verb & person & (pl.col("m_clause") == pl.col("v_clause")) \
        & (pl.col("m_start") - pl.col("v_end") <= CLAUSE_NAME_REACH)
    # The mention right before the verb ("with Boswell stating:", "the judge said", "it added").
    adjacent = pl.col("m_end") == pl.col("subject_end")
    # A name in the possessive is no colon's subject ("the plan centres on Lady Gaga's fans: "...").
    subject_before = (before & ~according & (~pl.col("described") | adjacent) & (pl.col("m_end") <= pl.col("v_start"))
                      & (pl.col("m_sentence") == pl.col("v_sentence")) & ~((pl.col("verb") == COLON) & pl.col("possessive")))
    # `Play, says Cleese, "allows ..."`: the subject after the verb, before the quote.
    # In Russian it may stand further in the verb's clause: `Как заявил министр обороны Виктор Хренин, «`.
    russian_clause = pl.col("verb").str.contains(r"^\p{Cyrillic}") & (pl.col("m_clause") == pl.col("v_clause")) \
        & (pl.col("m_start") >= pl.col("v_end")) & (pl.col("m_start") - pl.col("v_end") <= CLAUSE_NAME_REACH)
    inverted = before & person & ((pl.col("m_start") == pl.col("object_start")) | russian_clause) \
        & (pl.col("m_end") <= pl.col("start")) & ~pl.col("verb").is_in(OBJECT_VERBS)
    distance_after_verb = pl.col("m_start") - pl.col("v_end")
    ranked = pairs.with_columns(rank=pl.when(between_quote_and_verb & person).then(pl.col("m_start") - pl.col("end"))
                                .when(between_quote_and_verb).then(5_000 + pl.col("m_start") - pl.col("end"))
                                .when(in_verb_clause).then(10_000 + distance_after_verb)
                                .when(near_verb).then(15_000 + distance_after_verb)
                                .when(subject_before & person & adjacent).then(19_000)
                                .when(subject_before & person).then(20_000 + pl.col("m_start"))
                                .when(subject_before).then(2**40 - pl.col("m_end"))
                                .when(inverted).then(2**41 + distance_after_verb))
    return (
        ranked.filter(pl.col("rank").is_not_null())
        .sort("rank").group_by("doc_id", "start", "side", maintain_order=True).first()
        .select("doc_id", "start", "side", speaker_entity_id="entity_id")
    )


def _continuations(resolved: pl.DataFrame, names: pl.DataFrame) -> pl.DataFrame:
    """A quote with no attribution of its own takes the speaker of the quote it continues: the
    one before it in the same paragraph, or the one opening the paragraph after; not when the
    narration between them names another person (`Mann agreed, adding "..."` is not the previous
    speaker's). A paragraph of quotation left open takes the speaker named in the next paragraph
    of it."""
    # A quote inside a sentence of narration (`His friend shouted "Why?"`) is that sentence's,
    # unless the sentence is the previous quote's.
    opens_sentence = (pl.col("lead_sentence") != pl.col("sentence")).fill_null(True)
    same_sentence = pl.col("sentence") == pl.col("end_sentence").shift(1)
    continues = (~pl.col("cued") & (opens_sentence | same_sentence)
                 & (pl.col("paragraph") - pl.col("paragraph").shift(1)).is_between(0, 1))
    chains = resolved.with_columns(
        chain=(~continues.over("doc_id").fill_null(False)).cast(pl.Int32).cum_sum().over("doc_id"),
        previous_end=pl.col("end").shift(1).over("doc_id"))
    forward = chains.with_columns(continued=pl.col("speaker_entity_id").forward_fill().over("doc_id", "chain"))
    people = names.filter(pl.col("type") == "PERSON").select("doc_id", "m_start", person="entity_id").sort("doc_id", "m_start")
    other_person_between = (pl.col("m_start") >= pl.col("previous_end")) & (pl.col("person") != pl.col("continued"))
    checked = (
        forward.join_asof(people, left_on="start", right_on="m_start", by="doc_id", strategy="backward", check_sortedness=False)
        .with_columns(speaker_entity_id=pl.when(pl.col("speaker_entity_id").is_null() & other_person_between.fill_null(False))
                      .then(None).otherwise(pl.col("continued")))
        .drop("chain", "previous_end", "continued", "m_start", "person")
    )
    next_speaker = pl.col("speaker_entity_id").shift(-1).over("doc_id")
    opens_next_paragraph = (pl.col("paragraph").shift(-1).over("doc_id") - pl.col("paragraph")) == 1
    return checked.with_columns(speaker_entity_id=pl.when(
        pl.col("speaker_entity_id").is_null() & ~pl.col("closed") & opens_next_paragraph.fill_null(False))
        .then(next_speaker).otherwise(pl.col("speaker_entity_id")))


def _named_in_sentence_before(resolved: pl.DataFrame, cues: pl.DataFrame, names: pl.DataFrame) -> pl.DataFrame:
    """A quote with no attribution and no speaker yet: standing as a sentence of its own, it takes
    the subject of a speech verb in the sentence right before it in its paragraph, a name or "he"
    just before the verb (`Mr Kocher said he did not use it. "If someone steals my computer
    ..."`); inside a sentence, the first person that sentence names before it, not in the
    possessive (`Heald said although the two are known to cut yields, "nobody has looked at
    these together"`); after a question in its paragraph, the person the question is about."""
    opens_sentence = (pl.col("lead_sentence") != pl.col("sentence")).fill_null(True)
    unattributed = pl.col("speaker_entity_id").is_null() & ~pl.col("cued")
    alone = unattributed & opens_sentence
    verbs = cues.filter(pl.col("verb") != COLON).select("doc_id", "paragraph", "v_start", "subject_end",
                                                          sentence=pl.col("v_sentence") + 1)
    subjects = (
        resolved.filter(alone).select("doc_id", "start", "paragraph", "sentence")
        .join(verbs, on=["doc_id", "paragraph", "sentence"])
        .join(names.select("doc_id", subject_end="m_end", subject="entity_id"), on=["doc_id", "subject_end"])
        .sort("v_start").group_by("doc_id", "start").first()
        .select("doc_id", "start", "subject")
    )
    # Not a person named inside a quotation (`«отставка мэра Москвы Юрия Лужкова», «созыв форума»`).
    quoted = resolved.select("doc_id", q_start="start", q_end="end").sort("doc_id", "q_start")
    people = (names.filter((pl.col("type") == "PERSON") & ~pl.col("possessive"))
              .select("doc_id", "m_start", "m_end", "entity_id", sentence="m_sentence").sort("doc_id", "m_start")
              .join_asof(quoted, left_on="m_start", right_on="q_start", by="doc_id", strategy="backward",
                         check_sortedness=False)
              .filter(~(pl.col("q_end") > pl.col("m_start")).fill_null(False)).drop("q_start", "q_end"))
    # Not after a preposition: `Best Reminder: Lisa-Jo Baker with "Comparisons will kick you"`
    # cites a title.
    embedded = (
        resolved.filter(unattributed & ~opens_sentence & ~pl.col("lead").is_in(PREPOSITIONS))
        .select("doc_id", "start", "sentence")
        .join(people, on=["doc_id", "sentence"]).filter(pl.col("m_end") <= pl.col("start"))
        .sort("m_start").group_by("doc_id", "start").first()
        .select("doc_id", "start", subject="entity_id")
    )
    # `Why did she so badly want to attend? "It's Warhol. He is a legend."`: the answer to a
    # question about a person, in the question's paragraph, is that person's.
    answers = (
        resolved.filter(alone & (pl.col("lead") == "?") & (pl.col("lead_paragraph") == pl.col("paragraph")))
        .select("doc_id", "start", sentence="lead_sentence")
        .join(people, on=["doc_id", "sentence"])
        .sort("m_start").group_by("doc_id", "start").first()
        .select("doc_id", "start", subject="entity_id")
    )
    subjects = pl.concat([subjects, embedded, answers]).unique(["doc_id", "start"], keep="first", maintain_order=True)
    return (resolved.join(subjects, on=["doc_id", "start"], how="left")
            .with_columns(speaker_entity_id=pl.coalesce("speaker_entity_id", "subject")).drop("subject"))
