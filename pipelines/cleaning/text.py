"""Plain-text pages (a scraper's text dump) to main text, title, date and dateline.

trafilatura keeps every line of plain text, so this path works on lines: each is scored as
article prose (positive, by its words) or furniture (negative: menus, bullets, share bars,
credits, lines repeated across the batch), the best-scoring run of lines is the body (a
maximum-sum segment, as in Finn's Body Text Extraction), and the title, date line and dateline
are read from around its start. Comment sections end the body.

The scores are tuned to full articles, where a long line with few function words amid prose is
an archive list or a tag cloud. A wire brief of a sentence or two is often just that shape, all
names ("MINSK, 3 March - Belarusian Defence Minister Viktor Khrenin met ..."), with little or no
other prose on the page. So on a page with less prose than a full article, a line that reads as
whole sentences (a capital or a figure first, a full stop last, lower-case verbs and function
words among the names) is prose too; a menu, a tag cloud or a list of headlines never reads so.
A dateline opening a line marks it as a story's first paragraph on any page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.cleaning.dates import parse_date_line, parse_dateline
from pipelines.cleaning.furniture import (
    BULLET,
    MIN_PROSE_STOP_DENSITY,
    SENTENCE_END,
    before_comments,
    is_furniture_line,
    normalise_line,
)
from pipelines.cleaning.language import stop_word_density
from pipelines.cleaning.result import CleanArticle, count_words

TITLE_LOOKBACK_LINES = 8
# A lead paragraph is recovered across at most this many furniture or short lines above the body.
LEAD_LOOKBACK_LINES = 3
MIN_LEAD_WORDS = 6
MIN_LEAD_LOWER_CASE_WORDS = 3
LOWER_CASE_WORD = re.compile(r"\b[a-z][a-z’'-]*\b")
# A line reads as whole sentences when it closes on a full stop (not a colon: "Read more:") and
# has this many words, of which at least this many in lower case: even a brief made of names
# ("Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow.") has its
# verb and a function word in lower case; a menu, a tag list or a headline has none.
FULL_STOP = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
LETTERS = re.compile(r"[^\W\d_]+")
MIN_SENTENCE_WORDS = 5
MIN_SENTENCE_LOWER_CASE_WORDS = 2
# Fewer words of prose than this and the page is a brief (a wire item of a sentence or two).
MAX_BRIEF_WORDS = 60


@dataclass
class Line:
    text: str
    words: int
    bullet: bool
    sentence: bool
    furniture: bool
    stop_density: float  # of the words after the dateline, if the line opens with one
    reads_as_sentences: bool
    dateline: bool


def _reads_as_sentences(text: str) -> bool:
    """Whole sentences: a capital or a figure first, a full stop last, lower-case words among the names."""
    first = next((c for c in text if c.isalnum()), "")
    return (
        (first.isupper() or first.isdigit())
        and bool(FULL_STOP.search(text))
        and count_words(text) >= MIN_SENTENCE_WORDS
        and sum(1 for word in LETTERS.findall(text) if word[0].islower()) >= MIN_SENTENCE_LOWER_CASE_WORDS
    )


def _classify(raw_lines: list[str], repeated: frozenset[str]) -> list[Line]:
    seen: set[str] = set()
    lines = []
    for raw in raw_lines:
        text = " ".join(raw.split())
        key = normalise_line(text)
        words = count_words(text)
        furniture = words == 0 or key in repeated or key in seen or is_furniture_line(text)
        seen.add(key)
        bullet = bool(BULLET.match(raw))
        dateline = parse_dateline(text)
        story = text[dateline[1]:] if dateline else text  # a dateline's place and date are no prose
        lines.append(Line(text, words, bullet, bool(SENTENCE_END.search(text)), furniture,
                          stop_word_density(normalise_line(story)),
                          not furniture and not bullet and _reads_as_sentences(story) and not parse_date_line(text),
                          dateline is not None))
    return lines


def _score(line: Line, brief: bool = False) -> float:
    """A line's worth as article prose; with `brief` (a page with less prose than an article),
    whole sentences count even when names leave them few function words."""
    if line.furniture:
        return -12.0
    if line.bullet and line.words < 8:
        return -6.0
    if (line.words >= 10 and line.stop_density < MIN_PROSE_STOP_DENSITY
            and not (line.reads_as_sentences and (brief or line.dateline))):
        return -2.0 - 0.2 * line.words  # long but not prose: archive lists, tag clouds, legal small print
    if line.words >= 12 and (line.sentence or line.words >= 25):
        return float(line.words)
    if line.sentence and line.words >= 5:
        return line.words * 0.5
    return -2.0 - 0.2 * line.words


def _best_segment(scores: list[float]) -> tuple[int, int]:
    """Inclusive bounds of the maximum-sum run (Kadane); (0, -1) when nothing scores above zero."""
    best, best_bounds = 0.0, (0, -1)
    running, start = 0.0, 0
    for i, score in enumerate(scores):
        if running <= 0:
            running, start = 0.0, i
        running += score
        if running > best:
            best, best_bounds = running, (start, i)
    return best_bounds


def _is_title(line: Line) -> bool:
    return not line.furniture and not line.bullet and 3 <= line.words <= 25 and not line.text.endswith((".", ",", ";"))


def _lead(lines: list[Line], start: int, title: str | None) -> list[Line]:
    """The lead paragraph(s) above the body that furniture cut off from it (a photo caption or a
    share bar between a short, name-heavy lead and the rest): sentences within a few lines above
    the body, across furniture and short lines only (at most LEAD_LOOKBACK_LINES of them)."""
    lead: list[Line] = []
    skipped = 0
    for line in reversed(lines[max(0, start - LEAD_LOOKBACK_LINES * 2): start]):
        if line.text == title:
            break
        # Name-heavy leads have few function words ("Tony Blair has become the Labour Party's
        # longest-serving prime minister."): a sentence with some lower-case words will do.
        if (not line.furniture and not line.bullet and line.sentence and line.words >= MIN_LEAD_WORDS
                and len(LOWER_CASE_WORD.findall(line.text)) >= MIN_LEAD_LOWER_CASE_WORDS
                and not parse_date_line(line.text)):
            lead.insert(0, line)
            skipped = 0
        elif line.furniture or line.words < MIN_LEAD_WORDS:
            skipped += 1
            if skipped > LEAD_LOOKBACK_LINES:
                break
        else:
            break
    return lead


def _words(lines: list[Line], start: int, end: int) -> int:
    return sum(line.words for line in lines[start: end + 1])


def _body_bounds(lines: list[Line]) -> tuple[int, int]:
    """Inclusive bounds of the article's lines: the best run of prose, else the best run of a
    brief's sentences; (0, -1) for neither. A run of prose shorter than a full article grows to
    the brief's sentences around it (never to sentences elsewhere, nor past a brief's length)."""
    start, end = _best_segment([_score(line) for line in lines])
    if _words(lines, start, end) < MAX_BRIEF_WORDS:
        brief_start, brief_end = _best_segment([_score(line, brief=True) for line in lines])
        if end < start or (brief_start <= start <= end <= brief_end
                           and _words(lines, brief_start, brief_end) < MAX_BRIEF_WORDS):
            return brief_start, brief_end
    return start, end


def has_prose(text: str) -> bool:
    """Whether any line of an extracted text reads as article prose, or as a brief's sentences."""
    start, end = _body_bounds([line for line in _classify(text.splitlines(), frozenset()) if line.text])
    return end >= start


def clean_plain_text(content: str, repeated_lines: frozenset[str] = frozenset()) -> CleanArticle:
    """Main text and metadata of a plain-text page; empty text when it holds no article prose."""
    lines = [line for line in _classify(content.splitlines(), repeated_lines) if line.text]
    start, end = _body_bounds(lines)
    if end < start:
        return CleanArticle(text="", method="text:lines")
    end = start + before_comments([line.text for line in lines[start + 1: end + 1]])
    head = lines[max(0, start - TITLE_LOOKBACK_LINES): start]
    title_index = next((i for i in range(len(head) - 1, -1, -1) if _is_title(head[i])), None)
    title = head[title_index].text if title_index is not None else None
    date_lines = [d for d in (parse_date_line(line.text) for line in lines[: start + 1]) if d]
    stated = next((d for d in date_lines if d.time), date_lines[0] if date_lines else None)

    body = [
        line.text for line in [*_lead(lines, start, title), *lines[start: end + 1]]
        if not line.furniture and not (line.bullet and line.words < 8)
        and not (title and line.text != title and line.text.startswith(title))
    ]
    if title and body and body[0] == title:
        body = body[1:]
    dateline = parse_dateline(body[0]) if body else None
    published_date = stated.day if stated else None
    if dateline and not stated and dateline[0].month:
        published_date = None  # a dateline's day without the page's year is not a stated date
    return CleanArticle(
        text="\n\n".join(body),
        method="text:lines",
        title=title,
        outlet=dateline[0].outlet if dateline else None,
        published_date=published_date,
        published_time=stated.time if stated else None,
        published_date_source="text" if published_date else None,
        dateline_place=dateline[0].place if dateline else None,
    )
