"""Score the product's quotes, roles, events and sums of money against the facts gold read by hand.

    python bench/facts_quality.py [--corpus english|factru] [--split dev|heldout|all] [--errors N]
                                  [--corpora DIR]

`english` (the default): the gold is bench/gold/facts/ (its README.md): 64 news pages of
extraction-dev (32 wcxb, 32 dragnet), each in the `dev` or the `heldout` half, with spans as
offsets into the page's `articleBody` in DIR/<corpus>/ground-truth.json (DIR:
../shared/corpora/extraction-dev). The product's extraction (`extract_with_entities`) runs on
each articleBody, with the page's date as its published_date.

`factru`: the gold is bench/gold/facts-ru/ (its README.md): quotes and sums of money in 32 Russian
news texts of factRuEval-2016 (20 dev, 12 heldout), spans as offsets into each text of
DIR/factru-dev.jsonl (DIR: ../shared/corpora/ner-dev). The extraction runs on each text with
language "ru" and no published_date; only quotes and money are scored (the set annotates no
roles or events). A gold speaker is compared by its nominative name (`speaker_name`), and Russian
words of money objects in their dictionary form (pymorphy2: "штрафа" is "штраф").

The default scores `dev`; `heldout` is scored only for final figures (never tune on it or read
its errors: `--errors` prints dev articles' errors only and is refused with `--split heldout`).
Skips cleanly (exit 0) when DIR is absent.

Matching, one to one everywhere: of the (gold, predicted) pairs that may match, the pair with the
largest character overlap is taken first, then the next among the unused ones (ties: gold order,
then predicted order). A span overlaps another when they share at least one character.

- Names: `normalised` lower-cases, drops punctuation, a leading "the" and extra spaces. A gold
  mention names a predicted entity when it equals the entity's name or one of its aliases (the
  article's article_entities row) after normalising, or, for a PERSON entity, when the last words
  are equal and the first words do not conflict (the same, or either side a single word:
  "Powell" names "Jerome Powell"; "Jay Powell" does not).
- quotes: gold and predicted quote spans by overlap: precision, recall, F1. Speakers on matched
  quotes: right when the gold speaker is named (its `speaker_name` where the gold gives one, else
  the text of its mention) and the predicted speaker entity names it as above; speaker precision
  = right / matched quotes with a predicted speaker (a speaker where the gold names nobody is
  wrong), speaker recall = right / matched quotes whose gold speaker is named; where the gold
  names nobody, predicting nobody is right (reported apart).
- roles: a predicted person_roles row matches a gold role when the role spans overlap and the gold
  person mention names the row's person: precision, recall; exact role spans among matches.
- events: a predicted event matches a gold one of the same kind whose sentence span overlaps its
  own: precision, recall. Events of kind `other` are left out (the gold annotates only meetings,
  visits, agreements, exercises, statements and deployments). Among matches, actors right when
  every gold actor mention names one of the predicted actors; place right when the place entity
  names the gold place mention, or both are null.
- money: predicted amounts with a currency against gold money, by span overlap: precision,
  recall. Among matches, value right (relative error under 1e-6; value_high ignored), currency
  right (same ISO code). Object: a predicted object that is empty or only currency words
  ("dollars", "долларов США") says none. Right when the gold gives an object, at least half of
  the gold object's content words (stop words out) are words of the predicted object and at least
  half of the predicted object's are words of the gold one (so that a whole clause taken as the
  object is not right); object precision = right / matches with a predicted object, object recall = right /
  matches whose gold gives one.

`--errors N` prints up to N misses, false positives and wrong attributes per kind, with their
text. dragnet is AGPL: its text may be read in the terminal, never copied into the repo or docs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# bench/ is a folder of scripts, not a package: the name normalisation is quotes_quality's.
sys.path.insert(0, str(ROOT / "bench"))

from pipelines.extraction.facts import extract_with_entities  # noqa: E402
from quotes_quality import normalised  # noqa: E402

GOLD_DIR = ROOT / "bench" / "gold" / "facts"
RUSSIAN_GOLD_DIR = ROOT / "bench" / "gold" / "facts-ru"
DEFAULT_CORPORA = {"english": ROOT.parent / "shared" / "corpora" / "extraction-dev",
                   "factru": ROOT.parent / "shared" / "corpora" / "ner-dev"}
FACTRU_TEXTS = "factru-dev.jsonl"
SPLITS = ("dev", "heldout")
GOLD_EVENT_KINDS = {"meeting", "visit", "agreement", "exercise", "statement", "deployment"}
CURRENCY_WORDS = {"dollar", "dollars", "euro", "euros", "pound", "pounds", "sterling", "yen", "yuan", "renminbi",
                  "rouble", "roubles", "ruble", "rubles", "rupee", "rupees", "franc", "francs", "usd", "eur", "gbp"}
STOP_WORDS = {"a", "an", "the", "of", "for", "to", "in", "on", "at", "by", "with", "from", "and", "or", "its",
              "their", "his", "her", "our", "your", "my", "this", "that", "these", "those", "s"}
# The same, for Russian words in their dictionary form.
RUSSIAN_CURRENCY_WORDS = {"рубль", "доллар", "долл", "евро", "фунт", "стерлинг", "гривна", "юань", "иена", "йена",
                          "франк", "тенге", "руб", "сша", "американский", "российский", "белорусский", "кипрский"}
RUSSIAN_STOP_WORDS = {"в", "во", "на", "за", "для", "по", "от", "до", "с", "со", "к", "о", "об", "из", "у", "и",
                      "или", "а", "его", "её", "ее", "их", "этот", "тот", "свой", "наш", "ваш", "мой", "который"}


# --- matching: pure functions --------------------------------------------------------------------

def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters two [start, end) spans share (0 when they do not meet)."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_spans(gold: list[tuple[int, int]], predicted: list[tuple[int, int]],
                allowed=lambda g, p: True) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs: of the pairs whose spans overlap and that
    `allowed(g, p)` accepts, the largest overlap first, then the next among the unused ones."""
    candidates = sorted(
        (-overlap(g_span, p_span), g, p)
        for g, g_span in enumerate(gold) for p, p_span in enumerate(predicted)
        if overlap(g_span, p_span) > 0 and allowed(g, p))
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    pairs = []
    for _, g, p in candidates:
        if g not in used_gold and p not in used_predicted:
            used_gold.add(g)
            used_predicted.add(p)
            pairs.append((g, p))
    return sorted(pairs)


def names_person(mention: str | None, name: str | None, aliases: list[str] | tuple = (),
                 is_person: bool = True) -> bool:
    """Whether a gold mention names the predicted entity (its name or one of its aliases): equal
    after normalising, or, for a person, the same last word and first words that do not conflict."""
    gold = normalised(mention)
    if not gold or name is None:
        return False
    for candidate in {normalised(name), *(normalised(alias) for alias in aliases)}:
        if not candidate:
            continue
        if candidate == gold:
            return True
        gold_words, words = gold.split(), candidate.split()
        if is_person and gold_words[-1] == words[-1] and (
                len(gold_words) == 1 or len(words) == 1 or gold_words[0] == words[0]):
            return True
    return False


@cache
def dictionary_form(word: str) -> str:
    """A Russian word's dictionary form ("штрафа" -> "штраф"); other words as they are."""
    if not re.search(r"[а-яё]", word):
        return word
    # The product's pymorphy2 dictionary, loaded after natasha (pymorphy2 0.9 does not load on
    # Python 3.11 before natasha has been imported).
    import natasha  # noqa: F401
    from pipelines.extraction.russian import _parses
    return _parses(word)[0].normal_form


def words(text: str | None, language: str = "en") -> set[str]:
    """The normalised words of a text; Russian ones in their dictionary form."""
    found = (normalised(text) or "").split()
    return {dictionary_form(word) for word in found} if language == "ru" else set(found)


def content_words(text: str | None, language: str = "en") -> set[str]:
    found = words(text, language)
    return found - (RUSSIAN_STOP_WORDS if language == "ru" else STOP_WORDS) or found


def object_stated(predicted_object: str | None, language: str = "en") -> bool:
    """Whether the product's amount object says what the money is: not empty, not only "dollars"."""
    return bool(words(predicted_object, language) - (RUSSIAN_CURRENCY_WORDS if language == "ru" else CURRENCY_WORDS))


def object_right(gold_object: str | None, predicted_object: str | None, language: str = "en") -> bool:
    """At least half of the gold object's content words are words of the predicted object, and at
    least half of the predicted object's are words of the gold one (a whole clause is no object)."""
    if gold_object is None or not object_stated(predicted_object, language):
        return False
    gold, predicted = content_words(gold_object, language), content_words(predicted_object, language)
    gold_words, predicted_words = words(gold_object, language), words(predicted_object, language)
    return 2 * len(gold & predicted_words) >= len(gold) and 2 * len(predicted & gold_words) >= len(predicted)


def value_right(gold: float, predicted: float) -> bool:
    return abs(predicted - gold) <= 1e-6 * abs(gold) if gold else predicted == 0


# --- gold and predictions ------------------------------------------------------------------------

@dataclass
class Article:
    corpus: str
    id: str
    split: str
    text: str
    published: date | None
    gold: dict
    predicted: dict = field(default_factory=dict)
    language: str = "en"

    @property
    def doc_id(self) -> str:
        return f"{self.corpus}-{self.id}"

    def at(self, span: list[int] | None) -> str | None:
        return None if span is None else self.text[span[0]:span[1]]


def _published(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def load_articles(corpora: Path, splits: set[str]) -> list[Article]:
    """The gold articles of these splits with their articleBody; a wcxb span whose stored text is
    not the body's text at its offsets (the corpus changed) stops the run."""
    listed = json.loads((GOLD_DIR / "articles.json").read_text())["articles"]
    bodies: dict[str, dict] = {}
    articles = []
    for entry in listed:
        if entry["split"] not in splits:
            continue
        corpus = entry["corpus"]
        if corpus not in bodies:
            bodies[corpus] = json.loads((corpora / corpus / "ground-truth.json").read_text())
        page = bodies[corpus][entry["id"]]
        gold = json.loads((GOLD_DIR / f"{corpus}-{entry['id']}.json").read_text())
        article = Article(corpus, entry["id"], entry["split"], page["articleBody"], _published(page.get("date")), gold)
        _check_offsets(article)
        articles.append(article)
    return articles


def load_factru_articles(corpora: Path, splits: set[str]) -> list[Article]:
    """The Russian gold texts of these splits, each with its text from factru-dev.jsonl."""
    listed = json.loads((RUSSIAN_GOLD_DIR / "articles.json").read_text())["articles"]
    texts = {row["doc_id"]: row["text"] for row in map(json.loads, (corpora / FACTRU_TEXTS).read_text().splitlines())}
    articles = []
    for entry in listed:
        if entry["split"] in splits:
            gold = json.loads((RUSSIAN_GOLD_DIR / f"{entry['id']}.json").read_text())
            article = Article("factru", entry["id"], entry["split"], texts[entry["id"]], None, gold, language="ru")
            _check_offsets(article)
            articles.append(article)
    return articles


def _check_offsets(article: Article) -> None:
    spans = []
    for kind in ("quotes", "roles", "events", "money"):
        for row in article.gold[kind]:
            for key, value in row.items():
                if key == "actors":
                    texts = row.get("actors_text") or [None] * len(value)
                    spans += [(f"{kind}.actors", span, text) for span, text in zip(value, texts)]
                elif isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
                    text_key = "text" if key == "span" else f"{key}_text"
                    spans.append((f"{kind}.{key}", value, row.get(text_key)))
    for where, (start, end), text in spans:
        if not 0 <= start < end <= len(article.text) or (text is not None and article.text[start:end] != text):
            raise SystemExit(f"{article.doc_id}: gold {where} [{start}, {end}] does not fit the corpus text")


def predict(articles: list[Article]) -> None:
    """Runs the product's extraction on every article and keeps each article's rows."""
    # English pages keep the language the pipeline gives an article it is told nothing about.
    documents = pl.DataFrame({
        "doc_id": [a.doc_id for a in articles], "text": [a.text for a in articles],
        "published_date": [a.published for a in articles],
        "language": [None if a.language == "en" else a.language for a in articles]}, schema={
        "doc_id": pl.String, "text": pl.String, "published_date": pl.Date, "language": pl.String})
    tables = extract_with_entities(documents)
    for article in articles:
        mine = {name: table.filter(pl.col("doc_id") == article.doc_id).sort("start").to_dicts()
                for name, table in tables.items() if name in ("quotes", "person_roles", "events", "amounts")}
        mine["events"] = [e for e in mine["events"] if e["kind"] in GOLD_EVENT_KINDS]
        mine["amounts"] = [a for a in mine["amounts"] if a["currency"] is not None]
        entities = tables["article_entities"].filter(pl.col("doc_id") == article.doc_id)
        mine["entities"] = {row["entity_id"]: row for row in entities.to_dicts()}
        article.predicted = mine


def _names(article: Article, mention: str | None, entity_id: str | None) -> bool:
    """Whether a gold mention names this predicted entity of the article."""
    if entity_id is None:
        return False
    entity = article.predicted["entities"].get(entity_id)
    if entity is None:  # an id with no entity row: its key is the name
        return names_person(mention, entity_id.split(":", 1)[-1], (), entity_id.startswith("PERSON:"))
    return names_person(mention, entity["name"], entity["aliases"] or (), entity["type"] == "PERSON")


def _entity_name(article: Article, entity_id: str | None) -> str | None:
    entity = article.predicted["entities"].get(entity_id) if entity_id else None
    return entity["name"] if entity else entity_id


# --- scoring -------------------------------------------------------------------------------------

SPEAKER_PRECISION = "speaker precision: right / matched quotes with a predicted speaker"
SPEAKER_RECALL = "speaker recall: right / matched quotes whose gold speaker is named"
SPEAKER_NONE = "no speaker where the gold names none"
EXACT_ROLE = "exact role span (of matches)"
ACTORS_RIGHT = "actors right (of matches)"
PLACE_RIGHT = "place right (of matches)"
VALUE_RIGHT = "value right (of matches)"
CURRENCY_RIGHT = "currency right (of matches)"
OBJECT_PRECISION = "object precision: right / matches with a predicted object"
OBJECT_RECALL = "object recall: right / matches whose gold gives one"


@dataclass
class Kind:
    """Counts of one fact kind over some articles, with its error examples."""
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    figures: dict[str, list[int]] = field(default_factory=dict)  # name: [right, of]
    errors: dict[str, list[str]] = field(default_factory=dict)
    parts: dict[str, list[int]] = field(default_factory=dict)  # events: kind: [gold, predicted, matched]

    def count(self, figure: str, right: bool, counted: bool = True) -> None:
        if counted:
            tally = self.figures.setdefault(figure, [0, 0])
            tally[0] += int(right)
            tally[1] += 1

    def error(self, what: str, article: Article, detail: str) -> None:
        self.errors.setdefault(what, []).append(f"{article.doc_id}: {detail}")


def _pairs(kind: Kind, article: Article, gold: list, predicted: list, gold_key: str, label=lambda row: "",
           allowed=lambda g, p: True, predicted_label=None) -> list[tuple[int, int]]:
    """Matches gold rows (their span `gold_key`) to predicted rows (start, end), counts them and
    keeps the unmatched as errors, each shown as its label, its offsets and its text."""
    def show(row: dict, start: int, end: int, label) -> str:
        return f"{label(row)}[{start}, {end}] {_clip(article.text[start:end])}"

    pairs = match_spans([tuple(row[gold_key]) for row in gold], [(row["start"], row["end"]) for row in predicted],
                        allowed)
    kind.gold += len(gold)
    kind.predicted += len(predicted)
    kind.matched += len(pairs)
    matched_gold = {g for g, _ in pairs}
    matched_predicted = {p for _, p in pairs}
    for g, row in enumerate(gold):
        if g not in matched_gold:
            kind.error("missed", article, show(row, *row[gold_key], label))
    for p, row in enumerate(predicted):
        if p not in matched_predicted:
            kind.error("not in the gold", article, show(row, row["start"], row["end"], predicted_label or label))
    return pairs


def _clip(text: str | None, length: int = 100) -> str:
    if text is None:
        return "None"
    text = " ".join(text.split())
    return repr(text if len(text) <= length else text[:length - 3] + "...")


def score_quotes(kind: Kind, article: Article) -> None:
    gold, predicted = article.gold["quotes"], article.predicted["quotes"]
    pairs = _pairs(kind, article, gold, predicted, "span")
    for g, p in pairs:
        gold_speaker = gold[g].get("speaker_name") or article.at(gold[g]["speaker"])
        speaker_id = predicted[p]["speaker_entity_id"]
        right = gold_speaker is not None and _names(article, gold_speaker, speaker_id)
        kind.count(SPEAKER_PRECISION, right, speaker_id is not None)
        kind.count(SPEAKER_RECALL, right, gold_speaker is not None)
        kind.count(SPEAKER_NONE, speaker_id is None, gold_speaker is None)
        if not right and (gold_speaker, speaker_id) != (None, None):
            kind.error("wrong speaker", article, f"[{gold[g]['span'][0]}] gold {_clip(gold_speaker)}, "
                                                 f"predicted {_clip(_entity_name(article, speaker_id))}")


def score_roles(kind: Kind, article: Article) -> None:
    gold, predicted = article.gold["roles"], article.predicted["person_roles"]
    pairs = _pairs(kind, article, gold, predicted, "role", lambda r: f"{_clip(article.at(r['person']))}: ",
                   lambda g, p: _names(article, article.at(gold[g]["person"]), predicted[p]["entity_id"]),
                   lambda r: f"{_clip(_entity_name(article, r['entity_id']))}: ")
    for g, p in pairs:
        exact = tuple(gold[g]["role"]) == (predicted[p]["start"], predicted[p]["end"])
        kind.count(EXACT_ROLE, exact)
        if not exact:
            kind.error("inexact role span", article, f"gold {_clip(article.at(gold[g]['role']))}, "
                                                     f"predicted {_clip(predicted[p]['role'])}")


def score_events(kind: Kind, article: Article) -> None:
    gold, predicted = article.gold["events"], article.predicted["events"]
    pairs = _pairs(kind, article, gold, predicted, "sentence", lambda e: f"{e['kind']} ",
                   lambda g, p: gold[g]["kind"] == predicted[p]["kind"])
    for column, rows in enumerate((gold, predicted, [gold[g] for g, _ in pairs])):
        for row in rows:
            kind.parts.setdefault(row["kind"], [0, 0, 0])[column] += 1
    for g, p in pairs:
        actors = [article.at(span) for span in gold[g]["actors"]]
        predicted_actors = predicted[p]["actor_entity_ids"] or []
        actors_right = all(any(_names(article, actor, a) for a in predicted_actors) for actor in actors)
        place, place_id = article.at(gold[g]["place"]), predicted[p]["place_entity_id"]
        place_right = (place is None and place_id is None) or (place is not None and _names(article, place, place_id))
        kind.count(ACTORS_RIGHT, actors_right)
        kind.count(PLACE_RIGHT, place_right)
        if not actors_right:
            kind.error("wrong actors", article, f"[{gold[g]['sentence'][0]}] gold {[_clip(a) for a in actors]}, "
                                                f"predicted {[_clip(_entity_name(article, a)) for a in predicted_actors]}")
        if not place_right:
            kind.error("wrong place", article, f"[{gold[g]['sentence'][0]}] gold {_clip(place)}, "
                                               f"predicted {_clip(_entity_name(article, place_id))}")


def score_money(kind: Kind, article: Article) -> None:
    gold, predicted = article.gold["money"], article.predicted["amounts"]
    pairs = _pairs(kind, article, gold, predicted, "span", lambda m: f"{m['value']:g} {m['currency']} ")
    for g, p in pairs:
        m, a = gold[g], predicted[p]
        gold_object = article.at(m["object"])
        right = object_right(gold_object, a["object"], article.language)
        stated = object_stated(a["object"], article.language)
        kind.count(VALUE_RIGHT, value_right(m["value"], a["value"]))
        kind.count(CURRENCY_RIGHT, m["currency"] == a["currency"])
        kind.count(OBJECT_PRECISION, right, stated)
        kind.count(OBJECT_RECALL, right, gold_object is not None)
        if not value_right(m["value"], a["value"]) or m["currency"] != a["currency"]:
            kind.error("wrong value or currency", article, f"{_clip(article.at(m['span']))} gold {m['value']:g} "
                                                           f"{m['currency']}, predicted {a['value']:g} {a['currency']}")
        if not right and (gold_object is not None or stated):
            kind.error("wrong object", article, f"{_clip(article.at(m['span']))} gold {_clip(gold_object)}, "
                                                f"predicted {_clip(a['object'])}")


SCORERS = {"quotes": score_quotes, "roles": score_roles, "events": score_events, "money": score_money}
# The kinds each gold annotates.
CORPUS_KINDS = {"english": tuple(SCORERS), "factru": ("quotes", "money")}
# Each kind's figures, in the order printed (a figure nothing counted shows as 0 / 0).
FIGURES = {
    "quotes": [SPEAKER_PRECISION, SPEAKER_RECALL, SPEAKER_NONE],
    "roles": [EXACT_ROLE],
    "events": [ACTORS_RIGHT, PLACE_RIGHT],
    "money": [VALUE_RIGHT, CURRENCY_RIGHT, OBJECT_PRECISION, OBJECT_RECALL],
}


def score(articles: list[Article], names: tuple[str, ...] = tuple(SCORERS)) -> dict[str, Kind]:
    kinds = {name: Kind(figures={figure: [0, 0] for figure in FIGURES[name]}) for name in names}
    for article in articles:
        for name in names:
            SCORERS[name](kinds[name], article)
    return kinds


def _ratio(right: int, of: int) -> str:
    return f"{right / of:.3f}" if of else "-"


def report(title: str, articles: list[Article], kinds: dict[str, Kind]) -> None:
    corpora = {c: sum(a.corpus == c for a in articles) for c in sorted({a.corpus for a in articles})}
    print(f"\n### {title}: {len(articles)} articles ({', '.join(f'{n} {c}' for c, n in corpora.items())})\n")
    print("| kind | gold | predicted | matched | P | R | F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, kind in kinds.items():
        p, r = kind.matched / kind.predicted if kind.predicted else 0.0, kind.matched / kind.gold if kind.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"| {name} | {kind.gold} | {kind.predicted} | {kind.matched} | {p:.3f} | {r:.3f} | {f1:.3f} |")
    print("\n| kind | figure | right / of | rate |")
    print("| --- | --- | --- | --- |")
    for name, kind in kinds.items():
        for figure, (right, of) in kind.figures.items():
            print(f"| {name} | {figure} | {right} / {of} | {_ratio(right, of)} |")
    for name, kind in kinds.items():
        if kind.parts:
            print(f"\n{name} by kind, gold / predicted / matched: " + ", ".join(
                f"{part} {g} / {p} / {m}" for part, (g, p, m) in sorted(kind.parts.items())))


def print_errors(kinds: dict[str, Kind], limit: int, corpus: str) -> None:
    print("\nErrors on dev articles" + (" (dragnet lines quote AGPL text: read them here, never copy them "
                                       "into the repo or its docs):" if corpus == "english" else ":"))
    for name, kind in kinds.items():
        for what, lines in kind.errors.items():
            print(f"\n{name}, {what} ({len(lines)}):")
            for line in lines[:limit]:
                print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument("--errors", type=int, default=0, metavar="N",
                        help="print up to N errors of each sort per kind, of dev articles only")
    parser.add_argument("--corpus", choices=tuple(CORPUS_KINDS), default="english",
                        help="english: bench/gold/facts/; factru: the Russian quotes and money of bench/gold/facts-ru/")
    parser.add_argument("--corpora", type=Path, default=None,
                        help="extraction-dev (english) or ner-dev (factru); default under ../shared/corpora")
    args = parser.parse_args(argv)
    if args.errors and args.split == "heldout":
        parser.error("--errors reads dev articles only: held-out errors are never read")
    corpora = args.corpora or DEFAULT_CORPORA[args.corpus]
    if not corpora.is_dir() or (args.corpus == "factru" and not (corpora / FACTRU_TEXTS).exists()):
        print(f"skipped: {corpora} is absent")
        return 0
    splits = set(SPLITS) if args.split == "all" else {args.split}
    if "heldout" in splits:
        print("Reminder: held-out is for final scores only (never tune on it or read its errors).")
    articles = (load_factru_articles if args.corpus == "factru" else load_articles)(corpora, splits)
    names = CORPUS_KINDS[args.corpus]
    predict(articles)
    for split in SPLITS:
        if split in splits:
            chosen = [a for a in articles if a.split == split]
            report(split, chosen, score(chosen, names))
    if len(splits) > 1:
        report("all", articles, score(articles, names))
    if args.errors:
        print_errors(score([a for a in articles if a.split == "dev"], names), args.errors, args.corpus)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
