"""Share of mutants the suite kills, per module, from a random sample of each module's mutants.

Every mutant of refresh.py, ingest.py, cleaning/ and extraction/ costs 20-50 s on two cores (the
end-to-end tests cover almost every function), about 13,000 in all: a full `mutmut run` takes
days. A seeded sample of each module's mutants gives the figure, with its 95% interval, in about
an hour. checks.py is small: all of its mutants run.

    pip install -e '.[test,mutation]'
    python bench/mutation_sample.py --per-module 40 --seed 1
    python bench/mutation_sample.py --per-module 12 --children 1 --modules pipelines/refresh.py pipelines/ingest.py pipelines/assets/checks.py
    python bench/mutation_sample.py --report       # the table again, from mutants/ as it is

mutmut keeps its results in mutants/ (git-ignored); a mutant already run is not run again.
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

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
# Modules reported on their own line; every mutant of the last one runs.
GROUPS = {
    "pipelines/refresh.py": "pipelines.refresh.",
    "pipelines/ingest.py": "pipelines.ingest.",
    "pipelines/cleaning/": "pipelines.cleaning.",
    "pipelines/extraction/": "pipelines.extraction.",
    "pipelines/assets/checks.py": "pipelines.assets.checks.",
}
RUN_ALL = "pipelines/assets/checks.py"


def stored_results() -> dict[str, int | None]:
    """Every generated mutant and its exit code (None: not run yet)."""
    results: dict[str, int | None] = {}
    for meta in MUTANTS.rglob("*.meta"):
        results.update(json.loads(meta.read_text())["exit_code_by_key"])
    return results


def group_of(mutant: str) -> str | None:
    return next((group for group, prefix in GROUPS.items() if mutant.startswith(prefix)), None)


def mutmut_run(names: list[str], children: int) -> None:
    subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *names],
                   cwd=ROOT, check=False)


def sample(per_module: int, seed: int, groups: list[str], run_all: str | None = RUN_ALL) -> list[str]:
    """The sampled mutants of `groups`: `per_module` from each (sorted names, seeded), all of `run_all`."""
    by_group: dict[str, list[str]] = {}
    for mutant in sorted(stored_results()):
        if (group := group_of(mutant)) in groups:
            by_group.setdefault(group, []).append(mutant)
    chosen = []
    for group, mutants in by_group.items():
        chosen += mutants if group == run_all else random.Random(seed).sample(mutants, min(per_module, len(mutants)))
    return chosen


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """95% Wilson score interval of a share."""
    if trials == 0:
        return 0.0, 1.0
    z, p = 1.96, successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def report(chosen: list[str] | None) -> None:
    """One line per group: mutants generated and run, each outcome, and the killed share."""
    results = stored_results()
    generated = Counter(group_of(m) for m in results)
    print("| module | mutants | run | killed | timeout | survived | no tests | killed share (95% interval) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for group in GROUPS:
        ran = [m for m in (chosen or results) if group_of(m) == group and results.get(m) is not None]
        outcomes = Counter(status_by_exit_code[results[m]] for m in ran)
        killed = outcomes["killed"]
        low, high = wilson(killed, len(ran))
        share = f"{killed / len(ran):.0%} ({low:.0%}-{high:.0%})" if ran else "-"
        print(f"| `{group}` | {generated[group]} | {len(ran)} | {killed} | {outcomes['timeout']} | "
              f"{outcomes['survived']} | {outcomes['no tests']} | {share} |")
    others = {k: v for k, v in Counter(status_by_exit_code[results[m]] for m in (chosen or results)
                                       if results.get(m) is not None).items()
              if k not in ("killed", "timeout", "survived", "no tests")}
    if others:
        print("other outcomes:", dict(others))


FRESH_RESULTS = MUTANTS / "fresh-process-results.json"


def run_in_fresh_processes(names: list[str], seconds: float, jobs: int) -> None:
    """Each mutant's covering tests (from mutmut's stats) in a new pytest process with the mutant
    switched on by MUTANT_UNDER_TEST, instead of mutmut's fork of a process whose threads (polars,
    DuckDB, jemalloc) leave locks behind that the child then waits on for ever or crashes on.
    `jobs` mutants run at once. Results go to FRESH_RESULTS: killed, survived, timeout or no tests."""
    from mutmut.utils.format_utils import mangled_name_from_mutant_name

    stats = json.loads((MUTANTS / "mutmut-stats.json").read_text())
    tests_of, seconds_of = stats["tests_by_mangled_function_name"], stats["duration_by_test"]
    results = json.loads(FRESH_RESULTS.read_text()) if FRESH_RESULTS.exists() else {}
    env = {**os.environ, "PYTHONPATH": str(MUTANTS), "PY_IGNORE_IMPORTMISMATCH": "1"}
    recording = threading.Lock()

    def outcome(name: str) -> str:
        # The quickest first: the run stops at the first failure.
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
        result = outcome(name)
        with recording:
            results[name] = result
            print(f"{name}: {result}", flush=True)
            FRESH_RESULTS.write_text(json.dumps(results, indent=1))

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(run_one, [name for name in names if name not in results]))


def report_fresh(chosen: list[str] | None) -> None:
    """The FRESH_RESULTS table, one line per group."""
    results = json.loads(FRESH_RESULTS.read_text()) if FRESH_RESULTS.exists() else {}
    print("| module | run | killed | timeout | survived | no tests | killed share (95% interval) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for group in GROUPS:
        outcomes = Counter(v for m, v in results.items() if group_of(m) == group and (chosen is None or m in chosen))
        ran = sum(outcomes.values())
        low, high = wilson(outcomes["killed"], ran)
        share = f"{outcomes['killed'] / ran:.0%} ({low:.0%}-{high:.0%})" if ran else "-"
        print(f"| `{group}` | {ran} | {outcomes['killed']} | {outcomes['timeout']} | {outcomes['survived']} | "
              f"{outcomes['no tests']} | {share} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-module", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--children", type=int, default=2, help="mutants run at once (mutmut's children, or fresh processes)")
    parser.add_argument("--report", action="store_true", help="print the table from mutants/ and stop")
    parser.add_argument("--modules", nargs="+", choices=list(GROUPS), default=list(GROUPS),
                        help="sample these modules only (default: all)")
    parser.add_argument("--fresh-processes", action="store_true",
                        help="run each sampled mutant's tests in a new process (needs mutants/ from a mutmut run)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per mutant with --fresh-processes")
    args = parser.parse_args()
    if args.report:
        report_fresh(None) if args.fresh_processes else report(None)
        return
    if args.fresh_processes:
        chosen = sample(args.per_module, args.seed, args.modules)
        chosen.sort(key=lambda m: list(GROUPS).index(group_of(m)))  # module by module
        run_in_fresh_processes(chosen, args.timeout, args.children)
        report_fresh(chosen)
        return
    if not stored_results():
        # mutmut generates every module's mutants on its first run; checks.py's all run anyway.
        mutmut_run([GROUPS[RUN_ALL] + "*"], args.children)
    chosen = sample(args.per_module, args.seed, args.modules)
    mutmut_run(chosen, args.children)
    report(chosen)


if __name__ == "__main__":
    main()
