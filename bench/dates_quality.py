"""Score publication dates against pages with known days: right / wrong / none per page.

    python bench/dates_quality.py [DATES_DIR] [--workers 2]

DATES_DIR is ../shared/corpora/dates-dev (`pages/<file>.html.gz`, `gold.json`). Each page goes
through the product's own read and clean code; htmldate alone (fast mode and extensive search,
both with original_date=True) runs on the same pages in the same run for comparison. A wrong date
is worse than none, so the two rates are reported apart. The pages are split once by a hash of
their URL: `dev` (about 75%) is what the date rules were tuned on, `held-out` (the rest) was kept
for the final score. Skips cleanly (exit 0) when the data is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import lxml.html
import polars as pl
from htmldate import find_date

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.cleaning import clean_documents
from pipelines.ingest import read_source

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "dates-dev"


def held_out(url: str) -> bool:
    """The frozen split: a quarter of the pages, chosen by URL hash, never looked at while tuning."""
    return hashlib.sha1(url.encode()).hexdigest()[0] in "cdef"


def htmldate_day(content: str, extensive: bool) -> str | None:
    try:
        tree = lxml.html.fromstring(content.encode())
    except (ValueError, lxml.etree.ParserError):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return find_date(tree, extensive_search=extensive, original_date=True)


def rates(predicted: dict[str, str | None], gold: dict[str, str], keys: list[str]) -> str:
    counts = Counter("none" if predicted.get(k) is None else "right" if predicted[k] == gold[k] else "wrong" for k in keys)
    n = len(keys)
    return f"right {counts['right'] / n:.3f}  wrong {counts['wrong'] / n:.3f}  none {counts['none'] / n:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dates_dir", type=Path, nargs="?", default=DEFAULT_DIR)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    gold_file = args.dates_dir / "gold.json"
    if not gold_file.is_file():
        print(f"skipped: {gold_file} is absent")
        return 0
    entries = json.loads(gold_file.read_text())
    gold, split, rows = {}, {}, []
    for url, entry in entries.items():
        path = args.dates_dir / "pages" / f"{entry['file']}.gz"
        key = entry["file"]
        gold[key], split[key] = entry["date"], held_out(url)
        for document in read_source(path, path.name).documents[:1]:
            rows.append({"doc_id": key, "content": document.content, "format": document.format, "source_url": None})
    documents = pl.DataFrame(rows, schema={"doc_id": pl.String, "content": pl.String, "format": pl.String, "source_url": pl.String})
    started = time.perf_counter()
    articles = clean_documents(documents, workers=args.workers)
    elapsed = time.perf_counter() - started
    product = {row["doc_id"]: (str(row["published_date"]) if row["published_date"] else None)
               for row in articles.iter_rows(named=True)}
    sources = {row["doc_id"]: row["published_date_source"] for row in articles.iter_rows(named=True)}
    contents = dict(zip(documents["doc_id"], documents["content"], strict=True))
    htmldate_fast = {k: htmldate_day(c, extensive=False) for k, c in contents.items()}
    htmldate_extensive = {k: htmldate_day(c, extensive=True) for k, c in contents.items()}

    subsets = {"all": sorted(gold), "dev": sorted(k for k in gold if not split[k]), "held-out": sorted(k for k in gold if split[k])}
    print(f"pages {len(gold)} (dev {len(subsets['dev'])}, held-out {len(subsets['held-out'])}); cleaning {elapsed:.0f} s")
    for name, predicted in [("product", product), ("htmldate fast", htmldate_fast), ("htmldate extensive", htmldate_extensive)]:
        for subset, keys in subsets.items():
            print(f"{name:19s} {subset:8s} {rates(predicted, gold, keys)}")
    by_source = Counter((sources[k], product[k] == gold[k]) for k in gold if product.get(k))
    print("product by source (right/stated): " + ", ".join(
        f"{s} {by_source[(s, True)]}/{by_source[(s, True)] + by_source[(s, False)]}"
        for s in sorted({s for s, _ in by_source})))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
