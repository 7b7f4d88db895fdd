"""One asset per view in sql/views/, named after it, downstream of the tables it reads."""

import hashlib
import re
from pathlib import Path

import dagster as dg

from pipelines.assets.preview import column_schema
from pipelines.resources import GROUP, WRITER_POOL, WarehouseResource
from pipelines.warehouse import VIEWS_DIR, object_name, reading, sql_files, writing


def referenced_objects(sql: str, known: list[str]) -> list[str]:
    """Which of the known tables and views a view's SQL reads (its lineage)."""
    words = set(re.findall(r"\b\w+\b", re.sub(r"--[^\n]*", "", sql).lower()))
    return [name for name in known if name in words]


def view_asset(sql_file: Path, known: list[str]) -> dg.AssetsDefinition:
    name = object_name(sql_file)
    sql = sql_file.read_text()
    description = " ".join(line.removeprefix("--").strip() for line in sql.splitlines() if line.startswith("--"))

    # The comment analysts see on the view names its file and hash, so a run re-creates the view
    # only when its SQL changed and otherwise writes nothing.
    stamp = f"{description} [{sql_file.name}, sha256 {hashlib.sha256(sql.encode()).hexdigest()[:16]}]"

    @dg.asset(name=name, deps=referenced_objects(sql, [k for k in known if k != name]), kinds={"duckdb"},
              group_name=GROUP, description=description or None, pool=WRITER_POOL)
    def _view(warehouse: WarehouseResource) -> dg.MaterializeResult:
        db_path = warehouse.settings().warehouse
        with reading(db_path) as con:
            current = con.execute("SELECT comment FROM duckdb_views() WHERE view_name = ?", [name]).fetchall() == [(stamp,)]
            columns = None if not current else column_schema(con, name)
        if not current:
            with writing(db_path) as con:
                con.execute(sql)
                con.execute(f"COMMENT ON VIEW {name} IS '{stamp.replace(chr(39), chr(39) * 2)}'")
                columns = column_schema(con, name)
        # No row count or preview: a view is computed when queried, and counting the largest ones
        # costs seconds at 100,000 articles, on every run.
        return dg.MaterializeResult(metadata={"dagster/column_schema": columns,
                                              "sql": dg.MetadataValue.md(f"```sql\n{sql}\n```")})

    return _view


def view_assets(table_names: list[str]) -> list[dg.AssetsDefinition]:
    files = sql_files(VIEWS_DIR)
    known = table_names + [object_name(f) for f in files]
    return [view_asset(f, known) for f in files]
