"""Pages that fit their window, in headless Chromium: the notebook's HTML reprs scale to the output's
width (1153 CSS pixels, JupyterLab's output column on a laptop); the HTML player and the explorer
fill a 1920×1080 window (a projector's) — the figure scaled up or down to the box between the bars,
its node text at the slide thresholds over the whole ladder of lecture graphs, the output node and
every input control in view (beyond 16 inputs, the input band scrolls within its two rows), nothing to scroll."""

from __future__ import annotations

import re

import pytest
from browserpages import WINDOW, explorer_fit, player_fit, resize, window as chromium
from ladder import CHECKED

from gradviz.eval.backward import backward
from gradviz.notebook import StaticFrames, frame_views, show
from gradviz.outputs.explorer import explorer_html
from gradviz.outputs.gallery import LECTURE, POINTS
from gradviz.outputs.player import write_player
from gradviz.render.backends import get_backend
from gradviz.render.crossings import plain_dot_crossings
from gradviz.render.fitting import readable_px
from gradviz.render.measure import crossings
from gradviz.syntax import parse

NOTEBOOK = (1153, 700)
CSS_PX_PER_PT = 4 / 3
MAX_INPUTS = 12  # up to this many inputs, every control shows without scrolling

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def window():
    with chromium(*WINDOW) as driver:
        yield driver


@pytest.fixture(scope="module")
def result():
    return backward(parse(LECTURE), POINTS[LECTURE])


def box(driver, element) -> dict[str, float]:
    """The element's bounding box in the viewport, and the viewport's size."""
    return driver.execute_script("const r = arguments[0].getBoundingClientRect(); return {left: r.left, "
                                 "top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height, "
                                 "innerWidth: window.innerWidth, innerHeight: window.innerHeight};", element)


def in_view(b: dict[str, float]) -> bool:
    return b["left"] >= 0 and b["top"] >= 0 and b["right"] <= b["innerWidth"] and b["bottom"] <= b["innerHeight"]


def test_notebook_figures_scale_to_the_output_width(window, result, tmp_path) -> None:
    from selenium.webdriver.common.by import By

    resize(window, *NOTEBOOK)
    try:
        final = show(result)
        natural = float(re.search(r'<svg width="([\d.]+)pt"', final.svg).group(1)) * CSS_PX_PER_PT
        assert natural > NOTEBOOK[0]  # the figure is wider than the column at its natural size
        figure = final._repr_mimebundle_(include={"text/html"})[0]["text/html"]
        static = StaticFrames(frame_views(result)[-2:])._repr_mimebundle_(include={"text/html"})[0]["text/html"]
        page = tmp_path / "notebook.html"
        page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin: 8px">'
                        f'<div class="output" id="figure">{figure}</div>'
                        f'<div class="output" id="static">{static}</div></body></html>', encoding="utf-8")
        window.get(page.as_uri())
        column = window.execute_script("return document.getElementById('figure').clientWidth")
        assert column < NOTEBOOK[0]
        svg = box(window, window.find_element(By.CSS_SELECTOR, "#figure svg"))
        assert column - 1 <= svg["width"] <= column and svg["right"] <= svg["innerWidth"]
        _, _, w, h = map(float, re.search(r'viewBox="([^"]+)"', final.svg).group(1).split())
        assert svg["height"] == pytest.approx(svg["width"] * h / w, rel=0.02)  # the viewBox's aspect ratio
        for image in window.find_elements(By.CSS_SELECTOR, "#static img"):
            assert 0 < box(window, image)["width"] <= column
    finally:
        resize(window, *WINDOW)


def test_the_player_scales_its_figure_up_to_the_window_and_keeps_its_buttons_in_view(window, result, tmp_path) -> None:
    from selenium.webdriver.common.by import By

    window.get(write_player(result, tmp_path).as_uri())
    window.find_element(By.TAG_NAME, "body").send_keys("\ue010")  # End
    frames = len(window.find_elements(By.CSS_SELECTOR, ".frame"))
    svg = window.find_element(By.CSS_SELECTOR, f"#frame-{frames - 1} svg")
    shown = window.execute_script("""
        const s = arguments[0], r = s.getBoundingClientRect(), v = s.viewBox.baseVal;
        return {scale: Math.min(r.width / v.width, r.height / v.height), w: r.width, h: r.height, vw: v.width,
                vh: v.height, scrolls: document.documentElement.scrollHeight > innerHeight};""", svg)
    assert shown["scale"] > CSS_PX_PER_PT  # larger than its natural size: scaled up to the window
    picture = (shown["scale"] * shown["vw"], shown["scale"] * shown["vh"])
    assert picture[0] == pytest.approx(shown["w"], rel=0.01) or picture[1] == pytest.approx(shown["h"], rel=0.01)
    assert shown["w"] >= 0.95 * WINDOW[0] or shown["h"] >= 0.8 * WINDOW[1]  # the figure's box fills the page
    assert not shown["scrolls"] and in_view(box(window, svg))
    for element in ("prev", "next", "counter"):
        assert in_view(box(window, window.find_element(By.ID, element)))
    assert in_view(box(window, window.find_element(By.CSS_SELECTOR, f"#frame-{frames - 1} figcaption")))
    window.find_element(By.ID, "prev").click()
    assert window.find_element(By.ID, "counter").text == f"Frame {frames - 1} of {frames}"


@pytest.mark.parametrize("rung", CHECKED, ids=[r.name for r in CHECKED])
def test_player_and_explorer_text_reads_at_1920x1080(window, rung, tmp_path) -> None:
    """Node text on the screen at the slide thresholds (24 px up to 20 operations, 18 px up to 40)
    in both pages, the explorer's output node and input controls in the window, nothing to scroll."""
    result = rung.make()
    needed = readable_px(sum(1 for n in result.graph.nodes.values() if n.kind == "op"))
    player = player_fit(window, result, tmp_path / "player")
    assert player.node_px >= needed, player
    assert player.output_in_view and not player.page_scrolls, player
    explorer = explorer_fit(window, result, tmp_path / "explorer")
    assert explorer.node_px >= needed, explorer
    assert explorer.output_in_view and not explorer.page_scrolls, explorer
    if len(result.graph.inputs) <= MAX_INPUTS:
        assert explorer.inputs_shown, explorer


NET_331 = ("h1 = σ(w11 x1 + w12 x2 + w13 x3 + b1); h2 = σ(w21 x1 + w22 x2 + w23 x3 + b2)\n"
           "h3 = σ(w31 x1 + w32 x2 + w33 x3 + b3); p = σ(v1 h1 + v2 h2 + v3 h3 + c)\n"
           "L = −y log(p) − (1 − y) log(1 − p)")


def test_many_inputs_scroll_within_their_band_and_the_figure_keeps_its_room(window, tmp_path) -> None:
    """A 3-3-1 sigmoid net with BCE (36 operations, 20 inputs): the input band stays two rows high and scrolls
    within them (up to 16 inputs it shows whole), so the figure keeps the room its text needs: node text at the
    threshold (16.7 px when the band grew a third row), the output node in view, the page itself not scrolling.
    Its layouts are tall for the box above a caption band (the readable one there crossed its edges 33 times,
    plain ``dot`` 7): the caption stands in a column beside the figure, whose edges cross no more often than
    plain ``dot``'s, and the column is in view."""
    from selenium.webdriver.common.by import By

    graph = parse(NET_331)
    result = backward(graph, {name: 0.1 + 0.05 * k for k, name in enumerate(graph.inputs)})
    explorer = explorer_fit(window, result, tmp_path)
    assert len(graph.inputs) == 20 and not explorer.inputs_shown  # the third row is scrolled to
    assert explorer.node_px >= readable_px(36) and explorer.output_in_view and not explorer.page_scrolls, explorer
    svg = window.execute_script(  # as XML: the page's HTML serialisation writes &nbsp;
        "return new XMLSerializer().serializeToString(document.querySelector('#figure svg'))").encode("utf-8")
    reference = plain_dot_crossings(graph, get_backend("auto"))
    assert crossings(svg) <= reference, (crossings(svg), reference)
    figure, caption = (box(window, window.find_element(By.ID, name)) for name in ("figure", "caption"))
    assert caption["left"] >= figure["right"] and in_view(caption), (figure, caption)


def test_the_explorer_titles_the_formula_as_typed(window, tmp_path) -> None:
    from selenium.webdriver.common.by import By

    typed = "z1 = w11 x1 + b1; z2 = w21 x1 + b2\nL = −log(exp(z1)/(exp(z1) + exp(z2)))"
    page = tmp_path / "index.html"
    page.write_text(explorer_html(backward(parse(typed), {"w11": 0.1, "w21": -0.3, "b1": 0, "b2": 0.1, "x1": 1})),
                    encoding="utf-8")
    window.get(page.as_uri())
    assert window.find_element(By.CSS_SELECTOR, "h1 .formula").text == typed.replace("\n", "; ")
    assert in_view(box(window, window.find_element(By.CSS_SELECTOR, "h1")))
