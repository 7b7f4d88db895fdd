"""What cleaning returns for one document, whatever path produced it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

WORD = re.compile(r"\w+")


def count_words(text: str) -> int:
    return len(WORD.findall(text))


@dataclass(frozen=True)
class CleanArticle:
    text: str
    method: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published_date: date | None = None
    published_time: time | None = None
    published_date_source: str | None = None
    dateline_place: str | None = None
    author: str | None = None
    language: str | None = None
