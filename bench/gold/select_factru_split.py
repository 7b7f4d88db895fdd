"""Which factRuEval-2016 dev texts are held out for the Russian work (issue 25): a third of
`../shared/corpora/ner-dev/factru-dev.jsonl`, drawn by a seeded hash. Run once; the split it
writes (bench/gold/russian/factru_split.json, {doc_id: "dev" | "heldout"}) is frozen before any
Russian recogniser, rule or threshold is tuned on the texts. Tune and read errors on `dev`, for
entities and for the facts read from the same texts (`factru-dev-raw/*.facts`, quotes and sums
annotated by hand); score `heldout` only at the end.

    python bench/gold/select_factru_split.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FACTRU = ROOT.parent / "shared" / "corpora" / "ner-dev" / "factru-dev.jsonl"
OUT = Path(__file__).resolve().parent / "russian" / "factru_split.json"
SEED = "factru-split-2026-12-07"
HELD_OUT_EVERY = 3


def key(doc_id: str) -> str:
    return hashlib.sha256(f"{SEED}:{doc_id}".encode()).hexdigest()


def split(doc_ids: list[str]) -> dict[str, str]:
    """Every HELD_OUT_EVERY-th text in seeded-hash order is held out."""
    ranked = sorted(doc_ids, key=key)
    return dict(sorted((doc_id, "heldout" if rank % HELD_OUT_EVERY == 0 else "dev") for rank, doc_id in enumerate(ranked)))


def main() -> int:
    if not FACTRU.exists():
        print(f"skipped: {FACTRU} is absent")
        return 0
    doc_ids = [json.loads(line)["doc_id"] for line in FACTRU.read_text().splitlines() if line.strip()]
    chosen = split(doc_ids)
    OUT.write_text(json.dumps(chosen, indent=0) + "\n")
    held_out = sum(1 for part in chosen.values() if part == "heldout")
    print(f"{len(chosen)} texts: {len(chosen) - held_out} dev, {held_out} held out -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
