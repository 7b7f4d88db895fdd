"""64-bit SimHash of a text's word 3-grams: near-identical texts differ in only a few bits."""

from __future__ import annotations

import hashlib
import re

WORD = re.compile(r"\w+")
NEAR_DUPLICATE_BITS = 3


def simhash(text: str) -> int:
    words = WORD.findall(text.lower())
    shingles = [" ".join(words[i: i + 3]) for i in range(max(1, len(words) - 2))]
    weights = [0] * 64
    for shingle in shingles:
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)
