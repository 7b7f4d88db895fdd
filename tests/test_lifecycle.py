"""A refresh over the life of a raw folder, table-driven: each case is a sequence of changes to
the folder with a run after each, the ingest invariants checked after every run, and what the
warehouse must say at the end."""

from __future__ import annotations

import gzip
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from conftest import SAMPLE_DIR, SEED_FILES, varied_article
from pipelines import warehouse
from pipelines.invariants import INVARIANTS, offending_rows
from pipelines.refresh import refresh_warehouse
from pipelines.warehouse import table_names

STORY = (SAMPLE_DIR / SEED_FILES[0]).read_text()
OTHER_STORY = (SAMPLE_DIR / SEED_FILES[1]).read_text()
INGEST_INVARIANTS = [i for i in INVARIANTS if i.asset in table_names("ingest")]


def write(name: str, content: str | bytes) -> Callable[[Path], None]:
    def step(raw: Path) -> None:
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return step


def copy(source: str, target: str) -> Callable[[Path], None]:
    def step(raw: Path) -> None:
        (raw / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(raw / source, raw / target)
    return step


def delete(name: str) -> Callable[[Path], None]:
    return lambda raw: (raw / name).unlink()


def link_out(name: str) -> Callable[[Path], None]:
    """Move the file out of raw/ (its size and time unchanged) and leave a link to it in its place."""
    def step(raw: Path) -> None:
        outside = raw.parent / "moved_away" / name
        outside.parent.mkdir(parents=True, exist_ok=True)
        (raw / name).rename(outside)
        (raw / name).symlink_to(outside)
    return step


def move_back(name: str) -> Callable[[Path], None]:
    def step(raw: Path) -> None:
        (raw / name).unlink()
        (raw.parent / "moved_away" / name).rename(raw / name)
    return step


@dataclass(frozen=True)
class Case:
    name: str
    steps: list[list[Callable[[Path], None]]]  # the changes before each run
    expected: dict[str, list[tuple]]  # SQL -> rows it must return at the end
    max_bytes: int | None = None


PATHS_BY_TEXT = "SELECT paths FROM raw_documents r JOIN articles a USING (doc_id) WHERE a.text LIKE ? ORDER BY ALL"
CASES = [
    Case("a rewritten copy leaves the other copy's document with its path alone",
         [[write("a.txt", STORY), copy("a.txt", "b.txt")], [write("b.txt", OTHER_STORY)]],
         {"SELECT paths FROM raw_documents ORDER BY paths": [(["a.txt"],), (["b.txt"],)],
          "SELECT count(*) FROM articles": [(2,)]}),
    Case("copies share one document until both are gone from it",
         [[write("a.txt", STORY), copy("a.txt", "b.txt"), copy("a.txt", "sub/c.txt")], [write("a.txt", OTHER_STORY)]],
         {"SELECT paths FROM raw_documents ORDER BY paths": [(["a.txt"],), (["b.txt", "sub/c.txt"],)]}),
    Case("a fixed file loses its rejection and gains its article",
         [[write("bad.html", b"")], [write("bad.html", varied_article(1))]],
         {"SELECT count(*) FROM rejected_documents": [(0,)],
          "SELECT count(*) FROM articles": [(1,)]}),
    Case("a file that becomes unreadable is rejected and its old article replaced",
         [[write("a.txt.gz", gzip.compress(STORY.encode()))], [write("a.txt.gz", gzip.compress(STORY.encode())[:-30])]],
         {"SELECT path, stage FROM rejected_documents": [("a.txt.gz", "read")],
          "SELECT count(*) FROM articles": [(0,)], "SELECT count(*) FROM raw_documents": [(0,)]}),
    Case("a file moved out behind a link and back, with its old size and time, is read again",
         [[write("a.txt", STORY)], [link_out("a.txt")], [move_back("a.txt")]],
         {"SELECT count(*) FROM rejected_documents": [(0,)],
          "SELECT paths FROM raw_documents": [(["a.txt"],)], "SELECT count(*) FROM articles": [(1,)]}),
    Case("a deleted file keeps its rows",
         [[write("a.txt", STORY), write("b.txt", OTHER_STORY)], [delete("a.txt")]],
         {"SELECT count(*) FROM articles": [(2,)],
          "SELECT paths FROM raw_documents ORDER BY paths": [(["a.txt"],), (["b.txt"],)]}),
    Case("a deleted rejected file keeps its rejection",
         [[write("bad.html", b"")], [delete("bad.html")]],
         {"SELECT path FROM rejected_documents": [("bad.html",)]}),
    Case("a .gz over the size limit is rejected, never cut to the limit",
         [[write("big.txt.gz", gzip.compress((STORY * 20).encode())), write("small.txt", OTHER_STORY)]],
         {"SELECT path, reason FROM rejected_documents": [("big.txt.gz", "decompressed size exceeds the 20,000-byte limit")],
          "SELECT count(*) FROM articles": [(1,)]},
         max_bytes=20_000),
    Case("a file over the size limit is rejected, and read once it fits",
         [[write("a.txt", STORY * 10)], [write("a.txt", STORY)]],
         {"SELECT count(*) FROM rejected_documents": [(0,)], "SELECT count(*) FROM articles": [(1,)]},
         max_bytes=20_000),
    Case("the same story as HTML and as text is one group; an unrelated story is not in it",
         [[write("story.txt", STORY)], [write("other.txt", OTHER_STORY), write("story.html", "<html><body><article>"
               + "".join(f"<p>{line}</p>" for line in STORY.splitlines() if line.strip()) + "</article></body></html>")]],
         {"SELECT count(*) FROM articles WHERE near_duplicate_of IS NOT NULL": [(1,)],
          "SELECT r.paths FROM articles a JOIN raw_documents r ON r.doc_id = a.near_duplicate_of": [(["story.txt"],)]}),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_lifecycle(case, settings):
    shutil.rmtree(settings.raw_dir)
    settings.raw_dir.mkdir()
    if case.max_bytes:
        settings = replace(settings, max_bytes=case.max_bytes)
    for changes in case.steps:
        for change in changes:
            change(settings.raw_dir)
        time.sleep(1 - time.time() % 1)  # runs are stamped to the second: each its own, so "earlier" is defined
        refresh_warehouse(settings, log=lambda message: None)
        with warehouse.reading(warehouse.working_copy(settings.warehouse)) as con:
            assert {name: n for name, n in offending_rows(con, INGEST_INVARIANTS).items() if n} == {}
    with warehouse.reading(warehouse.working_copy(settings.warehouse)) as con:
        for sql, rows in case.expected.items():
            assert con.execute(sql).fetchall() == rows, sql
