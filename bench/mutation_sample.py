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
import random
import subprocess
import sys
from collections import Counter
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


def sample(per_module: int, seed: int, groups: list[str]) -> list[str]:
    """The sampled mutants of `groups`: `per_module` from each (sorted names, seeded), all of RUN_ALL."""
    by_group: dict[str, list[str]] = {}
    for mutant in sorted(stored_results()):
        if (group := group_of(mutant)) in groups:
            by_group.setdefault(group, []).append(mutant)
    chosen = []
    for group, mutants in by_group.items():
        chosen += mutants if group == RUN_ALL else random.Random(seed).sample(mutants, min(per_module, len(mutants)))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-module", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--children", type=int, default=2, help="mutants run at once")
    parser.add_argument("--report", action="store_true", help="print the table from mutants/ and stop")
    parser.add_argument("--modules", nargs="+", choices=list(GROUPS), default=list(GROUPS),
                        help="sample these modules only (default: all)")
    args = parser.parse_args()
    if args.report:
        report(None)
        return
    if not stored_results():
        # mutmut generates every module's mutants on its first run; checks.py's all run anyway.
        mutmut_run([GROUPS[RUN_ALL] + "*"], args.children)
    chosen = sample(args.per_module, args.seed, args.modules)
    mutmut_run(chosen, args.children)
    report(chosen)


if __name__ == "__main__":
    main()
