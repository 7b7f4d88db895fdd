"""Score the cleaning step against gold main text (bag-of-words page-mean P/R/F1).

    python bench/clean_quality.py PAGES_DIR GOLD_JSON [--out DIR] [--limit N] [--ids FILE [--part P]] [--anchors]

PAGES_DIR holds one page a file (`<id>.html`, `<id>.html.gz` or `<id>.txt`), GOLD_JSON maps
`{id: {"articleBody": ...}}` (the format of extraction-dev's ground-truth.json). Each page goes
through the product's own read and clean code; predictions land in DIR as `<id>.txt`.
--ids keeps the pages a file names: a JSON split ({id: part}, such as
bench/gold/cleaning/wcxb_split.json) with --part (default dev), or a list of ids (dragnet's
upstream test.txt). --anchors scores, on the same HTML pages, what the libraries give alone:
trafilatura as it comes, without comments, and favouring precision, and readability-lxml.
Skips cleanly (exit 0) when the data is absent, so CI without ../shared stays green.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.cleaning import clean_documents  # noqa: E402
from pipelines.ingest import read_source  # noqa: E402

TOKEN = re.compile(r"[\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]|[^\W_]+")


def tokens(text: str) -> Counter:
    """Letters/digits runs (each CJK character alone) of the NFKC-lowercased text."""
    return Counter(TOKEN.findall(unicodedata.normalize("NFKC", text).lower()))


def page_scores(predicted: str, gold: str) -> tuple[float, float, float]:
    pred, ref = tokens(predicted), tokens(gold)
    if not pred and not ref:
        return 1.0, 1.0, 1.0
    if not pred or not ref:
        return 0.0, 0.0, 0.0
    overlap = sum((pred & ref).values())
    precision, recall = overlap / sum(pred.values()), overlap / sum(ref.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def page_id(path: Path) -> str:
    return path.name.split(".", 1)[0]


def read_pages(pages: list[Path]) -> pl.DataFrame:
    """Read pages as a run would; a page rejected on read predicts empty text."""
    rows = []
    for path in pages:
        outcome = read_source(path, path.name)
        for document in outcome.documents[:1]:
            rows.append({"doc_id": page_id(path), "content": document.content,
                         "format": document.format, "source_url": document.source_url})
    return pl.DataFrame(rows, schema={"doc_id": pl.String, "content": pl.String,
                                      "format": pl.String, "source_url": pl.String})


def chosen_ids(path: Path, part: str) -> set[str]:
    """The page ids a split file gives for `part`, or every id a list file names."""
    text = path.read_text()
    if path.suffix == ".json":
        return {page_id for page_id, page_part in json.loads(text).items() if page_part == part}
    return set(text.split())


def anchor_texts(html: str) -> dict[str, str]:
    """Main text by each library alone, for the anchors the product must beat."""
    import lxml.html
    import trafilatura
    from readability import Document

    readable = Document(html)
    summary = readable.summary(html_partial=True)
    return {
        "trafilatura": trafilatura.extract(html) or "",
        "trafilatura, no comments": trafilatura.extract(html, include_comments=False) or "",
        "trafilatura, precision": trafilatura.extract(html, include_comments=False, favor_precision=True) or "",
        "readability-lxml": "\n\n".join(part for part in (readable.short_title(),
                                                          lxml.html.fromstring(summary).text_content() if summary.strip() else "") if part),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", type=Path)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--out", type=Path, default=Path("bench/out/clean_quality"))
    parser.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ids", type=Path, help="score only the pages this split or list names")
    parser.add_argument("--part", default="dev", help="with a JSON split: which part (dev or heldout)")
    parser.add_argument("--anchors", action="store_true", help="also score trafilatura and readability-lxml alone")
    args = parser.parse_args()
    if not args.pages.is_dir() or not args.gold.is_file():
        print(f"skipped: {args.pages} or {args.gold} is absent")
        return 0
    gold = {key: value["articleBody"] for key, value in json.loads(args.gold.read_text()).items()}
    pages = sorted(p for p in args.pages.iterdir() if page_id(p) in gold)
    if args.ids:
        wanted = chosen_ids(args.ids, args.part)
        pages = [p for p in pages if page_id(p) in wanted]
    if args.limit:
        pages = pages[: args.limit]
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    articles = clean_documents(read_pages(pages), workers=args.workers)
    elapsed = time.perf_counter() - started
    predictions = {page_id(p): "" for p in pages}
    for row in articles.filter(pl.col("rejection").is_null()).iter_rows(named=True):
        # The gold main text opens with the headline, which articles keep in its own column.
        predictions[row["doc_id"]] = "\n\n".join(part for part in (row["title"], row["text"]) if part)
    totals = [0.0, 0.0, 0.0]
    for key, text in predictions.items():
        (args.out / f"{key}.txt").write_text(text)
        for i, value in enumerate(page_scores(text, gold[key])):
            totals[i] += value
    n = len(predictions)
    print(f"pages {n}  precision {totals[0] / n:.3f}  recall {totals[1] / n:.3f}  "
          f"F1 {totals[2] / n:.3f}  ({elapsed:.0f} s, {args.workers} workers)")
    if args.anchors:
        print_anchors(pages, gold)
    return 0


def print_anchors(pages: list[Path], gold: dict[str, str]) -> None:
    """Page-mean precision, recall and F1 of each library alone on the HTML pages."""
    documents = read_pages(pages).filter(pl.col("format") == "html")
    totals: dict[str, list[float]] = {}
    for doc_id, content in documents.select("doc_id", "content").iter_rows():
        for name, text in anchor_texts(content).items():
            sums = totals.setdefault(name, [0.0, 0.0, 0.0])
            for i, value in enumerate(page_scores(text, gold[doc_id])):
                sums[i] += value
    n = documents.height
    for name, (precision, recall, f1) in totals.items():
        print(f"  anchor {name:<26} pages {n}  precision {precision / n:.3f}  recall {recall / n:.3f}  F1 {f1 / n:.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
