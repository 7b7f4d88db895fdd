"""What gets published, and when: the one gate between a run's working copy and the snapshot
analysts read.

Runs write the working copy only (pipelines/warehouse.py). The last writing step of a run (the
facts step) ends it here: the views are brought up to date, then every blocking invariant
(pipelines/invariants.py) is judged on the working copy, over all the rows written since the
snapshot was last published, this run's and those of earlier runs that were not published.
Only when none fails is the working copy published. When one fails, the snapshot stays exactly
as it was, the verdict (which checks, how many rows, the first of them) is kept beside the
warehouse for `news-warehouse status` and the next run, and the unverified rows stay unverified:
the next run judges them again with its own, so a failure is never passed over.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines import warehouse
from pipelines.invariants import INVARIANTS, offending_examples, offending_rows
from pipelines.lake import Lake
from pipelines.settings import Settings


@dataclass(frozen=True)
class View:
    name: str
    sql: str
    description: str
    stamp: str


def load_view(sql_file: Path) -> View:
    """A view of sql/views; its stamp (its comment in the warehouse) names its file and a hash of
    its SQL, so a changed view is re-created."""
    sql = sql_file.read_text()
    description = " ".join(line.removeprefix("--").strip() for line in sql.splitlines() if line.startswith("--"))
    stamp = f"{description} [{sql_file.name}, sha256 {hashlib.sha256(sql.encode()).hexdigest()[:16]}]"
    return View(warehouse.object_name(sql_file), sql, description, stamp)


VIEWS = [load_view(f) for f in warehouse.sql_files(warehouse.VIEWS_DIR)]


def create_stale_views(target: Path | Lake, log: Callable[[str], None] = print) -> int:
    """Create or replace the views missing from the working copy or whose SQL changed, in one
    write (none when all are current); how many."""
    with warehouse.reading(warehouse.working_copy(target)) as con:
        stamps = dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
    stale = [v for v in VIEWS if stamps.get(v.name) != v.stamp]
    if stale:
        with warehouse.writing(target, on_wait=log) as con:
            for view in stale:
                con.execute(view.sql)
                con.execute(f"COMMENT ON VIEW {view.name} IS '{view.stamp.replace(chr(39), chr(39) * 2)}'")
    return len(stale)


@dataclass
class Verdict:
    """What the gate found: the offending rows of every invariant (empty when there was nothing
    unpublished to judge), the first of them for those that failed, and whether it published."""

    unpublished_since: datetime | None = None
    offending: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    published_seconds: float | None = None

    @property
    def judged(self) -> bool:
        return bool(self.offending)

    @property
    def failed(self) -> list[str]:
        """The blocking invariants that failed: any keeps the working copy from being published."""
        return [i.name for i in INVARIANTS if i.blocking and self.offending.get(i.name)]

    def describe_failures(self) -> str:
        return "; ".join(f"{name}: {self.offending[name]} rows (e.g. {' | '.join(self.examples.get(name, []))})"
                         for name in self.failed)


def publish_if_sound(settings: Settings, log: Callable[[str], None] = print) -> Verdict:
    """Bring the views of a DuckDB file's working copy up to date, judge what is unpublished and
    publish it when no blocking invariant fails. Callers hold the run lock. (A lake publishes
    every commit by itself; its views and checks are steps of their own.)"""
    target = settings.target
    if not warehouse.exists(warehouse.working_copy(target)):
        return Verdict()
    create_stale_views(target, log)
    since = warehouse.unpublished_since(target)
    if since is None:
        return Verdict()
    previous = last_verdict(target)
    if previous and not previous["published"]:
        log(f"Not published by an earlier run ({previous['judged_at']}): the changes since {previous['unpublished_since']}, "
            f"which failed {', '.join(previous['failed'])}. Judging them again with this run's.")
    verdict = Verdict(unpublished_since=since)
    with warehouse.reading(warehouse.working_copy(target)) as con:
        verdict.offending = offending_rows(con, INVARIANTS, unverified_since=since)
        verdict.examples = {i.name: offending_examples(con, i) for i in INVARIANTS if verdict.offending[i.name]}
    if verdict.failed:
        log(f"Not published: {verdict.describe_failures()}. The snapshot analysts read is unchanged.")
    else:
        verdict.published_seconds = warehouse.publish(target)
    record(target, verdict)
    return verdict


def _verdict_file(target: Path | Lake) -> Path | None:
    return None if isinstance(target, Lake) else Path(target).with_name(f".{Path(target).name}.verdict.json")


def record(target: Path | Lake, verdict: Verdict) -> None:
    """Keep the verdict beside the warehouse (written whole, then renamed into place): the gate's,
    or that of a step whose own checks failed before the gate (ingest's)."""
    path = _verdict_file(target)
    if path is None:
        return
    record = {
        "judged_at": datetime.now(UTC).replace(tzinfo=None, microsecond=0).isoformat(sep=" "),
        "unpublished_since": verdict.unpublished_since.isoformat(sep=" ") if verdict.unpublished_since else None,
        "published": not verdict.failed,
        "failed": {name: {"rows": verdict.offending[name], "examples": verdict.examples.get(name, [])}
                   for name in verdict.failed},
    }
    incoming = path.with_name(path.name + ".new")
    incoming.write_text(json.dumps(record, indent=1))
    os.replace(incoming, path)


def failed_since(target: Path | Lake) -> datetime | None:
    """When the last verdict refused to publish and its rows are still unpublished: the start of
    the unpublished changes, whose facts the next run extracts again (the failure may have been
    the code's, fixed since, or a write's); None otherwise."""
    verdict = last_verdict(target)
    since = warehouse.unpublished_since(target)
    return since if verdict and not verdict["published"] and since is not None else None


def last_verdict(target: Path | Lake) -> dict | None:
    """The last verdict recorded beside the warehouse (judged_at, unpublished_since, published,
    failed: {check: {rows, examples}}), or None when no run has judged anything yet."""
    path = _verdict_file(target)
    if path is None or not path.exists():
        return None
    return json.loads(path.read_text())
