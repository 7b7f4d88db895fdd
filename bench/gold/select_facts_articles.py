"""Which news articles the facts gold annotates (bench/gold/facts/): pages of extraction-dev with
reported speech, drawn by a seeded hash from wcxb (CC BY 4.0) and dragnet (AGPL: the gold keeps
its ids and offsets, never its text), each corpus split in two halves, `dev` (tune on it) and
`heldout` (score only at the end). Run once; the list it writes (bench/gold/facts/articles.json)
is frozen with the annotations. Offsets index the page's `articleBody` in the corpus's
ground-truth.json.

    python bench/gold/select_facts_articles.py [--count 64]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTRACTION_DEV = ROOT.parent / "shared" / "corpora" / "extraction-dev"
OUT = Path(__file__).resolve().parent / "facts" / "articles.json"
SEED = "facts-gold-2026-12-06"
SPEECH_VERB = re.compile(r"\b(said|says|told|according to)\b")
QUOTE_MARK = re.compile(r"[\"“]")


def key(corpus: str, page_id: str) -> str:
    return hashlib.sha256(f"{SEED}:{corpus}:{page_id}".encode()).hexdigest()


def news_like(body: str) -> bool:
    """Reported speech in an article of ordinary length: what the facts are about."""
    return (200 <= len(body.split()) <= 2500 and len(SPEECH_VERB.findall(body)) >= 3
            and len(QUOTE_MARK.findall(body)) >= 4)


def eligible(corpus: str) -> list[str]:
    truth = json.loads((EXTRACTION_DEV / corpus / "ground-truth.json").read_text())
    return sorted((page_id for page_id, page in truth.items()
                   if page.get("page_type", "article") == "article" and news_like(page["articleBody"])),
                  key=lambda page_id: key(corpus, page_id))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=64)
    args = parser.parse_args()
    if not EXTRACTION_DEV.is_dir():
        print(f"{EXTRACTION_DEV} is absent: nothing to select.")
        return 0
    wcxb = eligible("wcxb")[: args.count // 2]
    dragnet = eligible("dragnet")[: args.count - len(wcxb)]
    articles = [{"corpus": corpus, "id": page_id, "split": "dev" if index % 2 == 0 else "heldout"}
                for corpus, ids in (("wcxb", wcxb), ("dragnet", dragnet)) for index, page_id in enumerate(ids)]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"seed": SEED, "articles": articles}, indent=1) + "\n")
    print(f"wcxb {len(wcxb)}, dragnet {len(dragnet)} -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
