"""Publication dates: each kind of evidence, how they are weighed, and NULL when a page is undated
or its evidence disagrees."""

from __future__ import annotations

from datetime import date, time

import pytest

from pipelines.cleaning.dates import find_full_date, find_time, parse_dateline
from pipelines.cleaning.html import clean_html

BODY = "<p>" + "The ministers met in the capital to discuss the exercise and the new air defence plans. " * 6 + "</p>"


def page(head: str = "", before: str = "", after: str = "", canonical: str | None = None) -> str:
    link = f"<link rel='canonical' href='{canonical}'>" if canonical else ""
    return (f"<html><head><title>Ministers meet</title>{link}{head}</head><body><nav><a href='/'>Home</a></nav>"
            f"<article>{before}<h1>Ministers meet</h1>{after}{BODY}</article></body></html>")


JSON_LD = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2021-03-04T10:00:00+01:00"}</script>'
META = '<meta property="article:published_time" content="2021-03-04T10:00:00Z">'


@pytest.mark.parametrize(("html", "day", "source"), [
    (page(head=JSON_LD), date(2021, 3, 4), "json-ld"),
    (page(head=META), date(2021, 3, 4), "meta"),
    (page(after="<p>Veröffentlicht am 12. Mai 2020, 10:15 Uhr</p>"), date(2020, 5, 12), "text"),
    (page(before="<span>4 mars 2021</span>"), date(2021, 3, 4), "text"),
    (page(after="<div>Published March 4, 2021</div>", head=JSON_LD), date(2021, 3, 4), "text"),
    (page(canonical="https://example.org/world/2021/03/04/ministers-meet/"), date(2021, 3, 4), "url"),
    (page(after='<time itemprop="datePublished" datetime="2021-03-04">Thursday</time>'), date(2021, 3, 4), "element"),
])
def test_each_source_states_the_day(html, day, source):
    article = clean_html(html)
    assert (article.published_date, article.published_date_source) == (day, source)


@pytest.mark.parametrize("html", [
    page(),  # no date anywhere
    page(after="<p>Updated March 9, 2021</p>"),  # a modification is no publication date
    page(after="<p>In 2019 the ministers first met.</p>"),  # a year alone never is
    page(head=JSON_LD, after="<p>Published 9 March 2021</p>"),  # evidence that disagrees: NULL, not a guess
])
def test_no_date_unless_the_evidence_agrees(html):
    article = clean_html(html)
    assert (article.published_date, article.published_date_source) == (None, None)


def test_the_url_and_the_date_line_outvote_a_stamp_in_another_time_zone():
    html = page(head=META.replace("2021-03-04T10:00:00Z", "2021-03-05T02:30:00Z"),
                canonical="https://example.org/2021/03/04/ministers-meet/", after="<p>March 4, 2021</p>")
    article = clean_html(html)
    assert (article.published_date, article.published_date_source) == (date(2021, 3, 4), "text")  # first of the weightiest


@pytest.mark.parametrize("text, expected", [
    ("2:30 pm", time(14, 30)), ("Updated 7:45 p.m. EST", time(19, 45)), ("12:05 PM", time(12, 5)),
    ("12:05 am", time(0, 5)), ("9:15 a.m.", time(9, 15)), ("11:00", time(11, 0)), ("no time here", None),
])
def test_stated_times_read_am_and_pm(text, expected):
    assert find_time(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Published Sept. 5, 2025", date(2025, 9, 5)), ("5 Dec. 2024", date(2024, 12, 5)),
])
def test_abbreviated_months_with_a_full_stop(text, expected):
    assert find_full_date(text)[0] == expected


@pytest.mark.parametrize("paragraph, month, day", [
    ("MINSK, 28 November (BelTA) – Text", 11, 28),  # day before month
    ("MOSCOW, Nov. 28 (Reuters) - Text", 11, 28),  # month before day
])
def test_datelines_state_their_day_in_either_order(paragraph, month, day):
    dateline, _ = parse_dateline(paragraph)
    assert (dateline.month, dateline.day) == (month, day)


@pytest.mark.parametrize(("content", "fmt"), [
    ("Brock Holt\nBorn: June 11, 1988 (age 30)\n\n" + BODY[3:-4], "txt"),
    (page(head='<meta property="article:published_time" content="1970-01-01T00:00:00Z">'), "html"),
    (page(head='<meta property="article:published_time" content="2099-05-04T10:00:00Z">'), "html"),
])
def test_a_publication_date_before_1990_or_after_today_is_a_misreading_and_left_null(content, fmt):
    from pipelines.cleaning import _clean_row

    row = _clean_row(("doc", content, fmt, None, frozenset()))
    assert row["rejection"] is None
    assert (row["published_date"], row["published_time"], row["published_date_source"]) == (None, None, None)
