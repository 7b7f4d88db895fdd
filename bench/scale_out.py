"""Scale-out: the refresh on N Celery workers into a DuckLake, against the same files built on one
machine into a DuckDB file, compared row for row.

    python bench/scale_out.py --workers N [--shards S] RAW_DIR [RAW_DIR ...]

Copies the RAW_DIRs into one temporary raw/ (extraction-dev's html/ and the bundled raw/, say),
builds it single-machine with `news-warehouse run` into a DuckDB file, then starts PostgreSQL
(the lake's catalog) and Redis (the broker) on loopback in temporary folders, starts N Celery
workers, and runs `news-warehouse run` again with the lake and the Celery executor. Prints the
wall times, where the lake run's time went (steps, shards' cleaning, extraction, lake writes and
catalog commits, the broker's gaps), and one closing line `equal: yes` or `equal: no (...)`.
Needs Debian's `postgresql` and `redis-server` (.ci/run installs them). Skips cleanly (exit 0)
when no RAW_DIR exists.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg

from pipelines.lake import Lake
from pipelines.services import celery_workers, postgres_server, redis_server
from pipelines.warehouse import contents, differences

ROOT = Path(__file__).resolve().parent.parent


def copy_raw(sources: list[Path], raw: Path) -> int:
    raw.mkdir(parents=True)
    copied = 0
    for source in sources:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                target = raw / source.name / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                copied += 1
    return copied


def news_warehouse_run(env: dict[str, str], log: Path) -> float:
    started = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run([sys.executable, "-m", "pipelines.cli", "run"], cwd=ROOT, env=env, stdout=out,
                              stderr=subprocess.STDOUT, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        print(log.read_text()[-3000:])
        raise SystemExit(f"news-warehouse run failed (exit {done.returncode}); log: {log}")
    return elapsed


def dagster_home(scratch: Path, name: str) -> Path:
    home = scratch / name
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home)
    return home


def step_times(home: Path) -> list[tuple[str, float, float]]:
    """(step, start, end) in seconds from the run's start, of the latest run in `home`."""
    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        started = instance.get_run_stats(run.run_id).start_time
        records = instance.get_records_for_run(run.run_id, limit=100000).records
    ends, starts = {}, {}
    for record in records:
        entry = record.event_log_entry
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type_value == "STEP_START":
            starts.setdefault(event.step_key, entry.timestamp)
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            ends[event.step_key] = entry.timestamp
    return sorted((key, starts[key] - started, ends.get(key, starts[key]) - started) for key in starts)


def shard_figures(home: Path) -> dict[str, float]:
    """The shard steps' own accounts (seconds cleaning, extracting, writing rows, committing to
    the catalog; conflicts), summed over the latest run's shards from their outputs' metadata."""
    os.environ["DAGSTER_HOME"] = str(home)
    totals: dict[str, float] = {}
    with dg.DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        for record in instance.get_records_for_run(run.run_id, limit=100000).records:
            event = record.event_log_entry.dagster_event
            if event is None or event.event_type_value != "STEP_OUTPUT" or "refresh_shard_step" not in event.step_key:
                continue
            for key, value in event.step_output_data.metadata.items():
                totals[key] = totals.get(key, 0.0) + float(value.value)
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw_dirs", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=2, help="Celery workers (default 2)")
    parser.add_argument("--shards", type=int, default=8, help="shards of the lake's refresh (default 8)")
    args = parser.parse_args()
    sources = [d for d in args.raw_dirs if d.is_dir()]
    if not sources:
        print(f"skipped: none of {', '.join(map(str, args.raw_dirs))} exists")
        return 0
    scratch = Path(tempfile.mkdtemp(prefix="scale-out-"))
    try:
        files = copy_raw(sources, scratch / "raw")
        print(f"{files} files from {', '.join(map(str, sources))}; {args.workers} workers, {args.shards} shards, "
              f"{os.cpu_count()} cores")
        base = {**os.environ, "NEWS_WAREHOUSE_RAW": str(scratch / "raw"), "NEWS_WAREHOUSE_WORKERS": "1"}
        for key in ("NEWS_WAREHOUSE_LAKE", "NEWS_WAREHOUSE_LAKE_DATA", "NEWS_WAREHOUSE_CELERY_BROKER"):
            base.pop(key, None)

        file_db = scratch / "file" / "news.duckdb"
        single = news_warehouse_run({**base, "NEWS_WAREHOUSE_DB": str(file_db),
                                     "DAGSTER_HOME": str(dagster_home(scratch, "home-file"))}, scratch / "file.log")
        print(f"single machine, DuckDB file:    {single:7.1f} s")

        with postgres_server() as catalog, redis_server() as broker:
            lake = Lake(catalog, str(scratch / "lake-data") + "/")
            home = dagster_home(scratch, "home-lake")
            env = {**base, "NEWS_WAREHOUSE_DB": str(scratch / "lake" / "news.duckdb"), "NEWS_WAREHOUSE_LAKE": lake.catalog,
                   "NEWS_WAREHOUSE_LAKE_DATA": lake.data_path, "NEWS_WAREHOUSE_CELERY_BROKER": broker,
                   "NEWS_WAREHOUSE_SHARDS": str(args.shards), "DAGSTER_HOME": str(home)}
            started = time.perf_counter()
            with celery_workers(args.workers, broker, env):
                print(f"{args.workers} Celery workers ready:      {time.perf_counter() - started:7.1f} s")
                distributed = news_warehouse_run(env, scratch / "lake.log")
            print(f"{args.workers} workers, DuckLake:          {distributed:7.1f} s")
            steps = step_times(home)
            for key, start, end in steps:
                print(f"  {key:55s} {start:7.1f} -> {end:7.1f} s  ({end - start:6.1f} s)")
            busy = sum(end - start for _, start, end in steps)
            print(f"  steps' own time {busy:.1f} s over {len(steps)} steps; broker, step start-up and waiting: "
                  f"{distributed - busy / args.workers:.1f} s of the wall time at best")
            figures = shard_figures(home)
            if figures:
                print("  shards: " + ", ".join(f"{key} {value:.1f}" for key, value in figures.items()))
            found = differences(contents(file_db), contents(lake))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"speed-up: {single / distributed:.2f}x")
    print("equal: yes" if not found else f"equal: no ({'; '.join(found)})")
    return 0 if not found else 1


if __name__ == "__main__":
    raise SystemExit(main())
