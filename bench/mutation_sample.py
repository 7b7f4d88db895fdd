"""Share of mutants the suite kills, per module, from a seeded sample of each module's mutants.

mutmut makes the mutants and maps each function to the tests that reach it; this script runs each
sampled mutant's tests in a new pytest process with the mutant switched on (MUTANT_UNDER_TEST).
mutmut's own runner forks every mutant from a process that has run the suite and holds polars',
DuckDB's and jemalloc's threads; the forked children wait for ever on locks those threads held, or
crash (docs/testing.md), so its verdicts here say nothing about the tests.

There are about 13,000 mutants, and one costs 10-60 s on two cores (end-to-end tests reach almost
every function of refresh.py and ingest.py): a seeded sample of each module gives the figure with
its 95% interval. checks.py is small: all of its mutants run.

    pip install -e '.[test,mutation]'
    python bench/mutation_sample.py --per-module 20 --seed 3 \\
        --modules pipelines/refresh.py pipelines/ingest.py pipelines/assets/checks.py
    python bench/mutation_sample.py --report       # the table again, from mutants/

mutants/ (git-ignored) holds the mutants, mutmut's map and the verdicts; a mutant with a verdict
is not run again. Delete mutants/ after changing the code or the tests.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
STATS = MUTANTS / "mutmut-stats.json"
RESULTS = MUTANTS / "fresh-process-results.json"
# Modules reported on their own line; every mutant of RUN_ALL runs.
GROUPS = {
    "pipelines/refresh.py": "pipelines.refresh.",
    "pipelines/ingest.py": "pipelines.ingest.",
    "pipelines/cleaning/": "pipelines.cleaning.",
    "pipelines/extraction/": "pipelines.extraction.",
    "pipelines/assets/checks.py": "pipelines.assets.checks.",
    "pipelines/invariants.py": "pipelines.invariants.",
    "pipelines/publishing.py": "pipelines.publishing.",
}
RUN_ALL = "pipelines/assets/checks.py"


def make_mutants() -> None:
    """Have mutmut generate the mutants and map functions to tests (about 10 minutes), and stop
    it before it runs any mutant: it is asked for one that does not exist, so it ends with
    "nothing matches"."""
    subprocess.run([sys.executable, "-m", "mutmut", "run", "pipelines.no_such_mutant"], cwd=ROOT, check=False)
    if not STATS.exists():
        sys.exit("mutmut made no map of tests (mutants/mutmut-stats.json): see its output above")


def generated_mutants() -> list[str]:
    """The names of every generated mutant, sorted."""
    return sorted(name for meta in MUTANTS.rglob("*.meta") for name in json.loads(meta.read_text())["exit_code_by_key"])


def group_of(mutant: str) -> str | None:
    return next((group for group, prefix in GROUPS.items() if mutant.startswith(prefix)), None)


def sample(per_module: int, seed: int, groups: list[str]) -> list[str]:
    """`per_module` mutants of each of `groups` (seeded), every mutant of RUN_ALL; module by module."""
    by_group: dict[str, list[str]] = {}
    for mutant in generated_mutants():
        if (group := group_of(mutant)) in groups:
            by_group.setdefault(group, []).append(mutant)
    chosen = []
    for group in GROUPS:
        mutants = by_group.get(group, [])
        chosen += mutants if group == RUN_ALL else random.Random(seed).sample(mutants, min(per_module, len(mutants)))
    return chosen


def run_mutants(names: list[str], seconds: float, jobs: int) -> None:
    """Each mutant's covering tests, quickest first, in a new pytest process that stops at the first
    failure; `jobs` at once. Verdicts go to RESULTS: killed, survived, timeout or no tests."""
    from mutmut.utils.format_utils import mangled_name_from_mutant_name

    stats = json.loads(STATS.read_text())
    tests_of, seconds_of = stats["tests_by_mangled_function_name"], stats["duration_by_test"]
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    env = {**os.environ, "PYTHONPATH": str(MUTANTS), "PY_IGNORE_IMPORTMISMATCH": "1"}
    recording = threading.Lock()

    def verdict(name: str) -> str:
        tests = sorted(tests_of.get(mangled_name_from_mutant_name(name), []), key=lambda t: (seconds_of.get(t, 0), t))
        if not tests:
            return "no tests"
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider",
                   "-p", "no:randomly", *tests]
        try:
            done = subprocess.run(command, cwd=MUTANTS, env={**env, "MUTANT_UNDER_TEST": name},
                                  capture_output=True, timeout=seconds, check=False)
        except subprocess.TimeoutExpired:
            return "timeout"
        return "survived" if done.returncode == 0 else "killed"

    def run_one(name: str) -> None:
        result = verdict(name)
        with recording:
            results[name] = result
            print(f"{name}: {result}", flush=True)
            RESULTS.write_text(json.dumps(results, indent=1))

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(run_one, [name for name in names if name not in results]))


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """95% Wilson score interval of a share."""
    if trials == 0:
        return 0.0, 1.0
    z, p = 1.96, successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def report(chosen: list[str] | None) -> None:
    """One line per module: mutants generated and run, each verdict, and the killed share."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    generated = Counter(group_of(m) for m in generated_mutants())
    print("| module | mutants | run | killed | timeout | survived | no tests | killed share (95% interval) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for group in GROUPS:
        outcomes = Counter(v for m, v in results.items() if group_of(m) == group and (chosen is None or m in chosen))
        ran = sum(outcomes.values())
        low, high = wilson(outcomes["killed"], ran)
        share = f"{outcomes['killed'] / ran:.0%} ({low:.0%}-{high:.0%})" if ran else "-"
        print(f"| `{group}` | {generated[group]} | {ran} | {outcomes['killed']} | {outcomes['timeout']} | "
              f"{outcomes['survived']} | {outcomes['no tests']} | {share} |")
    survivors = sorted(m for m, v in results.items() if v == "survived" and (chosen is None or m in chosen))
    if survivors:
        print("survivors (`mutmut show NAME`):", *survivors, sep="\n  ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-module", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per mutant")
    parser.add_argument("--modules", nargs="+", choices=list(GROUPS), default=list(GROUPS),
                        help="sample these modules only (default: all)")
    parser.add_argument("--report", action="store_true", help="print the table from mutants/ and stop")
    args = parser.parse_args()
    if args.report:
        report(None)
        return
    if not STATS.exists():
        make_mutants()
    chosen = sample(args.per_module, args.seed, args.modules)
    run_mutants(chosen, args.timeout, args.jobs)
    report(chosen)


if __name__ == "__main__":
    main()
