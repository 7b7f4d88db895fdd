"""Dates as articles state them: full date lines, times, and datelines such as
`MINSK, 28 November (BelTA) –`, `LONDON (Reuters) -`, `KYIV, Ukraine (AP) —` or `WASHINGTON —`.
Only explicit day-month-year dates count; a bare year never does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

# Month names as news pages in the languages we meet write them (English, German, French,
# Spanish, Italian, Portuguese, Dutch, Russian in the genitive); no name means two months.
MONTH_NAMES = [
    "january jan januar jänner janvier enero gennaio janeiro januari января",
    "february feb februar février fevrier febrero febbraio fevereiro februari февраля",
    "march mar märz maerz mär mars marzo março marco maart марта",
    "april apr avril abril aprile апреля",
    "may mai mayo maggio maio mei мая",
    "june jun juni juin junio giugno junho июня",
    "july jul juli juillet julio luglio julho июля",
    "august aug août aout agosto augustus августа",
    "september sep sept septembre septiembre setiembre settembre setembro сентября",
    "october oct oktober okt octobre octubre ottobre outubro октября",
    "november nov novembre noviembre novembro ноября",
    "december dec dezember dez décembre decembre diciembre dicembre dezembro декабря",
]
MONTHS = {name: number for number, names in enumerate(MONTH_NAMES, start=1) for name in names.split()}
MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
# "12th", "12.", "1er", "12 de" (Spanish, Portuguese) before the month.
DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|\.)?(?:\s+de)?"
YEAR = r"(?P<year>(?:19|20)\d{2})"
WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"

FULL_DATE_PATTERNS = [
    re.compile(rf"\b{DAY}\s+{MONTH},?(?:\s+de)?\s+{YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{MONTH}\s+{DAY},?\s+{YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>(?:19|20)\d{2})\b"),
]
TIME = re.compile(r"\b(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?:\s*(?P<ampm>[ap])\.?m\.?)?", re.IGNORECASE)
# Words that may stand around a date on a page's date line without making it prose.
DATE_LINE_FILLER = re.compile(
    rf"\b(?:{WEEKDAY}|published|updated|posted|on|at|am|pm|a\.m\.|p\.m\.|utc|gmt|[a-z]{{2,4}}t|msk|cet|cest|last|modified|date|time|\d+"
    # the same words in German, French, Spanish, Italian, Portuguese, Dutch and Russian
    r"|veröffentlicht|aktualisiert|erstellt|stand|um|uhr|publié|mis|à|jour|le|publicado|actualizado|el|a|las|"
    r"pubblicato|aggiornato|il|alle|ore|atualizado|em|às|gepubliceerd|bijgewerkt|op|om|опубликовано|обновлено|в)\b|[^\w\s]",
    re.IGNORECASE,
)
# Capitals of the Latin and Cyrillic alphabets, for places in capitals ("MINSK", "МІНСК").
CAPITAL = "A-ZА-ЯЁІЇЎЄҐ"
PLACE = rf"[{CAPITAL}][{CAPITAL}'.\- ]{{1,30}}[{CAPITAL}]"
OUTLET = r"[^\W\d_][\w .&-]{1,30}"
DATELINE = re.compile(
    rf"""^(?:
        (?P<place>{PLACE}),\s*                                    # MINSK,
        (?:(?P<day1>\d{{1,2}})\s+(?P<month1>[^\W\d_]+)|(?P<month2>[^\W\d_]+)\.?\s+(?P<day2>\d{{1,2}})
           |[{CAPITAL}][a-z]+\.?(?:\s[{CAPITAL}][a-z]+\.?)?(?=\s*\())?\.?\s*   # or a region: KYIV, Ukraine (AP)
        (?:\((?P<outlet>{OUTLET})\)|/(?P<outlet2>{OUTLET})/\.?)?
      | (?P<place3>{PLACE})\s+\((?P<outlet3>{OUTLET})\)
      | \((?P<outlet4>{OUTLET})\)\s+(?P<place4>{PLACE})
      | (?P<place5>{PLACE})(?=\s+[-–—]\s)                         # WASHINGTON —
    )\s*[-–—:]\s+""",
    re.VERBOSE,
)
# A place alone before a dash is a dateline when a sentence follows ("WASHINGTON — The Senate
# ..."); so it seems are the kickers, labels, chat abbreviations ("FYI –") and acronyms some
# paragraphs open with: these, and words shorter than the places we expect, are not places, and
# a heading in capitals goes on in capitals after its dash ("SALE — SHOP UP TO 40% OFF").
NOT_PLACES = frozenset("""
    update updated breaking exclusive warning note correction corrected corrects refile watch video
    photos live opinion analysis editorial factbox explainer review file advertisement sponsored
    interview commentary urgent flash alert tldr afaik imho nato
""".split()) | {"please note", "editor's note", "breaking news", "live updates", "fact check"}
# Words that make a run of capitals a heading ("LIGHTEN YOUR LOAD", "RECAP OF QUESTIONS"), not
# a place; the articles and particles of place names ("THE HAGUE", "RIO DE JANEIRO") are not among them.
HEADING_WORDS = frozenset("a an and or for of on in to with your my our we i you is are how what why".split())
MIN_BARE_PLACE_LETTERS = 4
MAX_BARE_PLACE_WORDS = 3
# A sentence opens on a capital or a figure and has a lower-case word among its first words,
# even after a name ("NASA said").
FIRST_WORDS = 3


@dataclass(frozen=True)
class StatedDate:
    day: date
    time: time | None


@dataclass(frozen=True)
class Dateline:
    place: str
    outlet: str | None
    month: int | None
    day: int | None


def _month_number(value: str) -> int | None:
    return int(value) if value.isdigit() else MONTHS.get(value.lower().rstrip("."))


def find_full_date(text: str) -> tuple[date, re.Match] | None:
    """The first day-month-year date in text, with its match."""
    found = []
    for pattern in FULL_DATE_PATTERNS:
        for m in pattern.finditer(text):
            month = _month_number(m.group("month"))
            try:
                found.append((m.start(), date(int(m.group("year")), month, int(m.group("day"))), m))
            except (TypeError, ValueError):
                continue
    if not found:
        return None
    _, day, match = min(found, key=lambda item: item[0])
    return day, match


def find_time(text: str) -> time | None:
    m = TIME.search(text)
    if not m:
        return None
    hour, minute = int(m.group("hour")), int(m.group("minute"))
    if (ampm := (m.group("ampm") or "").lower()) == "p" and hour < 12:
        hour += 12
    elif ampm == "a" and hour == 12:
        hour = 0
    return time(hour, minute)


def parse_date_line(line: str) -> StatedDate | None:
    """A short line that is essentially a full date (and maybe a time), like a page's date stamp."""
    if len(line) > 80:
        return None
    found = find_full_date(line)
    if not found:
        return None
    day, match = found
    rest = line[: match.start()] + " " + line[match.end():]
    stated_time = find_time(rest)
    leftover = DATE_LINE_FILLER.sub(" ", rest).split()
    if len(leftover) > 3:
        return None
    return StatedDate(day, stated_time)


def _bare_place_dateline(place: str, story: str) -> bool:
    """Whether capitals alone before a dash are a dateline's place: a place's words, and a
    sentence after the dash."""
    words = place.lower().split()
    opening = next((c for c in story if c.isalnum()), "")
    return (sum(c.isalpha() for c in place) >= MIN_BARE_PLACE_LETTERS and len(words) <= MAX_BARE_PLACE_WORDS
            and " ".join(words) not in NOT_PLACES and not HEADING_WORDS.intersection(words)
            and (opening.isupper() or opening.isdigit())
            and any(c.islower() for c in " ".join(story.split()[:FIRST_WORDS])))


def parse_dateline(paragraph: str) -> tuple[Dateline, int] | None:
    """The dateline opening a story, and where the story text after it starts."""
    m = DATELINE.match(paragraph)
    if not m:
        return None
    if (bare := m.group("place5")) and not _bare_place_dateline(bare, paragraph[m.end():]):
        return None
    place = m.group("place") or m.group("place3") or m.group("place4") or bare
    outlet = m.group("outlet") or m.group("outlet2") or m.group("outlet3") or m.group("outlet4")
    month = _month_number(m.group("month1") or m.group("month2") or "")
    day = m.group("day1") or m.group("day2")
    if (m.group("month1") or m.group("month2")) and month is None:
        return None
    if m.group("place") and not (outlet or month):
        return None  # "WASHINGTON, he said -" is not a dateline
    return Dateline(place.title(), outlet.strip() if outlet else None, month, int(day) if day else None), m.end()
