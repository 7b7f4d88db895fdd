"""Distributional word clusters for the name recogniser, learnt from unlabelled text.

    python -m pipelines.extraction.word_clusters [--shared ../shared] [--out pipelines/data/word_clusters.npz]

Words used in the same contexts fall in the same cluster (town names with town names, given names
with given names), so the recogniser's weights for a cluster reach words its labelled corpora never
showed: the classic gain of Brown clusters in named-entity recognition on text of a new domain.
Built from openly licensed text only, read without its labels: the texts of the recogniser's
training corpora (GUM, Universal NER EWT dev, Wikigold, the Broad Twitter Corpus), the gold main
texts of extraction-dev's wcxb pages (CC BY 4.0; the facts gold's articles left out) and the
English pages of dates-dev (Apache-2.0, tags stripped). Never the UNER test files.

Each word seen often enough, as written (case kept: "Apple" and "apple" keep different company),
is described by the words just before and just after it (counts against the commonest words,
each side apart), weighed by positive pointwise mutual information, reduced by a truncated SVD and grouped by spherical k-means into the finest
clusters; each coarser level groups the finest clusters' centres, so a finest cluster lies
within one cluster of every coarser level (as a Brown cluster lies within its prefixes). Two
k-means runs from different starts give two sets of levels. Fixed seeds: the same text gives
the same table."""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.extraction.ner_corpora import DEFAULT_SHARED, NER_TRAIN_CORPORA, REPO, read_corpus
from pipelines.extraction.tokens import token_table

WCXB = "corpora/extraction-dev/wcxb/ground-truth.json"
DATES_PAGES = "corpora/dates-dev/pages"
FACTS_GOLD_ARTICLES = REPO / "bench" / "gold" / "facts" / "articles.json"
MIN_COUNT = 5  # a word seen fewer times has too few contexts to place
CONTEXT_WORDS = 4000  # the commonest words, each side, that describe a word's contexts
DIMENSIONS = 150
CLUSTER_LEVELS = (1024, 256, 64)  # finest first
SEED = 23
CLUSTERINGS = ("", "b")  # suffixes of the k-means runs
BOUNDARY = "<s>"
# An English page has these among its commonest words; German, French ... pages are left out.
ENGLISH_MARKERS = re.compile(r"\b(?:the|and|of|to|is|that|with)\b")
ENGLISH_MIN_SHARE = 0.06


def _page_text(raw: bytes) -> str:
    """The visible text of an HTML page: scripts, styles and tags dropped, entities decoded, one
    block a line."""
    page = raw.decode("utf-8", errors="replace")
    page = re.sub(r"(?is)<(script|style|noscript|svg)\b.*?</\1\s*>|<!--.*?-->", " ", page)
    page = re.sub(r"(?i)<(?:br|/p|/div|/h\d|/li|/tr|/title)\b[^>]*>", "\n", page)
    page = html.unescape(re.sub(r"(?s)<[^>]+>", " ", page))
    return "\n".join(line.strip() for line in page.splitlines() if line.strip())


def _english(text: str) -> bool:
    words = len(re.findall(r"\w+", text))
    return words > 0 and len(ENGLISH_MARKERS.findall(text.lower())) >= ENGLISH_MIN_SHARE * words


def unlabelled_texts(shared: Path) -> list[str]:
    """Every text the clusters are learnt from, in a fixed order."""
    texts = []
    for relative in NER_TRAIN_CORPORA:
        texts.extend(read_corpus(shared / relative).frames()[0]["text"].to_list())
    held_back = {article["id"] for article in json.loads(FACTS_GOLD_ARTICLES.read_text())["articles"]
                 if article["corpus"] == "wcxb"}
    wcxb = json.loads((shared / WCXB).read_text())
    texts.extend(page["articleBody"] for page_id, page in sorted(wcxb.items())
                 if page_id not in held_back and page["articleBody"])
    for path in sorted((shared / DATES_PAGES).glob("*.html.gz")):
        text = _page_text(gzip.decompress(path.read_bytes()))
        if _english(text):
            texts.append(text)
    return texts


def word_pairs(texts: list[str], batch: int = 200) -> pl.DataFrame:
    """Each token with the token after it in its sentence (BOUNDARY at the ends), counted over
    all texts: left, right, count."""
    counts = []
    for first in range(0, len(texts), batch):
        tokens = token_table(pl.DataFrame({"doc_id": [str(i) for i in range(first, first + len(texts[first:first + batch]))],
                                           "text": texts[first:first + batch]}))
        sentences = tokens.select(pl.col("token").alias("left"), "doc_no", "sentence")
        same = (pl.col("doc_no").shift(-1) == pl.col("doc_no")) & (pl.col("sentence").shift(-1) == pl.col("sentence"))
        follows = sentences.select("left", right=pl.when(same).then(pl.col("left").shift(-1)).otherwise(pl.lit(BOUNDARY)))
        opens = sentences.filter(~((pl.col("doc_no").shift(1) == pl.col("doc_no"))
                                   & (pl.col("sentence").shift(1) == pl.col("sentence"))).fill_null(False))
        follows = pl.concat([follows, opens.select(left=pl.lit(BOUNDARY), right="left")])
        counts.append(follows.group_by("left", "right").len("count"))
    return pl.concat(counts).group_by("left", "right").agg(pl.col("count").sum()).sort("left", "right")


def context_matrix(pairs: pl.DataFrame) -> tuple[list[str], np.ndarray]:
    """The words to cluster (seen MIN_COUNT times or more, by frequency then spelling) and their
    PPMI vectors: counts of each of the commonest words just before and just after them."""
    frequency = (pairs.group_by("left").agg(pl.col("count").sum()).rename({"left": "word"})
                 .filter(pl.col("word") != BOUNDARY).sort(["count", "word"], descending=[True, False]))
    words = frequency.filter(pl.col("count") >= MIN_COUNT)["word"]
    contexts = pl.concat([pl.Series([BOUNDARY]), frequency["word"].head(CONTEXT_WORDS)])
    word_index = pl.DataFrame({"word": words, "row": np.arange(len(words))})
    context_index = pl.DataFrame({"word": contexts, "column": np.arange(len(contexts))})
    right_of = (pairs.join(word_index, left_on="left", right_on="word").join(context_index, left_on="right", right_on="word")
                .select("row", "column", "count"))
    left_of = (pairs.join(word_index, left_on="right", right_on="word").join(context_index, left_on="left", right_on="word")
               .select("row", pl.col("column") + len(contexts), "count"))
    cells = pl.concat([right_of, left_of])
    counts = np.zeros((len(words), 2 * len(contexts)), np.float32)
    counts[cells["row"].to_numpy(), cells["column"].to_numpy()] = cells["count"].to_numpy()
    total = counts.sum()
    # Context counts smoothed (power 0.75) so rare contexts do not dominate.
    context_share = counts.sum(0) ** 0.75
    context_share /= context_share.sum()
    word_share = counts.sum(1, keepdims=True) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        ppmi = np.maximum(np.log(counts / total / word_share / context_share), 0)
    return words.to_list(), np.nan_to_num(ppmi, nan=0.0, posinf=0.0).astype(np.float32)


def truncated_svd(matrix: np.ndarray, rank: int, rng: np.random.Generator, power_iterations: int = 3) -> np.ndarray:
    """The rows of `matrix` in its top `rank` singular directions, scaled by the square root of
    the singular values (randomised SVD, Halko et al. 2011)."""
    basis = matrix @ rng.standard_normal((matrix.shape[1], rank + 20)).astype(np.float32)
    for _ in range(power_iterations):
        basis, _ = np.linalg.qr(matrix @ (matrix.T @ np.linalg.qr(basis)[0]))
    basis, _ = np.linalg.qr(basis)
    left, singular, _ = np.linalg.svd(basis.T @ matrix, full_matrices=False)
    return (basis @ left[:, :rank]) * np.sqrt(singular[:rank])


def _spread_centres(points: np.ndarray, k: int, rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """k-means++ seeding: each next centre drawn with odds rising with its distance from the
    centres so far, so a run does not hinge on a lucky draw."""
    chosen = [rng.choice(len(points), p=weights / weights.sum())]
    distance = np.maximum(1 - points @ points[chosen[0]], 0)
    for _ in range(k - 1):
        odds = distance * weights
        chosen.append(rng.choice(len(points), p=odds / odds.sum()))
        distance = np.minimum(distance, np.maximum(1 - points @ points[chosen[-1]], 0))
    return points[chosen]


def spherical_kmeans(points: np.ndarray, k: int, rng: np.random.Generator, weights: np.ndarray | None = None,
                     iterations: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Cluster of each unit-length row and the clusters' unit-length centres, by cosine."""
    weights = np.ones(len(points), np.float32) if weights is None else weights
    centres = _spread_centres(points, k, rng, weights)
    for _ in range(iterations):
        assignment = (points @ centres.T).argmax(1)
        sums = np.zeros_like(centres)
        np.add.at(sums, assignment, points * weights[:, None])
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] < 1e-9
        sums[empty], norms[empty] = centres[empty], 1
        centres = sums / norms
    return (points @ centres.T).argmax(1), centres


def clusters(words: list[str], ppmi: np.ndarray) -> pl.DataFrame:
    """Each word's cluster at every level of CLUSTER_LEVELS, finest first, in each of
    CLUSTERINGS runs of k-means from different starts (named c1024, c1024b, ...): one run's
    chance splits weigh less when the recogniser sees several."""
    rng = np.random.default_rng(SEED)
    vectors = truncated_svd(ppmi, DIMENSIONS, rng)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    levels = {}
    for run in CLUSTERINGS:
        finest, centres = spherical_kmeans(vectors, CLUSTER_LEVELS[0], rng)
        levels[f"c{CLUSTER_LEVELS[0]}{run}"] = finest
        sizes = np.bincount(finest, minlength=CLUSTER_LEVELS[0]).astype(np.float32)
        for k in CLUSTER_LEVELS[1:]:
            of_centre, _ = spherical_kmeans(centres, k, rng, weights=sizes + 1)
            levels[f"c{k}{run}"] = of_centre[finest]
    return pl.DataFrame({"word": words, **{name: level.astype(np.int16) for name, level in levels.items()}})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=REPO / "pipelines" / "data" / "word_clusters.npz")
    args = parser.parse_args(argv)
    if not (args.shared / WCXB).exists():
        print(f"skipped: corpora absent ({args.shared / WCXB})")
        return 0
    began = time.perf_counter()
    texts = unlabelled_texts(args.shared)
    pairs = word_pairs(texts)
    words, ppmi = context_matrix(pairs)
    print(f"{len(texts)} texts, {pairs['count'].sum()} word pairs, {len(words)} words to cluster "
          f"({time.perf_counter() - began:.1f} s)")
    table = clusters(words, ppmi)
    np.savez_compressed(args.out, words=np.array(table["word"].to_list()),
                        **{name: table[name].to_numpy() for name in table.columns if name != "word"})
    print(f"written to {args.out}, {args.out.stat().st_size / 1e6:.2f} MB ({time.perf_counter() - began:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
