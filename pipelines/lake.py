"""The DuckLake backend: the warehouse's tables and views in a DuckLake, whose catalog lives in
PostgreSQL (or, on one machine, in a local file) and whose data are Parquet files under a path
every worker reaches (a shared folder, or object storage through httpfs).

DuckLake gives each commit a snapshot and lets several processes write at once, so a lake needs
neither the working copy nor the publishing that the single-writer DuckDB file does: a reader
attaches the lake read-only and sees the last committed snapshot. The extensions come from the
`duckdb-ext-*` wheels of the `scale-out` extra and load from the installed files, never from
the network.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import duckdb

# The name the lake is attached under, and made the default database as.
ALIAS = "warehouse"
REMOTE_DATA = ("s3://", "s3a://", "gs://", "gcs://", "r2://", "az://", "abfss://", "http://", "https://")


class LakeUnavailable(RuntimeError):
    """The DuckLake extensions are not installed, or the lake cannot be attached."""


@dataclass(frozen=True)
class Lake:
    """Where a DuckLake warehouse is: `catalog` is what follows `ducklake:` in DuckDB's ATTACH
    (`postgres:dbname=news host=db.internal user=news`, or the path of a DuckDB catalog file),
    `data_path` the folder or object-store prefix of its Parquet files."""

    catalog: str
    data_path: str

    def __str__(self) -> str:
        return f"DuckLake {self.catalog} (data in {self.data_path})"


def extension_directory() -> str:
    """The folder DuckDB loads the extension wheels from (site-packages/duckdb_ext/extensions)."""
    try:
        import duckdb_ext
    except ImportError:
        raise LakeUnavailable("A DuckLake warehouse needs the DuckLake extensions: "
                              "pip install -e '.[scale-out]'") from None
    return os.path.join(next(iter(duckdb_ext.__path__)), "extensions")


def connect(lake: Lake, *, read_only: bool, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as the default database."""
    con = duckdb.connect(config={"extension_directory": extension_directory(), "autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False, **(config or {})})
    try:
        con.execute("LOAD ducklake")
        if lake.catalog.startswith("postgres:"):
            con.execute("LOAD postgres")
        if lake.data_path.startswith(REMOTE_DATA):
            con.execute("LOAD httpfs")
        options = [f"DATA_PATH '{sql_quoted(lake.data_path)}'"] + (["READ_ONLY"] if read_only else [])
        con.execute(f"ATTACH 'ducklake:{sql_quoted(lake.catalog)}' AS {ALIAS} ({', '.join(options)})")
        con.execute(f"USE {ALIAS}")
    except duckdb.Error as error:
        con.close()
        raise LakeUnavailable(f"Could not open {lake}: {str(error).splitlines()[0]}") from None
    return con


def create(lake: Lake) -> None:
    """Create the lake's catalog (and local data folder) when they do not exist yet."""
    if not lake.data_path.startswith(REMOTE_DATA):
        os.makedirs(lake.data_path, exist_ok=True)
    if not lake.catalog.startswith("postgres:"):
        os.makedirs(os.path.dirname(os.path.abspath(lake.catalog)), exist_ok=True)
    connect(lake, read_only=False).close()


# Constraints DuckLake does not enforce, so its DDL leaves them out; the checks test the same
# invariants (unique keys, known event kinds) on every backend.
_UNSUPPORTED = re.compile(r"\s+PRIMARY KEY\b|\s+CHECK\s*\((?:[^()]|\([^()]*\))*\)")


def lake_ddl(ddl: str) -> str:
    """A table's DDL as DuckLake accepts it: without PRIMARY KEY and CHECK constraints."""
    return _UNSUPPORTED.sub("", ddl)


def sql_quoted(text: str | os.PathLike) -> str:
    """`text` for a single-quoted SQL string literal."""
    return str(text).replace("'", "''")
