"""MinHash signatures of a text's word 5-grams, for near-duplicates of any length.

Two renderings of one story (a page and a scraper's dump of it, a wire copy under another
outlet's furniture, a corrected version) share most of the shingles of the shorter text, while
their lengths differ. So the measure is containment, the share of the smaller text's shingles
found in the other, which the signatures estimate with the two shingle counts: for Jaccard
similarity J of sets A and B, |A ∩ B| = J (|A| + |B|) / (1 + J).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

WORD = re.compile(r"\w+")
SHINGLE_WORDS = 5
PERMUTATIONS = 120
# Locality-sensitive hashing: signatures that agree on all ROWS_PER_BAND values of any one band are
# compared. 40 bands of 3 find a pair with Jaccard 0.43 (containment 0.9 of a text half the size
# of the other) with probability 0.96, and one with Jaccard 0.56 with probability 0.9995.
ROWS_PER_BAND = 3
BANDS = PERMUTATIONS // ROWS_PER_BAND
# Linked when the smaller text's shingles are at least this much in the other text.
NEAR_DUPLICATE_CONTAINMENT = 0.75
# Texts with fewer shingles than this (about 25 words) are too short to call duplicates.
MIN_SHINGLES = 20

_rng = np.random.default_rng(20261122)  # fixed: signatures must be comparable across runs
_A = _rng.integers(0, 1 << 63, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 1 << 63, PERMUTATIONS, dtype=np.uint64)


def shingles(text: str) -> set[str]:
    words = WORD.findall(text.lower())
    return {" ".join(words[i: i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}


def minhash(text: str) -> tuple[list[int], int]:
    """(signature, number of distinct shingles). Each of PERMUTATIONS multiply-shift hashes
    ((a·x + b) mod 2^64, top 32 bits, a odd) keeps its minimum over the 32-bit shingle hashes."""
    found = shingles(text)
    hashes = np.frombuffer(b"".join(hashlib.blake2b(s.encode(), digest_size=4).digest() for s in found),
                           dtype=np.uint32).astype(np.uint64)
    values = (np.outer(hashes, _A) + _B) >> np.uint64(32)  # uint64 arithmetic wraps: that is the mod 2^64
    return values.min(axis=0).astype(np.uint32).tolist(), len(found)
