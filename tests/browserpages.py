"""Measuring the HTML pages in headless Chromium as a viewer sees them: the node text's size on the
screen (each node text's font size × the figure's scale on the screen, from getBoundingClientRect
against the viewBox; sub- and superscripts, ``SCRIPT_SIZE`` of their text, aside as ``gradviz.render.measure.fit``
leaves them), where the output node sits, whether the input controls show. The tests of
the player and the explorer and ``bench/explorer.py --ladder`` use it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Iterable

from tools import browser

from gradviz.render.backends import SCRIPT_SIZE

WINDOW = (1920, 1080)

_MEASURE = """
const figure = document.querySelector(arguments[0]);
const svg = figure.querySelector('svg'), box = svg.getBoundingClientRect(), view = svg.viewBox.baseVal;
const scale = Math.min(box.width / view.width, box.height / view.height);
const sizes = [], script = arguments[2];  // a sub- or superscript's share of its text's size
svg.querySelectorAll('g.node').forEach(node => {  // sub- and superscripts aside
  const here = Array.from(node.querySelectorAll('text')).filter(t => !t.closest('g.caption') && t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize));
  here.forEach(size => { if (!here.some(other => Math.abs(size - script * other) < 0.01)) sizes.push(size * scale); });
});
const out = document.getElementById(arguments[1]);
const o = out ? out.getBoundingClientRect() : null;
const inputs = Array.from(document.querySelectorAll('.input')).map(e => {
  const r = e.getBoundingClientRect(); return r.bottom <= innerHeight && r.top >= 0 && r.right <= innerWidth; });
return {sizes: sizes, scale: scale, width: box.width, height: box.height,
        output_in_view: o ? (o.bottom <= innerHeight + 0.5 && o.right <= innerWidth + 0.5 && o.top >= -0.5) : null,
        inputs_shown: inputs.every(x => x) && Array.from(document.querySelectorAll('.inputs')).every(
          e => e.scrollHeight <= e.clientHeight + 1),
        page_scrolls: document.documentElement.scrollHeight > innerHeight + 1,
        inner: [innerWidth, innerHeight]};
"""


@contextmanager
def window(width: int = WINDOW[0], height: int = WINDOW[1]) -> Iterator[Any]:
    """Headless Chromium whose page area (``innerWidth`` × ``innerHeight``) is ``width`` × ``height``
    CSS pixels (a headless window's size includes its frame, so the page area is set directly)."""
    with browser(width, height) as driver:
        resize(driver, width, height)
        yield driver


def resize(driver: Any, width: int, height: int) -> None:
    """Make the page area ``width`` × ``height`` CSS pixels."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


@dataclass(frozen=True)
class PageFit:
    """What a viewer sees of one page's figure."""

    node_px: float  # the smallest node text on the screen, in CSS pixels
    figure: tuple[float, float]  # the figure's box on the screen
    output_in_view: bool
    inputs_shown: bool  # every input control inside the window, none in an inner scroll box (the explorer)
    page_scrolls: bool


def measure(driver: Any, figure: str, output_id: str) -> PageFit:
    """Measure the open page's figure under the CSS selector ``figure`` (its first svg)."""
    got = driver.execute_script(_MEASURE, figure, output_id, SCRIPT_SIZE)
    return PageFit(min(got["sizes"]), (got["width"], got["height"]), bool(got["output_in_view"]),
                   bool(got["inputs_shown"]), bool(got["page_scrolls"]))


def player_fit(driver: Any, result: Any, folder: Path) -> PageFit:
    """The player of ``result`` at its final frame."""
    from gradviz.outputs.player import write_player

    page = write_player(result, folder, force=True)
    driver.get(page.as_uri())
    driver.execute_script("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'End'}))")
    last = driver.execute_script("return document.querySelectorAll('.frame').length") - 1
    return measure(driver, f"#frame-{last}", f"f{last}-{result.graph.output_id}")


def explorer_fit(driver: Any, result: Any, folder: Path) -> PageFit:
    """The explorer page of ``result``."""
    from gradviz.outputs.explorer import write_explorer

    driver.get(write_explorer(result, folder, force=True).as_uri())
    return measure(driver, "#figure", result.graph.output_id)


def ladder_text_px(rungs: Iterable[Any] | None = None, width: int = WINDOW[0], height: int = WINDOW[1]
                   ) -> list[dict[str, Any]]:
    """Node text in the player and the explorer at ``width``×``height`` for each rung of the ladder
    (``tests/ladder.py``): one row per graph (name, operations, player px, explorer px, the size
    needed, whether the explorer shows its output node and every input)."""
    from ladder import LADDER

    from gradviz.render.fitting import readable_px

    rows = []
    with window(width, height) as driver, tempfile.TemporaryDirectory() as tmp:
        for k, rung in enumerate(LADDER if rungs is None else rungs):
            result = rung.make()
            operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
            player = player_fit(driver, result, Path(tmp) / f"p{k}")
            explorer = explorer_fit(driver, result, Path(tmp) / f"e{k}")
            rows.append({"graph": rung.name, "operations": operations, "player_px": player.node_px,
                         "explorer_px": explorer.node_px, "needed_px": readable_px(operations),
                         "explorer_output_in_view": explorer.output_in_view,
                         "explorer_inputs_shown": explorer.inputs_shown})
    return rows
