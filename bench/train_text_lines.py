"""Fit the plain-text line classifier (pipelines/data/text_line_model.npz) on dev pages only.

    python bench/train_text_lines.py [--folds 5] [--write]

Fitted on wcxb's dev part (bench/gold/cleaning/wcxb_split.json, CC BY 4.0) alone, as `text/`
renderings; dragnet's upstream training split (AGPL data: it scores the model, never shapes its
weights) is predicted by the model fitted on all of them, an out-of-corpus figure. A line's label is whether its words run, in order, inside the
page's gold text. Two logistic regressions: the first reads a line's features
(text.FEATURE_NAMES), the second adds its neighbours' and block's probabilities from the first.
Each line weighs its words over its page's, so every page counts alike, as in page-mean F1.
Prints page-mean F1 of cross-validated predictions on wcxb (folds by page) and of the full model on
dragnet; --write stores the full model's weights.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.clean_quality import TOKEN, page_scores  # noqa: E402
from pipelines.cleaning.text import (  # noqa: E402
    MODEL_PATH, context_features, line_features, main_content_mask, page_lines,
)
import pipelines.cleaning.text as text  # noqa: E402

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "extraction-dev"
SPLIT = Path(__file__).resolve().parent / "gold" / "cleaning" / "wcxb_split.json"
# Lines of this many words are placed in the gold on their own; shorter ones only between them.
ANCHOR_WORDS = 6
# Strength of the L2 penalty on the standardised weights.
L2 = 1.0


def dev_pages() -> list[tuple[str, str, str]]:
    """(corpus:id, page text, gold text) of every dev page."""
    pages = []
    split = json.loads(SPLIT.read_text())
    for corpus, wanted in (("wcxb", {k for k, part in split.items() if part == "dev"}),
                           ("dragnet", set((CORPORA / "dragnet" / "training.txt").read_text().split()))):
        gold = json.loads((CORPORA / corpus / "ground-truth.json").read_text())
        for page_id in sorted(wanted):
            path = CORPORA / corpus / "text" / f"{page_id}.txt"
            pages.append((f"{corpus}:{page_id}", path.read_text(encoding="utf-8", errors="replace"),
                          gold[page_id]["articleBody"]))
    return pages


def _run(text: str) -> str:
    return " " + " ".join(TOKEN.findall(unicodedata.normalize("NFKC", text).lower())) + " "


def labels(texts: list[str], gold: str) -> np.ndarray:
    """Whether each line's words run, in order, inside the gold text, aligned monotonically: long
    lines (ANCHOR_WORDS or more) are found in page order, each after the last; a short line
    ("News", "Share") counts only where it falls in the gold between the anchors around it."""
    gold_run = _run(gold)
    runs = [_run(text) for text in texts]
    anchors: dict[int, tuple[int, int]] = {}
    position = 0
    for i, run in enumerate(runs):
        if len(run.split()) >= ANCHOR_WORDS:
            found = gold_run.find(run, position)
            if found < 0:
                found = gold_run.find(run)  # out of order (a pull quote, a repeated lead): still gold
                if found >= 0:
                    anchors[i] = (found, found + len(run))
                continue
            anchors[i] = (found, found + len(run))
            position = found + len(run) - 1
    result = np.zeros(len(runs))
    anchor_lines = sorted(anchors)
    for i, run in enumerate(runs):
        if not run.strip():
            continue
        if i in anchors:
            result[i] = 1.0
            continue
        if len(run.split()) >= ANCHOR_WORDS:
            continue
        before = [a for a in anchor_lines if a < i]
        after = [a for a in anchor_lines if a > i]
        low = anchors[before[-1]][1] - 1 if before else 0
        high = anchors[after[0]][0] + 1 if after else len(gold_run)
        result[i] = float(run in gold_run[low:high])
    return result


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, scale and weights (bias last) of an L2 logistic regression, by Newton's method."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], L2)
    penalty[-1] = 0.0
    for _ in range(25):
        p = 1 / (1 + np.exp(-z @ w))
        gradient = z.T @ (weight * (p - y)) + penalty * w
        hessian = (z * (weight * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return mean, scale, w


def predict(model: tuple[np.ndarray, np.ndarray, np.ndarray], x: np.ndarray) -> np.ndarray:
    mean, scale, w = model
    return 1 / (1 + np.exp(-(((x - mean) / scale) @ w[:-1] + w[-1])))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    pages = []
    for name, content, gold in dev_pages():
        lines = page_lines(content)
        if not lines:
            continue
        x = line_features(lines)
        y = labels([line.text for line in lines], gold)
        words = np.array([line.words for line in lines], dtype=float)
        pages.append((name, lines, x, y, (words + 1) / (words.sum() + len(words)), gold))
    print(f"{len(pages)} pages, {sum(len(p[1]) for p in pages)} lines, {sum(p[3].sum() for p in pages):.0f} in gold")

    def stack(chosen, column):
        return np.concatenate([pages[i][column] for i in chosen])

    def train(chosen):
        first = fit(stack(chosen, 2), stack(chosen, 3), stack(chosen, 4))
        second_x = np.vstack([np.hstack([pages[i][2], context_features(pages[i][1], predict(first, pages[i][2]))])
                              for i in chosen])
        return first, fit(second_x, stack(chosen, 3), stack(chosen, 4))

    def probabilities(models, i):
        first, second = models
        return predict(second, np.hstack([pages[i][2], context_features(pages[i][1], predict(first, pages[i][2]))]))

    fold_of = [zlib.crc32(p[0].encode()) % args.folds for p in pages]
    trainable = [i for i, page in enumerate(pages) if page[0].startswith("wcxb:")]
    held = [None] * len(pages)
    for fold in range(args.folds):
        models = train([i for i in trainable if fold_of[i] != fold])
        for i in trainable:
            if fold_of[i] == fold:
                held[i] = probabilities(models, i)
    full = train(trainable)
    for i in set(range(len(pages))) - set(trainable):
        held[i] = probabilities(full, i)
    for threshold in (0.3, 0.35, 0.4, 0.5):
        text.KEEP_PROBABILITY = threshold
        for corpus in ("wcxb", "dragnet"):
            scores = [page_scores("\n".join(line.text for line, keep in zip(page[1], main_content_mask(page[1], held[i]))
                                            if keep), page[5])
                      for i, page in enumerate(pages) if page[0].startswith(corpus)]
            print(f"{'cross-validated' if corpus == 'wcxb' else 'full model'}, keeping from {threshold}: {corpus:8s} pages {len(scores)} "
                  + " ".join(f"{name} {np.mean([s[k] for s in scores]):.3f}" for k, name in enumerate(("P", "R", "F1"))))
    if args.write:
        first, second = full
        arrays = {f"{name}_{part}": values for name, model in (("lines", first), ("context", second))
                  for part, values in zip(("mean", "scale", "weights"), model)}
        with open(MODEL_PATH, "wb") as stored:
            np.savez(stored, **arrays)
        print(f"wrote {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
