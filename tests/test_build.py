"""The Python building API: var/param with operators and functions, names, tracing."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

import gradviz
from gradviz import exp, leaky_relu, log, param, relu, sigmoid, tanh, trace, var
from gradviz.errors import GradvizError


def test_operators_build_the_parser_graph_node_for_node():
    θ1, θ2, x, y = var("θ1"), var("θ2"), var("x"), var("y")
    assert ((θ1 * θ2 * x - y) ** 2).graph() == gradviz.parse("(θ1θ2x − y)²")
    assert (2 * x + 1 / y).graph() == gradviz.parse("2x + 1/y")
    assert (-x ** 2).graph() == gradviz.parse("-x^2")
    assert (x ** y).graph() == gradviz.parse("x^y")
    assert (2 ** x).graph() == gradviz.parse("2^x")
    assert (x - 0.5).graph() == gradviz.parse("x - 0.5")
    assert (abs(x) / (1 - x)).graph() == gradviz.parse("abs(x) / (1 − x)")
    assert (+x).graph() == gradviz.parse("x")


def test_constants_are_exact_and_negative_literals_fold():
    x = var("x")
    graph = (x * 0.1 + (-2)).graph()
    constants = [n for n in graph.nodes.values() if n.kind == "const"]
    assert [c.value for c in constants] == [Fraction(1, 10), Fraction(-2)]
    assert (x ** 0.5).graph().nodes["n1"].params == (Fraction(1, 2),)


def test_functions_use_the_op_table():
    x = var("x")
    for fn, key in ((exp, "exp"), (log, "log"), (sigmoid, "sigmoid"), (tanh, "tanh"), (relu, "relu")):
        assert fn(x).graph().nodes["n1"].op == key
    node = leaky_relu(x, 0.2).graph().nodes["n1"]
    assert (node.op, node.params) == ("leaky_relu", (Fraction(1, 5),))
    assert sigmoid(2 * x).graph() == gradviz.parse("σ(2x)")
    assert exp(1).graph().nodes["n1"].op == "exp"  # numbers are welcome as arguments


def test_names_follow_textbook_spelling():
    assert var("theta_1").name == "θ1" and var(r"\theta_1").name == "θ1" and var("w2").name == "w2"
    for bad in ("ab", "2x", "exp", "", 3):
        with pytest.raises(GradvizError, match="name"):
            var(bad)


def test_intermediates_and_the_output_can_be_named():
    w, x = var("w"), var("x")
    z = (w * x).named("z")
    loss = (sigmoid(z) ** 2).named("loss")
    graph = loss.graph()
    assert graph.output == "loss"
    assert graph.node("z").op == "mul"
    assert [n.name for n in graph.nodes.values() if n.kind == "op"] == ["z", "a", "loss"]
    with pytest.raises(GradvizError, match="only an operation"):
        w.named("v")
    with pytest.raises(GradvizError, match="two different nodes"):
        ((w * x).named("z") + (w + x).named("z")).graph()
    with pytest.raises(GradvizError, match="two different nodes"):
        ((w * x).named("x") + 1).graph()
    with pytest.raises(GradvizError, match="cannot name"):
        (w * x).named("exp")


def test_an_expression_used_twice_is_one_node_that_fans_out():
    w, y = param("w", 0.3), var("y", 1.0)
    p = sigmoid(w).named("p")
    loss = -y * log(p) - (1 - y) * log(1 - p)
    graph = loss.graph()
    assert sum(n.op == "sigmoid" for n in graph.nodes.values()) == 1
    assert len(graph.consumers()[graph.node("p").id]) == 2
    other = sigmoid(w)  # an equal-looking but separate expression is a separate node
    assert sum(n.op == "sigmoid" for n in (other + other * sigmoid(w)).graph().nodes.values()) == 2


def test_values_parameters_and_backward():
    θ1, θ2 = param("θ1", 2), param("theta2", -1)
    x, y = var("x", 3), var("y", 1)
    L = (θ1 * θ2 * x - y) ** 2
    assert L.parameters == ("θ1", "θ2") and L.values == {"θ1": 2, "θ2": -1, "x": 3, "y": 1}
    result = L.backward()
    assert result.value == 49.0 and result.grad == {"θ1": 42.0, "θ2": -84.0, "x": 28.0, "y": 14.0}
    assert L.backward({"y": 0}).value == 36.0
    net = L.network()
    assert (net.graph, net.parameters, net.values) == (L.graph(), ("θ1", "θ2"), L.values)


def test_descent_runs_on_a_built_network():
    from gradviz.networks.descent import descend

    w, x, y = param("w", 0.0), var("x", 2.0), var("y", 1.0)
    net = ((w * x - y) ** 2).network()
    run = descend(net.graph, net.values, net.parameters, lr=0.05, steps=40)
    assert run.final["w"] == pytest.approx(0.5, abs=1e-3)


def test_conflicting_values_or_roles_are_errors():
    with pytest.raises(GradvizError, match="two values"):
        (var("x", 1) + var("x", 2)).graph()
    with pytest.raises(GradvizError, match="param"):
        (var("x") + param("x")).graph()


def test_gradients_agree_with_sympy():
    a, b = var("a"), var("b")
    L = tanh(a * b) + exp(-a) / (1 + b ** 2)
    A, B = sympy.symbols("a b")
    reference = sympy.tanh(A * B) + sympy.exp(-A) / (1 + B ** 2)
    graph = L.graph()
    for name, symbol in (("a", A), ("b", B)):
        mine = graph.gradient(name)
        plain = mine.xreplace({s: sympy.Symbol(s.name) for s in mine.free_symbols})  # drop assumptions
        difference = sympy.simplify(plain - sympy.diff(reference, symbol))
        assert difference == 0


def test_trace_turns_a_python_function_into_an_expression():
    def loss(theta1, θ2, x, y):
        return (theta1 * θ2 * x - y) ** 2

    traced = trace(loss, params=["theta1", "θ2"], at={"theta1": 2, "θ2": -1, "x": 3, "y": 1})
    assert traced.graph() == gradviz.parse("(θ1θ2x − y)²")
    assert traced.parameters == ("θ1", "θ2")
    assert traced.backward().grad["θ1"] == 42.0
    with pytest.raises(GradvizError, match="not an argument"):
        trace(loss, params=["w"])
    with pytest.raises(GradvizError, match="returned float"):
        trace(lambda x: 1.0)


def test_python_control_flow_and_foreign_types_are_refused():
    x = var("x")
    with pytest.raises(GradvizError, match="truth value"):
        if x:
            pass
    for bad in (lambda: x + "1", lambda: "1" + x, lambda: x * "text", lambda: "text" * x, lambda: [1] * x,
                lambda: x ** "2", lambda: None - x):
        with pytest.raises(GradvizError, match=r"cannot use (str '1'|str 'text'|list \[1\]|str '2'|NoneType None)"):
            bad()
    with pytest.raises(GradvizError, match="'a+…'") as long:  # a long operand is shortened
        x * ("a" * 10_000)
    assert len(str(long.value)) < 200
    import numpy as np
    assert [e.op for e in np.array([1.0, 2.0]) * x] == ["mul", "mul"]  # numpy arrays: element by element
    with pytest.raises(GradvizError, match="finite"):
        x + float("nan")


def test_deep_expressions_need_no_recursion():
    x = var("x")
    total = x
    for k in range(3000):
        total = total + k * x
    assert len(total.graph()) > 6000


def test_expressions_show_their_formula_and_graph():
    θ1, θ2, x, y = var("θ1"), var("θ2"), var("x"), var("y")
    L = (θ1 * θ2 * x - y) ** 2
    assert repr(L) == "<gradviz.Expr (θ1θ2x − y)²>"
    data, _ = L._repr_mimebundle_()
    assert data["text/plain"].startswith("Computational graph of L")


def test_docstring_examples():
    import doctest

    import gradviz.api

    assert doctest.testmod(gradviz.api).failed == 0
