"""End to end: Russian and English coverage of one meeting (raw/003 and a Russian rendering of it
written for this test) through the real job give one entity per person and place across both
languages, and quotes with their speakers in both."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE_DIR, fetch, run_job
from pipelines.settings import Settings

ENGLISH = "003_8bc55692257f2a92.txt"
RUSSIAN = Path(__file__).parent / "data" / "russian_rendering_of_003.txt"


@pytest.fixture
def both_languages(tmp_path: Path) -> Settings:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE_DIR / ENGLISH, raw / "en.txt")
    shutil.copy(RUSSIAN, raw / "ru.txt")
    settings = Settings(raw_dir=raw, warehouse=tmp_path / "warehouse" / "news.duckdb", workers=1)
    run_job(settings)
    return settings


def languages_naming(settings: Settings, entity_id: str) -> set[str]:
    return {language for (language,) in fetch(settings, """
        SELECT DISTINCT a.language FROM article_entities ae JOIN articles a USING (doc_id) WHERE ae.entity_id = ?""",
                                            [entity_id])}


def test_people_and_places_are_one_entity_across_languages(both_languages):
    assert dict(fetch(both_languages, "SELECT regexp_extract(paths[1], '(\\w+)\\.txt$', 1), language FROM raw_documents "
                                      "JOIN articles USING (doc_id)")) == {"en": "en", "ru": "ru"}
    for entity_id in ("PERSON:Sergei Shoigu", "PERSON:Viktor Khrenin", "PERSON:Alexander Lukashenko",
                      "PERSON:Dmitry Peskov", "PERSON:Vladimir Putin", "LOCATION:Moscow", "LOCATION:Belarus",
                      "LOCATION:Russia"):
        assert languages_naming(both_languages, entity_id) == {"en", "ru"}, entity_id
    (aliases,) = fetch(both_languages, "SELECT aliases FROM entities WHERE entity_id = 'PERSON:Viktor Khrenin'")[0]
    assert {"Viktor Khrenin", "Виктор Хренин", "Хренин"} <= set(aliases)
    # A Russian form as written finds the entity, and with it the English coverage, in SQL.
    assert fetch(both_languages, """SELECT DISTINCT e.entity_id FROM entities e, unnest(e.aliases) AS t(alias)
                                    WHERE alias = 'Виктором Хрениным'""") == [("PERSON:Viktor Khrenin",)]


def test_quotes_have_their_speakers_in_both_languages(both_languages):
    rows = fetch(both_languages, """SELECT language, speaker, quote FROM quotes_by_speaker
                                    WHERE speaker = 'Sergei Shoigu' ORDER BY language""")
    said = {(language, quote.split()[0]) for language, _, quote in rows}
    assert ("en", "Circumstances") in said
    assert ("ru", "Обстоятельства") in said


def test_the_meeting_is_found_in_both_languages(both_languages):
    met = fetch(both_languages, "SELECT DISTINCT language, person, met_with FROM who_met_whom ORDER BY ALL")
    pairs = {(language, frozenset((a, b))) for language, a, b in met}
    for language in ("en", "ru"):
        assert (language, frozenset(("Sergei Shoigu", "Viktor Khrenin"))) in pairs, language
        assert (language, frozenset(("Vladimir Putin", "Alexander Lukashenko"))) in pairs, language
