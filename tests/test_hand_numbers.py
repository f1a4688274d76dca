"""Numbers a hand calculation gives: decimal inputs whose rational part cancels show the exact
value (0, not 2.78e−17) in the report, the derivation, the captions and the node labels; every
shown number is the exact value (sympy, from a hand-written meaning) rounded half up to the shown
digits; ``--check`` gives no false alarm there and still catches a wrong gradient."""

from __future__ import annotations

import json
import math
import random
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import gradviz
from gradviz.cli import cli
from gradviz.derive.documents import derivation_markdown, derivation_latex
from gradviz.derive.lecture import lecture
from gradviz.eval.backward import backward
from gradviz.eval.symbolic import symbolic_of
from gradviz.ir.numbers import HAND_BITS, hand_bits
from gradviz.outputs import check as checking
from gradviz.outputs.report import grad_table
from gradviz.render.figure import render_frames
from gradviz.render.frames import frames
from gradviz.render.scene import scene
from gradviz.text.lines import plain
from gradviz.text.numbers import format_value, number_policy, shown_digits

NOISE = re.compile(r"e[−-](1[2-9]|[2-9]\d|\d{3})|10\^\{-(1[2-9]|[2-9]\d)\}")  # 1e−12 and smaller
NUMBER = re.compile(r"−?\d+(?:\.\d+)?(?:e[−-]?\d+)?$")


def _decimal(rng: random.Random, places: int = 2) -> Fraction:
    return Fraction(rng.randint(-200, 200), 10**places)


def _text(q: Fraction) -> str:
    return str(Decimal(q.numerator) / Decimal(q.denominator))  # exact: a decimal's denominator divides 10^k


def _rounded(value: sp.Expr, digits: int) -> Decimal:
    """The exact ``value`` rounded half up to ``digits`` significant digits (independently of gradviz)."""
    exact = Decimal(str(sp.N(value, 40)))
    if exact == 0:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 60
        step = Decimal(1).scaleb(exact.adjusted() - digits + 1)
        return exact.quantize(step, rounding=ROUND_HALF_UP)


def _expected(value: sp.Expr, digits: int) -> Decimal:
    """What the policy shows: the exact value rounded half up, or whole where it is a decimal with
    at most one digit more (1.875 at 3 digits)."""
    whole = _rounded(value, digits + 1)
    return whole if sp.Rational(str(whole)) == value else _rounded(value, digits)


def _shown(text: str) -> Decimal:
    return Decimal(text.replace("−", "-"))


# The lecture's models over a logit z = w1 x1 + w2 x2 + b whose bias makes z an exact decimal.
MODELS = {
    "sigmoid + BCE": ("z = w1 x1 + w2 x2 + b; p = σ(z); L = −y log(p) − (1 − y) log(1 − p)",
                      lambda z, y: -y * sp.log(1 / (1 + sp.exp(-z))) - (1 - y) * sp.log(1 - 1 / (1 + sp.exp(-z)))),
    "tanh + squared error": ("z = w1 x1 + w2 x2 + b; h = tanh(z); L = (h − y)²", lambda z, y: (sp.tanh(z) - y) ** 2),
    "linear + squared error": ("z = w1 x1 + w2 x2 + b; L = (z − y)²", lambda z, y: (z - y) ** 2),
    "softplus": ("z = w1 x1 + w2 x2 + b; L = y·softplus(z)", lambda z, y: y * sp.log(1 + sp.exp(z))),
}
LOGITS = (Fraction(0), Fraction(0), Fraction(1, 2), Fraction(-5, 4), Fraction(3, 10))


def _cases(count: int, seed: int) -> list[tuple[str, dict[str, Fraction]]]:
    rng = random.Random(seed)
    out = []
    for k in range(count):
        name = list(MODELS)[k % len(MODELS)]
        at = {"w1": _decimal(rng), "x1": _decimal(rng, 1), "w2": _decimal(rng), "x2": _decimal(rng, 1),
              "y": Fraction(rng.choice((0, 1, 1)))}
        at["b"] = LOGITS[k % len(LOGITS)] - at["w1"] * at["x1"] - at["w2"] * at["x2"]  # z exactly the logit
        out.append((name, at))
    return out


CASES = _cases(20, seed=22)


def _meaning(name: str) -> tuple[sp.Expr, dict[str, sp.Symbol]]:
    symbols = {n: sp.Symbol(n, real=True) for n in ("w1", "x1", "w2", "x2", "b", "y")}
    s = symbols
    z = s["w1"] * s["x1"] + s["w2"] * s["x2"] + s["b"]
    return MODELS[name][1](z, s["y"]), symbols


def _result(name: str, at: dict[str, Fraction]):
    return gradviz.parse(MODELS[name][0]).backward({k: _text(v) for k, v in at.items()})


@pytest.mark.parametrize("name, at", CASES)
def test_every_shown_number_is_the_exact_value_rounded(name: str, at: dict[str, Fraction]) -> None:
    result = _result(name, at)
    loss, symbols = _meaning(name)
    point = {symbols[k]: sp.Rational(v.numerator, v.denominator) for k, v in at.items()}
    logit = sum(point[symbols[w]] * point[symbols[x]] for w, x in (("w1", "x1"), ("w2", "x2"))) + point[symbols["b"]]
    digits = shown_digits()
    report = grad_table(result).splitlines()
    wanted = {"z": logit, "L": loss.subs(point)}
    wanted |= {f"∂L/∂{k}": sp.diff(loss, symbol).subs(point) for k, symbol in symbols.items()}
    seen = set()
    for line in report:
        if not line.startswith("  "):  # the forward and backward sections' lines
            continue
        head, *_, last = line.strip().split(" = ") if " = " in line else ("", "")
        if head in wanted and NUMBER.match(last):
            assert _shown(last) == _expected(wanted[head], digits), (name, line, sp.N(wanted[head], 20))
            seen.add(head)
    assert seen == set(wanted), (name, set(wanted) - seen)


@pytest.mark.slow
@pytest.mark.parametrize("name, at", CASES[:8])
def test_no_float_noise_in_report_derivation_captions_or_nodes(name: str, at: dict[str, Fraction]) -> None:
    result = _result(name, at)
    texts = [grad_table(result), derivation_markdown(result), derivation_latex(result)]
    for frame in frames(result):
        texts += [plain(line) for line in frame.equations]
        sc = scene(result, frame)
        texts += [n.label for n in sc.nodes] + [e.label or "" for e in sc.edges] + [sc.caption or ""]
    for text in texts:
        assert not NOISE.search(text), (name, NOISE.search(text).group(0), text[:300])
    z = result.graph.node("z").id
    if at["w1"] * at["x1"] + at["w2"] * at["x2"] + at["b"] == 0:
        assert result.values[z] == 0.0 and "z = " in texts[0] and " = 0\n" in texts[0]


@pytest.mark.parametrize("name, at", CASES)
def test_gradients_agree_with_sympy_diff_and_central_differences(name: str, at: dict[str, Fraction]) -> None:
    result = _result(name, at)
    loss, symbols = _meaning(name)
    point = {symbols[k]: sp.Rational(v.numerator, v.denominator) for k, v in at.items()}
    f = sp.lambdify([symbols[k] for k in at], loss, "mpmath")
    for k, symbol in symbols.items():
        exact = float(sp.diff(loss, symbol).subs(point))
        assert math.isclose(result.grad[k], exact, rel_tol=1e-12, abs_tol=1e-15), (name, k)
        h = 1e-6
        args = [float(at[j]) for j in at]
        i = list(at).index(k)
        up, down = list(args), list(args)
        up[i] += h
        down[i] -= h
        difference = float((f(*up) - f(*down)) / (2 * h))
        assert math.isclose(result.grad[k], difference, rel_tol=1e-5, abs_tol=1e-6), (name, k)


@pytest.mark.parametrize("name, at", CASES)
def test_check_gives_no_false_alarm_and_catches_a_wrong_gradient(name: str, at: dict[str, Fraction]) -> None:
    for hand in (True, False):  # the float plan's cancellation noise is no mismatch either
        graph = gradviz.parse(MODELS[name][0])
        result = backward(graph, {k: _text(v) for k, v in at.items()}, hand=hand)
        rows = checking.gradient_check(result)
        assert all(r.verdict == "ok" for r in rows), (name, hand, [r for r in rows if r.verdict != "ok"])
    rows = {r.input: r for r in rows}
    for k in ("w1", "b"):
        wrong = backward(graph, {k: _text(v) for k, v in at.items()})
        scale = rows[k].scale or 1.0
        wrong.adjoints[graph.node(k).id] += 1e-4 * scale  # a slightly wrong gradient
        verdicts = {r.input: r.verdict for r in checking.gradient_check(wrong)}
        assert verdicts[k] == "mismatch" and "MISMATCH for " + k in checking.check_table(
            checking.gradient_check(wrong)), (name, k)


def test_the_logistic_slide_as_the_lecture_writes_it() -> None:
    formula = "p = σ(w1 x1 + w2 x2 + b); L = −y log(p) − (1 − y) log(1 − p)"
    at = ["--at", "w1=0.5,w2=-0.3,b=0.1,x1=1,x2=2,y=1"]
    out = CliRunner().invoke(cli, ["grad", formula, *at, "--check"])
    assert out.exit_code == 0 and "verdict: all gradients agree" in out.output
    assert "z = d + b = 0\n" in out.output and "∂L/∂y = " in out.output and not NOISE.search(out.output)
    wider = CliRunner().invoke(cli, ["grad", formula, *at, "--digits", "8"]).output
    assert " = log(p) = −0.69314718\n" in wider
    assert " = log(p) = −0.693\n" in out.output


def test_a_mismatch_exits_with_status_one(monkeypatch) -> None:
    real = checking.gradient_check

    def wrong(result):
        return [checking.CheckRow(**{**r.__dict__, "verdict": "mismatch"}) for r in real(result)]
    monkeypatch.setattr(checking, "gradient_check", wrong)
    out = CliRunner().invoke(cli, ["grad", "x*y", "--at", "x=1,y=2", "--check"])
    assert out.exit_code == 1 and "MISMATCH for x, y" in out.output


def test_digits_set_one_policy_for_a_block() -> None:
    result = gradviz.parse("x/3").backward({"x": 1})
    assert format_value(result.value) == "0.333"
    with gradviz.digits(7):
        assert format_value(result.value) == "0.3333333" and shown_digits() == 7
    assert shown_digits() == 3
    with pytest.raises(gradviz.GradvizError, match="digits"):
        with gradviz.digits(0):
            pass


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**9), st.integers(1, 12))
def test_format_value_rounds_the_exact_value_half_up(q: Fraction, digits: int) -> None:
    shown = format_value(q, digits)
    if q == 0:
        assert shown == "0"
        return
    if "e" in shown:  # scientific notation keeps at most 4 significant digits
        digits = min(digits, 4)
    expected = _expected(sp.Rational(q.numerator, q.denominator), digits)
    assert _shown(shown) == expected, (q, digits, shown, expected)


def test_decimals_show_as_a_hand_calculation_gives_them() -> None:
    assert [format_value(v, 2) for v in (0.1245, Fraction(1245, 10000), 2.675, 0.6931, 0.125)] == \
        ["0.12", "0.12", "2.7", "0.69", "0.125"]  # 0.125: one digit more, so whole
    assert [format_value(v, 3) for v in (1.875, -0.0625, 0.12345, 0.12355)] == ["1.875", "−0.0625", "0.123", "0.124"]
    assert gradviz.parse("a*b").backward({"a": "0.5", "b": "0.247"}).value == 0.1235


@pytest.mark.parametrize("formula, at", [
    ("((((((x^2)^2)^2)^2)^2)^2)^2", {"x": "1.1"}),  # x^128: 1.1^128 has 128 decimals
    ("x^1000000 + y", {"x": "1.0001", "y": "0.1"}),
    ("a = x·y; b = a·a; c = b·b; d = c·c; e1 = d·d; f = e1·e1; g = f·f; L = g·g + x", {"x": "0.3", "y": "0.7"}),
])
def test_hand_numbers_stay_bounded(formula: str, at: dict[str, str]) -> None:
    graph = gradviz.parse(formula)
    result = backward(graph, at)
    assert all(hand_bits(v) <= HAND_BITS for v in result.hand.values())
    plan = backward(graph, at, hand=False)
    for nid in graph.order:
        assert math.isclose(result.values[nid], plan.values[nid], rel_tol=1e-12)
        assert math.isclose(result.adjoints[nid], plan.adjoints[nid], rel_tol=1e-12)


def test_special_values_of_transcendental_ops_are_exact() -> None:
    formula = "L = σ(a − b) + tanh(a − b) + exp(a − b) + log(1 + a − b) + sqrt(c) + c^0.5 + sin(a − b) + cos(a − b)"
    result = gradviz.parse(formula).backward({"a": "0.3", "b": "0.3", "c": "0.0625"})
    assert result.hand[result.graph.output_id] == Fraction(1, 2) + 0 + 1 + 0 + Fraction(1, 4) + Fraction(1, 4) + 0 + 1


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
def test_the_explorer_page_writes_numbers_as_the_figures_do() -> None:
    source = (Path(gradviz.__file__).parent / "outputs" / "explorer.js").read_text(encoding="utf-8")
    helpers = source[source.index("  function fmt(f, digits)"): source.index("  function paren(f)")]
    rng = random.Random(7)
    values = [0.1235, 2.675, -0.0625, 1e-5, 99999.5, 0.1 + 0.2, 1 / 3, 1.5e12, 9.9996, 5e-324, 1.7976931348623157e308]
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-8, 8) for _ in range(300)]
    values += [round(rng.uniform(-10, 10), rng.randint(1, 5)) for _ in range(300)]
    cases = [(v, d) for v in values for d in (1, 3, 4, 6, 9)]
    script = (f"var P = {json.dumps(number_policy())};\n{helpers}\nvar cases = {json.dumps(cases)};\n"
              "console.log(JSON.stringify(cases.map(function (c) { return fmt(c[0], c[1]); })));")
    shown = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout)
    assert [(v, d, s) for (v, d), s in zip(cases, shown) if s != format_value(v, d)] == []


PRODUCT_LINE = re.compile(r"= ((?:[+−]?\s*\(?−?[\d.]+(?:e[−-]?\d+)?\)? × \(?−?[\d.]+(?:e[−-]?\d+)?\)?\s*)+) = (−?[\d.]+(?:e[−-]?\d+)?)$")
FACTORS = re.compile(r"([+−]?)\s*\(?(−?[\d.]+(?:e[−-]?\d+)?)\)? × \(?(−?[\d.]+(?:e[−-]?\d+)?)\)?")


@pytest.mark.parametrize("name, at", CASES)
def test_every_caption_checks_by_hand_from_its_shown_numbers(name: str, at: dict[str, Fraction]) -> None:
    """upstream × local = contribution: the shown factors' product, rounded as the result is shown,
    is the shown result; the result is shown to the policy's digits (as on the node)."""
    result = _result(name, at)
    checked = 0
    for frame in frames(result):
        for line in map(plain, frame.equations):
            found = PRODUCT_LINE.search(line)
            if not found:
                continue
            total = sum((-1 if sign == "−" else 1) * _shown(a) * _shown(b) for sign, a, b in FACTORS.findall(found[1]))
            assert _by_hand(total, found[2]) == _shown(found[2]), (name, line)
            assert found[2] == format_value(_fraction_of(found[2])), line
            checked += 1
    assert checked >= 5


DIGITS = re.compile(r"\d+(?:\.\d+)?")


@pytest.mark.slow
def test_every_output_writes_a_captions_numbers_alike() -> None:
    """The digits a caption's hand check needs (``upstream × local = contribution`` with more digits) reach every
    output: the figure's caption, the derivation's LaTeX rows (Beamer's too) and the PowerPoint equations show
    the numbers the caption line writes, never the shorter ones whose product does not give the result."""
    from gradviz.derive.documents import align_rows
    from gradviz.outputs.mathimages import relation_rows
    from gradviz.render.scene import wrapped
    from gradviz.text.lines import Relation, shown_sides

    longer = 0
    for relation in (r for name, at in CASES for frame in frames(_result(name, at)) for r in frame.equations):
        tail = PRODUCT_LINE.search(plain(relation)) if isinstance(relation, Relation) else None
        if tail is None:
            continue
        numbers = DIGITS.findall(f"{tail[1]} {tail[2]}")
        longer += shown_sides(relation) != relation.sides
        outputs = {"caption": " ".join(wrapped(relation)),
                   "latex": " ".join(" ".join(rows) for rows in align_rows([relation])),
                   "powerpoint": " ".join(row.text for row in relation_rows(relation))}
        for output, text in outputs.items():
            found = DIGITS.findall(re.sub(r"_\{?\d+\}?|<SUB>\d+</SUB>|\\frac\{\d+\}\{\d+\}", "", text))
            assert found[-len(numbers):] == numbers, (output, plain(relation), text)
    assert longer, "no caption of these needed more digits: the test checks nothing"


def _by_hand(computed: Decimal, shown: str) -> Decimal:
    """``computed`` rounded half up as the shown result is: to the policy's digits, or all of the
    shown result's own where it has more."""
    significant = len(re.sub(r"e.*$", "", shown).replace("−", "").replace(".", "").strip("0"))
    digits = max(shown_digits(), significant)
    return _rounded(sp.Rational(str(computed)), digits) if computed != 0 else Decimal(0)


def _fraction_of(text: str) -> Fraction:
    return Fraction(text.replace("−", "-"))


#: Formulas whose output is identically zero, computed through rounded values two ways (a softmax and the softmax
#: of shifted logits, σ and its definition, log of a product and the sum of logs, …): floats leave 1e−17 where a
#: student computes 0.
CANCELLING = [
    "L = exp(a)/(exp(a) + exp(b)) − exp(a + 1)/(exp(a + 1) + exp(b + 1))",
    "L = σ(a) − 1/(1 + exp(−a))",
    "L = log(a² + 1) + log(b² + 1) − log((a² + 1)(b² + 1))",
    "L = tanh(a) − (exp(a) − exp(−a))/(exp(a) + exp(−a))",
    "L = √(a² + b²)·√(a² + b²) − a² − b²",
    "L = exp(a) exp(b) − exp(a + b)",
    "P = exp(a) + exp(b); Q = exp(a + 2) + exp(b + 2); L = exp(a)/P (log(exp(a)/P) − log(exp(a + 2)/Q))"
    " + exp(b)/P (log(exp(b)/P) − log(exp(b + 2)/Q))",
]


@pytest.mark.parametrize("formula", CANCELLING)
def test_a_sum_that_cancels_to_its_terms_rounding_reads_zero(formula: str) -> None:
    """The output is identically zero (``sympy``), so is every gradient: at twelve points each, the output's
    forward line and every gradient line end ``= 0``, and no number below 1e−12 shows in the final figure."""
    graph = gradviz.parse(formula)
    sym = symbolic_of(graph)
    assert sp.simplify(sp.expand_log(sym.in_inputs(sym.definition(graph.output_id)), force=True).rewrite(sp.exp)) == 0
    rng = random.Random(formula)
    for _ in range(12):
        result = graph.backward({name: round(rng.uniform(-2, 2), 2) for name in graph.inputs})
        derivation = lecture(result)
        for line in (derivation.forward[-1], *derivation.gradients):
            assert plain(line).endswith(" = 0"), plain(line)
        figure = render_frames(result, which="final")[0].data.decode("utf-8")
        assert not re.search(r"\de[−-]1[2-9]|\de[−-][2-9]\d", figure), formula
