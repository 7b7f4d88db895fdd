"""Named mentions in Russian articles: Natasha's news recogniser (slovnet weights and navec
embeddings shipped in the `natasha` package, run on numpy, offline) finds people, organisations
and places; each name is put in its nominative form with pymorphy2's dictionary ("Андреем
Белоусовым" -> "Андрей Белоусов"), so that one person's inflected mentions merge; people and
places take keys in Latin letters ("Андрей Белоусов" -> "Andrei Belousov", "Минск" -> "Minsk"),
so that Russian and English coverage of one person or place share one entity."""

from __future__ import annotations

import re
from collections import namedtuple
from functools import cache, lru_cache

import polars as pl

from pipelines.extraction.entities import (MENTION_SCHEMA, org_key, organisation_aliases, organisation_name,
                                           with_gazetteer_places)
from pipelines.extraction.gazetteer import MIN_POPULATION_FOR_ONE_WORD_ALIAS, places, word_list
from pipelines.extraction.tokens import with_sentence
from pipelines.extraction.transliteration import latin

NATASHA_TYPES = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "LOCATION"}
# pymorphy2 grammemes of a person's name parts: first name, surname, patronymic.
NAME_PARTS = ("Name", "Surn", "Patr")
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
# Endings of Russian surnames by case (masculine, feminine), for surnames the dictionary does not
# know ("Хренина" -> "Хренин"): the nominative ending replaces the longest ending that matches.
# Endings of a name's words by gender and case (those of nouns ending in a consonant, of "-ов"/"-ин" and of
# adjectival surnames), for the words the dictionary does not know ("Хренина" -> "Хренин", "Фингеру" ->
# "Фингер", "Бесселю" -> "Бессель", "Долгорукому" -> "Долгорукий"): the nominative ending replaces the
# longest ending that matches. Feminine ones apply to "-ова"/"-ина"/"-ская" surnames only; other feminine
# names ("Киран Гиббс") do not decline.
SURNAME_ENDINGS = {
    ("masc", "gent"): [("ого", "ий"), ("а", ""), ("я", "ь")], ("masc", "accs"): [("ого", "ий"), ("а", ""), ("я", "ь")],
    ("masc", "datv"): [("ому", "ий"), ("у", ""), ("ю", "ь")],
    ("masc", "ablt"): [("ым", ""), ("им", "ий"), ("ом", ""), ("ем", "")], ("masc", "loct"): [("ом", "ий"), ("е", "")],
    ("femn", "gent"): [("ой", "ая"), ("ой", "а")], ("femn", "datv"): [("ой", "ая"), ("ой", "а")],
    ("femn", "ablt"): [("ой", "ая"), ("ой", "а")], ("femn", "loct"): [("ой", "ая"), ("ой", "а")],
    ("femn", "accs"): [("ую", "ая"), ("у", "а")],
}
SURNAME_STEMS = ("ов", "ев", "ёв", "ин", "ын", "ск", "цк")
CONSONANTS = "бвгджзклмнпрстфхцчшщ"
SPAN_SCHEMA = {"doc_id": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String, "type": pl.String}
OPENING_QUOTES = "«„“\""
# A company's legal form before its name ("ОАО «Газпром»", "ЗАО «Белтрансгаз»"): part of the
# mention as a reader names it, never of the name the company is shown and merged by.
LEGAL_FORM = re.compile(r"(?:ОАО|ЗАО|ООО|ПАО|НАО|АО|ОДО|ЧУП|УП|РУП|ФГУП|ГУП|МУП|АНО|НКО)[ \u00a0]+[«„“\"]?")
CLOSING_QUOTES = {"«": "»", "„": "“", "“": "”", '"': '"'}
# A word and the spaces after it at the end of a text (the word before a name).
WORD_BEFORE = re.compile(r"(\w+(?:-\w+)*)[ \u00a0]+$")
# The spaces and the word at the start of a text (the word after a name).
WORD_AFTER = re.compile(r"^[ \u00a0]+(\w+(?:-\w+)*)")
# A place's adjective and the noun after it ("японского МИДа", "Московские власти"): the place's
# institution when the noun is one (russian_place_institutions).
PLACE_ADJECTIVE_AND_NOUN = re.compile(r"\b(\w+(?:ск|цк)(?:ий|ого|ому|им|ом|ая|ой|ую|ое|ие|их|ими|ые|ых))[ \u00a0]+(\w+)")
# A capitalised Cyrillic word inside a sentence (not after a sentence's end) and not quoted (a ship or a
# module: «Колумбия», «Заря»), a place's name when the gazetteer knows it ("чемпионат Европы").
WORD_INSIDE_SENTENCE = re.compile(r"(?<![.!?…\n][ \u00a0])(?<![.!?…\n«„“\"])\b[А-ЯЁ][а-яё]{3,}\b")
# Where the recogniser ran one name into the next: a list ("Монако • Намибия", "Овечкин, Фёдоров"), a
# name and its original or abbreviation in brackets ("Джоэл Саймон (Joel Simon)"), a line break.
NAME_SEPARATOR = {"PER": r"\s*(?:[()•]|,\s)\s*", "LOC": r"\s*(?:[()•]|,\s)\s*", "ORG": r"\s*[()•]\s*"}


@cache
def _recogniser():
    """Natasha's news NER tagger, loaded once a process (about a second)."""
    from natasha import NewsEmbedding, NewsNERTagger

    return NewsNERTagger(NewsEmbedding())


@cache
def _dictionary():
    """pymorphy2's dictionary of Russian word forms (it comes with natasha). yargy's morph module,
    also a natasha dependency, first lets pymorphy2 0.9 read its units on Python 3.11, which it
    otherwise does only when the recogniser happens to be loaded first."""
    import pymorphy2
    import yargy.morph  # noqa: F401

    return pymorphy2.MorphAnalyzer()


@cache
def _parses(word: str) -> list:
    return _dictionary().parse(word)


# slovnet tokenises with razdel, which splits text into atoms (razdel's ATOM: a run of Cyrillic letters, of Latin
# letters, of digits, or one other character) and joins touching atoms by rules. A token never crosses
# whitespace, and a run of non-space characters that is one atom is one token: razdel is asked only about the
# other runs ("Москвы,", "«Газпром»", "2,5", "из-за"), once each. Its rules for a dash, an underscore, a point or
# a slash at a run's edge look at the type of the atom beyond the run ("5. 3": "5." and "3"; "5. В": "5" and
# "."), so such a run is tokenised between stand-ins of its neighbouring atoms: a digit, a mark, a letter.
WHITESPACE_FREE_RUN = re.compile(r"\S+")
ATOM_STAND_INS = {"INT": "0", "PUNCT": "!"}
# A token's bounds, all slovnet's bio_spans reads of a token.
TokenBounds = namedtuple("TokenBounds", "start stop")


@lru_cache(maxsize=4096)
def _atom_stand_in(character: str) -> str:
    from razdel.segmenters.tokenize import ATOM

    return ATOM_STAND_INS.get(ATOM.match(character).lastgroup, "я")


@lru_cache(maxsize=65536)
def _run_tokens(before: str, run: str, after: str) -> tuple[str, ...]:
    """razdel's tokens of a run of several atoms between the stand-ins of its neighbouring atoms ("" at a text's
    edge)."""
    from razdel import tokenize

    tokens = [token.text for token in tokenize(f"{before} {run} {after}")]
    return tuple(tokens[bool(before):len(tokens) - bool(after)])


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """razdel's tokens of `text` (start, end, token), as slovnet's tagger reads them."""
    from razdel.segmenters.tokenize import ATOM

    runs = [(match.start(), match.group()) for match in WHITESPACE_FREE_RUN.finditer(text)]
    tokens = []
    for index, (start, run) in enumerate(runs):
        if ATOM.fullmatch(run):
            tokens.append((start, start + len(run), run))
            continue
        before = _atom_stand_in(runs[index - 1][1][-1]) if index else ""
        after = _atom_stand_in(runs[index + 1][1][0]) if index + 1 < len(runs) else ""
        for token in _run_tokens(before, run, after):
            tokens.append((start, start + len(token), token))
            start += len(token)
    return tokens


@lru_cache(maxsize=131072)
def _word_encoding(word: str) -> tuple[int, int]:
    """The tagger's ids of a word and of its shape (capitalised Cyrillic, punctuation mark, number...)."""
    from slovnet.shape import word_shape

    encoder = _recogniser().infer.encoder
    return encoder.words_vocab.encode(word.lower()), encoder.shapes_vocab.encode(word_shape(word))


def _recognised(texts: list[str]) -> list[list]:
    """The recogniser's spans of each text, as NewsNERTagger.map gives them, from slovnet's encoder, model and
    decoder fed with tokens and word ids computed once per distinct run and word (a fifth less CPU on
    factRuEval's texts: razdel, the encoder's lookups and the tokens' offsets found again took a third of it).
    Texts without a token are not tagged (NewsNERTagger fails on a batch of them)."""
    from slovnet.bio import bio_spans
    from slovnet.chop import chop

    infer = _recogniser().infer
    tokens = [_tokens(text) for text in texts]
    tagged = [index for index, text_tokens in enumerate(tokens) if text_tokens]
    encodings = ([list(ids) for ids in zip(*(_word_encoding(word) for _, _, word in tokens[index]))]
                 for index in tagged)
    batches = (infer.encoder.input(batch) for batch in chop(encodings, infer.encoder.batch_size))
    spans = [[] for _ in texts]
    for index, text_tags in zip(tagged, infer.decoder(infer.process(batches))):
        spans[index] = list(bio_spans((TokenBounds(start, end) for start, end, _ in tokens[index]), text_tags))
    return spans


def natasha_spans(articles: pl.DataFrame) -> pl.DataFrame:
    """The recogniser's spans of each article: doc_id, start, end, text, type (PER, ORG, LOC)."""
    if articles.height == 0:
        return pl.DataFrame(schema=SPAN_SCHEMA)
    # The tagger pads each batch of texts to its longest: texts in order of length waste the least
    # (a third less CPU on factRuEval's texts, the same spans).
    by_length = articles.select("doc_id", "text").sort(pl.col("text").str.len_chars(), "doc_id")
    texts = by_length["text"].to_list()
    rows = [(doc_id, span.start, span.stop, text[span.start:span.stop], span.type)
            for doc_id, text, spans in zip(by_length["doc_id"], texts, _recognised(texts))
            for span in spans]
    return pl.DataFrame(rows, schema=SPAN_SCHEMA, orient="row").sort("doc_id", "start")


@cache
def _lemmas(name: str) -> frozenset[str]:
    return frozenset(word_list(name))


def _pieces(text: str, start: int, end: int, type_: str) -> list[tuple[int, int]]:
    """A recogniser's span cut where it ran names together (NAME_SEPARATOR; after a line break
    nothing is kept), each piece without the spaces and stray marks at its ends."""
    span = text[start:end].split("\n")[0]
    pieces, offset = [], start
    for part in re.split(f"({NAME_SEPARATOR[type_]})", span):
        stripped = part.strip(" \u00a0\t,;:•()")
        if stripped and not re.fullmatch(NAME_SEPARATOR[type_], part):
            first = offset + part.index(stripped)
            pieces.append((first, first + len(stripped)))
        offset += len(part)
    return pieces


def _nouns(word: str, lemmas: frozenset[str]) -> list:
    """`word`'s readings as a noun whose dictionary form is one of `lemmas`."""
    return [p for p in _parses(word) if p.tag.POS == "NOUN" and p.normal_form in lemmas]


def _agrees(word: str, nouns: list) -> bool:
    """Whether `word` (lower case, or capitalised as the first word of a name: "Российский фонд") reads
    as an adjective agreeing with one of `nouns` ("футбольного" with "клуба"); not a pronoun ("этого")."""
    return (word.islower() or word.istitle()) and any(
        a.tag.POS in ("ADJF", "PRTF") and "Apro" not in a.tag and a.tag.case == n.tag.case
        and a.tag.number == n.tag.number and (n.tag.number == "plur" or a.tag.gender == n.tag.gender)
        for a in _parses(word) for n in nouns)


def _apposed(name: str, nouns: list) -> bool:
    """Whether a place's name stands in apposition to its descriptor (`nouns`, read singular): in the
    same case ("реки Славянки", "городе Грозном") or kept in the nominative ("района Отрадное"),
    not an owner in the genitive ("улицы Лондона" aside, "район Дюссельдорфа", "регионов России")."""
    word = name.split()[0].strip(OPENING_QUOTES)
    cases = {(p.tag.case, p.tag.number) for p in _parses(word)}
    return (name[:1] in OPENING_QUOTES or ("nomn", "sing") in cases or not any(case for case, _ in cases)
            or any((n.tag.case, "sing") in cases for n in nouns if n.tag.number == "sing"))


def _descriptor(text: str, start: int, lemmas: frozenset[str], quoted: bool = True) -> tuple[int, list]:
    """(where the descriptor of the name at `start` begins, the descriptor's readings): nouns of `lemmas`
    right before it (and before its opening quote when `quoted`), each with the agreeing adjectives
    before it ("группы компаний", "московского отделения движения «"); (`start`, []) when none stands there."""
    before = text[max(0, start - 160):start]
    offset = start - len(before)
    if quoted and before.endswith(tuple(OPENING_QUOTES)):
        before = before[:-1]
    begin, descriptor = len(before), []
    while (match := WORD_BEFORE.search(before[:begin])) and (nouns := _nouns(match.group(1), lemmas)):
        begin, first = match.start(), not descriptor
        while (match := WORD_BEFORE.search(before[:begin])) and _agrees(match.group(1), nouns):
            # The adjective tells the noun's case and number ("бывшие республики": plural).
            begin, nouns = match.start(), [n for n in nouns if _agrees(match.group(1), [n])]
        descriptor = nouns if first else descriptor
    return (offset + begin, descriptor) if descriptor else (start, [])


def _genitive(word: str) -> bool:
    """Whether `word` can be a genitive ("Москвы", "США"): an owner named after its institution."""
    return any(p.tag.case == "gent" for p in _parses(word))


@cache
def _known_organisation(name: str) -> bool:
    """Whether a recogniser's place is an organisation the curated aliases know ("Европейского
    союза", "ЕС", "Кремля")."""
    return nominative_phrase(name).lower() in _organisation_aliases_lower()


@cache
def _organisation_aliases_lower() -> frozenset[str]:
    return frozenset(alias.lower() for alias in organisation_aliases())


def _common_abbreviation(name: str) -> bool:
    """Whether an all-capitals word is an abbreviation of a common noun the dictionary knows ("СМИ",
    mass media), no organisation's name."""
    parses = _parses(name) if name.isupper() and " " not in name else []
    return bool(parses) and all("Abbr" in p.tag and not {"Orgn", "Geox", "Name", "Surn"} & p.tag.grammemes
                                for p in parses)


def _institutions_of_place_adjectives(text: str) -> list[tuple[int, int, str, int]]:
    """A place's adjective and an institution noun agreeing with it ("японского МИДа", "российской
    сборной", "Лондонская полиция"): mentions of that place's institution."""
    lemmas = _lemmas("russian_place_institutions")
    return [(match.start(), match.end(), "ORG", match.start()) for match in PLACE_ADJECTIVE_AND_NOUN.finditer(text)
            if (nouns := _nouns(match.group(2), lemmas)) and _agrees(match.group(1), nouns)]


@cache
def _owning_organisation(name: str) -> bool:
    """Whether an organisation's name after a descriptor owns it rather than names it: a known
    organisation in the genitive ("Комиссия ЕС", "организации ООН", "комиссии Европейского союза"), which
    stays a mention of its own, unlike "компании Microsoft"."""
    return _known_organisation(name) or any("Orgn" in p.tag and p.tag.case == "gent" for p in _parses(name.split()[0]))


@cache
def _well_known_places() -> frozenset[str]:
    """The gazetteer's Cyrillic aliases of countries, continents and cities of at least
    MIN_POPULATION_FOR_ONE_WORD_ALIAS people: names the recogniser sometimes misses ("Европы")."""
    known = places().filter((pl.col("type") == "LOCATION") & pl.col("alias").str.contains(r"^[А-ЯЁ]")
                            & ((pl.col("population") == 0) | (pl.col("population") >= MIN_POPULATION_FOR_ONE_WORD_ALIAS)))
    return frozenset(known["alias"])


def _places_missed(text: str, mentions: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str, int]]:
    """Well-known places (`_well_known_places`) the recogniser left out, by a capitalised word inside
    a sentence and outside every mention ("чемпионом Европы")."""
    covered = [(start, end) for start, end, _, _ in mentions]
    return [(match.start(), match.end(), "LOC", match.start()) for match in WORD_INSIDE_SENTENCE.finditer(text)
            if not any(a < match.end() and match.start() < b for a, b in covered)
            and nominative_phrase(match.group()) in _well_known_places()]


def _article_spans(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str, int]]:
    """One article's spans as the product mentions them: (start, end, type, name start).

    - Names run together are cut apart (`_pieces`); a place the curated organisation aliases know
      is an organisation.
    - An organisation takes in its descriptor ("компании Microsoft", "газета «Ведомости"), a place
      its kind ("реки Славянки"); the name without them (from `name start`) keys the entity. A known
      organisation that owns the descriptor ("Комиссия ЕС") stays a mention of its own too, and the
      whole is keyed as one organisation.
    - An organisation followed by the place or the abbreviated organisation it belongs to, in the
      genitive, takes it in ("Министерство внутренних дел Пакистана", "Института этнологии РАН"),
      and a place's institution before it is an organisation ("мэрии Москвы"); the inner name stays
      a mention of its own; so is a place's adjective before an institution ("японского МИДа").
    - A well-known place the recogniser missed inside a sentence is a mention ("чемпионом Европы").
    - The closing quote after a quoted name is left out, as the opening one is in when a
      descriptor precedes it ("ОАО «Газпром"): one convention for every quoted organisation."""
    pieces = [(a, b, "ORG" if type_ == "LOC" and _known_organisation(text[a:b]) else type_)
              for start, end, type_ in spans for a, b in _pieces(text, start, end, type_)
              if not (type_ == "ORG" and _common_abbreviation(text[a:b]))]
    extended = []
    for start, end, type_ in pieces:
        if type_ == "ORG":
            begin = _descriptor(text, start, _lemmas("russian_org_descriptors"))[0]
            legal = LEGAL_FORM.match(text, start, end)
            name_start = legal.end() if legal and legal.end() < end else start
            owned = begin < start and _owning_organisation(text[name_start:end])
            extended.append((begin, end, type_, begin if owned else name_start))
            if owned:
                extended.append((name_start, end, type_, name_start))
        elif type_ == "LOC":
            begin, nouns = _descriptor(text, start, _lemmas("russian_place_descriptors"))
            extended.append((begin if nouns and _apposed(text[start:end], nouns) else start, end, type_, start))
        else:
            extended.append((start, end, type_, start))
    starts = {start: (end, type_) for start, end, type_, _ in extended}
    mentions = []
    for start, end, type_, name_start in extended:
        owner = WORD_AFTER.match(text[end:end + 80])
        owned = starts.get(end + owner.start(1)) if owner else None
        if type_ == "ORG" and owned and _genitive(owner.group(1)) and (
                owned[1] == "LOC" or (owned[1] == "ORG" and owner.group(1).isupper())):
            end = owned[0]
        mentions.append((start, end, type_, name_start))
    adjectival = _institutions_of_place_adjectives(text)
    mentions = [m for m in mentions if not any(a <= m[0] and m[1] <= b for a, b, _, _ in adjectival)] + adjectival
    inside_organisation = {(a, b) for s, e, t, _ in mentions if t == "ORG" for a, b, u, _ in mentions
                           if u == "LOC" and s <= a and b <= e}
    for start, end, type_, _ in list(mentions):
        if type_ == "LOC" and (start, end) not in inside_organisation and _genitive(text[start:end].split()[0]):
            institution = _descriptor(text, start, _lemmas("russian_place_institutions"), quoted=False)[0]
            if institution < start:
                mentions.append((institution, end, "ORG", institution))
    mentions += _places_missed(text, mentions)
    return [(start, end - (1 if text[end - 1:end] in CLOSING_QUOTES.values() and
                           any(q in text[start:end - 1] for q in OPENING_QUOTES) else 0), type_, name_start)
            for start, end, type_, name_start in mentions]


def product_spans(articles: pl.DataFrame) -> pl.DataFrame:
    """The recogniser's spans of each article refined as `_article_spans` says: doc_id, start, end,
    text, type (PER, ORG, LOC), core (the name without its descriptor)."""
    spans = natasha_spans(articles)
    by_doc = {doc_id: rows for (doc_id,), rows in spans.group_by("doc_id")}
    rows = [(doc_id, start, end, text[start:end], type_, text[name_start:end])
            for doc_id, text in articles.select("doc_id", "text").iter_rows() if doc_id in by_doc
            for start, end, type_, name_start in _article_spans(text, by_doc[doc_id].select("start", "end", "type").rows())]
    return pl.DataFrame(rows, schema=SPAN_SCHEMA | {"core": pl.String}, orient="row").unique(
        ["doc_id", "start", "end", "type"], keep="first", maintain_order=True)


def _with_case_of(word: str, normal: str) -> str:
    """`normal` (lower case) written with the capitals of `word`."""
    if word.isupper() and len(word) > 1:
        return normal.upper()
    capitals = len(word) - len(word.lstrip("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"))
    if capitals > 1:  # an abbreviation with a case ending ("МИДа" -> "МИД")
        return normal[:capitals].upper() + normal[capitals:]
    parts, written = normal.split("-"), word.split("-")
    if len(parts) == len(written):  # each part of a hyphenated name keeps its capital ("Лос-Анджелес")
        return "-".join(p[:1].upper() + p[1:] if w[:1].isupper() else p for p, w in zip(parts, written))
    return normal[:1].upper() + normal[1:] if word[:1].isupper() else normal


def _surname_by_endings(word: str, gender: str, case: str) -> str:
    """A name's word the dictionary does not know in its nominative form, from its ending and the
    case and gender of the words it agrees with (SURNAME_ENDINGS)."""
    lower = word.lower()
    for ending, nominative in SURNAME_ENDINGS.get((gender, case), []):
        stem = lower[: -len(ending)]
        fits = stem.endswith(SURNAME_STEMS) if gender == "femn" or nominative == "ая" else (
            len(stem) > 1 and stem[-1] in CONSONANTS and (ending != "ем" or stem[-1] in "жцчшщ"))
        if lower.endswith(ending) and fits:
            return _with_case_of(word, stem + (nominative or ""))
    return word


@cache
def nominative_person(name: str) -> str:
    """A person's name in the nominative: first name, patronymic and surname agree in case and
    gender, which a first name or patronymic the dictionary knows tells; surnames and foreign first
    names it does not know go by their endings (SURNAME_ENDINGS). The dictionary's guesses for
    unknown words are not taken: "Нисипяну" or "Киран" decline no more than "Шойгу"."""
    words = name.split()
    parses = [[p for p in _parses(word) if p.is_known and p.tag.number == "sing" and any(part in p.tag for part in NAME_PARTS)]
              for word in words]
    anchor = next((p[0] for p in parses if p and ("Name" in p[0].tag or "Patr" in p[0].tag)), None)
    if anchor is None:
        anchor = next((p[0] for p in parses if p), None)
    case = anchor.tag.case if anchor else None
    gender = anchor.tag.gender if anchor and anchor.tag.gender in ("masc", "femn") else None
    normal = []
    for word, options in zip(words, parses):
        agreeing = [p for p in options if p.tag.case == case and (gender is None or p.tag.gender == gender or "ms-f" in p.tag)]
        if agreeing:
            form = agreeing[0].inflect({"nomn"} | ({gender} if gender and "ms-f" not in agreeing[0].tag else set()))
            normal.append(_with_case_of(word, form.word if form else agreeing[0].normal_form))
        elif case not in (None, "nomn") and gender and not options and word[:1].isupper():
            normal.append(_surname_by_endings(word, gender, case))
        else:
            normal.append(word)
    return " ".join(normal)


@cache
def nominative_phrase(phrase: str) -> str:
    """A place's or an organisation's name in the nominative: its opening words that agree with
    its first noun take the nominative, the words after that noun stay as they are ("Министерства
    обороны России" -> "Министерство обороны России", "Нижегородской области" -> "Нижегородская
    область")."""
    words = phrase.split(" ")
    first = [p for p in _parses(words[0]) if p.tag.case]
    if not first or words[0][:1] in OPENING_QUOTES or words[0].isupper():
        return phrase
    # The first noun's reading that the opening words agree with tells the case: "Русской службе" is a
    # dative, "Большой театр" a nominative.
    def common_nouns(word: str) -> list:
        return [p for p in _parses(word) if p.tag.POS == "NOUN" and not any(part in p.tag for part in NAME_PARTS)]

    noun_word = next((word for word in words if common_nouns(word)), words[0])
    noun_readings = {(p.tag.case, p.tag.number) for p in common_nouns(noun_word)}
    shared = [p for p in first if (p.tag.case, p.tag.number) in noun_readings] or first
    readings = {(p.tag.case, p.tag.number) for p in shared}
    # Already in the nominative (a foreign name the dictionary guesses at: "Атлантис", "Индевор").
    if ("nomn", "sing") in readings or (("nomn", "plur") in readings and not any(n == "sing" for _, n in readings)):
        return phrase
    head = next((p for p in shared if "Geox" in p.tag or "Orgn" in p.tag), shared[0])
    case, number = head.tag.case, head.tag.number
    # The adjectives take the gender of the noun they agree with ("Европейского союза" -> "Европейский").
    noun = next((p for word in words for p in common_nouns(word) if p.tag.case == case and p.tag.number == number), None)
    normal = []
    for index, word in enumerate(words):
        agreeing = sorted((p for p in _parses(word) if p.tag.case == case and p.tag.number == number
                           and p.tag.POS in ("NOUN", "ADJF", "PRTF")),
                          key=lambda p: (word != noun_word and p.tag.POS == "NOUN",
                                         bool(noun and p.tag.POS != "NOUN" and p.tag.gender != noun.tag.gender)))
        if not agreeing:
            normal.extend(words[index:])
            break
        form = agreeing[0].inflect({"nomn"})
        normal.append(_with_case_of(word, form.word) if form else word)
        if agreeing[0].tag.POS == "NOUN":
            normal.extend(words[index + 1:])
            break
    return " ".join(normal)


@cache
def _given_names() -> dict[str, str]:
    """Russian first names as English-language news writes them ("Александр" -> "Alexander")."""
    return dict(line.split("|") for line in word_list("russian_given_names"))


def person_key(normal: pl.Expr) -> pl.Expr:
    """The merge key of a person named in Russian: first name (in its usual English spelling) and
    surname in Latin letters, without the patronymic ("Александр Григорьевич Лукашенко" ->
    "Alexander Lukashenko"), as the English side keys "Alexander Lukashenko"."""
    words = normal.str.split(" ")
    # A patronymic stands between the first name and the surname: a last word in "-ович" is a surname ("Янукович").
    patronymic = pl.element().str.contains(r"(?:ович|евич|ьич|овна|евна|ична|инична)$")
    position = pl.int_range(pl.len())
    kept = words.list.eval(pl.element().filter(~patronymic | (position == 0) | (position == pl.len() - 1)))
    given = kept.list.first().replace_strict(_given_names(), default=None)
    several = kept.list.len() > 1
    first = pl.when(several).then(pl.coalesce(given, latin(kept.list.first())))
    rest = pl.when(several).then(latin(kept.list.slice(1).list.join(" "))).otherwise(latin(kept.list.first()))
    return pl.concat_str(first, rest, separator=" ", ignore_nulls=True)


def _nominative_forms(text: str, core: str, type_: str) -> tuple[str, str]:
    """(the mention's nominative form, its name's without the descriptor): "газете «Труд" ->
    ("газета «Труд»", "Труд"), "реки Славянки" -> ("река Славянка", "Славянка"). A quoted name stays
    as written, and its closing quote comes back; a legal form goes ("ОАО «Газпром" -> "Газпром")."""
    if type_ == "PERSON":
        return nominative_person(text), nominative_person(text)
    descriptor = text[:len(text) - len(core)]
    quote = descriptor[-1:] if descriptor.endswith(tuple(OPENING_QUOTES)) else ""
    core_normal = core if quote or core[:1] in OPENING_QUOTES else nominative_phrase(core)
    if LEGAL_FORM.fullmatch(descriptor):
        return core_normal, core_normal
    head = descriptor.rstrip(" \u00a0" + OPENING_QUOTES)
    normal = (nominative_phrase(head) + descriptor[len(head):] if head else descriptor) + core_normal
    return normal + _closing_quote(normal), core_normal


def _closing_quote(name: str) -> str:
    """The quote that closes the last one `name` opens and leaves open ("газета «Труд" -> "»"), else ""."""
    if name.count('"') % 2:
        return '"'
    position, quote = max((name.rfind(q), q) for q in "«„“")
    return CLOSING_QUOTES[quote] if position >= 0 and CLOSING_QUOTES[quote] not in name[position + 1:] else ""


def _org_key(normal: pl.Expr) -> pl.Expr:
    """An organisation's key from its nominative name: its words lower-cased and sorted, as the
    English side keys organisations."""
    return normal.str.to_lowercase().str.extract_all(r"\p{L}+").list.sort().list.join(" ")


def _undeclined_names(people: pl.DataFrame) -> pl.DataFrame:
    """doc_id, normal, declined_key: full names the dictionary could not put in the nominative
    ("Бастиана Швайнштайгера", a word of it unknown) that spell, word for word with case endings
    (one to three letters), another full name of the same article ("Бастиан Швайнштайгер"), and
    that person's key. Known names are left to the dictionary ("Александра Петрова" may be his wife)."""
    rows = []
    for (doc_id,), names in people.select("doc_id", "normal", "person").unique().group_by("doc_id"):
        full = [(normal.split(), key) for normal, key in names.select("normal", "person").iter_rows() if " " in normal]
        for words, _ in full:
            if all(_known_name_word(word) for word in words):
                continue
            bases = {key for base, key in full if len(base) == len(words) and base != words and all(
                word.startswith(stem) and len(word) - len(stem) <= 3 for word, stem in zip(words, base))}
            if len(bases) == 1:
                rows.append((doc_id, " ".join(words), bases.pop()))
    return pl.DataFrame(rows, schema={"doc_id": pl.String, "normal": pl.String, "declined_key": pl.String}, orient="row")


def _known_name_word(word: str) -> bool:
    return any(p.is_known and any(part in p.tag for part in NAME_PARTS) for p in _parses(word))


def russian_mentions(articles: pl.DataFrame, tokens: pl.DataFrame) -> pl.DataFrame:
    """Mentions by name in Russian `articles` (doc_id, text), typed PERSON, ORGANIZATION or
    LOCATION, with merge keys and places' countries, in MENTION_SCHEMA plus `normal` (the
    nominative form; an organisation's without its descriptor). A person named by surname alone takes the key of the person of the article
    whose full name ends in that surname."""
    spans = product_spans(articles)
    if spans.height == 0:
        return pl.DataFrame(schema=MENTION_SCHEMA | {"normal": pl.String})
    spans = spans.with_columns(type=pl.col("type").replace_strict(NATASHA_TYPES))
    is_person = pl.col("type") == "PERSON"
    names = spans.select("text", "core", "type").unique()
    forms = [_nominative_forms(text, core, type_) for text, core, type_ in names.iter_rows()]
    names = names.with_columns(normal=pl.Series([f[0] for f in forms], dtype=pl.String),
                               core_normal=pl.Series([f[1] for f in forms], dtype=pl.String))
    spans = spans.join(names, on=["text", "core", "type"], how="left")
    # An all-capitals dateline place ("МИНСК") is looked up as "Минск".
    lookup = pl.when(pl.col("core_normal").str.contains(r"^\p{Lu}{4,}$")) \
        .then(pl.col("core_normal").str.to_titlecase()).otherwise(pl.col("core_normal"))
    placed = with_gazetteer_places(spans.with_columns(text=lookup, surface=pl.col("text"))).with_columns(
        text=pl.col("surface"))
    # A person's full key, for the mentions of their surname alone in the same article.
    keyed = placed.with_columns(person=pl.when(is_person).then(person_key(pl.col("normal"))))
    keyed = (keyed.join(_undeclined_names(keyed.filter(is_person)), on=["doc_id", "normal"], how="left")
             .with_columns(person=pl.when(is_person).then(pl.coalesce("declined_key", "person"))).drop("declined_key"))
    surnames = (keyed.filter(is_person & pl.col("person").str.contains(" "))
                .select("doc_id", surname=pl.col("person").str.extract(r"(\S+)$"),
                        written=pl.col("normal").str.extract(r"(\S+)$").str.replace(r"(?:[иыо]й|ая|[аяь])$", ""),
                        full=pl.col("person"))
                .unique(["doc_id", "surname"], keep="first").filter(pl.len().over("doc_id", "surname") == 1))
    keyed = keyed.join(surnames.drop("written"), left_on=["doc_id", "person"], right_on=["doc_id", "surname"], how="left")
    # A surname alone that the dictionary cannot put in the nominative ("Рейсманом", "Ратманским") is the
    # article's person whose surname's stem it starts with, when one alone fits.
    inflected = (keyed.filter(is_person & pl.col("full").is_null() & ~pl.col("text").str.contains(" "))
                 .select("doc_id", "start", "text").unique().join(surnames, on="doc_id")
                 .filter(pl.col("text").str.starts_with(pl.col("written"))
                         & (pl.col("text").str.len_chars() - pl.col("written").str.len_chars() <= 3))
                 .filter(pl.len().over("doc_id", "start") == 1).select("doc_id", "start", inflected="full"))
    keyed = keyed.join(inflected, on=["doc_id", "start"], how="left").with_columns(full=pl.coalesce("full", "inflected"))
    is_place = pl.col("type") == "LOCATION"
    mentions = keyed.with_columns(
        key=pl.when(is_person).then(pl.coalesce("full", "person"))
        .when(is_place).then(pl.coalesce("place_name", latin(pl.col("core_normal"))))
        .otherwise(pl.coalesce(org_key(organisation_name(pl.col("core_normal"))), _org_key(pl.col("core_normal")))),
        country=pl.when(is_place).then(pl.col("place_country")),
        # An organisation is called by its name, as English coverage calls it: "Google", not the
        # "Корпорация Google" of the mention, whose descriptor stays in the span and the aliases.
        normal=pl.when(pl.col("type") == "ORGANIZATION").then(pl.col("core_normal")).otherwise(pl.col("normal")),
    )
    return with_sentence(mentions, tokens).select(*MENTION_SCHEMA, "normal").sort("doc_id", "start")
