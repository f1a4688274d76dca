"""The adjoint program: every gradient as shared straight-line code, equal to sympy.diff."""

from __future__ import annotations

import random

import numpy as np
import sympy

import gradviz
from gradviz.nn import XOR_DATA, mlp
from gradviz.eval.symbolic import count_operations


def _agrees_with_diff(graph, points: int = 3) -> None:
    program, expr = graph.symbolic.program, graph.expression()
    rng = random.Random(1)
    for _ in range(points):
        at = {s: rng.uniform(0.5, 1.5) for s in program.inputs}
        value, gradient = program.evaluate(at)
        assert abs(value - float(expr.xreplace(at))) < 1e-9
        for symbol, g in zip(program.inputs, gradient):
            assert abs(g - float(sympy.diff(expr, symbol).xreplace(at))) < 1e-9


def test_lecture_program_reads_like_the_slide_and_agrees_with_diff() -> None:
    graph = gradviz.parse("(θ1θ2x − y)²")
    program = graph.symbolic.program
    assert [str(s) for s in program.inputs] == list(graph.inputs)
    assert str(program.forward[0][0]) == "a" and str(program.gradients[0]) == "∂L/∂θ1"
    _agrees_with_diff(graph)


def test_the_program_leaves_the_shared_views_evaluated() -> None:
    """The program is built unevaluated; the local derivatives it uses are memoised and shared by every graph of the
    same formula, so they are made evaluated: the lecture's derivation reads 2c afterwards, not 2c^(2 − 1)."""
    graph = gradviz.parse("(θ1θ2x − y)²")
    assert graph.symbolic.program.forward
    again = gradviz.parse("(θ1θ2x − y)²").forward_mode({"θ1": 2, "θ2": -1, "x": 3, "y": 1}, wrt="θ1")
    assert "∂L/∂θ1 = ∂L/∂c · ∂c/∂θ1 = 2c · xθ2 = 2cxθ2 = −14 × (−3) = 42" in again.derivation().text


def test_mlp_program_is_linear_in_the_graph_and_agrees_with_diff() -> None:
    graph = mlp((2, 2, 1), "tanh", "mse", data=XOR_DATA, expanded=True).graph
    program = graph.symbolic.program
    assert program.size() < 4 * len(graph)
    assert len(program.assignments) < 2 * len(graph)
    _agrees_with_diff(graph, points=1)


def test_numpy_function_evaluates_a_grid_in_one_call() -> None:
    graph = gradviz.parse("(θ1θ2x − y)²")
    f = graph.symbolic.program.function("numpy")
    t1, t2 = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-2, 2, 4))
    value, (g1, g2, gx, gy) = f(t1, t2, 3.0, 1.0)
    assert value.shape == g1.shape == (4, 5)
    np.testing.assert_allclose(value, (3 * t1 * t2 - 1) ** 2)
    np.testing.assert_allclose(g1, 2 * (3 * t1 * t2 - 1) * 3 * t2)


def test_a_formula_without_inputs_has_an_empty_backward_program() -> None:
    program = gradviz.parse("2*3").symbolic.program
    assert program.backward == () and program.evaluate({}) == (6.0, ())


def test_count_operations_counts_the_tree() -> None:
    x, y = sympy.symbols("x y")
    assert count_operations(x * y + sympy.tanh(x) + 1) == 4


def test_a_report_without_expanded_gradients_gives_the_program_and_it_computes_the_gradient() -> None:
    """Each statement used three times: 2^38 chain-rule paths, so ``grad`` leaves the expanded
    forms out and prints the adjoint program instead, one line an adjoint; evaluated line by line
    (each right side through gradviz's own parser, the adjoints as inputs) it gives central
    differences' gradient."""
    from gradviz.outputs.report import adjoint_program, grad_table

    text = "a1 = x*y; " + "; ".join(f"a{k} = a{k - 1}*x + 0.1*a{k - 1}*a{k - 1} + y" for k in range(2, 39))
    graph = gradviz.parse(text)
    at = {"x": 0.5, "y": 0.1}
    result = graph.backward(at)
    assert not result.has_symbolic and "backward as a program" in grad_table(result)
    lines = adjoint_program(result)
    names = [line.split(" = ", 1)[0] for line in lines]
    assert len(names) == len(set(names)) and names[0] == "∂a38/∂a38"
    values = {graph.nodes[nid].name: v for nid, v in result.values.items()}
    stand_in = {f"∂a38/∂{name}": f"ψ{k}" for k, name in enumerate(values)}  # adjoints as names the parser reads
    adjoint_of = {v: k for k, v in stand_in.items()}
    adjoint: dict[str, float] = {}
    for line in lines:
        name, right = line.split(" = ", 1)
        for symbol in sorted(stand_in, key=len, reverse=True):
            right = right.replace(symbol, stand_in[symbol])
        expr = gradviz.parse(right)
        known = {n: adjoint[adjoint_of[n]] if n in adjoint_of else values[n] for n in expr.inputs}
        adjoint[name] = expr.backward(known).value if expr.inputs else float(right)

    def f(x: float, y: float) -> float:
        a = x * y
        for _ in range(2, 39):
            a = a * x + 0.1 * a * a + y
        return a

    h = 1e-6
    for name, (dx, dy) in {"x": (h, 0), "y": (0, h)}.items():
        numeric = (f(0.5 + dx, 0.1 + dy) - f(0.5 - dx, 0.1 - dy)) / (2 * h)
        assert abs(adjoint[f"∂a38/∂{name}"] - numeric) < 1e-5 * max(1.0, abs(numeric))
