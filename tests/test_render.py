"""Rendering: scenes (golden DOT), one layout for every frame, backends, files and texts.

Regenerate the golden DOT files with ``GRADVIZ_REGEN_GOLDEN=1 pytest tests/test_render.py``
and review the diff by eye."""

from __future__ import annotations

import json
import os
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest

import gradviz
from gradviz.api import Graph
from gradviz.derive.documents import derivation_latex, derivation_markdown
from gradviz.errors import GradvizError
from gradviz.ir.graph import GraphBuilder
from gradviz.outputs.export import export
from gradviz.outputs.folder import write_atomic
from gradviz.render import backends
from gradviz.render.dot import digraph
from gradviz.render.figure import render_frames
from gradviz.render.frames import frames
from gradviz.render.scene import EDGE_LABEL_LIMIT, scene
from gradviz.render.style import Style
from gradviz.text.lines import Name, NodeText, Partial, Relation, write
from gradviz.text.targets import LATEX, MARKUP

import tools

AT = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}
SVG = "{http://www.w3.org/2000/svg}"


def lecture():
    b = GraphBuilder("(θ1θ2x − y)²")
    t1, t2 = b.input("θ1"), b.input("θ2")
    a = b.apply("mul", [t1, t2])
    c = b.apply("sub", [b.apply("mul", [a, b.input("x")]), b.input("y")])
    return Graph.of(b.finish(b.apply("powc", [c], (Fraction(2),))))


def fan_out():
    b = GraphBuilder("x·y + x/y")
    x, y = b.input("x"), b.input("y")
    return Graph.of(b.finish(b.apply("add", [b.apply("mul", [x, y]), b.apply("div", [x, y])])))


def wide(terms: int):
    b = GraphBuilder("sum")
    total = None
    for i in range(1, terms + 1):
        term = b.apply("mul", [b.apply("sigmoid", [b.apply("mul", [b.input(f"w{i}"), b.input(f"x{i}")])]),
                               b.input(f"v{i}")])
        total = term if total is None else b.apply("add", [total, term])
    return Graph.of(b.finish(total))


@pytest.fixture(scope="module")
def lecture_svgs():
    return render_frames(lecture().backward(AT), format="svg")


def svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def node_geometry(data: bytes) -> dict[str, tuple]:
    """Node id → the coordinates of its outline, plus the picture's size and transform."""
    root = ET.fromstring(data)
    out = {"@svg": (root.get("width"), root.get("height"), root.get("viewBox"))}
    graph = root.find(f"{SVG}g")
    out["@transform"] = graph.get("transform")
    for g in graph.iter(f"{SVG}g"):
        if g.get("class") == "node":
            shapes = [s.get("d") or s.get("points") for s in g if s.tag in (f"{SVG}path", f"{SVG}polygon")]
            out[g.get("id")] = tuple(shapes)
    return out


# -- frames and scenes -----------------------------------------------------------------------

def test_frames_follow_the_steps_and_end_with_all_gradients() -> None:
    result = lecture().backward(AT)
    fs = frames(result)
    assert [f.kind for f in fs] == ["structure", "forward"] + ["backward"] * 4 + ["gradients"]
    assert [f.node for f in fs[2:6]] == [s.node for s in result.steps]
    assert "−42 × (−1) = 42" in " ".join(fs[5].lines()) and "−42 × 2 = −84" in " ".join(fs[5].lines())
    assert [f.slug for f in frames(result, "final")] == [fs[-1].slug]
    with pytest.raises(ValueError):
        frames(result, "some")


@pytest.mark.parametrize("index", range(7))
def test_lecture_scene_matches_golden_dot(index: int, golden) -> None:
    result = lecture().backward(AT)
    frame = frames(result)[index]
    source = digraph(scene(result, frame)).source
    golden(f"lecture-{frame.slug}.dot", source)


def test_figure_markup_escapes_user_text_and_subscripts_names() -> None:
    assert write(Relation((Partial("a", "θ1"), Name("θ2"))), MARKUP) == "∂a/∂θ₁ = θ₂"
    assert MARKUP.name("<b>&") == "&lt;b&gt;&amp;"
    assert MARKUP.number(1.5e12) == "1.5e12"
    b = GraphBuilder("<b>")
    g = Graph.of(b.finish(b.apply("mul", [b.input("<b>"), b.input("x1")])))
    source = digraph(scene(g.backward({"<b>": 2, "x1": 3}), frames(g.backward({"<b>": 2, "x1": 3}))[-1])).source
    assert "<b>" not in source and "&lt;b&gt;" in source


def test_big_graphs_drop_edge_labels() -> None:
    g = wide(EDGE_LABEL_LIMIT // 7 + 1)
    assert len(g) > EDGE_LABEL_LIMIT
    result = g.backward(None, symbolic=False)
    sc = scene(result, frames(result)[-1])
    assert all(e.label is None for e in sc.edges)


# -- one layout for every frame --------------------------------------------------------------

def test_node_coordinates_are_identical_in_every_frame(lecture_svgs) -> None:
    geometries = [node_geometry(item.data) for item in lecture_svgs]
    assert len(geometries[0]) == 2 + 8
    for geometry in geometries[1:]:
        assert geometry == geometries[0]


def test_fan_out_frames_are_stable_and_show_running_sums() -> None:
    rendered = render_frames(fan_out().backward({"x": 3, "y": 2}), format="svg")
    geometries = [node_geometry(item.data) for item in rendered]
    assert all(g == geometries[0] for g in geometries)
    assert "∂L/∂x = 0.5 (so far)" in svg_text(rendered[3].data)
    assert "∂L/∂x = 0.5 + 2 = 2.5" in svg_text(rendered[-1].data)


def test_a_gate_shows_a_running_sum_as_plus_more_to_come() -> None:
    """A gate stays narrow while its gradient is incomplete: ``0.5 + ⋯`` (its caption says ``(so far)``), so an input
    used many times is not drawn wider in every frame for the frames that accumulate it."""
    rendered = render_frames(fan_out().backward({"x": 3, "y": 2}), format="svg", style=Style(look="gates"))
    nodes = svg_text(rendered[3].data).split("Backward step")[0]
    assert "x 3  │  0.5 + ⋯" in nodes and "(so far)" not in nodes and "(so far)" in svg_text(rendered[3].data)
    assert "x 3  │  2.5" in svg_text(rendered[-1].data) and "⋯" not in svg_text(rendered[-1].data)


def test_each_frame_shows_the_numbers_of_its_step(lecture_svgs) -> None:
    texts = [svg_text(item.data) for item in lecture_svgs]
    assert "=" in texts[0] and "49" not in texts[0] and "42" not in texts[0]
    assert "= 49" in texts[1] and "∂L" not in texts[1]
    assert "∂L/∂c = 2c = −14" in texts[2] and "1 × (−14) = −14" in texts[2]
    assert "−14 × (−1) = 14" in texts[3]
    assert "−14 × 3 = −42" in texts[4] and "−14 × (−2) = 28" in texts[4]
    assert "−42 × (−1) = 42" in texts[5] and "−42 × 2 = −84" in texts[5]
    assert "84" not in texts[4]  # nothing from later steps leaks into earlier frames
    for number in ("49", "42", "−84", "28", "14"):
        assert number in texts[6]
    assert "DejaVu Sans" in lecture_svgs[0].data.decode()
    assert VALUE_BLUE in lecture_svgs[1].data.decode() and VERMILLION in lecture_svgs[6].data.decode()


VALUE_BLUE, VERMILLION = "#0072b2", "#d55e00"


def test_symbolic_frames_show_no_numbers() -> None:
    rendered = render_frames(lecture().backward(None), format="svg")
    text = svg_text(rendered[-1].data)
    assert "∂L/∂a = 2cx" in text and "49" not in text
    step_a = svg_text(rendered[5].data)
    assert "2cx × θ" in step_a
    for number in ("−14", "−42", "49", "−6", "−7", "= 3"):
        assert number not in step_a


# -- formats and backends --------------------------------------------------------------------

@pytest.mark.slow
def test_png_and_pdf_are_real_files(tmp_path) -> None:
    result = lecture().backward(AT)
    png = export(result, tmp_path / "png", format="png", which="final", dpi=72).final.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert 300 < width < 3000 and 150 < height < 2000
    png_hi = render_frames(result, format="png", which="final", dpi=144)[0].data
    assert int.from_bytes(png_hi[16:20], "big") > 1.8 * width
    pdf = export(result, tmp_path / "pdf", format="pdf", which="final").final.read_bytes()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]
    dot = render_frames(result, format="dot", which="final")[0].data.decode()
    assert 'pos="' in dot and "neato -n2" in dot
    with pytest.raises(GradvizError, match="png"):
        render_frames(result, format="svg", dpi=100)


def test_missing_renderers_say_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pygraphviz", None)
    monkeypatch.setattr(backends.shutil, "which", lambda name: None)
    with pytest.raises(GradvizError, match="pip install pygraphviz"):
        backends.get_backend("pygraphviz")
    with pytest.raises(GradvizError, match="apt-get install graphviz"):
        backends.get_backend("dot")
    with pytest.raises(GradvizError, match="pip install pygraphviz.*apt-get install graphviz"):
        backends.get_backend("auto")
    with pytest.raises(GradvizError, match="choose one of"):
        backends.get_backend("cairo")


def test_graphviz_errors_become_gradviz_errors() -> None:
    with pytest.raises(GradvizError, match="syntax error"):
        backends.get_backend("pygraphviz").run("digraph { a -> }", "dot", "svg")


@pytest.mark.slow
def test_system_dot_renders_the_same_layout() -> None:
    tools.system_dot()
    rendered = render_frames(lecture().backward(AT), format="svg", renderer="dot")
    geometries = [node_geometry(item.data) for item in rendered]
    assert all(g == geometries[0] for g in geometries)


@pytest.mark.slow
def test_the_dot_backend_runs_a_program(tmp_path, monkeypatch) -> None:
    """The subprocess path, through a stand-in 'dot' (pygraphviz behind a command line)."""
    fake = tmp_path / "dot"
    fake.write_text(f"#!{sys.executable}\n" + """import sys
import pygraphviz
args = dict((a[:2], a[2:]) for a in sys.argv[1:])
graph = pygraphviz.AGraph(string=sys.stdin.read())
sys.stdout.buffer.write(graph.draw(format=args["-T"], prog=args["-K"]))
""")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    backend = backends.get_backend("dot")
    assert backend.dot_path == str(fake)
    rendered = render_frames(lecture().backward(AT), format="svg", renderer="dot")
    assert "−42 × (−1) = 42" in svg_text(rendered[5].data)


# -- files -----------------------------------------------------------------------------------

def test_export_writes_frames_manifest_and_derivation(tmp_path) -> None:
    done = export(lecture().backward(AT), tmp_path, format="svg")
    manifest = json.loads(done.manifest.read_text(encoding="utf-8"))
    assert [f["file"] for f in manifest["frames"]] == [p.name for p in done.files]
    assert [f["kind"] for f in manifest["frames"]][-1] == "gradients"
    assert manifest["frames"][5]["node"] == "a"
    assert "∂L/∂θ1 = ∂L/∂a·∂a/∂θ1 = 2cx·θ2 = 2cxθ2 = −42 × (−1) = 42" in manifest["frames"][5]["equations"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [p.name for p in done.files + done.images] + ["manifest.json", "derivation.md", "derivation.tex", ".gradviz"])


def test_files_are_written_whole_or_not_at_all(tmp_path, monkeypatch) -> None:
    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(GradvizError, match="No space left"):
        write_atomic(tmp_path / "frame.svg", b"<svg/>")
    with pytest.raises(GradvizError):
        export(lecture().backward(AT), tmp_path / "out")
    assert list(tmp_path.iterdir()) == [tmp_path / "out"] and not list((tmp_path / "out").iterdir())


def test_derivation_files() -> None:
    result = lecture().backward(AT)
    md = derivation_markdown(result)
    assert r"$$\frac{\partial L}{\partial \theta_{1}} = " in md and r"= 2 c x \theta_{2} = " in md
    tex = derivation_latex(result)
    assert tex.isascii() and tex.count("{") == tex.count("}")
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    assert tex.count(r"\begin{align*}") == tex.count(r"\end{align*}") == 3
    assert LATEX.number(1.5e12) == r"1.5 \times 10^{12}"
    g = gradviz.parse("σ(z)·exp(w1)")
    assert write(NodeText(g, g.output_id, "written"), LATEX) == r"\sigma\left(z\right) \exp\left(w_{1}\right)"


def test_graphviz_past_its_time_is_stopped_at_once_and_the_next_call_works() -> None:
    """The layout runs in a child process killed at its time limit (C code Python cannot stop)."""
    costly = "digraph { " + " ".join(f"n{i} -> n{j};" for i in range(70) for j in range(i + 1, 70)) + " }"
    backend = backends.get_backend("pygraphviz")
    with pytest.raises(GradvizError, match="ran past its limit"):
        backend.run(costly, "dot", "svg", timeout=0.3)
    assert backend.run("digraph { a -> b }", "dot", "svg").startswith(b"<?xml")  # a new worker


def test_the_layout_budget_counts_the_ranks_edges_cross_not_only_nodes() -> None:
    """Two inputs feeding each of 149 operations (299 nodes) are refused at once; a chain of 300
    nodes with no long edge, and 60 terms σ(wᵢxᵢ) summed (299 nodes), are not."""
    from gradviz.render.budget import WORK_LIMIT, check_layout_cost, layout_work

    fan = gradviz.parse("; ".join(["a1 = x*y"] + [f"a{k} = a{k - 1}*x + y" for k in range(2, 150)]))
    with pytest.raises(GradvizError, match="too costly to lay out.*gradviz grad"):
        check_layout_cost(fan)
    # x feeds a_k at depth 2k − 1 and y feeds a_k's sum at depth 2k: the spans alone exceed 2·149²
    assert layout_work(fan) > 2 * 149**2 > WORK_LIMIT
    chain = gradviz.parse("; ".join(["a1 = sin(x)"] + [f"a{k} = sin(a{k - 1})" for k in range(2, 300)]))
    assert layout_work(chain) == 2 * len(chain) - 1  # every node and every edge of span 1
    check_layout_cost(chain)
    check_layout_cost(gradviz.parse("+".join(f"σ(w{i} x{i})" for i in range(1, 61))))


def _one_op_graph(key: str) -> tuple["Graph", str]:
    """A graph of the op ``key`` over fresh inputs, with its parameters' examples."""
    from gradviz.ir.ops import OPS

    spec = OPS[key]
    b = GraphBuilder()
    count = spec.arity if spec.arity is not None else 2 * spec.min_args
    operands = [b.input(f"x{k}") for k in range(1, count + 1)]
    nid = b.apply(key, operands, tuple(p.example for p in spec.params))
    return b.finish(nid), nid


@pytest.mark.parametrize("key", sorted(__import__("gradviz.ir.ops", fromlist=["OPS"]).OPS))
def test_gate_glyphs_hold_no_letter_a_reader_could_take_for_a_variable(key: str) -> None:
    from gradviz.ir.ops import NOTATIONS, OPS
    from gradviz.render.scene import gate_symbol

    spec = OPS[key]
    assert spec.notation in NOTATIONS
    graph, nid = _one_op_graph(key)
    glyph = gate_symbol(graph, nid)
    if spec.notation in ("call", "indexed", "identity"):  # a function's name, as the lecture writes it
        assert glyph.startswith(spec.text)
    else:  # an operator, or a blank for the operand: ( )², | |, √
        assert not any(ch.isalpha() for ch in glyph), glyph
