"""Cleaning of news layouts the seeds do not show: plain text, wire briefs, HTML without an article."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.cleaning import clean_documents
from pipelines.cleaning.dates import parse_dateline
from pipelines.cleaning.furniture import MIN_WORDS_BEFORE_COMMENTS, before_comments, is_furniture_line
from pipelines.cleaning.html import clean_html
from pipelines.cleaning.language import detect_language
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


def _frame(*texts: str, fmt: str = "txt") -> pl.DataFrame:
    return pl.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "content": list(texts),
                         "format": [fmt] * len(texts), "source_url": [None] * len(texts)},
                        schema_overrides={"source_url": pl.String})


def prose(n: int) -> str:
    return (f"The ministers met in Minsk on day {n} and agreed on a plan for {n} border crossings, officials said.\n\n"
            f"Talks on crossing number {n} will resume next week, according to a statement from the ministry.\n")


def test_a_document_that_hangs_in_python_is_stopped_and_rejected_alone(monkeypatch):
    import pipelines.cleaning as cleaning

    real = cleaning.clean_plain_text

    def hangs_on_the_second(content, repeated):
        while "HANG" in content:
            pass
        return real(content, repeated)

    monkeypatch.setattr(cleaning, "CLEAN_SECONDS_LIMIT", 1)
    monkeypatch.setattr(cleaning, "clean_plain_text", hangs_on_the_second)
    cleaned = cleaning.clean_documents(_frame(prose(1), "HANG " + prose(2), prose(3)), workers=1)
    assert cleaned["rejection"].to_list() == [None, "cleaning took longer than 1 s and was stopped", None]


def test_a_document_that_hangs_inside_c_code_is_stopped_and_rejected_alone(monkeypatch):
    import hashlib

    import pipelines.cleaning as cleaning

    real = cleaning.clean_plain_text

    def spins_in_c(content, repeated):
        if "HANG" in content:
            hashlib.pbkdf2_hmac("sha256", b"key", b"salt", 2**31 - 1)  # minutes of C that never yields to Python
        return real(content, repeated)

    monkeypatch.setattr(cleaning, "CLEAN_SECONDS_LIMIT", 1)
    monkeypatch.setattr(cleaning, "clean_plain_text", spins_in_c)
    cleaned = cleaning.clean_documents(_frame(prose(1), "HANG " + prose(2)), workers=1)
    assert cleaned["rejection"][0] is None
    assert "stopped" in cleaned["rejection"][1]


def test_a_comment_thread_opens_at_its_marker_once_the_minimum_of_words_stands_above_it():
    lines = [" ".join(["word"] * MIN_WORDS_BEFORE_COMMENTS), "Comments", "Great article, thanks."]
    assert before_comments(lines) == 1
    short = [" ".join(["word"] * (MIN_WORDS_BEFORE_COMMENTS - 1)), "Comments", "Great article, thanks."]
    assert before_comments(short) == 3  # a "Comments" link in the article's header, not a thread


# Datelines of every shape wire services write, and capitals before a dash that are none.
@pytest.mark.parametrize("paragraph, place, outlet", [
    ("MINSK, 3 March - Text", "Minsk", None),
    ("MINSK, Nov 28 (BelTA) – Text", "Minsk", "BelTA"),
    ("LONDON (Reuters) - Text", "London", "Reuters"),
    ("(AP) HONOLULU - Text", "Honolulu", "AP"),
    ("WASHINGTON — The Senate", "Washington", None),
    ("OKLAHOMA CITY — Two men", "Oklahoma City", None),
    ("THE HAGUE — Judges at", "The Hague", None),
    ("HONOLULU — A $2.2 million expedition", "Honolulu", None),
    ("KYIV, Ukraine (AP) — Russia", "Kyiv", "AP"),
    ("DENVER, Colo. (AP) — A man", "Denver", "AP"),
    ("МИНСК, 28 ноября (БелТА) – Президент", "Минск", "БелТА"),
    ("МИНСК — Президент Беларуси", "Минск", None),
])
def test_dateline_shapes(paragraph, place, outlet):
    dateline, _ = parse_dateline(paragraph)
    assert (dateline.place, dateline.outlet) == (place, outlet)


@pytest.mark.parametrize("paragraph", [
    "WASHINGTON, he said - no",  # a comma form needs a date or an outlet
    "FYI – I just signed up for it.", "WARNING - It's worth pointing out",  # chat and kickers
    "LIGHTEN YOUR LOAD – Start by weeding out things",  # a heading in capitals
    "ANNIVERSARY SALE — SHOP UP TO 40% OFF", "GET CAREEROLOGY - THE #1 CAREER SKILLS APP",  # capitals go on
    "WASHINGTON — the senate voted",  # no sentence opens after the dash
    "OMG- you quote Dar",
])
def test_capitals_before_a_dash_that_are_no_dateline(paragraph):
    assert parse_dateline(paragraph) is None


# Wire briefs: one or two sentences, often all names, with or without a dateline.
MINSK_BRIEF = ("MINSK, 3 March - Belarusian Defence Minister Viktor Khrenin met Russian Defence Minister Andrei "
               "Belousov in Minsk on Monday, the ministry said. \"We agreed on joint exercises,\" Khrenin told reporters.")
BRIEFS = [  # (headline, paragraph, dateline place)
    ("Ministers meet in Minsk", MINSK_BRIEF, "Minsk"),
    ("Lukashenko meets Chinese envoy", "MINSK, Nov 28 (BelTA) – Belarusian President Aleksandr Lukashenko met "
     "Chinese Ambassador Xie Xiaoyong in Minsk on Thursday.", "Minsk"),
    ("Putin meets Xi in Moscow", "MOSCOW (Reuters) - Russian President Vladimir Putin met Chinese President "
     "Xi Jinping in Moscow.", "Moscow"),
    ("Senate passes stopgap bill", "WASHINGTON — The U.S. Senate passed a stopgap spending bill late on Friday, "
     "averting a government shutdown.", "Washington"),
    ("Khrenin meets Belousov", "Belarusian Defence Minister Viktor Khrenin met Russian Defence Minister Andrei "
     "Belousov in Minsk on Monday.", None),
]


def _rejection(content: str, fmt: str) -> str | None:
    return clean_documents(_frame(content, fmt=fmt), workers=1)["rejection"][0]


def test_a_one_paragraph_wire_brief_opening_with_its_dateline_is_an_article():
    # Its words after the dateline are mostly names, so few are function words: scored as a
    # tag cloud among full articles' lines, but a page with no other prose is this brief.
    article = clean_plain_text(f"Ministers meet in Minsk\n\n{MINSK_BRIEF}\n")
    assert (article.title, article.dateline_place, article.text) == ("Ministers meet in Minsk", "Minsk", MINSK_BRIEF)


@pytest.mark.parametrize("title, paragraph, place", BRIEFS)
def test_short_wire_briefs_are_articles_with_their_dateline_place(title, paragraph, place):
    for page in (f"{title}\n\n{paragraph}\n",
                 f"Example News\nHome\nWorld\nBusiness\n{title}\n{paragraph}\nShare this\n"
                 "Copyright 2025 Example News. All rights reserved.\n"):
        article = clean_plain_text(page)
        assert (article.title, article.dateline_place, article.text) == (title, place, paragraph)


@pytest.mark.parametrize("first, place", [
    ("MOSCOW (Reuters) - Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow.", "Moscow"),
    ("Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow on Tuesday, the Kremlin said.", None),
])
def test_a_brief_of_two_sentences_on_two_lines_is_one_article(first, place):
    # The second line, all names, is no prose by the measure of full articles.
    second = "Chinese Foreign Minister Wang Yi and Russian Foreign Minister Sergei Lavrov also attended."
    article = clean_plain_text(f"Putin meets Xi\n\n{first}\n\n{second}\n\nMore news\nSport\n")
    assert (article.title, article.dateline_place, article.text) == ("Putin meets Xi", place, f"{first}\n\n{second}")


@pytest.mark.parametrize("page", [
    "Home\nNews\nSport\nContact us\n* About\n* Login\n",
    # headlines without full stops, a menu with one, a cookie notice, a footer
    "Example News\nHome | World | Business | Sport\nMost read\nStorm Hits Coast Of Norway\nPrices Rise Again In Riga\n"
    "Oil Prices Fall As Stockpiles Rise\nAbout Us. Contact. Careers.\n"
    "This website uses cookies to improve your experience. By continuing to browse you agree to our use of cookies.\n"
    "Copyright 2025 Example News. All rights reserved.\n",
    # a tag cloud and an archive list
    "Tags\nBelarus Russia Minsk Moscow Defence Ministry Viktor Khrenin Andrei Belousov Exercises Army Navy.\n"
    "Archive: January 2025 February 2025 March 2025 April 2025 May 2025 June 2025 July 2025\n",
])
def test_pages_with_no_prose_still_hold_no_article(page):
    assert clean_plain_text(page).text == ""
    assert _rejection(page, "txt") == "no article text found (0 words of prose)"


def test_a_consent_notice_is_furniture_but_an_article_on_cookie_rules_is_not():
    assert is_furniture_line("This website uses cookies to give you the best experience.")
    assert is_furniture_line("By continuing to browse the site, you agree to our use of cookies.")
    assert not is_furniture_line("Regulators said websites must let users reject cookies as easily as accept them.")


# HTML: a brief's page, bare or in a site's furniture, is an article; menus and cookie walls are not.
def brief_page(title: str, paragraph: str, furniture: bool) -> str:
    """A brief's HTML page: minimal (a <title> and a <p>), or with a news site's header, menu,
    cookie notice, most-read list and footer."""
    if not furniture:
        return f"<html><head><title>{title}</title></head><body><p>{paragraph}</p></body></html>"
    return (f"<html><head><title>{title} | Example News</title>"
            '<meta property="og:site_name" content="Example News"></head><body>'
            "<header><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></header>"
            "<nav><ul><li><a href='/'>Home</a></li><li><a href='/politics'>Politics</a></li></ul></nav>"
            "<div class='cookies'><p>We use cookies to improve your experience on our site.</p><button>Accept</button></div>"
            f"<main><article><h1>{title}</h1><p>{paragraph}</p></article></main>"
            "<aside><h3>Most read</h3><ul><li><a href='/a'>Storm hits coast</a></li>"
            "<li><a href='/b'>Prices rise again</a></li></ul></aside>"
            "<footer><p>Copyright 2025 Example News. All rights reserved.</p><a href='/privacy'>Privacy policy</a> "
            "<a href='/contact'>Contact us</a></footer></body></html>")


@pytest.mark.parametrize("furniture", [False, True], ids=["minimal", "with-nav-and-footer"])
@pytest.mark.parametrize("title, paragraph, place", BRIEFS)
def test_a_wire_brief_page_is_an_article_with_its_dateline_place(title, paragraph, place, furniture):
    article = clean_html(brief_page(title, paragraph, furniture))
    assert (article.title, article.dateline_place, article.text) == (title, place, paragraph)


MENU_PAGE = ("<html><head><title>Example News</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
             "<li><a href='/world'>World</a></li><li><a href='/sport'>Sport</a></li><li><a href='/contact'>Contact us</a>"
             "</li></ul></nav><footer>Copyright 2025 Example News</footer></body></html>")
LINK_BAR_PAGE = ("<html><head><title>Example News</title></head><body><div class='menu'><a href='/'>Home</a> "
                 "<a href='/world'>World</a> <a href='/sport'>Sport</a> <a href='/business'>Business</a> "
                 "<a href='/contact'>Contact us</a> <a href='/about'>About us</a></div></body></html>")
COOKIE_WALL = ("<html><head><title>Before you continue</title></head><body><div id='consent'><h2>Your privacy</h2>"
               "<p>This site uses cookies to improve your experience. By continuing to browse you agree to our use "
               "of cookies.</p><a href='/privacy'>Privacy policy</a> <button>Accept all</button>"
               "<button>Reject all</button></div></body></html>")


@pytest.mark.parametrize("page", [MENU_PAGE, LINK_BAR_PAGE, COOKIE_WALL], ids=["menu", "link-bar", "cookie-wall"])
def test_html_pages_of_menus_or_a_cookie_wall_hold_no_article(page):
    assert clean_html(page).text == ""
    assert _rejection(page, "html") == "no article text found (0 words of prose)"


def test_a_control_character_in_a_page_is_dropped_not_a_failed_cleaning():
    paragraph = "The council approved the new budget for schools and roads after a long debate on Monday. " * 4
    article = clean_html(f"<html><head><title>Budget approved</title></head><body><article><h1>Budget approved</h1>"
                         f"<p>{paragraph}</p>\x07<p>{paragraph}</p></article></body></html>")
    assert "The council approved the new budget" in article.text and "\x07" not in article.text


def test_a_short_cyrillic_brief_is_told_by_its_letters():
    # Too few function words to count, yet plainly Russian (or Belarusian, Ukrainian by their letters).
    assert detect_language("Путин встретился с Лукашенко в Минске.") == "ru"
    assert detect_language("Лукашэнка сустрэўся з Пуціным у Маскве сёння.") == "be"
    assert detect_language("Путін зустрівся з Лукашенком у Мінську сьогодні.") == "uk"
    assert detect_language("Short English.") is None
    assert detect_language("Путин") is None
