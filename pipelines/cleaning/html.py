"""HTML pages to main text and metadata.

Two extractors vote: trafilatura (recall-leaning, no comments) and readability-lxml. On the
extraction-dev pages the shorter non-empty answer of the two is right more often than either
alone (boilerplate is what they disagree on). The headline goes to its own column, not the
text. Metadata comes from the page's own tags; the date from htmldate
without its extensive text search, so a year somewhere in the text is never taken as the date.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, time
from urllib.parse import urlparse

import lxml.html
import trafilatura
from htmldate import find_date
from lxml import etree
from lxml_html_clean import Cleaner
from readability import Document
from readability.htmls import build_doc
from readability.readability import REGEXES

from pipelines.cleaning.furniture import before_comments
from pipelines.cleaning.result import CleanArticle, count_words

TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»·]\s+")
META_TITLE = ("og:title", "twitter:title", "title", "headline", "dc.title")
META_SITE = ("og:site_name", "application-name", "twitter:site", "publisher", "dc.publisher")
META_AUTHOR = ("author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author")
META_URL = ("og:url",)


def _meta(tree: etree._Element, names: tuple[str, ...]) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            values = tree.xpath(f"//meta[translate(@{attr},'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')=$n]/@content", n=name)
            for value in values:
                value = " ".join(value.split())
                if value and not value.startswith("http"):
                    return value
                if value and name in META_URL:
                    return value
    return None


def _title(tree: etree._Element, site: str | None) -> str | None:
    """Headline: og/twitter title, else the <title> without its site suffix, else the first h1."""
    title = _meta(tree, META_TITLE)
    if not title:
        raw = " ".join(tree.xpath("string(//title)").split())
        parts = TITLE_SEPARATORS.split(raw) if raw else []
        if parts:
            title = max(parts, key=len) if len(parts) > 1 else parts[0]
    if not title:
        heads = [" ".join(h.text_content().split()) for h in tree.xpath("//h1")]
        title = next((h for h in heads if h), None)
    if title and site and len(parts := TITLE_SEPARATORS.split(title)) > 1:
        kept = [p for p in parts if p.lower() != site.lower()]
        title = " - ".join(kept) if kept else title
    return title or None


def _site_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def _published(tree: etree._Element) -> tuple[date | None, time | None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stamp = find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%dT%H:%M")
    if not stamp:
        return None, None
    parsed = datetime.fromisoformat(stamp)
    stated_time = parsed.time() if parsed.time() != time(0, 0) else None
    return parsed.date(), stated_time


# readability-lxml's own cleaner also scrubs javascript: URLs and rewrites every link, a third
# of its run time for no change in text; this one removes the same elements.
TEXT_CLEANER = Cleaner(
    scripts=True, javascript=False, comments=True, style=True, links=True, meta=False,
    add_nofollow=False, page_structure=False, processing_instructions=True, embedded=False,
    frames=False, forms=False, annoying_tags=False, remove_tags=None, remove_unknown_tags=False,
    safe_attrs_only=False,
)


class TextReadability(Document):
    """readability-lxml with the cheaper cleaner (same parse, hidden-element and cleaning steps)."""

    def _parse(self, input):
        doc, self.encoding = build_doc(input)
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


def clean_html(html: str, url: str | None = None) -> CleanArticle:
    """Main text and metadata of one HTML page; empty text when neither extractor finds any."""
    tree = lxml.html.fromstring(html)
    site = _meta(tree, META_SITE)
    title = _title(tree, site)
    canonical = next(iter(tree.xpath("//link[@rel='canonical']/@href")), None) or _meta(tree, META_URL)
    url = url or canonical
    published_date, published_time = _published(tree)
    author = _meta(tree, META_AUTHOR)
    language = (tree.xpath("string(/html/@lang)") or "").split("-")[0].lower() or None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        main = trafilatura.extract(
            tree, url=url, include_comments=False, favor_recall=True, with_metadata=False
        ) or ""
    alternative = _readability_text(html)
    candidates = [(count_words(text), name, text) for name, text in (("trafilatura", main), ("readability", alternative)) if count_words(text)]
    if not candidates:
        return CleanArticle(text="", method="html:none", title=title)
    _, method, text = min(candidates)
    text = _without_leading_title(text, title)
    lines = text.split("\n")
    text = "\n".join(lines[: 1 + before_comments(lines[1:])])  # readability keeps comment threads
    return CleanArticle(
        text=text,
        method=f"html:{method}",
        title=title,
        url=url,
        outlet=site or _site_from_url(url),
        published_date=published_date,
        published_time=published_time,
        author=author,
        language=language,
    )
