"""Scale-out: the refresh in shards on Celery workers into a DuckLake with its catalog in
PostgreSQL gives the rows a single machine gives, when a worker dies mid-shard too, and two
refreshes started at once both land."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import dagster as dg
import pytest

from conftest import ROOT, run_job, varied_article
from pipelines.lake import Lake
from pipelines.warehouse import contents, differences, writing

pytest.importorskip("duckdb_ext", reason="the DuckLake extensions come with the scale-out extra")
pytest.importorskip("dagster_celery", reason="the Celery executor comes with the scale-out extra")
pytestmark = pytest.mark.slow


@pytest.fixture
def broker():
    from pipelines.services import redis_server

    if shutil.which("redis-server") is None:
        pytest.skip("Redis is not installed (apt-get install redis-server)")
    with redis_server() as found:
        yield found


def add_articles(raw: Path, numbers: range) -> None:
    for n in numbers:
        (raw / f"story-{n:03d}.html").write_text(varied_article(n))


def environment(settings, lake: Lake, home: Path, **more: str) -> dict[str, str]:
    """The settings as the environment of `news-warehouse run` and of the workers."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home)
    return {**os.environ, "NEWS_WAREHOUSE_RAW": str(settings.raw_dir), "NEWS_WAREHOUSE_DB": str(settings.warehouse),
            "NEWS_WAREHOUSE_LAKE": lake.catalog, "NEWS_WAREHOUSE_LAKE_DATA": lake.data_path,
            "NEWS_WAREHOUSE_WORKERS": "1", "DAGSTER_HOME": str(home), **more}


def start_run(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run"], cwd=ROOT, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)


def finished(run: subprocess.Popen, log: Path) -> str:
    assert run.wait(timeout=600) == 0, log.read_text()[-4000:]
    return log.read_text()


def single_machine_contents(settings, tmp_path: Path) -> dict:
    """The same raw/ built (or brought up to date) in one process in a DuckDB file of its own."""
    alone = replace(settings, warehouse=tmp_path / "single-machine" / "news.duckdb", lake=None)
    run_job(alone)
    return contents(alone.warehouse)


def shard_step_starts(home: Path, run_number: int) -> list[str]:
    """The step keys of every start of a shard step in the instance's `run_number`th run (from 1)."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        if len(runs) < run_number:
            return []
        run = runs[len(runs) - run_number]  # newest first
        records = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.STEP_START, limit=10000).records
    return [r.event_log_entry.dagster_event.step_key for r in records if "refresh_shard_step" in r.event_log_entry.dagster_event.step_key]


def test_two_celery_workers_give_the_rows_of_one_machine_also_when_one_dies_mid_shard(settings, postgres_catalog, broker, tmp_path):
    from pipelines.services import celery_workers

    add_articles(settings.raw_dir, range(6))
    lake = Lake(postgres_catalog, str(tmp_path / "shared" / "lake-data") + "/")
    home = tmp_path / "dagster_home"
    env = environment(settings, lake, home, NEWS_WAREHOUSE_CELERY_BROKER=broker, NEWS_WAREHOUSE_SHARDS="3")
    with celery_workers(2, broker, env) as workers:
        output = finished(start_run(env, tmp_path / "first.log"), tmp_path / "first.log")
        assert "Steps run on the Celery workers" in output
        assert not differences(single_machine_contents(settings, tmp_path), contents(lake))
        logs = [(workers.logs / f"worker-{n}.log").read_text() for n in range(2)]
        assert all("execute_plan" in log for log in logs), "each worker ran steps"

        # More work, and a worker's step process killed once a shard has started.
        add_articles(settings.raw_dir, range(6, 30))
        run = start_run(env, tmp_path / "second.log")
        deadline = time.monotonic() + 300
        while not shard_step_starts(home, 2):
            assert time.monotonic() < deadline and run.poll() is None, (tmp_path / "second.log").read_text()
            time.sleep(0.2)
        killed = workers.pool_processes()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        finished(run, tmp_path / "second.log")
        starts = shard_step_starts(home, 2)
    assert killed
    assert len(starts) > len(set(starts)), f"a killed shard step ran again: {starts}"
    assert not differences(single_machine_contents(settings, tmp_path), contents(lake))


def test_two_refreshes_started_at_once_on_new_files_both_land(settings, postgres_catalog, tmp_path):
    lake = Lake(postgres_catalog, str(tmp_path / "shared" / "lake-data") + "/")
    with writing(lake):  # the lake's tables exist, as after any first run
        pass
    add_articles(settings.raw_dir, range(12))
    first = start_run(environment(settings, lake, tmp_path / "home-1", NEWS_WAREHOUSE_SHARDS="2"), tmp_path / "first.log")
    add_articles(settings.raw_dir, range(12, 24))
    second = start_run(environment(settings, lake, tmp_path / "home-2", NEWS_WAREHOUSE_SHARDS="2"), tmp_path / "second.log")
    outputs = [finished(first, tmp_path / "first.log"), finished(second, tmp_path / "second.log")]
    assert not any("conflict" in output.lower() and "error" in output.lower() for output in outputs)
    assert not differences(single_machine_contents(settings, tmp_path), contents(lake))
    with dg.DagsterInstance.from_config(str(tmp_path / "home-1")) as one, \
            dg.DagsterInstance.from_config(str(tmp_path / "home-2")) as two:
        assert [run.status for run in one.get_runs() + two.get_runs()] == [dg.DagsterRunStatus.SUCCESS] * 2
