"""Score the product's entity extraction against gold spans.

    python bench/extract_quality.py GOLD [GOLD ...] [--out PREDICTIONS.jsonl] [--ids SPLIT.json [--part P]]

GOLD is re3d JSON lines (ner-dev/re3d-dev.jsonl), factRuEval's in the same shape
(ner-dev/factru-dev.jsonl: PER, ORG, LOC, nested as annotated) or a CoNLL-style IOB file (Universal NER
`.iob2`, Wikigold, the Broad Twitter Corpus). Runs the product's extraction (`extract_with_entities`) on
each document's text and prints precision, recall and F1 per type and micro-averaged, for exact
spans (same start, end and type) and overlapping spans (same type, any shared character).

- re3d: Person, Organisation, Location and Nationality, against every mention the product makes
  (re3d also tags pronouns and nominals, which the product resolves to people).
- IOB files: PER, ORG and LOC names, against the product's mentions by name (`is_name`), flat:
  a place named inside an organisation's name ("Russian" in "Russian Defense Ministry"), which the
  product keeps as a mention of its own for roles, is left out, as the gold annotation is flat.

--anchor also scores Natasha's news NER as shipped on PER/ORG/LOC gold (skipped when natasha is not
installed). --ids keeps the documents a split names for --part (bench/gold/russian/factru_split.json: tune on
dev, score heldout once). Predictions in the re3d format go to --out. Skips cleanly (exit 0) when a GOLD is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clean_quality import chosen_ids  # noqa: E402
from pipelines.cleaning.language import detect_language  # noqa: E402
from pipelines.extraction.facts import extract_with_entities  # noqa: E402
from pipelines.extraction.ner_corpora import read_corpus  # noqa: E402

RE3D_TYPES = {"PERSON": "Person", "ORGANIZATION": "Organisation", "LOCATION": "Location", "NATIONALITY": "Nationality"}
IOB_TYPES = {"PERSON": "PER", "ORGANIZATION": "ORG", "LOCATION": "LOC"}
# The language a corpus's pages declare (as a news page's lang attribute does), which cleaning takes
# before guessing from function words: a short factRuEval brief has too few of them to tell.
DECLARED_LANGUAGES = {"factRuEval-2016": "ru"}


def overlaps(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and a[3] == b[3] and a[1] < b[2] and b[1] < a[2]


def score(gold: set[tuple], predicted: set[tuple], match) -> tuple[int, int, int]:
    """(true positives of predictions, gold found, predictions) for one matching rule."""
    hit_predictions = sum(1 for p in predicted if any(match(p, g) for g in gold))
    found_gold = sum(1 for g in gold if any(match(p, g) for p in predicted))
    return hit_predictions, found_gold, len(predicted)


def prf(hits: int, found: int, n_pred: int, n_gold: int) -> str:
    precision = hits / n_pred if n_pred else 0.0
    recall = found / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}"


def gold_and_documents(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str]]:
    """(documents, gold spans doc_id/start/end/type, product type -> gold type) of one file."""
    if path.suffix == ".jsonl":
        docs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        # Each text is tagged with its language as cleaning tags an article (declared, else guessed), so Russian
        # goes to the Russian recogniser.
        documents = pl.DataFrame({"doc_id": [d["doc_id"] for d in docs], "text": [d["text"] for d in docs],
                                  "language": [DECLARED_LANGUAGES.get(d.get("source")) or detect_language(d["text"])
                                               for d in docs]})
        stated = {e["type"] for d in docs for e in d["entities"]}
        types = IOB_TYPES if stated <= set(IOB_TYPES.values()) else RE3D_TYPES  # factRuEval: PER, ORG, LOC
        gold = pl.DataFrame([(d["doc_id"], e["start"], e["end"], e["type"]) for d in docs for e in d["entities"]
                             if e["type"] in types.values()],
                            schema={"doc_id": pl.String, "start": pl.Int64, "end": pl.Int64, "type": pl.String}, orient="row")
        return documents, gold, types
    documents, gold = read_corpus(path, normalise=False).frames()
    return documents, gold.filter(pl.col("type").is_in(list(IOB_TYPES.values()))), IOB_TYPES


def predictions(documents: pl.DataFrame, types: dict[str, str], flat: bool) -> pl.DataFrame:
    """The product's mentions in the gold's types (doc_id, start, end, type, text)."""
    facts = extract_with_entities(documents)
    mentions = facts["entity_mentions"].filter(pl.col("type").is_in(list(types)))
    if flat:
        names = mentions.join(facts["entities"].select("entity_id", "aliases"), on="entity_id")
        mentions = names.filter(pl.col("aliases").list.contains(pl.col("text"))).drop("aliases")
        outer = mentions.select("doc_id", outer_start="start", outer_end="end")
        nested = (mentions.join(outer, on="doc_id")
                  .filter((pl.col("outer_start") <= pl.col("start")) & (pl.col("end") <= pl.col("outer_end"))
                          & ((pl.col("outer_end") - pl.col("outer_start")) > (pl.col("end") - pl.col("start"))))
                  .select("doc_id", "start", "end").unique())
        mentions = mentions.join(nested, on=["doc_id", "start", "end"], how="anti")
    return mentions.select("doc_id", "start", "end", pl.col("type").replace_strict(types), "text").unique().sort("doc_id", "start")


def report(path: Path, out: Path | None, wanted: set[str] | None = None, anchor: bool = False) -> None:
    documents, gold, types = gold_and_documents(path)
    if wanted is not None:
        documents, gold = documents.filter(pl.col("doc_id").is_in(wanted)), gold.filter(pl.col("doc_id").is_in(wanted))
    predicted = predictions(documents, types, flat=path.suffix != ".jsonl")
    if out is not None:
        by_doc = {doc: rows for (doc,), rows in predicted.group_by("doc_id")}
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w") as handle:
            for doc_id, text in documents.select("doc_id", "text").iter_rows():
                rows = by_doc.get(doc_id, predicted.clear()).select("start", "end", "type", "text").to_dicts()
                handle.write(json.dumps({"doc_id": doc_id, "text": text, "entities": rows}) + "\n")
    gold_rows = set(gold.select("doc_id", "start", "end", "type").iter_rows())
    predicted_rows = set(predicted.select("doc_id", "start", "end", "type").iter_rows())
    print(f"{path.name}: documents {documents.height}, gold names {len(gold_rows)}, predicted {len(predicted_rows)}"
          + (f", predictions written to {out}" if out else ""))
    print_scores(gold_rows, predicted_rows, list(types.values()))
    if anchor and types is IOB_TYPES:
        natasha_rows = natasha_spans(documents)
        if natasha_rows is not None:
            print(f"anchor natasha (news NER as shipped): predicted {len(natasha_rows)}")
            print_scores(gold_rows, natasha_rows, list(types.values()))


def print_scores(gold_rows: set[tuple], predicted_rows: set[tuple], type_names: list[str]) -> None:
    """Precision, recall and F1 per type and micro-averaged, for exact and overlapping spans."""
    for rule_name, rule in {"exact": lambda p, g: p == g, "overlap": overlaps}.items():
        totals = {}
        for type_name in type_names:
            g = {x for x in gold_rows if x[3] == type_name}
            p = {x for x in predicted_rows if x[3] == type_name}
            totals[type_name] = (*_by_document(g, p, rule), len(g))
        print(f"{rule_name} spans")
        for type_name, (hits, found, n_pred, n_gold) in totals.items():
            print(f"  {type_name:13s} {prf(hits, found, n_pred, n_gold)}  (gold {n_gold}, predicted {n_pred})")
        micro = [sum(t[i] for t in totals.values()) for i in range(4)]
        print(f"  {'micro':13s} {prf(*micro)}")


def natasha_spans(documents: pl.DataFrame) -> set[tuple] | None:
    """Natasha's news NER spans (doc_id, start, end, PER/ORG/LOC), the Russian tagger to beat;
    None (and a note) when natasha is not installed."""
    try:
        from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter
    except ImportError:
        print("anchor natasha: skipped (pip install natasha)")
        return None
    segmenter, tagger = Segmenter(), NewsNERTagger(NewsEmbedding())
    spans = set()
    for doc_id, text in documents.select("doc_id", "text").iter_rows():
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)
        spans.update((doc_id, span.start, span.stop, span.type) for span in doc.spans)
    return spans


def _by_document(gold: set[tuple], predicted: set[tuple], rule) -> tuple[int, int, int]:
    """score() summed over documents (matching only within a document keeps it fast)."""
    documents = {x[0] for x in gold} | {x[0] for x in predicted}
    sums = [0, 0, 0]
    for doc in documents:
        for i, value in enumerate(score({g for g in gold if g[0] == doc}, {p for p in predicted if p[0] == doc}, rule)):
            sums[i] += value
    return tuple(sums)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, help="predictions of the first GOLD, in the re3d format")
    parser.add_argument("--ids", type=Path, help="score only the documents this split names (JSON {doc_id: part})")
    parser.add_argument("--part", default="dev", help="with --ids: which part (dev or heldout)")
    parser.add_argument("--anchor", action="store_true", help="on PER/ORG/LOC gold, also score natasha as shipped")
    args = parser.parse_args()
    wanted = chosen_ids(args.ids, args.part) if args.ids else None
    for number, path in enumerate(args.gold):
        if not path.exists():
            print(f"skipped: {path} is absent")
            continue
        report(path, args.out if number == 0 else None, wanted, args.anchor)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
