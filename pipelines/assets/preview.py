"""Materialization metadata: row counts and a markdown preview of a table or view, leading with
what a person reads (titles, outlets, dates, names, quotes) rather than 64-character ids."""

from __future__ import annotations

import threading
import time

import dagster as dg
import duckdb

from pipelines.warehouse import Table

PREVIEW_ROWS = 5
PREVIEW_CELL_CHARS = 60
# A view is computed when queried: its preview gets this long (an aggregate over the whole
# warehouse can take seconds at 100,000 articles), then says it was skipped.
VIEW_PREVIEW_SECONDS = 1.0


def _cell(value) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= PREVIEW_CELL_CHARS else text[: PREVIEW_CELL_CHARS - 1] + "…"


def markdown_rows(result: duckdb.DuckDBPyConnection) -> str:
    """The rows of an executed query as a markdown table."""
    header = [d[0] for d in result.description]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in result.fetchall()]
    return "\n".join(lines)


def describe(con: duckdb.DuckDBPyConnection, table: Table) -> dict[str, dg.MetadataValue]:
    """Row count and the first rows of the table's preview query (its DDL's "-- Preview:")."""
    count = con.execute(f"SELECT count(*) FROM {table.name}").fetchall()[0][0]
    preview = markdown_rows(con.execute(f"{table.preview} LIMIT {PREVIEW_ROWS}"))
    return {"dagster/row_count": dg.MetadataValue.int(count), "preview": dg.MetadataValue.md(preview)}


def readable_columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """A view's columns without its ids (doc_id, entity_a_id, doc_ids...), which are there for
    joining, not reading."""
    rows = con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                       [name]).fetchall()
    return [column for (column,) in rows if not column.endswith(("_id", "_ids"))]


def view_preview(con: duckdb.DuckDBPyConnection, name: str, seconds: float = VIEW_PREVIEW_SECONDS) -> str:
    """The first rows of a view's readable columns as markdown, or a line saying the view took
    longer than `seconds` to compute (the query is interrupted, so the run never waits longer)."""
    columns = ", ".join(f'"{c}"' for c in readable_columns(con, name))
    timer = threading.Timer(seconds, con.interrupt)
    started = time.perf_counter()
    timer.start()
    try:
        return markdown_rows(con.execute(f"SELECT {columns} FROM {name} LIMIT {PREVIEW_ROWS}"))
    except duckdb.InterruptException:
        return (f"No preview: computing the view took over {time.perf_counter() - started:.1f} s at this size; "
                f"query it (`news-warehouse sql \"SELECT * FROM {name} LIMIT 5\"`).")
    finally:
        timer.cancel()


def column_schema(con: duckdb.DuckDBPyConnection, name: str) -> dg.TableSchema:
    """The columns of a table or view, with their types and comments, for the UI."""
    rows = con.execute("SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? "
                       "ORDER BY column_index", [name]).fetchall()
    return dg.TableSchema(columns=[dg.TableColumn(column, data_type, description=comment) for column, data_type, comment in rows])
