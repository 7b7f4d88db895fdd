"""Score the product's roles and meetings on Russian news against factRuEval-2016's gold facts.

    python bench/russian_facts_quality.py [--part dev|heldout] [--errors N] [--corpora DIR]

The texts are the 122 of DIR/factru-dev.jsonl (DIR: ../shared/corpora/ner-dev), split into `dev`
(81) and `heldout` (41) by bench/gold/russian/factru_split.json; the default scores `dev`.
`heldout` is scored only for final figures: `--errors` prints dev texts' errors only and is
refused with `--part heldout`. Skips cleanly (exit 0) when DIR is absent.

The gold is upstream's own (DIR/factru-dev-raw/<doc>.facts, .coref, .objects, .spans): a fact
names coreference chains (`obj48`), a chain lists objects, an object lists spans, and a span has a
character offset and length into the .txt, which is the jsonl text unchanged (checked for every
span of the scored texts: the run stops if one disagrees). The product's extraction
(`extract_with_entities`, language "ru", no published date) runs on each text.

Matching (many to one: every predicted row that matches counts, so a role stated twice and
annotated twice is right twice):

- roles: a predicted person_roles row matches a gold `Occupation` when the person matches (a span
  of the gold `Who` chain overlaps a mention of the row's person entity) and the row's role span
  overlaps one of the gold `Position` spans. Precision = matching rows / rows; recall = gold
  Occupations with a Position that some row matches / gold Occupations with a Position (13 of the
  211 Occupations have none and are not scored). Among matches, the organisation or country is
  not scored. The gold marks one Position span for a role however often the text states it, so
  a second figure also takes as right a row that restates a gold role: the same person and a
  word of the gold Position in its dictionary form (pymorphy2) among the role's ("президентом
  Украины" restates "президент"). `--errors` lists rows that are neither.
- meetings (reported only): a predicted event of kind `meeting` matches a gold `Meeting` when its
  sentence span overlaps spans of at least two of the gold participants' chains (of every
  participant when the gold names fewer than two). Precision = matching events / events; recall =
  gold Meetings matched / gold Meetings.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.extraction.facts import extract_with_entities  # noqa: E402
from pipelines.extraction.russian import _parses  # noqa: E402

DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora" / "ner-dev"
SPLIT = ROOT / "bench" / "gold" / "russian" / "factru_split.json"
PARTS = ("dev", "heldout")

Span = tuple[int, int]


@dataclass
class Occupation:
    who: list[Span]
    who_text: str
    positions: list[Span]
    where_text: str


@dataclass
class Meeting:
    participants: list[list[Span]]
    text: str


@dataclass
class Text:
    doc_id: str
    text: str
    occupations: list[Occupation] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _spans(path: Path, text: str) -> dict[str, Span]:
    """Span id -> (start, end); stops the run where the text at the offsets is not the span's."""
    spans = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields, comment = line.split("#", 1)
        span_id, _, start, length, _, tokens = fields.split()[:6]
        start, end = int(start), int(start) + int(length)
        written = "".join(comment.split()[int(tokens):])
        # The comment lists the span's tokens as upstream cut them ("Жан Ле Пен" for "Жан-Мари Ле Пен"):
        # in order, inside the text at the offsets.
        if not _in_order(written, re.sub(r"\s+", "", text[start:end])):
            raise SystemExit(f"{path.name}: span {span_id} is {text[start:end]!r} in the text, {written!r} in the gold")
        spans[span_id] = (start, end)
    return spans


def _in_order(letters: str, text: str) -> bool:
    """Whether `letters` appear in `text` in this order (not necessarily next to each other)."""
    rest = iter(text)
    return all(letter in rest for letter in letters)


def _blocks(path: Path) -> list[list[str]]:
    blocks = [block.strip().splitlines() for block in path.read_text(encoding="utf-8").split("\n\n")]
    return [block for block in blocks if block]


def _chain(chains: dict[str, list[Span]], value: str) -> list[Span]:
    """The spans of the chain a fact's slot names ("obj48 Лужков Юрий")."""
    return chains[value.split(" ", 1)[0].removeprefix("obj")]


def load_texts(corpora: Path, part: str) -> list[Text]:
    """The texts of `part` with their gold Occupation and Meeting facts, as spans."""
    split = json.loads(SPLIT.read_text())
    raw = corpora / "factru-dev-raw"
    texts = []
    for line in (corpora / "factru-dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if split.get(row["doc_id"]) != part:
            continue
        name = row["doc_id"].removeprefix("book_")
        spans = _spans(raw / f"book_{name}.spans", row["text"])
        objects = {}
        for object_line in (raw / f"book_{name}.objects").read_text(encoding="utf-8").splitlines():
            fields = object_line.split("#", 1)[0].split()
            objects[fields[0]] = [spans[s] for s in fields[2:]]
        chains = {block[0].split()[0]: [span for o in block[0].split()[1:] for span in objects[o]]
                  for block in _blocks(raw / f"book_{name}.coref")}
        text = Text(row["doc_id"], row["text"])
        for block in _blocks(raw / f"book_{name}.facts"):
            kind = block[0].split()[1]
            slots: dict[str, list[str]] = {}
            for slot_line in block[1:]:
                slot, _, value = slot_line.partition(" ")
                slots.setdefault(slot, []).append(value)
            if kind == "Occupation" and "Position" in slots and "Who" in slots:
                who = slots["Who"][0]
                positions = [spans[s] for value in slots["Position"] for s in re.findall(r"\bspan(\d+)", value)]
                where = " ".join(slots.get("Where", []))
                text.occupations.append(Occupation(_chain(chains, who), who, positions, where))
            elif kind == "Meeting":
                participants = slots.get("Participant", [])
                text.meetings.append(Meeting([_chain(chains, p) for p in participants], "; ".join(participants)))
        texts.append(text)
    return texts


def predictions(texts: list[Text]) -> dict[str, pl.DataFrame]:
    articles = pl.DataFrame({"doc_id": [t.doc_id for t in texts], "text": [t.text for t in texts],
                             "published_date": [None] * len(texts), "language": ["ru"] * len(texts)},
                            schema_overrides={"published_date": pl.Date})
    return extract_with_entities(articles)


def lemmas(text: str) -> set[str]:
    """The dictionary forms of a phrase's words ("президентом Украины" -> {"президент", "украина"})."""
    return {_parses(word)[0].normal_form for word in re.findall(r"[\w-]+", text.lower())}


def role_matches(text: Text, roles: list[dict], mentions: dict[str, list[Span]]) -> list[tuple[list[int], bool]]:
    """For each predicted role row, the indexes of the gold Occupations it matches, and whether
    it restates one (the same person, a word of the gold Position in its dictionary form)."""
    found = []
    for role in roles:
        person_spans = mentions.get(role["entity_id"], [])
        span = (role["start"], role["end"])
        theirs = [i for i, gold in enumerate(text.occupations)
                  if any(overlaps(w, m) for w in gold.who for m in person_spans)]
        restated = any(lemmas(role["role"]) & lemmas(" ".join(text.text[s:e] for s, e in text.occupations[i].positions))
                       for i in theirs)
        found.append(([i for i in theirs if any(overlaps(span, p) for p in text.occupations[i].positions)], restated))
    return found


def meeting_matches(text: Text, events: list[dict]) -> list[list[int]]:
    """For each predicted meeting, the indexes of the gold Meetings whose participants its sentence holds."""
    found = []
    for event in events:
        sentence = (event["start"], event["end"])
        matched = []
        for i, gold in enumerate(text.meetings):
            present = sum(any(overlaps(sentence, s) for s in chain) for chain in gold.participants)
            if present >= min(2, len(gold.participants)) and gold.participants:
                matched.append(i)
        found.append(matched)
    return found


def _line(text: str) -> str:
    return " ".join(text.split())


def ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def score(texts: list[Text], tables: dict[str, pl.DataFrame], errors: int) -> dict[str, float]:
    mentions = tables["entity_mentions"]
    roles = tables["person_roles"]
    events = tables["events"].filter(pl.col("kind") == "meeting")
    counts = dict.fromkeys(["role_rows", "role_right", "role_restated", "occupations", "occupations_found",
                            "meetings", "meeting_right", "gold_meetings", "gold_meetings_found"], 0)
    missed, wrong, meeting_errors = [], [], []
    for text in texts:
        doc_mentions: dict[str, list[Span]] = {}
        for row in mentions.filter(pl.col("doc_id") == text.doc_id).iter_rows(named=True):
            doc_mentions.setdefault(row["entity_id"], []).append((row["start"], row["end"]))
        doc_roles = roles.filter(pl.col("doc_id") == text.doc_id).to_dicts()
        matches = role_matches(text, doc_roles, doc_mentions)
        counts["role_rows"] += len(doc_roles)
        counts["role_right"] += sum(bool(m) for m, _ in matches)
        counts["role_restated"] += sum(bool(m) or restated for m, restated in matches)
        counts["occupations"] += len(text.occupations)
        hit = {i for m, _ in matches for i in m}
        counts["occupations_found"] += len(hit)
        wrong += [(text, r) for r, (m, restated) in zip(doc_roles, matches) if not m and not restated]
        missed += [(text, g) for i, g in enumerate(text.occupations) if i not in hit]
        doc_events = events.filter(pl.col("doc_id") == text.doc_id).to_dicts()
        met = meeting_matches(text, doc_events)
        counts["meetings"] += len(doc_events)
        counts["meeting_right"] += sum(bool(m) for m in met)
        counts["gold_meetings"] += len(text.meetings)
        met_gold = {i for m in met for i in m}
        counts["gold_meetings_found"] += len(met_gold)
        meeting_errors += [("false", text, e["sentence_text"]) for e, m in zip(doc_events, met) if not m]
        meeting_errors += [("missed", text, g.text) for i, g in enumerate(text.meetings) if i not in met_gold]
    if errors:
        for text, gold in missed[:errors]:
            positions = ", ".join(text.text[s:e] for s, e in gold.positions)
            print(f"missed  {text.doc_id}: {gold.who_text} | {positions} | {gold.where_text}")
            start = min(s for s, _ in gold.positions)
            print(f"        ...{_line(text.text[max(0, start - 80):start + 80])}...")
        for text, row in wrong[:errors]:
            print(f"false   {text.doc_id}: {row['entity_id']} | {row['role']} | {row['country']}")
            print(f"        ...{_line(text.text[max(0, row['start'] - 60):row['end'] + 60])}...")
        for kind, text, what in meeting_errors[:errors]:
            print(f"meeting {kind} {text.doc_id}: {what}")
    return {
        "role_precision": ratio(counts["role_right"], counts["role_rows"]),
        "role_precision_restated": ratio(counts["role_restated"], counts["role_rows"]),
        "role_recall": ratio(counts["occupations_found"], counts["occupations"]),
        "role_rows": counts["role_rows"], "occupations": counts["occupations"],
        "meeting_precision": ratio(counts["meeting_right"], counts["meetings"]),
        "meeting_recall": ratio(counts["gold_meetings_found"], counts["gold_meetings"]),
        "meetings": counts["meetings"], "gold_meetings": counts["gold_meetings"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=PARTS, default="dev")
    parser.add_argument("--errors", type=int, default=0)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args(argv)
    if args.errors and args.part == "heldout":
        parser.error("--errors reads dev texts only: held-out texts' errors are never read")
    if not (args.corpora / "factru-dev.jsonl").exists():
        print(f"skipped: {args.corpora} is absent")
        return 0
    texts = load_texts(args.corpora, args.part)
    figures = score(texts, predictions(texts), args.errors)
    print(f"factru {args.part}: {len(texts)} texts")
    print(f"roles:    precision {figures['role_precision']:.3f}  recall {figures['role_recall']:.3f}  "
          f"({figures['role_rows']} predicted rows, {figures['occupations']} gold Occupations with a Position)")
    print(f"roles, a restated gold role right too: precision {figures['role_precision_restated']:.3f}")
    print(f"meetings: precision {figures['meeting_precision']:.3f}  recall {figures['meeting_recall']:.3f}  "
          f"({figures['meetings']} predicted, {figures['gold_meetings']} gold)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
