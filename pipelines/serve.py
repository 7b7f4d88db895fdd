"""`news-warehouse serve`: Dagster's two long-running services over the project's instance, the
daemon (schedule, sensors and alerts, run queue, run monitoring and retries, freshness) and the
webserver (the UI), supervised as one, so that a service manager starts, restarts and stops
them together (deploy/news-warehouse.service).

Each runs in a process group of its own with everything it starts (code servers, run workers).
SIGTERM or SIGINT is passed to both groups; what is still there after a grace period is killed.
When either service exits by itself, the other is stopped too and `serve` exits with its status,
for the service manager to restart the pair."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

# How long the services get to stop after SIGTERM: a run worker reports its run failed (to be
# retried) and the code servers shut down in a few seconds. systemd's TimeoutStopSec is longer.
STOP_SECONDS = 30
# After SIGKILL: the kernel ends a killed process promptly, but not at once on a busy machine.
KILL_SECONDS = 5
POLL_SECONDS = 0.5
POSTGRES_STORAGE = """
# Run, event and schedule storage in PostgreSQL (dagster-postgres, the `postgres` extra), at the
# URL NEWS_WAREHOUSE_DAGSTER_PG_URL gives when Dagster loads the instance.
storage:
  postgres:
    postgres_url:
      env: NEWS_WAREHOUSE_DAGSTER_PG_URL
"""


def instance_config(template: str, postgres: bool) -> str:
    """The dagster.yaml of a new instance: the project's, with PostgreSQL storage when asked."""
    return template + POSTGRES_STORAGE if postgres else template


def service_commands(workspace: Path, host: str, port: int) -> list[list[str]]:
    """The daemon and the webserver on `workspace`, from this Python's scripts."""
    scripts = Path(sys.executable).parent
    return [[str(scripts / "dagster-daemon"), "run", "-w", str(workspace)],
            [str(scripts / "dagster-webserver"), "-w", str(workspace), "-h", host, "-p", str(port)]]


def _state(stat: Path) -> tuple[str, int] | None:
    """A process's state letter and process group from its /proc/<pid>/stat; None once it is gone."""
    try:
        # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its ')'.
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[2])


def running(pid: int) -> bool:
    """Whether `pid` is alive (a zombie is not: it only waits to be reaped)."""
    state = _state(Path(f"/proc/{pid}/stat"))
    return state is not None and state[0] != "Z"


def group_members(group: int) -> list[int]:
    """The live processes of process group `group`."""
    return [int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat")
            if (state := _state(stat)) and state[1] == group and state[0] != "Z"]


def stop_groups(groups: list[int], seconds: float = STOP_SECONDS) -> None:
    """SIGTERM every process of `groups`, then SIGKILL whatever is left after `seconds`, and wait
    (a few seconds at most) until the kernel has taken those away too."""
    for group in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
    _wait_until_gone(groups, seconds)
    for group in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
    _wait_until_gone(groups, KILL_SECONDS)


def _wait_until_gone(groups: list[int], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while any(group_members(g) for g in groups) and time.monotonic() < deadline:
        time.sleep(0.05)


def supervise(commands: list[list[str]], env: dict[str, str], cwd: Path,
              log: Callable[[str], None] = print, stop_seconds: float = STOP_SECONDS) -> int:
    """Run `commands` until a SIGTERM or SIGINT (then exit 0) or until one exits (then its status,
    or 1), stopping all of them and everything they started before returning."""
    received: list[int] = []
    handlers = {number: signal.signal(number, lambda n, _: received.append(n)) for number in (signal.SIGTERM, signal.SIGINT)}
    children = []
    try:
        for command in commands:
            children.append(subprocess.Popen(command, env=env, cwd=cwd, start_new_session=True))
        while not received and all(child.poll() is None for child in children):
            time.sleep(POLL_SECONDS)
    finally:
        exited = next((child for child in children if child.poll() is not None), None)
        if received:
            log(f"{signal.Signals(received[0]).name}: stopping the services.")
        elif exited is not None:
            log(f"{Path(exited.args[0]).name} exited with status {exited.returncode}: stopping the others.")
        stop_groups([child.pid for child in children], stop_seconds)
        for child in children:
            child.wait()
        for number, handler in handlers.items():
            signal.signal(number, handler)
    return 0 if received else (exited.returncode or 1)
