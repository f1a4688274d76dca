"""What simplifying an expression costs, estimated before sympy starts, and the budget.

``sympy.cancel`` brings a sum of fractions over one denominator and multiplies everything
out: a product of n binomials ``(1 − h₁²)(1 − h₂²)…`` becomes 2ⁿ monomials (a chain of 16
``tanh`` took over a minute). ``expanded_terms`` counts the monomials of the numerator and the
denominator that expansion would produce, from the expression's tree alone, in time linear in
its size; ``affordable`` compares it with ``SIMPLIFY_BUDGET``. The budget is calibrated against
measured times (``bench/simplify_cost.py``, ``bench/SIMPLIFY.md``): beyond it a derivation keeps
the chain form and the numbers, as ``grad`` writes adjoint programs."""

from __future__ import annotations

from typing import Any

import sympy

__all__ = ["SIMPLIFY_BUDGET", "NAMED_BUDGET", "expanded_terms", "simplify_cost", "affordable"]

SIMPLIFY_BUDGET = 100  # estimated monomials (``simplify_cost``) of one simplification: at most about 0.1 s measured
NAMED_BUDGET = 200  # symbols of a form written out in the user's quantities (longer ones are not built)
_CAP = 10**9  # estimates stop growing here (a tower of powers would count past any integer worth keeping)


def expanded_terms(expr: Any) -> tuple[int, int]:
    """(numerator, denominator) monomials of ``expr`` over one denominator, multiplied out: sums
    add (over the product of their denominators), products multiply, integer powers raise;
    function calls and other powers count as one generator."""
    if expr.is_Add:
        parts = [expanded_terms(a) for a in expr.args]
        numerator, denominator = 0, 1
        for k, (n, _) in enumerate(parts):
            others = 1
            for j, (_, d) in enumerate(parts):
                if j != k:
                    others = min(others * d, _CAP)
            numerator = min(numerator + n * others, _CAP)
        for _, d in parts:
            denominator = min(denominator * d, _CAP)
        return numerator, denominator
    if expr.is_Mul:
        numerator = denominator = 1
        for a in expr.args:
            n, d = expanded_terms(a)
            numerator, denominator = min(numerator * n, _CAP), min(denominator * d, _CAP)
        return numerator, denominator
    if expr.is_Pow and expr.exp.is_Integer:
        n, d = expanded_terms(expr.base)
        k = int(expr.exp)
        if k < 0:
            n, d, k = d, n, -k
        return _power(n, k), _power(d, k)
    return 1, 1


def _power(terms: int, k: int) -> int:
    """Monomials of a sum of ``terms`` monomials raised to ``k`` (at most C(terms + k − 1, k))."""
    if terms == 1:
        return 1
    out = 1
    for j in range(1, k + 1):  # C(terms + k − 1, k), built up without factorials
        out = min(out * (terms + j - 1) // j, _CAP)
    return out


def simplify_cost(expr: Any) -> int:
    """The estimate the budget is compared with: the monomials expansion would produce, over
    the expression and over the arguments of every function call in it (sympy simplifies those
    too); a tree too deep to walk costs more than any budget."""
    try:
        total = sum(expanded_terms(expr))
        for call in expr.atoms(sympy.Function):
            total += sum(sum(expanded_terms(a)) for a in call.args)
    except RecursionError:
        return _CAP
    return min(total, _CAP)


def affordable(expr: Any) -> bool:
    """Whether simplifying ``expr`` is within ``SIMPLIFY_BUDGET``."""
    return simplify_cost(expr) <= SIMPLIFY_BUDGET
