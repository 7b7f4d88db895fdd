"""The HTML main-text vote (issue 24): when the first answer stands, when the shorter answer wins,
when trafilatura runs in full because the shorter answer has lost most of the page, and what kind
of page a page declares (an article keeps the vote, a product, listing or forum page does not)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from pipelines.cleaning import html as html_cleaning
from pipelines.cleaning.html import _main_text, _page_words, clean_html
from pipelines.cleaning.metadata import meta_tags, visible_pieces
from pipelines.cleaning.page_kind import page_kind

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from clean_quality import mean_line, page_scores  # noqa: E402

SENTENCE = "The harbour council agreed on Tuesday that the old ferry pier would be rebuilt before the summer season."
GUIDE_STEP = "Water the seedlings in the early morning so that the soil has time to drain before the heat of the day."


def _page(paragraphs: list[str], links: list[str] = ()) -> str:
    menu = "".join(f'<li><a href="/{i}">{link}</a></li>' for i, link in enumerate(links))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><script>var tracking = 'ignore these words entirely';</script></head>"
            f"<body><nav><ul>{menu}</ul></nav><main>{body}</main></body></html>")


def _fake_extractors(monkeypatch, fast: str, full: str, readability: str) -> list[str]:
    """Replace the extractors by fixed answers; returns the log of which ran."""
    calls: list[str] = []

    def extract(source, **options):
        calls.append("fast" if options.get("fast") else "full")
        return fast if options.get("fast") else full

    def readability_text(_html):
        calls.append("readability")
        return readability

    monkeypatch.setattr(html_cleaning.trafilatura, "extract", extract)
    monkeypatch.setattr(html_cleaning, "_readability_text", readability_text)
    return calls


def _vote(html: str, kind: str = "undeclared") -> tuple[str, str]:
    tree = lxml.html.fromstring(html)
    link_text = " ".join(element.text_content() for element in tree.xpath(html_cleaning.CONTROLS))
    controls = Counter(html_cleaning.WORD.findall(link_text.lower()))
    return _main_text(tree, html, None, controls, kind, _page_words(visible_pieces(tree), controls))


def _declaring(og_type: str | None = None, *json_ld: str) -> str:
    """A page's head declaring an og:type and JSON-LD scripts (given as raw JSON text)."""
    og = f'<meta property="og:type" content="{og_type}">' if og_type else ""
    scripts = "".join(f'<script type="application/ld+json">{data}</script>' for data in json_ld)
    return f"<html><head>{og}{scripts}</head><body><p>{SENTENCE}</p></body></html>"


def _kind(html: str) -> str:
    tree = lxml.html.fromstring(html)
    return page_kind(tree, meta_tags(tree))


def test_page_words_count_visible_text_outside_links_and_scripts():
    html = _page(["one two three four five"], links=["Home", "World news"])
    tree = lxml.html.fromstring(html)
    controls = Counter(["home", "world", "news"])
    assert _page_words(visible_pieces(tree), controls) == 5


def test_a_clean_answer_covering_the_page_stands_alone(monkeypatch):
    paragraphs = [SENTENCE] * 6
    calls = _fake_extractors(monkeypatch, fast="\n".join(paragraphs), full="unused", readability="unused")
    assert _vote(_page(paragraphs)) == ("trafilatura", "\n".join(paragraphs))
    assert calls == ["fast"]


def test_a_clean_answer_that_is_one_block_of_a_long_page_is_not_taken_alone(monkeypatch):
    intro = [SENTENCE] * 4
    guide = intro + [GUIDE_STEP] * 60
    calls = _fake_extractors(monkeypatch, fast="\n".join(intro), full="\n".join(guide),
                             readability="\n".join(guide[1:]))
    method, text = _vote(_page(guide))
    assert calls == ["fast", "readability", "full"]
    assert (method, text) == ("trafilatura", "\n".join(guide))


def test_the_shorter_answer_wins_when_both_hold_most_of_the_text(monkeypatch):
    story = [SENTENCE] * 5
    related = ["Related: Ferry fares rise", "More from the harbour", "Sign up for our newsletter today"]
    with_boilerplate = "\n".join(story + related)
    calls = _fake_extractors(monkeypatch, fast=with_boilerplate, full="unused", readability="\n".join(story))
    assert _vote(_page(story + related)) == ("readability", "\n".join(story))
    assert "full" not in calls


def test_a_shorter_answer_far_below_the_longer_hands_over_to_trafilatura_in_full(monkeypatch):
    posts = [f"Post {i}: {GUIDE_STEP}" for i in range(12)]
    calls = _fake_extractors(monkeypatch, fast=posts[0] + "\nReply Quote",
                             full="\n".join(posts), readability="\n".join(posts[2:]))
    assert _vote(_page(posts)) == ("trafilatura", "\n".join(posts))
    assert calls[-1] == "full"


def test_a_full_answer_that_is_the_menu_has_no_say(monkeypatch):
    menu = ["Home", "World", "Business", "Sport", "Weather", "Contact us"]
    story = [SENTENCE] * 3
    _fake_extractors(monkeypatch, fast="", full="\n".join(menu), readability="\n".join(story))
    assert _vote(_page(story, links=menu)) == ("readability", "\n".join(story))


def test_bench_lines_give_page_mean_scores_per_group():
    scores = {"a": page_scores("harbour pier rebuilt", "harbour pier rebuilt"), "b": page_scores("", "ferry")}
    assert scores["a"] == (1.0, 1.0, 1.0) and scores["b"] == (0.0, 0.0, 0.0)
    assert mean_line("product", scores, ["a", "b"]).endswith("F1 0.500")
    assert mean_line("product", scores, []).endswith("pages 0")


@pytest.mark.parametrize("answer", ["", "Home\nNews\nSport"])
def test_a_page_with_no_article_anywhere_gives_none(monkeypatch, answer):
    menu = ["Home", "News", "Sport"]
    _fake_extractors(monkeypatch, fast=answer, full=answer, readability=answer)
    assert _vote(_page([], links=menu)) == ("none", "")


@pytest.mark.parametrize("head, kind", [
    (_declaring(), "undeclared"),
    (_declaring("article"), "article"),
    (_declaring("website"), "page"),
    (_declaring("product.item"), "product"),
    # An article type wins over the breadcrumbs and related-links lists an article also carries.
    (_declaring("website", '{"@context": "https://schema.org", "@graph": [{"@type": "BreadcrumbList"},'
                           ' {"@type": ["NewsArticle", "ItemList"]}]}'), "article"),
    # A content type that is not an article wins over og:type, which many sites set on every page.
    (_declaring("article", '{"@type": "http://schema.org/Product", "offers": {"@type": "Offer"}}'), "product"),
    (_declaring(None, '{"@type": "CollectionPage"}'), "listing"),
    (_declaring("website", '{"@type": "DiscussionForumPosting", "author": {"@type": "Person"}}'), "forum"),
    # Broken JSON still declares its types; a WebPage alone declares nothing about the content.
    (_declaring(None, '{"@type": "FAQPage", "mainEntity": [{"@type": "Question",'), "faq"),
    (_declaring(None, '{"@type": "WebPage"}'), "undeclared"),
])
def test_page_kind_reads_what_the_page_declares(head, kind):
    assert _kind(head) == kind


def test_a_page_declared_not_an_article_goes_to_trafilatura_in_full(monkeypatch):
    cards = [f"Garden trowel, model {i}: {GUIDE_STEP}" for i in range(8)]
    calls = _fake_extractors(monkeypatch, fast="\n".join(cards[:1]), full="\n".join(cards), readability=cards[0])
    assert _vote(_page(cards), kind="listing") == ("trafilatura", "\n".join(cards))
    assert calls == ["full"]


def test_a_listing_keeps_its_links_as_content_but_not_a_cookie_wall():
    shops = ["Harbour Bakery", "Pier Street Books", "Lighthouse Cafe", "Ferry Lane Florist", "Old Dock Tailors"]
    items = "".join(f'<li><a href="/shop/{i}">{name}</a></li>' for i, name in enumerate(shops))
    listing = (f'<html><head><meta property="og:type" content="website"><title>Shops on the quay</title></head>'
               f"<body><main><h1>Shops on the quay</h1><ul>{items}</ul></main></body></html>")
    text = clean_html(listing).text
    assert all(name in text for name in shops)
    wall = listing.replace(items, "<li>We use cookies to improve your experience.</li><li>Accept</li>")
    assert clean_html(wall).text == ""
