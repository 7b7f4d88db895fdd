"""Score titles, authors and publication dates against WCXB's gold fields, with the anchors.

    python bench/metadata_quality.py [PAGES_DIR GOLD_JSON] [--ids FILE [--part P]] [--out DIR] [--limit N]

PAGES_DIR and GOLD_JSON default to ../shared/corpora/extraction-dev/wcxb/html and its
ground-truth.json (`{id: {"title", "author", "date", ...}}`); --ids defaults to
bench/gold/cleaning/wcxb_split.json with --part dev (as bench/clean_quality.py reads them). Each
page goes through the product's own read and clean code (`read_source`, `clean_documents`); the
anchors run on the same pages: trafilatura's `extract_metadata` (title, author, date) and htmldate's
`find_date` (original_date=True) in fast mode and with extensive search. Anchor answers are cached
in DIR (default bench/out/metadata_quality) so reruns only clean; the product's answers and the
gold land in DIR/predictions.json to read the errors.

How each field is scored:
- title: exact match after Unicode NFKC and folding every run of whitespace to one space (ends
  stripped), over all pages; the case-insensitive rate (the same, casefolded) is a secondary figure.
- author, on pages with a gold author: the same set of names. A value is NFKC-normalised, casefolded,
  a leading "by" dropped, and split into names at commas, semicolons, "&", "|" and the word "and";
  a part that is only a credential or initials in capitals after a name ("Ph.D.", "MD", "E-RYT 200")
  is not a name. Each name keeps its letters, digits and single spaces (no dots or quotes). Order does
  not count. On pages without a gold author, the rate of an author stated anyway is printed apart.
- date, on pages with a gold day: right (the same YYYY-MM-DD), wrong (another), none; on pages
  without a gold date, the rate of a date stated anyway (a gold gap or a page with no date).
Skips cleanly (exit 0) when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
import warnings
from collections import Counter
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from clean_quality import chosen_ids, page_id, read_pages  # noqa: E402
from dates_quality import cached_anchors  # noqa: E402

from pipelines.cleaning import clean_documents  # noqa: E402

WCXB = ROOT.parent / "shared" / "corpora" / "extraction-dev" / "wcxb"
DEFAULT_IDS = ROOT / "bench" / "gold" / "cleaning" / "wcxb_split.json"
NAME_SEPARATORS = re.compile(r"\s*(?:[,;&|]|\band\b)\s*")
# A credential or initials in capitals standing after a name: "Ph.D.", "MD", "CFP®", "E-RYT 200".
CREDENTIAL = re.compile(r"^(?:ph\.?\s?d\.?|[A-Z][A-Z0-9.\-®]*(?:\s+\d+)?)$")
NOT_NAME_CHARACTERS = re.compile(r"[^\w\s]")
ANCHORS = ("trafilatura metadata", "htmldate fast", "htmldate extensive")


def fold(text: str | None) -> str:
    """NFKC, whitespace runs to one space, ends stripped."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def author_names(value: str | None) -> frozenset[str]:
    """The set of names an author field gives (see the module docstring)."""
    value = re.sub(r"^by\s+", "", fold(value), flags=re.IGNORECASE)
    names = set()
    for part in NAME_SEPARATORS.split(value):
        if not part or CREDENTIAL.match(part):
            continue
        name = " ".join(NOT_NAME_CHARACTERS.sub(" ", part.casefold()).split())
        if name:
            names.add(name)
    return frozenset(names)


def anchor_answers(contents: dict[str, str], cache: Path) -> dict[str, dict[str, dict[str, str | None]]]:
    """{page: {anchor: {title, author, date}}}: dates_quality's cached anchor answers, each page
    computed once per library versions, with htmldate's day as a date-only answer."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = cached_anchors(contents, cache)
    return {key: {"trafilatura metadata": answers["trafilatura"],
                  "htmldate fast": {"date": answers["htmldate fast"]},
                  "htmldate extensive": {"date": answers["htmldate extensive"]}}
            for key, answers in found.items()}


def score(answers: dict[str, dict[str, str | None]], gold: dict[str, dict]) -> dict[str, str]:
    """Printable figures of one system's {page: {title, author, date}} against the gold."""
    keys = sorted(gold)
    figures = {}
    if any("title" in answers[k] for k in keys):
        exact = sum(fold(answers[k].get("title")) == fold(gold[k]["title"]) for k in keys)
        loose = sum(fold(answers[k].get("title")).casefold() == fold(gold[k]["title"]).casefold() for k in keys)
        figures["title"] = f"{exact / len(keys):.3f} (case-insensitive {loose / len(keys):.3f})"
    if any("author" in answers[k] for k in keys):
        with_author = [k for k in keys if gold[k]["author"]]
        without = [k for k in keys if not gold[k]["author"]]
        matched = sum(author_names(answers[k].get("author")) == author_names(gold[k]["author"]) for k in with_author)
        stated = sum(bool(author_names(answers[k].get("author"))) for k in without)
        figures["author"] = f"{matched / len(with_author):.3f} of {len(with_author)} (stated where gold has none {stated / len(without):.3f})"
    with_date = [k for k in keys if gold[k]["date"]]
    without = [k for k in keys if not gold[k]["date"]]
    outcome = Counter("none" if not answers[k].get("date") else "right" if answers[k]["date"] == gold[k]["date"] else "wrong"
                      for k in with_date)
    stated = sum(bool(answers[k].get("date")) for k in without)
    figures["date"] = (f"right {outcome['right'] / len(with_date):.3f}  wrong {outcome['wrong'] / len(with_date):.3f}  "
                       f"none {outcome['none'] / len(with_date):.3f} of {len(with_date)} "
                       f"(stated where gold has none {stated / len(without):.3f})")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", type=Path, nargs="?", default=WCXB / "html")
    parser.add_argument("gold", type=Path, nargs="?", default=WCXB / "ground-truth.json")
    parser.add_argument("--ids", type=Path, default=DEFAULT_IDS, help="score only the pages this split or list names")
    parser.add_argument("--part", default="dev", help="with a JSON split: which part (dev or heldout)")
    parser.add_argument("--out", type=Path, default=Path("bench/out/metadata_quality"))
    parser.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.pages.is_dir() or not args.gold.is_file() or not args.ids.is_file():
        print(f"skipped: {args.pages}, {args.gold} or {args.ids} is absent")
        return 0
    wanted = chosen_ids(args.ids, args.part)
    gold = {key: value for key, value in json.loads(args.gold.read_text()).items() if key in wanted}
    pages = sorted(p for p in args.pages.iterdir() if page_id(p) in gold)
    if args.limit:
        pages = pages[: args.limit]
    gold = {page_id(p): gold[page_id(p)] for p in pages}
    documents = read_pages(pages)
    started = time.perf_counter()
    articles = clean_documents(documents, workers=args.workers)
    elapsed = time.perf_counter() - started
    product = {key: {"title": None, "author": None, "date": None, "source": None} for key in gold}
    for row in articles.filter(pl.col("rejection").is_null()).iter_rows(named=True):
        product[row["doc_id"]] = {"title": row["title"], "author": row["author"],
                                  "date": str(row["published_date"]) if row["published_date"] else None,
                                  "source": row["published_date_source"]}
    contents = dict(zip(documents["doc_id"], documents["content"], strict=True))
    anchors = anchor_answers(contents, args.out / f"anchors-{args.part}.json")
    (args.out / "predictions.json").write_text(json.dumps(
        {key: {"product": product[key], "gold": {field: gold[key][field] for field in ("title", "author", "date")}}
         for key in gold}, indent=1, ensure_ascii=False))
    print(f"pages {len(gold)} ({args.part}); cleaning {elapsed:.1f} s, {args.workers} workers")
    systems = {"product": product} | {name: {k: anchors.get(k, {}).get(name, {}) for k in gold} for name in ANCHORS}
    for field in ("title", "author", "date"):
        for name, answers in systems.items():
            if field in (figures := score(answers, gold)):
                print(f"{field:6s} {name:21s} {figures[field]}")
    sources = Counter((product[k]["source"], product[k]["date"] == gold[k]["date"]) for k in gold if product[k]["date"] and gold[k]["date"])
    print("product date by source (right/stated on pages with a gold date): " + ", ".join(
        f"{s} {sources[(s, True)]}/{sources[(s, True)] + sources[(s, False)]}" for s in sorted({s for s, _ in sources})))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
