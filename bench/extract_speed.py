"""Extraction speed: the facts stage (pipelines.extraction) on clean article texts, in batches
and worker processes exactly as the `facts` asset runs it.

    python bench/extract_speed.py TEXTS_DIR [--workers 2] [--repeat 1] [--batch-size 500] [--russian JSONL]

TEXTS_DIR holds clean texts as `<id>.txt` (extraction-dev's gold/ folder). --repeat feeds the
corpus several times over, to show that peak memory follows the batch size, not the corpus.
--russian adds one Russian article for every three English ones, taken in turn from a jsonl of
texts (ner-dev's factru-dev.jsonl), tagged "ru" as cleaning tags them: the mix of issue 25.
Prints articles per second and the peak resident memory of this process and of the largest
worker. Skips cleanly (exit 0) when TEXTS_DIR is absent.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.extraction import facts as extraction  # noqa: E402
from pipelines.extraction.entities import merge_entities  # noqa: E402


def batches(files: list[Path], repeat: int, size: int, russian: list[str]) -> Iterator[pl.DataFrame]:
    """Articles read from disk one batch at a time, so the corpus is never all in memory; with
    `russian` texts, every fourth article is the next of them."""
    ids = [(round_no, path) for round_no in range(repeat) for path in files]
    if russian:
        mixed = []
        for i, item in enumerate(ids):
            mixed.append(item)
            if i % 3 == 2:
                mixed.append((item[0], len(mixed) % len(russian)))
        ids = mixed
    for i in range(0, len(ids), size):
        chunk = ids[i:i + size]
        yield pl.DataFrame({"doc_id": [f"{n}-{p if isinstance(p, int) else p.stem}-{i + k}" for k, (n, p) in enumerate(chunk)],
                            "text": [russian[p] if isinstance(p, int) else p.read_text(errors="replace") for _, p in chunk],
                            "published_date": [None] * len(chunk),
                            "language": ["ru" if isinstance(p, int) else "en" for _, p in chunk]},
                           schema_overrides={"published_date": pl.Date})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("texts", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=extraction.BATCH_SIZE)
    parser.add_argument("--russian", type=Path)
    args = parser.parse_args()
    if not args.texts.is_dir() or (args.russian and not args.russian.is_file()):
        print(f"skipped: {args.texts} or {args.russian} is absent")
        return 0
    files = sorted(args.texts.glob("*.txt"))
    russian = [json.loads(line)["text"] for line in args.russian.read_text().splitlines() if line.strip()] if args.russian else []
    started = time.perf_counter()
    rows: dict[str, int] = {}
    entities = []
    for tables in extraction.extract_in_batches(batches(files, args.repeat, args.batch_size, russian), args.workers):
        entities.append(tables["article_entities"])
        for name, frame in tables.items():
            rows[name] = rows.get(name, 0) + frame.height
    merged = merge_entities(pl.concat(entities))
    elapsed = time.perf_counter() - started
    articles = len(files) * args.repeat + (len(files) * args.repeat) // 3 * bool(russian)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{articles} articles ({len(files)} texts x {args.repeat}"
          f"{f', and one Russian text for every three' if russian else ''}), batches of {args.batch_size}, "
          f"{args.workers} worker(s)")
    print(f"time {elapsed:.2f} s (worker start-up included): {articles / elapsed:.0f} articles/s")
    print("rows: " + ", ".join(f"{count} {name}" for name, count in rows.items()) + f", {merged.height} entities")
    print(f"peak RSS: main process {own:.0f} MiB, largest worker {worker:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
