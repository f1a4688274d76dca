"""Calibration of the simplification budget (``gradviz/derive/cost.py``): every simplification a
derivation asks for (``derive.forms``), over lecture graphs and generated ones, with its estimate
(``simplify_cost``), the expression's size (operations), distinct symbols and depth, against the
measured CPU time of the simplification itself, each stopped after ``limit`` seconds.

Every call is measured, within the budget or beyond it (the forms then go on as shipped); a call
past the limit counts as ``> limit``. Then, with the budget as shipped, the wall-clock time of whole
derivations (``r.derivation().markdown``) of generated graphs. Run:
``python bench/simplify_cost.py [limit seconds]``; prints Markdown (``bench/SIMPLIFY.md``): the
derivations, every measured call binned by its estimate, then the slowest calls.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sympy  # noqa: E402

import gradviz  # noqa: E402
from common import answer_within  # noqa: E402
from gradviz.derive import cost, forms  # noqa: E402
from gradviz.eval.symbolic import count_operations  # noqa: E402


def rnn(n: int) -> str:
    return "; ".join([f"h{t} = tanh(w h{t - 1} + u x{t})" for t in range(1, n + 1)] + [f"L = (h{n} - y)^2"])


def chain(n: int) -> str:
    return "; ".join(["a1 = tanh(x)"] + [f"a{k} = tanh(a{k - 1})" for k in range(2, n + 1)])


def nest(n: int) -> str:
    text = "sin(x)"
    for _ in range(n):
        text = f"tanh({text})"
    return text


LECTURE = [
    "(θ1θ2x − y)²",
    "p = σ(w1 x1 + w2 x2 + b); L = −y log(p) − (1 − y) log(1 − p)",
    "z1 = w1 x + b1; z2 = w2 x + b2; z3 = w3 x + b3; e1 = exp(z1); e2 = exp(z2); e3 = exp(z3); s = e1 + e2 + e3;"
    " p1 = e1/s; p2 = e2/s; p3 = e3/s; L = −(y1 log(p1) + y2 log(p2) + y3 log(p3))",
    "h1 = σ(w1 i1 + w2 i2 + b1); h2 = σ(w3 i1 + w4 i2 + b1); o1 = σ(w5 h1 + w6 h2 + b2);"
    " o2 = σ(w7 h1 + w8 h2 + b2); E = ½(t1 − o1)² + ½(t2 − o2)²",
    "x·y + x/y − (x − y)/(x + y)",
    "c = σ(f)·c0 + σ(i)·tanh(g); h = σ(o)·tanh(c); L = (h − y)²",
    "a = tanh(w x + b); L = (a − y)^2",
]
GENERATED = ([rnn(n) for n in (2, 3, 4, 5, 6, 8)] + [chain(n) for n in (4, 8, 10, 12, 14)]
             + [nest(n) for n in (4, 8, 10, 12, 14)])


class _Stopped(Exception):
    pass


def _stop(signum, frame):  # noqa: ANN001 - a signal handler
    raise _Stopped


def depth(expr) -> int:  # noqa: ANN001
    best, stack = 0, [(expr, 1)]
    while stack:
        e, d = stack.pop()
        best = max(best, d)
        stack.extend((a, d + 1) for a in e.args)
    return best


def measure(limit: float) -> list[tuple[int, int, int, int, float | None, str]]:
    """(estimate, operations, symbols, depth, seconds or None past the limit, formula) per call."""
    rows = []
    current = [""]

    def timed(expr):  # noqa: ANN001 - stands in for forms._simpler
        estimate = cost.simplify_cost(expr)
        signal.signal(signal.SIGALRM, _stop)
        signal.setitimer(signal.ITIMER_REAL, limit)
        start = time.process_time()
        try:  # what the budget guards: cancel, then factor_terms (whether or not forms takes that path)
            sympy.factor_terms(sympy.cancel(expr))
            spent = time.process_time() - start
        except _Stopped:
            spent = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        rows.append((estimate, count_operations(expr), len(expr.free_symbols), depth(expr), spent, current[0]))
        return original(expr)  # the forms go on as shipped

    original = forms._simpler
    forms._simpler = timed
    try:
        for formula in LECTURE + GENERATED:
            current[0] = formula if len(formula) < 40 else formula[:37] + "…"
            g = gradviz.parse(formula)
            forms.forms_of(g)
    finally:
        forms._simpler = original
    return rows


BINS = (0, 25, 50, 100, 200, 400, 800, 1600, 3200, 10**4, 10**5, 10**10)


def table(rows, limit: float) -> str:  # noqa: ANN001
    out = ["| estimate | calls | median s | max s | past limit |", "|---|---|---|---|---|"]
    for low, high in zip(BINS, BINS[1:]):
        got = [r for r in rows if low <= r[0] < high]
        if not got:
            continue
        times = sorted(r[4] for r in got if r[4] is not None)
        past = sum(r[4] is None for r in got)
        median = f"{times[len(times) // 2]:.3f}" if times else "—"
        most = f"{times[-1]:.3f}" if times else "—"
        out.append(f"| {low:,}–{high - 1:,} | {len(got)} | {median} | {most} | {past} (> {limit:.0f} s) |")
    out += ["", "The slowest calls:", "", "| estimate | operations | symbols | depth | seconds | formula |",
            "|---|---|---|---|---|---|"]
    slow = sorted(rows, key=lambda r: -(r[4] if r[4] is not None else 1e9))[:15]
    for r in slow:
        seconds = f"{r[4]:.3f}" if r[4] is not None else f"> {limit:.0f}"
        out.append(f"| {r[0]:,} | {r[1]} | {r[2]} | {r[3]} | {seconds} | `{r[5]}` |")
    return "\n".join(out)


def _derive(formula: str, answer) -> None:  # noqa: ANN001 - a child process
    graph = gradviz.parse(formula)
    result = graph.backward({name: 0.3 for name in graph.inputs})
    start = time.perf_counter()
    result.derivation().markdown
    answer.put(f"{time.perf_counter() - start:.2f}")


def derivation_seconds(formula: str, limit: float) -> str:
    """Wall-clock seconds of ``r.derivation().markdown`` with the budget as shipped, in a child."""
    return answer_within(_derive, (formula,), limit)


def derivations(limit: float) -> str:
    out = ["| graph | nodes | derivation (s) |", "|---|---|---|"]
    for label, formula in ([(f"rnn {n} steps", rnn(n)) for n in (2, 4, 8, 12)]
                           + [(f"tanh chain {n}", chain(n)) for n in (8, 16, 30, 100, 120)]
                           + [(f"tanh nest {n}", nest(n)) for n in (8, 15, 30)]):
        out.append(f"| {label} | {len(gradviz.parse(formula))} | {derivation_seconds(formula, limit)} |")
    return "\n".join(out)


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    print(derivations(60))
    print()
    print(table(measure(seconds), seconds))
