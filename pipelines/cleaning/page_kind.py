"""What kind of page an HTML page declares itself to be: an article, or a product, listing, forum,
FAQ or other page.

Only what the page states counts (its og:type and its JSON-LD @type values), not a guess from
its layout: a declared kind holds on sites and years nobody here has seen, and a page that
declares nothing (most news pages before structured data) keeps the article vote. A JSON-LD
article type wins over any other type on the page (a news story carries an Organization, a
BreadcrumbList, often an ItemList of related links); without one, a content type that is not an
article (Product, ItemList, DiscussionForumPosting...) wins over og:type, which many sites set to
"website" on every page.
"""

from __future__ import annotations

import re

from lxml import etree

ARTICLE = "article"
UNDECLARED = "undeclared"
# Kinds the page declares by its JSON-LD @type (schema.org names): article types first, since an
# article page also carries other types.
ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "BlogPosting", "Report", "TechArticle", "ScholarlyArticle",
    "AnalysisNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle", "BackgroundNewsArticle",
    "ReviewNewsArticle", "LiveBlogPosting", "SocialMediaPosting",
})
# Other content types, in the order they decide the kind when a page declares several.
NON_ARTICLE_TYPES = {
    "Product": "product", "ProductGroup": "product", "Offer": "product", "AggregateOffer": "product",
    "ItemList": "listing", "CollectionPage": "listing", "SearchResultsPage": "listing",
    "FAQPage": "faq", "DiscussionForumPosting": "forum", "QAPage": "forum", "Question": "forum",
    "ProfilePage": "page",
}
# og:type values of an article (Open Graph's own "article", and the older "blog").
ARTICLE_OG_TYPES = frozenset({"article", "blog"})
JSON_LD = "//script[@type='application/ld+json']"
# An "@type" value in JSON-LD, one string or an array of them; matched rather than parsed, since
# the pages' JSON is often broken and only the type names matter here.
LD_TYPE = re.compile(r'"@type"\s*:\s*(\[[^\]]*\]|"[^"]*")')
QUOTED = re.compile(r'"([^"]+)"')


def declared_types(tree: etree._Element) -> set[str]:
    """The schema.org type names the page's JSON-LD declares (a URL's last part: "Product")."""
    types = set()
    for script in tree.xpath(JSON_LD):
        for value in LD_TYPE.findall(script.text or ""):
            types.update(name.rstrip("/").rsplit("/", 1)[-1] for name in QUOTED.findall(value))
    return types


def page_kind(tree: etree._Element, tags: dict[str, str]) -> str:
    """"article", "undeclared", or the kind of page the page declares instead: "product",
    "listing", "forum", "faq" or "page" (any other declared type, such as og:type "website")."""
    types = declared_types(tree)
    if types & ARTICLE_TYPES:
        return ARTICLE
    for name, kind in NON_ARTICLE_TYPES.items():
        if name in types:
            return kind
    og_type = (tags.get("og:type") or "").strip().lower()
    if og_type in ARTICLE_OG_TYPES:
        return ARTICLE
    if og_type.startswith("product"):
        return "product"
    return "page" if og_type else UNDECLARED


def is_article_kind(kind: str) -> bool:
    """Whether the tuned article vote applies: a declared article, or a page declaring nothing."""
    return kind in (ARTICLE, UNDECLARED)
