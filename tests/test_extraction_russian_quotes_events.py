"""Quotations, speakers and events in Russian articles (language "ru", issue 25): «ёлочки» with
„лапки“ inside, dialogue dashes, attribution clauses before and after the quote, and events from
Russian trigger words in any inflected form. Each test on a short sentence of the same shape as
Russian news; all texts go in one batch, so the recogniser loads once."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.extraction.facts import extract_facts
from pipelines.extraction.integrity import article_violations

QUOTE_TEXTS = {
    "after": "«Мы подписали соглашение о сотрудничестве», – сказал Виктор Хренин.",
    "after_title": "«Учения пройдут по плану», – заявил министр обороны Беларуси Виктор Хренин.",
    "as_said": "Как заявил Виктор Хренин, «армия готова к любым учениям».",
    "according": "Министр обороны Виктор Хренин провёл совещание.\n\nПо словам Виктора Хренина, «войска выполнили все задачи».",
    "colon": "Виктор Хренин подчеркнул: «Мы никому не угрожаем».",
    "nested": "«Операция „Щит“ прошла успешно», – сказала Анна Петрова.",
    "dialogue": "Министр приехал в Минск.\n\n– Мы готовы, – отметил министр. – Мы подпишем соглашение в среду.",
    "dialogue_exclaim": "— Это большая победа! — сказала Анна Петрова.",
    "not_speech_dash": "– Цена выросла на 5%, – это много для рынка.",
    "agency": "Министр прибыл в Москву, сообщает «Лента.ру».",
    "book": "Писатель представил в Москве свою новую книгу «Как понять сложные законы физики».",
}
EVENT_TEXTS = {
    "meeting": "Министр обороны Беларуси Виктор Хренин встретился с министром обороны России Андреем Белоусовым в Минске.",
    "talks": "В Москве прошли переговоры Владимира Путина и Александра Лукашенко.",
    "visit": "Президент Беларуси Александр Лукашенко посетил Москву.",
    "agreement": "Россия и Беларусь подписали соглашение о военном сотрудничестве.",
    "exercise": "В Беларуси начались совместные учения «Запад-2025».",
    "exercise_unquoted": "Вооружённые силы провели учения Запад-2025 в Гродненской области.",
    "deployment": "Россия разместила свои войска в Беларуси.",
    "statement": "Виктор Хренин заявил, что армия готова.",
    "reported": "Министр заявил, что учения прошли успешно, сообщает «Интерфакс».",
    "negated": "Виктор Хренин не встретился с Андреем Белоусовым.",
    "infinitive": "Александр Лукашенко планирует посетить Москву.",
    "future": "Александр Лукашенко посетит Москву в мае.",
    "teachings": "Он изучал учения Будды.",
}
RUSSIAN = QUOTE_TEXTS | EVENT_TEXTS


@pytest.fixture(scope="module")
def facts() -> dict[str, pl.DataFrame]:
    """The facts of every text above, and of a dialogue in an article whose language is not given."""
    articles = pl.DataFrame({"doc_id": [*RUSSIAN, "no_language"], "text": [*RUSSIAN.values(), QUOTE_TEXTS["dialogue"]],
                             "language": ["ru"] * len(RUSSIAN) + [None]})
    return extract_facts(articles)


def quotes_of(facts: dict[str, pl.DataFrame], doc_id: str) -> list[tuple[str, str | None, str | None]]:
    rows = facts["quotes"].filter(pl.col("doc_id") == doc_id).sort("start")
    return [(row["quote"], row["speech_verb"], row["speaker_entity_id"]) for row in rows.iter_rows(named=True)]


def event_of(facts: dict[str, pl.DataFrame], doc_id: str, kind: str | None = None) -> dict:
    rows = facts["events"].filter((pl.col("doc_id") == doc_id) & ((pl.col("kind") == kind) if kind else True))
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_a_quote_in_yolochki_closed_by_a_dash_and_a_speech_verb_is_its_subjects(facts):
    assert quotes_of(facts, "after") == [("Мы подписали соглашение о сотрудничестве", "сказал", "PERSON:Viktor Khrenin")]


def test_the_speaker_after_the_verb_may_follow_his_titles(facts):
    assert quotes_of(facts, "after_title") == [("Учения пройдут по плану", "заявил", "PERSON:Viktor Khrenin")]


def test_kak_zayavil_names_the_speaker_before_the_quote(facts):
    assert quotes_of(facts, "as_said") == [("армия готова к любым учениям", "заявил", "PERSON:Viktor Khrenin")]


def test_po_slovam_names_the_speaker_in_the_genitive(facts):
    assert quotes_of(facts, "according") == [("войска выполнили все задачи", "по словам", "PERSON:Viktor Khrenin")]


def test_a_colon_after_a_speech_verb_introduces_its_subjects_quote(facts):
    assert quotes_of(facts, "colon") == [("Мы никому не угрожаем", "подчеркнул", "PERSON:Viktor Khrenin")]


def test_lapki_nested_in_yolochki_stay_inside_one_quote(facts):
    assert quotes_of(facts, "nested") == [("Операция „Щит“ прошла успешно", "сказала", "PERSON:Anna Petrova")]


def test_a_line_of_dialogue_and_its_continuation_after_the_attribution_are_quotes(facts):
    rows = quotes_of(facts, "dialogue")
    assert [(quote, verb) for quote, verb, _ in rows] == [("Мы готовы", "отметил"), ("Мы подпишем соглашение в среду.", None)]
    # "министр" alone names no one.
    assert [speaker for _, _, speaker in rows] == [None, None]


def test_a_line_of_dialogue_may_end_in_an_exclamation(facts):
    assert quotes_of(facts, "dialogue_exclaim") == [("Это большая победа!", "сказала", "PERSON:Anna Petrova")]


def test_a_dash_without_a_speech_verb_is_no_dialogue(facts):
    assert quotes_of(facts, "not_speech_dash") == []


def test_a_name_in_yolochki_after_the_word_it_names_is_no_quote(facts):
    assert quotes_of(facts, "agency") == []
    assert quotes_of(facts, "book") == []


def test_dialogue_quotes_pass_the_integrity_checks(facts):
    articles = pl.DataFrame({"doc_id": list(RUSSIAN), "text": list(RUSSIAN.values())})
    tables = {name: table.filter(pl.col("doc_id").is_in(list(RUSSIAN))) for name, table in facts.items()}
    assert article_violations(articles, tables).height == 0


def test_an_article_without_a_language_reads_no_russian_dialogue(facts):
    assert quotes_of(facts, "no_language") == []


def test_a_meeting_verb_in_the_past_with_two_participants(facts):
    event = event_of(facts, "meeting")
    assert (event["kind"], event["trigger"]) == ("meeting", "встретился")
    assert event["actor_entity_ids"] == ["PERSON:Viktor Khrenin", "PERSON:Andrei Belousov"]
    assert event["place_entity_id"] == "LOCATION:Minsk"


def test_talks_of_two_people_joined_by_i(facts):
    event = event_of(facts, "talks")
    assert event["kind"] == "meeting"
    assert event["actor_entity_ids"] == ["PERSON:Vladimir Putin", "PERSON:Alexander Lukashenko"]
    assert event["place_entity_id"] == "LOCATION:Moscow"


def test_a_visit_names_the_place_visited_in_the_accusative(facts):
    event = event_of(facts, "visit")
    assert (event["kind"], event["actor_entity_ids"], event["place_entity_id"]) == (
        "visit", ["PERSON:Alexander Lukashenko"], "LOCATION:Moscow")


def test_signing_an_agreement_is_an_agreement(facts):
    event = event_of(facts, "agreement")
    assert (event["kind"], event["trigger"]) == ("agreement", "подписали")
    assert event["actor_entity_ids"] == ["LOCATION:Russia", "LOCATION:Belarus"]


def test_named_drills_in_quotes_or_with_their_year(facts):
    quoted, unquoted = event_of(facts, "exercise"), event_of(facts, "exercise_unquoted")
    # "В Беларуси" is where the drills began, not who held them.
    assert (quoted["kind"], quoted["name"], quoted["actor_entity_ids"]) == ("exercise", "Запад-2025", [])
    assert (unquoted["kind"], unquoted["name"]) == ("exercise", "Запад-2025")


def test_placing_troops_is_a_deployment(facts):
    event = event_of(facts, "deployment")
    assert (event["kind"], event["actor_entity_ids"], event["place_entity_id"]) == (
        "deployment", ["LOCATION:Russia"], "LOCATION:Belarus")


def test_zayavil_is_a_statement_by_its_subject(facts):
    event = event_of(facts, "statement")
    assert (event["kind"], event["actor_entity_ids"]) == ("statement", ["PERSON:Viktor Khrenin"])


def test_the_agency_reporting_a_statement_is_not_its_author(facts):
    assert event_of(facts, "reported", "statement")["actor_entity_ids"] == []


def test_no_event_under_a_negation_in_the_infinitive_or_future_or_for_teachings(facts):
    assert facts["events"].filter(pl.col("doc_id").is_in(["negated", "infinitive", "future", "teachings"])).height == 0
