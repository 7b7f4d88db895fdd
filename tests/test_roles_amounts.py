"""Unit tests of roles (whole titles, appositions, never an honorific, never a place as the
person) and amounts (money with what it is for, money in cents and currency words, years and
chapter numbers not counts), one for each kind of error read in issue 23, on invented sentences."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.facts import extract_with_entities


def facts_of(*texts: str) -> dict[str, pl.DataFrame]:
    return extract_with_entities(pl.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)}))


def roles_of(text: str) -> set[tuple[str, str]]:
    return {(r["entity_id"], r["role"]) for r in facts_of(text)["person_roles"].iter_rows(named=True)}


def test_an_honorific_before_the_name_is_not_the_end_of_a_role():
    roles = roles_of("Markets rose after Federal Reserve chairman Mr Hollis spoke on Tuesday.")
    assert roles == {("PERSON:Hollis", "Federal Reserve chairman")}


def test_a_title_for_someone_else_is_not_the_named_persons_role():
    assert roles_of("The case was delayed, said a lawyer for Mr Hollis on Monday.") == set()


def test_a_title_keeps_the_words_that_modify_it():
    assert roles_of("Labour's campaign chief Peter Walsham said the result was close.") == {
        ("PERSON:Peter Walsham", "Labour's campaign chief")}
    assert roles_of("Former transport minister Ruth Kelsall criticised the plan.") == {
        ("PERSON:Ruth Kelsall", "Former transport minister")}


def test_two_titles_in_one_apposition_are_two_roles_and_an_employer_joins_its_title():
    roles = roles_of("The delegation was headed by Pavel Drozdov, the Interior Minister's Adviser for Training in "
                     "the Border Guard, Head of the Main Office for Cadets at the Interior Ministry.")
    assert roles == {("PERSON:Pavel Drozdov", "Interior Minister's Adviser for Training in the Border Guard"),
                     ("PERSON:Pavel Drozdov", "Head of the Main Office for Cadets at the Interior Ministry")}
    assert roles_of("Maria Quist, CEO, Brightfield Analytics.") == {("PERSON:Maria Quist", "CEO, Brightfield Analytics")}


def test_a_place_before_a_title_is_not_the_person_holding_it():
    facts = facts_of("A Madhya Pradesh official said the dam was safe.")
    assert facts["person_roles"].height == 0


def test_a_party_before_a_title_is_not_the_person_holding_it():
    facts = facts_of("A Labour spokesman said the vote was lost.")
    assert facts["person_roles"].height == 0
    assert facts["entity_mentions"].filter(pl.col("type") == "PERSON").height == 0


def test_appositions_after_the_name_are_roles():
    roles = roles_of(
        "\"The data are clear,\" said Helen Marsh, a professor of economics at the University of Leeds, "
        "and the lead author of the report. Tom Baird, the bank's chief economist, disagreed.")
    assert roles == {("PERSON:Helen Marsh", "professor of economics at the University of Leeds"),
                     ("PERSON:Helen Marsh", "lead author of the report"),
                     ("PERSON:Tom Baird", "bank's chief economist")}


def test_an_apposition_without_a_title_is_no_role():
    assert roles_of("Anna Pike, one of the founders of the club, who lives nearby, said so.") == set()


def money_of(text: str) -> list[tuple]:
    money = facts_of(text)["amounts"].filter(pl.col("unit") == "money")
    return money.select("text", "value", "currency", "object").rows()


def test_money_takes_what_it_is_for_not_the_currency_word():
    assert money_of("The government will spend £20bn for new hospitals over five years.") == [
        ("£20bn", 20e9, "GBP", "for new hospitals")]
    assert money_of("The club spent $4m on a new training ground and won $1m in damages.") == [
        ("$4m", 4e6, "USD", "on a new training ground"), ("$1m", 1e6, "USD", "in damages")]
    assert money_of("They signed a $3bn deal. The firm posted a net loss of ¥12 billion ($80 million).") == [
        ("$3bn", 3e9, "USD", "deal"), ("¥12 billion", 12e9, "JPY", "a net loss"),
        ("$80 million", 80e6, "USD", "a net loss")]


def test_money_whose_text_does_not_say_what_it_is_for_has_no_object():
    assert money_of("Shares closed at $4.20 on Friday, up from $3.90.") == [
        ("$4.20", 4.2, "USD", None), ("from $3.90", 3.9, "USD", None)]


def test_the_end_of_a_range_after_a_year_is_not_a_count():
    amounts = facts_of("The 2011-2 budget cut spending on roads.")["amounts"]
    assert amounts.height == 0


def test_a_chapter_number_is_not_a_count():
    amounts = facts_of("The carmaker filed for chapter 11 bankruptcy protection on Monday.")["amounts"]
    assert amounts.height == 0


def test_money_written_with_a_currency_word():
    assert money_of("Tehran approved a budget of 2,100 trillion rials, officials said.") == [
        ("2,100 trillion rials", 2.1e15, "IRR", "a budget")]
    assert money_of("The stock fell 6.5 cents to close the day lower.") == [("6.5 cents", 0.065, "USD", None)]
    assert money_of("It raised 40 million Australian dollars and A$2m more.") == [
        ("40 million Australian dollars", 40e6, "AUD", None), ("$2m", 2e6, "AUD", None)]


def test_a_possessive_before_a_title_is_part_of_the_role_and_never_the_holder():
    assert roles_of("Baker's lawyer, Nina Ortiz, said the ruling was unfair.") == {
        ("PERSON:Nina Ortiz", "Baker's lawyer")}
    assert roles_of("Reporters mocked the mayor's Tom Hanks impression.") == set()


def test_a_title_read_as_a_name_holds_no_role():
    from pipelines.extraction.roles import person_roles
    from pipelines.extraction.tokens import token_table

    text = "Ramon Diaz, Chief Cloud Security Officer at Nimbus, said boards worry."
    tokens = token_table(pl.DataFrame({"doc_id": ["d0"], "text": [text]}))
    # As the recogniser sometimes reads it: the end of the job title taken for a second person.
    mentions = pl.DataFrame({
        "doc_id": ["d0", "d0"], "type": ["PERSON", "PERSON"], "key": ["Ramon Diaz", "Cloud Security Officer"],
        "text": ["Ramon Diaz", "Cloud Security Officer"], "start": [0, 18], "end": [10, 40], "sentence": [0, 0]})
    roles = person_roles(tokens, mentions)
    assert [(r["key"], text[r["start"]:r["end"]]) for r in roles.iter_rows(named=True)] == [
        ("Ramon Diaz", "Chief Cloud Security Officer at Nimbus")]


def test_a_money_object_stays_in_its_phrase_and_its_paragraph():
    assert money_of("The 2024 budget was $5bn. The charger I use is $18. It fell to $20.\\nFees rose.") == [
        ("$5bn", 5e9, "USD", None), ("$18", 18.0, "USD", None), ("$20", 20.0, "USD", None)]
    assert money_of("Revenue reached $9bn in fiscal 2023, and we keep $4m in current dollars.") == [
        ("$9bn", 9e9, "USD", "Revenue"), ("$4m", 4e6, "USD", None)]


def test_an_apposition_that_opens_a_clause_or_a_list_is_no_role():
    assert roles_of("Thanks to Maria Lind, we hired a pilot for the show.") == set()
    assert roles_of("The list names Sara Holm, and Prime Video.") == set()
