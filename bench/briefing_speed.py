"""Speed of the briefing page: `briefing_tables` (the SQL) and `render_briefing` (the charts and
tables, the Vega bundle) on a warehouse of N articles, against the target of 10 s at 100,000.

    python bench/briefing_speed.py --warehouse FILE [--days 7] [--repeat 3]
    python bench/briefing_speed.py --build N [--workers 2] [--workdir DIR]

--warehouse times a built warehouse (copied first to a scratch folder, so no run of its own is
ever locked out); --build makes N synthetic articles with bench/scale.py's generator (needs
../shared/corpora) and runs the pipeline on them first. The first render pays for building the
Vega bundle once per process (about 1.5 s); the figures give it apart. Skips cleanly (exit 0)
when neither the warehouse nor the corpora are there.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_SECONDS = 10.0


def build(n: int, workers: int, work: Path) -> Path | None:
    from scale import CORPORA, Articles, load_sources, write_articles

    if not CORPORA.is_dir():
        return None
    raw, warehouse = work / "raw", work / "warehouse" / "news.duckdb"
    write_articles(Articles(load_sources()), raw, range(n))
    env = {"DAGSTER_HOME": str(work / "dagster_home")}
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", work / "dagster_home")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--raw", str(raw), "--warehouse", str(warehouse),
                    "--workers", str(workers)], cwd=ROOT, env={**__import__("os").environ, **env}, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"built and ran {n} articles in {time.perf_counter() - started:.1f} s")
    return warehouse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--build", type=int)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.warehouse and not args.build:
        parser.error("give --warehouse FILE or --build N")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="news-warehouse-briefing-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.warehouse:
        if not args.warehouse.exists():
            print(f"skipped: {args.warehouse} is absent")
            return 0
        warehouse = work / "news.duckdb"
        shutil.copyfile(args.warehouse, warehouse)
    else:
        warehouse = build(args.build, args.workers, work)
        if warehouse is None:
            print("skipped: ../shared/corpora is absent")
            return 0

    from pipelines.briefing import briefing_tables, render_briefing, vega_bundle
    from pipelines.warehouse import reading

    with reading(warehouse) as con:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        mentions = con.execute("SELECT count(*) FROM entity_mentions").fetchone()[0]
    print(f"warehouse: {articles:,} articles, {mentions:,} mentions ({warehouse.stat().st_size / 1e6:.0f} MB)")
    started = time.perf_counter()
    vega_bundle()
    bundle = time.perf_counter() - started
    print(f"Vega bundle (once per process): {bundle:.2f} s\n")
    print("| run | tables s | render s | total s | period | articles in period | page MB |")
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
    totals = []
    for run in range(1, args.repeat + 1):
        started = time.perf_counter()
        with reading(warehouse) as con:
            tables = briefing_tables(con, args.days)
        middle = time.perf_counter()
        page = render_briefing(tables)
        done = time.perf_counter()
        totals.append(done - started)
        print(f"| {run} | {middle - started:.2f} | {done - middle:.2f} | {done - started:.2f} | "
              f"{tables.start} to {tables.end} | {tables.articles:,} | {len(page.encode()) / 1e6:.2f} |")
    with reading(warehouse) as con:
        started = time.perf_counter()
        whole = briefing_tables(con, 100_000)
        middle = time.perf_counter()
    render_briefing(whole)
    print(f"\nevery article in the period ({whole.articles:,}): tables {middle - started:.2f} s, "
          f"render {time.perf_counter() - middle:.2f} s")
    worst = max(totals) + bundle
    print(f"target: page in under {TARGET_SECONDS:.0f} s at 100,000 articles: worst {worst:.2f} s with the bundle "
          f"-> {'PASS' if worst < TARGET_SECONDS else 'FAIL'}" + ("" if articles >= 100_000 else f" (at {articles:,} articles)"))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
