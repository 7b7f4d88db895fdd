"""DuckDB access with the single-writer rule built in.

DuckDB lets one process open a database file read-write and then locks everyone else out, so
every connection here is short-lived and opening one waits (with a clear message) while another
process holds the lock, instead of surfacing DuckDB's raw "Could not set lock" error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
TABLES_DIR = SQL_DIR / "tables"
VIEWS_DIR = SQL_DIR / "views"

DEFAULT_WAIT_SECONDS = 60.0


class WarehouseBusy(RuntimeError):
    """Another process kept the warehouse locked for longer than we were willing to wait."""


class WarehouseMissing(FileNotFoundError):
    """A reader asked for a warehouse that no run has created yet."""


def _is_lock_error(error: duckdb.Error) -> bool:
    return "lock" in str(error).lower()


def connect(
    path: Path,
    *,
    read_only: bool,
    wait_seconds: float = DEFAULT_WAIT_SECONDS,
    on_wait: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, retrying while another process holds DuckDB's file lock."""
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseMissing(f"No warehouse at {path}: run `news-warehouse run` first.")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    told = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
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


@contextmanager
def reading(path: Path, **kwargs) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection that is closed as soon as the block ends."""
    con = connect(path, read_only=True, **kwargs)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def writing(path: Path, **kwargs) -> Iterator[duckdb.DuckDBPyConnection]:
    """One atomic write: schema ensured, then everything in the block commits or nothing does."""
    con = connect(path, read_only=False, **kwargs)
    try:
        con.execute("BEGIN TRANSACTION")
        apply_schema(con)
        yield con
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()


def sql_files(folder: Path) -> list[Path]:
    """The .sql files of a folder in load order (their numeric prefixes)."""
    return sorted(folder.glob("*.sql"))


def object_name(sql_file: Path) -> str:
    """Table or view name of a DDL file: `020_articles.sql` defines `articles`."""
    return sql_file.stem.split("_", 1)[1]


# Marks the DDL of a table that every run rebuilds in full from `articles` (the fact tables).
DERIVED_MARKER = "-- Derived:"


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables from sql/tables (idempotent; comments refreshed every time). A
    derived table whose columns no longer match its DDL (a newer version of the product) is
    dropped first: the same run rebuilds it, so nothing is lost."""
    for ddl in sql_files(TABLES_DIR):
        text = ddl.read_text()
        name = object_name(ddl)
        if DERIVED_MARKER in text and table_exists(con, name) and _columns(con, name) != _ddl_columns(text, name):
            con.execute(f"DROP TABLE {name}")
        con.execute(text)


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [name]).fetchall()]


def _ddl_columns(ddl: str, name: str) -> list[str]:
    """The columns a DDL file defines, read by running it in a scratch in-memory database."""
    with duckdb.connect() as scratch:
        scratch.execute(ddl)
        return _columns(scratch, name)


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return rows[0][0] > 0
