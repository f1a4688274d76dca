"""The long differential-fuzzing profile: ≥ 10,000 random expression trees in every syntax
form, checked against ``sympy.diff`` and central finite differences (tests/fuzzing.py).

    .venv/bin/python bench/fuzz.py                     # 10,000 examples
    .venv/bin/python bench/fuzz.py --examples 500 --symbolic-every 1

Prints the counts (compared, skipped near a kink, overflow reported, ill-posed: float rounding or
finite-difference noise beyond the tolerance; by syntax style) and exits 1 on the first
disagreement, with the formula. A disagreement found here becomes a regression test in
tests/test_fuzz.py.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402

import fuzzing  # noqa: E402

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the profile; 0 when every example agrees."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--symbolic-every", type=int, default=4,
                        help="also compare the symbolic gradient every N-th example (it is the slow part)")
    parser.add_argument("--max-leaves", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    counts: collections.Counter[str] = collections.Counter()
    start = time.perf_counter()

    @settings(max_examples=args.examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(fuzzing.cases(args.max_leaves), fuzzing.points())
    def profile(case, point) -> None:
        text, tree, style = case
        n = counts["examples"]
        counts["examples"] += 1
        outcome = fuzzing.check(text, tree, point, symbolic=n % args.symbolic_every == 0)
        counts[outcome.status] += 1
        counts[f"style {style}"] += 1
        counts["gradients checked"] += outcome.gradients
        for op in fuzzing.ops_of(tree):
            counts[f"op {op}"] += 1
        if n % 1000 == 999:
            print(f"  … {n + 1} examples, {time.perf_counter() - start:.0f} s", flush=True)

    import hypothesis

    failed = False
    try:
        hypothesis.seed(args.seed)(profile)()
    except AssertionError as exc:
        print(f"DISAGREEMENT: {exc}", file=sys.stderr)
        failed = True
    elapsed = time.perf_counter() - start
    print(f"{counts['examples']} examples in {elapsed:.0f} s")
    for key in ("compared", "gradients checked", "kink", "overflow", "ill-posed"):
        print(f"  {key:20s} {counts[key]}")
    for key in sorted(k for k in counts if k.startswith(("style ", "op "))):
        print(f"  {key:20s} {counts[key]}")
    missing = [op for op in fuzzing.SYNTAX_OPS if not counts[f"op {op}"]]
    if missing:
        print(f"ops never drawn: {', '.join(missing)}")
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
