"""Throughput: the whole pipeline (files to DuckDB through Dagster) against a bare
single-process loop calling trafilatura.extract on the same pages, in the same run.

    python bench/throughput.py PAGES_DIR [--limit N] [--workers N]

PAGES_DIR holds `<id>.html` or `<id>.html.gz` pages (extraction-dev's html/ folder). The pipeline
runs as a user runs it (`news-warehouse run` on a fresh raw/ and warehouse, in a subprocess so
its peak memory is its own). Skips cleanly (exit 0) when PAGES_DIR is absent.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def bare_loop(pages: list[Path]) -> tuple[float, int]:
    import trafilatura

    started = time.perf_counter()
    extracted = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for page in pages:
            data = page.read_bytes()
            if page.suffix == ".gz":
                data = gzip.decompress(data)
            extracted += trafilatura.extract(data) is not None
    return time.perf_counter() - started, extracted


def pipeline_run(pages: list[Path], workers: int, scratch: Path) -> tuple[float, int, int]:
    raw = scratch / "raw"
    raw.mkdir()
    for page in pages:
        shutil.copyfile(page, raw / page.name)
    home = scratch / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home)
    db = scratch / "news.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    command = [sys.executable, "-m", "pipelines.cli", "run", "--raw", str(raw), "--warehouse", str(db), "--workers", str(workers)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    con = duckdb.connect(str(db), read_only=True)
    articles = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    con.close()
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, articles, peak_kib


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.pages.is_dir():
        print(f"skipped: {args.pages} is absent")
        return 0
    pages = sorted(p for p in args.pages.iterdir() if p.name.endswith((".html", ".html.gz")))
    if args.limit:
        pages = pages[: args.limit]
    with tempfile.TemporaryDirectory() as scratch:
        pipe_seconds, articles, pipe_peak = pipeline_run(pages, args.workers, Path(scratch))
    bare_seconds, extracted = bare_loop(pages)
    bare_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n = len(pages)
    print(f"pages {n}")
    print(f"bare trafilatura.extract loop, 1 process : {n / bare_seconds:6.1f} pages/s ({bare_seconds:.1f} s, "
          f"{extracted} extracted, peak RSS {bare_peak / 1024:.0f} MiB)")
    print(f"pipeline end to end into DuckDB, {args.workers} workers: {n / pipe_seconds:6.1f} pages/s ({pipe_seconds:.1f} s, "
          f"{articles} articles, peak RSS of its largest process {pipe_peak / 1024:.0f} MiB)")
    print(f"speed-up {bare_seconds / pipe_seconds:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
