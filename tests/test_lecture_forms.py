"""The lecture's forms (``derive.forms``) against worked examples from lecture notes and textbooks,
and against ``sympy.diff`` and central differences over random formulas.

Each worked example lists the forms its source prints at its named nodes. A line passes when its
final symbolic form (the last one before the number) is equal (sympy) to the source's, is no
longer than it by more than ``SLACK`` symbols (``forms.size``), names no temporary the source
does not name, and carries upstream the form the consumer's own line ended with.

Sources: the seed lecture (``seeds/000_*``: a = θ1θ2, b = ax, c = b − y, L = c²); CS231n's
"Backpropagation, intuitions" (the sigmoid circuit f(w, x) = σ(w0x0 + w1x1 + w2), ddot = (1 − f)f);
logistic regression with binary cross-entropy (∂L/∂p = −y/p + (1 − y)/(1 − p), ∂L/∂z = p − y);
softmax cross-entropy over a linear layer (∂L/∂zⱼ = pⱼ − yⱼ for one-hot targets); a tanh neuron with
squared error (2(a − y)(1 − a²)x); Matt Mazur's "A step by step backpropagation example" (2-2-2
network, ∂E/∂w5 = (out_o1 − target_o1)·out_o1(1 − out_o1)·out_h1); an LSTM cell's gate products
(colah's notation, ∂L/∂c = ∂L/∂h·o(1 − tanh²c)); a 2-step RNN through time.
"""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import fuzzing
import gradviz
from gradviz.derive import cost, forms
from gradviz.derive.captions import step_lines
from gradviz.derive.forms import forms_of, quantities_of, size
from gradviz.derive.lecture import lecture, shown_forms, typed_decimals, written_out
from gradviz.errors import EvaluationError
from gradviz.eval.symbolic import symbolic_of
from gradviz.text.lines import Chain, plain

SLACK = 3  # symbols a line's form may exceed the source's by

# name: (formula, values, {node: the source's form at that node})
WORKED = {
    "seed": ("(θ1θ2x − y)²", {"θ1": 2, "θ2": -1, "x": 3, "y": 1},
             {"c": "2*c", "b": "2*c", "a": "2*c*x", "θ1": "2*c*x*θ2", "θ2": "2*c*x*θ1", "y": "-2*c"}),
    "cs231n sigmoid circuit": ("dot = w0 x0 + w1 x1 + w2; f = σ(dot)",
                               {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3},
                               {"dot": "(1 - f)*f", "w0": "x0*(1 - f)*f", "x0": "w0*(1 - f)*f",
                                "w1": "x1*(1 - f)*f", "w2": "(1 - f)*f"}),
    "sigmoid + bce": ("z = w x + b; p = σ(z); L = −y log(p) − (1 − y) log(1 − p)",
                      {"w": 0.5, "x": 2, "b": -0.5, "y": 1},
                      {"p": "-y/p + (1 - y)/(1 - p)", "z": "p - y", "w": "(p - y)*x", "b": "p - y", "x": "(p - y)*w"}),
    "logistic regression": ("p = σ(w1 x1 + w2 x2 + b); L = −y log(p) − (1 − y) log(1 − p)",
                            {"w1": 0.5, "w2": -0.3, "b": 0.1, "x1": 1, "x2": 2, "y": 1},
                            {"p": "-y/p + (1 - y)/(1 - p)", "w1": "(p - y)*x1", "w2": "(p - y)*x2", "b": "p - y"}),
    "softmax over a linear layer": (
        "z1 = w1 x + b1; z2 = w2 x + b2; z3 = w3 x + b3; e1 = exp(z1); e2 = exp(z2); e3 = exp(z3);"
        " s = e1 + e2 + e3; p1 = e1/s; p2 = e2/s; p3 = e3/s; L = −(y1 log(p1) + y2 log(p2) + y3 log(p3))",
        {"w1": 0.5, "w2": -0.5, "w3": 0.1, "x": 1, "b1": 0, "b2": 0.2, "b3": 0, "y1": 0, "y2": 0, "y3": 1},
        {"p3": "-y3/p3", "z1": "p1 - y1", "z2": "p2 - y2", "z3": "p3 - y3", "w3": "(p3 - y3)*x", "b1": "p1 - y1"}),
    "softmax_ce node": ("softmax_ce(z1, z2, z3, y1, y2, y3)", {"z1": 2, "z2": 1, "z3": 0.1, "y1": 1, "y2": 0, "y3": 0},
                        {"z1": "p1 - y1", "z2": "p2 - y2", "z3": "p3 - y3", "y1": "-log(p1)"}),
    "tanh neuron, squared error": ("a = tanh(w x + b); L = (a − y)²", {"w": 0.5, "x": 2, "b": -0.5, "y": 1},
                                   {"a": "2*(a - y)", "w": "2*(a - y)*(1 - a**2)*x", "b": "2*(a - y)*(1 - a**2)",
                                    "y": "-2*(a - y)"}),
    "mazur 2-2-2": (
        "h1 = σ(w1 i1 + w2 i2 + b1); h2 = σ(w3 i1 + w4 i2 + b1); o1 = σ(w5 h1 + w6 h2 + b2);"
        " o2 = σ(w7 h1 + w8 h2 + b2); E = ½(t1 − o1)² + ½(t2 − o2)²",
        {"i1": 0.05, "i2": 0.1, "w1": 0.15, "w2": 0.2, "w3": 0.25, "w4": 0.3, "b1": 0.35, "w5": 0.4, "w6": 0.45,
         "w7": 0.5, "w8": 0.55, "b2": 0.6, "t1": 0.01, "t2": 0.99},
        {"o1": "o1 - t1", "o2": "o2 - t2", "w5": "(o1 - t1)*o1*(1 - o1)*h1", "w6": "(o1 - t1)*o1*(1 - o1)*h2",
         "w7": "(o2 - t2)*o2*(1 - o2)*h1", "h1": "(o1 - t1)*o1*(1 - o1)*w5 + (o2 - t2)*o2*(1 - o2)*w7",
         "w1": "((o1 - t1)*o1*(1 - o1)*w5 + (o2 - t2)*o2*(1 - o2)*w7)*h1*(1 - h1)*i1",
         "b2": "(o1 - t1)*o1*(1 - o1) + (o2 - t2)*o2*(1 - o2)"}),
    "lstm gate products": (
        "fg = σ(f); ig = σ(i); og = σ(o); gg = tanh(g); c = fg c0 + ig gg; tc = tanh(c); h = og tc; L = (h − y)²",
        {"f": 0.5, "i": -0.2, "o": 0.3, "g": 0.8, "c0": 1.0, "y": 0.5},
        {"h": "2*(h - y)", "og": "2*(h - y)*tc", "c": "2*(h - y)*og*(1 - tc**2)", "fg": "2*(h - y)*og*(1 - tc**2)*c0",
         "ig": "2*(h - y)*og*(1 - tc**2)*gg", "f": "2*(h - y)*og*(1 - tc**2)*c0*fg*(1 - fg)",
         "g": "2*(h - y)*og*(1 - tc**2)*ig*(1 - gg**2)", "c0": "2*(h - y)*og*(1 - tc**2)*fg"}),
    "2-step rnn": ("h1 = tanh(w h0 + u x1); h2 = tanh(w h1 + u x2); L = (h2 − y)²",
                   {"w": 0.8, "h0": 0.2, "u": 0.5, "x1": 1, "x2": -1, "y": 0.5},
                   {"h2": "2*(h2 - y)", "h1": "2*(h2 - y)*(1 - h2**2)*w", "x2": "2*(h2 - y)*(1 - h2**2)*u",
                    "w": "2*(h2 - y)*(1 - h2**2)*(w*(1 - h1**2)*h0 + h1)"}),
}


def _result(name: str):
    formula, at, _ = WORKED[name]
    return gradviz.parse(formula).backward(at)


def _source(graph, text: str):
    """The source's form over the graph's symbols (and the lecture's own quantities, p₁ …)."""
    names = {s.name: s for s in [symbolic_of(graph).term(nid) for nid in graph.nodes]
             if isinstance(s, sympy.Symbol)}
    names.update({s.name: s for s in quantities_of(graph)})
    return sympy.parse_expr(text, local_dict=names)


HEAVY = ("softmax over a linear layer", "mazur 2-2-2", "lstm gate products", "2-step rnn")  # > 0.5 s each
EXAMPLES = [pytest.param(name, marks=pytest.mark.slow) if name in HEAVY else name for name in sorted(WORKED)]


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_line_ends_in_the_sources_form(name: str) -> None:
    result = _result(name)
    graph = result.graph
    for node, text in WORKED[name][2].items():
        nid = graph.node(node).id
        final = shown_forms(result, nid)[-1]
        source = _source(graph, text)
        assert sympy.simplify(final.expr - source) == 0, (node, plain(Chain(final.terms)), text)
        assert size(final.expr) <= size(source) + SLACK, (node, plain(Chain(final.terms)), text)
        assert final.expr.free_symbols <= source.free_symbols, (node, plain(Chain(final.terms)), text)


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_line_carries_what_the_line_above_ended_with(name: str) -> None:
    result = _result(name)
    graph = result.graph
    adjoints = forms_of(graph)
    lines = dict(_lines(result))
    text = {graph.nodes[nid].name: plain(line) for nid, line in lines.items()}
    for nid, adjoint in adjoints.items():
        for use in adjoint.uses:
            assert use.upstream is adjoints[use.consumer].carried
            if use.consumer != graph.output_id and nid in lines:
                carried = plain(Chain(use.upstream.terms, decimals=typed_decimals(graph)))
                above = text[graph.nodes[use.consumer].name].split(" = ")
                assert carried in above, (graph.nodes[nid].name, carried, above)  # the line above shows it
                assert carried in text[graph.nodes[nid].name]  # and this line multiplies it


def _lines(result):
    """(node id, derivation line) for every node with a line, output first."""
    graph = result.graph
    derivation = lecture(result)
    ids = [nid for nid in reversed(graph.order) if nid in forms_of(graph) and nid != graph.output_id
           and graph.nodes[nid].kind != "input"]
    inputs = [nid for nid in graph.order if nid in forms_of(graph) and graph.nodes[nid].kind == "input"]
    return list(zip(ids, derivation.backward)) + list(zip(inputs, derivation.gradients))


def test_once_p_minus_y_is_reached_the_lines_below_carry_it() -> None:
    lines = [plain(line) for _, line in _lines(_result("logistic regression"))]
    below = [line for line in lines if line.startswith(("∂L/∂d ", "∂L/∂c ", "∂L/∂a ", "∂L/∂w1 ", "∂L/∂b "))]
    assert below and all("(p − y) · " in line for line in below), below
    assert not any("g/p" in line or "j/k" in line for line in lines)


@pytest.mark.parametrize("formula, at, node, printed", [
    ("L = −y log(p) − (1 − y) log(1 − p)", {"p": 0.7, "y": 1}, "p", "(p − y)/(p(1 − p))"),
    (r"\mathcal{L} = -y \log(\hat{y}) - (1 - y) \log(1 - \hat{y})", {"ŷ": 0.7, "y": 1}, "ŷ", "(ŷ − y)/(ŷ(1 − ŷ))"),
    ("a = σ(w x + b); E = −t log(a) − (1 − t) log(1 − a)", {"w": 0.5, "x": 2, "b": 0.1, "t": 0}, "a",
     "(a − t)/(a(1 − a))"),
    ("L = −y log(p1) − (1 − y) log(1 − p1) + (p2 − 1)²", {"p1": 0.4, "p2": 0.2, "y": 1}, "p1", "(p1 − y)/(p1(1 − p1))"),
])
def test_a_probabilitys_complement_reads_as_lectures_write_it(formula, at, node, printed) -> None:
    """∂L/∂p of binary cross-entropy reads (p − y)/(p(1 − p)), prediction minus target over p and its complement,
    not sympy's (y − p)/(p(p − 1)); a factor x − 1 turns only with a sum above it that reads no worse negated."""
    result = gradviz.parse(formula).backward(at)
    final = shown_forms(result, result.graph.node(node).id)[-1]
    assert plain(Chain(final.terms)) == printed
    x, y, z = sympy.symbols("x y z", real=True)
    for expr, turned in [((y - x) / (x * (x - 1)), "(x - y)/(x*(1 - x))"), ((y + z) / (x - 1), None),
                         (1 / (x - 1), None), (x * (y - x) / (x - 1) ** 3, "x*(x - y)/(1 - x)**3"),
                         ((y - x) / (x - 1) ** 2, None)]:
        written = forms._complements(sympy.factor_terms(expr))
        assert sympy.simplify(written - expr) == 0 and str(written) == (turned or str(sympy.factor_terms(expr)))


@pytest.mark.parametrize("formula, at, node, printed", [
    ("−(y log(σ(z)) + (1 − y) log(1 − σ(z)))", {"y": 1, "z": 0.3}, "z", "σ(z) − y"),
    ("-y log(σ(w x + b)) - (1 - y) log(1 - σ(w x + b))", {"y": 0, "w": 0.3, "x": 2, "b": 0.1}, "b", "σ(wx + b) − y"),
    (r"-t\log(\sigma(w_1 x_1 + w_2 x_2)) - (1-t)\log(1-\sigma(w_1 x_1 + w_2 x_2))",
     {"t": 1, "w1": 0.3, "x1": 2, "w2": -1, "x2": 0.5}, "w1", "x1(σ(w1x1 + w2x2) − t)"),
    ("softplus(z) − y z", {"y": 1, "z": 0.3}, "z", "σ(z) − y"),
    ("softplus(w x)", {"w": 0.5, "x": 2}, "w", "σ(wx)x"),
    ("p = σ(z); L = −(y log(p) + (1 − y) log(1 − p))", {"y": 0, "z": 0.3}, "z", "σ(z) − y"),
])
def test_a_sigmoid_is_written_as_sigma_and_cancels_as_lectures_cancel_it(formula, at, node, printed) -> None:
    """σ stays σ in the lecture forms (sympy's 1/(1 + e⁻ᶻ) would print ((1 − y)exp(z) − y)/(exp(z) + 1)), so
    binary cross-entropy on σ(z) reduces to σ(z) − y whether or not the program names the probability, and a
    softplus's derivative reads σ; sums read as the formula writes them (wx + b, not b + wx)."""
    result = gradviz.parse(formula).backward(at)
    line = plain(dict(_lines(result))[result.graph.node(node).id])
    assert line.split(" = ")[-2] == printed, line
    assert "exp" not in line and "b + wx" not in line, line
    for _, other in _lines(result):  # a complement reads 1 − y, never −(y − 1)
        assert "−(y − 1)" not in plain(other) and "−(t − 1)" not in plain(other), plain(other)


NAMED_SUMS = [
    ("P = exp(a1) + exp(a2) + exp(a3); Q = exp(b1) + exp(b2) + exp(b3)\n"
     "L = exp(a1)/P (a1 − log(P) − b1 + log(Q)) + exp(a2)/P (a2 − log(P) − b2 + log(Q))"
     " + exp(a3)/P (a3 − log(P) − b3 + log(Q))", "b1", "h/Q − n"),
    ("Z = exp(s1) + exp(s2) + exp(s3); o = (exp(s1) v1 + exp(s2) v2 + exp(s3) v3)/Z; L = (o − y)²", None, None),
    ("s = e^{z1} + e^{z2}; L = −y1 log(e^{z1}/s) − y2 log(e^{z2}/s)", None, None),
    ("μ = (x1 + x2 + x3)/3; v = ((x1 − μ)² + (x2 − μ)² + (x3 − μ)²)/3; L = (x1 − μ)/√(v + ε) t", None, None),
    ("S = a + b + c; L = (a/S − y1)² + (b/S − y2)² + (c/S − y3)²", None, None),
    ("s1 = q k1; s2 = q k2; Z = exp(s1) + exp(s2); a1 = exp(s1)/Z; a2 = exp(s2)/Z; o = a1 v1 + a2 v2; L = (o − y)²",
     "k1", "2a1(o − y)(v1 − o)q"),
]


@pytest.mark.parametrize("formula, node, printed", NAMED_SUMS)
def test_a_named_quantity_is_written_by_its_name_never_spelt_out_beside_it(formula, node, printed) -> None:
    """Where a line's simplified or carried form holds the whole definition of a quantity the formula names
    (``exp(a₁) + exp(a₂) + exp(a₃)`` for P), it is written by its name and cancels: KL's ∂L/∂b₁ reads h/Q − n
    (the two softmaxes' difference), not h(exp(a₁) + exp(a₂) + exp(a₃))/(PQ) − n."""
    graph = gradviz.parse(formula)
    result = graph.backward({name: 0.3 + 0.17 * (7 * k % 5) - 0.2 * (k % 3) for k, name in enumerate(graph.inputs)})
    sym = symbolic_of(graph)
    named = [(sym.term(nid), graph.nodes[nid].name) for nid, n in graph.nodes.items()
             if n.kind == "op" and n.named_by_user and nid != graph.output_id]
    machinery = forms._Forms(graph)
    definitions = {symbol: machinery.named(graph.node(name).id) for symbol, name in named}
    for nid, adjoint in forms_of(graph).items():
        for form in {adjoint.simplified, adjoint.carried}:
            for symbol, definition in definitions.items():
                if forms.size(definition) > 1 and definition.free_symbols <= form.expr.free_symbols:
                    assert form.expr.subs(definition, symbol) == form.expr, (graph.nodes[nid].name, form.expr, symbol)
    if node is not None:
        line = plain(dict(_lines(result))[graph.node(node).id])
        assert f" = {printed} = " in line, line


@pytest.mark.parametrize("formula", [
    "Z = exp(z1) + exp(z2) + exp(z3); p1 = exp(z1)/Z; p2 = exp(z2)/Z; p3 = exp(z3)/Z\n"
    "L = −(1 − ε) log(p1) − ε/3 (log(p1) + log(p2) + log(p3))",
    NAMED_SUMS[0][0], NAMED_SUMS[1][0],
    "p1 = a + b x1 + c x1²; p2 = a + b x2 + c x2²; L = ((p1 − y1)² + (p2 − y2)²)/2",
    "h = tanh(w x + b); y = v h + c; L = (y − t)²",
])
def test_an_inputs_line_writes_out_the_shorter_form_in_the_inputs(formula) -> None:
    """An input's line ends in the inputs with whichever of its simplified and carried forms reads shorter written
    out: label smoothing's ∂L/∂z₁ = … = p₁ + 2ε/3 − 1 = exp(z₁)/(exp(z₁) + exp(z₂) + exp(z₃)) − 1 + 2ε/3, not its
    simplified form with p₁ written inside a fraction, (exp(z₁) + exp(z₁)(2ε − 3)/(3(exp(z₁)/(…))))/(…)."""
    graph = gradviz.parse(formula)
    result = graph.backward({name: 0.3 + 0.17 * (7 * k % 5) - 0.2 * (k % 3) for k, name in enumerate(graph.inputs)})
    quantities = quantities_of(graph)
    for nid, line in _lines(result):
        if graph.nodes[nid].kind != "input":
            continue
        adjoint = forms_of(graph)[nid]
        lengths = [len(plain(Chain(tuple(tuple(f.xreplace(quantities) for f in t) for t in form.terms), graph,
                                   in_inputs=True))) for form in (adjoint.simplified, adjoint.carried)]
        last = plain(line).split(" = ")[-2]
        assert len(last) <= min(lengths) + 2, (plain(line), lengths)


TYPED_TWICE_LOSSES = ("−y log(p) − (1 − y) log(1 − p)", "(p − y)^2", "p(1 − p)", "(p − y)^2 + 0.1 p",
                      "log(p/(1 − p))", "−log(p) + p", "(1 − p)^2 y + p^2 (1 − y)", "p/(1 + p)")
TYPED_TWICE_PREDICTIONS = ("σ(w x + b)", "σ(w1 x1 + w2 x2 + b)", "tanh(w x + b)", "exp(w x)", "sqrt(w^2 + x^2)")
TYPED_TWICE_SLACK = 16  # characters: sympy factors 1 − tanh²(z) apart where the chain keeps it whole


@pytest.mark.slow
@pytest.mark.parametrize("loss", TYPED_TWICE_LOSSES)
def test_a_quantity_typed_twice_reads_written_out_as_if_typed_once(loss: str) -> None:
    """A loss that writes its prediction out twice (``−y log(σ(wx + b)) − (1 − y) log(1 − σ(wx + b))``) ends each
    input's line in the inputs as the loss that names it once (``p = σ(wx + b)``) does: what cancels once the two
    copies are one (``σ(…)(1 − σ(…))/(1 − σ(…))``) is cancelled, and the line equals ``sympy.diff`` of the loss."""
    for prediction in TYPED_TWICE_PREDICTIONS:
        twice = gradviz.parse(loss.replace("p", f"({prediction})"))
        once = gradviz.parse(f"p = {prediction}; L = {loss}")
        oracle = symbolic_of(once).expansions[once.output_id]
        for name in twice.inputs:
            end_twice, end_once = (Chain(written_out(graph, forms_of(graph)[graph.node(name).id]), graph,
                                         in_inputs=True) for graph in (twice, once))
            read_twice, read_once = plain(end_twice), plain(end_once)
            assert len(read_twice) <= len(read_once) + TYPED_TWICE_SLACK, (loss, prediction, read_twice, read_once)
            expr = symbolic_of(twice).in_inputs(sympy.Add(*(sympy.Mul(*t) for t in end_twice.terms)))
            gap = (expr - sympy.diff(oracle, symbolic_of(once).term(once.node(name).id))).rewrite(sympy.exp)
            symbols = sorted(gap.free_symbols, key=str)
            at = sympy.lambdify(symbols, gap, "math")
            for k in range(3):
                assert abs(at(*(0.2 + 0.31 * j + 0.17 * k for j in range(len(symbols))))) < 1e-9, \
                    (loss, prediction, name, read_twice)


@pytest.mark.slow
@pytest.mark.parametrize("loss", TYPED_TWICE_LOSSES)
def test_no_line_keeps_what_a_complement_cancels(loss: str) -> None:
    """A line over the nodes never keeps a quotient that cancels once a node defined from a single other node is
    written out (``(1 − y)o(1 − o)/p`` for ``p = 1 − o`` is ``o(1 − y)``): checked with ``sympy.cancel`` over the
    losses typed with their prediction twice."""
    for prediction in TYPED_TWICE_PREDICTIONS:
        graph = gradviz.parse(loss.replace("p", f"({prediction})"))
        sym = symbolic_of(graph)
        single = {sym.term(nid): sym.definition(nid) for nid, node in graph.nodes.items()
                  if node.kind == "op" and len(sym.definition(nid).free_symbols) == 1
                  and not sym.definition(nid).atoms(sympy.Function)}
        for nid, adjoint in forms_of(graph).items():
            last = adjoint.shown[-1].expr
            if graph.nodes[nid].kind == "input" or not any(p.exp < 0 for p in last.atoms(sympy.Pow)):
                continue
            cancelled = sympy.factor_terms(sympy.cancel(last.xreplace(single)))
            assert size(cancelled) + SLACK > size(last), (loss, prediction, graph.nodes[nid].name, last, cancelled)


@pytest.mark.parametrize("formula, at, node, printed", [
    ("r = w x + b − y; L = min(|r|, 1)²/2 + max(|r| − 1, 0)", {"w": 0.5, "x": 2, "b": 0.1, "y": 0.3}, "b",
     "r[1 > |r|] + [|r| > 1] sgn(r)"),
    ("L = (min(max(z, 0), 1) − t)²", {"z": 0.3, "t": 1}, "z", "2(z − t)[z > 0][1 > z]"),
    ("L = max(0, 1 − y s)²", {"y": 1, "s": 0.3}, "s", "−2y(1 − sy)[1 > sy]"),
    ("d = |a − b|; L = y d² + (1 − y) max(0, m − d)²", {"a": 0.3, "b": 0.5, "y": 0, "m": 1}, "m", "2(1 − y)(m − d)[m > d]"),
])
def test_a_step_decides_the_min_or_max_it_multiplies(formula, at, node, printed) -> None:
    """Under a step ``[a > b]`` a ``min(a, b)`` is ``b`` and a ``max(a, b)`` is ``a``, and ``|u| sgn(u)`` is ``u``:
    Huber's derivative reads ``r[1 > |r|] + [|r| > 1] sgn(r)`` (not ``([1 > |r|] min(1, |r|) + [|r| > 1]) sgn(r)``),
    a clipped value's ``2(z − t)[z > 0][1 > z]``, a squared hinge's ``−2y(1 − sy)[1 > sy]``."""
    result = gradviz.parse(formula).backward(at)
    line = plain(dict(_lines(result))[result.graph.node(node).id])
    assert f" = {printed} = " in line, line


def _has_sigmoid(tree: fuzzing.Tree) -> bool:
    return tree.op == "sigmoid" or any(_has_sigmoid(child) for child in tree.children)


@st.composite
def _with_sigmoid(draw) -> str:
    """A random formula with a σ in it: a random tree, under a σ when it has none, in a random style."""
    tree = draw(fuzzing.trees(max_leaves=5))
    tree = tree if _has_sigmoid(tree) else fuzzing.Tree("sigmoid", (tree,))
    return fuzzing.write(tree, draw(st.sampled_from(fuzzing.STYLES)), lambda options: draw(st.sampled_from(options)))


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(_with_sigmoid())
@pytest.mark.slow
def test_no_line_writes_a_sigmoid_through_exp(text) -> None:
    """Over random formulas with a σ whose other operations involve no exponential: no derivation line says exp."""
    graph = gradviz.parse(text)
    sym = symbolic_of(graph)
    ops = [nid for nid, n in graph.nodes.items() if n.kind == "op" and n.op != "sigmoid"]
    assume(not any(sym.definition(nid).has(sympy.exp) or any(d.has(sympy.exp) for d in sym.locals(nid))
                   for nid in ops))
    derivation = lecture(graph.backward(symbolic=True) if not graph.inputs else graph.backward(
        {name: 0.5 for name in graph.inputs}))
    for line in (*derivation.backward, *derivation.gradients):
        assert "exp" not in plain(line), (text, plain(line))


def test_captions_say_what_the_derivation_says() -> None:
    result = _result("logistic regression")
    graph = result.graph
    derivation = {plain(line).split(" = ")[0]: (nid, plain(line)) for nid, line in _lines(result)}
    compared = 0
    for step in result.steps:
        for line in step_lines(result, step):
            caption = plain(line)
            head = caption.split(" = ")[0]
            if head in derivation and "⋯" not in caption:
                nid, text = derivation[head]
                last = plain(Chain(shown_forms(result, nid)[-1].terms, decimals=typed_decimals(graph)))
                assert last in text.split(" = ") and last in caption.split(" = "), (caption, text)
                compared += 1
    assert compared >= 8


def test_a_fan_out_is_the_lectures_sum_never_plus_equals() -> None:
    result = _result("logistic regression")
    captions = [plain(line) for step in result.steps for line in step_lines(result, step)]
    assert not any("+=" in c for c in captions)
    first, second = (result.graph.nodes[c].name for c, _ in result.graph.consumers()[result.graph.node("p").id])
    assert any(c.startswith(f"∂L/∂p = ∂L/∂{first}·∂{first}/∂p + ∂L/∂{second}·∂{second}/∂p = ") for c in captions)
    assert any(c.startswith(f"∂L/∂p = ∂L/∂{second}·∂{second}/∂p + ⋯ = ") and c.endswith("(so far)")
               for c in captions)


@pytest.mark.parametrize("formula, at", [
    ("L = 0.5·x", {"x": 2}),
    ("p = σ(w1 x1 + w2 x2 + b); L = −y log(p) − (1 − y) log(1 − p) + λ(w1² + w2²)",
     {"w1": 0.5, "x1": 1, "w2": -0.3, "x2": 2, "b": 0.1, "y": 1, "λ": 0.01}),
])
def test_no_step_repeats_itself(formula, at) -> None:
    """No caption or derivation line says a side twice: ``1·1 = 1``, never ``1·1 = 1 = 1 × 1 = 1``."""
    result = gradviz.parse(formula).backward(at)
    lines = [line for step in result.steps for line in step_lines(result, step)]
    lines += [*lecture(result).backward, *lecture(result).gradients]
    for line in lines:
        sides = plain(line).replace(" × ", "·").replace(" · ", "·").split(" = ")
        assert len(sides) == len(set(sides)), plain(line)


def test_simplifications_are_sized_before_they_start(monkeypatch) -> None:
    """No simplification runs beyond the budget: a chain of tanh keeps its product of (1 − aᵢ²)."""
    seen = []
    real = sympy.cancel
    monkeypatch.setattr(forms.sympy, "cancel", lambda expr: seen.append(cost.simplify_cost(expr)) or real(expr))
    formula = "; ".join(["a1 = tanh(x)"] + [f"a{k} = tanh(a{k - 1})" for k in range(2, 30)] + ["L = (a29 − y)²"])
    graph = gradviz.parse(formula)
    adjoints = forms_of(graph)
    assert all(estimate <= cost.SIMPLIFY_BUDGET for estimate in seen)
    first = adjoints[graph.node("x").id].carried
    assert len(first.terms) == 1 and len(first.terms[0]) >= 29  # the chain of factors, not 2²⁹ monomials


@pytest.mark.parametrize("expr, terms", [
    ("(1 - a**2)*(1 - b**2)*(1 - c**2)", 8),
    ("x/y + 1/(1 - y)", 3),  # (x − xy + y)/(y − y²)
    ("(x + y)**3", 4),
    ("tanh(x)*2", 1),
])
def test_expanded_terms_counts_what_cancel_multiplies_out(expr: str, terms: int) -> None:
    numerator, _ = cost.expanded_terms(sympy.parse_expr(expr))
    assert numerator >= terms


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(fuzzing.cases(max_leaves=5), fuzzing.points())
@pytest.mark.slow
def test_every_form_is_sympy_diff_and_every_number_central_differences(case, point) -> None:
    text, tree, _ = case
    graph = gradviz.parse(text)
    at = {name: point[name] for name in graph.inputs}
    subs = {fuzzing.SYMBOLS[n]: v for n, v in at.items()}
    assume(not any(abs(float(sympy.N(k.subs(subs), 20))) < 1e-3 for k in fuzzing.kinks(tree)))
    try:
        result = graph.backward(at)
    except EvaluationError:
        assume(False)
    assume(result.adjoints is not None and all(math.isfinite(v) for v in result.adjoints.values()))
    oracle = fuzzing.oracle(tree)
    sym = symbolic_of(graph)
    quantities = quantities_of(graph)
    values = {sym.term(nid): v for nid, v in result.values.items() if isinstance(sym.term(nid), sympy.Symbol)}
    for nid, adjoint in forms_of(graph).items():
        if nid == graph.output_id:
            continue
        written = (forms.Form(written_out(graph, adjoint)),) if graph.nodes[nid].kind == "input" else ()
        for form in (adjoint.product, adjoint.simplified, adjoint.carried, *written):
            meant = form.expr.xreplace(quantities)
            number = complex(sympy.N(meant.xreplace(values), 20))
            assert abs(number - result.adjoints[nid]) <= 1e-6 * (1 + abs(result.adjoints[nid])), (text, form)
            if graph.nodes[nid].kind == "input":
                name = graph.nodes[nid].name
                difference = sym.in_inputs(meant) - sympy.diff(oracle, fuzzing.SYMBOLS[name])
                for probe in (subs, {s: 0.37 * (k + 1) for k, s in enumerate(fuzzing.SYMBOLS.values())}):
                    try:
                        gap = complex(sympy.N(difference.subs(probe), 30))
                    except (TypeError, ValueError):
                        continue
                    if math.isfinite(abs(gap)):
                        assert abs(gap) <= 1e-8 * (1 + abs(complex(sympy.N(sympy.diff(oracle, fuzzing.SYMBOLS[name])
                                                                        .subs(probe), 30)))), (text, name, form)
    for name in graph.inputs:
        h = 1e-6
        up, down = dict(at), dict(at)
        up[name] += h
        down[name] -= h
        fd = (graph.backward(up, symbolic=False).value - graph.backward(down, symbolic=False).value) / (2 * h)
        assert math.isclose(result.grad[name], fd, rel_tol=1e-4, abs_tol=1e-4), (text, name)
