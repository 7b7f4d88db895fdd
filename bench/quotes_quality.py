"""Score the product's quotations and their speakers against quotes-dev (gum-quotes.jsonl).

    python bench/quotes_quality.py GOLD.jsonl [--out PREDICTIONS.jsonl] [--show N]

Runs the product's extraction (`extract_with_entities`) on each document's text. Quote spans are matched
to gold one to one (any shared character counts; each gold quote to the predicted quote that
overlaps it most): precision, recall and F1, and how many matched spans are exact (both
include the quotation marks). Speaker accuracy on matched quotes: right if the speaker entity's canonical name equals
the gold speaker after lower-casing, dropping a leading "the", punctuation and extra spaces, or
if both are NULL. News and interviews are also reported apart. --show prints N wrong rows of
each kind. Skips cleanly (exit 0) when GOLD is absent.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.extraction.facts import extract_with_entities  # noqa: E402


def normalised(name: str | None) -> str | None:
    if name is None:
        return None
    name = re.sub(r"[^\w\s]", " ", name.lower())
    name = re.sub(r"^the\s+", "", name.strip())
    return re.sub(r"\s+", " ", name).strip()


def predicted_quotes(documents: pl.DataFrame) -> pl.DataFrame:
    facts = extract_with_entities(documents)
    names = facts["entities"].select("entity_id", speaker="canonical_name")
    return facts["quotes"].join(names, left_on="speaker_entity_id", right_on="entity_id", how="left").select(
        "doc_id", "start", "end", "quote", "speaker").sort("doc_id", "start")


def match(gold: list[dict], predicted: list[dict]) -> list[tuple[dict, dict | None]]:
    """Each gold quote with the unused predicted quote that overlaps it most (or None)."""
    used: set[int] = set()
    pairs = []
    for g in gold:
        best, best_overlap = None, 0
        for i, p in enumerate(predicted):
            overlap = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if i not in used and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is not None:
            used.add(best)
        pairs.append((g, predicted[best] if best is not None else None))
    return pairs


def report(name: str, rows: list[tuple[dict, list[dict], list[tuple[dict, dict | None]]]]) -> None:
    n_gold = sum(len(gold) for _, gold, _ in rows)
    n_pred = sum(len(meta["predicted"]) for meta, _, _ in rows)
    matched = [(g, p) for _, _, pairs in rows for g, p in pairs if p is not None]
    exact = sum(1 for g, p in matched if g["start"] == p["start"] and g["end"] == p["end"])
    precision = len(matched) / n_pred if n_pred else 0.0
    recall = len(matched) / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    right = sum(1 for g, p in matched if normalised(g["speaker"]) == normalised(p["speaker"]))
    named = [(g, p) for g, p in matched if g["speaker"] is not None]
    named_right = sum(1 for g, p in named if normalised(g["speaker"]) == normalised(p["speaker"]))
    print(f"{name}: gold {n_gold}, predicted {n_pred}, matched {len(matched)} (exact spans {exact})")
    print(f"  quotes   P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}")
    if matched:
        print(f"  speakers right {right}/{len(matched)} = {right / len(matched):.3f}"
              f"  (gold speaker named: {named_right}/{len(named)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args()
    if not args.gold.is_file():
        print(f"skipped: {args.gold} is absent")
        return 0
    docs = [json.loads(line) for line in args.gold.read_text().splitlines() if line.strip()]
    documents = pl.DataFrame({"doc_id": [d["doc_id"] for d in docs], "text": [d["text"] for d in docs]})
    by_doc: dict[str, list[dict]] = {}
    for row in predicted_quotes(documents).iter_rows(named=True):
        by_doc.setdefault(row["doc_id"], []).append(row)
    rows = []
    for doc in docs:
        predicted = by_doc.get(doc["doc_id"], [])
        rows.append(({"doc": doc, "predicted": predicted}, doc["quotes"], match(doc["quotes"], predicted)))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w") as out:
            for meta, _, _ in rows:
                out.write(json.dumps({"doc_id": meta["doc"]["doc_id"], "quotes": meta["predicted"]}) + "\n")
    report("all", rows)
    for genre in ("news", "interview"):
        report(genre, [r for r in rows if f"_{genre}_" in r[0]["doc"]["doc_id"]])
    if args.show:
        missed = [(m["doc"]["doc_id"], g["text"][:80], g["speaker"]) for m, _, pairs in rows for g, p in pairs if p is None]
        wrong = [(m["doc"]["doc_id"], g["text"][:60], g["speaker"], p["speaker"]) for m, _, pairs in rows
                 for g, p in pairs if p is not None and normalised(g["speaker"]) != normalised(p["speaker"])]
        matched_predictions = {(m["doc"]["doc_id"], p["start"]) for m, _, pairs in rows for g, p in pairs if p}
        spurious = [(m["doc"]["doc_id"], p["quote"][:80], p["speaker"]) for m, _, _ in rows for p in m["predicted"]
                    if (m["doc"]["doc_id"], p["start"]) not in matched_predictions]
        for title, items in (("missed", missed), ("wrong speaker", wrong), ("not a gold quote", spurious)):
            print(f"{title} ({len(items)}):")
            for item in items[:args.show]:
                print("  ", item)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
