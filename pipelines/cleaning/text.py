"""Plain-text pages (a scraper's text dump) to main text, title, date and dateline.

trafilatura keeps every line of plain text, so this path works on lines. Rules first: each line
is scored as article prose (positive, by its words) or furniture (negative: menus, bullets,
share bars, credits, lines repeated across the batch), and the best-scoring run of lines is the
body of an article (a maximum-sum segment, as in Finn's Body Text Extraction). Pages of other
kinds (listings, product and service pages, forums, documentation) hold their main content in
several runs with headings, short items and lists between them, so a learned line classifier
(two small logistic regressions, bench/train_text_lines.py) decides each line from its shape,
its neighbours', its block's and its place against that run; the title, date line and dateline
are read from around the first line kept. Comment sections end the body.

The rules are tuned to full articles, where a long line with few function words amid prose is
an archive list or a tag cloud. A wire brief of a sentence or two is often just that shape, all
names ("MINSK, 3 March - Belarusian Defence Minister Viktor Khrenin met ..."), with little or no
other prose on the page. So on a page with less prose than a full article, a line that reads as
whole sentences (a capital or a figure first, a full stop last, lower-case verbs and function
words among the names) is prose too; a menu, a tag cloud or a list of headlines never reads so.
A dateline opening a line marks it as a story's first paragraph on any page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

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

MODEL_PATH = resources.files("pipelines").joinpath("data/text_line_model.npz")
TITLE_LOOKBACK_LINES = 8
# A line is main content when the classifier gives it this probability or more: wcxb's
# cross-validated page-mean F1 is flat from 0.3 to 0.4 (0.805-0.807), and 0.4 keeps dragnet's 2012
# news, which the model never saw, at its rule-based figure (bench/train_text_lines.py).
KEEP_PROBABILITY = 0.4
# A line of the best run of prose is dropped only below this probability: the classifier has seen
# 2020s pages of every kind, few bare wire briefs, so the run's rules keep the last word (dev F1 is
# the same from 0.02 to 0.1).
VETO_PROBABILITY = 0.05
# A line reads as whole sentences when it closes on a full stop (not a colon: "Read more:") and
# has this many words, of which at least this many in lower case: even a brief made of names
# ("Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow.") has its
# verb and a function word in lower case; a menu, a tag list or a headline has none.
FULL_STOP = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
# A byline: "By Jane Doe", "Written by Jane Doe", "Автор: Иван Петров" — capitalised names, not
# the headline ("By the numbers" is one).
BYLINE = re.compile(r"^(?:(?:[Ww]ritten|[Pp]osted|[Ss]tory|[Ww]ords|[Tt]ext)\s+)?[Bb][Yy]\s+[A-ZА-ЯЁ]\S*(?:\s+[A-ZА-ЯЁ]\S*){0,3}$"
                    r"|^(?:[Aa]uthor|AUTHOR|[Аа]втор|АВТОР)\s*:")
LETTERS = re.compile(r"[^\W\d_]+")
MIN_SENTENCE_WORDS = 5
MIN_SENTENCE_LOWER_CASE_WORDS = 2
# Fewer words of prose than this and the page is a brief (a wire item of a sentence or two).
MAX_BRIEF_WORDS = 60


@dataclass
class Line:
    text: str
    raw: str
    words: int
    bullet: bool
    sentence: bool
    furniture: bool
    stop_density: float  # of the words after the dateline, if the line opens with one
    reads_as_sentences: bool
    dateline: bool
    boilerplate: bool  # furniture whatever page it stands on (not only a repeat within this page)
    repeat: bool  # the same line seen earlier on this page
    date_line: bool  # a line that is essentially a date stamp
    block: int  # which blank-line separated block of the page the line stands in


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
    block = 0
    for raw in raw_lines:
        text = " ".join(raw.split())
        if not text:
            block += 1
        key = normalise_line(text)
        words = count_words(text)
        boilerplate = words == 0 or key in repeated or is_furniture_line(text)
        repeat = key in seen
        furniture = boilerplate or repeat
        seen.add(key)
        bullet = bool(BULLET.match(raw))
        dateline = parse_dateline(text)
        date_line = parse_date_line(text) is not None
        story = text[dateline[1]:] if dateline else text  # a dateline's place and date are no prose
        lines.append(Line(text, raw, words, bullet, bool(SENTENCE_END.search(text)), furniture,
                          stop_word_density(normalise_line(story)),
                          not furniture and not bullet and _reads_as_sentences(story) and not date_line,
                          dateline is not None, boilerplate, repeat, date_line, block))
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
    """A headline-like line: a few words, not a sentence, not furniture, and neither the date line
    nor the byline that often stand between a headline and its story ("28.11.2025 14:30", "By Jane Doe")."""
    return (not line.furniture and not line.bullet and 3 <= line.words <= 25 and not line.text.endswith((".", ",", ";"))
            and parse_date_line(line.text) is None and not BYLINE.match(line.text.strip()))


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


# Features of a line for the learned line classifier (bench/train_text_lines.py fits its weights
# on dev pages). Each says something a reader sees on any page: the line's own shape, its
# neighbours', its block's (the blank-line separated run it stands in), and where it stands
# against the page's best run of prose.
FEATURE_NAMES = (
    "log_words", "stop_density", "sentence_end", "full_stop", "colon_end", "bullet", "nested_bullet",
    "boilerplate", "repeat", "reads_as_sentences", "dateline", "date_line", "capitalised_share",
    "digit_share", "title_shape", "position", "in_prose_run", "in_body", "after_comments", "prose_score", "log_distance_to_run",
    "prev_log_words", "prev_stop_density", "prev_sentence_end", "prev_bullet",
    "next_log_words", "next_stop_density", "next_sentence_end", "next_bullet",
    "window_prose_share", "block_log_lines", "block_log_words", "block_bullet_share",
    "block_stop_density", "page_log_words", "page_bullet_share", "run_log_words", "run_share_of_page",
)
TOKEN_WITH_DIGIT = re.compile(r"\S*\d\S*")
NESTED_BULLET = re.compile(r"^\s*[+◦○-]\s+|^\s{2,}\S")
# Lines either side whose prose share describes a line's neighbourhood.
NEIGHBOURHOOD_LINES = 3


def _shape(line: Line) -> tuple[float, ...]:
    letters = LETTERS.findall(line.text)
    capitalised = sum(map(str.isupper, (word[0] for word in letters))) / len(letters) if letters else 0.0
    tokens = line.text.count(" ") + 1
    digits = len(TOKEN_WITH_DIGIT.findall(line.text)) / tokens
    return (math.log1p(line.words), line.stop_density, float(line.sentence),
            float(bool(FULL_STOP.search(line.text))), float(line.text.endswith(":")), float(line.bullet),
            float(line.bullet and bool(NESTED_BULLET.match(line.raw))), float(line.boilerplate),
            float(line.repeat), float(line.reads_as_sentences), float(line.dateline), float(line.date_line),
            capitalised, digits, float(_is_title(line)))


def _comments_cut(lines: list[Line], start: int, end: int) -> tuple[int, int]:
    """The last line of the body before a comment section opens, and the first line of the page's
    comment section (len(lines) when none opens below the body's start)."""
    if end < start:
        return end, len(lines)
    comments = start + 1 + before_comments([line.text for line in lines[start + 1:]])
    return min(end, comments - 1), comments


def line_features(lines: list[Line]) -> np.ndarray:
    """One row of FEATURE_NAMES per line."""
    n = len(lines)
    if not n:
        return np.zeros((0, len(FEATURE_NAMES)))
    scores = np.array([_score(line) for line in lines])
    start, end = _body_bounds(lines)
    body_end, comments = _comments_cut(lines, start, end)
    shapes = np.array([_shape(line) for line in lines])
    log_words, stop_density = shapes[:, 0], shapes[:, 1]
    sentence_end, bullet = shapes[:, 2], shapes[:, 5]
    words = np.array([line.words for line in lines], dtype=float)
    page_words = words.sum()
    run_words = words[start: end + 1].sum() if end >= start else 0.0
    index = np.arange(n)
    in_run = (index >= start) & (index <= end)
    if end >= start:
        distance = np.where(index < start, start - index, np.maximum(index - end, 0))
    else:
        distance = np.full(n, n)
    neighbour = np.column_stack([log_words, stop_density, sentence_end, bullet])
    before = np.vstack([np.zeros((1, 4)), neighbour[:-1]])
    after = np.vstack([neighbour[1:], np.zeros((1, 4))])
    prose = np.concatenate([[0.0], np.cumsum(scores > 0)])
    lows = np.maximum(index - NEIGHBOURHOOD_LINES, 0)
    highs = np.minimum(index + NEIGHBOURHOOD_LINES + 1, n)
    window = (prose[highs] - prose[lows]) / (highs - lows)
    _, block = np.unique([line.block for line in lines], return_inverse=True)
    block_lines = np.bincount(block)
    block_words = np.bincount(block, words)
    block_rows = np.column_stack([np.log1p(block_lines), np.log1p(block_words),
                                  np.bincount(block, bullet) / block_lines,
                                  np.bincount(block, stop_density * words) / np.maximum(block_words, 1.0)])[block]
    page = np.array([math.log1p(page_words), bullet.mean(), math.log1p(run_words), run_words / max(page_words, 1.0)])
    return np.column_stack([
        shapes, index / n, in_run, (index >= start) & (index <= body_end), index >= comments,
        np.tanh(scores / 10), np.log1p(distance), before, after, window, block_rows, np.tile(page, (n, 1)),
    ]).astype(float)


def context_features(lines: list[Line], probability: np.ndarray) -> np.ndarray:
    """The first classifier's probabilities around each line: its own, its neighbours', its
    neighbourhood's and its block's (word-weighted), and the page's: main content comes in runs."""
    n = len(lines)
    words = np.array([line.words for line in lines], dtype=float) + 1
    weighted = probability * words
    cumulative_weighted, cumulative_words = np.concatenate([[0], np.cumsum(weighted)]), np.concatenate([[0], np.cumsum(words)])
    lows = np.maximum(np.arange(n) - NEIGHBOURHOOD_LINES, 0)
    highs = np.minimum(np.arange(n) + NEIGHBOURHOOD_LINES + 1, n)
    window = (cumulative_weighted[highs] - cumulative_weighted[lows]) / (cumulative_words[highs] - cumulative_words[lows])
    blocks = np.array([line.block for line in lines])
    _, block_index = np.unique(blocks, return_inverse=True)
    block_mean = (np.bincount(block_index, weighted) / np.bincount(block_index, words))[block_index]
    previous = np.concatenate([[0.0], probability[:-1]])
    following = np.concatenate([probability[1:], [0.0]])
    page = np.full(n, weighted.sum() / words.sum())
    return np.column_stack([probability, previous, following, window, block_mean, page])


def page_lines(content: str, repeated: frozenset[str] = frozenset()) -> list[Line]:
    """The page's non-blank lines, classified."""
    return [line for line in _classify(content.splitlines(), repeated) if line.text]


@cache
def _model() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The two classifiers' feature means, scales and weights (bias last)."""
    with MODEL_PATH.open("rb") as stored:
        arrays = np.load(stored)
        return {name: (arrays[f"{name}_mean"], arrays[f"{name}_scale"], arrays[f"{name}_weights"])
                for name in ("lines", "context")}


def _logistic(part: tuple[np.ndarray, np.ndarray, np.ndarray], x: np.ndarray) -> np.ndarray:
    mean, scale, weights = part
    return 1 / (1 + np.exp(-(((x - mean) / scale) @ weights[:-1] + weights[-1])))


def main_content_probabilities(lines: list[Line]) -> np.ndarray:
    """Each line's probability of being the page's main content, by the learned line classifier."""
    if not lines:
        return np.zeros(0)
    model = _model()
    x = line_features(lines)
    first = _logistic(model["lines"], x)
    return _logistic(model["context"], np.hstack([x, context_features(lines, first)]))


def main_content_mask(lines: list[Line], probability: np.ndarray) -> list[bool]:
    """Which lines are the page's main content, given the classifier's probabilities.

    None on a page where no run of lines reads as prose (menus and headlines hold no article).
    Furniture (boilerplate rules, a line repeated on the page) and a comment thread below the
    body never are. The lines of the best run of prose are unless the classifier is sure they
    are not: on pages unlike its training pages (a bare wire brief of one paragraph) the run's
    careful rules still hold."""
    start, end = _body_bounds(lines)
    if end < start:
        return [False] * len(lines)
    body_end, comments = _comments_cut(lines, start, end)
    return [i < comments and not line.furniture
            and (p >= KEEP_PROBABILITY or (start <= i <= body_end and p >= VETO_PROBABILITY))
            for i, (line, p) in enumerate(zip(lines, probability))]


def has_prose(text: str) -> bool:
    """Whether any line of an extracted text reads as article prose, or as a brief's sentences."""
    start, end = _body_bounds([line for line in _classify(text.splitlines(), frozenset()) if line.text])
    return end >= start


def clean_plain_text(content: str, repeated_lines: frozenset[str] = frozenset()) -> CleanArticle:
    """Main text and metadata of a plain-text page; empty text when it holds no article prose."""
    lines = page_lines(content, repeated_lines)
    mask = main_content_mask(lines, main_content_probabilities(lines))
    if not any(mask):
        return CleanArticle(text="", method="text:lines")
    start = mask.index(True)
    while parse_date_line(lines[start].text) and True in mask[start + 1:]:  # the page's date line is no text
        mask[start] = False
        start = mask.index(True)
    head = lines[max(0, start - TITLE_LOOKBACK_LINES): start + 1]
    title_index = next((i for i in range(len(head) - 1, -1, -1) if _is_title(head[i])), None)
    title = head[title_index].text if title_index is not None else None
    date_lines = [d for d in (parse_date_line(line.text) for line in lines[: start + 1]) if d]
    stated = next((d for d in date_lines if d.time), date_lines[0] if date_lines else None)

    body = [line.text for line, keep in zip(lines, mask) if keep]
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
