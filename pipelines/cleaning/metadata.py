"""Titles, sites, authors and URLs of HTML pages, from the tags and elements the page declares."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from lxml import etree

TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»·]\s+")
META_TITLE = ("og:title", "twitter:title", "title", "headline", "dc.title")
META_SITE = ("og:site_name", "application-name", "twitter:site", "publisher", "dc.publisher")
META_AUTHOR = ("author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author")
META_URL = ("og:url",)


def _meta_tags(tree: etree._Element) -> dict[str, str]:
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


def _first(tags: dict[str, str], names: tuple[str, ...], allow_url: bool = False) -> str | None:
    """The first of `names` the page states (a URL is no title, site or author)."""
    for name in names:
        value = tags.get(name)
        if value and (allow_url or not value.startswith("http")):
            return value
    return None


def _title(tree: etree._Element, tags: dict[str, str], site: str | None) -> str | None:
    """Headline: og/twitter title, else the <title> without its site suffix, else the first h1."""
    title = _first(tags, META_TITLE)
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
