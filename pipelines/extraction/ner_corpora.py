"""Readers of the entity-annotated corpora in ../shared/corpora (ner-train, ner-dev), all to one
shape: documents (doc_id, text) and gold spans (doc_id, start, end, type) with character offsets
into the text and types PER, ORG, LOC and MISC (other names: nationalities, events, works).

Token-only corpora are rebuilt as text (tokens joined by spaces, one sentence a line), so the
recogniser trains and is scored on the product's own tokenisation of real text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from pipelines.extraction.gazetteer import places, word_list

REPO = Path(__file__).resolve().parents[2]
# The shared data folder beside the repository, where training scripts read their corpora.
DEFAULT_SHARED = REPO.parent / "shared"
# The labelled corpora of ner-train the recogniser learns from (relative to DEFAULT_SHARED).
NER_TRAIN_CORPORA = (
    "corpora/ner-train/gum",
    "corpora/ner-train/uner/uner-en_ewt-ud-dev.iob2",
    "corpora/ner-train/wikigold/wikigold.conll.txt",
    *(f"corpora/ner-train/btc/btc-{section}.conll" for section in "abefgh"),
)

SPAN_TYPES = ("PER", "ORG", "LOC", "MISC")
_IOB_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "OTH": "MISC", "MISC": "MISC"}
_RE3D_TYPES = {"Person": "PER", "Organisation": "ORG", "Location": "LOC", "Nationality": "MISC"}
_GUM_TYPES = {"person": "PER", "organization": "ORG", "place": "LOC"}
# re3d also tags pronouns and nominals ("he", "rebels"); they are not names.
_PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "his", "her", "their", "its", "them", "him", "who"}
# Titles of rulers and clergy that some corpora keep inside a person's name.
_EXTRA_TITLES = frozenset({"Emperor", "Empress", "Pope", "Tsar", "Czar", "Sultan", "Sheikh", "Saint", "St", "Father",
                           "Brother", "Sister", "Bishop", "Archbishop", "Cardinal", "Rabbi", "Imam", "Judge", "Justice",
                           "Professor", "Coach", "Senator", "Rep", "Gov", "Sen", "Pres", "Supt", "Insp"})
# Lower-case words inside people's names ("Ludwig van Beethoven", "Abu Bakr al-Baghdadi").
_PARTICLES = frozenset({"van", "von", "de", "da", "di", "del", "della", "der", "den", "du", "le", "la", "al", "bin", "ibn",
                        "ben", "el", "y", "dos", "das", "ter", "ten", "zu"})
_NAME_CONNECTORS = {"of", "the", "de", "&"}
_GUM_ENTITY = re.compile(r"\((\d+)-([^()]*)(\))?|(\d+)\)")


@dataclass
class Corpus:
    """Documents and their gold name spans, built up one document at a time."""
    normalise: bool = True
    doc_ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    spans: list[tuple[str, int, int, str]] = field(default_factory=list)

    def add(self, doc_id: str, text: str, spans: list[tuple[int, int, str]]) -> None:
        self.doc_ids.append(doc_id)
        self.texts.append(text)
        if self.normalise:
            spans = [_normalised(text, *span) for span in spans]
        self.spans.extend((doc_id, start, end, type_) for start, end, type_ in _outermost(spans) if end > start)

    def frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        documents = pl.DataFrame({"doc_id": self.doc_ids, "text": self.texts})
        spans = pl.DataFrame(self.spans, schema={"doc_id": pl.String, "start": pl.Int64, "end": pl.Int64,
                                                 "type": pl.String}, orient="row")
        return documents, spans


def _normalised(text: str, start: int, end: int, type_: str) -> tuple[int, int, str]:
    """One convention for every corpus, the one the product follows: a name starts at a
    capitalised word and ends with one ("the United States" is "United States", "Iraqi
    security forces" is no name); a person's name holds no title,
    honorific or description ("Foreign Secretary Boris Johnson" is "Boris Johnson", "Dr.
    Guruswamy" is "Guruswamy") and no common word ("A Foreign Office spokesman" is no name).
    An empty span (start == end) is dropped."""
    words = [(m.start(), m.group()) for m in re.finditer(r"[\w’'-]+\.?|[^\w\s]", text[start:end])]
    if type_ == "PER":
        titles = [i for i, (_, word) in enumerate(words) if word.rstrip(".") in _title_words()]
        if titles:
            words = words[titles[-1] + 1:]
    while words and (words[0][1][:1].islower() or not words[0][1][:1].isalnum()):
        words = words[1:]
    if not words or (type_ == "PER" and any(w[:1].islower() and w not in _PARTICLES for _, w in words)):
        return start, start, type_
    if words[-1][1][:1].islower():
        return start, start, type_  # a description, not a name ("Iraqi security forces")
    return start + words[0][0], end, type_


@cache
def _title_words() -> frozenset[str]:
    return (word_list("titles") | word_list("honorifics") | _EXTRA_TITLES
            | frozenset(places().filter(pl.col("type") == "NATIONALITY")["alias"]))


def _outermost(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Flat annotation: a span inside or overlapping an earlier, longer one is dropped."""
    kept: list[tuple[int, int, str]] = []
    for start, end, type_ in sorted(spans, key=lambda s: (s[0], -s[1])):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, type_))
    return kept


def _place_sentence(tokens: list[str], text: str | None) -> tuple[str, list[tuple[int, int]]]:
    """Character offsets of `tokens` in `text` (found in order), or the tokens joined by spaces
    where the text does not hold them verbatim."""
    if text is not None:
        offsets, position = [], 0
        for token in tokens:
            found = text.find(token, position)
            if found < 0:
                break
            offsets.append((found, found + len(token)))
            position = found + len(token)
        else:
            return text, offsets
    offsets, position = [], 0
    for token in tokens:
        offsets.append((position, position + len(token)))
        position += len(token) + 1
    return " ".join(tokens), offsets


class _DocumentBuilder:
    """Sentences of one document appended as lines, with token labels turned into spans."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.length = 0
        self.spans: list[tuple[int, int, str]] = []

    def sentence(self, tokens: list[str], tags: list[str], text: str | None = None, iob1: bool = False) -> None:
        line, offsets = _place_sentence(tokens, text)
        base = self.length
        open_span: list | None = None
        previous_type = None
        for (start, end), tag in zip(offsets, tags):
            prefix, _, name = tag.partition("-")
            type_ = _IOB_TYPES.get(name) if prefix in ("B", "I") else None
            begins = type_ is not None and (prefix == "B" or type_ != previous_type)
            if open_span and (type_ is None or begins):
                self.spans.append(tuple(open_span))
                open_span = None
            if type_ is not None:
                if open_span is None:
                    open_span = [base + start, base + end, type_]
                else:
                    open_span[1] = base + end
            previous_type = type_
        if open_span:
            self.spans.append(tuple(open_span))
        self.lines.append(line)
        self.length += len(line) + 1

    def text(self) -> str:
        return "\n".join(self.lines)


def read_iob(path: Path, iob1: bool = False, normalise: bool = True) -> Corpus:
    """CoNLL-style files: Universal NER (`# newdoc`, `# text`, index/token/tag columns, IOB2),
    Wikigold (`token tag`, IOB1, `-DOCSTART-`) and the Broad Twitter Corpus (`token<TAB>tag`,
    one tweet a document)."""
    corpus = Corpus(normalise)
    one_doc_per_sentence = "btc" in path.name
    document, number = _DocumentBuilder(), 0
    tokens: list[str] = []
    tags: list[str] = []
    text: str | None = None

    def end_document() -> None:
        nonlocal document, number
        if document.lines:
            corpus.add(f"{path.stem}-{number:05d}", document.text(), document.spans)
            number += 1
        document = _DocumentBuilder()

    def end_sentence() -> None:
        nonlocal tokens, tags, text
        if tokens:
            document.sentence(tokens, tags, text, iob1)
            if one_doc_per_sentence:
                end_document()
        tokens, tags, text = [], [], None

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc") or line.startswith("-DOCSTART-"):
            end_sentence()
            end_document()
        elif line.startswith("# text = "):
            text = line[len("# text = "):]
        elif line.startswith("#"):
            continue
        elif not line.strip():
            end_sentence()
        else:
            columns = line.split("\t") if "\t" in line else line.split(" ")
            token, tag = (columns[1], columns[2]) if columns[0].isdigit() and len(columns) >= 3 else (columns[0], columns[-1])
            tokens.append(token)
            tags.append(tag)
    end_sentence()
    end_document()
    return corpus


def read_gum(directory: Path, normalise: bool = True) -> Corpus:
    """GUM CoNLL-U: every mention (named, nominal, pronominal) is annotated; the named ones are
    those headed by proper nouns, cut to them ("the United States" is "United States")."""
    corpus = Corpus(normalise)
    for path in sorted(directory.glob("*.conllu")):
        document = _DocumentBuilder()
        spans: list[tuple[int, int, str]] = []
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            rows = [line.split("\t") for line in block.splitlines() if line and not line.startswith("#")]
            rows = [row for row in rows if row[0].isdigit()]
            if not rows:
                continue
            text = next((line[len("# text = "):] for line in block.splitlines() if line.startswith("# text = ")), None)
            base = document.length
            line, offsets = _place_sentence([row[1] for row in rows], text)
            document.lines.append(line)
            document.length += len(line) + 1
            open_mentions: dict[str, tuple[int, str]] = {}
            for index, row in enumerate(rows):
                entity = next((part[len("Entity="):] for part in row[9].split("|") if part.startswith("Entity=")), "")
                for match in _GUM_ENTITY.finditer(entity):
                    if match.group(1):
                        open_mentions[match.group(1)] = (index, match.group(2))
                        if match.group(3):
                            spans.extend(_gum_name(rows, offsets, base, *open_mentions.pop(match.group(1)), index))
                    elif match.group(4) in open_mentions:
                        spans.extend(_gum_name(rows, offsets, base, *open_mentions.pop(match.group(4)), index))
        corpus.add(path.stem, document.text(), spans)
    return corpus


def _gum_name(rows, offsets, base: int, first: int, attributes: str, last: int) -> list[tuple[int, int, str]]:
    """A mention is a name when its minimal span (GUM's head words) holds a proper noun, with
    or without a Wikipedia identity; the name is that minimal span's run of proper nouns."""
    parts = attributes.split("-", 6)
    if len(parts) < 6:
        return []
    type_ = _GUM_TYPES.get(parts[0], "MISC")
    if type_ == "MISC" and (parts[0] == "time" or len(parts) < 7 or not parts[6]):
        return []  # other names only with a Wikipedia identity; dates are not names
    minimal = [first + int(p) - 1 for p in parts[4].split(",") if p.isdigit() and first + int(p) - 1 <= last]
    if not any(_proper(rows[i]) for i in minimal):
        return []

    def inside(i: int) -> bool:
        """A proper noun, or a connector before a proper noun ("Bank of England")."""
        if not first <= i <= last:
            return False
        if _proper(rows[i]) or (i in minimal and rows[i][1][:1].isupper()):
            return True
        after = i + 2 if i + 2 <= last and rows[i + 1][1] == "the" else i + 1
        return rows[i][1] in _NAME_CONNECTORS and after <= last and _proper(rows[after])

    start = end = next(i for i in minimal if _proper(rows[i]))
    while inside(start - 1) and rows[start - 1][1] not in _NAME_CONNECTORS:
        start -= 1
    while inside(end + 1):
        end += 1
    while not inside(end) or rows[end][1] in _NAME_CONNECTORS:
        end -= 1
    return [(base + offsets[start][0], base + offsets[end][1], type_)]


def _proper(row: list[str]) -> bool:
    """A proper noun by its universal or its Penn tag ("United" in "United Nations" is a VERB
    by the first and NNP by the second)."""
    return row[3] == "PROPN" or row[4] in ("NNP", "NNPS")


def read_re3d(path: Path, normalise: bool = True) -> Corpus:
    """re3d JSON lines: Person, Organisation, Location and Nationality spans that are names
    (capitalised, not pronouns)."""
    corpus = Corpus(normalise)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        spans = [(e["start"], e["end"], _RE3D_TYPES[e["type"]]) for e in doc["entities"]
                 if e["type"] in _RE3D_TYPES and re.search(r"[A-Z]", e["text"]) and e["text"].lower() not in _PRONOUNS]
        corpus.add(doc["doc_id"], doc["text"], spans)
    return corpus


def read_corpus(path: Path, normalise: bool = True) -> Corpus:
    """Any of the supported corpora, by its file name or folder; `normalise` puts every span
    in the product's convention (for training), else spans are as annotated (for scoring)."""
    if path.is_dir():
        return read_gum(path, normalise)
    if path.suffix == ".jsonl":
        return read_re3d(path, normalise)
    return read_iob(path, iob1="wikigold" in path.name, normalise=normalise)
