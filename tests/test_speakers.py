"""Quote boundaries and speakers (issue 23): one test per error class read in news, each on an
invented sentence of the same shape."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.facts import extract_with_entities


def quoted(text: str) -> list[tuple[str, str | None]]:
    """(quote, speaker entity id) of every quotation of `text`, in order."""
    facts = extract_with_entities(pl.DataFrame({"doc_id": ["d"], "text": [text]}))
    return [(row["quote"], row["speaker_entity_id"]) for row in facts["quotes"].sort("start").iter_rows(named=True)]


def test_narration_between_a_closing_and_the_next_opening_mark_is_no_quote():
    rows = quoted('Anna Smith was defiant. "We will appeal the ruling. The court adjourned until Monday. '
                  '"It is a sad day for the town," said John Brown.')
    assert [quote for quote, _ in rows] == ["It is a sad day for the town,"]


def test_a_quote_runs_on_into_the_next_paragraph_until_its_closing_mark():
    rows = quoted('After the match, the Rovers coach Peter Hall said, "We learned a lot from today.\n\n'
                  'It was an emotional day for everyone at the club."\n\nThe league resumes in March.')
    assert [quote for quote, _ in rows] == ["We learned a lot from today.\n\nIt was an emotional day for everyone at the club."]


def test_a_mark_turned_the_wrong_way_closes_its_quote_in_its_own_paragraph():
    rows = quoted("“We will win the vote on Thursday,“ said Anna Smith.\n\n“It is over for them,” said John Brown.")
    assert rows == [("We will win the vote on Thursday,", "PERSON:Anna Smith"), ("It is over for them,", "PERSON:John Brown")]
