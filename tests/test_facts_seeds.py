"""Facts of the sample articles that a careful reader takes from them (seeds_expected.json):
people with roles and countries, organisations, places with their countries, aliases, quotes with
speakers, amounts, dates, events, and nothing listed under must_not."""

from __future__ import annotations

import polars as pl
import pytest

from conftest import EXPECTED, SEED_FILES, clean_seed_articles
from pipelines.extraction.entities import merge_entities
from pipelines.extraction.facts import extract_in_batches, extract_with_entities


@pytest.fixture(scope="module")
def facts() -> dict[str, pl.DataFrame]:
    articles = clean_seed_articles()
    tables = extract_with_entities(articles)
    tables["articles"] = articles
    return tables


def names_in(facts, doc: str, type_: str) -> dict[str, dict]:
    """Every name (canonical or alias, lower-cased) of the entities of a type mentioned in a doc."""
    ids = facts["entity_mentions"].filter((pl.col("doc_id") == doc) & (pl.col("type") == type_))["entity_id"].unique()
    found = {}
    for row in facts["entities"].filter(pl.col("entity_id").is_in(ids.implode())).iter_rows(named=True):
        for name in [row["canonical_name"], *row["aliases"]]:
            found[name.lower().replace("’", "'")] = row
    return found


@pytest.mark.parametrize("doc", SEED_FILES)
def test_people(facts, doc):
    people = names_in(facts, doc, "PERSON")
    roles = facts["person_roles"].filter(pl.col("doc_id") == doc)
    for person in EXPECTED[doc]["persons"]:
        assert person["name"].lower() in people, person["name"]
        entity = people[person["name"].lower()]
        for alias in person.get("aliases", []):
            assert alias in entity["aliases"]
        assert entity["country"] == person["country"], person["name"]
        stated = roles.filter(pl.col("entity_id") == entity["entity_id"])["role"].to_list()
        for role in person.get("roles_contain", []):
            assert any(role in r for r in stated), (person["name"], role, stated)
    for wrong in EXPECTED[doc]["must_not"]["persons"]:
        assert wrong.lower() not in people


@pytest.mark.parametrize("doc", SEED_FILES)
def test_organisations_and_aliases(facts, doc):
    organisations = names_in(facts, doc, "ORGANIZATION")
    for name in EXPECTED[doc]["organizations"]:
        assert name.lower().replace("’", "'") in organisations, name
    for short, long in EXPECTED[doc].get("org_aliases", []):
        assert organisations[short.lower()]["entity_id"] == organisations[long.lower()]["entity_id"]


@pytest.mark.parametrize("doc", SEED_FILES)
def test_places_with_countries(facts, doc):
    places = names_in(facts, doc, "LOCATION")
    for place in EXPECTED[doc]["locations"]:
        full, name = place["name"].lower(), place["name"].lower().removesuffix(" region")
        # "Grodno region" is named as such; "Nizhny Novgorod and Kaliningrad regions" name the cities.
        name = full if full in places else name
        assert name in places, place["name"]
        assert places[name]["country"] == place["country"]


def test_demonyms_map_to_countries(facts):
    nationalities = names_in(facts, SEED_FILES[0], "NATIONALITY")
    assert nationalities["belarusian"]["country"] == "BY"


@pytest.mark.parametrize("doc", SEED_FILES)
def test_quotes_and_speakers(facts, doc):
    speakers = facts["entities"].select("entity_id", speaker="canonical_name")
    quotes = facts["quotes"].filter(pl.col("doc_id") == doc).join(
        speakers, left_on="speaker_entity_id", right_on="entity_id", how="left")
    expected_quotes = EXPECTED[doc]["quotes"]
    if not expected_quotes:
        assert quotes.height == 0  # a seed without direct speech gives no quote at all
    for expected in expected_quotes:
        hits = quotes.filter(pl.col("quote").str.contains(expected["text_contains"], literal=True))
        assert hits.height == 1, expected["text_contains"]
        assert hits["speaker"][0] == expected["speaker"]


def test_offsets_point_into_the_article_text(facts):
    texts = dict(facts["articles"].select("doc_id", "text").iter_rows())
    for row in facts["entity_mentions"].iter_rows(named=True):
        assert texts[row["doc_id"]][row["start"]: row["end"]] == row["text"]
    for row in facts["quotes"].iter_rows(named=True):
        assert row["quote"] in texts[row["doc_id"]][row["start"]: row["end"]]
    for table, column in [("person_roles", "role"), ("amounts", "text"), ("date_mentions", "text"), ("events", "sentence_text")]:
        for row in facts[table].iter_rows(named=True):
            assert texts[row["doc_id"]][row["start"]: row["end"]] == row[column], (table, row)


@pytest.mark.parametrize("doc", SEED_FILES)
def test_amounts(facts, doc):
    amounts = facts["amounts"].filter(pl.col("doc_id") == doc)
    for expected in EXPECTED[doc]["amounts"]:
        hits = amounts.filter((pl.col("value") == expected["value"])
                              & pl.col("object").str.contains(expected["object_contains"], literal=True))
        assert hits.height >= 1, expected
        if "qualifier" in expected:
            assert expected["qualifier"] in hits["qualifier"].to_list(), expected


@pytest.mark.parametrize("doc", SEED_FILES)
def test_dates_mentioned(facts, doc):
    stated = facts["date_mentions"].filter(pl.col("doc_id") == doc)
    for text in EXPECTED[doc]["dates_mentioned"]:
        assert text in stated["text"].to_list(), text
    published = EXPECTED[doc]["published"]
    yearless = stated.filter(~pl.col("text").str.contains(r"\d{4}"))
    if published is None:  # nothing to resolve a yearless date against: it stays NULL
        assert yearless["resolved_date"].null_count() == yearless.height


@pytest.mark.parametrize("doc", SEED_FILES)
def test_events(facts, doc):
    names = dict(facts["entities"].select("entity_id", "canonical_name").iter_rows())
    events = facts["events"].filter(pl.col("doc_id") == doc).with_columns(
        place=pl.col("place_entity_id").replace_strict(names, default=None),
        actors=pl.col("actor_entity_ids").list.eval(pl.element().replace_strict(names, default=None)))
    for expected in EXPECTED[doc]["events"]:
        hits = events.filter(pl.col("kind") == expected["kind"])
        if "place" in expected:
            hits = hits.filter(pl.col("place") == expected["place"])
        for actor in expected.get("actors", []):
            hits = hits.filter(pl.col("actors").list.contains(actor))
        if "name" in expected:
            hits = hits.filter(pl.col("name").str.starts_with(expected["name"]))
        for word in expected.get("note", "").split():  # a free-text hint: its words are in the sentence
            hits = hits.filter(pl.col("sentence_text").str.contains(word, literal=True))
        assert hits.height >= 1, expected


def test_each_article_gives_the_same_facts_alone_as_in_a_batch(facts):
    articles = facts["articles"]
    batches = [articles.slice(i, 1) for i in range(articles.height)]
    per_batch = list(extract_in_batches(batches, workers=1))
    assert merge_entities(pl.concat([t["article_entities"] for t in per_batch])).equals(facts["entities"])
    for table in ("article_entities", "entity_mentions", "person_roles", "quotes", "amounts", "date_mentions", "events"):
        columns = [c for c in facts[table].columns if facts[table].schema[c] != pl.List(pl.String)]
        assert pl.concat([t[table] for t in per_batch]).sort(columns).equals(facts[table].sort(columns)), table
