"""Materialization metadata: row counts and a markdown preview of a table or view."""

from __future__ import annotations

import dagster as dg
import duckdb

PREVIEW_ROWS = 5
PREVIEW_CELL_CHARS = 60


def _cell(value) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= PREVIEW_CELL_CHARS else text[: PREVIEW_CELL_CHARS - 1] + "…"


def describe(con: duckdb.DuckDBPyConnection, name: str, columns: str = "*") -> dict[str, dg.MetadataValue]:
    """Row count and the first rows of `name` as a markdown table."""
    count = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
    result = con.execute(f"SELECT {columns} FROM {name} LIMIT {PREVIEW_ROWS}")
    header = [d[0] for d in result.description]
    rows = result.fetchall()
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return {"dagster/row_count": dg.MetadataValue.int(count), "preview": dg.MetadataValue.md("\n".join(lines))}


def column_schema(con: duckdb.DuckDBPyConnection, name: str) -> dg.TableSchema:
    """The columns of a table or view, with their types and comments, for the UI."""
    rows = con.execute("SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? "
                       "ORDER BY column_index", [name]).fetchall()
    return dg.TableSchema(columns=[dg.TableColumn(column, data_type, description=comment) for column, data_type, comment in rows])
