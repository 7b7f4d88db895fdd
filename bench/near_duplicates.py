"""Near-duplicate links on pairs of one story in two renderings, and their cost at scale.

    python bench/near_duplicates.py [EXTRACTION_DEV_DIR] [--limit N] [--stored 100000]

Builds a raw folder in a temporary directory from ../shared/corpora/extraction-dev/dragnet: each
page as HTML and as its plain-text rendering (a scraper's dump), plus constructed cases: a story
(its gold text) under another page's menus and footers, as a wire copy reprinted by another outlet
looks, and a story with one paragraph rewritten, as a corrected version. The product's refresh
ingests the folder; then, with the word 5-gram shingles of the cleaned texts counted exactly:

- recall: of the pairs whose shorter text has >= 90% of its shingles in the other, the share in
  one near-duplicate group;
- false links: near_duplicate_of links between articles sharing < 50% (and, apart, pairs in one
  group sharing < 50%, which a chain of links can join).

Then the cost of grouping new articles against `--stored` articles already in the warehouse
(synthetic signatures; only the near-duplicate step is timed). Skips cleanly when the data is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines import warehouse
from pipelines.cleaning.minhash import PERMUTATIONS, shingles
from pipelines.refresh import _mark_near_duplicates, refresh_warehouse
from pipelines.settings import Settings

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "extraction-dev" / "dragnet"
CONSTRUCTED = 100  # stories of each constructed kind


def containment(a: set[str], b: set[str]) -> float:
    """Share of the smaller set's shingles found in the other."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def build_raw(dragnet: Path, raw: Path, limit: int) -> dict[str, list[str]]:
    """Write the raw folder; return the paths that render each story (pairs to find)."""
    ids = sorted(p.name.split(".")[0] for p in (dragnet / "html").glob("*.html.gz"))[: limit or None]
    gold = json.loads((dragnet / "ground-truth.json").read_text())
    rng = random.Random(13)
    renderings: dict[str, list[str]] = {}
    (raw / "html").mkdir(parents=True)
    (raw / "text").mkdir()
    (raw / "wire").mkdir()
    (raw / "corrected").mkdir()
    for page in ids:
        (raw / "html" / f"{page}.html").write_bytes(gzip.decompress((dragnet / "html" / f"{page}.html.gz").read_bytes()))
        (raw / "text" / f"{page}.txt").write_text((dragnet / "text" / f"{page}.txt").read_text())
        renderings[page] = [f"html/{page}.html", f"text/{page}.txt"]
    long_stories = [p for p in ids if len(gold[p]["articleBody"].split()) >= 150]
    for page in rng.sample(long_stories, min(CONSTRUCTED, len(long_stories))):
        body = gold[page]["articleBody"]
        other = (dragnet / "text" / f"{rng.choice(ids)}.txt").read_text().split("\n")
        furniture_top, furniture_bottom = other[:15], other[-15:]
        (raw / "wire" / f"{page}.txt").write_text("\n".join([*furniture_top, "", body, "", *furniture_bottom]))
        paragraphs = [p for p in body.split("\n") if p.strip()]
        i = rng.randrange(len(paragraphs))
        paragraphs[i] = "Correction: an earlier version of this article misstated a detail. " + " ".join(reversed(paragraphs[i].split()))
        (raw / "corrected" / f"{page}.txt").write_text("\n\n".join(paragraphs))
        renderings[page] += [f"wire/{page}.txt", f"corrected/{page}.txt"]
    return renderings


def quality(settings: Settings, renderings: dict[str, list[str]]) -> None:
    with warehouse.reading(warehouse.working_copy(settings.warehouse)) as con:  # ingest alone does not publish
        rows = con.execute("SELECT unnest(r.paths), a.doc_id, a.text, coalesce(a.near_duplicate_of, a.doc_id), a.near_duplicate_of "
                           "FROM articles a JOIN raw_documents r USING (doc_id)").fetchall()
    by_path = {path: (doc_id, group) for path, doc_id, _, group, _ in rows}
    texts = {doc_id: shingles(text) for _, doc_id, text, _, _ in rows}
    pairs = found = 0
    for paths in renderings.values():
        docs = [by_path[p] for p in paths if p in by_path]
        for i, (a, group_a) in enumerate(docs):
            for b, group_b in docs[i + 1:]:
                if a != b and containment(texts[a], texts[b]) >= 0.9:
                    pairs += 1
                    found += group_a == group_b
    links = {(doc_id, original) for _, doc_id, _, _, original in rows if original}
    false_links = sum(containment(texts[a], texts[b]) < 0.5 for a, b in links)
    groups: dict[str, set[str]] = {}
    for _, doc_id, _, group, _ in rows:
        groups.setdefault(group, set()).add(doc_id)
    low_pairs = sum(containment(texts[a], texts[b]) < 0.5
                    for members in groups.values() for a in members for b in members if a < b)
    print(f"articles {len(texts)}, links {len(links)}, groups of 2+ {sum(len(m) > 1 for m in groups.values())}")
    print(f"recall on pairs sharing >= 90% of shingles: {found}/{pairs} = {found / max(pairs, 1):.3f}")
    print(f"false links (sharing < 50%): {false_links}; pairs in one group sharing < 50%: {low_pairs}")


def cost_at_scale(stored: int, workdir: Path) -> None:
    """Seconds to group new articles against `stored` ones: the step alone, on synthetic
    signatures (random, so no pairs; the band join and the verification are what scale)."""
    path = workdir / "scale.duckdb"
    rng = np.random.default_rng(5)
    with warehouse.writing(path) as con:
        con.execute("""INSERT INTO raw_documents BY NAME
                       SELECT 'd' || i AS doc_id, 'txt' AS format, ['p' || i] AS paths, 1 AS size_bytes, 'utf-8' AS encoding,
                              'x' AS content, now()::TIMESTAMP + i * INTERVAL 1 SECOND AS first_seen, now()::TIMESTAMP AS last_seen
                       FROM range(?) t(i)""", [stored])
        con.register("signatures", pl.DataFrame({
            "doc_id": [f"d{i}" for i in range(stored)],
            "minhash": rng.integers(0, 1 << 32, (stored, PERMUTATIONS), dtype=np.uint32).tolist()}))
        con.execute("""INSERT INTO articles BY NAME SELECT doc_id, minhash, 400 AS shingle_count, 'x' AS text, 1 AS word_count,
                       'text:lines' AS cleaning_method, '0' AS cleaning_version, now() AS cleaned_at FROM signatures""")
    for new in (10, 1000):
        with warehouse.writing(path) as con:
            ids = [f"d{i}" for i in range(stored - new, stored)]
            started = time.perf_counter()
            _mark_near_duplicates(con, ids, [])
            elapsed = time.perf_counter() - started
        print(f"{new} new against {stored - new} stored: {elapsed:.2f} s ({elapsed / new * 1000:.1f} ms per new article)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dragnet", type=Path, nargs="?", default=DEFAULT_DIR)
    parser.add_argument("--limit", type=int, default=0, help="use the first N pages only")
    parser.add_argument("--stored", type=int, default=100_000)
    args = parser.parse_args()
    if not (args.dragnet / "text").is_dir():
        print(f"skipped: {args.dragnet} is absent")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(raw_dir=Path(tmp) / "raw", warehouse=Path(tmp) / "warehouse" / "news.duckdb")
        renderings = build_raw(args.dragnet, settings.raw_dir, args.limit)
        started = time.perf_counter()
        refresh_warehouse(settings, log=lambda message: None)
        print(f"refresh of {sum(map(len, renderings.values()))} files: {time.perf_counter() - started:.0f} s")
        quality(settings, renderings)
        if args.stored:
            cost_at_scale(args.stored, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
