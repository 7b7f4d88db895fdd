"""Which pages of extraction-dev's wcxb/ are held out for cleaning and metadata (issue 24): a
third of each page type (article, service, forum, listing, product, collection,
documentation), drawn by a seeded hash, so the held-out part has the dev set's mix of kinds. Run
once; the split it writes (bench/gold/cleaning/wcxb_split.json, {id: "dev" | "heldout"}) is
frozen before any cleaning is tuned on it. Tune and read errors on `dev`; score `heldout` only
at the end. dragnet's held-out part is its upstream test split (extraction-dev/dragnet/test.txt).

    python bench/gold/select_cleaning_split.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GROUND_TRUTH = ROOT.parent / "shared" / "corpora" / "extraction-dev" / "wcxb" / "ground-truth.json"
OUT = Path(__file__).resolve().parent / "cleaning" / "wcxb_split.json"
SEED = "cleaning-split-2026-12-07"
HELD_OUT_EVERY = 3


def key(page_id: str) -> str:
    return hashlib.sha256(f"{SEED}:{page_id}".encode()).hexdigest()


def split(pages: dict[str, dict]) -> dict[str, str]:
    """Every HELD_OUT_EVERY-th page of each type in seeded-hash order is held out."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for page_id, page in pages.items():
        by_type[page.get("page_type") or "unknown"].append(page_id)
    chosen = {}
    for ids in by_type.values():
        for rank, page_id in enumerate(sorted(ids, key=key)):
            chosen[page_id] = "heldout" if rank % HELD_OUT_EVERY == 0 else "dev"
    return dict(sorted(chosen.items()))


def main() -> int:
    if not GROUND_TRUTH.exists():
        print(f"skipped: {GROUND_TRUTH} is absent")
        return 0
    chosen = split(json.loads(GROUND_TRUTH.read_text()))
    OUT.write_text(json.dumps(chosen, indent=0) + "\n")
    held_out = sum(1 for part in chosen.values() if part == "heldout")
    print(f"{len(chosen)} pages: {len(chosen) - held_out} dev, {held_out} held out -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
