"""Pictures that fit their window, in Chromium 1153 CSS pixels wide (JupyterLab's output column
on a laptop): the notebook's HTML reprs scale to the output's width, the HTML player's figure to
the page's width and the window's height, and the player's buttons stay in view as it scrolls."""

from __future__ import annotations

import re

import pytest
from tools import browser

from gradviz.eval.backward import backward
from gradviz.notebook import StaticFrames, frame_views, show
from gradviz.outputs.gallery import LECTURE, POINTS
from gradviz.outputs.player import write_player
from gradviz.syntax import parse

WIDTH, HEIGHT = 1153, 700
CSS_PX_PER_PT = 4 / 3

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def window():
    with browser(WIDTH, HEIGHT) as driver:
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

    final = show(result)
    natural = float(re.search(r'<svg width="([\d.]+)pt"', final.svg).group(1)) * CSS_PX_PER_PT
    assert natural > WIDTH  # the figure is wider than the column at its natural size
    figure = final._repr_mimebundle_(include={"text/html"})[0]["text/html"]
    static = StaticFrames(frame_views(result)[-2:])._repr_mimebundle_(include={"text/html"})[0]["text/html"]
    page = tmp_path / "notebook.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin: 8px">'
                    f'<div class="output" id="figure">{figure}</div>'
                    f'<div class="output" id="static">{static}</div></body></html>', encoding="utf-8")
    window.get(page.as_uri())
    column = window.execute_script("return document.getElementById('figure').clientWidth")
    assert column < WIDTH
    svg = box(window, window.find_element(By.CSS_SELECTOR, "#figure svg"))
    assert column - 1 <= svg["width"] <= column and svg["right"] <= svg["innerWidth"]
    _, _, w, h = map(float, re.search(r'viewBox="([^"]+)"', final.svg).group(1).split())
    assert svg["height"] == pytest.approx(svg["width"] * h / w, rel=0.02)  # the viewBox's aspect ratio
    for image in window.find_elements(By.CSS_SELECTOR, "#static img"):
        assert 0 < box(window, image)["width"] <= column
    assert window.save_screenshot(str(tmp_path / "notebook.png"))


def test_the_player_fits_the_window_and_keeps_its_buttons_in_view(window, result, tmp_path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    window.get(write_player(result, tmp_path).as_uri())
    body = window.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.END)
    svg = box(window, window.find_element(By.CSS_SELECTOR, "#frame-6 svg"))
    page = window.execute_script("return document.body.clientWidth")
    assert 0.9 * page <= svg["width"] <= page and svg["height"] <= HEIGHT  # the width or the height binds
    window.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    assert window.execute_script("return window.scrollY") > 0  # the caption is below the fold
    for button in ("prev", "next"):
        assert in_view(box(window, window.find_element(By.ID, button)))
    window.find_element(By.ID, "prev").click()
    assert window.find_element(By.ID, "counter").text == "Frame 6 of 7"
    assert window.save_screenshot(str(tmp_path / "player.png"))
