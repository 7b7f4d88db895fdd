"""The day an HTML page was published, from the evidence the page gives, and which evidence it was.

A wrong date is worse than none (it moves the article to another day in every count). Each source
votes for the day it states, weighted by how often it is right; a day is kept only when it leads
every other day by at least one full vote (`published`). On dates-dev this keeps about as many
right days as htmldate alone and makes fewer wrong ones (figures in docs/benchmarks.md).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from datetime import date, time

from htmldate import find_date
from lxml import etree

from pipelines.cleaning.dates import StatedDate, find_full_date, find_time, parse_date_line
from pipelines.cleaning.metadata import MAX_LABEL_CHARS

# Meta names (property, name or itemprop, lower-cased) that state when the page was first published.
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "published_time",
    "article:published", "article.published", "article_date_original", "datepublished", "date_published",
    "pubdate", "publishdate", "publish-date", "publish_date", "pub_date", "publication_date",
    "sailthru.date", "parsely-pub-date", "dc.date.issued", "dcterms.issued", "dc.date.created",
    "dcterms.created", "dc.date", "dcterms.date", "citation_publication_date", "citation_date",
    "originalpublicationdate", "rnews:datepublished", "cxenseparse:recs:publishtime", "date", "dc.created",
)
ISO_DAY = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d))?")
URL_DAY = re.compile(r"/(?P<year>(?:19|20)\d{2})[/_-](?P<month>[01]?\d)[/_-](?P<day>[0-3]?\d)(?:/|[_-]|$)")
# A visible date line saying the page was updated or modified states another day than publication.
UPDATED = re.compile(r"updat|modif|aktualisiert|mis à jour|actualiz|aggiornat|atualizad|bijgewerkt|обновлен|geändert", re.IGNORECASE)
# How far from the headline (in text pieces of the page) a visible date line may stand.
HEADLINE_WINDOW_BEFORE, HEADLINE_WINDOW_AFTER = 8, 40
# A visible date line the page labels as the publication day ("Published:", "Veröffentlicht am").
PUBLISHED_LABEL = re.compile(
    r"\b(?:published|posted|publication date|date published|veröffentlicht|erschienen|erscheinungsdatum|publié|"
    r"publicado|pubblicato|gepubliceerd|опубликовано)\b", re.IGNORECASE)
# parse_date_line's own limit: a longer piece is prose, not a date line.
MAX_DATE_LINE_CHARS = 80
# A visible date this close to the headline is the page's own date line.
HEADLINE_NEAR = 10
LD_DATE_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"(?P<value>[^"]{6,40})"')


@dataclass(frozen=True)
class Evidence:
    source: str
    day: date
    time: time | None = None


def parse_stamp(value: str) -> tuple[date, time | None] | None:
    """An ISO 8601 stamp, or a stated day-month-year date; the day as the page states it
    (no conversion to UTC: the day in the publisher's own time zone is the one its readers saw)."""
    if m := ISO_DAY.match(value):
        try:
            day = date(int(m.group("year")), int(m.group("month")), int(m.group("day")))
        except ValueError:
            return None
        stated_time = time(int(m.group("hour")), int(m.group("minute"))) if m.group("hour") and int(m.group("hour")) < 24 else None
        return day, (stated_time if stated_time != time(0, 0) else None)
    if found := find_full_date(value):
        return found[0], find_time(value[found[1].end():])
    return None


def _json_ld_dates(tree: etree._Element) -> list[tuple[date, time | None]]:
    """datePublished of each JSON-LD node (a page that is one article has one; a listing has many)."""
    values: list[str] = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        raw = script.text or ""
        try:
            values.extend(_walk_date_published(json.loads(raw)))
        except ValueError:  # broken JSON is common; the key and its string value usually survive
            values.extend(m.group("value") for m in LD_DATE_PUBLISHED.finditer(raw))
    return [parsed for value in values if (parsed := parse_stamp(value))]


def _walk_date_published(node) -> list[str]:
    if isinstance(node, list):
        return [value for item in node for value in _walk_date_published(item)]
    if not isinstance(node, dict):
        return []
    found = [node["datePublished"]] if isinstance(node.get("datePublished"), str) else []
    for key, value in node.items():
        if key != "datePublished" and isinstance(value, (dict, list)):
            found.extend(_walk_date_published(value))
    return found


def _meta_dates(tags: dict[str, str]) -> list[tuple[date, time | None]]:
    return [parsed for name in PUBLISHED_META if (value := tags.get(name)) and (parsed := parse_stamp(value))]


def _element_dates(tree: etree._Element) -> list[tuple[date, time | None]]:
    """Elements marked as the publication date: itemprop=datePublished, <time pubdate>, or the
    <time> of an <article>'s header."""
    found = []
    for element in tree.xpath("//*[@itemprop='datePublished' and not(self::meta)]|//time[@pubdate]"):
        value = element.get("datetime") or element.get("content") or " ".join(element.text_content().split())
        if parsed := parse_stamp(value):
            found.append(parsed)
    return found


def _url_date(url: str | None) -> tuple[date, time | None] | None:
    if not url or not (m := URL_DAY.search(url)):
        return None
    try:
        return date(int(m.group("year")), int(m.group("month")), int(m.group("day"))), None
    except ValueError:
        return None


def visible_dates(tree: etree._Element, texts: list[str]) -> tuple[list[tuple[int, date, time | None]], list[tuple[int, date]], StatedDate | None]:
    """Date lines shown near the headline, nearest first, with their distance from it in text
    pieces: the date a reader of the page sees. Apart from them, the lines saying the page was
    updated ("Updated", or a date right after a lone "Last updated:" label): another day than
    publication, but one a reader sees; and the first date line anywhere on the page labelled
    as the publication ("Published: ...", or after a lone "Veröffentlicht am" label)."""
    pieces = list(enumerate(texts))
    labelled = _labelled_date(pieces)
    headline = tree.xpath("//body//h1")
    if not headline or not (heading_text := " ".join(headline[0].text_content().split())):
        return [], [], labelled
    # The headline's own piece: a menu word inside it ("News") is not where it stands.
    at = next((i for i, piece in pieces if piece in heading_text and len(piece) >= len(heading_text) / 2), None)
    if at is None:
        return [], [], labelled
    found, updated = [], []
    window = pieces[max(0, at - HEADLINE_WINDOW_BEFORE): at + HEADLINE_WINDOW_AFTER]
    for (i, piece), previous in zip(window, [""] + [piece for _, piece in window]):
        if not (stated := parse_date_line(piece)):
            continue
        if UPDATED.search(piece) or (len(previous) <= MAX_LABEL_CHARS and UPDATED.search(previous)):
            updated.append((abs(i - at), stated.day))
        else:
            found.append((abs(i - at), stated.day, stated.time))
    return sorted(found, key=lambda f: f[0]), sorted(updated), labelled


def _labelled_date(pieces: list[tuple[int, str]]) -> StatedDate | None:
    """The first date line the page labels as its publication, in the line or in a lone label before it."""
    for (_, piece), (_, following) in zip(pieces, pieces[1:] + [(0, "")]):
        if len(piece) > MAX_DATE_LINE_CHARS or not PUBLISHED_LABEL.search(piece) or UPDATED.search(piece):
            continue
        if stated := parse_date_line(piece) or (len(piece) <= MAX_LABEL_CHARS and parse_date_line(following)):
            return stated
    return None


def gather(tree: etree._Element, tags: dict[str, str], url: str | None) -> dict[str, list[tuple[date, time | None]]]:
    """Every date each source states, in page order."""
    url_date = _url_date(url)
    return {
        "json-ld": _json_ld_dates(tree),
        "meta": _meta_dates(tags),
        "element": _element_dates(tree),
        "url": [url_date] if url_date else [],
    }


# Votes per source. A date shown next to the headline and a date in the URL are what the editor
# wrote; the structured stamps are often a modification or a UTC time; htmldate (fast mode,
# original date) mostly repeats the stamps. Visible dates further from the headline are
# often other articles' (a teaser list), so they only tip a balance.
WEIGHTS = {"text": 2.0, "url": 2.0, "json-ld": 1.0, "meta": 1.0, "element": 1.0, "htmldate": 1.0}
FAR_TEXT_WEIGHT = 0.5
MIN_LEAD = 1.0


def _htmldate(tree: etree._Element) -> tuple[date, time | None] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stamp = find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%dT%H:%M")
    return parse_stamp(stamp) if stamp else None


def published(tree: etree._Element, tags: dict[str, str], url: str | None, pieces: list[str]) -> Evidence | None:
    """The publication day the evidence agrees on, None when it does not. The source recorded is
    the weightiest one that states the chosen day (the first of equal weight in WEIGHTS' order).
    `pieces` are the page's visible text pieces (metadata.visible_pieces).

    A page that shows its reader only an "Updated <day>" line near the headline, on another day
    than the stamps', gives two days without saying which is the article's: None. On wcxb dev
    (whose gold is the day the page shows) this turns 10 wrong days into none for 10 right ones;
    on dates-dev dev 4 wrong days, no right one."""
    evidence = [Evidence(source, *found[0]) for source, found in gather(tree, tags, url).items() if found]
    visible, updated, labelled = visible_dates(tree, pieces)
    if visible and visible[0][0] <= HEADLINE_NEAR:
        evidence.append(Evidence("text", visible[0][1], visible[0][2]))
        visible = visible[1:]
    if labelled and not any(item.source == "text" and item.day == labelled.day for item in evidence):
        evidence.append(Evidence("text", labelled.day, labelled.time))
    if stamp := _htmldate(tree):
        evidence.append(Evidence("htmldate", *stamp))
    votes: dict[date, float] = {}
    for item in evidence:
        votes[item.day] = votes.get(item.day, 0.0) + WEIGHTS[item.source]
    for day in dict.fromkeys(day for distance, day, _ in visible if distance > HEADLINE_NEAR):
        votes[day] = votes.get(day, 0.0) + FAR_TEXT_WEIGHT
    ranked = sorted(votes.values(), reverse=True)
    if not ranked or ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0) < MIN_LEAD:
        return None
    best = max(votes, key=votes.get)
    backing = [item for item in evidence if item.day == best]  # far-off dates alone never lead by a vote
    shown_otherwise = any(distance <= HEADLINE_NEAR and day != best for distance, day in updated)
    if shown_otherwise and not any(item.source == "text" for item in backing):
        return None
    source = max(sorted(backing, key=lambda item: list(WEIGHTS).index(item.source)), key=lambda item: WEIGHTS[item.source])
    stated_time = next((item.time for item in backing if item.time), None)
    return Evidence(source.source, best, stated_time)
