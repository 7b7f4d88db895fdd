"""Titles and authors of HTML pages (pipelines/cleaning/metadata.py), on invented pages shaped
like the real cases: SEO titles beside the visible headline, logo h1s, Yoast JSON-LD graphs,
bylines with labels and dates, readers' comment bylines."""

import lxml.html

from pipelines.cleaning.metadata import META_SITE, byline_author, first_stated, meta_tags, headline, visible_pieces


def _page(head: str, body: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def _title_of(head: str, body: str) -> str | None:
    tree = _page(head, body)
    tags = meta_tags(tree)
    return headline(tree, tags, first_stated(tags, META_SITE))


def _author_of(head: str, body: str) -> str | None:
    tree = _page(head, body)
    return byline_author(tree, meta_tags(tree), visible_pieces(tree))


def test_the_visible_headline_wins_over_a_search_engine_title():
    head = '<title>Best Garden Hoses of 2031 | Hose Review</title><meta property="og:title" content="Best Garden Hoses of 2031">'
    assert _title_of(head, "<h1>The Garden Hoses We Liked Best This Year</h1><p>Text.</p>") == "The Garden Hoses We Liked Best This Year"


def test_a_logo_heading_is_passed_over_for_the_one_matching_the_declared_title():
    head = "<title>Why Owls Hoot at Night - Birdwatch Weekly</title>"
    body = "<h1>Birdwatch Weekly</h1><h1>Menu</h1><h1>Why Owls Hoot at Night</h1>"
    assert _title_of(head, body) == "Why Owls Hoot at Night"


def test_without_a_heading_the_title_loses_its_site_name():
    head = '<title>Pond Pumps Explained | Aqua Corner</title><meta property="og:site_name" content="Aqua Corner">'
    assert _title_of(head, "<p>Text.</p>") == "Pond Pumps Explained"


def test_a_heading_keeps_no_site_suffix_or_permalink_mark():
    assert _title_of("<title>Setup | Kettle Docs</title>", "<h1>Setup | Kettle Docs</h1>") == "Setup"
    assert _title_of("<title>Setup - Kettle Docs</title>", "<h1>Setup¶</h1>") == "Setup"


def test_an_old_blog_with_its_name_in_the_h1_gives_the_posts_heading():
    head = "<title>Ferret Diaries: Why my ferret sleeps in a shoe</title>"
    body = "<h1>Ferret Diaries</h1><h3>Why my ferret sleeps in a shoe</h3><p>Text.</p>"
    assert _title_of(head, body) == "Why my ferret sleeps in a shoe"


def test_a_heading_linking_to_the_front_page_is_the_logo():
    head = "<title>Tide Tables Explained</title>"
    assert _title_of(head, '<h1><a href="/">Coastal Notes</a></h1><h1>Tide Tables Explained</h1>') == "Tide Tables Explained"


def test_json_ld_author_reference_is_resolved_to_the_persons_name():
    ld = ('{"@graph": [{"@type": "Article", "author": {"@id": "https://x.test/#/person/1"}},'
          ' {"@type": "Person", "@id": "https://x.test/#/person/1", "name": "Mara Lindqvist"}]}')
    assert _author_of(f'<script type="application/ld+json">{ld}</script>', "") == "Mara Lindqvist"


def test_json_ld_lists_several_authors_and_skips_an_organisation():
    ld = '{"@type": "Article", "author": [{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "Tom Beck"}]}'
    assert _author_of(f'<script type="application/ld+json">{ld}</script>', "") == "Ana Ruiz, Tom Beck"
    org = '{"@type": "Article", "author": {"@type": "Organization", "name": "Acme Media"}}'
    assert _author_of(f'<script type="application/ld+json">{org}</script><meta name="author" content="Lea Park">', "") == "Lea Park"


def test_a_byline_loses_its_label_and_date():
    assert _author_of("", '<div class="byline">By Jonas Weber on March 3, 2030</div>') == "Jonas Weber"
    assert _author_of("", "<div><p>Written by</p><p>Priya Nair</p></div>") == "Priya Nair"
    assert _author_of('<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Olu Ade">', "") == "Olu Ade"


def test_urls_handles_placeholders_and_comment_bylines_are_no_author():
    assert _author_of('<meta name="author" content="https://social.test/someone">', "") is None
    assert _author_of('<meta name="author" content="admin">', "") is None
    assert _author_of('<meta name="author" content="j.doe42">', "") is None
    assert _author_of("", '<div class="author-box"><span>The Author</span></div>') is None
    assert _author_of('<meta name="author" content="Feb 11, 2031 · 3 min read">', "") is None
    assert _author_of('<meta name="author" content="262588213843476">', "") is None


def test_a_forum_handle_with_digits_is_an_author():
    assert _author_of('<meta name="author" content="kiteflyer42">', "") == "kiteflyer42"
    body = '<div class="comments"><span class="author">Reader Jim</span></div><div class="review"><span class="author">Ash C.</span></div>'
    assert _author_of("", body) is None


def _published(head: str, body: str):
    from pipelines.cleaning.published import published

    tree = _page(head, body)
    return published(tree, meta_tags(tree), None, visible_pieces(tree))


def test_an_updated_line_near_the_headline_on_another_day_leaves_the_day_unknown():
    head = '<meta property="article:published_time" content="2030-01-04T10:00:00+00:00">'
    body = "<h1>How Kites Fly in Winter Storms</h1><p>Last updated:</p><p>March 15, 2030</p><p>Kites are older than paper.</p>"
    assert _published(head, body) is None


def test_an_updated_line_does_not_outvote_a_visible_publication_line():
    head = '<meta property="article:published_time" content="2030-01-04T10:00:00+00:00">'
    body = "<h1>How Kites Fly in Winter Storms</h1><p>January 4, 2030</p><p>Updated March 15, 2030</p><p>Kites are older.</p>"
    stated = _published(head, body)
    assert stated is not None and str(stated.day) == "2030-01-04" and stated.source == "text"


def test_a_labelled_publication_line_far_below_the_headline_counts():
    menu = "".join(f"<li>Section {i}</li>" for i in range(60))
    body = f"<h1>Harbour Ferry Timetable Changes</h1><ul>{menu}</ul><p>Veröffentlicht am</p><p>10. Februar 2031</p>"
    stated = _published("", body)
    assert stated is not None and str(stated.day) == "2031-02-10" and stated.source == "text"


def test_a_menu_word_inside_the_headline_is_not_taken_for_it():
    # "News" in the menu is part of the headline's text, but the date beside the menu is today's, not the story's.
    menu = "<li>News</li><li>Thursday, March 6th 2031</li>"
    body = f"<ul>{menu}</ul>" + "<li>x</li>" * 30 + "<h1>City News Desk Wins Award</h1><p>Plain story text.</p>"
    assert _published("", body) is None


def test_a_bylines_lone_lead_word_in_another_language_is_no_author():
    assert _author_of("", '<p class="byline">von</p><p>Ein Text.</p>') is None
    assert _author_of("", '<p class="byline">par</p><p class="author">Claire Dubois</p>') == "Claire Dubois"
