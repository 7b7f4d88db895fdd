"""HTML pages to main text and metadata.

Two extractors vote: trafilatura (recall-leaning, no comments) and readability-lxml. On the
2012 news pages of extraction-dev the shorter non-empty answer of the two is right more often
than either alone (boilerplate is what they disagree on); on 2020s pages of every kind (wcxb)
the shorter answer is often one block of the page, so an answer far shorter than the other or
than the page's text hands over to trafilatura in full. A page that declares itself no article
(a product, a listing, a forum: pipelines/cleaning/page_kind.py) goes to trafilatura in full at
once, and its link text is content, not navigation. The headline goes to its own column, not
the text. Metadata comes from the page's own tags; the publication date from the evidence the page
gives, kept only when it agrees (pipelines/cleaning/published.py).

An answer with no line that reads as prose by the plain-text cleaner's measure (a run of
article lines, or a brief's sentences) and nothing but the page's links, buttons and furniture
lines is the page's navigation (a menu, a cookie wall): it has no vote, so a one-paragraph wire
brief wins over a shorter answer of menus, and a page with nothing else holds no article. A
dateline opening the text gives the story's place.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter

import lxml.html
import trafilatura
from lxml import etree
from lxml_html_clean import Cleaner
from readability import Document
from readability.htmls import build_doc
from readability.readability import REGEXES

from pipelines.cleaning.dates import parse_dateline
from pipelines.cleaning.furniture import CONSENT_NOTICE, MIN_PROSE_STOP_DENSITY, before_comments, is_furniture_line
from pipelines.cleaning.language import stop_word_density
from pipelines.cleaning.metadata import (
    META_SITE, META_URL, byline_author, first_stated, headline, meta_tags, site_from_url, visible_pieces,
)
from pipelines.cleaning.page_kind import is_article_kind, page_kind
from pipelines.cleaning.published import published
from pipelines.cleaning.result import CleanArticle, count_words
from pipelines.cleaning.text import has_prose

WORD = re.compile(r"\w+")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Control characters XML forbids: never a page's content (HTML calls them parse errors), and lxml
# refuses text holding one (a stray BEL in a German page failed its whole cleaning).
XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A trafilatura answer this long with this little non-prose, covering at least this share of the
# page's words outside links and buttons, needs no second opinion. Without the coverage test, a
# modern page's first block (a 66-word intro of a 4,900-word guide) passed as the whole article.
CLEAN_ANSWER_MIN_WORDS = 50
CLEAN_ANSWER_MAX_JUNK = 0.05
CLEAN_ANSWER_MIN_COVERAGE = 0.2
# In the vote the shorter answer wins (boilerplate is what the extractors disagree on), unless it
# has lost the text: under this share of the longer answer, or of the page's words outside links
# and buttons. Then trafilatura runs in full (its readability and jusText fallbacks) and answers.
MIN_SHORTER_SHARE = 0.3
MIN_SHORTER_COVERAGE = 0.05
SHORT_LINE_WORDS = 8
# An answer without prose with this share of its words in the page's links and buttons (the
# rest furniture lines) is the page's navigation, not an article.
MIN_NAVIGATION_SHARE = 0.8
CONTROLS = "//a|//button"


# readability-lxml's own cleaner also scrubs javascript: URLs and rewrites every link, a third
# of its run time for no change in text; this one removes the same elements.
TEXT_CLEANER = Cleaner(
    scripts=True, javascript=False, comments=True, style=True, links=True, meta=False,
    add_nofollow=False, page_structure=False, processing_instructions=True, embedded=False,
    frames=False, forms=False, annoying_tags=False, remove_tags=None, remove_unknown_tags=False,
    safe_attrs_only=False,
)


# Elements that never hold the article; dropping them first halves readability's scoring work.
PAGE_FURNITURE = "//script|//style|//noscript|//nav|//footer|//aside|//form|//iframe|//select"


class TextReadability(Document):
    """readability-lxml with the cheaper cleaner (same parse, hidden-element and cleaning steps)."""

    def _parse(self, input):
        doc, self.encoding = build_doc(input)
        for element in doc.xpath(PAGE_FURNITURE):
            element.drop_tree()
        for element in doc.xpath("//*[@hidden]"):
            element.drop_tree()
        for element in doc.xpath("//*[@style]"):
            if REGEXES["displayNoneRe"].search(element.get("style")):
                element.drop_tree()
        return TEXT_CLEANER.clean_html(doc)


def _readability_text(html: str) -> str:
    try:
        summary = TextReadability(html).summary(html_partial=True)
    except Exception:  # readability raises bare Exceptions on odd markup; trafilatura still votes
        return ""
    if not summary.strip():
        return ""
    root = lxml.html.fromstring(summary)
    for block in root.xpath("//p|//div|//li|//h1|//h2|//h3|//h4|//br|//tr|//blockquote"):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _without_leading_title(text: str, title: str | None) -> str:
    """The headline has its own column; readability often repeats it as the first line."""
    first, _, rest = text.partition("\n")
    if title and " ".join(first.split()).lower() == " ".join(title.split()).lower() and rest.strip():
        return rest.lstrip("\n")
    return text


def _junk_share(text: str) -> float:
    """Share of words on lines that do not read as prose (short, or few function words)."""
    total = junk = 0
    for line in text.split("\n"):
        words = count_words(line)
        total += words
        if words < SHORT_LINE_WORDS or stop_word_density(line) < MIN_PROSE_STOP_DENSITY:
            junk += words
    return junk / total if total else 1.0


def _page_words(pieces: list[str], controls: Counter) -> int:
    """Words of the page's visible text (metadata.visible_pieces) outside its links and buttons
    (at least 1). Words are split on spaces, not matched: close enough for a share of the page."""
    return max(1, sum(len(piece.split()) for piece in pieces) - sum(controls.values()))


def _main_text(tree: etree._Element, html: str, url: str | None, controls: Counter, kind: str,
               page_words: int) -> tuple[str, str]:
    """(method, text): trafilatura's answer when it reads as clean prose covering the page, else a vote.

    trafilatura first runs without its own fallback extractors; most news pages stop there. Else
    readability-lxml answers too and the shorter non-empty answer wins, since boilerplate is what
    they disagree on; an answer that is the page's navigation has no vote. When the shorter answer
    is a small part of the longer one or of the page (one block of a listing, a forum, a long
    guide), trafilatura runs again in full and its answer stands.

    A page that declares itself something other than an article (a product, a listing, a forum,
    a plain "website" page) goes to trafilatura in full first: its main content is blocks and
    link lists that the article vote cuts to one block, and its links are content, not menus."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not is_article_kind(kind):
            full = trafilatura.extract(html, url=url, include_comments=False) or ""
            if count_words(full) and not _is_consent_wall(full):
                return "trafilatura", full
        main = trafilatura.extract(tree, url=url, include_comments=False, favor_recall=True, fast=True) or ""
        words = count_words(main)
        if (words >= CLEAN_ANSWER_MIN_WORDS and _junk_share(main) <= CLEAN_ANSWER_MAX_JUNK
                and words >= CLEAN_ANSWER_MIN_COVERAGE * page_words):
            return "trafilatura", main
        # An answer this small of the page is the shorter one whatever readability says: trafilatura
        # in full is asked first, and readability only when that fails.
        tried_full = words < MIN_SHORTER_COVERAGE * page_words
        if tried_full and (full := _full_trafilatura(html, url, controls)):
            return "trafilatura", full
        alternative = _readability_text(html)
        shorter, longer = sorted((words, count_words(alternative)))
        if not tried_full and (shorter < MIN_SHORTER_SHARE * longer or shorter < MIN_SHORTER_COVERAGE * page_words):
            if full := _full_trafilatura(html, url, controls):
                return "trafilatura", full
    candidates = [(count_words(text), name, text)
                  for name, text in (("trafilatura", main), ("readability", alternative))
                  if count_words(text) and not _is_navigation(text, controls)]
    if not candidates:
        return "none", ""
    _, method, text = min(candidates)
    return method, text


def _full_trafilatura(html: str, url: str | None, controls: Counter) -> str:
    """trafilatura with its fallback extractors, or "" where that answer is the page's navigation."""
    full = trafilatura.extract(html, url=url, include_comments=False) or ""
    return full if count_words(full) and not _is_navigation(full, controls) else ""


def _is_navigation(text: str, controls: Counter) -> bool:
    """An answer that is the page's menus or its cookie wall: no prose, and either a consent
    notice or words outside furniture lines ("Home", "Subscribe") mostly link or button text."""
    if has_prose(text):
        return False
    lines = text.split("\n")
    if any(CONSENT_NOTICE.search(line) for line in lines):
        return True
    words = Counter(word for line in lines if not is_furniture_line(line) for word in WORD.findall(line.lower()))
    return sum((words & controls).values()) >= MIN_NAVIGATION_SHARE * sum(words.values())


def _is_consent_wall(text: str) -> bool:
    """An answer without prose that tells the reader the site uses cookies."""
    return not has_prose(text) and any(CONSENT_NOTICE.search(line) for line in text.split("\n"))


def clean_html(html: str, url: str | None = None) -> CleanArticle:
    """Main text and metadata of one HTML page; empty text when neither extractor finds any."""
    html = XML_DECLARATION.sub("", html, count=1)  # lxml refuses a decoded string that declares its encoding
    html = XML_FORBIDDEN.sub("", html)
    tree = lxml.html.fromstring(html)
    tags = meta_tags(tree)
    site = first_stated(tags, META_SITE)
    title = headline(tree, tags, site)
    canonical = next(iter(tree.xpath("//link[@rel='canonical']/@href")), None) or first_stated(tags, META_URL, allow_url=True)
    url = url or canonical
    pieces = visible_pieces(tree)
    stated = published(tree, tags, url, pieces)
    language = (tree.xpath("string(/html/@lang)") or "").split("-")[0].lower() or None
    controls = Counter(WORD.findall(" ".join(e.text_content() for e in tree.xpath(CONTROLS)).lower()))
    kind = page_kind(tree, tags)
    method, text = _main_text(tree, html, url, controls, kind, _page_words(pieces, controls))
    text = _without_leading_title(text, title)
    lines = text.split("\n")
    text = "\n".join(lines[: 1 + before_comments(lines[1:])])  # readability keeps comment threads
    navigation = _is_navigation(text, controls) if is_article_kind(kind) else _is_consent_wall(text)
    if navigation:  # a listing's links are its content; no page's cookie wall is
        text = ""
    dateline = parse_dateline(text)
    return CleanArticle(
        text=text,
        method=f"html:{method}",
        title=title,
        url=url,
        outlet=site or site_from_url(url) or (dateline[0].outlet if dateline else None),
        published_date=stated.day if stated else None,
        published_time=stated.time if stated else None,
        published_date_source=stated.source if stated else None,
        dateline_place=dateline[0].place if dateline else None,
        author=byline_author(tree, tags, pieces),
        language=language,
    )
