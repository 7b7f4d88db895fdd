"""Scale: `news-warehouse run` on N synthetic articles, fresh and incremental, against the targets.

    python bench/scale.py N [--workers 2] [--growth] [--workdir DIR] [--keep]
    python bench/scale.py 10000 --growth

Builds N distinct plain-text articles (a scraper's text dump: menu, date line, headline,
dateline, body paragraphs, footer; 1,000 files a folder) from the real texts in
../shared/corpora: each article takes its headline and lead from one source text
(extraction-dev's gold main texts, quotes-dev, ner-dev) and more paragraphs from two others,
all chosen by the article's number, so no two files are equal or near-identical. Then runs
the CLI as a user runs it, each run in a subprocess with its own DAGSTER_HOME in the work dir:
the repo's three-article sample (fresh, then a no-op: the baseline), fresh N, a no-op at N,
10 new files, 1,000 new files and 10 changed files; with --growth also 10 runs of 10 new
files on min(N, 1000) articles against a fresh build of the same files. For each run: wall
time, the peak summed RSS of the CLI's process tree (read from /proc every 0.1 s; what the
targets judge), its peak summed PSS (a page processes share counted once) and the
warehouse file's size, and the time the run took to publish its snapshot. Prints a markdown table
and the targets with PASS/FAIL. Nothing is
written into the repo. Skips cleanly (exit 0) when ../shared/corpora is absent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
FILES_PER_FOLDER = 1000
SEED = 20261122
PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024
MENUS = ["Home | World | Politics | Business | Science | Sport", "News  Opinion  Sport  Culture  Lifestyle",
         "Latest news | Most read | Video | Newsletters"]
WIRES = [("LONDON", "Reuters"), ("WASHINGTON", "AP"), ("PARIS", "AFP"), ("BERLIN", "dpa"), ("MINSK", "BelTA"),
         ("MOSCOW", "TASS"), ("KYIV", "UNIAN"), ("WARSAW", "PAP"), ("BRUSSELS", "Reuters"), ("NEW YORK", "AP")]
WEEKDAY_DATE = re.compile(r"\s+\w+day,\s+\w+ \d{1,2}, \d{4}$")  # quotes-dev headings end with their date


@dataclass
class Source:
    headline: str | None
    paragraphs: list[str]


def headline_of(lines: list[str]) -> str | None:
    """The first short, title-like line among the first four: capitalised, no date, time or byline, no
    final punctuation (the cleaner takes a headline ending in "?" or "!" for the lead)."""
    for line in lines[:4]:
        line = WEEKDAY_DATE.sub("", line)
        if (3 <= len(line.split()) <= 18 and line[0].isupper() and (line[-1].isalnum() or line[-1] in "'’)")
                and not re.search(r"\b(?:19|20)\d\d\b|\d:\d\d|\bby [A-Z]", line)
                and not line.lower().startswith(("by ", "via "))):
            return line
    return None


def load_sources() -> list[Source]:
    gold = json.loads((CORPORA / "extraction-dev/dragnet/ground-truth.json").read_text(encoding="utf-8"))
    texts = [page["articleBody"] for page in gold.values()]
    for name in ("quotes-dev/gum-quotes.jsonl", "ner-dev/re3d-dev.jsonl"):
        path = CORPORA / name
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    sources = []
    for text in texts:
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        # Prose only: long lines that end a sentence (too long to count as a menu repeated across files).
        prose = [line for line in lines if len(line) >= 120 and len(line.split()) >= 20 and line[-1] in ".!?\"'”’)"]
        if prose:
            sources.append(Source(headline_of(lines), prose))
    return sources


class Articles:
    """Article i, deterministic: the headline and lead of a primary source (a different one for
    consecutive i; "UPDATE r-" on the r-th pass over them) and paragraphs of two other sources."""

    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources
        self.primaries = [s for s in sources if s.headline and len(s.paragraphs) >= 2]
        random.Random(SEED).shuffle(self.primaries)

    def text(self, i: int) -> str:
        rng = random.Random(SEED * 1_000_003 + i)
        primary = self.primaries[i % len(self.primaries)]
        rounds = i // len(self.primaries)
        others = [s for s in rng.sample(self.sources, 3) if s is not primary][:2]
        per_source = rng.randint(250, 600) // 3
        body = []
        for n, source in enumerate([primary, *others]):
            start = 0 if n == 0 and rounds == 0 else rng.randrange(len(source.paragraphs))
            words = 0
            for paragraph in source.paragraphs[start:]:
                body.append(paragraph)
                words += len(paragraph.split())
                if words >= per_source:
                    break
        day = dt.datetime(2012, 1, 1, 6) + dt.timedelta(days=rng.randrange(1500), minutes=rng.randrange(900))
        place, wire = rng.choice(WIRES)
        body[0] = f"{place}, {day.day} {day:%B} ({wire}) – {body[0]}"
        headline = f"UPDATE {rounds}-{primary.headline}" if rounds else primary.headline
        return "\n\n".join([rng.choice(MENUS), f"{day.day} {day:%B %Y, %H:%M}", headline, *body,
                            f"© {day.year} {wire}. All rights reserved.", ""])


def article_path(raw: Path, i: int) -> Path:
    return raw / f"{i // FILES_PER_FOLDER:04d}" / f"article_{i:07d}.txt"


def write_articles(articles: Articles, raw: Path, indices: range, paths: list[Path] | None = None) -> None:
    """Write articles `indices` under raw/ (to `paths` when given: rewriting existing files)."""
    for n, i in enumerate(indices):
        path = paths[n] if paths else article_path(raw, i)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(articles.text(i), encoding="utf-8")


def tree_pids(root: int) -> list[int]:
    """`root` and all its descendants, from /proc."""
    parent = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue  # gone meanwhile
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, ppid in parent.items() if ppid in frontier and pid not in tree]
        tree.update(children)
        frontier = children
    return sorted(tree)


def tree_memory(root: int, pss: bool = False) -> tuple[int, int]:
    """Summed resident memory (bytes) of `root` and all its descendants, from /proc: RSS, in which
    pages that processes share count once in each of them, and with `pss` (else 0) PSS, in which a
    page shared by n processes counts 1/n in each (/proc/<pid>/smaps_rollup), so its sum is what
    the tree takes."""
    total_rss = total_pss = 0
    for pid in tree_pids(root):
        total_rss += _field(f"/proc/{pid}/stat", lambda text: int(text.rsplit(")", 1)[1].split()[21]) * PAGE)
        if pss:
            total_pss += _field(f"/proc/{pid}/smaps_rollup", lambda text: 1024 * int(text.split("\nPss:", 1)[1].split()[0]))
    return total_rss, total_pss


def _field(path: str, parse) -> int:
    try:
        return parse(Path(path).read_text())
    except (OSError, IndexError, ValueError):
        return 0  # gone meanwhile


def work_dir(requested: Path | None, prefix: str) -> Path:
    """The --workdir given (it must be empty), else a new temp dir under /tmp."""
    if requested and requested.exists() and any(requested.iterdir()):
        raise SystemExit(f"error: --workdir {requested} is not empty")
    return requested.absolute() if requested else Path(tempfile.mkdtemp(prefix=prefix))


def run_measured(command: list[str], cwd: Path, env: dict[str, str], log: Path,
                 peaks: dict[str, int] | None = None) -> tuple[int, float, int]:
    """Run `command` with its output into `log`: (exit code, wall seconds, peak summed RSS in bytes
    of its process tree, read from /proc every 0.1 s). With `peaks`, also its peak summed PSS
    there ("pss")."""
    peak = peak_pss = 0
    with log.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        while process.poll() is None:
            rss, pss = tree_memory(process.pid, pss=peaks is not None)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(0.1)
        seconds = time.perf_counter() - started
    if peaks is not None:
        peaks["pss"] = peak_pss
    return process.returncode, seconds, peak


@dataclass
class Run:
    phase: str
    articles: int
    seconds: float
    peak_mib: float
    warehouse_mb: float
    per_article: int = 0  # articles the per-article figure divides by (0: not shown)
    publish_seconds: float | None = None  # as the run reports it ("Published ... in 1.23 s.")
    peak_pss_mib: float = 0.0

    @property
    def ms_per_article(self) -> float:
        return 1000 * self.seconds / self.per_article


def run_cli(phase: str, site: Path, raw: Path, articles: int, workers: int, per_article: int = 0) -> Run:
    """One `news-warehouse run` (this checkout's CLI) with the site's own DAGSTER_HOME and warehouse."""
    db = site / "news.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(site / "dagster_home"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "pipelines.cli", "run", "--raw", str(raw), "--warehouse", str(db),
               "--workers", str(workers)]
    log = site / f"{phase.replace(' ', '_').replace(',', '')}.log"
    peaks: dict[str, int] = {}
    returncode, seconds, peak = run_measured(command, site, env, log, peaks)
    if returncode != 0:
        print(log.read_text(errors="replace"))
        raise SystemExit(f"error: {phase}: `{' '.join(command)}` exited {returncode} (log {log})")
    published = re.search(r"Published .* in ([\d.]+) s\.", log.read_text(errors="replace"))
    return Run(phase, articles, seconds, peak / MIB, db.stat().st_size / 1e6, per_article,
               float(published.group(1)) if published else None, peak_pss_mib=peaks["pss"] / MIB)


def sanity(site: Path) -> str:
    """What the cleaner made of the synthetic files: titles, dates, outlets, near-duplicates."""
    import duckdb

    con = duckdb.connect(str(site / "news.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT count(*), count(title), count(published_date), count(outlet), "
                          "count(near_duplicate_of), round(avg(word_count)) FROM articles").fetchone()
    finally:
        con.close()
    return "articles {}, with title {}, with date {}, with outlet {}, near-duplicates {}, mean words {:.0f}".format(*row)


def check(label: str, measured: str, ok: bool) -> None:
    print(f"- {label}: {measured} {'PASS' if ok else 'FAIL'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--growth", action="store_true", help="also 10 runs of 10 new files against a fresh build")
    parser.add_argument("--workdir", type=Path, help="work directory (default: a new temp dir under /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    if args.n < 10:
        parser.error("N must be at least 10")
    if not CORPORA.is_dir():
        print(f"skipped: {CORPORA} is absent")
        return 0
    work = work_dir(args.workdir, "news-warehouse-scale-")
    n, workers = args.n, args.workers
    print(f"command: python {' '.join(sys.argv)}")
    print(f"CPUs: {os.cpu_count()}, workers: {workers}, work dir: {work}")

    started = time.perf_counter()
    articles = Articles(load_sources())
    main_site = work / "main"
    raw = main_site / "raw"
    write_articles(articles, raw, range(n))
    print(f"built {n} articles in {time.perf_counter() - started:.1f} s "
          f"({len(articles.sources)} source texts, {len(articles.primaries)} with a headline)\n")

    sample = work / "sample"
    shutil.copytree(ROOT / "raw", sample / "raw")
    runs = [run_cli("sample fresh", sample, sample / "raw", 3, workers),
            run_cli("sample no-op", sample, sample / "raw", 3, workers),
            run_cli(f"fresh {n}", main_site, raw, n, workers, per_article=n)]
    print(sanity(main_site))
    runs.append(run_cli(f"no-op {n}", main_site, raw, n, workers))
    write_articles(articles, raw, range(n, n + 10))
    runs.append(run_cli("10 new", main_site, raw, n + 10, workers))
    write_articles(articles, raw, range(n + 10, n + 1010))
    runs.append(run_cli("1,000 new", main_site, raw, n + 1010, workers, per_article=1000))
    changed = [article_path(raw, k * (n // 10)) for k in range(10)]
    write_articles(articles, raw, range(n + 1010, n + 1020), changed)
    runs.append(run_cli("10 changed", main_site, raw, n + 1010, workers))

    if args.growth:
        m = min(n, 1000)
        grown, rebuilt = work / "growth", work / "growth-fresh"
        rebuilt.mkdir()
        write_articles(articles, grown / "raw", range(m))
        runs.append(run_cli(f"growth: fresh {m}", grown, grown / "raw", m, workers))
        for step in range(10):
            write_articles(articles, grown / "raw", range(m + 10 * step, m + 10 * step + 10))
            runs.append(run_cli(f"growth: 10 new ({step + 1} of 10)", grown, grown / "raw", m + 10 * step + 10, workers))
        runs.append(run_cli(f"growth: fresh build of the same {m + 100}", rebuilt, grown / "raw", m + 100, workers))

    print("\n| phase | articles in raw/ | wall s | per-article ms | peak RSS MiB | peak PSS MiB | warehouse MB | publish s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in runs:
        per = f"{r.ms_per_article:.1f}" if r.per_article else ""
        publish = f"{r.publish_seconds:.2f}" if r.publish_seconds is not None else ""
        print(f"| {r.phase} | {r.articles:,} | {r.seconds:.2f} | {per} | {r.peak_mib:.0f} | {r.peak_pss_mib:.0f} | {r.warehouse_mb:.1f} | {publish} |")

    by = {r.phase: r for r in runs}
    base, fresh, noop = by["sample no-op"], by[f"fresh {n}"], by[f"no-op {n}"]
    new10, new1000 = by["10 new"], by["1,000 new"]
    print("\nTargets:")
    check(f"no-op at {n:,} within 1.5 s of the sample no-op",
          f"{noop.seconds:.2f} s vs {base.seconds:.2f} s ({noop.seconds - base.seconds:+.2f} s)",
          noop.seconds - base.seconds <= 1.5)
    check("10 new within 3 s of the sample no-op",
          f"{new10.seconds:.2f} s vs {base.seconds:.2f} s ({new10.seconds - base.seconds:+.2f} s)",
          new10.seconds - base.seconds <= 3)
    check("1,000 new no slower per article than fresh",
          f"{new1000.ms_per_article:.1f} ms vs {fresh.ms_per_article:.1f} ms",
          new1000.ms_per_article <= fresh.ms_per_article)
    # Without a run's fixed cost (start-up, Dagster, checks: the no-op's time), which 1,000 articles
    # cannot spread as thin as N can.
    marginal_new = 1000 * (new1000.seconds - noop.seconds) / 1000
    marginal_fresh = 1000 * (fresh.seconds - base.seconds) / n
    check("1,000 new no slower per article than fresh, fixed cost of a run aside",
          f"{marginal_new:.1f} ms vs {marginal_fresh:.1f} ms", marginal_new <= marginal_fresh)
    check("peak RSS of the fresh run <= 1536 MiB", f"{fresh.peak_mib:.0f} MiB", fresh.peak_mib <= 1536)
    check("peak RSS of the no-op <= 600 MiB", f"{noop.peak_mib:.0f} MiB", noop.peak_mib <= 600)
    check("warehouse does not grow on the no-op", f"{fresh.warehouse_mb:.1f} MB -> {noop.warehouse_mb:.1f} MB",
          noop.warehouse_mb <= fresh.warehouse_mb)
    if new1000.publish_seconds is not None:
        check(f"publish at {n:,} articles within 2 s", f"{new1000.publish_seconds:.2f} s", new1000.publish_seconds <= 2)
        check("publish no more than 10% of the run that adds 1,000 files",
              f"{new1000.publish_seconds:.2f} s of {new1000.seconds:.2f} s ({new1000.publish_seconds / new1000.seconds:.0%})",
              new1000.publish_seconds <= 0.1 * new1000.seconds)
    if args.growth:
        grown_mb, fresh_mb = runs[-2].warehouse_mb, runs[-1].warehouse_mb
        check("grown warehouse within 5% of a fresh build",
              f"{grown_mb:.1f} MB vs {fresh_mb:.1f} MB (ratio {grown_mb / fresh_mb:.2f})",
              abs(grown_mb / fresh_mb - 1) <= 0.05)

    if args.keep:
        print(f"\nwork dir kept: {work}")
    else:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
