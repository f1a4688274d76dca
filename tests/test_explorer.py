"""The interactive explorer (outputs/explorer.py, gradviz explore): the op specs' JavaScript forms
against the Python float forms, then the page itself in headless Chromium, offline, compared
with gradviz's backward pass and with central differences."""

from __future__ import annotations

import json
import math
import os
import random
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import gradviz
from gradviz.errors import EvaluationError, GradvizError
from gradviz.eval.backward import backward
from gradviz.eval.forward import forward
from gradviz.ir.graph import GraphBuilder
from gradviz.ir.ops import OPS, EvaluationDomainError
from gradviz.outputs.explorer import explorer_area, explorer_figure, explorer_html, graph_export, op_table, write_explorer
from gradviz.text.numbers import format_value, shown_digits

sys.path.insert(0, str(Path(__file__).parent))
from families import FAMILIES, make, rnn  # noqa: E402
from tools import browser as chromium_browser  # noqa: E402

from gradviz.render.crossings import plain_dot_crossings  # noqa: E402
from gradviz.render.fitting import readable_px, text_px  # noqa: E402
from gradviz.render.measure import crossings  # noqa: E402
from gradviz.render.ranks import continued  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MINUS = "−"

# Five formulas and a built graph that use every op at least once, with where to draw each input.
FORMULAS = [
    ("(θ1θ2x − y)²", {}),
    ("σ(w x + b0) / (1 + exp(-z)) + log(u) - sqrt(v) + |w - z|", {"u": (0.1, 3), "v": (0.1, 3)}),
    ("tanh(a) relu(b) + leaky_relu(c, 0.2) + softplus(a) + gelu(b) + elu(c, 1.5) + silu(a) + softsign(b)", {}),
    ("sin(p) + cos(q) tan(r) + sinh(p) - cosh(q) + erf(r) + max(p, q, r) + min(p, q) + step(p) + s^q",
     {"r": (-1.4, 1.4), "s": (0.1, 3)}),
    ("h = p; mse(h, t) + mae(h, t) + bce(σ(h), t) + cross_entropy(s, u, t, h) + softmax_ce(p, h, t, u)",
     {"s": (0.05, 3), "u": (0.05, 3)}),
]


def softmax_graph() -> gradviz.Graph:
    """softmax has no spelling in text (networks build it): z1, z2, z3 → softmax index 1, times y."""
    b = GraphBuilder("softmax")
    z = [b.input(f"z{k}") for k in (1, 2, 3)]
    p = b.apply("softmax", z, (Fraction(1),))
    return gradviz.Graph.of(b.finish(b.apply("mul", [p, b.input("y")])))


def graphs() -> list[tuple[gradviz.Graph, dict]]:
    return [(gradviz.parse(text), ranges) for text, ranges in FORMULAS] + [(softmax_graph(), {})]


def test_every_op_has_a_javascript_form() -> None:
    missing = [key for key, spec in OPS.items() if spec.js is None or not spec.js.value or not spec.js.local]
    assert not missing, f"ops without a JavaScript form for the explorer: {missing}"
    table = op_table(OPS)
    assert all(f'"{key}":{{v:function' in table for key in OPS)


def test_the_page_files_are_package_data() -> None:
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert {"outputs/explorer.js", "outputs/explorer.css"} <= set(data["gradviz"])


def test_the_formulas_cover_every_op() -> None:
    used = {n.op for g, _ in graphs() for n in g.nodes.values() if n.op}
    assert used == set(OPS)


SHOWN = 10.0 ** (1 - shown_digits())  # a number shown to d significant digits is this close, relatively


def close(a: float, b: float, rel: float = 1e-9) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-12


def shown(text: str) -> float:
    """The number a figure text shows: ``∂L/∂a = −42`` or ``−42`` → −42."""
    return float(text.rsplit("= ", 1)[-1].replace(MINUS, "-").split(" ")[0])


@pytest.fixture(scope="module")
def browser():
    with chromium_browser(1500, 950) as driver:
        driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
        yield driver


def open_page(browser, path: Path) -> None:
    browser.get(path.as_uri())
    assert browser.execute_script("return !!window.gradvizExplorer")
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0


def set_inputs(browser, graph, point: dict[str, float]) -> None:
    index = {n.name: k for k, n in enumerate(graph.nodes.values())}
    browser.execute_script("""
        for (const [i, v] of arguments[0]) {
          const f = document.getElementById('in-' + i); f.value = v; f.dispatchEvent(new Event('input'));
        }""", [[index[name], repr(float(v))] for name, v in point.items()])


def page_state(browser) -> dict:
    return browser.execute_script("""
        const s = window.gradvizExplorer.state();
        const e = window.gradvizExplorer, n = s.val.length, ks = Array.from({length: n}, (_, k) => k);
        return {val: Array.from(s.val), adj: Array.from(s.adj), error: s.error,
                v: ks.map(k => e.cell('v', k)), g: ks.map(k => e.cell('g', k))};""")


def cell(browser, kind: str, graph, name: str) -> str | None:
    """What the figure shows in a node's value (``v``) or gradient (``g``) slot."""
    k = list(graph.nodes).index(graph.node(name).id)
    return browser.execute_script("return window.gradvizExplorer.cell(arguments[0], arguments[1])", kind, k)


@pytest.mark.slow
def test_javascript_forms_equal_the_python_float_forms(browser, tmp_path) -> None:
    """Every op's value, local derivatives and domain message, at its test samples and at points
    outside its domain, evaluated by the page's op table against the spec's Python forms."""
    graph = gradviz.parse("x + y")
    write_explorer(graph.backward({"x": 1, "y": 2}), tmp_path)
    open_page(browser, tmp_path / "index.html")
    browser.execute_script(op_table(OPS) + "window.allOps = window.gvOps;")
    rng = random.Random(7)
    checked = 0
    for key, spec in OPS.items():
        count = (2 * 3) if spec.variadic else (spec.arity or 1)
        params = [float(p.example) for p in spec.params]
        if key == "softmax":
            count = 3
        points = [[rng.uniform(*(spec.samples[k] if k < len(spec.samples) else (-3, 3))) for k in range(count)]
                  for _ in range(12)]
        points += [[-1.0] * count, [0.0] * count, [0.5] * count, [-6.5] * count]
        for args in points:
            try:
                out = spec.evaluate(tuple(args), tuple(p.example for p in spec.params))
                problem = None
            except EvaluationDomainError as exc:
                out, problem = None, str(exc)
            got = browser.execute_script("""
                const op = window.allOps[arguments[0]], a = arguments[1], p = arguments[2];
                const problem = op.e ? op.e(a, p) : null;
                if (problem) return {problem: problem};
                const v = op.v(a, p);
                try { return {v: v, d: op.d(a, p, v)}; } catch (e) { return {v: v, thrown: e.message}; }""",
                key, args, params)
            if problem is not None and "overflow" not in problem:
                assert got.get("problem") == problem, (key, args)
                continue
            if problem is not None:
                continue
            assert close(got["v"], out), (key, args, got, out)
            if spec.kink and spec.kink(*args):
                continue
            try:
                local = spec.derivatives(tuple(args), out, tuple(p.example for p in spec.params))
            except EvaluationDomainError as exc:
                infinite = any(d is None or not math.isfinite(d) for d in got.get("d", [0]))
                assert got.get("thrown") == str(exc) or infinite, key
                continue
            assert all(close(a, b) for a, b in zip(got["d"], local)), (key, args, got["d"], local)
            checked += 1
    assert checked > 300
    grid = [k / 8 for k in range(-56, 57)]
    erf = browser.execute_script("return arguments[0].map(window.gradvizExplorer.M.erf)", grid)
    assert all(close(a, math.erf(x), 1e-13) for a, x in zip(erf, grid))


@pytest.mark.slow
def test_the_page_shows_no_cancellation_noise(browser, tmp_path) -> None:
    """The logistic slide's logit 0.5·1 − 0.3·2 + 0.1 is 0 on the page as in the figures (floats
    give 2.78e−17), and so is a gradient that cancels; a true small value stays."""
    graph = gradviz.parse("p = σ(w1 x1 + w2 x2 + b); L = −y log(p) − (1 − y) log(1 − p) + q·r − q·r + s")
    start = {"w1": 0.5, "w2": -0.3, "b": 0.1, "x1": 1, "x2": 2, "y": 1, "q": 0.1, "r": 0.7, "s": 1e-20}
    write_explorer(graph.backward(start), tmp_path)
    open_page(browser, tmp_path / "index.html")
    state = page_state(browser)
    index = {n.name: k for k, n in enumerate(graph.nodes.values())}
    logit = graph.nodes[graph.node("p").operands[0]].name  # z, the sum σ takes
    assert state["val"][index[logit]] == 0 and shown(state["v"][index[logit]]) == 0
    assert state["adj"][index["q"]] == 0 and state["adj"][index["s"]] == 1
    assert not any(re.search(r"e−1[5-9]", text or "") for text in state["v"] + state["g"])
    agree = gradviz.parse("P = exp(a) + exp(b); Q = exp(a + 2) + exp(b + 2); L = exp(a)/P − exp(a + 2)/Q")
    write_explorer(agree.backward({"a": 0.3, "b": -0.7}), tmp_path / "agree")  # two softmaxes that agree
    open_page(browser, tmp_path / "agree" / "index.html")
    state = page_state(browser)
    inputs = [k for k, n in enumerate(agree.nodes.values()) if n.kind == "input"]
    assert state["val"][-1] == 0 and [state["adj"][k] for k in inputs] == [0, 0], state  # as the figures give


@pytest.mark.slow
def test_every_value_and_gradient_follows_the_inputs(browser, tmp_path) -> None:
    """24 random settings over six graphs that use every op: the page's numbers equal gradviz's
    backward pass to 1e-9 and the figure shows them."""
    rng = random.Random(2026)
    settings = 0
    for g_index, (graph, ranges) in enumerate(graphs()):
        start = {name: rng.uniform(*ranges.get(name, (-3, 3))) for name in graph.inputs}
        folder = tmp_path / f"g{g_index}"
        write_explorer(graph.backward(start), folder)
        open_page(browser, folder / "index.html")
        for _ in range(4):
            point = {name: rng.uniform(*ranges.get(name, (-3, 3))) for name in graph.inputs}
            set_inputs(browser, graph, point)
            state = page_state(browser)
            expected = backward(graph, point)
            assert state["error"] is None
            for k, (nid, node) in enumerate(graph.nodes.items()):
                assert close(state["val"][k], expected.values[nid]), (graph.source, node.name)
                if node.kind != "const":
                    assert close(shown(state["v"][k]), expected.values[nid], SHOWN)
                if state["g"][k] is not None:
                    grad = expected.adjoints.get(nid, 0.0)
                    assert close(state["adj"][k], grad), (graph.source, node.name, point)
                    assert close(shown(state["g"][k]), grad, SHOWN)
            settings += 1
    assert settings >= 20


@pytest.mark.slow
def test_a_domain_error_shows_on_its_node_as_the_cli_says_it(browser, tmp_path) -> None:
    graph = gradviz.parse("log(x) y + sqrt(y)")
    write_explorer(graph.backward({"x": 2, "y": 3}), tmp_path)
    open_page(browser, tmp_path / "index.html")
    for point in ({"x": -1.5, "y": 3}, {"x": 2, "y": -4}):
        set_inputs(browser, graph, point)
        with pytest.raises(EvaluationError) as caught:
            graph.backward(point)
        status = browser.execute_script("return document.getElementById('status').textContent")
        assert status == f"Error: {caught.value}"
        bad = next(nid for nid, n in graph.nodes.items() if n.name == caught.value.node)
        assert "error" in browser.find_element("id", bad).get_attribute("class")
        assert cell(browser, "v", graph, caught.value.node).endswith("⚠")
    set_inputs(browser, graph, {"x": 2, "y": 3})
    assert browser.execute_script("return document.getElementById('status').textContent") == ""


@pytest.mark.slow
def test_clicking_a_node_explains_its_chain_rule(browser, tmp_path) -> None:
    graph = gradviz.parse("(θ1θ2x − y)²")
    write_explorer(graph.backward({"θ1": 2, "θ2": -1, "x": 3, "y": 1}), tmp_path)
    open_page(browser, tmp_path / "index.html")
    a = graph.node("a").id
    browser.find_element("id", a).click()
    panel = browser.find_element("id", "panel-body")
    # the lecture's ∂L/∂a = ∂L/∂b · ∂b/∂a = 2c · x = 2cx = −42: upstream 2c = −14, local x = 3
    assert "∂L/∂a = ∂L/∂b · ∂b/∂a = 2c · x = 2cx = −42" in panel.text
    assert browser.find_element("css selector", "#panel .numbers").text == "= −14 × 3 = −42"
    on = {e.get_attribute("id") for e in browser.find_elements("css selector", "#figure .onpath")}
    assert on == {a, graph.node("b").id, graph.node("c").id, graph.node("L").id, *(
        f"{u}-{v}-0" for u, v in ((a, graph.node("b").id), (graph.node("b").id, graph.node("c").id),
                                  (graph.node("c").id, graph.node("L").id)))}
    set_inputs(browser, graph, {"θ1": 1.5, "x": -2})  # the panel follows the inputs
    c = 1.5 * -1 * -2 - 1
    assert browser.find_element("css selector", "#panel .numbers").text == \
        f"= {format_value(2 * c)} × {format_value(-2.0).join('()')} = {format_value(2 * c * -2)}"


@pytest.mark.slow
def test_a_fan_out_node_sums_over_its_consumers(browser, tmp_path) -> None:
    graph = gradviz.parse("x² + 3x")
    write_explorer(graph.backward({"x": 2}), tmp_path)
    open_page(browser, tmp_path / "index.html")
    browser.find_element("id", graph.node("x").id).click()
    text = browser.find_element("id", "panel-body").text
    assert "Fan-out: x feeds 2 nodes" in text
    assert browser.find_element("css selector", "#panel .numbers").text == "= (1 × 4) + (1 × 3) = 7"  # 2x + 3


@pytest.mark.slow
def test_a_node_drawn_again_in_a_folded_figure_acts_as_that_node(browser, tmp_path) -> None:
    result = make(rnn(4))  # 31 operations: the figure folds into two rows, the second fed by copies
    graph = result.graph
    write_explorer(result, tmp_path)
    open_page(browser, tmp_path / "index.html")
    copies = browser.execute_script("return JSON.parse(document.getElementById('gv-data').textContent).copies")
    again = {nid: copy for nid, made in copies.items() for copy in made if copy == continued(nid, 1)}
    assert again
    texts = lambda: {nid: (browser.find_element("id", nid).text, browser.find_element("id", copy).text)  # noqa: E731
                     for nid, copy in again.items()}
    assert all(a == b and a for a, b in texts().values())  # the copy shows the node's name, value, gradient
    set_inputs(browser, graph, {"w": 0.9, "x2": -1.3})
    assert all(a == b for a, b in texts().values()) and texts() != {}
    nid, copy = next(iter(again.items()))
    browser.find_element("id", copy).click()  # clicking the copy explains the node
    kind = "Input" if graph.nodes[nid].kind == "input" else "Node"
    assert browser.find_element("id", "panel-body").text.startswith(f"{kind} {graph.nodes[nid].name}")
    for element in (nid, copy):
        assert "selected" in browser.find_element("id", element).get_attribute("class")
    browser.find_element("css selector", '[data-mode="step"]').click()
    body = browser.find_element("tag name", "body")
    for step in result.steps:  # the copy is active with its node
        body.send_keys("\ue014")
        if step.node in again:
            assert "active" in browser.find_element("id", again[step.node]).get_attribute("class")
            break
    else:
        pytest.fail("no backward step visits a node drawn again")


@pytest.mark.slow
def test_step_mode_walks_the_backward_pass(browser, tmp_path) -> None:
    graph = gradviz.parse("(θ1θ2x − y)²")
    result = graph.backward({"θ1": 2, "θ2": -1, "x": 3, "y": 1})
    write_explorer(result, tmp_path)
    open_page(browser, tmp_path / "index.html")
    browser.find_element("css selector", '[data-mode="step"]').click()
    pending = [n.name for n in graph.nodes.values() if n.kind != "const" and n.name != graph.output]
    # None: a gradient written as its one contribution (a c slot)
    shown_at = lambda: [cell(browser, "g", graph, name) for name in pending]  # noqa: E731
    assert all(text is None or text.endswith("?") for text in shown_at())  # no gradient before its step
    assert browser.find_element("id", "caption").text.startswith("Forward pass")
    body = browser.find_element("tag name", "body")
    for k, step in enumerate(result.steps, start=1):
        body.send_keys("\ue014")  # →
        assert "active" in browser.find_element("id", step.node).get_attribute("class")
        assert browser.find_element("id", "counter").text == f"Backward step {k} of {len(result.steps)}"
    caption = browser.find_element("id", "caption").text  # the player's caption of the step, with the page's numbers
    assert "∂L/∂θ₁ = ∂L/∂a·∂a/∂θ₁ = 2cx·θ₂ = 2cxθ₂ = −42 × (−1) = 42" in caption
    assert not any(text is not None and text.endswith("?") for text in shown_at())
    browser.find_element("id", "prev").click()
    assert "active" in browser.find_element("id", result.steps[-2].node).get_attribute("class")


@pytest.mark.slow
def test_forward_mode_tangents_equal_the_reverse_gradients(browser, tmp_path) -> None:
    rng = random.Random(5)
    for graph, ranges in graphs()[:4]:
        point = {name: rng.uniform(*ranges.get(name, (-3, 3))) for name in graph.inputs}
        write_explorer(graph.backward(point), tmp_path, force=True)
        open_page(browser, tmp_path / "index.html")
        browser.find_element("css selector", '[data-mode="forward"]').click()
        index = {nid: k for k, nid in enumerate(graph.nodes)}
        for name in graph.inputs:
            w = index[graph.node(name).id]
            browser.execute_script("const s = document.getElementById('wrt'); s.value = arguments[0];"
                                   "s.dispatchEvent(new Event('change'));", str(w))
            state = browser.execute_script(
                "const e = window.gradvizExplorer, s = e.state();"
                "return {t: Array.from(e.tangents(s, arguments[0])), adj: Array.from(s.adj)}", w)
            assert close(state["t"][index[graph.output_id]], state["adj"][w])
            assert close(state["adj"][w], backward(graph, point).grad[name])
            h = 1e-6  # every node's tangent against a central difference of its value
            up = forward(graph, {**point, name: point[name] + h})
            down = forward(graph, {**point, name: point[name] - h})
            for nid in graph.nodes:
                assert abs(state["t"][index[nid]] - (up[nid] - down[nid]) / (2 * h)) <= 1e-4 * (
                    1 + abs(state["t"][index[nid]])), (graph.source, nid, name)
            caption = browser.find_element("id", "caption").text  # ends at ∂L/∂w = … (reverse mode: …)
            ends = f"= {format_value(state['t'][index[graph.output_id]])} (reverse mode: {format_value(state['adj'][w])})"
            assert ends in caption.replace("\n", " "), caption
        caption = browser.find_element("id", "caption").text
        n = len(graph.inputs)
        assert f"reverse mode gets all {n} gradients" in caption and f"forward mode needs {n} sweeps" in caption


@pytest.mark.slow
def test_quiz_checks_answers_and_holds_none_in_its_source(browser, tmp_path) -> None:
    graph = gradviz.parse("(θ1θ2x − y)²")
    result = graph.backward({"θ1": 2, "θ2": -1, "x": 3, "y": 1})
    page = explorer_html(result, quiz="both")
    texts = [t for t in re.findall(r"<text\b[^>]*>(.*?)</text>", page, re.S)]
    answers = {format_value(v) for nid, v in result.values.items() if graph.nodes[nid].kind == "op"}
    answers |= {format_value(v) for nid, v in result.adjoints.items() if nid != graph.output_id}
    assert not any(a in re.findall(r"[−\d.]+", t) for t in texts for a in answers), texts
    data = json.loads(re.search(r'id="gv-data">(.*?)</script>', page, re.S).group(1))
    given = {2.0, -1.0, 3.0, 1.0}
    numbers = {v for node in data["nodes"] for v in node.get("p", []) + ([node["c"]] if "c" in node else [])}
    assert numbers | {i["v"] for i in data["inputs"]} <= given | {2.0}  # the inputs and the exponent 2
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    open_page(browser, tmp_path / "index.html")
    a = graph.node("a").id
    row = browser.find_element("id", f"q-g{a}")
    field, button = row.find_element("tag name", "input"), row.find_element("tag name", "button")
    field.send_keys("42")
    button.click()
    assert "wrong" in row.get_attribute("class")
    assert "Hint: ∂L/∂a = ∂L/∂b · ∂b/∂a, where ∂L/∂b = −14 and ∂b/∂a = 3" in row.text
    script = "return document.getElementById(arguments[0]).textContent"
    node_text = lambda: browser.execute_script(script, a)  # noqa: E731
    assert "−42" not in node_text() and "?" in node_text()
    field.clear()
    field.send_keys("-42.01\n")  # within 1e-3 relative
    assert "right" in row.get_attribute("class")
    assert "−42" in node_text()
    value_row = browser.find_element("id", f"q-v{graph.node('L').id}")
    value_row.find_element("tag name", "input").send_keys("49\n")
    assert "right" in value_row.get_attribute("class")
    assert browser.find_element("id", "score").text == "Score: 2 / 11 right, 1 wrong tries"
    browser.save_screenshot(str(tmp_path / "quiz.png"))


def test_too_big_a_graph_is_refused_up_front() -> None:
    graph = gradviz.parse(" + ".join(f"x{k}·y{k}" for k in range(250)))
    with pytest.raises(GradvizError, match="nodes; gradviz draws one frame of graphs up to 600"):
        explorer_html(graph.backward({**{f"x{k}": 1 for k in range(250)}, **{f"y{k}": 2 for k in range(250)}}))


def test_explorer_needs_values() -> None:
    with pytest.raises(GradvizError, match="--at"):
        explorer_html(gradviz.parse("x y").backward())


@pytest.mark.slow
def test_notebook_shows_the_page_in_a_frame(tmp_path) -> None:
    result = gradviz.parse("σ(w x)").backward({"w": 0.5, "x": 2})
    view = result.explore()
    bundle, _ = view._repr_mimebundle_()
    assert bundle["text/html"].startswith("<iframe srcdoc=") and "gv-data" in bundle["text/html"]
    assert view.save(tmp_path).read_text(encoding="utf-8") == view.html


@pytest.mark.slow
def test_readme_example_runs_as_typed_and_the_page_works_offline(browser, tmp_path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    main = [sys.executable, "-c", "from gradviz.cli import main; main()"]
    done = subprocess.run(main + ["explore", "(θ1θ2x − y)²", "--at", "θ1=2,θ2=-1,x=3,y=1", "-o", "out"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == ["index.html"]
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page) and "@import" not in page
    open_page(browser, tmp_path / "out" / "index.html")
    graph = gradviz.parse("(θ1θ2x − y)²")
    set_inputs(browser, graph, {"θ1": 3})
    assert shown(cell(browser, "v", graph, "L")) == 100  # (3·(−1)·3 − 1)² = 100
    theta = browser.execute_script("return document.getElementById(arguments[0]).textContent", graph.node("θ1").id)
    assert "60" in theta.split()[-1]  # ∂L/∂θ₁ = 2(−10)·3·(−1)
    done = subprocess.run(main + ["html", "(θ1θ2x − y)²", "--at", "θ1=2,θ2=-1,x=3,y=1", "-o", "site",
                                  "--interactive"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0 and "gv-data" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    quiz = ["explore", "σ(w x + b0)", "--at", "w=0.5,x=2,b0=-1", "-o", "quiz/", "--quiz", "grads"]
    done = subprocess.run(main + quiz, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("quiz in "), done.stderr
    done = subprocess.run(main + ["explore", "x y", "-o", "none"], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=60)
    assert done.returncode == 2 and "--at" in done.stderr and "Traceback" not in done.stderr


def test_html_interactive_takes_neither_blank_nor_wrt(tmp_path) -> None:
    from click.testing import CliRunner

    from gradviz.cli.main import cli

    for extra in (["--blank", "grads"], ["--wrt", "x"]):
        done = CliRunner().invoke(cli, ["html", "x y", "--at", "x=1,y=2", "-o", str(tmp_path), "--interactive", *extra])
        assert done.exit_code == 2 and "--quiz" in done.output


def test_the_page_script_holds_no_copy_of_python() -> None:
    """The page's script computes and fills slots; every word, formula and number format it shows
    comes from gradviz's Python (the op specs, the printers, the number policy), and the page finds
    the figure's texts by the ids and slots gradviz wrote, never by a regular expression over the SVG."""
    import ast

    script = (ROOT / "gradviz" / "outputs" / "explorer.js").read_text(encoding="utf-8")
    for copied in ("at node", " where ", "overflows", "local derivative is", "Backward step", "Forward mode:",
                   "Fan-out", "Hint:", "sigmoid", "Math.exp", "erf:", "softmax", "rounded(", "Gradients of"):
        assert copied not in script, copied
    source = (ROOT / "gradviz" / "outputs" / "explorer.py").read_text(encoding="utf-8")
    imported = {alias.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import)
                for alias in node.names}
    assert "re" not in imported


def test_every_page_steps_with_the_one_stepper(tmp_path) -> None:
    from gradviz.outputs.player import STEPPER, player_html
    from gradviz.outputs.playground import playground_html
    from gradviz.render.figure import render_frames

    result = gradviz.parse("(θ1θ2x − y)²").backward({"θ1": 2, "θ2": -1, "x": 3, "y": 1})

    class Pictures:
        heading = "Training"

        @staticmethod
        def title(k: int) -> str:
            return f"epoch {k}"

    pages = [explorer_html(result), player_html("L", "L", render_frames(result, caption=False)),
             playground_html(Pictures(), [b"png", b"png"])]
    for page in pages:
        assert page.count(STEPPER) == 1
        assert not any(key in page.replace(STEPPER, "") for key in ("ArrowRight", "ArrowLeft", "PageUp", "Home"))


@pytest.mark.slow
def test_the_panel_typesets_the_chain_rule_the_same_at_any_size() -> None:
    """A graph over 40 nodes gets the same typeset chain rule per node as a small one (the lecture's
    lines in the figure's markup), never a plain-text fallback."""
    from gradviz.derive.lecture import lecture
    from gradviz.outputs.explorer import slotted
    from gradviz.text.lines import Partial, write
    from gradviz.text.targets import MARKUP

    graph = gradviz.parse(" + ".join(f"(w{k} x{k} − y{k})²" for k in range(1, 8)))
    assert len(graph) > 40
    result = graph.backward({name: 0.5 + k / 10 for k, name in enumerate(graph.inputs)})
    page = explorer_html(result)
    data = json.loads(re.search(r'id="gv-data">(.*?)</script>', page, re.S).group(1))
    by_name = {n.name: nid for nid, n in graph.nodes.items()}
    lines = lecture(slotted(result, pad=False))
    chains = {by_name[r.sides[0].bottom]: write(r, MARKUP) for r in lines.backward + lines.gradients
              if isinstance(r.sides[0], Partial)}
    assert len(data["panels"]) >= len(graph) - 8  # every node but the constants and the output
    for nid, chain in chains.items():
        assert chain in data["panels"][nid], nid


@pytest.mark.slow
def test_the_page_formats_numbers_as_the_figures_do(browser, tmp_path) -> None:
    """The page's number format (the browser's toPrecision under gradviz's number policy) against
    ``format_value`` over numbers of every magnitude and sign, typed decimals among them."""
    write_explorer(gradviz.parse("x + y").backward({"x": 1, "y": 2}), tmp_path)
    open_page(browser, tmp_path / "index.html")
    rng = random.Random(11)
    numbers = [rng.choice((-1, 1)) * rng.uniform(1, 10) * 10.0 ** rng.randint(-9, 9) for _ in range(400)]
    numbers += [0.1, 0.25, 1.875, -0.000426, 1e-5, 12345.0, 1e12, 0.1 + 0.2, 123.4, 99.95, -7.0, 1 / 3]
    shown_by_page = browser.execute_script("return arguments[0].map(x => window.gradvizExplorer.format(x))", numbers)
    assert [(x, format_value(x)) for x in numbers] == list(zip(numbers, shown_by_page))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["softmax, 5 terms over 2 features", "batch norm, 3 values"])
def test_the_pages_figure_reads_and_crosses_its_edges_no_more_often_than_plain_dot(name: str) -> None:
    """Graphs of 33 and 38 operations whose page figure crossed its edges more often than plain ``dot`` (20 and 16
    times, against 17 and 15) for the text size in the page's wide box: both measures are met."""
    result = make(FAMILIES[name])
    inputs = len(graph_export(result)["inputs"])
    figure, beside = explorer_figure(result, inputs)
    operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
    assert text_px(figure.layout, figure.style, explorer_area(inputs, beside)) >= readable_px(operations)
    svg = figure.render(figure.frames[0], "svg").data
    assert crossings(svg) <= plain_dot_crossings(result.graph, figure.backend)
