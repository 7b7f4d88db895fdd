"""A refresh of a DuckLake warehouse in shards, so that its heavy part runs on many workers at once.

No Dagster here (pipelines/assets/sharded.py runs these functions as steps). A run has three
kinds of step:

- `plan_lake_refresh` (one): read what is new under raw/ and write raw_files, raw_documents and
  the read rejections in one transaction, as a single-machine refresh does, and queue in
  work_queue each document to clean and each article to extract again. Plans of runs started at
  once take turns (each updates the one row of plan_turns, DuckLake lets only one of two such
  commits through, and a plan whose turn moved on while it read plans again), so no document is
  stored twice.
- `refresh_shard` (any number at once, on any worker, in any order): clean and extract the queued
  documents of one shard of doc_ids and write their articles, rejections and fact rows in
  transactions that also delete their tasks. DuckLake refuses a commit that deletes rows another
  commit has deleted meanwhile, so a shard retried after its worker died, or done by two runs at
  once, writes each article once: the loser reads the queue again and commits what is left.
- `finish_lake_refresh` (one, after the shards): link the new articles to their near-duplicates
  and merge again the entities the shards touched, taking those tasks off the queue.

A run killed anywhere leaves its tasks queued; the next run's shards do them.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines import warehouse
from pipelines.cleaning import clean_documents
from pipelines.derive import PER_ARTICLE_TABLES
from pipelines.extraction.entities import ENTITIES_SQL
from pipelines.extraction.facts import EXTRACTION_VERSION, LEFT_OUT, extract_batch
from pipelines.lake import Lake
from pipelines.refresh import (
    BATCH_SIZE,
    Progress,
    RefreshSummary,
    Staging,
    insert_cleaned,
    mark_near_duplicates,
    read_and_plan,
    write_documents,
)
from pipelines.settings import Settings

# Stages of the tasks a shard does, and of those the finishing step does.
SHARD_STAGES = ("clean", "extract")
FINISH_STAGES = ("link", "unlink", "entity")
# Commits refused for a conflict with another writer's are tried again this many times, after a
# growing random pause; DuckLake itself first retries those that do not conflict in substance.
COMMIT_ATTEMPTS = 30
FACT_TABLES = ("article_extractions", *PER_ARTICLE_TABLES)


def shard_of(doc_id: str, shards: int) -> int:
    """The shard a document belongs to: its content hash (hex) modulo the number of shards."""
    return int(doc_id[:12], 16) % shards


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass
class Commit:
    """A transaction committed to the lake: `write`'s result, the conflicting commits it met
    before, and the seconds of its statements (Parquet files written) and of its commits."""

    result: object
    conflicts: int = 0
    write_seconds: float = 0.0
    commit_seconds: float = 0.0


def commit_with_retries(lake: Lake, write: Callable[[duckdb.DuckDBPyConnection], object],
                        log: Callable[[str], None]) -> Commit:
    """`write` in one transaction on the lake, run again in a new transaction while DuckLake
    refuses the commit for a conflict with a concurrent one."""
    commit = Commit(None)
    for attempt in range(COMMIT_ATTEMPTS):
        started = time.perf_counter()
        try:
            with warehouse.writing(lake, schema=False) as con:
                commit.result = write(con)
                written = time.perf_counter()
                commit.write_seconds += written - started
            commit.commit_seconds += time.perf_counter() - written
            return commit
        except duckdb.TransactionException as error:
            if attempt == COMMIT_ATTEMPTS - 1:
                raise
            commit.conflicts += 1
            log(f"Commit conflicted with another writer's ({str(error).splitlines()[0][:120]}); trying again.")
            time.sleep(random.uniform(0.05, 0.2) * min(2 ** attempt, 20))
    raise AssertionError("unreachable")


def _queue(con: duckdb.DuckDBPyConnection, stage: str, keys_sql: str, queued_at: datetime, params: list | None = None) -> None:
    """Queue a task of `stage` for each key `keys_sql` selects (one column) not queued yet."""
    con.execute(
        f"""INSERT INTO work_queue SELECT DISTINCT ?, key, ? FROM ({keys_sql}) AS selected(key)
            WHERE key IS NOT NULL AND key NOT IN (SELECT key FROM work_queue WHERE stage = ?)""",
        [stage, queued_at, *(params or []), stage])


@dataclass
class LakePlan:
    """What a plan committed, and what its shards are to do."""

    run_started: datetime
    summary: RefreshSummary
    shards_with_work: list[int] = field(default_factory=list)
    tasks: int = 0
    conflicts: int = 0


class PlanOutdated(RuntimeError):
    """Another plan committed after this one read the lake: what it read may be stale."""


def _turn(con: duckdb.DuckDBPyConnection) -> int:
    """How many plans the lake has committed."""
    return con.execute("SELECT max(turn) FROM plan_turns").fetchall()[0][0] or 0


def _plan_turn(lake: Lake) -> int:
    """How many plans the lake has committed (0 before its tables exist)."""
    with warehouse.reading(lake) as con:
        return _turn(con) if warehouse.table_exists(con, "plan_turns") else 0


def _write_plan(con: duckdb.DuckDBPyConnection, plan, staging: Staging, run_started: datetime, rederive: bool,
                turn: int) -> None:
    # Plans committed while this one overlapped conflict on this row; one committed between this
    # plan's reading and its writing shows in the turn it left.
    if _turn(con) != turn:
        raise PlanOutdated("another plan committed since this one read the lake")
    con.execute("UPDATE plan_turns SET turn = turn + 1, planned_at = ?", [run_started])
    # A replaced document's article goes with its facts; the entities they named are merged again
    # and the articles that pointed at it linked again by the finishing step.
    warehouse.register_values(con, "replaced_documents", "doc_id", plan.replaced)
    _queue(con, "entity", "SELECT entity_id FROM article_entities WHERE doc_id IN (SELECT doc_id FROM replaced_documents)", run_started)
    _queue(con, "unlink", "SELECT doc_id FROM articles WHERE doc_id IN (SELECT doc_id FROM replaced_documents)", run_started)
    for table in FACT_TABLES:
        con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM replaced_documents)")
    write_documents(con, plan, staging, run_started)
    warehouse.register_values(con, "to_clean", "doc_id", {d.doc_id for d in plan.new_documents} | plan.reclean)
    _queue(con, "clean", "SELECT doc_id FROM to_clean", run_started)
    _queue(con, "extract",
           """SELECT a.doc_id FROM articles a LEFT JOIN article_extractions e USING (doc_id)
              WHERE (? OR e.doc_id IS NULL OR e.extraction_version <> ? OR e.cleaning_version <> a.cleaning_version)
                AND a.doc_id NOT IN (SELECT key FROM work_queue WHERE stage = 'clean')""",
           run_started, [rederive, EXTRACTION_VERSION])


def plan_lake_refresh(settings: Settings, shards: int, progress: Progress | None = None,
                      log: Callable[[str], None] = print, rederive: bool = False) -> LakePlan:
    """Store what is new under raw/ in the lake and queue the work of its shards."""
    lake = settings.lake
    assert lake is not None, "a sharded refresh needs a lake"
    progress = progress or Progress()
    warehouse.prepare_working_copy(lake)
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    conflicts = 0
    for attempt in range(COMMIT_ATTEMPTS):
        run_started = now()
        # A folder of its own: plans of other runs may be staging beside it.
        staging = Staging(settings.warehouse, root=Path(tempfile.mkdtemp(prefix=f".{settings.warehouse.name}.staging-",
                                                                          dir=settings.warehouse.parent)))
        try:
            turn = _plan_turn(lake)
            plan, summary = read_and_plan(settings, lake, staging, progress, run_started)
            progress.start("Writing documents to the lake", 1)
            with warehouse.writing(lake, on_wait=log) as con:
                _write_plan(con, plan, staging, run_started, rederive, turn)
            progress.advance(1)
            break
        except (duckdb.TransactionException, PlanOutdated) as error:
            if attempt == COMMIT_ATTEMPTS - 1:
                raise
            conflicts += 1
            log(f"Another run planned at the same time ({str(error).splitlines()[0][:120]}); planning again.")
            time.sleep(random.uniform(0.1, 0.5))
        finally:
            staging.remove()
    summary.rejections = plan.rejections_added
    summary.rejected_added = len(plan.rejections_added)
    with warehouse.reading(lake) as con:
        keys = [key for (key,) in con.execute("SELECT key FROM work_queue WHERE stage IN ('clean', 'extract')").fetchall()]
    return LakePlan(run_started, summary, sorted({shard_of(key, shards) for key in keys}), len(keys), conflicts)


@dataclass
class ShardSummary:
    shard: int
    documents_cleaned: int = 0
    articles_added: int = 0
    rejected: int = 0
    articles_extracted: int = 0
    commits: int = 0
    conflicts: int = 0
    # Seconds cleaning, extracting, writing rows (Parquet files) and committing (the catalog).
    clean_seconds: float = 0.0
    extract_seconds: float = 0.0
    write_seconds: float = 0.0
    commit_seconds: float = 0.0


def _queued_tasks(lake: Lake, shard: int, shards: int) -> dict[str, str]:
    """{doc_id: stage} of the queued clean and extract tasks of this shard."""
    with warehouse.reading(lake) as con:
        rows = con.execute("SELECT key, min(stage) FROM work_queue WHERE stage IN ('clean', 'extract') GROUP BY key").fetchall()
    return {key: stage for key, stage in rows if shard_of(key, shards) == shard}


def _write_shard_batch(con: duckdb.DuckDBPyConnection, batch: dict[str, str], cleaned: pl.DataFrame,
                       extracted: pl.DataFrame, facts: dict[str, pl.DataFrame], run_started: datetime) -> int:
    """Replace the rows of the batch's documents that are still queued by the new ones, taking
    their tasks off the queue; how many were still queued."""
    con.register("batch_tasks", pl.DataFrame({"key": list(batch), "stage": list(batch.values())},
                                             schema={"key": pl.String, "stage": pl.String}))
    con.execute("""CREATE TEMP TABLE still_queued AS SELECT DISTINCT w.key AS doc_id, b.stage FROM work_queue w
                   JOIN batch_tasks b ON w.key = b.key AND w.stage = b.stage""")
    still = con.execute("SELECT count(*) FROM still_queued").fetchall()[0][0]
    if not still:
        return 0
    con.execute("DELETE FROM work_queue WHERE stage IN ('clean', 'extract') AND key IN (SELECT doc_id FROM still_queued)")
    queued = "SELECT doc_id FROM still_queued"
    to_clean = "SELECT doc_id FROM still_queued WHERE stage = 'clean'"
    replacing = con.execute(
        """SELECT count(*) FROM still_queued WHERE stage = 'extract' OR doc_id IN (SELECT doc_id FROM articles)
            OR doc_id IN (SELECT doc_id FROM rejected_documents WHERE stage = 'clean')""").fetchall()[0][0]
    if replacing:  # each statement on a lake costs catalog queries: none for new documents
        # The rows these replace: the entities they named are merged again, and the articles that
        # pointed at a re-cleaned one are linked again, by the finishing step.
        _queue(con, "entity", f"SELECT entity_id FROM article_entities WHERE doc_id IN ({queued})", run_started)
        _queue(con, "unlink", f"SELECT doc_id FROM articles WHERE doc_id IN ({to_clean})", run_started)
        con.execute(f"DELETE FROM articles WHERE doc_id IN ({to_clean})")
        con.execute(f"DELETE FROM rejected_documents WHERE stage = 'clean' AND doc_id IN ({to_clean})")
        for table in FACT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN ({queued})")

    con.register("shard_cleaned", cleaned)
    insert_cleaned(con, f"(SELECT * FROM shard_cleaned WHERE doc_id IN ({to_clean}))", [], run_started)
    # Facts only of articles the lake holds (one replaced meanwhile by a concurrent plan has none).
    con.register("shard_extracted", extracted)
    con.execute(f"""CREATE TEMP TABLE extracted_here AS SELECT doc_id, cleaning_version FROM shard_extracted
                    WHERE doc_id IN ({queued}) AND doc_id IN (SELECT doc_id FROM articles)""")
    for name in PER_ARTICLE_TABLES:
        con.register(f"shard_{name}", facts[name])
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM shard_{name} WHERE doc_id IN (SELECT doc_id FROM extracted_here)")
    counts = ", ".join(f"coalesce({name}_rows, 0) AS {name}_rows" for name in PER_ARTICLE_TABLES)
    joins = " ".join(f"LEFT JOIN (SELECT doc_id, count(*) AS {name}_rows FROM shard_{name} GROUP BY doc_id) USING (doc_id)"
                     for name in PER_ARTICLE_TABLES)
    con.register("shard_left_out", facts[LEFT_OUT])
    con.execute(f"""INSERT INTO article_extractions BY NAME
                    SELECT doc_id, cleaning_version, ? AS extraction_version, ?::TIMESTAMP AS extracted_at, {counts},
                           l.reason AS left_out_reason
                    FROM extracted_here {joins} LEFT JOIN shard_left_out l USING (doc_id)""", [EXTRACTION_VERSION, run_started])
    _queue(con, "link", f"SELECT doc_id FROM shard_cleaned WHERE rejection IS NULL AND doc_id IN ({to_clean})", run_started)
    _queue(con, "entity", "SELECT entity_id FROM shard_article_entities WHERE doc_id IN (SELECT doc_id FROM extracted_here)", run_started)
    return still


def refresh_shard(lake: Lake, shard: int, shards: int, run_started: datetime, workers: int = 1,
                  progress: Progress | None = None, log: Callable[[str], None] = print) -> ShardSummary:
    """Clean and extract the queued documents of one shard, BATCH_SIZE per transaction."""
    progress = progress or Progress()
    summary = ShardSummary(shard)
    tasks = _queued_tasks(lake, shard, shards)
    progress.start(f"Cleaning and extracting shard {shard + 1} of {shards}", len(tasks))
    ids = sorted(tasks)
    for i in range(0, len(ids), BATCH_SIZE):
        batch = {doc_id: tasks[doc_id] for doc_id in ids[i: i + BATCH_SIZE]}
        to_clean = [doc_id for doc_id, stage in batch.items() if stage == "clean"]
        to_extract = [doc_id for doc_id, stage in batch.items() if stage == "extract"]
        with warehouse.reading(lake) as con:
            documents = con.sql("SELECT doc_id, content, format, source_url FROM raw_documents "
                                "WHERE doc_id IN (SELECT unnest($ids::VARCHAR[]))", params={"ids": to_clean}).pl()
            stored = con.sql("SELECT doc_id, text, published_date, language, cleaning_version FROM articles "
                             "WHERE doc_id IN (SELECT unnest($ids::VARCHAR[]))", params={"ids": to_extract}).pl()
        started = time.perf_counter()
        cleaned = clean_documents(documents, workers)
        summary.clean_seconds += time.perf_counter() - started
        extracted = pl.concat([
            cleaned.filter(pl.col("rejection").is_null()).select("doc_id", "text", "published_date", "language", "cleaning_version"),
            stored,
        ])
        started = time.perf_counter()
        facts = extract_batch(extracted)
        summary.extract_seconds += time.perf_counter() - started
        write = partial(_write_shard_batch, batch=batch, cleaned=cleaned,
                        extracted=extracted.select("doc_id", "cleaning_version"), facts=facts, run_started=run_started)
        commit = commit_with_retries(lake, write, log)
        still = commit.result
        summary.commits += 1
        summary.conflicts += commit.conflicts
        summary.write_seconds += commit.write_seconds
        summary.commit_seconds += commit.commit_seconds
        if still == len(batch):
            summary.documents_cleaned += len(to_clean)
            summary.articles_added += int(cleaned["rejection"].is_null().sum())
            summary.rejected += int(cleaned["rejection"].is_not_null().sum())
            summary.articles_extracted += extracted.height
        elif still:
            log(f"Shard {shard}: {len(batch) - still} of {len(batch)} tasks were done meanwhile by another run.")
        progress.advance(len(batch))
    return summary


@dataclass
class FinishSummary:
    linked: int = 0
    relinked: int = 0
    entities_merged: int = 0
    conflicts: int = 0


def _finish(con: duckdb.DuckDBPyConnection) -> FinishSummary:
    con.execute("CREATE TEMP TABLE finishing AS SELECT DISTINCT stage, key FROM work_queue WHERE stage IN ('link', 'unlink', 'entity')")
    con.execute("DELETE FROM work_queue WHERE stage IN ('link', 'unlink', 'entity') "
                "AND stage || ':' || key IN (SELECT stage || ':' || key FROM finishing)")
    link = [key for (key,) in con.execute(
        "SELECT key FROM finishing WHERE stage = 'link' AND key IN (SELECT doc_id FROM articles) ORDER BY key").fetchall()]
    unlink = [key for (key,) in con.execute("SELECT key FROM finishing WHERE stage = 'unlink' ORDER BY key").fetchall()]
    mark_near_duplicates(con, link, unlink)
    entities = "SELECT key FROM finishing WHERE stage = 'entity'"
    con.execute(f"DELETE FROM entities WHERE entity_id IN ({entities})")
    con.execute("INSERT INTO entities BY NAME " + ENTITIES_SQL.format(
        source=f"SELECT * FROM article_entities WHERE entity_id IN ({entities})"))
    merged = con.execute(f"SELECT count(*) FROM ({entities})").fetchall()[0][0]
    return FinishSummary(linked=len(link), relinked=len(unlink), entities_merged=merged)


def finish_lake_refresh(lake: Lake, log: Callable[[str], None] = print) -> FinishSummary:
    """Link the articles the shards added and merge the entities they touched, in one transaction."""
    commit = commit_with_retries(lake, _finish, log)
    commit.result.conflicts = commit.conflicts
    return commit.result


def refresh_shard_apart(lake: Lake, shard: int, shards: int, run_started: datetime, workers: int = 1,
                        log: Callable[[str], None] = print) -> ShardSummary:
    """`refresh_shard` in a Python process of its own. A Celery worker runs steps in daemonic
    processes, which may not start the processes that cleaning isolates each document in; a
    process started with subprocess may. It ends itself if the step's process dies (a killed
    worker), and its commits are safe to repeat, so the retried step and it never write twice."""
    task = {"catalog": lake.catalog, "data_path": lake.data_path, "shard": shard, "shards": shards,
            "run_started": run_started.isoformat(), "workers": workers}
    done = subprocess.run([sys.executable, "-m", "pipelines.shards", json.dumps(task)],
                          capture_output=True, text=True, check=False)
    for line in done.stderr.splitlines():
        if line.startswith(LOG_PREFIX):
            log(line.removeprefix(LOG_PREFIX))
    if done.returncode != 0:
        raise RuntimeError(f"shard {shard} failed in its process (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    return ShardSummary(**json.loads(done.stdout.splitlines()[-1]))


LOG_PREFIX = "shard log: "


def _end_with_parent() -> None:
    """Exit as soon as the process that started this one is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


if __name__ == "__main__":
    _end_with_parent()
    arguments = json.loads(sys.argv[1])
    result = refresh_shard(Lake(arguments["catalog"], arguments["data_path"]), arguments["shard"], arguments["shards"],
                           datetime.fromisoformat(arguments["run_started"]), arguments["workers"],
                           log=lambda message: print(LOG_PREFIX + message, file=sys.stderr, flush=True))
    print(json.dumps(asdict(result)))
