"""How fast is a hostile scenario refused? (issue 16: every refusal in under 100 ms)

Each case of the fuzz generator (tests/fuzz_inputs.py) is written to a file and read with
`debtopt.load_scenario`, timed with time.perf_counter as the best of N runs; the baseline is
loading the bundled zhang-san.toml (a valid scenario of 4 loans and 5 offers) in the same run.
Prints, per category, how many cases were refused, the median and the slowest time and the
slowest as a ratio to the baseline, and writes the table to benchmarks/results/refusal_speed.md.
Target: the slowest case of every category under 100 ms.

    python benchmarks/refusal_speed.py [--seed 16] [--count 1100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from debtopt.domain import load_scenario
from debtopt.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from fuzz_inputs import CATEGORIES, fuzz_cases  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "refusal_speed.md"
TARGET_MS = 100.0


def best_ms(path: Path, repeat: int) -> tuple[float, bool]:
    """The best of `repeat` loads, in milliseconds, and whether the file was refused."""
    best, refused = float("inf"), False
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            load_scenario(path)
        except ScenarioError:
            refused = True
        best = min(best, (time.perf_counter() - start) * 1000)
    return best, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--count", type=int, default=1100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    baseline, _ = best_ms(ROOT / "examples" / "zhang-san.toml", max(args.repeat, 5))
    times: dict[str, list[float]] = defaultdict(list)
    refused: dict[str, int] = defaultdict(int)
    slowest: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        for case in fuzz_cases(args.seed, args.count):
            ms, was_refused = best_ms(case.write(Path(folder)), args.repeat)
            if not times[case.category] or ms > max(times[case.category]):
                slowest[case.category] = case.description[:60]
            times[case.category].append(ms)
            refused[case.category] += was_refused
    lines = [
        f"# Refusal speed ({args.count} fuzz cases, seed {args.seed}, best of {args.repeat}; "
        f"Python {platform.python_version()})",
        "",
        f"Baseline: loading examples/zhang-san.toml, {baseline:.2f} ms. Target: every case under {TARGET_MS:.0f} ms.",
        "",
        "| category | cases | refused | median ms | slowest ms | slowest / baseline | slowest case |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for category in CATEGORIES:
        values = times[category]
        worst = max(values)
        flag = "" if worst < TARGET_MS else " (over target)"
        lines.append(f"| {category} | {len(values)} | {refused[category]} | {statistics.median(values):.2f} | "
                     f"{worst:.1f}{flag} | {worst / baseline:.1f} | {slowest[category]} |")
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
