"""DuckDB access with the single-writer rule built in, and the two files of a warehouse.

A warehouse is a DuckDB file (a Path, the default) or a DuckLake (a `Lake`, pipelines/lake.py):
the functions here take either, and the rest of the product does not tell them apart.

DuckDB lets one process open a database file read-write and then locks everyone else out, even
readers. So runs never write the file analysts open: they write a working copy beside it (a
hidden file no analyst opens) and, at the end of a run that changed something, publish it as the
analysts' file by writing a copy beside it and renaming it into place. A session already open
keeps reading the snapshot it opened; one opened later sees the new data. Connections are
short-lived, and opening one waits (with a clear message) while another process holds the lock,
instead of surfacing DuckDB's raw "Could not set lock" error.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from pipelines import lake as ducklake
from pipelines.lake import Lake

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
TABLES_DIR = SQL_DIR / "tables"
VIEWS_DIR = SQL_DIR / "views"
# Tables only a DuckLake warehouse has: the bookkeeping of its sharded refresh (pipelines/shards.py).
LAKE_TABLES_DIR = SQL_DIR / "lake"

DEFAULT_WAIT_SECONDS = 60.0
# DuckDB's memory for a run's connections to the working copy, its writes and its reads (DuckDB's
# default is 80% of the machine): a run's memory follows its batches, not the warehouse; larger work
# spills to a temporary folder beside the file. DuckDB's resident memory runs a few hundred MB past
# the limit (a fresh run of 100,000 articles: the near-duplicate band join and the checks), and a
# fresh run's write of 100,000 articles ran out of memory at 256 MB. What DuckDB cannot spill must
# come in small pieces: the staged parts' row groups (refresh.ROW_GROUP_BYTES; with 257 MB of
# HTML in one group, the corpus sweep's write ran out of memory at 512 MB).
RUN_MEMORY_LIMIT = "512MB"
# DuckDB's allocator keeps memory it freed for reuse, past the limit: these hand it back to the
# system as a query goes (100-270 MB less at the peaks of a fresh run of 100,000 articles).
RUN_ALLOCATOR = {"allocator_background_threads": True, "allocator_flush_threshold": "32MB",
                 "allocator_bulk_deallocation_flush_threshold": "32MB"}
RUN_READ_CONFIG = {"memory_limit": RUN_MEMORY_LIMIT, **RUN_ALLOCATOR}
WRITE_CONFIG = {**RUN_READ_CONFIG, "preserve_insertion_order": False}
# Bytes per storage block of a new warehouse file (DuckDB's default is 256 KiB). A commit rewrites
# the blocks it touches and frees the old ones for later commits, so a run that adds ten articles
# leaves about a dozen blocks of slack: small blocks keep that slack small.
BLOCK_SIZE = 16384


class WarehouseBusy(RuntimeError):
    """Another process kept the warehouse locked for longer than we were willing to wait."""


class WarehouseMissing(FileNotFoundError):
    """A reader asked for a warehouse that no run has created yet."""


class WarehouseFromNewerDuckDB(RuntimeError):
    """The file was written by a newer DuckDB than the one this product pins: DuckDB never reads
    a newer storage format, so the only way forward is to build the warehouse again from raw/."""


def _is_lock_error(error: duckdb.Error) -> bool:
    return "lock" in str(error).lower()


def _is_newer_format_error(error: duckdb.Error) -> bool:
    return "newer version of duckdb" in str(error).lower()


def connect(
    path: Path | Lake,
    *,
    read_only: bool,
    wait_seconds: float = DEFAULT_WAIT_SECONDS,
    on_wait: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, retrying while another process holds DuckDB's file lock."""
    if isinstance(path, Lake):
        return ducklake.connect(path, read_only=read_only, config=None if read_only else WRITE_CONFIG)
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseMissing(f"No warehouse at {path}: run `news-warehouse run` first.")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _create(path)
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    told = False
    # Only runs open the working copy (see working_copy); analysts' reads of the published file keep DuckDB's default.
    runs = WRITE_CONFIG if not read_only else RUN_READ_CONFIG if path.name.startswith(".") and path.name.endswith(".work") else None
    config = {**runs, "temp_directory": str(path.with_name(f".{path.name}.tmp"))} if runs else {}
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as error:
            if _is_newer_format_error(error):
                raise WarehouseFromNewerDuckDB(
                    f"The warehouse file {path} was written by a newer DuckDB than this product's {duckdb.__version__}, "
                    "which cannot read it. Rebuild it from raw/ with `news-warehouse rebuild` "
                    "(the old files are kept beside it)."
                ) from None
            if not _is_lock_error(error):
                raise
            if time.monotonic() >= deadline:
                who = "a run is writing to it" if read_only else "another process has it open"
                raise WarehouseBusy(
                    f"The warehouse {path} is busy ({who}); gave up after {wait_seconds:.0f} s. "
                    "Try again when the run has finished."
                ) from None
            if on_wait and not told:
                on_wait(f"Warehouse {path} is in use by another process; waiting up to {wait_seconds:.0f} s...")
                told = True
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def _create(path: Path) -> None:
    """A new, empty warehouse file with BLOCK_SIZE blocks (fixed for the file's lifetime)."""
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{ducklake.sql_quoted(path)}' AS new_warehouse (BLOCK_SIZE {BLOCK_SIZE})")
        con.execute("DETACH new_warehouse")


@contextmanager
def reading(path: Path | Lake, **kwargs) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection that is closed as soon as the block ends."""
    con = connect(path, read_only=True, **kwargs)
    try:
        yield con
    finally:
        con.close()


def register_values(con: duckdb.DuckDBPyConnection, name: str, column: str, values) -> None:
    """Register `values` as a one-column relation `name`, for semi-joins (`x IN (SELECT column
    FROM name)`) that stay fast at 100,000 values where list_contains compares every row with
    every value."""
    con.register(name, pl.DataFrame({column: sorted(values)}, schema={column: pl.String}))


def working_copy(published: Path | Lake) -> Path | Lake:
    """The file runs read and write, beside the published one: hidden, and no analyst opens it.
    A lake has no working copy: runs and readers share it, each in its own snapshot."""
    return published if isinstance(published, Lake) else published.with_name(f".{published.name}.work")


def exists(warehouse: Path | Lake) -> bool:
    """Whether the warehouse holds its tables yet (a lake's catalog can exist before them)."""
    if isinstance(warehouse, Lake):
        with reading(warehouse) as con:
            return table_exists(con, "raw_files")
    return Path(warehouse).exists()


def set_aside(published: Path) -> Path | None:
    """Move the warehouse's files (published, working copy and markers) into a new folder beside
    it, so a rebuild starts empty and loses nothing: the folder, or None when there was nothing
    to move. Callers hold the run lock."""
    published = Path(published)
    files = [f for f in (published, working_copy(published), _unpublished_marker(published)) if f.exists()]
    if not files:
        return None
    folder = published.with_name(f"{published.name}.before-rebuild-{time.strftime('%Y%m%dT%H%M%S')}")
    folder.mkdir()
    for file in files:
        file.replace(folder / file.name.lstrip("."))
    return folder


def _unpublished_marker(published: Path) -> Path:
    """Present from a run's first write until the working copy is published; it holds the start
    of the earliest run whose writes are not published yet."""
    return published.with_name(f".{published.name}.unpublished")


def _mark_unpublished(published: Path, since: datetime | None) -> None:
    """Note that the working copy holds writes made since `since` (now, when None) that are not
    published; an earlier, still unpublished write keeps its older time."""
    marker = _unpublished_marker(published)
    if not marker.exists():
        marker.write_text((since or datetime.now(UTC).replace(tzinfo=None)).isoformat())


def unpublished_since(published: Path | Lake) -> datetime | None:
    """The start of the earliest run whose writes to the working copy are not published yet (the
    rows no published check has judged), or None when the published file is the working copy's
    latest state. A lake publishes every commit: None. A marker from before it held a time
    counts every row as unpublished."""
    if isinstance(published, Lake):
        return None
    marker = _unpublished_marker(Path(published))
    if not marker.exists():
        return None if Path(published).exists() or not working_copy(Path(published)).exists() else datetime.min
    try:
        return datetime.fromisoformat(marker.read_text().strip())
    except ValueError:
        return datetime.min


def prepare_working_copy(published: Path | Lake) -> Path | Lake:
    """The working copy, made from the published file when there is none yet (a warehouse from
    before working copies, or a working copy deleted by hand); a lake, created if missing."""
    if isinstance(published, Lake):
        ducklake.create(published)
        return published
    work = working_copy(published)
    if not work.exists() and published.exists():
        _clone_or_copy(published, work)
    return work


@contextmanager
def writing(published: Path | Lake, compact: bool = False, schema: bool = True, since: datetime | None = None,
            **kwargs) -> Iterator[duckdb.DuckDBPyConnection]:
    """One atomic write to the working copy of the warehouse published at `published` (to a
    lake itself): schema ensured (unless `schema` is False: the shards of a lake, whose plan
    ensured it, and whose commits would conflict with a schema change), then everything in the
    block commits or nothing does; with `compact` (the last write of a run), the file is then
    compacted if it holds too much free space. `since`: when the run that writes started (its
    rows' times are not earlier), so the checks before publishing judge them. The write is
    published by pipelines/publishing.py once the checks pass."""
    in_lake = isinstance(published, Lake)
    path = prepare_working_copy(published)
    if not in_lake:
        path.parent.mkdir(parents=True, exist_ok=True)  # for the marker; connect() creates the file
        _mark_unpublished(Path(published), since)
    con = connect(path, read_only=False, **kwargs)
    try:
        con.execute("BEGIN TRANSACTION")
        if schema:
            apply_schema(con, in_lake=in_lake)
        yield con
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:  # a failed commit (a full disk, say) has ended the transaction already
            pass
        raise
    else:
        if compact and not in_lake:
            compact_if_slack(con, Path(path))
    finally:
        con.close()


# Free space a write may leave in the file before it is compacted.
MAX_SLACK = 0.05


def compact_if_slack(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Rewrite the file without its free blocks when they exceed MAX_SLACK of it. A commit frees
    the blocks it rewrote for later commits to reuse, but DuckDB never shrinks a file, so small
    runs leave slack; the copy costs time in proportion to the file and happens once per
    MAX_SLACK of growth. `con` keeps the old file locked until the new one has replaced it, so no
    other process writes to the old file meanwhile."""
    con.execute("CHECKPOINT")
    _, _, _, total, _, free, *_ = con.execute("PRAGMA database_size").fetchall()[0]
    if total == 0 or free / total <= MAX_SLACK:
        return False
    compact = path.with_name(path.name + ".compact")
    compact.unlink(missing_ok=True)
    try:
        con.execute(f"ATTACH '{ducklake.sql_quoted(compact)}' AS compacted (BLOCK_SIZE {BLOCK_SIZE})")
        database = con.execute("SELECT current_database()").fetchall()[0][0]
        con.execute(f'COPY FROM DATABASE "{database}" TO compacted')
        con.execute("DETACH compacted")
    except (duckdb.Error, OSError):  # e.g. a full disk: the committed file stays as it is
        compact.unlink(missing_ok=True)
        return False
    compact.replace(path)
    return True


def publish(published: Path | Lake) -> float | None:
    """Publish the working copy as the analysts' file when a write has not been published yet (or
    the published file is missing), whatever it holds: pipelines/publishing.py calls it once the
    blocking checks passed on the working copy. Copy it beside the published file (a copy-on-write clone
    where the filesystem offers one), flush it to disk, rename it over the published file. A
    kill at any point leaves the published file as it was or fully new, and the marker makes the
    next run publish. Seconds taken, or None when there was nothing to publish. Callers hold the
    run lock, so no write to the working copy happens meanwhile. A lake publishes every commit
    by itself."""
    if isinstance(published, Lake):
        return None
    published, work = Path(published), working_copy(Path(published))
    marker = _unpublished_marker(published)
    if not work.exists() or (published.exists() and not marker.exists()):
        return None
    started = time.perf_counter()
    incoming = published.with_name(f".{published.name}.publishing")
    _clone_or_copy(work, incoming)
    incoming.replace(published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    marker.unlink(missing_ok=True)
    return time.perf_counter() - started


# ioctl request that makes a file a copy-on-write clone of another (Linux: btrfs, XFS, ...).
FICLONE = 0x40049409


def _clone_or_copy(source: Path, target: Path) -> None:
    """`target` as a durable copy of `source`: a clone sharing its blocks where the filesystem
    can, else a copy inside the kernel (0.5-0.9 s for 750 MB here, on ext4, flushed to disk;
    a copy through Python buffers took 2.6-2.9 s)."""
    with source.open("rb") as src, target.open("wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
        except OSError:
            _copy_bytes(src.fileno(), dst.fileno(), os.fstat(src.fileno()).st_size)
        os.fsync(dst.fileno())


def _copy_bytes(source: int, target: int, size: int) -> None:
    copied = 0
    while copied < size:
        try:
            step = os.copy_file_range(source, target, size - copied)
        except OSError:  # across filesystems on older kernels
            step = os.sendfile(target, source, copied, size - copied)
        if step == 0:
            break
        copied += step


def sql_files(folder: Path) -> list[Path]:
    """The .sql files of a folder in load order (their numeric prefixes)."""
    return sorted(folder.glob("*.sql"))


def object_name(sql_file: Path) -> str:
    """Table or view name of a DDL file: `020_articles.sql` defines `articles`."""
    return sql_file.stem.split("_", 1)[1]


# Marks the DDL of a table made from articles by the facts step, which can re-derive it at any time.
DERIVED_MARKER = "-- Derived:"


@dataclass(frozen=True)
class Table:
    """A warehouse table as its DDL file in sql/tables declares it: the one list of tables."""

    name: str
    producer: str
    upstream: tuple[str, ...]
    description: str
    derived: bool
    ddl: str
    preview: str  # a SELECT of its rows as a person reads them (names, titles, dates before ids), for the UI


@cache
def tables() -> tuple[Table, ...]:
    """Every table, in load order, from the headers of sql/tables/*.sql ("-- name: what it holds",
    "-- Producer: <asset>", "-- Upstream: a, b", "-- Derived: ...", "-- Preview: SELECT ...")."""
    found = []
    for ddl_file in sql_files(TABLES_DIR):
        ddl = ddl_file.read_text()
        name = object_name(ddl_file)
        header = {key: value.strip() for key, value in re.findall(r"^-- (\w+): (.*)$", ddl, re.MULTILINE)}
        found.append(Table(
            name=name,
            producer=header["Producer"].split()[0],
            upstream=tuple(u.strip() for u in header.get("Upstream", "").rstrip(".").split(",") if u.strip()),
            description=header[name][0].upper() + header[name][1:],
            derived=DERIVED_MARKER in ddl,
            ddl=ddl,
            preview=header["Preview"],
        ))
    return tuple(found)


def table_names(producer: str | None = None) -> tuple[str, ...]:
    return tuple(t.name for t in tables() if producer in (None, t.producer))


def derived_tables_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether every derived table exists with the columns its DDL defines, none of them still NOT
    NULL where the DDL now allows NULL (the facts step could not insert its rows there)."""
    stored = _columns(con)
    if not all(stored.get(t.name) == _ddl_columns()[t.name] for t in tables() if t.derived):
        return False
    required = _not_null_columns(con)
    return not any(required.get(t.name, frozenset()) - _ddl_not_null_columns()[t.name] for t in tables() if t.derived)


def _not_null_columns(con: duckdb.DuckDBPyConnection) -> dict[str, frozenset[str]]:
    """Every table's NOT NULL columns."""
    rows = con.execute("SELECT table_name, list(column_name) FROM duckdb_columns() WHERE NOT internal "
                       "AND database_name = current_database() AND NOT is_nullable GROUP BY table_name").fetchall()
    return {name: frozenset(columns) for name, columns in rows}


@cache
def _ddl_not_null_columns() -> dict[str, frozenset[str]]:
    """The NOT NULL columns of every table the DDL files define (a table with none maps to none)."""
    with duckdb.connect() as scratch:
        for table in tables():
            scratch.execute(table.ddl)
        return {table.name: _not_null_columns(scratch).get(table.name, frozenset()) for table in tables()}


def _ddls(in_lake: bool) -> list[str]:
    """The DDL of every table, as the warehouse takes it (a lake's: its own, and its bookkeeping)."""
    if not in_lake:
        return [table.ddl for table in tables()]
    return [ducklake.lake_ddl(table.ddl) for table in tables()] + [f.read_text() for f in sql_files(LAKE_TABLES_DIR)]


_DESCRIPTION_SQL = """
    SELECT table_name, '', '', coalesce(comment, '') FROM duckdb_tables()
    WHERE NOT internal AND database_name = current_database()
    UNION ALL
    SELECT table_name, column_name, data_type, coalesce(comment, '') FROM duckdb_columns()
    WHERE NOT internal AND database_name = current_database()"""


@cache
def _described_by_ddl(in_lake: bool) -> frozenset[tuple[str, str, str, str]]:
    """(table, column, type, comment) of every table and column the DDL defines, with comments."""
    with duckdb.connect() as scratch:
        for ddl in _ddls(in_lake):
            scratch.execute(ddl)
        return frozenset(scratch.execute(_DESCRIPTION_SQL).fetchall())


def schema_current(con: duckdb.DuckDBPyConnection, in_lake: bool = False) -> bool:
    """Whether every table is stored with the columns, types and comments its DDL gives: then
    applying the schema would change nothing (and on a lake, it would only add a snapshot that
    conflicts with the commits of concurrent writers)."""
    expected = _described_by_ddl(in_lake)
    names = {row[0] for row in expected}
    return {row for row in con.execute(_DESCRIPTION_SQL).fetchall() if row[0] in names} == expected


def apply_schema(con: duckdb.DuckDBPyConnection, in_lake: bool = False) -> None:
    """Create missing tables from sql/tables (idempotent; comments refreshed when they changed).
    When a derived table's columns no longer match its DDL (a newer version of the product), or
    one is still NOT NULL where the DDL now allows NULL, every derived table is dropped: the facts step of the same run derives them all again, so
    nothing is lost and no table is left half derived."""
    derived_current = derived_tables_current(con)
    if derived_current and schema_current(con, in_lake):
        return
    if not derived_current:
        for table in tables():
            if table.derived:
                con.execute(f"DROP TABLE IF EXISTS {table.name}")
    _migrate_stored_tables(con)
    for ddl in _ddls(in_lake):
        con.execute(ddl)
    if in_lake:
        con.execute("INSERT INTO plan_turns SELECT 0, now()::TIMESTAMP WHERE NOT EXISTS (SELECT * FROM plan_turns)")


def _migrate_stored_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a stored (not derived) table's columns to its DDL: columns the DDL no longer has are
    dropped and new ones added empty. A version that changes them also bumps CLEANING_VERSION, so
    the same run re-cleans every article and fills the new columns."""
    stored = _columns(con)
    for table in tables():
        if table.derived or table.name not in stored:
            continue
        wanted = _ddl_columns()[table.name]
        for column in stored[table.name]:
            if column not in wanted:
                con.execute(f'ALTER TABLE {table.name} DROP COLUMN "{column}"')
        for column in wanted:
            if column not in stored[table.name]:
                con.execute(f'ALTER TABLE {table.name} ADD COLUMN "{column}" {_ddl_types()[table.name][column]}')


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    """Every table's columns, in order."""
    rows = con.execute("SELECT table_name, list(column_name ORDER BY column_index) FROM duckdb_columns() "
                       "WHERE NOT internal AND database_name = current_database() GROUP BY table_name").fetchall()
    return {name: tuple(columns) for name, columns in rows}


@cache
def _ddl_types() -> dict[str, dict[str, str]]:
    """The columns the DDL files define with their types, in order, read by running them in a
    scratch in-memory database."""
    with duckdb.connect() as scratch:
        for table in tables():
            scratch.execute(table.ddl)
        rows = scratch.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                               "WHERE NOT internal ORDER BY table_name, column_index").fetchall()
    types: dict[str, dict[str, str]] = {}
    for name, column, data_type in rows:
        types.setdefault(name, {})[column] = data_type
    return types


def _ddl_columns() -> dict[str, tuple[str, ...]]:
    return {name: tuple(columns) for name, columns in _ddl_types().items()}


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return rows[0][0] > 0


# Columns that say when a run did something or a file was last written: they differ between
# builds of the same files.
RUN_TIME_COLUMNS = ("first_seen", "last_seen", "cleaned_at", "read_at", "extracted_at", "modified_ns")


def contents(target: Path | Lake) -> dict[str, list[tuple]]:
    """Every row of every table and view in a stable order, without the run times: what two
    builds of the same files must agree on, however they were made (in how many runs, on a file
    or a lake, on how many workers)."""
    rows = {}
    with reading(target) as con:
        for name in (*table_names(), *(object_name(f) for f in sql_files(VIEWS_DIR))):
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = current_database() "
                "ORDER BY column_index", [name]).fetchall()]
            kept = ", ".join(f'"{c}"' for c in columns if c not in RUN_TIME_COLUMNS)
            rows[name] = con.execute(f"SELECT {kept} FROM {name} ORDER BY ALL").fetchall()
    return rows


def differences(expected: dict[str, list[tuple]], actual: dict[str, list[tuple]]) -> list[str]:
    """How two `contents` differ, one line per table or view that does."""
    found = []
    for name in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(name, []), actual.get(name, [])
        if want != got:
            missing, extra = len(set(want) - set(got)), len(set(got) - set(want))
            found.append(f"{name}: {len(want)} rows against {len(got)} ({missing} missing, {extra} extra)")
    return found
