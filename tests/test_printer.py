"""to_text: a graph back to formula text that parses to an equal graph, with few parentheses."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.errors import GradvizError
from gradviz.ir.graph import GraphBuilder
from gradviz.syntax import parse, to_text
from oracles import CASES, MICROGRAD_PROGRAM


def round_trip(text: str) -> str:
    graph = parse(text)
    printed = to_text(graph)
    again = parse(printed)
    assert again == graph, (text, printed)
    assert [n.name for n in again.nodes.values()] == [n.name for n in graph.nodes.values()]
    return printed


@pytest.mark.parametrize("text, printed", [
    ("(θ1θ2x − y)²", "(θ1 * θ2 * x - y)^2"),
    ("a = θ1 θ2; b = a x; c = b − y; L = c²", "a = θ1 * θ2\nb = a * x\nc = b - y\nL = c^2"),
    ("theta_1 + \\theta_{2}", "θ1 + θ2"),
    ("1/2x", "(1/2) * x"),
    ("\\frac{1}{3} x^{2/3}", "(1/3) * x^(2/3)"),
    ("a/(b c)", "a / (b * c)"),
    ("a − (b − c)", "a - (b - c)"),
    ("a − (b + c)", "a - (b + c)"),
    ("(a + b) + c", "a + b + c"),
    ("a + (b + c)", "a + (b + c)"),
    ("-x^2", "-x^2"),
    ("(-x)^2", "(-x)^2"),
    ("-(x y)", "-(x * y)"),
    ("-x y", "-x * y"),
    ("x * -y", "x * (-y)"),
    ("- -x", "-(-x)"),
    ("x^-1", "x^(-1)"),
    ("x^y^z", "x^y^z"),
    ("(x^y)^z", "(x^y)^z"),
    ("x^(y z)", "x^(y * z)"),
    ("2^-x", "2^(-x)"),
    ("(-2)^x", "(-2)^x"),
    ("x (-2)", "x * (-2)"),
    ("-2 + x", "-2 + x"),
    ("e^{-z}", "exp(-z)"),
    ("(e)^x", "(e)^x"),
    ("π x² + e", "π * x^2 + e"),
    ("σ(z)", "sigmoid(z)"),
    ("leaky_relu(x) + leaky_relu(y, 0.2)", "leaky_relu(x) + leaky_relu(y, 0.2)"),
    ("max(a, b, c)", "max(a, b, c)"),
    ("max(max(a, b), c)", "max(max(a, b), c)"),
    ("min(a, min(b, c), d, x + y)", "min(a, min(b, c), d, x + y)"),
    ("|x − y|", "abs(x - y)"),
    ("\\frac{1}{1 + e^{-z}}", "1 / (1 + exp(-z))"),
    ("x", "x"),
    ("2.50", "2.5"),
    ("id(x)", "x"),
    ("id(x + y)", "id(x + y)"),
    ("a = x + y; id(a)", "a = x + y\nid(a)"),
    ("a = x + y; a", "a = x + y"),
    ("a = x; b = a; b²", "a = x\nb = a\nb^2"),
    ("loss = (y − p)²\nloss/2", "loss = (y - p)^2\nloss / 2"),
    ("e = x + 1; e^2", "e = x + 1\ne^2"),
    ("w_i x_{12} ŷ′", "w_i * x12 * ŷ′"),
])
def test_exact_text(text: str, printed: str) -> None:
    assert round_trip(text) == printed


@pytest.mark.parametrize("text", [c[0] for c in CASES] + [MICROGRAD_PROGRAM], ids=lambda t: t[:40])
def test_oracle_formulas_round_trip(text: str) -> None:
    round_trip(text)


# -- random formulas ---------------------------------------------------------------------

LEAVES = ["x", "y", "θ1", "θ_2", "theta3", "\\alpha", "w_i", "x'", "2", "0.5", "3", "e", "π", "1e-3", "ŷ"]
UNARY = ["-{}", "+{}", "exp({})", "log({})", "\\sqrt{{{}}}", "σ({})", "tanh {}", "relu({})", "leaky_relu({}, 0.3)",
         "leaky_relu({})", "leaky_relu({}, -0.1)", "softplus({})", "GELU({})", "sin({})", "cos {}", "|{}|", "abs({})",
         "id({})", "({})²", "({})⁻¹", "({})^-2", "({})^{{0.5}}", "e^{{{}}}", "({})", "[{}]", "{{{}}}", "\\left({}\\right)"]
BINARY = ["{} + {}", "{} - {}", "{} − {}", "{} * {}", "{} · {}", "{} / {}", "{} ÷ {}", "({})({})", "{} ({})",
          "({})^({})", "{}^{{{}}}", "\\frac{{{}}}{{{}}}", "max({}, {})", "min({}, {}, 2)", "{} \\cdot {}", "{}**{}"]


def formulas(max_leaves: int = 12):
    def grow(children):
        return st.one_of(
            st.tuples(st.sampled_from(UNARY), children).map(lambda t: t[0].format(t[1])),
            st.tuples(st.sampled_from(BINARY), children, children).map(lambda t: t[0].format(t[1], t[2])),
        )
    return st.recursive(st.sampled_from(LEAVES), grow, max_leaves=max_leaves)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas())
def test_random_formulas_round_trip(text: str) -> None:
    round_trip(text)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(formulas(5), min_size=1, max_size=4), st.data())
def test_random_programs_round_trip(rhs: list[str], data) -> None:
    names = ["h1", "loss", "z′", "β"][: len(rhs)]
    lines = []
    for k, (name, text) in enumerate(zip(names, rhs)):
        earlier = " + ".join(names[max(0, k - 1) : k])  # each name is used by the next statement
        lines.append(f"{name} = {text}" + (f" + {earlier}" if earlier else ""))
    last = names[len(rhs) - 1]
    lines.append(data.draw(st.sampled_from([f"out = {last}²", f"{last} x", last])))
    round_trip("\n".join(lines))


# -- graphs built with the builder --------------------------------------------------------

OPS1 = ["neg", "exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "softplus", "gelu", "sin", "cos", "id"]
OPS2 = ["add", "sub", "mul", "div", "pow", "max", "min"]


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.data())
def test_builder_graphs_round_trip(data) -> None:
    """Random trees built in parse order (operands before users, inputs at first use)."""
    b = GraphBuilder()
    todo: list = [("tree", data.draw(st.integers(1, 25)))]
    values: list[str] = []
    while todo:  # post-order construction with an explicit stack
        item = todo.pop()
        if item[0] == "tree":
            size = item[1]
            if size <= 1:
                leaf = data.draw(st.sampled_from(["x", "y", "θ1", "w_i", "e", "π", "2", "-1.5", "0.25"]))
                if leaf in ("e", "π"):
                    values.append(b.constant(leaf))
                elif leaf[0].isdigit() or leaf[0] == "-":
                    values.append(b.constant(Fraction(leaf)))
                else:
                    values.append(b.input(leaf))
            elif data.draw(st.booleans()):
                op = data.draw(st.sampled_from(OPS1 + ["powc", "leaky_relu"]))
                todo.append(("apply1", op))
                todo.append(("tree", size - 1))
            else:
                op = data.draw(st.sampled_from(OPS2))
                left = data.draw(st.integers(1, size - 1))
                todo.append(("apply2", op))
                todo.append(("tree", size - left))
                todo.append(("tree", left))
        elif item[0] == "apply1":
            operand = values.pop()
            node = b._nodes[operand]
            if item[1] == "neg" and node["kind"] == "const" and node["value"] is not None:
                values.append(b.apply("abs", [operand]))  # the parser folds −literal; not writable
            elif item[1] == "powc":
                values.append(b.apply("powc", [operand], (data.draw(st.sampled_from([Fraction(2), Fraction(-1), Fraction(1, 2)])),)))
            elif item[1] == "leaky_relu":
                values.append(b.apply("leaky_relu", [operand], (data.draw(st.sampled_from([Fraction(1, 100), Fraction(3, 10)])),)))
            else:
                values.append(b.apply(item[1], [operand]))
        else:
            right, left = values.pop(), values.pop()
            if item[1] == "pow" and b._nodes[right]["kind"] == "const" and b._nodes[right]["value"] is not None:
                exponent = b._nodes.pop(right)["value"]  # a literal exponent is powc, with no constant node
                values.append(b.apply("powc", [left], (exponent,)))
            else:
                values.append(b.apply(item[1], [left, right]))
    graph = b.finish(values.pop())
    assert parse(to_text(graph)) == graph


# -- limits --------------------------------------------------------------------------------

def test_unwritable_graphs_are_clean_errors() -> None:
    b = GraphBuilder()
    graph = b.finish(b.apply("exp", [b.input("scale")]))
    assert to_text(graph) == "exp(\\text{scale})" and parse(to_text(graph)) == graph  # a word input is one name
    b = GraphBuilder()
    graph = b.finish(b.apply("exp", [b.input("bias")]))
    assert to_text(graph) == "exp(bias)" and parse(to_text(graph)) == graph  # a lecture's word needs no \text
    b = GraphBuilder()
    graph = b.finish(b.apply("exp", [b.input("2bias")]))
    with pytest.raises(GradvizError, match="2bias"):
        to_text(graph)
    b = GraphBuilder()
    graph = b.finish(b.apply("mul", [b.input("x"), b.constant(Fraction(1, 3))]))
    assert to_text(graph) == "x * (1/3)" and parse(to_text(graph)) == graph  # a fraction reads back as one constant
    b = GraphBuilder()
    two = b.constant(2)
    graph = b.finish(b.apply("pow", [b.input("x"), two]))  # x^2 would read back as a power by a parameter
    with pytest.raises(GradvizError, match="raise to the number 2"):
        to_text(graph)


@pytest.mark.slow
def test_printing_is_iterative_and_fast_on_big_graphs() -> None:
    deep = parse("-(" * 10_000 + "x" + ")" * 10_000)
    long = parse(" + ".join(f"x{i % 100}" for i in range(100_000)))
    powers = parse("^".join(["x"] * 5_000))
    texts = [to_text(g) for g in (deep, long, powers)]
    assert texts[0] == "-(" * 9_999 + "-x" + ")" * 9_999
    assert parse(texts[1]) == long and parse(texts[2]) == powers
