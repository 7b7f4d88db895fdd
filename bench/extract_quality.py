"""Score entity extraction against gold spans (re3d-dev.jsonl format).

    python bench/extract_quality.py GOLD.jsonl [--out PREDICTIONS.jsonl]

Runs the product's extraction on each document's text, writes predictions in the gold format
and prints precision, recall and F1 per type and micro-averaged, for exact spans (same start,
end and type) and overlapping spans (same type, any shared character), over the four types we
produce. Skips cleanly (exit 0) when GOLD is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.extraction.facts import extract_facts  # noqa: E402

TYPE_NAMES = {"PERSON": "Person", "ORGANIZATION": "Organisation", "LOCATION": "Location", "NATIONALITY": "Nationality"}
SCORED = list(TYPE_NAMES.values())


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--out", type=Path, default=Path("bench/out/extract_predictions.jsonl"))
    args = parser.parse_args()
    if not args.gold.is_file():
        print(f"skipped: {args.gold} is absent")
        return 0
    docs = [json.loads(line) for line in args.gold.read_text().splitlines() if line.strip()]
    articles = pl.DataFrame({"doc_id": [d["doc_id"] for d in docs], "text": [d["text"] for d in docs]})
    mentions = extract_facts(articles)["entity_mentions"]
    predicted_by_doc: dict[str, list[dict]] = {}
    for row in mentions.iter_rows(named=True):
        predicted_by_doc.setdefault(row["doc_id"], []).append(
            {"start": row["start"], "end": row["end"], "type": TYPE_NAMES[row["type"]], "text": row["text"]})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w") as out:
        for doc in docs:
            out.write(json.dumps({"doc_id": doc["doc_id"], "text": doc["text"],
                                  "entities": predicted_by_doc.get(doc["doc_id"], [])}) + "\n")
    rules = {"exact": lambda p, g: p == g, "overlap": overlaps}
    print(f"documents {len(docs)}, predictions written to {args.out}")
    for rule_name, rule in rules.items():
        totals = {t: [0, 0, 0, 0] for t in SCORED}
        for doc in docs:
            gold = {(doc["doc_id"], e["start"], e["end"], e["type"]) for e in doc["entities"] if e["type"] in SCORED}
            pred = {(doc["doc_id"], p["start"], p["end"], p["type"]) for p in predicted_by_doc.get(doc["doc_id"], [])}
            for type_name in SCORED:
                g = {x for x in gold if x[3] == type_name}
                p = {x for x in pred if x[3] == type_name}
                hits, found, n_pred = score(g, p, rule)
                for i, value in enumerate((hits, found, n_pred, len(g))):
                    totals[type_name][i] += value
        print(f"{rule_name} spans")
        for type_name, (hits, found, n_pred, n_gold) in totals.items():
            print(f"  {type_name:13s} {prf(hits, found, n_pred, n_gold)}  (gold {n_gold}, predicted {n_pred})")
        micro = [sum(t[i] for t in totals.values()) for i in range(4)]
        print(f"  {'micro':13s} {prf(*micro)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
