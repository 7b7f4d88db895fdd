"""One derivation of the fact tables from articles, article by article.

No Dagster here (the `facts` asset calls `derive_facts`). Only articles that are new, re-cleaned
or made by another extraction version are extracted; the rows of removed articles go; entities
are merged again in SQL for the entity ids those articles touch. Extraction stages its rows as
Parquet parts beside the warehouse and the write transaction holds only the final delete and
insert: a run killed at any point leaves the warehouse as before or fully updated, and the parts
a killed run staged are used by the next one, so re-deriving 100,000 articles resumes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines import warehouse
from pipelines.extraction.entities import ENTITIES_SQL
from pipelines.extraction.facts import BATCH_SIZE, EXTRACTION_VERSION, LEFT_OUT, extract_in_batches
from pipelines.lake import Lake
from pipelines.refresh import WRITE_WAIT_SECONDS, Progress, run_lock
from pipelines.settings import Settings

# Tables of rows that belong to one article, as extract_facts returns them.
PER_ARTICLE_TABLES = tuple(t for t in warehouse.table_names("facts") if t not in ("article_extractions", "entities"))
# Articles per staged part: what a killed run can lose.
PART_ARTICLES = 2000
# Articles per read of the working copy during extraction: each read scans every stored article's
# id, so reads of a part's worth cost less than a read per batch.
READ_ARTICLES = 2000
ARTICLES_PART = "articles"


@dataclass
class DeriveSummary:
    extracted: int = 0
    resumed: int = 0
    removed: int = 0
    # Articles of this run whose facts were left out, with why: {doc_id: reason}.
    left_out: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.extracted or self.resumed or self.removed)


@dataclass
class DerivePlan:
    """Articles whose facts are to be (re-)extracted, with the cleaning version of their text, and
    articles whose facts are to go."""

    pending: pl.DataFrame
    removed: list[str]


def plan_derivation(db_path: Path | Lake, rederive: bool, repair_since: datetime | None = None) -> DerivePlan:
    """What this run derives: every article when forced or when the derived tables' columns
    changed (apply_schema drops them all), else the articles not extracted by this version, and
    those extracted since `repair_since` (the unpublished facts a failed check judged)."""
    empty = DerivePlan(pl.DataFrame(schema={"doc_id": pl.String, "cleaning_version": pl.String}), [])
    if not warehouse.exists(db_path):
        return empty
    with warehouse.reading(db_path) as con:
        if not warehouse.table_exists(con, "articles"):
            return empty
        everything = (rederive or not warehouse.table_exists(con, "article_extractions")
                      or not warehouse.derived_tables_current(con))
        if everything:
            pending = con.sql("SELECT doc_id, cleaning_version FROM articles ORDER BY doc_id").pl()
            removed = []
        else:
            pending = con.sql(
                """SELECT a.doc_id, a.cleaning_version FROM articles a LEFT JOIN article_extractions e USING (doc_id)
                   WHERE e.doc_id IS NULL OR e.extraction_version <> $version OR e.cleaning_version <> a.cleaning_version
                      OR e.extracted_at >= $repair_since
                   ORDER BY a.doc_id""", params={"version": EXTRACTION_VERSION, "repair_since": repair_since}).pl()
            removed = [row[0] for row in con.execute(
                "SELECT doc_id FROM article_extractions ANTI JOIN articles USING (doc_id) ORDER BY doc_id").fetchall()]
    return DerivePlan(pending, removed)


class FactStaging:
    """Parquet parts of extracted rows beside the warehouse, one folder per part of up to
    PART_ARTICLES articles, complete once renamed into place. Parts outlive a killed run: the
    next run keeps those whose articles it still has to derive, at the same versions."""

    def __init__(self, db_path: Path) -> None:
        self.root = db_path.with_name(f".{db_path.name}.facts")
        version_file = self.root / "EXTRACTION_VERSION"
        if version_file.exists() and version_file.read_text() != EXTRACTION_VERSION:
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True, exist_ok=True)
        version_file.write_text(EXTRACTION_VERSION)
        for unfinished in self.root.glob("*.partial"):
            shutil.rmtree(unfinished)

    def parts(self) -> list[Path]:
        return sorted(p for p in self.root.glob("part-*") if p.is_dir() and not p.name.endswith(".partial"))

    def keep_usable(self, pending: pl.DataFrame) -> set[str]:
        """Drop the parts holding an article not pending at the same cleaning version; the ids of
        the articles the remaining parts hold (their rows need no extraction)."""
        staged: set[str] = set()
        for part in self.parts():
            articles = pl.read_parquet(part / f"{ARTICLES_PART}.parquet")
            if articles.join(pending, on=["doc_id", "cleaning_version"], how="anti").height:
                shutil.rmtree(part)
            else:
                staged.update(articles["doc_id"])
        return staged

    def write_part(self, articles: pl.DataFrame, tables: list[dict[str, pl.DataFrame]]) -> None:
        """Stage the rows of `articles` (doc_id, cleaning_version, left_out_reason)."""
        number = len(self.parts())
        partial = self.root / f"part-{number:06d}.partial"
        partial.mkdir()
        articles.write_parquet(partial / f"{ARTICLES_PART}.parquet")
        for name in PER_ARTICLE_TABLES:
            pl.concat([t[name] for t in tables]).write_parquet(partial / f"{name}.parquet")
        partial.rename(self.root / f"part-{number:06d}")

    def files(self, name: str) -> list[str]:
        return [str(part / f"{name}.parquet") for part in self.parts()]

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _article_batches(work: Path | Lake, ids: list[str], batch_ids: list[list[str]]) -> Iterator[pl.DataFrame]:
    """The articles of `ids`, BATCH_SIZE at a time, read about READ_ARTICLES at a time, each read by
    a short read-only connection; the ids of every batch are appended to `batch_ids`, in order.
    The ids go in as a list of constants, which DuckDB tests in its scan of the ids, fetching the
    texts of those alone: a join with them read every stored text (at 100,000 articles, 0.5 s and
    400 MB for each batch of 250)."""
    per_read = BATCH_SIZE * max(1, READ_ARTICLES // BATCH_SIZE)
    for start in range(0, len(ids), per_read):
        group = ids[start: start + per_read]
        with warehouse.reading(work) as con:
            articles = con.execute(
                f"SELECT doc_id, text, published_date, language FROM articles WHERE doc_id IN ({', '.join('?' * len(group))}) ORDER BY doc_id",
                group).pl()
        for i in range(0, len(group), BATCH_SIZE):
            chunk = group[i: i + BATCH_SIZE]
            batch_ids.append(chunk)
            yield articles.filter(pl.col("doc_id").is_in(pl.Series(chunk, dtype=pl.String).implode()))


def _extract(settings: Settings, plan: DerivePlan, staging: FactStaging, todo: list[str], progress: Progress) -> dict[str, str]:
    """Extract the facts of the articles `todo` and stage them, PART_ARTICLES articles per part;
    the articles whose facts were left out, with why."""
    workers = settings.workers if len(todo) > BATCH_SIZE else 1  # spawning workers costs seconds
    cleaning_versions = dict(plan.pending.iter_rows())
    batch_ids: list[list[str]] = []
    part_ids: list[str] = []
    part_tables: list[dict[str, pl.DataFrame]] = []
    left_out: dict[str, str] = {}

    def stage_part() -> None:
        articles = pl.DataFrame({"doc_id": part_ids, "cleaning_version": [cleaning_versions[i] for i in part_ids],
                                 "left_out_reason": [left_out.get(i) for i in part_ids]},
                                schema={"doc_id": pl.String, "cleaning_version": pl.String, "left_out_reason": pl.String})
        staging.write_part(articles, part_tables)
        part_ids.clear()
        part_tables.clear()

    work = warehouse.working_copy(settings.target)
    for index, tables in enumerate(extract_in_batches(_article_batches(work, todo, batch_ids), workers)):
        part_ids.extend(batch_ids[index])
        left_out.update(tables.pop(LEFT_OUT).iter_rows())
        part_tables.append(tables)
        progress.advance(len(batch_ids[index]))
        if len(part_ids) >= PART_ARTICLES:
            stage_part()
    if part_ids:
        stage_part()
    return left_out


def _write(con: duckdb.DuckDBPyConnection, plan: DerivePlan, staging: FactStaging, run_started: datetime) -> None:
    """Replace the rows of every pending and removed article by the staged ones, and merge the
    entities they touch again: one transaction, held only for this."""
    warehouse.register_values(con, "gone_articles", "doc_id", [*plan.pending["doc_id"], *plan.removed])
    con.execute("""CREATE TEMP TABLE touched_entities AS
                   SELECT entity_id FROM article_entities WHERE doc_id IN (SELECT doc_id FROM gone_articles)""")
    for name in ("article_extractions", *PER_ARTICLE_TABLES):
        con.execute(f"DELETE FROM {name} WHERE doc_id IN (SELECT doc_id FROM gone_articles)")
    if staging.parts():
        con.execute("INSERT INTO touched_entities SELECT entity_id FROM read_parquet(?)", [staging.files("article_entities")])
        for name in PER_ARTICLE_TABLES:
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM read_parquet(?)", [staging.files(name)])
        # Each article's rows per table, counted in the staged parts, for the checks to compare with.
        counts = ", ".join(f"coalesce({name}_rows, 0) AS {name}_rows" for name in PER_ARTICLE_TABLES)
        joins = " ".join(f"LEFT JOIN (SELECT doc_id, count(*) AS {name}_rows FROM read_parquet(?) GROUP BY doc_id) USING (doc_id)"
                         for name in PER_ARTICLE_TABLES)
        con.execute(
            f"""INSERT INTO article_extractions BY NAME
                SELECT doc_id, cleaning_version, ? AS extraction_version, ?::TIMESTAMP AS extracted_at, {counts},
                       left_out_reason
                FROM read_parquet(?) {joins}""",
            [EXTRACTION_VERSION, run_started, staging.files(ARTICLES_PART), *map(staging.files, PER_ARTICLE_TABLES)])
    con.execute("DELETE FROM entities WHERE entity_id IN (SELECT entity_id FROM touched_entities)")
    con.execute("INSERT INTO entities BY NAME " + ENTITIES_SQL.format(
        source="SELECT * FROM article_entities WHERE entity_id IN (SELECT entity_id FROM touched_entities)"))


def derive_facts(settings: Settings, progress: Progress | None = None, log: Callable[[str], None] = print,
                 rederive: bool = False, repair_since: datetime | None = None) -> DeriveSummary:
    """Bring the fact tables of the working copy up to date with articles; with nothing to derive
    it writes nothing. An article whose extraction fails is left out with its reason, never the
    run. The facts extracted since `repair_since`, which an earlier run's checks kept from being
    published, are extracted again. Publishing is pipelines/publishing.py's, after the checks."""
    progress = progress or Progress()
    run_started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    with run_lock(settings.warehouse, log):
        plan = plan_derivation(warehouse.prepare_working_copy(settings.target), rederive, repair_since)
        summary = DeriveSummary(removed=len(plan.removed))
        if plan.pending.is_empty() and not plan.removed:
            FactStaging(settings.warehouse).remove()  # parts of a killed run nothing needs any more
        else:
            staging = FactStaging(settings.warehouse)
            staged = staging.keep_usable(plan.pending)
            todo = [doc_id for doc_id in plan.pending["doc_id"] if doc_id not in staged]
            summary.resumed = len(staged)
            if staged:
                log(f"Using the facts of {len(staged)} articles staged by an interrupted run.")
            progress.start("Extracting facts", len(todo))
            summary.left_out = _extract(settings, plan, staging, todo, progress)
            summary.extracted = len(todo)
            if summary.left_out:
                log(f"Facts of {len(summary.left_out)} articles left out (see article_extractions.left_out_reason): "
                    + "; ".join(f"{doc_id[:12]}: {reason}" for doc_id, reason in list(summary.left_out.items())[:5]))
            progress.start("Writing facts to the warehouse", 1)
            with warehouse.writing(settings.target, compact=True, on_wait=log, wait_seconds=WRITE_WAIT_SECONDS,
                                   since=run_started) as con:
                _write(con, plan, staging, run_started)
            progress.advance(1)
            staging.remove()
        return summary
