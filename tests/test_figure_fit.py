"""Figures judged where they are used: fitted into a 1920×1080 slide, printed in greyscale,
drawn by a browser, included in a Beamer frame. Every number here is measured from what
gradviz writes (the SVG, the PNG, the compiled PDF), never taken from the renderer's own plan."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ladder import LADDER, WIDE
from tools import browser, compile_latex, require

from gradviz.eval.backward import backward
from gradviz.render.figure import Figure, render_frames
from gradviz.render.fitting import readable_px

from gradviz.render.measure import fit
from gradviz.render.style import Style
from gradviz.syntax import parse
from gradviz.text.numbers import format_value, shown_digits

SVG = "{http://www.w3.org/2000/svg}"
LECTURE_AT = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}


def _operations(result) -> int:
    return sum(1 for n in result.graph.nodes.values() if n.kind == "op")


def _node_texts(svg: bytes) -> dict[str, str]:
    """Each node group's text (its id → every text of it joined)."""
    root = ET.fromstring(svg.decode("utf-8"))
    return {g.get("id"): " ".join("".join(t.itertext()) for t in g.iter(f"{SVG}text"))
            for g in root.iter(f"{SVG}g") if g.get("class") == "node"}


@pytest.fixture(scope="module", ids=[rung.name for rung in LADDER],  # the 20-40-op rungs take seconds
                params=[pytest.param(i, marks=pytest.mark.slow if i >= len(LADDER) - 3 - len(WIDE) else ())
                        for i in range(len(LADDER))])
def final(request):
    """A ladder graph's backward pass, its figure and the final frame's SVG."""
    result = LADDER[request.param].make()
    figure = Figure(result)
    return result, figure, figure.render(figure.frames[-1]).data


def test_final_frame_text_is_readable_on_a_1920x1080_slide(final) -> None:
    result, _, svg = final
    measured = fit(svg)
    assert measured.node_text_px >= readable_px(_operations(result)), measured


def test_nothing_is_cut_and_every_edge_label_sits_by_its_edge(final) -> None:
    _, figure, svg = final
    measured = fit(svg)
    assert measured.truncated == 0 and measured.baseline_shifts == 0
    assert measured.misplaced_labels == ()
    for frame in figure.render_all(figure.frames):  # every frame, not only the final one
        assert "…" not in frame.data.decode("utf-8"), frame.frame.slug


def test_every_value_and_gradient_is_on_the_final_frame_whole(final) -> None:
    result, figure, svg = final
    digits = shown_digits()
    texts = _node_texts(svg)
    for nid, node in result.graph.nodes.items():
        if node.kind == "const":
            continue
        shown = texts[nid].replace(" ", "")
        for number in (result.values[nid], result.adjoints.get(nid, 0.0)):
            assert format_value(number, digits).replace(" ", "") in shown, (node.name, texts[nid])


def _outline_darkness(png: bytes, svg: bytes, node_ids: list[str]) -> dict[str, int]:
    """The darkest grey (0 black … 255 white) on the top border of each node, read from the PNG
    converted to greyscale at the place the SVG gives for that node."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    root = ET.fromstring(svg.decode("utf-8"))
    width_pt = float(re.match(r"[\d.]+", root.get("width")).group(0))
    scale = image.size[0] / width_pt
    tx, ty = (float(v) for v in re.search(r"translate\(([-\d.]+) ([-\d.]+)\)",
                                          root.find(f"{SVG}g").get("transform")).groups())
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node" or g.get("id") not in node_ids:
            continue
        shape = g.find(f"{SVG}path")
        if shape is None:
            shape = g.find(f"{SVG}polygon")
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", shape.get("d") or shape.get("points"))]
        xs, ys = numbers[0::2], numbers[1::2]
        x = (min(xs) + max(xs)) / 2
        top = min(ys)
        px, py = round((x + tx) * scale), round((top + ty) * scale)
        window = [image.getpixel((px + dx, py + dy)) for dx in range(-3, 4) for dy in range(-3, 4)
                  if 0 <= px + dx < image.size[0] and 0 <= py + dy < image.size[1]]
        out[g.get("id")] = min(window)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["light", "print"])
@pytest.mark.parametrize("formula, at", [
    ("(θ1θ2x − y)²", LECTURE_AT),
    ("p = σ(w0 + w1x1 + w2x2); L = −y log(p) − (1 − y) log(1 − p)",
     {"w0": 0.1, "w1": -0.4, "x1": 1.2, "w2": 0.8, "x2": -0.6, "y": 1}),
])
def test_in_greyscale_the_active_node_has_the_darkest_outline(theme, formula, at) -> None:
    result = backward(parse(formula), at)
    figure = Figure(result, style=Style(theme=theme))
    frame = next(f for f in figure.frames if f.kind == "backward" and f.step == 1)
    png = figure.render(frame, "png", dpi=96).data
    svg = figure.render(frame, "svg").data
    ids = [nid for nid, n in result.graph.nodes.items() if n.kind != "const"]
    darkness = _outline_darkness(png, svg, ids)
    active = darkness.pop(frame.node)
    assert active < min(darkness.values()), (active, darkness)


def test_the_print_theme_is_black_and_white() -> None:
    result = backward(parse("p = σ(w0 + w1x1); L = −y log(p) − (1 − y) log(1 − p)"),
                      {"w0": 0.1, "w1": -0.4, "x1": 1.2, "y": 1})
    for look in ("boxes", "gates"):
        svg = render_frames(result, style=Style(theme="print", look=look))[3].data.decode("utf-8")
        colours = set(re.findall(r'(?:fill|stroke)="#([0-9a-fA-F]{6})"', svg))
        assert colours, "no colours found"
        for colour in colours:
            r, g, b = (int(colour[k:k + 2], 16) for k in (0, 2, 4))
            assert r == g == b, colour


def test_subscripts_without_a_glyph_are_drawn_without_baseline_shift() -> None:
    result = backward(parse("L = (w_b x_q − y)²"), {"w_b": 1, "x_q": 2, "y": 1})
    svg = render_frames(result, which="final")[0].data.decode("utf-8")
    assert "baseline-shift" not in svg
    subscripts = re.findall(r'<text [^>]*y="(-?[\d.]+)"[^>]*font-size="([\d.]+)"[^>]*>([bq])</text>', svg)
    assert subscripts and all(float(size) < 14 for _, size, _ in subscripts)


@pytest.mark.parametrize("formula", ["L = (w_b x_q − y)²", "f = σ(W_f x + U_f h + b_f); L = (f − y)^2",
                                     "z^{[2]} = w x + b; a^{[2]} = σ(z^{[2]}); L = (a^{[2]} − y)^2"])
def test_the_node_text_measured_is_the_text_not_its_sub_and_superscripts(formula) -> None:
    """Scripts without a glyph are drawn at 70 % of their text (as print sets them); the node text size is
    the text's, the size every name, value and gradient is written in."""
    graph = parse(formula)
    svg = render_frames(backward(graph, {name: 0.5 for name in graph.inputs}), which="final")[0].data.decode()
    measured = fit(svg)
    sizes = [float(size) for size in re.findall(r'<text [^>]*font-size="([\d.]+)"', svg)]
    assert any(abs(size - 0.7 * 14) < 0.01 for size in sizes)  # scripts are drawn smaller
    assert abs(measured.node_text_px - 14 * measured.scale) < 0.01


@pytest.mark.slow
def test_svg_text_stays_inside_its_node_in_chromium(tmp_path) -> None:
    """Chromium draws every text of every node inside the node's outline: the standalone SVG,
    the HTML player and the notebook's figure (subscripts included)."""
    from gradviz.outputs.player import write_player

    formula, at = "L = (w_b x_q + θ1 − y)²", {"w_b": 1, "x_q": 2, "θ1": 0.5, "y": 1}
    result = backward(parse(formula), at)
    (tmp_path / "frame.svg").write_bytes(render_frames(result, which="final")[0].data)
    write_player(result, tmp_path / "player")
    import gradviz

    shown = gradviz.parse(formula).backward(at).show()._repr_mimebundle_()[0]["text/html"]
    (tmp_path / "notebook.html").write_text(f"<html><body style='width:1100px'>{shown}</body></html>",
                                            encoding="utf-8")
    script = """
        const bad = [];
        for (const g of document.querySelectorAll('g.node')) {
          const shape = g.querySelector('path, polygon');
          if (!shape || getComputedStyle(g).display === 'none' || g.getBoundingClientRect().width === 0) continue;
          const box = shape.getBoundingClientRect();
          for (const t of g.querySelectorAll('text')) {
            const r = t.getBoundingClientRect();
            if (r.width === 0) continue;
            if (r.top < box.top - 1 || r.bottom > box.bottom + 1 || r.left < box.left - 1 || r.right > box.right + 1)
              bad.push(g.id + ': ' + t.textContent);
          }
        }
        return bad;"""
    with browser(1300, 1000) as driver:
        for page in (tmp_path / "frame.svg", tmp_path / "player" / "index.html", tmp_path / "notebook.html"):
            driver.get(page.as_uri())
            assert driver.execute_script(script) == [], page.name


@pytest.mark.slow
def test_figure_options_reach_the_figure_through_a_real_shell(tmp_path) -> None:
    """``render`` as typed in a shell with every figure option: the SVG has their effects."""
    args = ["render", "(θ1θ2x − y)²", "--at", "θ1=2,θ2=-1,x=3,y=1", "-o", str(tmp_path), "--frames", "final",
            "--look", "gates", "--aspect", "4:3", "--font-size", "20", "--rankdir", "TB", "--theme", "print"]
    code = "from gradviz.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    svg = (tmp_path / "06-gradients.svg").read_text(encoding="utf-8")
    assert 'font-size="20.00"' in svg and "#0072B2".lower() not in svg.lower()
    manifest = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    assert '"frames"' in manifest
    texts = _node_texts(svg.encode("utf-8"))
    assert any(text.startswith("× a") for text in texts.values()), texts  # the gate look


@pytest.mark.slow
def test_beamer_figure_text_is_at_least_7_points(tmp_path) -> None:
    """The lecture deck compiled: the figure's text on the step slide is at least 7 pt on the page
    (pdftotext's word boxes of the names only the figure writes with subscript glyphs; a DejaVu
    word box is 1.164 em tall; the slide's body text is 11 pt)."""
    from gradviz.outputs.slides import write_slides

    result = backward(parse("(θ1θ2x − y)²"), LECTURE_AT)
    deck = write_slides(result, tmp_path, derivation=False)
    compile_latex(deck.tex, beamer=True)
    tool = __import__("shutil").which("pdftotext")
    require(tool is not None, "pdftotext (apt-get install poppler-utils)")
    boxes = subprocess.run([tool, "-f", "3", "-l", "3", "-bbox", str(deck.tex.with_suffix(".pdf")), "-"],
                           capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                       boxes)
    sizes = [(float(y1) - float(y0)) / 1.164 for _, y0, _, y1, word in words if word in ("θ₁", "θ₂")]
    assert len(sizes) >= 2 and min(sizes) >= 7.0, sizes


def _edges_svg(*paths: str) -> str:
    groups = "".join(f'<g class="edge" id="e{k}"><path d="{d}"/></g>' for k, d in enumerate(paths))
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="100pt">{groups}</svg>'


def test_crossings_are_counted_where_two_edges_cut_through_each_other() -> None:
    from gradviz.render.measure import crossings

    diagonal, anti = "M0,0 C10,10 20,20 30,30", "M0,30 C10,20 20,10 30,0"
    assert crossings(_edges_svg(diagonal, anti)) == 1
    assert crossings(_edges_svg(diagonal, "M0,30 C10,30 20,30 30,30")) == 0  # they meet at a shared node
    assert crossings(_edges_svg(diagonal, "M40,0 C40,10 40,20 40,30")) == 0
    wave = "M0,15 C10,-20 20,50 30,15 C40,-20 50,50 60,15"
    assert crossings(_edges_svg(wave, "M0,15.5 C20,15.5 40,15.5 60,15.5")) >= 2


def test_a_strip_is_laid_out_again_for_larger_text_only_when_that_fills_its_area_without_more_crossings() -> None:
    """``fitting.filled`` on stand-in layouts in a 1000×600 area: a figure that fills the height is kept without
    laying out again; a strip across the width is laid out again for ``LARGER`` times its text, and that layout is
    taken when it reaches that text crossing no more edges, else the strip stays."""
    from dataclasses import dataclass

    from gradviz.render.backends import get_backend
    from gradviz.render.fitting import LARGER, STRIP, Area, filled, text_px
    from gradviz.render.layout import Layout

    crossing = {"a": {"pos": "0,0 33,33 66,66 100,100"}, "b": {"pos": "0,100 33,66 66,33 100,0"}}
    graph, backend, style = parse("x y"), get_backend(), Style()

    @dataclass
    class Laid:
        layout: Layout
        style: Style
        backend: object

    def laid(width: float, height: float, edges: dict | None = None) -> Laid:
        return Laid(Layout({}, edges or {}, {}, size=(width, height)), style, backend)

    area = Area(1000, 600, 10.0)
    asked: list[Area] = []

    def lay(offer: Laid):
        return lambda where: asked.append(where) or offer

    tall = laid(500, 300)  # fits the height: not a strip
    assert filled(tall, area, lay(laid(1, 1)), graph) is tall and not asked
    strip = laid(2000, 500)  # the width, a quarter of the height
    text = text_px(strip.layout, style, area)
    assert 500 * 1000 / 2000 < (1 - STRIP) * 600
    folded = laid(1000, 600)  # twice the text
    assert filled(strip, area, lay(folded), graph) is folded
    assert asked[-1] == Area(1000, 600, LARGER * text)
    assert filled(strip, area, lay(laid(1950, 700)), graph) is strip  # not LARGER times the text
    assert filled(strip, area, lay(laid(1000, 600, crossing)), graph) is strip  # more crossings than both
    assert filled(laid(2000, 500, crossing), area, lay(laid(1000, 600, crossing)), graph).layout.size == (1000, 600)
