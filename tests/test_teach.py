"""Teaching material: Beamer deck (compiled), GIF, HTML step player (in headless Chromium),
exercises with blanks and their answer key, path highlighting, and the commands."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath

import gradviz
from gradviz.cli import cli
from gradviz.outputs.exercise import BLANK, blanked
from gradviz.render.figure import render_frames

from tools import browser as chromium_browser
from tools import compile_latex

LECTURE = "(θ1θ2x − y)²"
AT = {"θ1": 2, "θ2": -1, "x": 3, "y": 1}
AT_TEXT = "θ1=2,θ2=-1,x=3,y=1"
SVG = "{http://www.w3.org/2000/svg}"
FORWARD = ["−2", "−6", "−7", "49"]  # a, b, c, L
GRADIENTS = ["−14", "−42", "42", "−84", "28", "14"]  # ∂L/∂c = ∂L/∂b, ∂L/∂a, then the inputs'


@pytest.fixture(scope="module")
def result():
    return gradviz.parse(LECTURE).backward(AT)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def svg_texts(data: bytes) -> list[str]:
    """Every <text> of an SVG, with its sub-elements joined (θ<sub>1</sub> → θ1)."""
    root = ET.fromstring(data)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def numbers(texts: list[str]) -> set[str]:
    """The numbers that appear after '=' or '×' in texts: what a student would have to find."""
    found = set()
    for text in texts:
        found.update(re.findall(r"(?:=|×)\s*([−-]?\d+(?:\.\d+)?)(?![\w(.·])", text))  # not 2c, 2(…)
    return found


# -- exercises -----------------------------------------------------------------------------------

@pytest.mark.parametrize("blank, gone, kept", [
    ("values", FORWARD, ["2", "−1", "3", "1"]),
    ("grads", GRADIENTS, ["2", "−1", "3", "1"] + FORWARD),
    ("both", FORWARD + GRADIENTS, ["2", "−1", "3", "1"]),
])
def test_blanks_remove_the_numbers_and_the_key_keeps_them(result, blank, gone, kept) -> None:
    question = render_frames(blanked(result, blank), format="svg", caption=True)
    key = render_frames(result, format="svg", caption=True)
    asked = set().union(*(numbers(svg_texts(f.data)) for f in question))
    answered = set().union(*(numbers(svg_texts(f.data)) for f in key))
    assert not asked & set(gone), asked & set(gone)
    assert set(gone) <= answered and set(kept) <= asked
    assert any("____" in text for f in question for text in svg_texts(f.data))
    assert [f.frame.slug for f in question] == [f.frame.slug for f in key]  # the same frames


def _sampled(d: str) -> list[tuple[float, float]]:
    """Points along an SVG path's Bézier pieces (M x,y C x,y x,y x,y …), 24 a piece."""
    values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    points = list(zip(values[0::2], values[1::2]))
    out = points[:1]
    for k in range(1, len(points) - 2, 3):
        p0, p1, p2, p3 = points[k - 1:k + 3]
        for i in range(1, 25):
            t = i / 24
            w = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3)
            out.append(tuple(sum(c * p[j] for c, p in zip(w, (p0, p1, p2, p3))) for j in (0, 1)))
    return out


def crossed_blanks(svg: bytes) -> list[str]:
    """The edge labels with a blank whose box (underscores reach a fifth of the font size below
    the baseline) any edge's line passes through, widened by half the line's width. (Node texts
    sit inside their boxes, where no edge goes.)"""
    root = ET.fromstring(svg)
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    edges = [(g, _sampled(path.get("d", "")), float(path.get("stroke-width", "1")) / 2)
             for g in groups for path in g.iter(f"{SVG}path")]
    crossed = []
    for t in (t for g in groups for t in g.iter(f"{SVG}text")):
        content = "".join(t.itertext())
        if "____" not in content:
            continue
        size, x, y = float(t.get("font-size", "14")), float(t.get("x", "0")), float(t.get("y", "0"))
        width = TextPath((0, 0), content, size=size, prop=FontProperties(family="DejaVu Sans")).get_extents().x1
        x0 = {"start": x, "end": x - width}.get(t.get("text-anchor", "start"), x - width / 2)
        for g, points, half in edges:
            if any(x0 - half <= px <= x0 + width + half and y - 0.75 * size - half <= py <= y + 0.25 * size + half
                   for px, py in points):
                crossed.append(f"{content!r} crossed by {g.get('id')}")
    return crossed


@pytest.mark.slow
@pytest.mark.parametrize("formula, at", [
    (LECTURE, AT),
    ("p = σ(w1 x1 + w2 x2 + b); L = −y log(p) − (1 − y) log(1 − p)",
     {"w1": 0.5, "w2": -0.3, "b": 0.1, "x1": 1, "x2": 2, "y": 1}),
    ("L = (w x + b − y)²", {"w": 2, "x": 3, "b": -1, "y": 4}),
])
def test_exercise_blanks_sit_where_no_edge_crosses_them(formula, at) -> None:
    question = render_frames(blanked(gradviz.parse(formula).backward(at), "grads"), format="svg", caption=True)
    assert [c for f in question for c in crossed_blanks(f.data)] == []


def test_blank_needs_values_and_a_known_choice(result) -> None:
    with pytest.raises(ValueError, match="values, grads, both"):
        blanked(result, "everything")
    with pytest.raises(gradviz.GradvizError, match="--at"):
        blanked(gradviz.parse(LECTURE).backward(), "values")
    assert str(BLANK) == "____"


@pytest.mark.slow
def test_render_blank_writes_questions_and_an_answer_key(tmp_path) -> None:
    out = tmp_path / "ex"
    done = run("render", LECTURE, "--at", AT_TEXT, "-o", str(out), "--blank", "both")
    assert done.exit_code == 0, done.output
    assert f"answer key in {out / 'answer-key'}" in done.output
    assert not (out / "derivation.md").exists() and not (out / "derivation.tex").exists()
    key = out / "answer-key"
    assert (key / "derivation.md").exists() and "= 42$$" in (key / "derivation.md").read_text(encoding="utf-8")
    question = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    answer = json.loads((key / "manifest.json").read_text(encoding="utf-8"))
    last_question, last_answer = "\n".join(question["frames"][-1]["equations"]), "\n".join(answer["frames"][-1]["equations"])
    assert "= ____" in last_question and "= 42" not in last_question
    assert "= 42" in last_answer
    assert sorted(p.name for p in out.glob("[0-9]*.svg")) == sorted(p.name for p in key.glob("[0-9]*.svg"))
    assert not list(out.glob("derivation*.svg")) and not (key / "derivation.svg").exists()  # svg: no pictures
    pictured = tmp_path / "png"
    assert run("render", LECTURE, "--at", AT_TEXT, "-o", str(pictured), "--blank", "both", "--format", "png",
               "--frames", "final").exit_code == 0
    assert not list(pictured.glob("derivation*.png"))  # the pictures hold answers: the key only
    assert (pictured / "answer-key" / "derivation.png").exists()
    assert run("render", LECTURE, "-o", str(tmp_path / "x"), "--blank", "grads").exit_code == 2


# -- path highlighting -----------------------------------------------------------------------------

def test_wrt_fades_everything_off_the_paths_to_the_input(result) -> None:
    from gradviz.render.frames import frames
    from gradviz.render.looks import FADED, FADED_EDGE
    from gradviz.render.scene import scene

    final = frames(result, "final")[0]
    sc = scene(result, final, wrt="theta1")
    edges = {e.id: dict(e.attrs) for e in sc.edges}
    on = ["n0-n2-0", "n2-n4-0", "n4-n6-0", "n6-n7-0"]  # θ1 → a → b → c → L
    assert all(edges[e]["color"] != FADED_EDGE for e in on)
    assert {e for e, attrs in edges.items() if attrs["color"] == FADED_EDGE} == set(edges) - set(on)
    nodes = {n.id: dict(n.attrs) for n in sc.nodes}
    assert {n for n, attrs in nodes.items() if attrs.get("color") == FADED} == {"n1", "n3", "n5"}  # θ2, x, y
    plain = scene(result, final)
    assert all(dict(e.attrs)["color"] != FADED_EDGE for e in plain.edges)
    with pytest.raises(gradviz.GradvizError, match="not an input"):
        scene(result, final, wrt="a")


def test_render_wrt_writes_the_derivation_of_one_gradient(tmp_path) -> None:
    done = run("render", LECTURE, "--at", AT_TEXT, "-o", str(tmp_path), "--wrt", "θ1")
    assert done.exit_code == 0, done.output
    md = (tmp_path / "derivation.md").read_text(encoding="utf-8")
    assert "## Gradient with respect to $\\theta_{1}$" in md and "\\partial \\theta_{2}}" not in md
    assert run("render", LECTURE, "-o", str(tmp_path), "--wrt", "z").exit_code == 1


# -- slides ------------------------------------------------------------------------------------------

def test_slides_tex_steps_through_the_frames_as_overlays(result, tmp_path) -> None:
    from gradviz.outputs.slides import write_slides

    deck = write_slides(result, tmp_path)
    tex = deck.tex.read_text(encoding="ascii")
    pdfs = [p.name for p in deck.export.files]
    assert pdfs == sorted(p.name for p in tmp_path.glob("*.pdf")) and len(pdfs) == 7
    for k, name in enumerate(pdfs, start=1):
        assert f"\\includegraphics<{k}>" in tex and f"{{{name}}}" in tex and f"\\only<{k}>{{" in tex
    assert tex.count("\\begin{frame}") == 4  # the stepper, then forward, backward, gradients
    assert "\\only<6>{\\gvblock{\\textbf{Backward step 4 of 4: $a = \\theta_{1}\\cdot \\theta_{2}$}" in tex
    assert r"= -42 \times \left(-1\right) = 42$" in tex


@pytest.mark.slow
def test_slides_compile_to_a_deck(tmp_path) -> None:
    done = run("slides", LECTURE, "--at", AT_TEXT, "-o", str(tmp_path))
    assert done.exit_code == 0, done.output
    log = compile_latex(tmp_path / "slides.tex", beamer=True)
    assert "Output written on slides.pdf (10 pages" in log  # 7 overlays + 3 derivation slides


@pytest.mark.slow
def test_exercise_slides_compile_and_hide_the_answers(tmp_path) -> None:
    done = run("slides", LECTURE, "--at", AT_TEXT, "-o", str(tmp_path), "--blank", "grads", "--wrt", "theta1")
    assert done.exit_code == 0, done.output
    tex = (tmp_path / "slides.tex").read_text(encoding="ascii")
    assert "= 42" not in tex and "\\_\\_\\_\\_" in tex and "\\begin{frame}" in tex
    assert "Output written on slides.pdf (7 pages" in compile_latex(tmp_path / "slides.tex", beamer=True)
    key = tmp_path / "answer-key" / "slides.tex"
    assert "= 42" in key.read_text(encoding="ascii")
    assert "Output written on slides.pdf (10 pages" in compile_latex(key, beamer=True)


# -- animation -----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_gif_has_every_frame_at_a_readable_size(tmp_path) -> None:
    from PIL import Image

    done = run("gif", LECTURE, "--at", AT_TEXT, "-o", str(tmp_path / "backprop.gif"))
    assert done.exit_code == 0, done.output
    with Image.open(tmp_path / "backprop.gif") as gif:
        assert gif.format == "GIF" and gif.n_frames == 7 and gif.width == 1200 and gif.height > 300
        assert gif.info["loop"] == 0
        first = gif.convert("RGB").tobytes()
        gif.seek(4)
        assert gif.convert("RGB").tobytes() != first
    assert run("gif", LECTURE, "--at", AT_TEXT, "-o", str(tmp_path / "x.png")).exit_code == 1


def test_player_is_self_contained(result) -> None:
    from gradviz.outputs.player import player_html

    page = player_html("L = c²", "L = c²", render_frames(result, format="svg", caption=False))
    assert page.count('<figure class="frame"') == 7 and page.count("<svg") == 7
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", page)
    assert not re.search(r"(src|href)=\"(https?:)?//", page) and "@import" not in page
    ids = re.findall(r'\bid="([^"]*)"', page)
    assert len(ids) == len(set(ids))  # frames' SVG ids made unique
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert "∂L/∂θ₁ = ∂L/∂a·∂a/∂θ₁ = 2cx·θ₂ = 2cxθ₂ = −42 × (−1) = 42" in page


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as driver:
        yield driver


@pytest.mark.slow
def test_player_steps_with_arrow_keys_and_buttons_in_chromium(browser, tmp_path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    done = run("html", LECTURE, "--at", AT_TEXT, "-o", str(tmp_path))
    assert done.exit_code == 0, done.output
    browser.get((tmp_path / "index.html").as_uri())

    def state() -> tuple[list[str], str, str]:
        shown = [f.get_attribute("id") for f in browser.find_elements(By.CSS_SELECTOR, ".frame") if f.is_displayed()]
        caption = browser.find_element(By.CSS_SELECTOR, f"#{shown[0]} figcaption").text if shown else ""
        return shown, browser.find_element(By.ID, "counter").text, caption

    assert state() == (["frame-0"], "Frame 1 of 7", "Computational graph of L")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    shown, counter, caption = state()
    assert shown == ["frame-1"] and counter == "Frame 2 of 7" and caption.startswith("Forward pass\na = θ₁·θ₂ = −2")
    for _ in range(4):
        body.send_keys(Keys.ARROW_RIGHT)
    shown, counter, caption = state()
    assert shown == ["frame-5"] and counter == "Frame 6 of 7"
    assert "∂L/∂θ₁ = ∂L/∂a·∂a/∂θ₁ = 2cx·θ₂ = 2cxθ₂ = −42 × (−1) = 42" in caption
    body.send_keys(Keys.ARROW_LEFT)
    assert state()[0] == ["frame-4"]
    browser.find_element(By.ID, "next").click()
    assert state()[1] == "Frame 6 of 7"
    body.send_keys(Keys.END)
    assert state()[1] == "Frame 7 of 7" and browser.find_element(By.ID, "next").get_attribute("disabled")
    svg = browser.find_element(By.CSS_SELECTOR, "#frame-6 svg")
    assert svg.size["width"] > 600  # the figure is drawn, at a readable width
    assert browser.execute_script("return document.querySelectorAll('.frame:not([hidden])').length") == 1


def test_html_exercise_has_blanks_and_a_key(tmp_path) -> None:
    done = run("html", LECTURE, "--at", AT_TEXT, "-o", str(tmp_path), "--blank", "grads")
    assert done.exit_code == 0, done.output
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    key = (tmp_path / "answer-key" / "index.html").read_text(encoding="utf-8")
    assert "= 42" not in page and "____" in page and "= 42" in key


def test_teaching_commands_have_help_with_examples() -> None:
    for command in ("slides", "gif", "html"):
        done = run(command, "--help")
        assert done.exit_code == 0 and "Example:" in done.output and "--wrt" in done.output
    assert "--blank" in run("render", "--help").output
