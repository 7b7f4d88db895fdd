"""Which factRuEval-2016 texts the Russian facts gold annotates (bench/gold/facts-ru/): texts of
`../shared/corpora/ner-dev/factru-dev.jsonl` with reported speech or a sum of money, 20 of the
`dev` half and 12 of the `heldout` half of bench/gold/russian/factru_split.json. Run once; the
list it writes (bench/gold/facts-ru/articles.json) is frozen before any text is annotated.

A text is eligible with
- speech: a speech verb ("заявил", "сообщила", "по словам", ...) within SPEECH_WINDOW characters
  of an opening quotation mark (« „ “ "), or a line opening with a dash (dialogue), or
- money: a digit followed, within a few words (a scale word such as "млн" between), by a currency
  word or sign (рубль, доллар, евро, гривна, $, € ...).
Within each split, the speech texts and the money texts are each ranked by a seeded hash and
taken in turn, one from each list (a text on both lists counts once), so that both kinds of fact
are represented even though sums are rarer than quotes.

    python bench/gold/select_factru_facts.py
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FACTRU = ROOT.parent / "shared" / "corpora" / "ner-dev" / "factru-dev.jsonl"
SPLIT = Path(__file__).resolve().parent / "russian" / "factru_split.json"
OUT = Path(__file__).resolve().parent / "facts-ru" / "articles.json"
SEED = "factru-facts-gold-2026-12-07"
COUNTS = {"dev": 20, "heldout": 12}
SPEECH_WINDOW = 200
SPEECH_VERB = re.compile(
    r"\b(заяви|сообщи|сказа|отмети|подчеркну|поясни|добави|рассказа|уточни|призна|заверя|заверил|"
    r"говори|цитиру|по словам|по мнению|считает|напомни|ответи|пообещ)",
    re.IGNORECASE)
OPENING_QUOTE = re.compile(r"[«„“\"]")
DIALOGUE_LINE = re.compile(r"(?:^|\n)[ \t]*[—–-][ \t]*\w", re.MULTILINE)
MONEY = re.compile(
    r"\d(?:[\d\s.,]*\d)?\s*(?:(?:тыс|млн|млрд|трлн|миллион|миллиард|триллион|тысяч)\w*\.?\s*)?"
    r"(?:руб|доллар|долл|евро|гривен|гривн|фунт|юан|иен|франк|тенге|\$|€)"
    r"|[$€]\s?\d", re.IGNORECASE)


def key(doc_id: str) -> str:
    return hashlib.sha256(f"{SEED}:{doc_id}".encode()).hexdigest()


def has_speech(text: str) -> bool:
    if DIALOGUE_LINE.search(text):
        return True
    verbs = [m.start() for m in SPEECH_VERB.finditer(text)]
    return any(abs(q.start() - v) <= SPEECH_WINDOW for q in OPENING_QUOTE.finditer(text) for v in verbs)


def has_money(text: str) -> bool:
    return MONEY.search(text) is not None


def choose(texts: dict[str, str], count: int) -> list[str]:
    """Alternately the next speech text and the next money text in seeded-hash order."""
    queues = [sorted((d for d, t in texts.items() if test(t)), key=key) for test in (has_speech, has_money)]
    chosen: list[str] = []
    turn = 0
    while len(chosen) < count and any(queues):
        queue = queues[turn % 2]
        while queue and queue[0] in chosen:
            queue.pop(0)
        if queue:
            chosen.append(queue.pop(0))
        turn += 1
    return chosen


def main() -> int:
    if not FACTRU.exists():
        print(f"skipped: {FACTRU} is absent")
        return 0
    split = json.loads(SPLIT.read_text())
    rows = [json.loads(line) for line in FACTRU.read_text().splitlines() if line.strip()]
    articles = []
    for part, count in COUNTS.items():
        texts = {row["doc_id"]: row["text"] for row in rows if split[row["doc_id"]] == part}
        articles += [{"id": doc_id, "split": part, "speech": has_speech(texts[doc_id]),
                      "money": has_money(texts[doc_id])} for doc_id in choose(texts, count)]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"seed": SEED, "articles": articles}, indent=1, ensure_ascii=False) + "\n")
    print(", ".join(f"{part} {sum(a['split'] == part for a in articles)}" for part in COUNTS), "->", OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
