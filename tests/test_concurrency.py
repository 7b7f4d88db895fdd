"""The single-writer rule: runs coexist with readers, queries wait for writers, kills leave no half state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import SEED_FILES, fetch, run_job, snapshot, varied_article
from pipelines.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = """<html><head><title>Exercise {n} near Brest</title></head><body><article>
<h1>Exercise {n} near Brest</h1>
<p>Troops of the regional grouping held drill number {n} near Brest on Tuesday, the defence ministry said in a statement published on its website.</p>
<p>About {n} hundred soldiers and dozens of armoured vehicles took part in the drill, which tested the readiness of units to move at short notice.</p>
<p>Officials said further exercises would follow in the spring, with observers invited from the member states of the alliance and from neighbouring countries.</p>
</article></body></html>"""


def python(code: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def wait_for_first_cleaned_batch(db_path: Path, timeout: float = 120) -> bool:
    """True once the run has staged its first cleaned batch: it is registered, mid-cleaning, and
    has written nothing to the warehouse yet."""
    staging = db_path.with_name(f".{db_path.name}.staging")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(staging.glob("cleaned-*.parquet")):
            return True
        time.sleep(0.02)
    return False


def add_articles(raw_dir: Path, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        (raw_dir / f"exercise_{n:04d}.html").write_text(ARTICLE.format(n=n))


def test_run_succeeds_while_another_process_reads(settings):
    run_job(settings)
    add_articles(settings.raw_dir, 40)
    reader = python(f"""
        import time, duckdb
        from pipelines.warehouse import reading
        deadline, queries = time.monotonic() + 8, 0
        while time.monotonic() < deadline:
            with reading({str(settings.warehouse)!r}) as con:
                con.execute("SELECT count(*), max(word_count) FROM articles").fetchall()
            queries += 1
            time.sleep(0.05)
        print(queries)
    """)
    time.sleep(0.5)
    run_job(settings)
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    assert int(out) > 10
    assert fetch(settings, "SELECT count(*) FROM articles") == [(40 + len(SEED_FILES),)]


def test_sql_command_never_waits_for_a_writer(settings):
    run_job(settings)
    writer = python(f"""
        import time, duckdb
        from pipelines.warehouse import working_copy
        con = duckdb.connect(str(working_copy(__import__("pathlib").Path({str(settings.warehouse)!r}))))
        con.execute("BEGIN"); con.execute("DELETE FROM articles")
        print("locked", flush=True)
        time.sleep(30)
    """)
    assert writer.stdout.readline().strip() == "locked"
    query = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "sql", "SELECT 'articles=' || count(*) AS n FROM articles", "--warehouse", str(settings.warehouse)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    writer.kill()
    writer.wait(timeout=30)
    assert query.returncode == 0, query.stdout + query.stderr
    assert "waiting" not in query.stdout
    assert f"articles={len(SEED_FILES)}" in query.stdout  # the published snapshot, untouched by the writer


def test_a_refresh_that_waits_for_another_writer_says_so_and_then_writes(settings):
    from pipelines.refresh import refresh_warehouse
    from pipelines.warehouse import working_copy

    run_job(settings)
    (settings.raw_dir / "new.html").write_text(ARTICLE.format(n=7))
    holder = python(f"""
        import time, duckdb
        con = duckdb.connect({str(working_copy(settings.warehouse))!r}, read_only=True)
        print("open", flush=True); time.sleep(3)
    """)
    assert holder.stdout.readline().strip() == "open"
    said: list[str] = []
    summary = refresh_warehouse(settings, log=said.append)
    holder.wait()
    assert summary.articles_added == 1
    assert any("is in use by another process; waiting up to 600 s" in message for message in said), said


def test_busy_warehouse_gives_a_clear_error_after_the_wait(settings):
    from pipelines.warehouse import WarehouseBusy, connect

    run_job(settings)
    holder = python(f"""
        import time, duckdb
        con = duckdb.connect({str(settings.warehouse)!r}); print("open", flush=True); time.sleep(5)
    """)
    assert holder.stdout.readline().strip() == "open"
    with pytest.raises(WarehouseBusy, match="busy"):
        connect(settings.warehouse, read_only=True, wait_seconds=1)
    holder.kill()
    holder.wait()


@pytest.mark.slow
def test_killed_run_leaves_the_warehouse_whole_and_the_next_run_completes(settings, tmp_path):
    run_job(settings)
    before = snapshot(settings)
    add_articles(settings.raw_dir, 1500)
    env = {**os.environ, "NEWS_WAREHOUSE_RAW": str(settings.raw_dir), "NEWS_WAREHOUSE_DB": str(settings.warehouse),
           "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    run = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    assert wait_for_first_cleaned_batch(settings.warehouse), "the run never reached its cleaning phase"
    os.killpg(run.pid, signal.SIGKILL)  # the run and its cleaning workers, mid-cleaning
    run.wait()
    assert snapshot(settings) == before, "a killed run left part of its work behind"
    # The next run, in the same Dagster instance, must not wait on the dead run's pool slot.
    again = subprocess.run([sys.executable, "-m", "pipelines.cli", "run"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "died without finishing" in again.stdout
    assert fetch(settings, "SELECT count(*) FROM raw_documents") == [(1500 + len(SEED_FILES),)]
    assert fetch(settings, "SELECT count(*) FROM articles") == [(1500 + len(SEED_FILES),)]
    assert fetch(settings, "SELECT count(*) FROM rejected_documents") == [(0,)]
    assert fetch(settings, "SELECT count(DISTINCT doc_id) FROM articles") == [(1500 + len(SEED_FILES),)]


@pytest.mark.slow
def test_a_full_disk_fails_the_run_in_one_line_and_leaves_the_warehouse_as_it_was(settings, tmp_path):
    run_job(settings)
    small = tmp_path / "small"
    small.mkdir()
    # Room for the sample's warehouse files and a little more, not for 300 more long articles.
    room = sum(path.stat().st_size for path in settings.warehouse.parent.iterdir() if path.is_file()) // 1024 + 256
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={room}k", "tmpfs", str(small)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        for path in settings.warehouse.parent.iterdir():
            if path.is_file():
                (small / path.name).write_bytes(path.read_bytes())
        for n in range(300):
            (settings.raw_dir / f"long_{n}.html").write_text(varied_article(n) * 3)
        env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home")}
        run = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--raw", str(settings.raw_dir),
                              "--warehouse", str(small / settings.warehouse.name)],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 1
        failure = [line for line in run.stdout.splitlines() if "failed:" in line]
        assert len(failure) == 1 and failure[0].startswith("Step ingest failed:") and "No space left on device" in failure[0]
        assert "Traceback" not in run.stdout + run.stderr
        published = Settings(raw_dir=settings.raw_dir, warehouse=small / settings.warehouse.name)
        assert fetch(published, "SELECT count(*) FROM articles") == [(len(SEED_FILES),)]
    finally:
        subprocess.run(["umount", str(small)], check=False)
