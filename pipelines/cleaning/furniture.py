"""Site furniture shared by the cleaners: boilerplate lines, bullets, captions, comment sections."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

BULLET = re.compile(r"^\s*(?:[*+•·▪►-]|\d{1,2}[.)])\s+")
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")
COMMENT_MARKER = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|discussion|reader comments)(?:\s*\(\d+\))?:?$"
    r"|^(?:leave a (?:reply|comment)|post a comment|add (?:a |your )?comment|join the discussion)\b"
    r"|^(?:show|view|read|load) (?:all )?(?:\d+ )?comments"
    r"|^\{?\s*\d+ (?:comments?|responses?|replies)\b",
    re.IGNORECASE,
)
# Running prose is about a third function words; link lists and tag clouds have almost none.
MIN_PROSE_STOP_DENSITY = 0.15
# A "Comments" link with fewer words of body above it belongs to the article's header.
MIN_WORDS_BEFORE_COMMENTS = 80
# A photo credit: "Photo: ...", "photo by", or an agency in brackets ending the line ("... (Getty
# Images)"); an agency named inside running prose ("Agence France Presse (AFP) reported") is not one.
CAPTION_MARKER = re.compile(r"\bphoto(?:s|graph)?\s*(?::|by\b|courtesy\b)|\((?:getty images|ap photo|reuters|afp)[^)]*\)\W*$",
                            re.IGNORECASE)
# A cookie or consent banner: the site telling its reader it uses cookies, or what going on
# means they agree to. (An article about cookie rules reports on sites; it does not speak as one.)
CONSENT_NOTICE = re.compile(
    r"\b(?:we|this (?:web ?)?site|our (?:web ?)?site)(?: and our partners)? uses? cookies\b"
    r"|\bby (?:continuing|using|clicking|browsing|visiting|staying)\b.{0,80}\byou (?:are )?(?:agree|accept|consent)",
    re.IGNORECASE,
)


@cache
def boilerplate_patterns() -> re.Pattern:
    text = resources.files("pipelines").joinpath("data/boilerplate_lines.txt").read_text()
    rules = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return re.compile("^(?:" + "|".join(f"(?:{rule})" for rule in rules) + r")$", re.IGNORECASE)


def is_furniture_line(line: str) -> bool:
    """A boilerplate line, a photo credit or a consent notice, whatever page it stands on."""
    return (bool(boilerplate_patterns().match(normalise_line(line))) or bool(CAPTION_MARKER.search(line))
            or bool(CONSENT_NOTICE.search(line)))


def normalise_line(line: str) -> str:
    """A line as compared across documents: bullets and outer space gone, inner space folded."""
    return " ".join(BULLET.sub("", line).split()).lower()


def before_comments(lines: list[str]) -> int:
    """How many of `lines` come before a comment section opens (all of them if none does).

    A marker with fewer than MIN_WORDS_BEFORE_COMMENTS words above it is a "Comments" link in
    the article's header, not the start of the thread."""
    words = 0
    for i, line in enumerate(lines):
        if words >= MIN_WORDS_BEFORE_COMMENTS and COMMENT_MARKER.match(normalise_line(line)):
            return i
        words += len(line.split())
    return len(lines)
