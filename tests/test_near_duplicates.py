"""Near-duplicate groups: one story in two renderings, reprinted under other furniture, or
corrected, is grouped with its earliest article; stories that share less are not."""

from __future__ import annotations

import html
import shutil
import time

import pytest

from conftest import ENGLISH_SEED_FILES, SAMPLE_DIR, SEED_FILES, clean_seed_articles
from pipelines import warehouse
from pipelines.refresh import refresh_warehouse


@pytest.fixture(scope="module")
def stories() -> dict[str, tuple[str, list[str]]]:
    """Each seed's headline and clean paragraphs."""
    articles = clean_seed_articles()
    return {row["doc_id"]: (row["title"], row["text"].split("\n\n")) for row in articles.iter_rows(named=True)}


def as_html(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<html><head><title>{html.escape(title)}</title></head><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav>"
            f"<article><h1>{html.escape(title)}</h1>{body}</article><footer>© Another Outlet</footer></body></html>")


def refresh(settings) -> dict[str, str | None]:
    """Run the ingest; each file's article and what it is a near-duplicate of, by path. Runs are
    stamped to the second, and "earliest" means an earlier run: so each starts in a new second."""
    time.sleep(1 - time.time() % 1)
    refresh_warehouse(settings, log=lambda message: None)
    with warehouse.reading(warehouse.working_copy(settings.warehouse)) as con:
        rows = con.execute("SELECT unnest(r.paths), a.doc_id, a.near_duplicate_of FROM articles a "
                           "JOIN raw_documents r USING (doc_id)").fetchall()
    ids = {path: doc_id for path, doc_id, _ in rows}
    return {path: next((p for p, d in ids.items() if d == original), original) if original else None
            for path, _, original in rows}


@pytest.fixture
def empty_raw(settings):
    shutil.rmtree(settings.raw_dir)
    settings.raw_dir.mkdir()
    return settings


def test_renderings_reprints_and_corrections_point_to_the_earliest(empty_raw, stories):
    settings = empty_raw
    first, second, third = ENGLISH_SEED_FILES
    for name in SEED_FILES:
        shutil.copy(SAMPLE_DIR / name, settings.raw_dir / name)
    assert refresh(settings) == dict.fromkeys(SEED_FILES)  # different stories

    title, paragraphs = stories[first]
    (settings.raw_dir / "page.html").write_text(as_html(title, paragraphs))
    title, paragraphs = stories[second]
    furniture = ["Home", "World", "Business", "Subscribe to our newsletter", "Follow us on social media"]
    (settings.raw_dir / "reprint.txt").write_text("\n".join([*furniture, "", title, "", *paragraphs, "", *furniture]))
    title, paragraphs = stories[third]
    corrected = [*paragraphs]
    corrected[len(corrected) // 2] = "Correction: an earlier version of this story gave the wrong date for the meeting."
    (settings.raw_dir / "corrected.txt").write_text("\n\n".join([title, *corrected]))
    links = refresh(settings)
    assert links["page.html"] == first
    assert links["reprint.txt"] == second
    assert links["corrected.txt"] == third
    assert [links[name] for name in SEED_FILES] == [None] * len(SEED_FILES)


def test_stories_sharing_half_their_text_are_not_linked(empty_raw, stories):
    settings = empty_raw
    (a_title, a), (_, b) = stories[SEED_FILES[0]], stories[SEED_FILES[1]]
    (settings.raw_dir / "a.txt").write_text("\n\n".join([a_title, *a]))
    refresh(settings)
    half = a[: len(a) // 2] + b[len(b) // 2:]
    (settings.raw_dir / "mixed.txt").write_text("\n\n".join(["Two stories in one", *half]))
    assert refresh(settings)["mixed.txt"] is None


def paragraphs_of(words: list[str], size: int = 40) -> list[str]:
    return [" ".join(words[i: i + size]) + "." for i in range(0, len(words), size)]


@pytest.mark.parametrize(("kept", "linked"), [(0.95, True), (0.8, True), (0.7, False), (0.5, False)])
def test_linked_from_three_quarters_of_the_shorter_text(empty_raw, stories, kept, linked):
    """A story whose first `kept` share continues as another story: linked from 75% shared 5-grams."""
    settings = empty_raw
    story = " ".join(stories[SEED_FILES[0]][1]).split()
    other = " ".join(stories[SEED_FILES[1]][1]).split()
    (settings.raw_dir / "story.txt").write_text("\n\n".join(["A story", *paragraphs_of(story)]))
    refresh(settings)
    cut = int(len(story) * kept)
    (settings.raw_dir / "variant.txt").write_text("\n\n".join(["A variant", *paragraphs_of(story[:cut] + other[: len(story) - cut])]))
    assert (refresh(settings)["variant.txt"] == "story.txt") is linked


def test_a_group_keeps_together_when_its_earliest_article_is_replaced(empty_raw, stories):
    settings = empty_raw
    title, paragraphs = stories[SEED_FILES[0]]
    (settings.raw_dir / "original.txt").write_text("\n\n".join([title, *paragraphs]))
    refresh(settings)
    (settings.raw_dir / "copy_one.html").write_text(as_html(title, paragraphs))
    (settings.raw_dir / "copy_two.txt").write_text("\n\n".join([title, *paragraphs[:-1]]))
    links = refresh(settings)
    assert links["copy_one.html"] == links["copy_two.txt"] == "original.txt"
    other_title, other = stories[SEED_FILES[1]]
    (settings.raw_dir / "original.txt").write_text("\n\n".join([other_title, *other]))  # rewritten: another story
    links = refresh(settings)
    assert links["original.txt"] is None
    first, linked = sorted(["copy_one.html", "copy_two.txt"], key=lambda name: links[name] is not None)
    assert (links[first], links[linked]) == (None, first)  # the group's new earliest article
