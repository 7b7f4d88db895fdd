"""Language of a clean text from its most common function words: enough to tell the languages
this corpus arrives in apart, with nothing to download."""

from __future__ import annotations

import re

STOP_WORDS = {
    "en": "the of and to in is that for it on with as was by are be this from at an have not which",
    "ru": "и в не на что с как по это он но из к у за от так же то все она для его был",
    "uk": "і в не на що з як та це до від за він але його у які вже про ще при було",
    "be": "і ў не на што з як гэта да ад па ён але яго былі таксама ці пры быў беларусі",
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch",
    "fr": "de la le et les des en un une du est que pour dans qui par sur au pas plus avec",
    "es": "de la que el en y los del se las por un para con una su al es lo como más",
    "pl": "i w nie na się z do że to jest o jak po ale od za przez dla są tak",
    "it": "di e il la che in un per è del della le non si una sono con da al gli",
    "pt": "de a o que e do da em um para com não uma os no se na por mais as",
}
STOP_SETS = {lang: set(words.split()) for lang, words in STOP_WORDS.items()}
ALL_STOP_WORDS = set().union(*STOP_SETS.values())
WORD = re.compile(r"[^\W\d_]+")
MIN_HITS = 5
# Letters that only one Cyrillic language of the list uses: a short text in Cyrillic without
# enough function words is told by them, else it is Russian (briefs of a line or two are news too).
CYRILLIC = re.compile(r"[а-яёіїєґў]", re.IGNORECASE)
CYRILLIC_MARKS = (("be", re.compile(r"ў", re.IGNORECASE)), ("uk", re.compile(r"[іїєґ]", re.IGNORECASE)))
MIN_CYRILLIC_LETTERS = 20


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the best-matching language, None for texts too short to tell."""
    words = WORD.findall(text[:20000].lower())
    hits = {lang: sum(1 for w in words if w in stops) for lang, stops in STOP_SETS.items()}
    lang, best = max(hits.items(), key=lambda item: item[1])
    if best >= MIN_HITS:
        return lang
    letters = WORD.findall(text[:20000])
    cyrillic = sum(len(CYRILLIC.findall(word)) for word in letters)
    if cyrillic >= MIN_CYRILLIC_LETTERS and cyrillic * 2 > sum(map(len, letters)):
        return next((code for code, marks in CYRILLIC_MARKS if marks.search(text)), "ru")
    return None


def stop_word_density(text: str) -> float:
    """Share of a text's words that are function words, the mark of running prose."""
    words = WORD.findall(text.lower())
    return sum(1 for w in words if w in ALL_STOP_WORDS) / len(words) if words else 0.0
