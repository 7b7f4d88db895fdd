"""Events only where a sentence states one, with the actors and place of the trigger's own clause:
one test per error class read in news by hand, each on sentences written for it."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.facts import extract_with_entities


def events_of(*texts: str) -> list[dict]:
    """The events of each text as dicts, with actor and place names instead of entity ids."""
    tables = extract_with_entities(pl.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)}))
    names = dict(tables["entities"].select("entity_id", "canonical_name").iter_rows())
    return [{**row, "actors": [names[a] for a in row["actor_entity_ids"]], "place": names.get(row["place_entity_id"])}
            for row in tables["events"].filter(pl.col("kind") != "other").iter_rows(named=True)]


def test_the_place_of_another_clause_is_not_the_meetings_place():
    found = events_of(
        "Tony Blair, who spoke in the United Kingdom on Friday, flew on to Texas, where he met President George W Bush.",
        "Gordon Brown gave a speech in London after Tony Blair met Jacques Chirac.")
    meetings = [(e["doc_id"], e["actors"], e["place"]) for e in found if e["kind"] == "meeting"]
    # "where" refers to Texas; the speech in London is another clause's.
    assert meetings == [("d0", ["Tony Blair", "George W Bush"], "Texas"), ("d1", ["Tony Blair", "Jacques Chirac"], None)]


def test_agreeing_with_an_opinion_is_no_agreement():
    found = events_of("Ministers agreed it was of concern that prices had risen so fast.",
                      "Everyone agreed that the plan was sensible, Anna Smith said.",
                      "Russia and China signed a trade agreement in Beijing on Monday.")
    agreements = [(e["doc_id"], e["actors"], e["place"]) for e in found if e["kind"] == "agreement"]
    assert agreements == [("d2", ["Russia", "China"], "Beijing")]


def test_actors_of_a_subordinate_clause_take_no_part():
    found = events_of("Russia has stationed its troops in Belarus, and Poland often complains to Germany.",
                      "Tony Blair, who was criticised by Gordon Brown, visited Baghdad on Tuesday.",
                      "Anna Smith said that the two countries had signed a treaty in Geneva.")
    rows = {e["doc_id"]: (e["kind"], e["actors"], e["place"]) for e in found}
    assert rows == {"d0": ("deployment", ["Russia"], "Belarus"), "d1": ("visit", ["Tony Blair"], "Baghdad"),
                    "d2": ("agreement", [], "Geneva")}


def test_a_group_without_a_name_meets_the_person_it_met():
    found = events_of("Five public sector unions met Deputy Prime Minister John Prescott on Tuesday to discuss pensions.",
                      "The unions, which were angered by Gordon Brown's budget, met John Prescott in London.")
    meetings = [(e["doc_id"], e["actors"], e["place"]) for e in found if e["kind"] == "meeting"]
    assert meetings == [("d0", ["John Prescott"], None), ("d1", ["John Prescott"], "London")]


def test_plain_reported_speech_is_no_statement_event():
    found = events_of("Gordon Brown said the economy would grow by 3% next year.",
                      "“We will win,” Anna Smith told reporters.",
                      "Shares fell, analysts say.")
    assert found == []


def test_statements_issued_or_announced_are_statement_events():
    found = events_of("Microsoft announced on Monday that it would cut 10,000 jobs.",
                      "Gordon Brown said in a statement that the economy would grow.",
                      "The International Red Cross issued a statement calling the situation tense.",
                      "The date of the verdict will be announced.")
    statements = [(e["doc_id"], e["trigger"], e["actors"]) for e in found if e["kind"] == "statement"]
    assert statements == [("d0", "announced", ["Microsoft"]), ("d1", "statement", ["Gordon Brown"]),
                          ("d2", "statement", ["International Red Cross"])]


def test_trigger_words_that_state_no_event_give_none():
    found = events_of("Visit our website for more offers.",
                      "Finding a great deal on a rental car is easy if you sign a contract early.",
                      "Grammar exercises and daily exercise keep the mind sharp.",
                      "The firm will deploy AI agents across its cloud deployment.",
                      "Did Tony Blair ever visit Paris?")
    assert found == []
