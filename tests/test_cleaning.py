"""Plain-text cleaning of news layouts the seeds do not show."""

from __future__ import annotations

from pipelines.cleaning.text import clean_plain_text

BBC_LIKE = """BBC NEWS | Politics
Home
Politics
Blair becomes longest-serving Labour PM
Tony Blair has become the Labour Party's longest-serving prime minister.
Photo: Tony Blair at Downing Street (Getty Images)
He has now been in office for 2,838 days, overtaking the record set by Harold Wilson in the 1960s and 1970s when he led two governments.
Agence France Presse (AFP) reported that the milestone was greeted with little fanfare in Westminster, where attention has turned to the election.
Political analysts said the achievement reflected the scale of Labour's victories in 1997 and 2001 and the weakness of the opposition since.
"""


def test_a_short_lead_cut_off_by_a_caption_and_a_paragraph_citing_an_agency_are_kept():
    article = clean_plain_text(BBC_LIKE)
    paragraphs = article.text.split("\n\n")
    assert article.title == "Blair becomes longest-serving Labour PM"
    assert paragraphs[0] == "Tony Blair has become the Labour Party's longest-serving prime minister."
    assert any(p.startswith("Agence France Presse (AFP) reported") for p in paragraphs)
    assert not any("Getty Images" in p or p in ("Home", "Politics") for p in paragraphs)
