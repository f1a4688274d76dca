"""Rich display, frames, the stepper (with and without ipywidgets), derivations and styles."""

from __future__ import annotations

import base64
import re
import struct
import subprocess
import sys

import pytest

import gradviz
from gradviz.errors import GradvizError
from gradviz.notebook import STEPPER_HINT, StaticFrames, Stepper

AT = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_NODE = re.compile(r'<g id="(n\d+)" class="node">.*?(?:points|d)="([^"]+)"', re.S)


@pytest.fixture(scope="module")
def result():
    return gradviz.parse("(θ1θ2x − y)²").backward(AT)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    return struct.unpack(">II", data[16:24])


def _check_picture_bundle(bundle, title: str) -> None:
    data, metadata = bundle
    assert set(data) == {"text/html", "image/svg+xml", "image/png", "text/plain"}
    assert data["image/svg+xml"].lstrip().startswith("<?xml") and "<svg" in data["image/svg+xml"]
    natural = re.search(r'<svg width="([\d.]+pt)"', data["image/svg+xml"]).group(1)
    assert data["text/html"].startswith(f'<svg width="100%" style="max-width:{natural};height:auto"')
    assert 'viewBox="' in data["text/html"].split(">")[0] and 'height="' not in data["text/html"].split(">")[0]
    png = base64.b64decode(data["image/png"])
    width, _ = _png_size(png)
    assert metadata["image/png"]["width"] == round(width * 96 / 150)  # shown at the SVG's size
    assert data["text/plain"].startswith(title)


def test_graph_displays_its_structure():
    graph = gradviz.parse("(θ1θ2x − y)²")
    bundle = graph._repr_mimebundle_()
    _check_picture_bundle(bundle, "Computational graph of L")
    assert "a = θ<tspan" not in bundle[0]["image/svg+xml"]  # node text is there, values are not
    assert "= −2" not in bundle[0]["image/svg+xml"]
    assert ">a = θ" in bundle[0]["image/svg+xml"]


def test_result_displays_the_final_frame(result):
    _check_picture_bundle(result._repr_mimebundle_(), "Gradients of L")
    assert "∂L/∂θ1" in result._repr_mimebundle_()[0]["text/plain"]


def test_a_step_from_result_steps_displays_its_frame(result):
    step = result.steps[1]
    assert step.result is result
    _check_picture_bundle(step._repr_mimebundle_(), "Backward step 2 of 4: c = b − y")


def test_a_step_made_by_hand_says_where_to_take_it_from(result):
    bare = gradviz.Step("n7", "L")
    assert bare == result.steps[0].__class__("n7", "L")  # the back reference takes no part in equality
    with pytest.raises(GradvizError, match="take it from result.steps"):
        bare._repr_mimebundle_()


def test_include_and_exclude_select_mime_types(result):
    data, metadata = result.show(step=0)._repr_mimebundle_(include={"image/png"})
    assert set(data) == {"image/png"} and set(metadata) == {"image/png"}
    data, metadata = result.show(step=0)._repr_mimebundle_(exclude={"image/png"})
    assert set(data) == {"text/html", "image/svg+xml", "text/plain"} and metadata == {}


def test_show_picks_steps_by_index_into_result_steps(result):
    assert result.show().frame.kind == "gradients"
    assert result.show(step=0).frame.node == result.steps[0].node == result.graph.output_id
    assert result.show(step=-1).frame.node == result.steps[-1].node
    with pytest.raises(GradvizError, match="4 steps"):
        result.show(step=4)


@pytest.mark.slow
def test_frames_share_one_layout_so_nothing_moves(result):
    views = result.frames()
    assert [v.frame.kind for v in views] == ["structure", "forward"] + ["backward"] * 4 + ["gradients"]
    assert len({id(v.figure) for v in views}) == 1 and result.show().figure is views[0].figure
    sizes = {_png_size(v.png) for v in views}
    assert len(sizes) == 1
    shapes = [dict(_NODE.findall(v.svg)) for v in views]
    assert set(shapes[0]) == set(result.graph.nodes)
    assert all(s == shapes[0] for s in shapes[1:])


def test_views_print_as_text(result):
    assert str(result.show(step=1)).splitlines()[0] == "Backward step 2 of 4: c = b − y"
    assert "Backward step 2 of 4" in repr(result.show(step=1))


@pytest.mark.slow
def test_stepper_turns_through_every_frame_with_buttons_and_slider(result):
    stepper = result.stepper()
    assert isinstance(stepper, Stepper)
    assert stepper.index == 0 and stepper.previous.disabled and not stepper.next.disabled
    first = stepper.image.value
    stepper.next.click()
    assert stepper.index == 1 and stepper.image.value != first and stepper.title.value == "Forward pass"
    stepper.slider.value = 6
    assert stepper.next.disabled and stepper.title.value == "Gradients of L"
    stepper.next.click()
    assert stepper.index == 6
    stepper.previous.click()
    assert stepper.title.value.startswith("Backward step 4 of 4")
    assert result.stepper(start=-1).index == 6
    assert "application/vnd.jupyter.widget-view+json" in stepper._repr_mimebundle_()
    layout = stepper.image.layout  # as wide as the output at most, under the buttons within the window
    assert (layout.max_width, layout.max_height, layout.height, layout.object_fit) == ("100%", "75vh", "auto",
                                                                                        "contain")
    assert stepper.widget.children[0].children[0] is stepper.previous and stepper.widget.children[1] is stepper.image
    assert len({_png_size(v.png) for v in stepper.views}) == 1


def test_stepper_without_ipywidgets_shows_static_frames_and_a_hint(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets raises ImportError
    static = result.stepper()
    assert isinstance(static, StaticFrames)
    data, _ = static._repr_mimebundle_()
    assert data["text/html"].count("<img") == 7
    assert STEPPER_HINT in data["text/html"] and data["text/plain"].startswith(STEPPER_HINT)
    assert "\n" not in STEPPER_HINT
    images = re.findall(r'base64,([^"]+)"', data["text/html"])
    assert all(base64.b64decode(i).startswith(PNG_MAGIC) for i in images)


def test_derivation_is_markdown_latex_and_text(result):
    derivation = result.derivation()
    data, _ = derivation._repr_mimebundle_()
    assert set(data) == {"text/markdown", "text/latex", "text/plain"}
    assert "$" in data["text/markdown"] and r"\theta" in data["text/markdown"]
    assert data["text/latex"].startswith(r"\begin{align*}") and data["text/latex"].endswith(r"\end{align*}")
    gradient = next(line for line in data["text/plain"].splitlines() if line.strip().startswith("∂L/∂θ1"))
    assert gradient.endswith("= 42")
    assert str(derivation) == data["text/plain"]
    only = result.derivation("theta1").sections()[-1][1]
    assert len(only) == 1 and only[0].startswith("∂L/∂θ1")


def test_style_changes_colours_font_size_and_direction(result):
    from gradviz.render.style import THEMES

    light = result.show(step=0).svg
    dark = result.show(step=0, style=gradviz.Style(theme="dark")).svg
    assert "#0072B2".lower() in light.lower() and THEMES["dark"][6].lower() in dark.lower()
    assert "#0072b2" not in dark.lower() and "#d55e00" not in dark.lower()
    big = _png_size(result.show(step=0, style=gradviz.Style(font_size=20)).png)
    small = _png_size(result.show(step=0).png)
    assert big[0] > small[0] and big[1] > small[1]
    from gradviz.render.figure import Figure

    def places(rankdir: str) -> tuple[tuple[float, float], tuple[float, float]]:
        figure = Figure(result, style=gradviz.Style(rankdir=rankdir))
        pos = {nid: tuple(float(v) for v in pins["pos"].rstrip("!").split(",")) for nid, pins in
               figure.layout.nodes.items()}
        first = next(nid for nid, n in result.graph.nodes.items() if n.kind == "input")
        return pos[first], pos[result.graph.output_id]

    (x_in, y_in), (x_out, y_out) = places("TB")
    assert y_out < y_in  # top to bottom: the output below its inputs (Graphviz's y points up)
    (x_in, y_in), (x_out, y_out) = places("LR")
    assert x_out > x_in


def test_style_is_validated_and_the_default_changes_nothing(result):
    from gradviz.render.scene import scene

    with pytest.raises(GradvizError, match="light, dark, print"):
        gradviz.Style(theme="neon")
    with pytest.raises(GradvizError, match="LR, TB"):
        gradviz.Style(rankdir="up")
    with pytest.raises(GradvizError, match="font_size"):
        gradviz.Style(font_size=0)
    frame = result.show(step=0).frame
    sc = scene(result, frame)
    assert gradviz.Style().apply(sc) is sc
    assert gradviz.Style(theme="print").apply(sc) != sc
    with pytest.raises(AttributeError):
        gradviz.Style().theme = "dark"  # frozen: no mutable settings


def test_render_frames_takes_a_style(result):
    from gradviz.render.figure import render_frames

    frames = render_frames(result, format="svg", which="final", style=gradviz.Style(theme="dark"))
    assert "#1E1E1E".lower() in frames[0].data.decode().lower()


@pytest.mark.slow
def test_the_api_modules_stay_import_light():
    code = ("import sys, gradviz, gradviz.ir.graph, gradviz.eval.backward\n"
            "heavy = {'gradviz.notebook', 'gradviz.api', 'gradviz.render.style', 'pygraphviz', 'ipywidgets', 'IPython'}\n"
            "print(sorted(heavy & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("module", ["gradviz.notebook", "gradviz.render.style", "gradviz.api", "gradviz.nn"])
def test_docstring_examples(module):
    import doctest
    import importlib

    outcome = doctest.testmod(importlib.import_module(module))
    assert outcome.attempted and outcome.failed == 0
