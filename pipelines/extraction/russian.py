"""Named mentions in Russian articles: Natasha's news recogniser (slovnet weights and navec
embeddings shipped in the `natasha` package, run on numpy, offline) finds people, organisations
and places; each name is put in its nominative form with pymorphy2's dictionary ("Андреем
Белоусовым" -> "Андрей Белоусов"), so that one person's inflected mentions merge; people and
places take keys in Latin letters ("Андрей Белоусов" -> "Andrei Belousov", "Минск" -> "Minsk"),
so that Russian and English coverage of one person or place share one entity."""

from __future__ import annotations

from functools import cache

import polars as pl

from pipelines.extraction.entities import MENTION_SCHEMA, org_key, organisation_name, with_gazetteer_places
from pipelines.extraction.gazetteer import word_list
from pipelines.extraction.tokens import with_sentence
from pipelines.extraction.transliteration import latin

NATASHA_TYPES = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "LOCATION"}
# pymorphy2 grammemes of a person's name parts: first name, surname, patronymic.
NAME_PARTS = ("Name", "Surn", "Patr")
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
# Endings of Russian surnames by case (masculine, feminine), for surnames the dictionary does not
# know ("Хренина" -> "Хренин"): the nominative ending replaces the longest ending that matches.
SURNAME_ENDINGS = {
    "masc": [("ого", "ий"), ("ому", "ий"), ("им", "ий"), ("ом", "ий"), ("ым", ""), ("а", ""), ("у", ""), ("е", "")],
    "femn": [("ой", "ая"), ("ую", "ая"), ("ой", "а"), ("у", "а")],
}
SURNAME_STEMS = ("ов", "ев", "ёв", "ин", "ын", "ск", "цк")
@cache
def _recogniser():
    """Natasha's news NER tagger, loaded once a process (about a second)."""
    from natasha import NewsEmbedding, NewsNERTagger

    return NewsNERTagger(NewsEmbedding())


@cache
def _dictionary():
    """pymorphy2's dictionary of Russian word forms (it comes with natasha)."""
    import pymorphy2

    return pymorphy2.MorphAnalyzer()


@cache
def _parses(word: str) -> list:
    return _dictionary().parse(word)


def natasha_spans(articles: pl.DataFrame) -> pl.DataFrame:
    """The recogniser's spans of each article: doc_id, start, end, text, type (PER, ORG, LOC)."""
    if articles.height == 0:
        return pl.DataFrame(schema={"doc_id": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String,
                                    "type": pl.String})
    tagger = _recogniser()
    rows = [(doc_id, span.start, span.stop, text[span.start:span.stop], span.type)
            for doc_id, text, markup in zip(articles["doc_id"], articles["text"], tagger.map(articles["text"].to_list()))
            for span in markup.spans]
    return pl.DataFrame(rows, schema={"doc_id": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String,
                                      "type": pl.String}, orient="row")


def _with_case_of(word: str, normal: str) -> str:
    """`normal` (lower case) written with the capitals of `word`."""
    if word.isupper() and len(word) > 1:
        return normal.upper()
    return normal[:1].upper() + normal[1:] if word[:1].isupper() else normal


def _surname_by_endings(word: str, gender: str) -> str:
    """An unknown surname in its nominative form, from its ending ("Хренина" -> "Хренин")."""
    lower = word.lower()
    for ending, nominative in SURNAME_ENDINGS[gender]:
        stem = lower[: -len(ending)]
        if lower.endswith(ending) and stem.endswith(SURNAME_STEMS):
            return _with_case_of(word, stem + nominative)
    return word


@cache
def nominative_person(name: str) -> str:
    """A person's name in the nominative: first name, patronymic and surname agree in case and
    gender, which a first name or patronymic the dictionary knows tells; unknown surnames go by
    their endings."""
    words = name.split()
    parses = [[p for p in _parses(word) if any(part in p.tag for part in NAME_PARTS)] for word in words]
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
        elif case not in (None, "nomn") and gender:
            normal.append(_surname_by_endings(word, gender))
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
    if not first or words[0][:1] in "«\"":
        return phrase
    head = next((p for p in first if "Geox" in p.tag or "Orgn" in p.tag), first[0])
    case, number = head.tag.case, head.tag.number
    if case == "nomn":
        return phrase
    normal = []
    for index, word in enumerate(words):
        agreeing = [p for p in _parses(word) if p.tag.case == case and p.tag.number == number
                    and p.tag.POS in ("NOUN", "ADJF", "PRTF")]
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
    patronymic = pl.element().str.contains(r"(?:ович|евич|ьич|овна|евна|ична|инична)$")
    kept = words.list.eval(pl.element().filter(~patronymic | (pl.int_range(pl.len()) == 0)))
    given = kept.list.first().replace_strict(_given_names(), default=None)
    several = kept.list.len() > 1
    first = pl.when(several).then(pl.coalesce(given, latin(kept.list.first())))
    rest = pl.when(several).then(latin(kept.list.slice(1).list.join(" "))).otherwise(latin(kept.list.first()))
    return pl.concat_str(first, rest, separator=" ", ignore_nulls=True)


def _org_key(normal: pl.Expr) -> pl.Expr:
    """An organisation's key from its nominative name: its words lower-cased and sorted, as the
    English side keys organisations."""
    return normal.str.to_lowercase().str.extract_all(r"\p{L}+").list.sort().list.join(" ")


def russian_mentions(articles: pl.DataFrame, tokens: pl.DataFrame) -> pl.DataFrame:
    """Mentions by name in Russian `articles` (doc_id, text), typed PERSON, ORGANIZATION or
    LOCATION, with merge keys and places' countries, in MENTION_SCHEMA plus `normal` (the
    nominative form). A person named by surname alone takes the key of the person of the article
    whose full name ends in that surname."""
    spans = natasha_spans(articles)
    if spans.height == 0:
        return pl.DataFrame(schema=MENTION_SCHEMA | {"normal": pl.String})
    spans = spans.with_columns(type=pl.col("type").replace_strict(NATASHA_TYPES))
    is_person = pl.col("type") == "PERSON"
    names = spans.select("text", "type").unique()
    names = names.with_columns(normal=pl.Series([
        nominative_person(text) if type_ == "PERSON" else nominative_phrase(text) for text, type_ in names.iter_rows()],
        dtype=pl.String))
    spans = spans.join(names, on=["text", "type"], how="left")
    # An all-capitals dateline place ("МИНСК") is looked up as "Минск".
    lookup = pl.when(pl.col("normal").str.contains(r"^\p{Lu}{4,}$")).then(pl.col("normal").str.to_titlecase()) \
        .otherwise(pl.col("normal"))
    placed = with_gazetteer_places(spans.with_columns(text=lookup, surface=pl.col("text"))).with_columns(
        text=pl.col("surface"))
    # A person's full key, for the mentions of their surname alone in the same article.
    keyed = placed.with_columns(person=pl.when(is_person).then(person_key(pl.col("normal"))))
    surnames = (keyed.filter(is_person & pl.col("person").str.contains(" "))
                .select("doc_id", surname=pl.col("person").str.extract(r"(\S+)$"), full=pl.col("person"))
                .unique(["doc_id", "surname"], keep="first").filter(pl.len().over("doc_id", "surname") == 1))
    keyed = keyed.join(surnames, left_on=["doc_id", "person"], right_on=["doc_id", "surname"], how="left")
    is_place = pl.col("type") == "LOCATION"
    mentions = keyed.with_columns(
        key=pl.when(is_person).then(pl.coalesce("full", "person"))
        .when(is_place).then(pl.coalesce("place_name", latin(pl.col("normal"))))
        .otherwise(pl.coalesce(org_key(organisation_name(pl.col("normal"))), _org_key(pl.col("normal")))),
        country=pl.when(is_place).then(pl.col("place_country")),
    )
    return with_sentence(mentions, tokens).select(*MENTION_SCHEMA, "normal").sort("doc_id", "start")
