"""Throwaway servers on loopback for the tests and benchmarks of the scale-out setup: a PostgreSQL
cluster (DuckLake's catalog) and a Redis server (the Celery broker) in temporary folders, from
Debian's `postgresql` and `redis-server` packages, and Celery workers. Nothing here runs in
production, where the servers and workers are the team's own (docs/scale-out.md)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipelines.screenshot import free_port


def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (initdb, pg_ctl), None when not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` user its package made."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


@contextmanager
def postgres_server(database: str = "news") -> Iterator[str]:
    """A new PostgreSQL cluster on a free loopback port, with an empty `database`; yields its
    DuckLake catalog string (`postgres:dbname=... host=127.0.0.1 port=... user=postgres`) and
    removes the cluster afterwards."""
    binaries = postgres_bin()
    if binaries is None:
        raise FileNotFoundError("PostgreSQL is not installed: apt-get install postgresql")
    root = Path(tempfile.mkdtemp(prefix="news-warehouse-pg-"))
    data, port = root / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    try:
        _as_postgres([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"])
        _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o",
                      f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
        try:
            _as_postgres([str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database])
            yield f"postgres:dbname={database} host=127.0.0.1 port={port} user=postgres"
        finally:
            _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[str]:
    """A Redis server (Debian's `redis-server`) on a free loopback port, without persistence, as
    the Celery broker; yields its URL and stops it afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("Redis is not installed: apt-get install redis-server")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="news-warehouse-redis-") as root:
        server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                   "--dir", root], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            _wait_for_port(port, server)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with code {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {seconds:.0f} s")


@dataclass
class CeleryWorkers:
    """Celery worker processes started by `celery_workers`, one task at a time each."""

    processes: list[subprocess.Popen]
    logs: Path

    def pool_processes(self) -> list[int]:
        """The pids of the processes that run the steps (the children of each worker's Celery
        main process)."""
        found = []
        for worker in self.processes:
            for main in children(worker.pid):
                found += children(main)
        return found


def children(pid: int) -> list[int]:
    """The pids of the processes `pid` started, by any of its threads (from /proc), none once it
    is gone."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:  # the thread or the process ended meanwhile
            pass
    return found


def descendants(pid: int) -> list[int]:
    """Every process `pid` started, and those they started, down the tree."""
    found = children(pid)
    return found + [grandchild for child in found for grandchild in descendants(child)]


@contextmanager
def celery_workers(count: int, broker: str, environment: dict[str, str]) -> Iterator[CeleryWorkers]:
    """`count` Dagster Celery workers on this machine serving `broker`, one step at a time each,
    with `environment` added to theirs (the settings they build the job from; DAGSTER_HOME);
    waits until each has connected to the broker."""
    from pipelines.definitions import celery_worker_command, celery_worker_environment

    logs = Path(tempfile.mkdtemp(prefix="news-warehouse-celery-"))
    env = celery_worker_environment({**os.environ, **environment})
    # The Dagster instance's storage made first: workers starting at once would race to make it.
    subprocess.run([sys.executable, "-c", "import dagster; dagster.DagsterInstance.get().dispose()"], env=env, check=True)
    processes = []
    try:
        for number in range(count):
            log = (logs / f"worker-{number}.log").open("w")
            processes.append(subprocess.Popen(celery_worker_command(broker, logs, f"news-warehouse-{number}"),
                                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        deadline = time.monotonic() + 120
        while not all("ready." in (logs / f"worker-{n}.log").read_text() for n in range(count)):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError(f"Celery workers did not start; see {logs}")
            time.sleep(0.2)
        yield CeleryWorkers(processes, logs)
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
