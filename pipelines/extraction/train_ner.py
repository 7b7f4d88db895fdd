"""Train the name recogniser's weights from the openly licensed corpora in ../shared.

    python -m pipelines.extraction.train_ner [--shared ../shared] [--out pipelines/data/ner_model.npz]
                                             [--corpus PATH ...] [--max-iterations N]

Reads the corpora (by default GUM, Universal NER EWT dev, Wikigold, the Broad Twitter Corpus and
re3d-dev; UNER EWT test and PUD stay unseen for scoring), labels the product's own tokens of their
text with the gold spans (BIO over PER, ORG, LOC, MISC), computes the product's token features and
fits a linear-chain CRF with python-crfsuite (L-BFGS, L1 + L2, so most features get no weight).
The non-zero weights go to a compressed .npz that `recogniser.load_model` reads. The same input
gives the same weights: corpora are read in a fixed order and the trainer is deterministic.
Skips cleanly (exit 0) when the corpora are absent."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.extraction.ner_corpora import DEFAULT_SHARED, NER_TRAIN_CORPORA, REPO, SPAN_TYPES, read_corpus
from pipelines.extraction.recogniser import OUTSIDE, candidates, feature_strings, token_features
from pipelines.extraction.tokens import token_table

TRAINING_CORPORA = (*NER_TRAIN_CORPORA, "corpora/ner-dev/re3d-dev.jsonl")
LABELS = (OUTSIDE, *(f"{prefix}-{type_}" for type_ in SPAN_TYPES for prefix in "BI"))
TRAINER_PARAMETERS = {"c1": 0.2, "c2": 0.1, "max_iterations": 150, "feature.possible_transitions": True}


def token_labels(tokens: pl.DataFrame, spans: pl.DataFrame) -> pl.Series:
    """BIO label of each token from gold character spans: a token inside a span is I-, the
    first one B-; tokens outside every span are O."""
    located = tokens.select("doc_id", "start", row=pl.int_range(pl.len())).sort("doc_id", "start").join_asof(
        spans.select("doc_id", span_start="start", span_end="end", type="type").sort("doc_id", "span_start"),
        left_on="start", right_on="span_start", by="doc_id", strategy="backward", check_sortedness=False)
    inside = pl.col("start") < pl.col("span_end")
    first = inside & (pl.col("row") == pl.col("row").min().over("doc_id", "span_start"))
    return located.sort("row").select(
        pl.when(first).then(pl.concat_str(pl.lit("B-"), "type"))
        .when(inside).then(pl.concat_str(pl.lit("I-"), "type"))
        .otherwise(pl.lit(OUTSIDE))).to_series()


def labelled_sequences(documents: pl.DataFrame, spans: pl.DataFrame) -> pl.DataFrame:
    """One row per segment of candidate tokens (as the product tags them): features and gold
    labels. Gold names without a capital letter fall outside the candidates and are not learnt."""
    segments = candidates(token_table(documents))
    frame = segments.select("segment").with_columns(
        features=feature_strings(token_features(segments)), label=token_labels(segments, spans))
    return frame.group_by("segment", maintain_order=True).agg("features", "label")


def train(sequences: pl.DataFrame, parameters: dict, verbose: bool = False) -> dict[str, np.ndarray]:
    """Fit the CRF; return its labels, transition matrix and the features with a weight."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=verbose)
    for features, labels in sequences.select("features", "label").iter_rows():
        trainer.append(features, labels)
    trainer.set_params(parameters)
    with tempfile.TemporaryDirectory() as folder:
        model_path = str(Path(folder) / "ner.crfsuite")
        trainer.train(model_path)
        tagger = pycrfsuite.Tagger()
        tagger.open(model_path)
        info = tagger.info()
        tagger.close()
    index = {label: i for i, label in enumerate(LABELS)}
    transitions = np.zeros((len(LABELS), len(LABELS)), np.float32)
    for (previous, label), weight in info.transitions.items():
        transitions[index[previous], index[label]] = weight
    features = sorted({feature for feature, _ in info.state_features})
    row = {feature: i for i, feature in enumerate(features)}
    state = np.zeros((len(features), len(LABELS)), np.float32)
    for (feature, label), weight in info.state_features.items():
        state[row[feature], index[label]] = weight
    return {"labels": np.array(LABELS), "features": np.array(features), "state": state, "transitions": transitions}


def load_corpora(paths: list[Path]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Documents and spans of several corpora, doc ids prefixed by the corpus name."""
    documents, spans = [], []
    for path in paths:
        corpus_documents, corpus_spans = read_corpus(path).frames()
        prefix = pl.lit(f"{path.name}/")
        documents.append(corpus_documents.with_columns(doc_id=pl.concat_str(prefix, "doc_id")))
        spans.append(corpus_spans.with_columns(doc_id=pl.concat_str(prefix, "doc_id")))
    return pl.concat(documents), pl.concat(spans)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--corpus", type=Path, action="append", help="train on these instead of the default set")
    parser.add_argument("--out", type=Path, default=REPO / "pipelines" / "data" / "ner_model.npz")
    parser.add_argument("--max-iterations", type=int, default=TRAINER_PARAMETERS["max_iterations"])
    parser.add_argument("--c1", type=float, default=TRAINER_PARAMETERS["c1"], help="L1 penalty")
    parser.add_argument("--c2", type=float, default=TRAINER_PARAMETERS["c2"], help="L2 penalty")
    args = parser.parse_args(argv)
    paths = args.corpus or [args.shared / relative for relative in TRAINING_CORPORA]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        print(f"skipped: corpora absent ({', '.join(missing)})")
        return 0
    began = time.perf_counter()
    documents, spans = load_corpora(paths)
    sequences = labelled_sequences(documents, spans)
    print(f"{documents.height} documents, {spans.height} names, {sequences.height} segments, "
          f"{sequences['label'].list.len().sum()} tokens ({time.perf_counter() - began:.1f} s)")
    arrays = train(sequences, {**TRAINER_PARAMETERS, "max_iterations": args.max_iterations, "c1": args.c1, "c2": args.c2})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    print(f"{len(arrays['features'])} weighted features, {args.out.stat().st_size / 1e6:.1f} MB "
          f"written to {args.out} ({time.perf_counter() - began:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
