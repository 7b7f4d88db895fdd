"""Score publication dates against pages with known days: right / wrong / none per page.

    python bench/dates_quality.py [DATES_DIR] [--part dev|held-out] [--workers 2] [--out DIR]

DATES_DIR is ../shared/corpora/dates-dev (`pages/<file>.html.gz`, `gold.json`). Each page goes
through the product's own read and clean code; the anchors run on the same pages: htmldate alone
(fast mode and extensive search, both with original_date=True) and trafilatura's metadata
(`extract_metadata`, its date). Anchor answers are cached in DIR (default bench/out/dates_quality),
so reruns only clean. A wrong date is worse than none, so the two rates are reported apart. The
pages are split once by a hash of their URL: `dev` (about 75%) is what the date rules are tuned on,
`held-out` (the rest) is scored once, at the end; only the --part asked for (default dev) is read.
Skips cleanly (exit 0) when the data is absent.
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
import htmldate
import trafilatura
from htmldate import find_date
from trafilatura import extract_metadata

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


def trafilatura_metadata(content: str) -> dict[str, str | None]:
    """Title, author and date as trafilatura's metadata extraction gives them (its defaults)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = extract_metadata(content)
        except Exception:  # the anchor failing on odd markup scores as no answer
            return {"title": None, "author": None, "date": None}
    return {"title": found.title, "author": found.author, "date": found.date}


def cached_anchors(contents: dict[str, str], cache: Path) -> dict[str, dict[str, str | None]]:
    """Each page's anchor answers ({"htmldate fast", "htmldate extensive", "trafilatura"} with its
    title, author and date), computed once per page and library versions and kept in `cache`."""
    versions = f"htmldate {htmldate.__version__}, trafilatura {trafilatura.__version__}"
    stored = json.loads(cache.read_text()) if cache.is_file() else {}
    if stored.get("versions") != versions:
        stored = {"versions": versions, "pages": {}}
    for key, content in contents.items():
        if key not in stored["pages"]:
            stored["pages"][key] = {
                "htmldate fast": htmldate_day(content, extensive=False),
                "htmldate extensive": htmldate_day(content, extensive=True),
                "trafilatura": trafilatura_metadata(content),
            }
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(stored))
    return {key: stored["pages"][key] for key in contents}


def rates(predicted: dict[str, str | None], gold: dict[str, str], keys: list[str]) -> str:
    counts = Counter("none" if predicted.get(k) is None else "right" if predicted[k] == gold[k] else "wrong" for k in keys)
    n = len(keys)
    return f"right {counts['right'] / n:.3f}  wrong {counts['wrong'] / n:.3f}  none {counts['none'] / n:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dates_dir", type=Path, nargs="?", default=DEFAULT_DIR)
    parser.add_argument("--part", choices=("dev", "held-out"), default="dev", help="which part of the split to score")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("bench/out/dates_quality"), help="where anchor answers are cached")
    args = parser.parse_args()
    gold_file = args.dates_dir / "gold.json"
    if not gold_file.is_file():
        print(f"skipped: {gold_file} is absent")
        return 0
    entries = json.loads(gold_file.read_text())
    gold, rows = {}, []
    for url, entry in entries.items():
        if held_out(url) != (args.part == "held-out"):
            continue
        path = args.dates_dir / "pages" / f"{entry['file']}.gz"
        key = entry["file"]
        gold[key] = entry["date"]
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
    anchors = cached_anchors(contents, args.out / f"anchors-{args.part}.json")
    keys = sorted(gold)
    print(f"pages {len(keys)} ({args.part}); cleaning {elapsed:.1f} s, {args.workers} workers")
    print(f"{'product':21s} {rates(product, gold, keys)}")
    for name in ("htmldate fast", "htmldate extensive"):
        print(f"{name:21s} {rates({k: anchors[k][name] for k in keys}, gold, keys)}")
    print(f"{'trafilatura metadata':21s} {rates({k: anchors[k]['trafilatura']['date'] for k in keys}, gold, keys)}")
    by_source = Counter((sources[k], product[k] == gold[k]) for k in gold if product.get(k))
    print("product by source (right/stated): " + ", ".join(
        f"{s} {by_source[(s, True)]}/{by_source[(s, True)] + by_source[(s, False)]}"
        for s in sorted({s for s, _ in by_source})))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
