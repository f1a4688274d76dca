"""Forward and backward against independent oracles: hand-written sympy expressions with
sympy.diff, central finite differences, and micrograd as a second autograd engine."""

from __future__ import annotations

import math

import pytest
import sympy as sp
from micrograd.engine import Value

import gradviz
from gradviz.errors import EvaluationError, GradvizError
from gradviz.ir.ops import OPS
from oracles import CASES, MICROGRAD_PROGRAM, R, finite_difference, is_close, micrograd_ops

LECTURE = "(θ1θ2x − y)²"
AT = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}


def test_at_least_fifty_oracle_cases_and_every_spelled_op_has_one() -> None:
    assert len(CASES) >= 50
    used = {n.op for text, _, _ in CASES + SPEC_CASES for n in gradviz.parse(text).nodes.values() if n.kind == "op"}
    builder_only = {"id", "softmax"}  # reached through gradviz.nn (tests/test_nn.py)
    assert used >= set(OPS) - builder_only


def _spec_cases() -> list[tuple[str, sp.Expr, dict[str, float]]]:
    """One case per op that text can spell: ``name(x, y, …)`` (and with its parameters), the
    oracle being sympy's own diff of the op's textbook sympy form, at a point in its sampling range."""
    cases, names = [], "x y z w q p".split()
    for spec in OPS.values():
        if not spec.names or spec.variadic:
            continue
        args = names[: spec.arity]
        ranges = list(spec.samples) + [(-2.5, 2.5)] * spec.arity
        point = {n: round(0.37 + 0.61 * k, 2) if ranges[k][0] < 0.37 + 0.61 * k < ranges[k][1] else
                 round((ranges[k][0] + ranges[k][1]) / 2 + 0.13, 2) for k, n in enumerate(args)}
        params = tuple(p.example for p in spec.params)
        text = f"{spec.names[0]}({', '.join(args + [str(float(p)) for p in params])})"
        cases.append((text, spec.sympy(tuple(R[n] for n in args), params), point))
    return cases


SPEC_CASES = _spec_cases()


@pytest.mark.parametrize("text, oracle, point", SPEC_CASES, ids=[c[0] for c in SPEC_CASES])
def test_every_spelled_op_matches_sympy_diff_and_finite_differences(text, oracle, point) -> None:
    test_gradients_match_sympy_diff_and_finite_differences(text, oracle, point)


@pytest.mark.parametrize("text, oracle, point", CASES, ids=[c[0][:40] for c in CASES])
def test_gradients_match_sympy_diff_and_finite_differences(text, oracle, point) -> None:
    graph = gradviz.parse(text)
    at = {name: point[name] for name in graph.inputs}
    result = graph.backward(at)
    subs = {R[name]: value for name, value in at.items()}
    assert is_close(result.value, float(oracle.subs(subs).evalf(30)))
    assert set(result.grad) == set(graph.inputs)
    for name in graph.inputs:
        expected = float(sp.diff(oracle, R[name]).subs(subs).evalf(30))
        assert is_close(result.grad[name], expected), (name, result.grad[name], expected)
        assert is_close(float(graph.gradient(name).subs(subs).evalf(30)), expected)
        fd = finite_difference(lambda p: graph.backward(p, symbolic=False).value, at, name)
        assert math.isclose(result.grad[name], fd, rel_tol=1e-5, abs_tol=1e-6), (name, result.grad[name], fd)


@pytest.mark.parametrize("text, oracle, point", CASES[:20], ids=[c[0][:40] for c in CASES[:20]])
def test_symbolic_gradient_equals_sympy_diff_exactly(text, oracle, point) -> None:
    graph = gradviz.parse(text)
    for name in graph.inputs:
        assert sp.simplify(graph.gradient(name) - sp.diff(graph.expression(), R[name])) == 0


def to_micrograd(graph, at):
    """Run the graph through micrograd (its own forward and backward)."""
    ops, values = micrograd_ops(), {}
    for nid, node in graph.nodes.items():
        if node.kind == "input":
            values[nid] = Value(float(at[node.name]))
        elif node.kind == "const":
            values[nid] = Value({"e": math.e, "π": math.pi}.get(node.name) or float(node.value))
        elif node.op == "powc":
            values[nid] = values[node.operands[0]] ** float(node.params[0])
        else:
            values[nid] = ops[node.op](*(values[o] for o in node.operands))
    out = values[graph.output_id]
    out.backward()
    return out.data, {graph.nodes[nid].name: values[nid].grad for nid in graph.nodes if graph.nodes[nid].kind == "input"}


def micrograd_cases():
    supported = set(micrograd_ops()) | {"powc"}
    return [c for c in CASES if {n.op for n in gradviz.parse(c[0]).nodes.values() if n.op} <= supported]


@pytest.mark.parametrize("text, oracle, point", micrograd_cases(), ids=lambda c: str(c)[:30])
def test_gradients_match_micrograd(text, oracle, point) -> None:
    graph = gradviz.parse(text)
    at = {name: point[name] for name in graph.inputs}
    value, grads = to_micrograd(graph, at)
    result = graph.backward(at)
    assert is_close(result.value, value)
    for name in graph.inputs:
        assert is_close(result.grad[name], grads[name])


def test_micrograd_readme_example_as_a_program() -> None:
    graph = gradviz.parse(MICROGRAD_PROGRAM)
    assert graph.output == "g" and graph.inputs == ("a", "b")
    result = graph.backward({"a": -4.0, "b": 2.0})
    assert f"{result.value:.4f}" == "24.7041"  # the numbers micrograd's README prints
    assert f"{result.grad['a']:.4f}" == "138.8338"
    assert f"{result.grad['b']:.4f}" == "645.5773"
    value, grads = to_micrograd(graph, {"a": -4.0, "b": 2.0})
    assert is_close(result.grad["a"], grads["a"]) and is_close(result.grad["b"], grads["b"])


def test_the_contract() -> None:
    g = gradviz.parse(LECTURE)
    assert g.inputs == ("θ1", "θ2", "x", "y") and g.output == "L"
    r = g.backward({"theta1": 2, "θ_2": -1, "x": 3, "y": 1})
    assert r.value == 49.0
    assert r.grad == {"θ1": 42.0, "θ2": -84.0, "x": 28.0, "y": 14.0}
    assert [s.name for s in r.steps] == ["L", "c", "b", "a"]
    assert sp.simplify(g.gradient("θ1") - sp.diff(g.expression(), R["θ1"])) == 0
    assert str(g.gradient("theta1")) == "2*x*θ2*(x*θ1*θ2 - y)"


def test_lecture_steps_match_the_slide() -> None:
    """∂L/∂c = 2c, ∂L/∂b = 2c, ∂L/∂a = 2cx, ∂L/∂θ1 = 2cxθ2, ∂L/∂θ2 = 2cxθ1."""
    g = gradviz.parse(LECTURE)
    r = g.backward(AT)
    c, x, a, t1, t2 = (R[n] for n in "c x a θ1 θ2".split())
    by_name = {s.name: s for s in r.steps}
    assert by_name["L"].upstream_expr == 1 and by_name["L"].contributions[0].value_expr == 2 * c
    assert by_name["c"].upstream_expr == 2 * c and by_name["b"].upstream_expr == 2 * c
    assert by_name["a"].upstream_expr == 2 * c * x
    to_theta = {g.nodes[k.operand].name: k for k in by_name["a"].contributions}
    assert to_theta["θ1"].value_expr == 2 * c * x * t2 and to_theta["θ1"].value == 42.0
    assert to_theta["θ2"].value_expr == 2 * c * x * t1 and to_theta["θ2"].local == 2.0
    assert g.chain("θ1") == [(2 * c, x, t2)]


def test_chain_and_expanded_text_as_the_slide_prints_them() -> None:
    from gradviz.text.lines import Chain, plain

    g = gradviz.parse(LECTURE)

    def chain(name: str, in_inputs: bool) -> str:
        return plain(Chain(tuple(g.chain(name)), g, in_inputs=in_inputs, joint="dot"))

    assert chain("θ1", False) == "2c·x·θ2"
    assert chain("θ1", True) == "2(θ1θ2x − y)·x·θ2"
    assert chain("y", True) == "−2(θ1θ2x − y)"


def test_fan_out_accumulates_running_sums() -> None:
    g = gradviz.parse("x·y + x/y")
    r = g.backward({"x": 3.0, "y": 2.0})
    assert r.grad["x"] == pytest.approx(2.0 + 0.5)
    sends_to_x = [k for s in r.steps for k in s.contributions if g.nodes[k.operand].name == "x"]
    assert [k.value for k in sends_to_x] == [0.5, 2.0]  # reverse topological: the division first
    assert [k.total for k in sends_to_x] == [0.5, 2.5]
    y = R["y"]
    assert sends_to_x[-1].total_expr == y + 1 / y


def test_exact_mode_gives_rationals() -> None:
    r = gradviz.parse("x/3 + y²").backward({"x": "1/2", "y": "2/3"}, exact=True)
    assert r.value == sp.Rational(1, 6) + sp.Rational(4, 9)
    assert r.grad == {"x": sp.Rational(1, 3), "y": sp.Rational(4, 3)}


def test_symbolic_only_without_values() -> None:
    r = gradviz.parse(LECTURE).backward()
    assert r.value is None and r.grad is None and r.steps[2].upstream_expr == 2 * R["c"]


def test_constant_subexpressions_get_no_steps() -> None:
    g = gradviz.parse("x^(1/2) + 2·3")
    r = g.backward({"x": 4.0})
    assert r.grad == {"x": pytest.approx(0.25)}
    pushed = {g.nodes[k.operand].kind for s in r.steps for k in s.contributions}
    assert pushed <= {"input", "op"}


@pytest.mark.parametrize(
    "text, at, fragment",
    [
        ("log(x)", {"x": -1}, "log of a non-positive number"),
        ("1/(x - y)", {"x": 1, "y": 1}, "division by zero"),
        ("sqrt(x)", {"x": 0}, "infinite"),
        ("exp(x)", {"x": 1e4}, "overflow"),
        ("exp(exp(x))", {"x": 7}, "overflow"),
        ("x^y", {"x": -2, "y": 0.5}, "negative base"),
        ("x + y", {"x": 1}, "missing value for y"),
        ("x + y", {"x": 1, "y": 2, "z": 3}, "unknown input"),
        ("x + y", {"x": 1, "y": "abc"}, "not a number"),
        ("x + y", {"x": 1, "y": float("nan")}, "not finite"),
        ("x + y", {"x": 1, "y": True}, "not a real number"),
        ("x + y", {"x": 1, "y": 2, "2+": 3}, "not a variable name"),
        ("θ1 + y", {"θ1": 1, "theta1": 2, "y": 0}, "given twice"),
    ],
)
def test_evaluation_errors_name_the_problem_and_node(text, at, fragment) -> None:
    with pytest.raises(EvaluationError, match=fragment) as info:
        gradviz.parse(text).backward(at)
    assert isinstance(info.value, ValueError)


def test_evaluation_error_names_the_node() -> None:
    with pytest.raises(EvaluationError) as info:
        gradviz.parse("L = log(b - y)").backward({"b": 1, "y": 2})
    assert info.value.node == "L" and "L = log(a)" in str(info.value) and "a = −1" in str(info.value)


def test_unknown_gradient_name_is_a_clean_error() -> None:
    with pytest.raises(GradvizError):
        gradviz.parse(LECTURE).gradient("q")


@pytest.mark.slow
def test_deep_and_long_inputs_work_without_recursion_errors() -> None:
    deep = "(" * 5000 + "x" + ")" * 5000 + "^2"
    assert gradviz.parse(deep).backward({"x": 3.0}).grad == {"x": 6.0}
    chain = "x" + "".join(f" + {i % 7}x" for i in range(20000))
    r = gradviz.parse(chain).backward({"x": 1.0}, symbolic=False)
    assert r.grad["x"] == 1 + sum(i % 7 for i in range(20000))
    nested = "tanh(" * 3000 + "x" + ")" * 3000
    value, derivative = 0.1, 1.0
    for _ in range(3000):  # the chain rule by hand, as an oracle
        value = math.tanh(value)
        derivative *= 1 - value * value
    assert gradviz.parse(nested).backward({"x": 0.1}).grad["x"] == pytest.approx(derivative, rel=1e-9)


def test_chain_rule_paths_are_counted_and_too_many_turn_the_symbolic_side_off() -> None:
    """``path_terms`` against networkx's own enumeration of edge paths (a^a has two edges into one
    node); x^x chained 38 times (2³⁸ paths) computes numbers only, at once, and says why."""
    import networkx as nx

    from gradviz.eval.backward import SYMBOLIC_PATHS, symbolic_by_default
    from gradviz.eval.paths import path_terms

    def powers(n: int) -> str:
        return "; ".join(["a1 = 2x"] + [f"a{k} = a{k - 1}^a{k - 1}" for k in range(2, n + 1)])

    for text in (powers(8), "(θ1θ2x − y)²", "a = x*y; b = a + x; L = a*b*y"):
        graph = gradviz.parse(text)
        expected = sum(len(list(nx.all_simple_edge_paths(graph.nx, nid, graph.output_id)))
                       if nid != graph.output_id else 1 for nid in graph.nodes)
        assert path_terms(graph) == expected
    assert path_terms(gradviz.parse(powers(38))) > 2**38 > SYMBOLIC_PATHS
    assert not symbolic_by_default(gradviz.parse(powers(38))) and symbolic_by_default(gradviz.parse(powers(8)))
