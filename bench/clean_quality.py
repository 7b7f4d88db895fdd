"""Score the cleaning step against gold main text (bag-of-words page-mean P/R/F1).

    python bench/clean_quality.py PAGES_DIR GOLD_JSON [--out DIR] [--limit N] [--ids FILE [--part P]] [--anchors]

PAGES_DIR holds one page a file (`<id>.html`, `<id>.html.gz` or `<id>.txt`), GOLD_JSON maps
`{id: {"articleBody": ...}}` (the format of extraction-dev's ground-truth.json). Each page goes
through the product's own read and clean code; predictions land in DIR as `<id>.txt`.
--ids keeps the pages a file names: a JSON split ({id: part}, such as
bench/gold/cleaning/wcxb_split.json) with --part (default dev), or a list of ids (dragnet's
upstream test.txt). --anchors scores, on the same HTML pages, what the libraries give alone:
trafilatura as it comes, without comments, and favouring precision, and readability-lxml;
their texts are cached in DIR/anchors/ by page id and library versions, so reruns are quick.
Every figure is also given per `page_type` (when the gold has one), for articles alone, and
without the pages whose gold is empty (gold gaps, which reward predicting nothing); per-page
scores land in DIR/scores.json for reading the losses.
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


def anchor_versions() -> str:
    """The anchor libraries' versions, which key the anchor cache."""
    from importlib.metadata import version

    return f"trafilatura-{version('trafilatura')}_readability-lxml-{version('readability-lxml')}"


def cached_anchor_texts(doc_id: str, html: str, cache: Path) -> dict[str, str]:
    """anchor_texts of one page, from DIR/anchors/<versions>/<id>.json when already computed."""
    path = cache / f"{doc_id}.json"
    if path.is_file():
        return json.loads(path.read_text())
    texts = anchor_texts(html)
    path.write_text(json.dumps(texts))
    return texts


def _cached_anchor_texts(job: tuple[str, str, Path]) -> dict[str, str]:
    return cached_anchor_texts(*job)


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
    records = json.loads(args.gold.read_text())
    gold = {key: value["articleBody"] or "" for key, value in records.items()}
    page_types = {key: value["page_type"] for key, value in records.items() if value.get("page_type")}
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
    for key, text in predictions.items():
        (args.out / f"{key}.txt").write_text(text)
    scores = {"product": {key: page_scores(text, gold[key]) for key, text in predictions.items()}}
    print_figures("product", scores["product"], gold, page_types,
                  f"  ({elapsed:.0f} s, {args.workers} workers)")
    if args.anchors:
        scores |= anchor_scores(pages, gold, args.out / "anchors" / anchor_versions(), args.workers)
        for name, by_page in scores.items():
            if name != "product":
                print_figures(f"anchor {name}", by_page, gold, page_types)
    (args.out / "scores.json").write_text(json.dumps(scores))
    return 0


def anchor_scores(pages: list[Path], gold: dict[str, str], cache: Path,
                  workers: int) -> dict[str, dict[str, tuple]]:
    """Per-page (P, R, F1) of each library alone on the HTML pages."""
    from concurrent.futures import ProcessPoolExecutor

    cache.mkdir(parents=True, exist_ok=True)
    documents = read_pages(pages).filter(pl.col("format") == "html")
    jobs = [(doc_id, content, cache) for doc_id, content in documents.select("doc_id", "content").iter_rows()]
    scores: dict[str, dict[str, tuple]] = {}
    with ProcessPoolExecutor(max(1, workers)) as pool:
        for (doc_id, _, _), texts in zip(jobs, pool.map(_cached_anchor_texts, jobs, chunksize=8)):
            for name, text in texts.items():
                scores.setdefault(name, {})[doc_id] = page_scores(text, gold[doc_id])
    return scores


def mean_line(label: str, by_page: dict[str, tuple], keys: list[str]) -> str:
    n = len(keys)
    if not n:
        return f"{label:<44} pages 0"
    precision, recall, f1 = (sum(by_page[key][i] for key in keys) / n for i in range(3))
    return f"{label:<44} pages {n:>4}  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}"


def print_figures(name: str, by_page: dict[str, tuple], gold: dict[str, str], page_types: dict[str, str],
                  suffix: str = "") -> None:
    """Page-mean P/R/F1 on all pages, without empty gold, for articles and per page type."""
    keys = sorted(by_page)
    print(mean_line(name, by_page, keys) + suffix)
    print(mean_line(f"  {name}, gold not empty", by_page, [key for key in keys if gold[key].strip()]))
    kinds = sorted({page_types[key] for key in keys if key in page_types})
    if "article" in kinds:
        print(mean_line(f"  {name}, articles", by_page, [key for key in keys if page_types.get(key) == "article"]))
    for kind in kinds:
        if kind != "article":
            print(mean_line(f"    {name}, {kind}", by_page, [key for key in keys if page_types.get(key) == kind]))


if __name__ == "__main__":
    raise SystemExit(main())
