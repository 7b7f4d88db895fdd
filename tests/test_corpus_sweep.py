"""A small corpus sweep: a seeded sample of every text corpus in ../shared through the real job
into a temporary warehouse (`python bench/corpus_sweep.py` is the full sweep through the CLI)."""

import sys

import pytest

from conftest import ROOT, fetch, run_job
from pipelines.invariants import offending_rows
from pipelines.settings import Settings
from pipelines.warehouse import VIEWS_DIR, object_name, reading, sql_files

# bench/ is a folder of scripts, not a package (its scripts import each other the same way):
# the sweep's corpus writer is imported from there, so the test writes what the sweep writes.
sys.path.insert(0, str(ROOT / "bench"))
from corpus_sweep import SOURCES, write_corpora  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
PER_CORPUS = 36  # 13 corpora (seeds has 3): about 435 files


@pytest.mark.slow
@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"{CORPORA} is absent")
def test_a_sample_of_every_corpus_becomes_articles_or_rejections_and_passes_every_check(tmp_path):
    raw = tmp_path / "raw"
    written = write_corpora(raw, PER_CORPUS, seed=1)
    assert set(written) == set(SOURCES) and all(written.values()), written  # every corpus found
    files = sorted(path.relative_to(raw).as_posix() for path in raw.rglob("*") if path.is_file())
    assert len(files) == sum(written.values())
    settings = Settings(raw_dir=raw, warehouse=tmp_path / "warehouse" / "news.duckdb", workers=2)

    result = run_job(settings)

    checks = result.get_asset_check_evaluations()
    assert checks
    assert [(c.check_name, {k: v.value for k, v in c.metadata.items()}) for c in checks if not c.passed] == []
    with reading(settings.warehouse) as con:
        assert {name: rows for name, rows in offending_rows(con).items() if rows} == {}
        views = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert {object_name(path) for path in sql_files(VIEWS_DIR)} - views == set()
    articles = {row[0] for row in fetch(settings, "SELECT unnest(paths) FROM raw_documents "
                                                  "WHERE doc_id IN (SELECT doc_id FROM articles)")}
    rejected = dict(fetch(settings, "SELECT path, reason FROM rejected_documents"))
    assert articles
    assert [path for path in files if path not in articles and not rejected.get(path)] == []
    assert articles & rejected.keys() == set()
