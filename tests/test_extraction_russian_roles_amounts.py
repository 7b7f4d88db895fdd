"""Unit tests of Russian roles, sums and date mentions (language "ru"), on short sentences
written for them: a title in any case with the words that depend on it, before the name or in an
apposition after it; sums with decimal commas, scale words and currency words; dates with
Russian month names, numeric dates, weekdays and years."""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.extraction.facts import extract_with_entities


def facts_of(*texts: str, published: date | None = None) -> dict[str, pl.DataFrame]:
    return extract_with_entities(pl.DataFrame(
        {"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts), "language": ["ru"] * len(texts),
         "published_date": [published] * len(texts)}, schema_overrides={"published_date": pl.Date}))


def roles_of(text: str) -> set[tuple[str, str, str | None]]:
    return {(r["entity_id"], r["role"], r["country"]) for r in facts_of(text)["person_roles"].iter_rows(named=True)}


def test_a_role_before_the_name_keeps_its_dependent_words_and_names_its_country():
    assert roles_of("Министр обороны Беларуси Виктор Хренин провел совещание.") == {
        ("PERSON:Viktor Khrenin", "Министр обороны Беларуси", "BY")}
    assert roles_of("Об этом заявил глава МИД России Сергей Лавров.") == {
        ("PERSON:Sergei Lavrov", "глава МИД России", "RU")}


def test_an_apposition_after_the_name_is_a_role_and_a_verb_ends_it():
    assert roles_of("Виктор Хренин, министр обороны Беларуси, сообщил об учениях.") == {
        ("PERSON:Viktor Khrenin", "министр обороны Беларуси", "BY")}


def test_an_inflected_title_agrees_with_the_name_it_belongs_to():
    roles = roles_of("Пресс-секретарь президента Беларуси Александра Лукашенко Наталья Эйсмонт сообщила об этом.")
    assert ("PERSON:Alexander Lukashenko", "президента Беларуси", "BY") in roles
    assert not any(role.startswith("Пресс-секретарь") for key, role, _ in roles if key.endswith("Lukashenko"))


def test_adjectives_that_agree_with_a_title_open_the_role_and_others_do_not():
    assert roles_of("Генеральный директор компании «Белшина» Иван Петров рассказал о планах.") == {
        ("PERSON:Ivan Petrov", "Генеральный директор компании «Белшина»", None)}
    assert roles_of("Реформу, начатую президентом Иваном Петровым, отменили.") == {
        ("PERSON:Ivan Petrov", "президентом", None)}


def test_a_plural_title_and_a_preposition_read_as_a_title_hold_no_role():
    assert roles_of("Руководители регионов Иван Петров и Олег Сидоров приехали.") == set()
    assert roles_of("После встречи Иван Петров уехал.") == set()


def test_a_verb_of_appointment_puts_the_role_after_the_name():
    assert roles_of("Иван Петров назначен министром обороны Беларуси.") == {
        ("PERSON:Ivan Petrov", "министром обороны Беларуси", "BY")}
    assert roles_of("Олег Сидоров назначен на должность заместителя министра финансов.") == {
        ("PERSON:Oleg Sidorov", "заместителя министра финансов", None)}
    assert roles_of("Иван Петров стал богаче.") == set()


def test_an_apposition_that_runs_into_another_name_is_that_names_role():
    roles = roles_of("На встрече были Иван Петров, премьер-министр Олег Сидоров и другие.")
    assert roles == {("PERSON:Oleg Sidorov", "премьер-министр", None)}


def amount_rows(text: str) -> list[tuple]:
    return facts_of(text)["amounts"].select("text", "value", "qualifier", "object", "currency", "unit").rows()


def test_sums_with_decimal_commas_scale_words_and_currency_words_or_signs():
    assert amount_rows("Выделят 1,5 млрд рублей на ремонт дорог, а кредит в размере $200 млн уже получен.") == [
        ("1,5 млрд рублей", 1.5e9, None, "ремонт дорог", "RUB", "money"),
        ("$200 млн", 2e8, None, "кредит", "USD", "money")]
    assert amount_rows("Штраф составит 500 белорусских рублей, а в России 300 рублей или €10 млн.") == [
        ("500 белорусских рублей", 500.0, None, "Штраф", "BYN", "money"),
        ("300 рублей", 300.0, None, None, "RUB", "money"), ("€10 млн", 1e7, None, None, "EUR", "money")]


def test_counts_keep_what_they_count_and_numbers_of_things_or_time_are_no_counts():
    assert amount_rows("В учениях участвуют свыше 300 военнослужащих и около 7 тыс. единиц техники.") == [
        ("свыше 300 военнослужащих", 300.0, "свыше", "военнослужащих", None, "count"),
        ("около 7 тыс. единиц техники", 7000.0, "около", "единиц техники", None, "count")]
    assert amount_rows("Согласно статье 5 договора, прошло 5 лет, а расходы выросли в 3 раза.") == []
    assert amount_rows("Рост составил 2,5% и 5 процентов.") == [
        ("2,5%", 2.5, None, "percent", None, "percent"), ("5 процентов", 5.0, None, "percent", None, "percent")]


def date_rows(text: str, published: date | None) -> list[tuple]:
    return facts_of(text, published=published)["date_mentions"].select("text", "resolved_date", "granularity").rows()


def test_russian_dates_resolve_with_their_granularity_and_the_published_date():
    assert date_rows("Учения пройдут 28 ноября 2025 года, документ подписан 28.11.2025.", None) == [
        ("28 ноября 2025", date(2025, 11, 28), "day"), ("28.11.2025", date(2025, 11, 28), "day")]
    assert date_rows("Встреча 3 декабря, в ноябре прошлого года и во вторник, в 2024 году.", date(2025, 12, 4)) == [
        ("3 декабря", date(2025, 12, 3), "day"), ("ноябре прошлого года", date(2024, 11, 1), "month"),
        ("вторник", date(2025, 12, 2), "day"), ("2024", date(2024, 1, 1), "year")]
    assert [row[1] for row in date_rows("Во вторник, 3 декабря.", None)] == [None, None]
