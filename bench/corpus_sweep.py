"""Corpus sweep: every text corpus in ../shared through one `news-warehouse run`, then checked.

    python bench/corpus_sweep.py [--per-corpus N] [--seed S] [--workdir DIR] [--keep] [--workers W]
    nice -n 10 python bench/corpus_sweep.py                   # everything (about 8,200 files)
    nice -n 10 python bench/corpus_sweep.py --per-corpus 30   # a seeded sample of 30 a corpus

Writes every corpus under ../shared that holds text into ONE raw/ folder of a work dir (a new
temp dir, never the repo), one document a file, a folder per corpus, named after the documents'
own ids: seeds (.txt); extraction-dev's dragnet and wcxb pages as shipped (.html.gz) and their
plain-text renderings (.txt); dates-dev's pages unzipped (.html); quotes-dev's and ner-dev's
(re3d, factRuEval) document texts (.txt; factru-dev-raw's .txt files are factru-dev.jsonl's
texts, so only those not already written would be); ner-train's uner, gum, btc and wikigold
texts rebuilt from their tokens (pipelines/extraction/ner_corpora.py: one sentence a line) as
one file a document, btc's tweets twenty to a file. The same bytes are never written twice
(wcxb ships two pairs of pages with one HTML in different gzip bytes: a document with two
paths). --per-corpus N takes a seeded sample of N documents from each corpus (default: all).

Then runs `news-warehouse run --raw <work>/raw --warehouse <work>/warehouse/news.duckdb` as a
user does (a subprocess in the work dir, its own DAGSTER_HOME there, a CI-like environment: no
terminal, CI=true, no NEWS_WAREHOUSE_* settings), and a second run with nothing new. Reports
in markdown: each run's exit code, wall time and peak summed RSS of its process tree (read
from /proc every 0.1 s, bench/scale.py's helper) and the checks the CLI says passed or failed;
then, on the published warehouse opened read-only, the invariants of pipelines/invariants.py
with any offending rows, the views of sql/views/ missing, files, articles and rejections per
corpus (and files with neither), rejections by stage and reason, and the articles left out of
fact extraction with why (article_extractions.left_out_reason, "n/a" where that column does not
exist). Exits 1 when a run failed, a check failed, an invariant found rows, a view is missing or
a file has no outcome. Skips cleanly (exit 0) when ../shared/corpora is absent.

dragnet's pages are AGPL data: they are read here at bench time into the temp dir, never copied
into the repo.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scale import MIB, run_measured, work_dir  # noqa: E402  (bench/scale.py, beside this file)

SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
SEEDS = SHARED / "seeds"
SEED = 20261122
TWEETS_PER_FILE = 20
TOP_REASONS = 12


@dataclass(frozen=True)
class Document:
    name: str  # file name in its corpus folder
    load: Callable[[], bytes]


def _text(text: str) -> Callable[[], bytes]:
    return functools.partial(str.encode, text, "utf-8")


def _files(folder: Path, pattern: str, unzip: bool = False) -> list[Document]:
    """The files of a folder as they are (unzip: gzip'd files decompressed, named without .gz)."""
    if unzip:
        return [Document(path.name.removesuffix(".gz"), functools.partial(lambda p: gzip.decompress(p.read_bytes()), path))
                for path in sorted(folder.glob(pattern))]
    return [Document(path.name, path.read_bytes) for path in sorted(folder.glob(pattern))]


def _jsonl_texts(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {doc["doc_id"]: doc["text"] for doc in docs}


def _texts(texts: dict[str, str]) -> list[Document]:
    return [Document(f"{name}.txt", _text(text)) for name, text in sorted(texts.items())]


def _factru() -> list[Document]:
    """factru-dev.jsonl's texts, and any factru-dev-raw .txt that is not one of them (today none:
    the README says the jsonl holds the upstream .txt unchanged)."""
    texts = _jsonl_texts(CORPORA / "ner-dev/factru-dev.jsonl")
    known = set(texts.values())
    for path in sorted((CORPORA / "ner-dev/factru-dev-raw").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if text not in known:
            texts[f"raw-{path.stem}"] = text
    return _texts(texts)


def _token_corpus(pattern: str, per_file: int = 1) -> list[Document]:
    """Documents of CoNLL-style files rebuilt from their tokens, one sentence a line; `per_file`
    of the reader's documents to a file (btc's documents are single tweets)."""
    from pipelines.extraction.ner_corpora import read_iob

    documents = []
    for path in sorted((CORPORA / "ner-train").glob(pattern)):
        texts = read_iob(path, iob1="wikigold" in path.name, normalise=False).texts
        stem = path.name.split(".")[0]
        for number, start in enumerate(range(0, len(texts), per_file)):
            documents.append(Document(f"{stem}-{number:05d}.txt", _text("\n".join(texts[start:start + per_file]))))
    return documents


def _gum() -> list[Document]:
    from pipelines.extraction.ner_corpora import read_gum

    folder = CORPORA / "ner-train/gum"
    if not folder.is_dir():
        return []
    corpus = read_gum(folder, normalise=False)
    return _texts(dict(zip(corpus.doc_ids, corpus.texts)))


EXTRACTION = CORPORA / "extraction-dev"
# Corpus (its folder under raw/) -> its documents, in the order they are written.
SOURCES: dict[str, Callable[[], list[Document]]] = {
    "seeds": lambda: _files(SEEDS, "*.txt"),
    "extraction-dev/dragnet-html": lambda: _files(EXTRACTION / "dragnet/html", "*.html.gz"),
    "extraction-dev/dragnet-text": lambda: _files(EXTRACTION / "dragnet/text", "*.txt"),
    "extraction-dev/wcxb-html": lambda: _files(EXTRACTION / "wcxb/html", "*.html.gz"),
    "extraction-dev/wcxb-text": lambda: _files(EXTRACTION / "wcxb/text", "*.txt"),
    "dates-dev": lambda: _files(CORPORA / "dates-dev/pages", "*.html.gz", unzip=True),
    "quotes-dev": lambda: _texts(_jsonl_texts(CORPORA / "quotes-dev/gum-quotes.jsonl")),
    "ner-dev/re3d": lambda: _texts(_jsonl_texts(CORPORA / "ner-dev/re3d-dev.jsonl")),
    "ner-dev/factru": _factru,
    "ner-train/uner": lambda: _token_corpus("uner/*.iob2"),
    "ner-train/gum": _gum,
    "ner-train/btc": lambda: _token_corpus("btc/*.conll", per_file=TWEETS_PER_FILE),
    "ner-train/wikigold": lambda: _token_corpus("wikigold/*.txt"),
}


def write_corpora(raw: Path, per_corpus: int | None, seed: int) -> dict[str, int]:
    """Write every corpus's documents (a seeded sample of `per_corpus` from each, or all) under
    raw/<corpus>/, one file a document; {corpus: files written}. A content already written (in
    any corpus) is not written again; a corpus whose source is absent writes nothing."""
    written: dict[str, int] = {}
    seen: set[str] = set()
    for corpus, documents in SOURCES.items():
        candidates = documents()
        if per_corpus is not None and len(candidates) > per_corpus:
            chosen = random.Random(f"{seed}:{corpus}").sample(candidates, per_corpus)
            candidates = sorted(chosen, key=lambda d: d.name)
        written[corpus] = 0
        for document in candidates:
            data = document.load()
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            path = raw / corpus / document.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written[corpus] += 1
    return written


def corpus_of(path: str) -> str:
    """A raw/-relative path's corpus: its folder."""
    return path.rsplit("/", 1)[0]


@dataclass
class Run:
    phase: str
    exit_code: int
    seconds: float
    peak_mib: float
    output: str

    @property
    def checks(self) -> str:
        found = re.search(r"Checks: (\d+) of (\d+) passed", self.output)
        return f"{found.group(1)} of {found.group(2)} passed" if found else "no checks line"

    @property
    def failed_checks(self) -> list[str]:
        """The CLI's line for each check that failed ("Check name failed: counts") and each step."""
        return re.findall(r"^(?:Check|Step) .+ failed: .*$", self.output, re.MULTILINE)

    @property
    def ok(self) -> bool:
        found = re.search(r"Checks: (\d+) of (\d+) passed", self.output)
        return self.exit_code == 0 and not self.failed_checks and bool(found) and found.group(1) == found.group(2)


def cli_command() -> list[str]:
    """This interpreter's `news-warehouse` script (as a user runs it), else its module."""
    script = Path(sys.executable).with_name("news-warehouse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipelines.cli"]


def run_cli(phase: str, work: Path, raw: Path, db: Path, workers: int | None) -> Run:
    """One `news-warehouse run` in the work dir, with its own DAGSTER_HOME, in a CI-like environment
    (output to a file, no NEWS_WAREHOUSE_* settings of this shell) pinned to this checkout's code."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWS_WAREHOUSE_")}
    env.update(DAGSTER_HOME=str(work / "dagster_home"), CI="true", NO_COLOR="1", TERM="dumb", COLUMNS="160",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    command = [*cli_command(), "run", "--raw", str(raw), "--warehouse", str(db)]
    if workers:
        command += ["--workers", str(workers)]
    log = work / f"{phase}.log"
    exit_code, seconds, peak = run_measured(command, work, env, log)
    return Run(phase, exit_code, seconds, peak / MIB, log.read_text(errors="replace"))


@dataclass
class Inspection:
    """What the published warehouse holds, read directly."""
    invariants: dict[str, int] = field(default_factory=dict)
    missing_views: list[str] = field(default_factory=list)
    views: int = 0
    articles: int = 0
    per_corpus: dict[str, Counter] = field(default_factory=dict)  # corpus -> articles / rejected
    no_outcome: list[str] = field(default_factory=list)  # raw/ files neither an article nor rejected
    reasons: list[tuple] = field(default_factory=list)  # (stage, reason with numbers as N, files, an example)
    left_out: list[tuple] | None = None  # (reason, articles); None: no left_out_reason column

    @property
    def failures(self) -> list[str]:
        found = [f"invariant {name}: {count} rows" for name, count in self.invariants.items() if count]
        found += [f"view {name} missing" for name in self.missing_views]
        if self.no_outcome:
            found.append(f"{len(self.no_outcome)} files neither an article nor rejected")
        return found


def file_outcomes(con) -> tuple[set[str], dict[str, str]]:
    """(raw/ paths whose content is an article, {rejected path: 'stage: reason'})."""
    articles = {row[0] for row in con.execute(
        "SELECT unnest(paths) FROM raw_documents WHERE doc_id IN (SELECT doc_id FROM articles)").fetchall()}
    rejected = {path: f"{stage}: {reason}" for path, stage, reason in con.execute(
        "SELECT path, stage, reason FROM rejected_documents").fetchall()}
    return articles, rejected


def inspect(db: Path, raw: Path) -> Inspection:
    from pipelines.invariants import offending_rows
    from pipelines.warehouse import VIEWS_DIR, object_name, reading, sql_files

    found = Inspection()
    expected = [object_name(path) for path in sql_files(VIEWS_DIR)]
    with reading(db) as con:
        found.invariants = offending_rows(con)
        views = {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        found.views = len(views & set(expected))
        found.missing_views = [name for name in expected if name not in views]
        found.articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        articles, rejected = file_outcomes(con)
        for path in sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file()):
            outcome = "articles" if path in articles else "rejected" if path in rejected else None
            if outcome is None:
                found.no_outcome.append(path)
            found.per_corpus.setdefault(corpus_of(path), Counter())[outcome or "no outcome"] += 1
        found.reasons = con.execute(
            r"SELECT stage, regexp_replace(reason, '\d[\d,.]*', 'N', 'g') AS why, count(*), min(reason) "
            "FROM rejected_documents GROUP BY ALL ORDER BY 3 DESC, 1, 2").fetchall()
        has_column = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'article_extractions' "
                                 "AND column_name = 'left_out_reason'").fetchone()[0]
        if has_column:
            found.left_out = con.execute(
                "SELECT left_out_reason, count(*) FROM article_extractions WHERE left_out_reason IS NOT NULL "
                "GROUP BY ALL ORDER BY 2 DESC, 1").fetchall()
    return found


def report(runs: list[Run], written: dict[str, int], found: Inspection | None) -> list[str]:
    """Print the markdown report; the failures it shows."""
    failures = [f"{run.phase} run: exit {run.exit_code}, checks {run.checks}" for run in runs if not run.ok]
    print("\n| run | exit | wall s | peak RSS MiB | checks (CLI) |\n| --- | ---: | ---: | ---: | --- |")
    for run in runs:
        print(f"| {run.phase} | {run.exit_code} | {run.seconds:.1f} | {run.peak_mib:.0f} | {run.checks} |")
    for run in runs:
        for line in run.failed_checks:
            print(f"- {run.phase}: {line}")
    if found is None:
        print("\nNo published warehouse to inspect.")
        return failures + ["no published warehouse"]

    print("\n| corpus | files | articles | rejected | neither |\n| --- | ---: | ---: | ---: | ---: |")
    total = Counter()
    for corpus, files in written.items():
        counts = found.per_corpus.get(corpus, Counter())
        total.update({"files": files, **counts})
        print(f"| {corpus} | {files:,} | {counts['articles']:,} | {counts['rejected']:,} | {counts['no outcome']:,} |")
    print(f"| total | {total['files']:,} | {total['articles']:,} | {total['rejected']:,} | {total['no outcome']:,} |")
    print(f"\nArticles: {found.articles:,} (distinct contents; a file's content can be another file's).")
    for path in found.no_outcome[:20]:
        print(f"- neither an article nor rejected: {path}")

    print(f"\nRejected documents by stage and reason ({len(found.reasons)} reasons, numbers as N; top {TOP_REASONS}):\n")
    print("| stage | reason | files | example |\n| --- | --- | ---: | --- |")
    for stage, why, count, example in found.reasons[:TOP_REASONS]:
        print(f"| {stage} | {why} | {count:,} | {example if example != why else ''} |")

    if found.left_out is None:
        print("\nArticles left out of fact extraction: n/a (article_extractions has no left_out_reason column)")
    else:
        print(f"\nArticles left out of fact extraction: {sum(n for _, n in found.left_out):,}")
        for reason, count in found.left_out:
            print(f"- {reason}: {count:,}")

    nonzero = {name: count for name, count in found.invariants.items() if count}
    print(f"\nInvariants on the published warehouse: {len(found.invariants) - len(nonzero)} of "
          f"{len(found.invariants)} find no rows")
    for name, count in nonzero.items():
        print(f"- {name}: {count:,} offending rows")
    print(f"Views: {found.views} of {found.views + len(found.missing_views)} present"
          + (f"; missing: {', '.join(found.missing_views)}" if found.missing_views else ""))
    return failures + found.failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-corpus", type=int, help="a seeded sample of N documents a corpus (default: all)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workdir", type=Path, help="work directory (default: a new temp dir under /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--workers", type=int, help="the CLI's --workers (default: its own, 2)")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print(f"skipped: {CORPORA} is absent")
        return 0
    work = work_dir(args.workdir, "news-warehouse-sweep-")
    if work.resolve().is_relative_to(ROOT):
        raise SystemExit(f"error: the work dir {work} is inside the repo")
    raw, db = work / "raw", work / "warehouse" / "news.duckdb"
    print(f"command: python {' '.join(sys.argv)}")
    print(f"CPUs: {os.cpu_count()}, workers: {args.workers or 'default'}, work dir: {work}")
    written = write_corpora(raw, args.per_corpus, args.seed)
    print(f"wrote {sum(written.values()):,} files from {sum(1 for n in written.values() if n)} corpora "
          f"(per corpus: {args.per_corpus or 'all'}, seed {args.seed})")

    runs = [run_cli("fresh", work, raw, db, args.workers)]
    runs.append(run_cli("no-op", work, raw, db, args.workers))
    found = inspect(db, raw) if db.exists() else None
    failures = report(runs, written, found)
    print(f"\nResult: {'FAIL' if failures else 'PASS'}")
    for failure in failures:
        print(f"- {failure}")
    for run in runs:
        if run.exit_code != 0:
            print(f"\nThe end of the {run.phase} run's output:\n```\n" + "\n".join(run.output.splitlines()[-30:]) + "\n```")
    if args.keep:
        print(f"\nwork dir kept: {work} (the runs' output: fresh.log, no-op.log)")
    else:
        shutil.rmtree(work)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
