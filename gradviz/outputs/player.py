"""A self-contained HTML step player: every frame inline as SVG, previous/next buttons, the
arrow keys, a step counter and the step's title and equations as the caption. No network,
no external scripts or styles: the page works from a file, offline, as one attachment.

The page fills its window: a title bar, the figure and a caption band under it. The figure
scales up and down to the box between them, keeping its aspect (``scaled_svg``), and is laid out
for that box at 1920×1080 (``page_box``): the render layer's look and orientation search picks
what gives the largest text there. ``STEPPER`` is the one stepper script of the player, the
explorer's step mode and the playground page. ``fitted_svg`` scales a figure to its container's
width only (notebooks).
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Callable, Sequence

from ..derive.documents import title_relation
from ..eval.backward import Backward
from ..render.figure import RenderedFrame, render_frames
from ..render.fitting import Area, readable_px
from ..render.style import Style
from ..text.lines import plain, write
from ..text.targets import MARKUP
from .folder import OutputFolder

__all__ = ["PLAYER_FILE", "OFFLINE", "STEPPER", "WINDOW", "PAGE_TEXT", "fitted_svg", "scaled_svg", "page_box",
           "page_style", "player_area", "player_html", "write_player"]

PLAYER_FILE = "index.html"
# the page's policy: nothing from the network, only its own inline style, script and data: images
OFFLINE = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">")
_SVG_START = re.compile(r"<svg\b")
_ID = re.compile(r'\bid="([^"]*)"')
_SVG_TAG = re.compile(r"<svg\b[^>]*>")
_SIZE = re.compile(r'\s(width|height)="([^"]*)"')

WINDOW = (1920, 1080)  # the window the pages are laid out for (a projector's)
PAGE_MARGIN = 8  # px around the page (``_STYLE`` and explorer.css)
PLAYER_BANDS = 40 + 100  # px: the title bar and the caption band
#: The pages draw their text this much larger, relative to the figure's gaps and margins, than a slide
#: does (18 pt on the 14 pt slide): the figure is scaled to the window anyway, so a larger share of it
#: goes to text (measured: batch norm's node text 17.4 → 18.9 px in the explorer at 1920×1080).
PAGE_TEXT = 18 / 14

_STYLE = """
html, body { height: 100%; margin: 0; }
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #222; display: flex; flex-direction: column;
       padding: 8px; box-sizing: border-box; }
.bar { display: flex; gap: 0.8em; align-items: center; height: 40px; flex: 0 0 40px; overflow: hidden; }
h1 { font-size: 1.05em; line-height: 1.2; font-weight: normal; margin: 0 1em 0 0; max-height: 40px; overflow: auto; }
button, #counter, .hint { white-space: nowrap; }
main { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; }
.frame { flex: 1 1 auto; min-height: 0; margin: 0; display: flex; flex-direction: column; }
.frame[hidden] { display: none; }
.frame svg { flex: 1 1 auto; min-height: 0; width: 100%; height: 100%; display: block; }
button { font-size: 1em; padding: 0.3em 1em; }
figcaption { flex: 0 0 100px; height: 100px; overflow: auto; box-sizing: border-box; padding-top: 0.3em;
             font-size: 1.15em; line-height: 1.45; }
figcaption .title { font-weight: bold; }
.hint { color: #666; font-size: 0.9em; }
"""

#: The one stepper: ``gvStepper(count, show, options)`` wires the previous/next buttons (``#prev``,
#: ``#next``, when the page has them) and the keys (→ PageDown next, ← PageUp previous, Home, End;
#: space too with ``options.space``) to ``show(k)``; ``options.active()`` says whether the keys step
#: now, ``options.moved()`` is called when the user steps. It returns ``{go, at}``.
STEPPER = """
window.gvStepper = function (count, show, options) {
  options = options || {};
  var at = 0, prev = document.getElementById("prev"), next = document.getElementById("next");
  function go(k) {
    at = Math.max(0, Math.min(count - 1, k));
    if (prev) { prev.disabled = at === 0; }
    if (next) { next.disabled = at === count - 1; }
    show(at);
  }
  function step(k) { if (options.moved) { options.moved(); } go(k); }
  if (prev) { prev.addEventListener("click", function () { step(at - 1); }); }
  if (next) { next.addEventListener("click", function () { step(at + 1); }); }
  document.addEventListener("keydown", function (e) {
    var tag = e.target.tagName;
    if ((options.active && !options.active()) || tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
    if (e.key === "ArrowRight" || e.key === "PageDown" || (options.space && e.key === " ")) { step(at + 1); }
    else if (e.key === "ArrowLeft" || e.key === "PageUp") { step(at - 1); }
    else if (e.key === "Home") { step(0); }
    else if (e.key === "End") { step(count - 1); }
    else { return; }
    e.preventDefault();
  });
  return {go: go, at: function () { return at; }};
};
"""

_SCRIPT = """
(function () {
  var frames = document.querySelectorAll(".frame"), counter = document.getElementById("counter");
  window.gvStepper(frames.length, function (k) {
    for (var i = 0; i < frames.length; i++) { frames[i].hidden = (i !== k); }
    counter.textContent = "Frame " + (k + 1) + " of " + frames.length;
  }, {space: true}).go(0);
})();
"""


def page_box(bands: float) -> tuple[float, float]:
    """The figure's box, in pixels, on a page filling the ``WINDOW`` whose other rows take ``bands`` px."""
    return WINDOW[0] - 2 * PAGE_MARGIN, WINDOW[1] - 2 * PAGE_MARGIN - bands


def page_style(style: Style | None) -> Style:
    """``style`` (the default look when None) with its text ``PAGE_TEXT`` times larger."""
    style = style or Style()
    return replace(style, font_size=min(72.0, style.font_size * PAGE_TEXT))


def player_area(operations: int) -> Area:
    """Where the player's figure goes in a 1920×1080 window, and the text size that must read there."""
    return Area(*page_box(PLAYER_BANDS), readable_px(operations))


def player_html(title: str, heading: str, rendered: Sequence[RenderedFrame]) -> str:
    """The page for SVG frames ``rendered``, titled ``title`` (plain text), headed by ``heading`` (markup)."""
    figures = []
    for k, item in enumerate(rendered):
        frame = item.frame
        lines = [write(line, MARKUP) for line in frame.equations] if frame.kind != "structure" else []
        caption = "<br>".join([f'<span class="title">{write(frame.title, MARKUP)}</span>'] + lines)
        figures.append(f'<figure class="frame" id="frame-{k}" data-kind="{frame.kind}"{" hidden" if k else ""}>'
                       f"{scaled_svg(item.data, f'f{k}-')}<figcaption>{caption}</figcaption></figure>")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        OFFLINE,
        f"<title>{html.escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
        f'<header class="bar controls"><h1>Backpropagation through {heading}</h1>'
        '<button id="prev" type="button">&#8592; Previous</button>'
        '<button id="next" type="button">Next &#8594;</button><span id="counter"></span>'
        '<span class="hint">(arrow keys work too)</span></header>',
        "<main>", *figures, "</main>", f"<script>{STEPPER}{_SCRIPT}</script>", "</body>", "</html>", ""])


def fitted_svg(data: bytes | str, prefix: str) -> str:
    """A Graphviz SVG for an HTML page: without its XML prolog and DOCTYPE, its ids made unique
    with ``prefix``, and as wide as its container up to its natural width, its height following
    from the viewBox (the root's ``width``/``height`` become ``width="100%"`` and a style)."""
    return _inline_svg(data, prefix, lambda size: 'width="100%" style="'
                       + (f"max-width:{size['width']};" if "width" in size else "") + 'height:auto"')


def scaled_svg(data: bytes | str, prefix: str) -> str:
    """A Graphviz SVG for a page box: as ``fitted_svg``, but as wide and as tall as its box, the
    picture scaled up or down to fit it keeping its aspect (the viewBox's default ``meet``)."""
    return _inline_svg(data, prefix, lambda size: 'width="100%" height="100%"')


def _inline_svg(data: bytes | str, prefix: str, sizing: Callable[[dict[str, str]], str]) -> str:
    """The SVG without prolog and DOCTYPE, its ids prefixed, its root's ``width``/``height``
    replaced by the attributes ``sizing`` writes from them."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    start = _SVG_START.search(text)
    body = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', text[start.start():] if start else text)
    tag = _SVG_TAG.search(body)
    if tag is None:
        return body
    size = dict(_SIZE.findall(tag.group(0)))
    root = _SIZE.sub("", tag.group(0)).replace("<svg", f"<svg {sizing(size)}", 1)
    return body[:tag.start()] + root + body[tag.end():]


def write_player(result: Backward, folder: str | os.PathLike | OutputFolder, *, renderer: str = "auto",
                 wrt: str | None = None, force: bool = False, style: Style | None = None) -> Path:
    """Render every frame of ``result`` as SVG (the page prints each caption under its figure)
    and write the player to ``folder/index.html``."""
    title = title_relation(result)
    operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
    typed = result.graph.source.strip().replace("\n", "; ")  # the formula as typed, else as the IR writes it
    page = player_html(typed or plain(title), html.escape(typed) if typed else write(title, MARKUP),
                       render_frames(result, format="svg", renderer=renderer, wrt=wrt, caption=False,
                                     style=page_style(style),
                                     area=player_area(operations)))
    return OutputFolder.of(folder, force=force).write(PLAYER_FILE, page.encode("utf-8"))
