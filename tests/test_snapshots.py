"""Analysts' sessions never block runs: runs write a working copy and publish it atomically."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time

from conftest import ROOT, SEED_FILES, fetch, run_job, varied_article
from pipelines import warehouse


def held_open(path) -> subprocess.Popen:
    """A process holding `path` open read-only, as a notebook does, answering 'count' with the
    number of articles it sees through its open connection."""
    code = textwrap.dedent(f"""
        import sys, duckdb
        con = duckdb.connect({str(path)!r}, read_only=True)
        print("open", flush=True)
        for line in sys.stdin:
            print(con.execute("SELECT count(*) FROM articles").fetchall()[0][0], flush=True)
    """)
    reader = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout.readline().strip() == "open"
    return reader


def ask(reader: subprocess.Popen) -> int:
    reader.stdin.write("count\n")
    reader.stdin.flush()
    return int(reader.stdout.readline())


def test_an_open_session_neither_blocks_a_run_nor_sees_it_change(settings):
    run_job(settings)
    reader = held_open(settings.warehouse)
    try:
        for n in range(4):
            (settings.raw_dir / f"new_{n}.html").write_text(varied_article(n))
        started = time.monotonic()
        run_job(settings)  # would wait for the reader (and fail after 10 minutes) if it wrote this file
        assert time.monotonic() - started < warehouse.DEFAULT_WAIT_SECONDS
        assert ask(reader) == len(SEED_FILES)  # its snapshot, as it was when it opened
        assert fetch(settings, "SELECT count(*) FROM articles") == [(len(SEED_FILES) + 4,)]  # a new session sees the run
    finally:
        reader.kill()
        reader.wait()


def test_a_run_with_nothing_new_does_not_touch_the_published_file(settings):
    run_job(settings)
    before = settings.warehouse.stat()
    run_job(settings)
    after = settings.warehouse.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)


SLOW_PUBLISH = """
import sys, time
from pathlib import Path
from pipelines import warehouse

def slow_copy(source, target, size):  # the copy of a large warehouse, drawn out
    import os
    while chunk := os.read(source, 1 << 16):
        os.write(target, chunk)
        time.sleep(0.005)

warehouse._copy_bytes = slow_copy
warehouse.FICLONE = 0  # no clone: the plain copy
print("publishing", flush=True)
warehouse.publish(Path(sys.argv[1]))
print("published", flush=True)
"""


def test_a_publish_killed_at_any_moment_leaves_the_old_or_the_new_snapshot(settings, tmp_path):
    run_job(settings)
    old_file = tmp_path / "old.duckdb"
    old_file.write_bytes(settings.warehouse.read_bytes())
    for n in range(30):
        (settings.raw_dir / f"new_{n}.html").write_text(varied_article(n))
    from pipelines.refresh import refresh_warehouse
    refresh_warehouse(settings, log=lambda message: None)  # the working copy moves on, unpublished
    marker = settings.warehouse.with_name(f".{settings.warehouse.name}.unpublished")
    assert marker.exists() and fetch(settings, "SELECT count(*) FROM articles") == [(len(SEED_FILES),)]
    pick, seen = random.Random(7), set()
    for _ in range(8):
        settings.warehouse.write_bytes(old_file.read_bytes())
        marker.touch()
        publisher = subprocess.Popen([sys.executable, "-c", SLOW_PUBLISH, str(settings.warehouse)], cwd=ROOT,
                                     text=True, stdout=subprocess.PIPE)
        assert publisher.stdout.readline().strip() == "publishing"
        time.sleep(pick.uniform(0.0, 0.3))
        publisher.send_signal(signal.SIGKILL)
        publisher.wait()
        count = fetch(settings, "SELECT count(*) FROM articles")[0][0]
        assert count in (len(SEED_FILES), len(SEED_FILES) + 30)
        seen.add(count)
    assert len(SEED_FILES) in seen  # some kills landed mid-publish
    run_job(settings)  # the next run publishes what a killed publish did not
    assert fetch(settings, "SELECT count(*) FROM articles") == [(len(SEED_FILES) + 30,)]
    assert not marker.exists()
