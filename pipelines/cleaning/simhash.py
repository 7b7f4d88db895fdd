"""64-bit SimHash of a text's word 3-grams: near-identical texts differ in only a few bits."""

from __future__ import annotations

import hashlib
import re

import numpy as np

WORD = re.compile(r"\w+")
NEAR_DUPLICATE_BITS = 3


def simhash(text: str) -> int:
    """Each bit is the majority vote of that bit over the shingles' 64-bit BLAKE2b hashes
    (numpy does the 64 column counts at once; a Python loop over bits cost 13% of cleaning)."""
    words = WORD.findall(text.lower())
    shingles = [" ".join(words[i: i + 3]) for i in range(max(1, len(words) - 2))]
    digests = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest() for s in shingles)
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8)).reshape(len(shingles), 64)
    majority = bits.sum(axis=0) * 2 > len(shingles)
    return int.from_bytes(np.packbits(majority).tobytes(), "big")
