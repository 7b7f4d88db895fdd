"""A warehouse made by an older version: its derived tables are brought to the current DDL."""

from __future__ import annotations

import duckdb

from pipelines.warehouse import apply_schema, derived_tables_current


def nullable(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return con.execute("SELECT is_nullable FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                       [table, column]).fetchone()[0]


def test_a_derived_column_the_ddl_now_allows_to_be_null_is_made_again(tmp_path):
    """amounts.object was NOT NULL before sums of money could have no object: a warehouse that
    still has it so would fail the facts step's insert, so applying the schema re-creates it."""
    with duckdb.connect(str(tmp_path / "news.duckdb")) as con:
        apply_schema(con)
        assert nullable(con, "amounts", "object")
        con.execute("ALTER TABLE amounts ALTER COLUMN object SET NOT NULL")
        assert not derived_tables_current(con)
        apply_schema(con)
        assert nullable(con, "amounts", "object")
        assert derived_tables_current(con)
        con.execute("INSERT INTO amounts (doc_id, start, \"end\", text, value, unit, sentence) "
                    "VALUES ('d', 0, 3, '$5m', 5000000, 'money', 0)")
