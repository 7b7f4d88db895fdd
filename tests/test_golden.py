"""The whole warehouse built from the sample, row for row, against checked-in rows in
tests/golden/ (one JSON list a row, sorted, run times left out), after the first run and again
after a run with nothing new. A change of the product that changes any row shows in the diff of
tests/golden/, regenerated with:

    pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import WAREHOUSE_OBJECTS, content_snapshot, run_job

GOLDEN_DIR = Path(__file__).parent / "golden"


def as_lines(rows: list[tuple]) -> list[str]:
    """Rows as the golden files hold them: dates, times and decimals as text."""
    return [json.dumps(list(row), default=str, ensure_ascii=False) for row in rows]


def golden_lines(name: str) -> list[str]:
    path = GOLDEN_DIR / f"{name}.jsonl"
    assert path.exists(), f"no golden rows for {name}: run pytest tests/test_golden.py --update-golden"
    return path.read_text().splitlines()


def test_every_table_and_view_matches_its_golden_rows_after_a_run_and_a_rerun(settings, request):
    run_job(settings)
    built = {name: as_lines(rows) for name, rows in content_snapshot(settings).items()}
    if request.config.getoption("--update-golden"):
        GOLDEN_DIR.mkdir(exist_ok=True)
        for stale in GOLDEN_DIR.glob("*.jsonl"):
            stale.unlink()
        for name, lines in built.items():
            (GOLDEN_DIR / f"{name}.jsonl").write_text("".join(f"{line}\n" for line in lines))
        pytest.skip("golden rows rewritten: review the diff of tests/golden/")
    assert sorted(p.stem for p in GOLDEN_DIR.glob("*.jsonl")) == sorted(WAREHOUSE_OBJECTS)
    for name in WAREHOUSE_OBJECTS:
        assert built[name] == golden_lines(name), f"{name} differs from tests/golden/{name}.jsonl"
    run_job(settings)
    rerun = {name: as_lines(rows) for name, rows in content_snapshot(settings).items()}
    for name in WAREHOUSE_OBJECTS:
        assert rerun[name] == golden_lines(name), f"{name} changed on a run with nothing new"
