"""One refresh of the warehouse from raw/: scan, decide what changed, clean it, write it atomically.

No Dagster here (the `ingest` asset calls `refresh_warehouse`). A file is read only when the
manifest (raw_files) has no entry for its path, size and modification time. The warehouse
connection is held only for a short read at the start and for the final write, which is one
transaction: a run killed at any point leaves the warehouse as it was, and the next run redoes
the work.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow.parquet as pq

from pipelines import warehouse
from pipelines.cleaning import CLEANING_VERSION, clean_documents, spawned_workers
from pipelines.cleaning.minhash import BANDS, MIN_SHINGLES, NEAR_DUPLICATE_CONTAINMENT, ROWS_PER_BAND, shingles
from pipelines.ingest import RawDocument, RawFile, Rejection, SourceOutcome, read_source, scan_raw_files
from pipelines.lake import Lake
from pipelines.settings import Settings

RUN_LOCK_WAIT_SECONDS = 600.0
# An unattended run waits this long for an open ad-hoc session to let go of the file.
WRITE_WAIT_SECONDS = 600.0
# Documents per staged part and per cleaning batch: the bound on a run's memory.
BATCH_SIZE = 500
# Bytes of staged documents or articles per Parquet row group (read whole by DuckDB and polars).
ROW_GROUP_BYTES = 16 * 1024 * 1024


class Progress:
    """Progress sink; the CLI swaps in a progress bar, Dagster runs log phases."""

    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass
class WarehouseState:
    """What the warehouse holds that the plan of a refresh depends on: manifest entries and
    documents of the files read, the read rejections, and the documents to clean again. Only
    these are loaded, so a run over 100,000 stored articles loads what its new files touch."""

    paths_by_doc: dict[str, list[str]] = field(default_factory=dict)
    read_rejections: set[tuple[str, str | None]] = field(default_factory=set)
    manifest: dict[str, tuple[int, int]] = field(default_factory=dict)
    reclean: set[str] = field(default_factory=set)


@dataclass
class RefreshPlan:
    """The changes a refresh makes, decided before any cleaning or writing."""

    new_documents: list[RawDocument] = field(default_factory=list)
    path_updates: dict[str, tuple[list[str], bool]] = field(default_factory=dict)
    replaced: set[str] = field(default_factory=set)
    reclean: set[str] = field(default_factory=set)
    rejections_added: list[Rejection] = field(default_factory=list)
    rejections_removed: set[tuple[str, str | None]] = field(default_factory=set)
    files_read: list[dict] = field(default_factory=list)
    files_forgotten: set[str] = field(default_factory=set)

    @property
    def is_empty(self) -> bool:
        return not (self.new_documents or self.path_updates or self.replaced or self.reclean
                    or self.rejections_added or self.rejections_removed or self.files_read or self.files_forgotten)


@dataclass
class RefreshSummary:
    files_scanned: int = 0
    new_documents: int = 0
    changed_documents: int = 0
    files_read: int = 0
    articles_added: int = 0
    rejected_added: int = 0
    rejections: list[Rejection] = field(default_factory=list)


@contextmanager
def run_lock(db_path: Path, on_wait: Callable[[str], None]) -> Iterator[None]:
    """One refresh per warehouse at a time, across processes (CLI, schedule, sensor, UI)."""
    lock_path = db_path.with_name(db_path.name + ".run.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        deadline = time.monotonic() + RUN_LOCK_WAIT_SECONDS
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise warehouse.WarehouseBusy(
                        f"Another run has been refreshing {db_path} for too long; giving up.") from None
                if not told:
                    on_wait("Another run is refreshing this warehouse; waiting for it to finish...")
                    told = True
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def scan_against_manifest(db_path: Path | Lake, files: list[RawFile]) -> tuple[list[RawFile], set[str], set[str]]:
    """(files to read, manifest paths no longer under raw/, documents to clean again). A file is
    read when the manifest has no entry for its path, size and modification time, and always when
    it is a link or a special file; the comparison runs in DuckDB, so 100,000 unchanged files
    cost one query, not 100,000 Python lookups."""
    if not warehouse.exists(db_path):
        return files, set(), set()
    with warehouse.reading(db_path) as con:
        if not warehouse.table_exists(con, "raw_files"):  # a warehouse older than the manifest
            return files, set(), set()
        con.register("scanned", pl.DataFrame(
            {"path": [f.rel for f in files], "size_bytes": [f.size for f in files], "modified_ns": [f.modified_ns for f in files]},
            schema={"path": pl.String, "size_bytes": pl.Int64, "modified_ns": pl.Int64}))
        unvouched = {row[0] for row in con.execute(
            """SELECT s.path FROM scanned s LEFT JOIN raw_files m USING (path)
               WHERE s.size_bytes IS NULL OR m.path IS NULL OR m.size_bytes <> s.size_bytes OR m.modified_ns <> s.modified_ns"""
        ).fetchall()}
        vanished = {row[0] for row in con.execute("SELECT path FROM raw_files ANTI JOIN scanned USING (path)").fetchall()}
        reclean = {row[0] for row in con.execute(
            """SELECT r.doc_id FROM raw_documents r LEFT JOIN articles a USING (doc_id)
               WHERE a.cleaning_version IS DISTINCT FROM ?
                 AND NOT (a.doc_id IS NULL AND r.doc_id IN (SELECT doc_id FROM rejected_documents WHERE stage = 'clean'))""",
            [CLEANING_VERSION]).fetchall()}
    return [f for f in files if f.rel in unvouched], vanished, reclean


def load_state(db_path: Path | Lake, outcomes: list[SourceOutcome], reclean: set[str]) -> WarehouseState:
    """The state the plan of these outcomes needs: the documents they name or that were seen at
    their paths, the manifest entries of their paths, and every read rejection."""
    state = WarehouseState(reclean=reclean)
    if not warehouse.exists(db_path):
        return state
    with warehouse.reading(db_path) as con:
        if not warehouse.table_exists(con, "raw_documents"):
            return state
        warehouse.register_values(con, "read_paths", "path", {o.path for o in outcomes})
        warehouse.register_values(con, "seen_ids", "doc_id", {d.doc_id for o in outcomes for d in o.documents}
                  | {r.doc_id for o in outcomes for r in o.rejections if r.doc_id})
        state.paths_by_doc = dict(con.execute(
            """SELECT doc_id, paths FROM raw_documents WHERE doc_id IN (SELECT doc_id FROM seen_ids)
               OR doc_id IN (SELECT doc_id FROM (SELECT doc_id, unnest(paths) AS path FROM raw_documents)
                             WHERE path IN (SELECT path FROM read_paths))""").fetchall())
        if warehouse.table_exists(con, "raw_files"):
            state.manifest = {path: (size, modified) for path, size, modified in con.execute(
                "SELECT path, size_bytes, modified_ns FROM raw_files WHERE path IN (SELECT path FROM read_paths)").fetchall()}
        state.read_rejections = set(con.execute(
            "SELECT path, doc_id FROM rejected_documents WHERE stage = 'read'").fetchall())
    return state


def _file_of(path: str) -> str:
    """A WARC record's rejection path is `file#url`; its file is what was scanned."""
    return path.split("#", 1)[0]


def plan_refresh(outcomes: list[SourceOutcome], state: WarehouseState, vanished: set[str],
                 read_at: datetime) -> RefreshPlan:
    """Decide what changed: new content, content moved or copied, content a rewritten file
    replaced. `outcomes` are those of the files read; a file not read is unchanged, and like a
    vanished file it changes nothing stored but the manifest (`vanished`: its paths there)."""
    plan = RefreshPlan()
    current_paths: dict[str, set[str]] = defaultdict(set)
    hashes_at: dict[str, set[str]] = defaultdict(set)
    first_document: dict[str, RawDocument] = {}
    for outcome in outcomes:
        for document in outcome.documents:
            current_paths[document.doc_id].add(document.path)
            hashes_at[outcome.path].add(document.doc_id)
            first_document.setdefault(document.doc_id, document)
        for rejection in outcome.rejections:
            if rejection.doc_id:
                hashes_at[outcome.path].add(rejection.doc_id)

    for doc_id, old_paths in state.paths_by_doc.items():
        # A path that now holds other content no longer holds this one; a path that vanished or
        # could not be read says nothing new, so the document keeps it (nothing is lost).
        kept = [p for p in old_paths if not (hashes_at.get(p) and doc_id not in hashes_at[p])]
        added = sorted(current_paths.get(doc_id, set()) - set(kept))
        if not kept and not added:
            plan.replaced.add(doc_id)
        elif added or len(kept) != len(old_paths):
            plan.path_updates[doc_id] = (sorted(set(kept) | set(added)), bool(added))
    plan.new_documents = [doc for doc_id, doc in first_document.items() if doc_id not in state.paths_by_doc]
    for document in plan.new_documents:
        plan.path_updates[document.doc_id] = (sorted(current_paths[document.doc_id]), True)

    plan.reclean = state.reclean - plan.replaced

    scanned_files = {outcome.path for outcome in outcomes}
    current_rejections = {(r.path, r.doc_id): r for outcome in outcomes for r in outcome.rejections}
    plan.rejections_added = [r for key, r in current_rejections.items() if key not in state.read_rejections]
    plan.rejections_removed = {
        key for key in state.read_rejections
        if _file_of(key[0]) in scanned_files and key not in current_rejections
    }
    plan.files_read = [
        {"path": o.path, "size_bytes": o.fingerprint[0], "modified_ns": o.fingerprint[1], "file_hash": o.fingerprint[2],
         "read_at": read_at}
        for o in outcomes if o.fingerprint and state.manifest.get(o.path) != o.fingerprint[:2]
    ]
    plan.files_forgotten = vanished | {o.path for o in outcomes if not o.fingerprint and o.path in state.manifest}
    return plan


DOCUMENT_SCHEMA = {
    "doc_id": pl.String, "format": pl.String, "source_url": pl.String, "fetched_at": pl.Datetime("us"),
    "size_bytes": pl.Int64, "encoding": pl.String, "content": pl.String,
}


class Staging:
    """Parquet parts beside the warehouse that hold a run's new documents and cleaned articles
    between reading and the final write, so memory holds one batch, not the whole landing zone.
    A part holds BATCH_SIZE documents (a cleaning batch), in row groups of about ROW_GROUP_BYTES:
    a row group is read whole, and 500 large pages are hundreds of MB. Only one refresh of a
    DuckDB file runs at a time (run_lock), so one folder serves; a killed run's leftovers are
    cleared by the next. The plans of a lake's refreshes, which may run at once, each pass a
    folder of their own as `root`."""

    def __init__(self, db_path: Path, root: Path | None = None) -> None:
        self.root = root or db_path.with_name(f".{db_path.name}.staging")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        self.pending: list[dict] = []
        self.pending_bytes = 0
        self.part_documents = 0
        self.writer: pq.ParquetWriter | None = None
        self.parts: dict[str, int] = defaultdict(int)

    def _path(self, kind: str) -> Path:
        return self.root / f"{kind}-{self.parts[kind]:05d}.parquet"

    def write(self, kind: str, frame: pl.DataFrame) -> None:
        groups = max(1, -(-frame.estimated_size() // ROW_GROUP_BYTES))
        frame.write_parquet(self._path(kind), row_group_size=max(1, -(-frame.height // groups)))
        self.parts[kind] += 1

    def add_document(self, document: RawDocument) -> None:
        self.pending.append({key: getattr(document, key) for key in DOCUMENT_SCHEMA})
        self.pending_bytes += len(document.content)
        self.part_documents += 1
        if self.pending_bytes >= ROW_GROUP_BYTES:
            self._write_documents()
        if self.part_documents >= BATCH_SIZE:
            self.flush_documents()

    def _write_documents(self) -> None:
        """The pending documents as a row group of the part being written."""
        if self.pending:
            table = pl.DataFrame(self.pending, schema=DOCUMENT_SCHEMA).to_arrow()
            if self.writer is None:
                self.writer = pq.ParquetWriter(self._path("documents").with_suffix(".partial"), table.schema, compression="zstd")
            self.writer.write_table(table)
            self.pending, self.pending_bytes = [], 0

    def flush_documents(self) -> None:
        """Complete the part of documents being written."""
        self._write_documents()
        if self.writer is not None:
            self.writer.close()
            self.writer = None
            self._path("documents").with_suffix(".partial").rename(self._path("documents"))
            self.parts["documents"] += 1
        self.part_documents = 0

    def files(self, kind: str) -> list[str]:
        return [str(p) for p in sorted(self.root.glob(f"{kind}-*.parquet"))]

    def remove(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        shutil.rmtree(self.root, ignore_errors=True)


def _batches_to_clean(db_path: Path | Lake, plan: RefreshPlan, staging: Staging) -> Iterator[pl.DataFrame]:
    """New documents part by part (staged documents whose content the warehouse already holds
    are left out), then stored documents whose cleaning is out of date."""
    columns = ["doc_id", "content", "format", "source_url"]
    new_ids = pl.Series([d.doc_id for d in plan.new_documents], dtype=pl.String).implode()
    for part in staging.files("documents"):
        yield pl.read_parquet(part, columns=columns).filter(pl.col("doc_id").is_in(new_ids))
    ids = sorted(plan.reclean)
    for i in range(0, len(ids), BATCH_SIZE):
        with warehouse.reading(db_path) as con:
            yield con.sql(
                "SELECT doc_id, content, format, source_url FROM raw_documents WHERE doc_id IN (SELECT unnest($ids::VARCHAR[]))",
                params={"ids": ids[i: i + BATCH_SIZE]},
            ).pl()


def _rejections_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={
        "path": pl.String, "doc_id": pl.String, "stage": pl.String, "reason": pl.String, "first_seen": pl.Datetime("us"),
    })


def write_documents(con: duckdb.DuckDBPyConnection, plan: RefreshPlan, staging: Staging, run_started: datetime) -> None:
    """The plan's changes to raw_files, raw_documents and the read rejections, with the articles
    and rejections of the documents it replaced."""
    warehouse.register_values(con, "replaced_ids", "doc_id", plan.replaced)
    con.execute("DELETE FROM articles WHERE doc_id IN (SELECT doc_id FROM replaced_ids)")
    con.execute("DELETE FROM rejected_documents WHERE doc_id IN (SELECT doc_id FROM replaced_ids)")
    con.execute("DELETE FROM raw_documents WHERE doc_id IN (SELECT doc_id FROM replaced_ids)")

    files_read = pl.DataFrame(plan.files_read, schema={
        "path": pl.String, "size_bytes": pl.Int64, "modified_ns": pl.Int64, "file_hash": pl.String, "read_at": pl.Datetime("us")})
    con.register("files_read", files_read)
    warehouse.register_values(con, "files_forgotten", "path", plan.files_forgotten)
    con.execute("DELETE FROM raw_files WHERE path IN (SELECT path FROM files_read UNION ALL SELECT path FROM files_forgotten)")
    con.execute("INSERT INTO raw_files BY NAME SELECT * FROM files_read")

    new_ids = {d.doc_id for d in plan.new_documents}
    paths = pl.DataFrame(
        [{"doc_id": k, "paths": v[0], "landed": v[1]} for k, v in plan.path_updates.items()],
        schema={"doc_id": pl.String, "paths": pl.List(pl.String), "landed": pl.Boolean},
    )
    con.register("document_paths", paths)
    con.execute(
        """UPDATE raw_documents AS r SET paths = m.paths,
               last_seen = CASE WHEN m.landed THEN ? ELSE r.last_seen END
           FROM document_paths AS m WHERE r.doc_id = m.doc_id""",
        [run_started],
    )
    warehouse.register_values(con, "new_ids", "doc_id", new_ids)
    if documents := staging.files("documents"):
        con.execute(
            """INSERT INTO raw_documents BY NAME
               SELECT d.*, p.paths, ?::TIMESTAMP AS first_seen, ?::TIMESTAMP AS last_seen
               FROM read_parquet(?) AS d JOIN document_paths AS p USING (doc_id)
               WHERE d.doc_id IN (SELECT doc_id FROM new_ids)""",
            [run_started, run_started, documents],
        )
    stored = con.execute("SELECT count(*) FROM raw_documents WHERE doc_id IN (SELECT doc_id FROM new_ids)").fetchall()
    if stored[0][0] != len(new_ids):
        raise RuntimeError(f"staged documents went missing: {stored[0][0]} of {len(new_ids)} stored")

    for path, doc_id in plan.rejections_removed:
        con.execute("DELETE FROM rejected_documents WHERE stage = 'read' AND path = ? AND doc_id IS NOT DISTINCT FROM ?", [path, doc_id])
    read_rejections = _rejections_frame([
        {"path": r.path, "doc_id": r.doc_id, "stage": r.stage, "reason": r.reason, "first_seen": run_started}
        for r in plan.rejections_added
    ])
    con.register("read_rejections", read_rejections)
    con.execute("INSERT INTO rejected_documents BY NAME SELECT * FROM read_rejections")


def insert_cleaned(con: duckdb.DuckDBPyConnection, source: str, params: list, run_started: datetime) -> None:
    """Store cleaned documents (`source`: a relation with clean_documents' columns, `params` its
    placeholders' values): an article for each without a rejection, a clean rejection for each
    with one."""
    con.execute(
        f"""INSERT INTO articles BY NAME
            SELECT * EXCLUDE (rejection), NULL AS near_duplicate_of, ?::TIMESTAMP AS cleaned_at
            FROM {source} WHERE rejection IS NULL""",
        [run_started, *params],
    )
    con.execute(
        f"""INSERT INTO rejected_documents (path, doc_id, stage, reason, first_seen)
            SELECT r.paths[1], c.doc_id, 'clean', c.rejection, ?
            FROM {source} AS c JOIN raw_documents AS r USING (doc_id) WHERE c.rejection IS NOT NULL""",
        [run_started, *params],
    )


def _write_articles(con: duckdb.DuckDBPyConnection, plan: RefreshPlan, staging: Staging, run_started: datetime) -> None:
    """The cleaned articles and clean rejections in place of those of re-cleaned documents, and
    the near-duplicate links of the new articles."""
    warehouse.register_values(con, "reclean_ids", "doc_id", plan.reclean)
    con.execute("DELETE FROM articles WHERE doc_id IN (SELECT doc_id FROM reclean_ids)")
    con.execute("DELETE FROM rejected_documents WHERE stage = 'clean' AND doc_id IN (SELECT doc_id FROM reclean_ids)")
    new_articles: list[str] = []
    if cleaned := staging.files("cleaned"):
        # Straight from the Parquet parts: a temporary table of every cleaned text would hold the
        # whole run in memory.
        insert_cleaned(con, "read_parquet(?)", [cleaned], run_started)
        new_articles = [row[0] for row in con.execute(
            "SELECT doc_id FROM read_parquet(?) WHERE rejection IS NULL", [cleaned]).fetchall()]
    mark_near_duplicates(con, new_articles, sorted(plan.replaced | plan.reclean))


# Rows (new articles x bands) one band join may hold: a fresh run of 100,000 articles joins their
# bands 10 at a time, a run of up to 25,000 all at once (one scan of the stored signatures).
BAND_JOIN_ROWS = 1_000_000


def band_keys(first: int, last: int) -> str:
    """SQL: the list of the keys of bands first to last - 1 of a row's MinHash signature."""
    return (f"list_transform(range({first}, {last}), lambda b: "
            + "hash(" + ", ".join(f"minhash[{ROWS_PER_BAND} * b + {i + 1}]" for i in range(ROWS_PER_BAND)) + "))")


def mark_near_duplicates(con: duckdb.DuckDBPyConnection, new_ids: list[str], removed_ids: list[str]) -> None:
    """Point each new article (and each whose group's first article was removed) at the earliest
    article it is a near-duplicate of that starts a group.

    Candidates share a band of MinHash values with the article (an equality join, never a
    comparison of every pair); a candidate is a near-duplicate when the shorter text has
    NEAR_DUPLICATE_CONTAINMENT of its shingles in the other, counted exactly on the two texts (the
    signatures' estimate is too coarse when one text is many times longer). Groups are stars: an
    article joins a group only as a near-duplicate of its first article, so a roundup that
    contains two stories never chains them into one group. Stored articles are not re-read or
    re-pointed, except those whose first article was removed.

    Memory follows a batch, not the candidates: the pairs stay in DuckDB and come back as numbers
    (the articles numbered in the order "earlier" means), and the texts' shingles are hashed a
    batch at a time into a temporary file (ShingleFile) that each comparison reads two arrays of."""
    warehouse.register_values(con, "removed_ids", "doc_id", removed_ids)
    orphans = [row[0] for row in con.execute(
        "SELECT doc_id FROM articles WHERE near_duplicate_of IN (SELECT doc_id FROM removed_ids)").fetchall()]
    con.execute("UPDATE articles SET near_duplicate_of = NULL WHERE near_duplicate_of IN (SELECT doc_id FROM removed_ids)")
    warehouse.register_values(con, "near_duplicate_candidates", "doc_id", [*new_ids, *orphans])
    # The band join of a fresh run holds every article once per band: by rowid, not by its
    # 64-character id, and as many bands at a time as BAND_JOIN_ROWS allows.
    signed = f"FROM articles WHERE shingle_count >= {MIN_SHINGLES}"
    candidates = f"{signed} AND doc_id IN (SELECT doc_id FROM near_duplicate_candidates)"
    per_join = max(1, min(BANDS, BAND_JOIN_ROWS // max(1, con.execute(f"SELECT count(*) {candidates}").fetchall()[0][0])))
    con.execute("CREATE OR REPLACE TEMP TABLE near_duplicate_band_pairs (article BIGINT, other BIGINT)")
    for first in range(0, BANDS, per_join):
        last = min(first + per_join, BANDS)
        bands = f"SELECT rowid AS n, unnest(range({first}, {last}))::TINYINT AS band, unnest({band_keys(first, last)}) AS key"
        con.execute(
            f"""INSERT INTO near_duplicate_band_pairs
                WITH candidate_bands AS ({bands} {candidates}), stored_bands AS ({bands} {signed})
                SELECT DISTINCT c.n, s.n FROM candidate_bands c
                JOIN stored_bands s ON s.band = c.band AND s.key = c.key AND s.n <> c.n""")
    con.execute("CREATE OR REPLACE TEMP TABLE near_duplicate_pairs AS SELECT DISTINCT article, other FROM near_duplicate_band_pairs")
    if con.execute("SELECT count(*) FROM near_duplicate_pairs").fetchall()[0][0]:
        _link_near_duplicates(con)
    # Only on success: after an error the transaction is aborted, and the tables go with the connection.
    for table in ("near_duplicate_band_pairs", "near_duplicate_pairs", "near_duplicate_articles"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _link_near_duplicates(con: duckdb.DuckDBPyConnection) -> None:
    """Link the articles of near_duplicate_pairs (article, other: rowids of articles): see
    mark_near_duplicates."""
    # The articles of the pairs and the first articles of their groups, numbered by (first_seen,
    # doc_id): a lower number is an earlier article.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE near_duplicate_articles AS
           WITH involved AS (SELECT doc_id, rowid AS n FROM articles
                             WHERE rowid IN (SELECT article FROM near_duplicate_pairs UNION SELECT other FROM near_duplicate_pairs))
           SELECT (row_number() OVER (ORDER BY r.first_seen, a.doc_id) - 1)::BIGINT AS number, a.doc_id, a.near_duplicate_of, i.n
           FROM articles a JOIN raw_documents r USING (doc_id) LEFT JOIN involved i USING (doc_id)
           WHERE a.doc_id IN (SELECT doc_id FROM involved)
              OR a.doc_id IN (SELECT near_duplicate_of FROM articles WHERE doc_id IN (SELECT doc_id FROM involved))""")
    first_of = con.execute(
        """SELECT coalesce(f.number, -1)::INTEGER AS first_number FROM near_duplicate_articles a
           LEFT JOIN near_duplicate_articles f ON f.doc_id = a.near_duplicate_of ORDER BY a.number""").fetchnumpy()["first_number"]
    # Only an earlier candidate can be linked to: the later half of the pairs (millions in a fresh
    # run of 100,000) is left in DuckDB.
    pairs = con.execute(
        """SELECT c.number::INTEGER AS article, o.number::INTEGER AS other FROM near_duplicate_pairs p
           JOIN near_duplicate_articles c ON c.n = p.article JOIN near_duplicate_articles o ON o.n = p.other
           WHERE o.number < c.number ORDER BY article, other""").fetchnumpy()
    with ShingleFile(con) as texts:
        texts.add(con.execute("SELECT n.number, a.text FROM near_duplicate_articles n JOIN articles a USING (doc_id)"), len(first_of))
        links = _near_duplicate_links(pairs["article"], pairs["other"], first_of, texts)
    con.register("near_duplicate_links", pl.DataFrame(
        {"number": list(links), "first_number": list(links.values())}, schema={"number": pl.Int64, "first_number": pl.Int64}))
    con.execute(
        """UPDATE articles AS a SET near_duplicate_of = l.first_id
           FROM (SELECT n.doc_id, f.doc_id AS first_id FROM near_duplicate_links l
                 JOIN near_duplicate_articles n ON n.number = l.number
                 LEFT JOIN near_duplicate_articles f ON f.number = l.first_number) AS l
           WHERE a.doc_id = l.doc_id""")
    con.unregister("near_duplicate_links")


def _near_duplicate_links(articles: np.ndarray, others: np.ndarray, first_of: np.ndarray,
                          texts: ShingleFile) -> dict[int, int | None]:
    """The group's first article each article of the pairs (article, other) links to, or None:
    articles are numbers, a lower one earlier, each pair's other earlier than its article, sorted;
    first_of[n] is the first article of n's group as stored (-1: none; updated as articles
    settle), and texts holds each article's shingles."""
    links: dict[int, int | None] = {}
    bounds = np.flatnonzero(np.diff(articles)) + 1
    for start, end in zip(np.concatenate(([0], bounds)), np.concatenate((bounds, [len(articles)]))):
        article = int(articles[start])  # earlier articles settle their groups first: ascending numbers
        own = texts[article]
        known: dict[int, bool] = {}

        def near(other: int) -> bool:
            if other not in known:
                theirs = texts[other]
                shorter, longer = (own, theirs) if len(own) <= len(theirs) else (theirs, own)
                at = np.searchsorted(longer, shorter)
                shared = int(np.count_nonzero(longer[np.minimum(at, len(longer) - 1)] == shorter)) if len(longer) else 0
                known[other] = shared >= NEAR_DUPLICATE_CONTAINMENT * len(shorter)
            return known[other]

        groups = set()
        for other in others[start:end].tolist():
            if near(other):
                groups.add(int(first_of[other]) if first_of[other] >= 0 else other)
        joinable = [first for first in groups if near(first)]
        links[article] = min(joinable) if joinable else None
        first_of[article] = links[article] if joinable else -1
    return links


class ShingleFile:
    """The shingles of texts 0, 1, 2, ... as sorted arrays of distinct 64-bit hashes, in an
    unlinked temporary file beside the database file (the page cache holds it, not the process):
    comparisons read two arrays at a time, so memory does not grow with the number of texts.
    Hashes are Python's, stable within the process that writes and reads the file."""

    BATCH_ROWS = 1000

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        database = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database() "
                               "AND type = 'duckdb' AND path IS NOT NULL").fetchall()
        folder = Path(database[0][0]).parent if database else None  # else (a lake) the system's temporary folder
        self.file = tempfile.TemporaryFile(dir=folder if folder and folder.is_absolute() and folder.is_dir() else None)
        self.starts = self.ends = np.zeros(0, dtype=np.int64)
        self.size = 0

    def __enter__(self) -> ShingleFile:
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()

    def add(self, result: duckdb.DuckDBPyConnection, count: int) -> None:
        """Store the shingles of texts 0 to count - 1 from `result` (number, text), in any order, a
        batch at a time (an ORDER BY would hold every text in DuckDB)."""
        self.starts, self.ends = np.zeros(count, dtype=np.int64), np.zeros(count, dtype=np.int64)
        for batch in result.fetch_record_batch(self.BATCH_ROWS):
            chunks = []
            for number, text in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist()):
                found = shingles(text)
                hashes = np.fromiter(map(hash, found), dtype=np.int64, count=len(found))
                hashes.sort()
                chunks.append(hashes.tobytes())
                self.starts[number] = self.size
                self.size += len(chunks[-1])
                self.ends[number] = self.size
            self.file.write(b"".join(chunks))
        self.file.flush()

    def __getitem__(self, number: int) -> np.ndarray:
        start, end = int(self.starts[number]), int(self.ends[number])
        return np.frombuffer(os.pread(self.file.fileno(), end - start, start), dtype=np.int64)


def read_and_plan(settings: Settings, work: Path | Lake, staging: Staging, progress: Progress,
                  run_started: datetime) -> tuple[RefreshPlan, RefreshSummary]:
    """Read the files under raw/ the manifest does not vouch for, stage their documents, and plan
    the refresh; the plan is empty when nothing changed."""
    files = scan_raw_files(settings.raw_dir)
    to_read, vanished, reclean = scan_against_manifest(work, files)
    progress.start("Reading new or changed raw files", len(to_read))
    outcomes, staged = [], set()
    for entry in to_read:
        outcome = read_source(Path(entry.path), entry.rel, settings.max_bytes, root=settings.raw_dir)
        # Staged whether new or not (the plan decides, and only new content is cleaned and
        # stored): telling them apart here would load every stored id.
        for document in outcome.documents:
            if document.doc_id not in staged:
                staging.add_document(document)
                staged.add(document.doc_id)
        # Content now lives in staging; the plan needs only ids and paths.
        outcome.documents = [replace(d, content="") for d in outcome.documents]
        outcomes.append(outcome)
        progress.advance(1)
    staging.flush_documents()
    plan = plan_refresh(outcomes, load_state(work, outcomes, reclean), vanished, run_started)
    summary = RefreshSummary(files_scanned=len(files), files_read=len(to_read),
                             new_documents=len(plan.new_documents), changed_documents=len(plan.replaced))
    return plan, summary


def refresh_warehouse(settings: Settings, progress: Progress | None = None,
                      log: Callable[[str], None] = print) -> RefreshSummary:
    """Bring the warehouse up to date with raw/; a run with nothing new writes nothing."""
    progress = progress or Progress()
    run_started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    with run_lock(settings.warehouse, log):
        work = warehouse.prepare_working_copy(settings.target)
        stored = warehouse.exists(work)  # once: for a lake, asking attaches it
        staging = Staging(settings.warehouse)
        try:
            plan, summary = read_and_plan(settings, work, staging, progress, run_started)
            if plan.is_empty and stored:
                return summary
            to_clean = len(plan.new_documents) + len(plan.reclean)
            progress.start("Cleaning documents", to_clean)
            # More than a batch: workers spawned once for the run, not forked from this grown process per batch.
            with spawned_workers(settings.workers) if to_clean > BATCH_SIZE else nullcontext():
                for batch in _batches_to_clean(work, plan, staging):
                    cleaned = clean_documents(batch, settings.workers, on_done=progress.advance)
                    staging.write("cleaned", cleaned)
                    summary.articles_added += int(cleaned["rejection"].is_null().sum())
                    summary.rejections += [
                        Rejection(doc_id, doc_id, "clean", reason)
                        for doc_id, reason in cleaned.filter(pl.col("rejection").is_not_null()).select("doc_id", "rejection").iter_rows()
                    ]
            progress.start("Writing to the warehouse", 1)
            with warehouse.writing(settings.target, on_wait=log, wait_seconds=WRITE_WAIT_SECONDS,
                                   since=run_started) as con:
                write_documents(con, plan, staging, run_started)
                _write_articles(con, plan, staging, run_started)
            progress.advance(1)
        finally:
            staging.remove()
        summary.rejections = plan.rejections_added + summary.rejections
        summary.rejected_added = len(summary.rejections)
        return summary
