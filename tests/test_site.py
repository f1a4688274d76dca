"""The static site (``gradviz site``): built from its pinned, checksummed downloads (kept in the user
cache, so only a first build downloads), opened from file:// in headless Chromium with the network
off; typed formulas give the CLI's frames, derivation and errors, and the page loads nothing from
outside its folder.

Frames are compared with ``gradviz render``'s after normalising what differs between the two
Graphviz builds (the CLI's pygraphviz wheel and the page's WebAssembly one): the version comment and
coordinates. Names, titles, every text, its font, size and colour, and every shape's colours must be
equal, and the pictures' sizes within 3 %: Graphviz in WebAssembly measures text by letter-width
tables (gradviz gives it DejaVu Sans widths for every character beyond ASCII), the CLI's by the font.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradviz.cli import cli
from gradviz.outputs.site import build_site
from tools import browser

pytestmark = pytest.mark.slow  # one build and one page load for the module (pytest -n 2 --dist loadfile)

SEED = ("(θ1θ2x − y)²", "θ1=2, θ2=-1, x=3, y=1")  # shared/seeds: the first lecture's worked example
TEXTBOOK = [  # the seed and ten formulas as textbooks and the lecture notes print them
    SEED,
    (r"\sigma(x) = \frac{1}{1+e^{-x}}", "x=0.5"),
    (r"y_i \log(\hat{y}_i) + (1 - y_i) \log(1 - \hat{y}_i)", "y_i=1, ŷ_i=0.8"),
    ("a = wx; z = a + y", "w=2, x=3, y=1"),
    ("g = tanh; out = g(w_0 + w_1 x_1 + w_2 x_2)", "w_0=0.1, w_1=0.5, x_1=1, w_2=-0.3, x_2=2"),
    ("g(x) = log(1 + exp(x))", ""),
    ("y = w_1 x_1 + w_2 x_2 + w_0", "w_1=0.5, x_1=1, w_2=-0.3, x_2=2, w_0=0.1"),  # shared/seeds, as printed
    (r"\mathcal{L} = (\theta_1\theta_2x - y)^2", "θ1=2, θ2=-1, x=3, y=1"),
    (r"L = -\sum_{i=1}^{3} y_i \log \hat{y}_i", "y_1=1, y_2=0, y_3=0, ŷ_1=0.7, ŷ_2=0.2, ŷ_3=0.1"),
    (r"h = \max(0, w x + b); L = \frac{1}{2}(h - y)^2", "w=0.5, x=2, b=0.1, y=1"),
    (r"a = \theta_1\theta_2; b = ax; c = b - y; \mathcal{L} = c^2", "θ1=2, θ2=-1, x=3, y=1"),  # the seed's steps
]
_TEXT = re.compile(r"<text ([^>]*)>([^<]*)</text>")
_SHAPE = re.compile(r"<(polygon|path|ellipse|polyline)\b([^>]*)/?>")
_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("site") / "public").folder


@pytest.fixture(scope="module")
def page(site: Path):
    with browser(1920, 1080) as driver:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        driver.get((site / "index.html").resolve().as_uri())
        deadline = time.monotonic() + 120
        while not driver.execute_script("return document.body.dataset.ready") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert driver.execute_script("return document.body.dataset.ready") == "1", \
            driver.execute_script("return document.getElementById('status').textContent")
        yield driver


def typed(driver, formula: str, values: str) -> dict:
    """Type into the page's boxes as a student does, press Enter; what the page then shows."""
    from selenium.webdriver.common.keys import Keys

    before = driver.execute_script("return document.body.dataset.drawn || '0'")
    for box, text in (("values", values), ("formula", formula)):
        element = driver.find_element("id", box)
        element.clear()
        element.send_keys(text)
    element.send_keys(Keys.ENTER)
    while driver.execute_script("return document.body.dataset.drawn || '0'") == before:
        time.sleep(0.02)
    return driver.execute_script(
        "const e = document.getElementById('error');"
        "return {error: e.hidden ? '' : e.textContent, formula: state.formula, frames: state.frames,"
        " markdown: state.page && state.page.markdown, latex: state.page && state.page.latex,"
        " shown: document.getElementById('figure').innerHTML, hash: location.hash,"
        " results_hidden: document.getElementById('tabs').hidden}")


def cli_render(formula: str, values: str, folder: Path) -> tuple[list[str], dict[str, str], str, str]:
    """``gradviz render`` of the same: frame file names, their SVGs, derivation.md and .tex."""
    import json

    args = ["render", formula, "-o", str(folder)] + (["--at", values] if values else [])
    run = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert run.exit_code == 0, run.output
    names = [f["file"] for f in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["frames"]]
    return (names, {n: (folder / n).read_text(encoding="utf-8") for n in names},
            (folder / "derivation.md").read_text(encoding="utf-8"), (folder / "derivation.tex").read_text(encoding="utf-8"))


def normalised(svg: str) -> tuple[list, list]:
    """What must be equal in both hosts: every text with its attributes but its position, and every
    shape's colours and line style, in document order."""
    position = re.compile(r'\s(?:x|y|points|d|cx|cy|rx|ry|transform)="[^"]*"')
    texts = [(position.sub("", attrs), body) for attrs, body in _TEXT.findall(svg)]
    shapes = [(tag, position.sub("", attrs)) for tag, attrs in _SHAPE.findall(svg)]
    return texts, shapes


@pytest.mark.parametrize("formula,values", TEXTBOOK, ids=[f for f, _ in TEXTBOOK])
def test_the_page_draws_what_the_cli_draws(page, formula: str, values: str, tmp_path: Path) -> None:
    shown = typed(page, formula, values)
    assert shown["error"] == "" and shown["formula"] == formula and not shown["results_hidden"]
    names, svgs, markdown, latex = cli_render(formula, values, tmp_path)
    assert [f["name"] for f in shown["frames"]] == names
    assert shown["markdown"] == markdown and shown["latex"] == latex
    for frame in shown["frames"]:
        ours, theirs = frame["svg"], svgs[frame["name"]]
        assert normalised(ours) == normalised(theirs), frame["name"]
        (w1, h1), (w2, h2) = (map(float, _SIZE.search(s).groups()) for s in (ours, theirs))
        assert abs(w1 / w2 - 1) < 0.03 and abs(h1 / h2 - 1) < 0.03, (frame["name"], (w1, h1), (w2, h2))
    assert shown["shown"].startswith("<?xml") or "<svg" in shown["shown"]  # the first frame is on the page


def test_a_bad_formula_shows_the_clis_error_with_its_caret(page) -> None:
    for formula, values in (("(θ1θ2x − y", ""), ("sigmod(x)", "x=1"), ("x +", ""), (r"\frac{1}{x", "x=2")):
        shown = typed(page, formula, values)
        run = CliRunner().invoke(cli, ["grad", formula] + (["--at", values] if values else []))
        assert run.exit_code == 2
        assert shown["error"] == run.output.strip() and "^" in shown["error"]
        assert shown["results_hidden"]  # no frames of an earlier formula under the error
    shown = typed(page, "sigmod(x)", "")  # without values the CLI warns and draws; so does the page
    assert shown["error"].startswith("Warning: 'sigmod' is read as s·i·g·m·o·d") and shown["frames"]


def test_typed_text_is_never_run_as_code(page) -> None:
    for formula in ("__import__('os').system('touch /tmp/gv')", "'); import js; js.alert(1); ('",
                    "exec(\"print(1)\")"):
        shown = typed(page, formula, "")
        assert shown["error"].startswith("Error: ")
    assert page.execute_script("return typeof window.alertCalled") == "undefined"


def test_the_link_and_stepping(page) -> None:
    from selenium.webdriver.common.keys import Keys

    typed(page, *SEED)
    assert "f=" in page.execute_script("return location.hash")
    body = page.find_element("tag name", "body")
    counter = lambda: page.find_element("id", "counter").text  # noqa: E731
    first = counter()
    page.find_element("id", "next").click()
    body.send_keys(Keys.ARROW_RIGHT)
    assert counter() == "3 / 7" and first == "1 / 7"
    body.send_keys(Keys.ARROW_LEFT)
    assert counter() == "2 / 7"


def test_nothing_came_from_outside_the_folder(page, site: Path) -> None:
    """The page ran with the network off (the fixture); besides, every address it names resolves into
    its folder (or is a data: address), and the resource timings (Chromium records http(s) and data loads, not file ones)
    name no other place."""
    folder = site.resolve().as_uri() + "/"
    named = page.execute_script("return [...document.querySelectorAll('[src], [href]')]"
                                ".map(e => e.src || e.href)")
    loaded = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert len(named) >= 9 and all(url.startswith((folder, "data:")) for url in named + loaded), named + loaded


OUTSIDE_THEIR_BOXES = """
const out = [];
for (const node of document.querySelectorAll("g.node")) {
  const shape = node.querySelector("path, polygon, ellipse");
  if (!shape) continue;
  const box = shape.getBBox();
  for (const text of node.querySelectorAll("text")) {
    const t = text.getBBox();
    if (t.width && (t.x < box.x - 1 || t.x + t.width > box.x + box.width + 1)) out.push(text.textContent);
  }
}
return out;
"""


def loaded(page, frame: str) -> str:
    """The page the tab gives its frame (once the tab is laid out), after the frame has started it."""
    deadline = time.monotonic() + 30
    while not page.execute_script(f"return document.getElementById('{frame}').srcdoc") and time.monotonic() < deadline:
        time.sleep(0.05)
    page.switch_to.frame(page.find_element("id", frame))
    try:
        while not page.execute_script("return document.readyState === 'complete' && !!window.gradvizExplorer") \
                and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        page.switch_to.default_content()
    return page.execute_script(f"return document.getElementById('{frame}').srcdoc")


def page_data(html: str) -> dict:
    """An explorer page's data (every number, caption and panel it shows; its figure aside)."""
    import json

    return json.loads(re.search(r'<script[^>]*id="gv-data"[^>]*>(.*?)</script>', html, re.S).group(1))


def cli_explorer(formula: str, values: str, folder: Path) -> str:
    """``gradviz explore``'s page for the same formula and values."""
    run = CliRunner().invoke(cli, ["explore", formula, "--at", values.replace(" ", ""), "-o", str(folder / "explore")],
                             catch_exceptions=False)
    assert run.exit_code == 0, run.output
    return (folder / "explore" / "index.html").read_text(encoding="utf-8")


def test_exercise_the_explorer_tab_and_downloads(page, tmp_path: Path) -> None:
    """The exercise tab holds gradviz explore --quiz's page (its blanks checked in that page), the
    explorer tab gradviz explore's page (its data equal to the CLI's); a frame downloads as SVG and as PNG."""
    typed(page, *SEED)
    page.execute_script("window.saved = []; window.save = (name, data, type) => saved.push([name, type, "
                        "data.size ?? data.length])")
    page.find_element("id", "save-frame").click()
    page.find_element("id", "save-png").click()
    deadline = time.monotonic() + 10
    while len(page.execute_script("return saved")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    (svg, svg_type, svg_size), (png, png_type, png_size) = page.execute_script("return saved")
    assert (svg, svg_type, png, png_type) == ("00-structure.svg", "image/svg+xml", "00-structure.png", "image/png")
    assert svg_size > 1000 and png_size > 1000
    page.find_element("css selector", "[data-tab=exercise]").click()
    quiz = loaded(page, "exercise-frame")
    assert quiz.startswith("<!DOCTYPE html>") and "Quiz on" in quiz and 'id="gv-data"' in quiz
    page.find_element("css selector", "[data-tab=explorer]").click()
    explorer = loaded(page, "explorer-frame")
    assert explorer.startswith("<!DOCTYPE html>") and "Explore" in explorer and 'id="gv-data"' in explorer
    assert page_data(explorer) == page_data(cli_explorer(*SEED, tmp_path))  # what the CLI's explorer shows
    page.switch_to.frame(page.find_element("id", "explorer-frame"))
    try:  # the explorer's own script ran in its frame, with nothing to complain about, every text in its box
        assert page.execute_script("return window.gradvizExplorer.state().error") in (None, "")
        assert page.execute_script(OUTSIDE_THEIR_BOXES) == []
    finally:
        page.switch_to.default_content()
    page.find_element("css selector", "[data-tab=frames]").click()
    assert page.execute_script("return document.getElementById('error').hidden")
