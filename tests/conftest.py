"""Shared fixtures: the bundled sample, a temporary warehouse, and running the real job."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.cleaning import clean_documents
from pipelines.definitions import JOB_NAME, build_definitions
from pipelines.settings import Settings
from pipelines.warehouse import TABLES_DIR, VIEWS_DIR, object_name, sql_files

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "raw"
EXPECTED = json.loads((Path(__file__).parent / "data" / "seeds_expected.json").read_text())
SEED_FILES = sorted(name for name in EXPECTED if not name.startswith("_"))
# Every table and view the sql/ directory defines: each must be an asset.
WAREHOUSE_OBJECTS = [object_name(f) for f in sql_files(TABLES_DIR) + sql_files(VIEWS_DIR)]


def clean_seed_articles() -> pl.DataFrame:
    """The bundled sample articles through the product's cleaning, one row each."""
    frame = pl.DataFrame({
        "doc_id": SEED_FILES,
        "content": [(SAMPLE_DIR / name).read_text() for name in SEED_FILES],
        "format": ["txt"] * len(SEED_FILES),
        "source_url": [None] * len(SEED_FILES),
    })
    return clean_documents(frame, workers=1)


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A landing zone holding a copy of the bundled sample."""
    target = tmp_path / "raw"
    shutil.copytree(SAMPLE_DIR, target)
    return target


@pytest.fixture
def settings(raw_dir: Path, tmp_path: Path) -> Settings:
    return Settings(raw_dir=raw_dir, warehouse=tmp_path / "warehouse" / "news.duckdb", workers=2)


def run_job(settings: Settings) -> dg.ExecuteInProcessResult:
    """Materialize every asset and check of the real job into the settings' warehouse."""
    job = build_definitions(settings).resolve_job_def(JOB_NAME)
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=True)
    assert result.success
    return result


def fetch(settings: Settings, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def snapshot(settings: Settings) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order, to compare warehouse states."""
    return {
        table: fetch(settings, f"SELECT * FROM {table} ORDER BY ALL")
        for table in ("raw_documents", "articles", "rejected_documents")
    }
