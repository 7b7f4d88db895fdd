"""Titles, sites, authors and URLs of HTML pages, from the tags and elements the page declares."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import chain
from urllib.parse import urlparse

from lxml import etree

from pipelines.cleaning.dates import find_full_date

TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»·]\s+")
META_TITLE = ("og:title", "twitter:title", "title", "headline", "dc.title")
META_SITE = ("og:site_name", "application-name", "twitter:site", "publisher", "dc.publisher")
META_AUTHOR = ("author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author")
META_URL = ("og:url",)
WORD = re.compile(r"\w+")
# What a byline element may say around the name: "By", "Written by", "Posted by ... on <date>".
BYLINE_LEAD = re.compile(r"^(?:(?:(?:written|posted|published|reviewed|edited|words|story|text)\s+)?by|authors?|written)\b[:\s]*", re.IGNORECASE)
BYLINE_TAIL = re.compile(r"\s*(?:[|•·]|\bon\b|\bupdated\b|\bpublished\b|\bposted\b).*$", re.IGNORECASE)
# Elements that hold a byline: microdata, rel=author links, and the class names sites give them.
BYLINE_ELEMENTS = ("//body//*[@itemprop='author' or contains(@class, 'author') or contains(@class, 'byline')"
                   " or (self::a and contains(concat(' ', @rel, ' '), ' author '))]")
# Bylines of readers' comments and reviews, and the labels of a comment form ("Name *"), name no author.
IN_COMMENTS = ("ancestor-or-self::*[contains(@class, 'comment') or contains(@id, 'comment') or contains(@class, 'review')"
               " or contains(@id, 'review') or self::form or self::label]")
# A name is a few words; longer text in a byline element is a bio or a teaser.
MAX_AUTHOR_WORDS = 12
MAX_AUTHOR_CHARS = 120
# Byline elements looked at, in page order (a listing repeats them per teaser).
MAX_BYLINES = 20
# A lone label piece is this short: a byline's ("Written by:") or a date line's ("Last updated:").
MAX_LABEL_CHARS = 20
# Elements whose text a reader never sees as the page.
HIDDEN_ELEMENTS = frozenset({"script", "style", "noscript", "template"})
# Values a CMS puts in an author field that name nobody.
NO_AUTHOR = frozenset("admin administrator webmaster name author editor guest user unknown anonymous undefined null".split())
# URLs, e-mail addresses, user ids, figures beside words (a date, "3 min read"; a handle may hold
# digits), handles with dots, copyright lines, "<reader> says", and the
# labels and fragments a byline element holds besides a name ("The Author", "Post time", "Insights from",
# a German blog's lone "von").
NOT_A_NAME = re.compile(r"^https?:|@|©|^\d+$|\d.*\s|\s.*\d|^[\w-]+\.[\w.-]+$|\bsays$|\b(?:author|username|posted|post time)\b|\b(?:from|by|at|on|von|par|por|door|автор)$",
                        re.IGNORECASE)
WEEKDAYS = frozenset("mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday".split())
# Headings looked at for the headline, and the longest text that can still be one.
MAX_HEADINGS = 5
MAX_TITLE_CHARS = 200
# A link to a site's front page: "/", "./", "index.html", or a bare scheme://host/.
HOME_LINK = re.compile(r"^(?:\.?/?(?:index\.\w+)?|(?:https?:)?//[^/]+/?(?:index\.\w+)?)$", re.IGNORECASE)
# What stands between a site's name and a story's title in a <title>.
SEPARATOR_CHARACTERS = " |-–—:»«·•"
# Permalink marks documentation generators append to headings ("Quickstart¶").
HEADING_ANCHORS = "¶#"


def meta_tags(tree: etree._Element) -> dict[str, str]:
    """First non-empty content of each <meta> name, property or itemprop (lower-cased), in one pass."""
    tags: dict[str, str] = {}
    for element in tree.iter("meta"):
        content = " ".join((element.get("content") or "").split())
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = (element.get(attr) or "").lower()
            if key:
                tags.setdefault(key, content)
    return tags


def first_stated(tags: dict[str, str], names: tuple[str, ...], allow_url: bool = False) -> str | None:
    """The first of `names` the page states (a URL is no title, site or author)."""
    for name in names:
        value = tags.get(name)
        if value and (allow_url or not value.startswith("http")):
            return value
    return None


def headline(tree: etree._Element, tags: dict[str, str], site: str | None) -> str | None:
    """Headline: the page's own heading (an h1) when it has one, else the longest part of its
    og/twitter title or <title> that is not the site's name.

    The <title> and og:title are often written for search engines ("Best X of 2025 | Brand"); the
    h1 is what the reader sees as the headline. Of several h1s (a logo, "Menu", then the story's)
    the one sharing most of its words with the declared titles wins; an h1 sharing none is kept
    only when the page declares no title at all. On wcxb dev this takes title exact match from
    0.56 to 0.77 (the gold is the visible headline more often than the declared one)."""
    page_title = " ".join(tree.xpath("string(//title)").split())
    declared_titles = (first_stated(tags, META_TITLE) or "", page_title)
    site_names = _site_names(declared_titles, site)
    declared = [_parts(title) for title in declared_titles]
    declared_words = {word for parts in declared for part in parts for word in _words(part)}
    headings = []
    for heading in tree.xpath("//h1")[:MAX_HEADINGS]:
        text = " ".join(heading.text_content().split()).rstrip(HEADING_ANCHORS).strip()
        if text and len(text) <= MAX_TITLE_CHARS and text.casefold() not in site_names and not _is_logo(heading):
            headings.append(_without_site(text, site_names))
    if headings:
        shares = [(len(_words(h) & declared_words) / max(1, len(_words(h))), -i, h) for i, h in enumerate(headings)]
        share, _, best = max(shares)
        if share > 0 or not declared_words:
            return _story_after_site_heading(tree, page_title, best) or best
    for parts in declared:
        if kept := [part for part in parts if part.casefold() not in site_names]:
            return max(kept, key=len)
    return next((h for h in headings), None)


def _story_after_site_heading(tree: etree._Element, title: str, heading: str) -> str | None:
    """The story's own heading when the chosen h1 is the site's name opening or closing the
    <title> ("Brand: Story", "Story « Brand"), a lower heading gives the rest of it, and that rest
    is the longer part (older blogs put the blog's name in the h1 and each post's title in an h2
    or h3)."""
    if title.startswith(heading):
        rest = title[len(heading):]
    elif title.endswith(heading):
        rest = title[: -len(heading)]
    else:
        return None
    rest = rest.strip(SEPARATOR_CHARACTERS).casefold()
    if len(rest) <= len(heading):  # a site's name is the shorter part: here the h1 is the story
        return None
    lower = (" ".join(h.text_content().split()) for h in tree.xpath("//h2|//h3"))
    return next((h for h in lower if h.casefold() == rest), None)


def _is_logo(heading: etree._Element) -> bool:
    """A heading that links to the site's front page is the site's logo, not a headline."""
    links = heading.xpath("ancestor-or-self::a/@href|.//a/@href")
    return any(HOME_LINK.match(link.strip()) for link in links)


def _parts(title: str) -> list[str]:
    return [part for part in (" ".join(p.split()) for p in TITLE_SEPARATORS.split(title)) if part]


def _words(text: str) -> set[str]:
    return set(WORD.findall(text.casefold()))


def _site_names(declared_titles: tuple[str, str], site: str | None) -> set[str]:
    """What the page calls itself (casefolded): its declared site name, and the last part of a
    separated og:title or <title> ("Story | Brand")."""
    names = {site.casefold()} if site else set()
    for title in declared_titles:
        if len(parts := _parts(title)) > 1:
            names.add(parts[-1].casefold())
    return names


def _without_site(title: str, site_names: set[str]) -> str:
    """A heading with a site-name part cut ("Story | Brand" -> "Story"); unchanged when more
    than one other part is left (a separator inside the headline itself)."""
    parts = _parts(title)
    kept = [part for part in parts if part.casefold() not in site_names]
    return kept[0] if len(kept) == 1 and len(parts) > 1 else title


def site_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def byline_author(tree: etree._Element, tags: dict[str, str], pieces: list[str]) -> str | None:
    """Who wrote the page: the JSON-LD author's names, else an author meta tag (or the "Written
    by" label-and-value pair of twitter:label1/data1), else the page's byline (microdata, rel=author,
    an "author"/"byline" class, or the text after a lone "Written by" label) without its "By" and
    date. Never a URL, an e-mail address, a handle, a CMS placeholder or a reader's comment byline.
    A site's own name is kept: on personal blogs and company pages it is the author the page gives."""
    candidates = chain([", ".join(_json_ld_authors(tree))], (tags.get(name) or "" for name in META_AUTHOR),
                       [tags.get("twitter:data1", "") if BYLINE_LEAD.fullmatch(tags.get("twitter:label1", "")) else ""],
                       _byline_elements(tree), _after_byline_labels(pieces))
    return next((c for c in (" ".join(c.split()) for c in candidates) if _is_name(c)), None)


def _byline_elements(tree: etree._Element) -> Iterator[str]:
    """Names in the page's byline elements, in page order (looked for only when no tag names one)."""
    for element in tree.xpath(BYLINE_ELEMENTS)[:MAX_BYLINES]:
        if element.xpath(IN_COMMENTS):
            continue
        names = element.xpath(".//*[@itemprop='name']/@content") or [e.text_content() for e in element.xpath(".//*[@itemprop='name']")]
        yield names[0] if names else _byline_name(element)


def visible_pieces(tree: etree._Element) -> list[str]:
    """The body's text pieces in document order outside scripts, styles, noscript and templates, whitespace
    folded, empty ones left out: read once for the byline labels here, the date lines of
    published.py and the page's size in html.py. A walk with its own stack: an XPath testing
    every text node's ancestors costs twice as much, and recursion would fail on deep markup."""
    texts: list[str] = []
    for body in tree.xpath("//body")[:1]:
        stack: list = [body]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                texts.append(item)
                continue
            if item.text:
                texts.append(item.text)
            for child in reversed(item):
                if child.tail:
                    stack.append(child.tail)
                if isinstance(child.tag, str) and child.tag not in HIDDEN_ELEMENTS:
                    stack.append(child)
    return [piece for piece in (" ".join(text.split()) for text in texts) if piece]


def _after_byline_labels(pieces: list[str]) -> Iterator[str]:
    """The piece right after one that is only a byline label ("Written by", "By", "Author"),
    looked for only when nothing before it names an author."""
    for piece, following in zip(pieces, pieces[1:]):
        if len(piece) <= MAX_LABEL_CHARS and BYLINE_LEAD.fullmatch(piece):
            yield following


def _byline_name(element: etree._Element) -> str:
    """The first piece of a byline's text that is left once "By", dates and what follows them go."""
    for piece in element.itertext():
        piece = BYLINE_LEAD.sub("", " ".join(piece.split()))
        if found := find_full_date(piece):
            piece = piece[: found[1].start()]
        if piece := BYLINE_TAIL.sub("", piece).strip(" ,-–—:|"):
            return piece
    return ""


def _is_name(value: str) -> bool:
    return (bool(value) and len(value) <= MAX_AUTHOR_CHARS and len(value.split()) <= MAX_AUTHOR_WORDS
            and not NOT_A_NAME.search(value) and value.casefold() not in NO_AUTHOR
            and any(c.isalpha() for c in value)
            and value.split()[0].casefold().rstrip(".,") not in WEEKDAYS)


def _json_ld_authors(tree: etree._Element) -> list[str]:
    """Names of the first `author` a JSON-LD block states (one person, or a list of them); an
    author given as a reference ({"@id": ...}, as Yoast writes it) takes the name of the node
    with that id."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        nodes: dict[str, dict] = {}
        _index_ids(data, nodes)
        if names := _author_names(_find_key(data, "author"), nodes):
            return names
    return []


def _index_ids(node, nodes: dict[str, dict]) -> None:
    if isinstance(node, list):
        for item in node:
            _index_ids(item, nodes)
    elif isinstance(node, dict):
        if isinstance(node.get("@id"), str) and node.get("name"):
            nodes.setdefault(node["@id"], node)
        for value in node.values():
            _index_ids(value, nodes)


def _find_key(node, key: str):
    """The first value of `key` in a JSON tree, depth first."""
    if isinstance(node, list):
        return next((found for item in node if (found := _find_key(item, key)) is not None), None)
    if not isinstance(node, dict):
        return None
    if node.get(key):
        return node[key]
    return next((found for value in node.values() if (found := _find_key(value, key)) is not None), None)


def _author_names(value, nodes: dict[str, dict]) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if not value.get("name") and isinstance(value.get("@id"), str):
            value = nodes.get(value["@id"], {})
        if value.get("@type") == "Organization":
            return []  # the publisher standing in as author names no writer
        return _author_names(value.get("name"), nodes)
    if isinstance(value, list):
        return [name for item in value for name in _author_names(item, nodes)]
    return []
