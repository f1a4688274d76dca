"""A self-contained HTML step player: every frame inline as SVG, previous/next buttons, the
arrow keys, a step counter and the step's title and equations as the caption. No network,
no external scripts or styles: the page works from a file, offline, as one attachment.

The page fits its window: each figure scales to the page's width (never beyond its natural
size) and to the window's height, and the buttons stay at the top of the window while the
page scrolls. ``fitted_svg`` makes a figure scale so, for this page and for notebooks.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Sequence

from ..derive.documents import title_relation
from ..eval.backward import Backward
from ..render.figure import RenderedFrame, render_frames
from ..render.style import Style
from ..text.lines import plain, write
from ..text.targets import MARKUP
from .folder import OutputFolder

__all__ = ["PLAYER_FILE", "OFFLINE", "fitted_svg", "player_html", "write_player"]

PLAYER_FILE = "index.html"
# the page's policy: nothing from the network, only its own inline style, script and data: images
OFFLINE = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">")
_SVG_START = re.compile(r"<svg\b")
_ID = re.compile(r'\bid="([^"]*)"')
_SVG_TAG = re.compile(r"<svg\b[^>]*>")
_SIZE = re.compile(r'\s(width|height)="([^"]*)"')

_STYLE = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 1.5em; color: #222; max-width: 1400px; }
h1 { font-size: 1.3em; font-weight: normal; }
.frame svg { display: block; max-height: calc(100vh - 7em); }
.controls { display: flex; gap: 0.8em; align-items: center; margin: 0.6em 0; padding: 0.3em 0;
            position: sticky; top: 0; z-index: 1; background: #fff; }
button { font-size: 1em; padding: 0.3em 1em; }
figcaption { font-size: 1.05em; line-height: 1.6; margin-top: 0.4em; }
figcaption .title { font-weight: bold; }
.hint { color: #666; font-size: 0.9em; }
"""

_SCRIPT = """
(function () {
  var frames = document.querySelectorAll(".frame");
  var counter = document.getElementById("counter");
  var current = 0;
  function show(k) {
    current = Math.max(0, Math.min(frames.length - 1, k));
    for (var i = 0; i < frames.length; i++) { frames[i].hidden = (i !== current); }
    counter.textContent = "Frame " + (current + 1) + " of " + frames.length;
    document.getElementById("prev").disabled = current === 0;
    document.getElementById("next").disabled = current === frames.length - 1;
  }
  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight" || e.key === "PageDown" || e.key === " ") { show(current + 1); }
    else if (e.key === "ArrowLeft" || e.key === "PageUp") { show(current - 1); }
    else if (e.key === "Home") { show(0); }
    else if (e.key === "End") { show(frames.length - 1); }
    else { return; }
    e.preventDefault();
  });
  show(0);
})();
"""


def player_html(title: str, heading: str, rendered: Sequence[RenderedFrame]) -> str:
    """The page for SVG frames ``rendered``, titled ``title`` (plain text), headed by ``heading`` (markup)."""
    figures = []
    for k, item in enumerate(rendered):
        frame = item.frame
        lines = [write(line, MARKUP) for line in frame.equations] if frame.kind != "structure" else []
        caption = "<br>".join([f'<span class="title">{write(frame.title, MARKUP)}</span>'] + lines)
        figures.append(f'<figure class="frame" id="frame-{k}" data-kind="{frame.kind}"{" hidden" if k else ""}>'
                       f"{fitted_svg(item.data, f'f{k}-')}<figcaption>{caption}</figcaption></figure>")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        OFFLINE,
        f"<title>{html.escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
        f"<h1>Backpropagation through {heading}</h1>",
        '<div class="controls"><button id="prev" type="button">&#8592; Previous</button>'
        '<button id="next" type="button">Next &#8594;</button><span id="counter"></span>'
        '<span class="hint">(arrow keys work too)</span></div>',
        *figures, f"<script>{_SCRIPT}</script>", "</body>", "</html>", ""])


def fitted_svg(data: bytes | str, prefix: str) -> str:
    """A Graphviz SVG for an HTML page: without its XML prolog and DOCTYPE, its ids made unique
    with ``prefix``, and as wide as its container up to its natural width, its height following
    from the viewBox (the root's ``width``/``height`` become ``width="100%"`` and a style)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    start = _SVG_START.search(text)
    body = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', text[start.start():] if start else text)
    tag = _SVG_TAG.search(body)
    if tag is None:
        return body
    size = dict(_SIZE.findall(tag.group(0)))
    style = f"max-width:{size['width']};" if "width" in size else ""
    root = _SIZE.sub("", tag.group(0)).replace("<svg", f'<svg width="100%" style="{style}height:auto"', 1)
    return body[:tag.start()] + root + body[tag.end():]


def write_player(result: Backward, folder: str | os.PathLike | OutputFolder, *, renderer: str = "auto",
                 wrt: str | None = None, force: bool = False, style: Style | None = None) -> Path:
    """Render every frame of ``result`` as SVG (the page prints each caption under its figure)
    and write the player to ``folder/index.html``."""
    title = title_relation(result)
    page = player_html(plain(title), write(title, MARKUP),
                       render_frames(result, format="svg", renderer=renderer, wrt=wrt, caption=False, style=style))
    return OutputFolder.of(folder, force=force).write(PLAYER_FILE, page.encode("utf-8"))
