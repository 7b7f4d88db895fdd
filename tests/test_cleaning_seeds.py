"""The cleaning fields of the sample articles, as a careful reader states them (seeds_expected.json)."""

from __future__ import annotations

from datetime import date, time

import pytest

from conftest import EXPECTED, SEED_FILES, clean_seed_articles


@pytest.fixture(scope="module")
def cleaned() -> dict[str, dict]:
    return {row["doc_id"]: row for row in clean_seed_articles().iter_rows(named=True)}


@pytest.mark.parametrize("name", SEED_FILES)
def test_title_outlet_and_date(cleaned, name):
    expected, article = EXPECTED[name], cleaned[name]
    assert article["rejection"] is None
    assert article["title"] == expected["title"]
    assert article["outlet"] == expected["outlet"]
    published = expected["published"]
    assert article["published_date"] == (date.fromisoformat(published) if published else None)
    stated_time = expected.get("published_time")
    assert article["published_time"] == (time.fromisoformat(stated_time) if stated_time else None)
    assert article["dateline_place"] == expected.get("dateline_place")


@pytest.mark.parametrize("name", SEED_FILES)
def test_body_bounds_and_boilerplate(cleaned, name):
    expected, text = EXPECTED[name], cleaned[name]["text"]
    assert text.startswith(expected["body_starts_with"])
    assert text.endswith(expected["body_ends_with"])
    lines = {line.strip() for line in text.splitlines()}
    for boilerplate in expected["boilerplate_lines"]:
        assert boilerplate not in lines, boilerplate
    assert cleaned[name]["language"] == expected.get("language", "en")
