"""The playground picture's files: ``training.gif`` (every frame, looping) and ``training.html``
(the frames with a slider, play/pause and the arrow keys of the player's stepper). The page is
self-contained: the frames are inline PNG images, the script and style are inline, and nothing
is fetched from the network."""

from __future__ import annotations

import base64
import html
import json
import os
from pathlib import Path
from typing import Callable, Sequence

from ..networks.playground import Playground
from .folder import OutputFolder
from .gif import gif_bytes
from .player import OFFLINE, STEPPER

__all__ = ["ANIMATION_FILES", "FRAME_MS", "LAST_FRAME_MS", "playground_files", "playground_html", "write_playground"]

ANIMATION_FILES = ("training.gif", "training.html")
FRAME_MS = 400  # time on each frame, in the GIF and when the page plays
LAST_FRAME_MS = 3000  # the GIF's pause on the trained network before it loops

_STYLE = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 0.5em 1.5em; color: #222; }
.controls { display: flex; gap: 1em; align-items: center; margin: 0.5em 0; font-size: 1.1em; }
button { font-size: 1em; padding: 0.3em 1em; min-width: 6em; }
input[type=range] { flex: 1; max-width: 40em; }
img { display: block; margin: 0 auto; max-width: 100%; max-height: calc(100vh - 5em); height: auto; }
#counter { min-width: 7em; }
.hint { color: #666; font-size: 0.9em; }
"""

_SCRIPT = """
(function () {
  var frames = JSON.parse(document.getElementById("frames").textContent);
  var image = document.getElementById("frame"), slider = document.getElementById("slider");
  var counter = document.getElementById("counter"), play = document.getElementById("play");
  var timer = null;
  var stepper = window.gvStepper(frames.length, function (k) {
    image.src = frames[k].src;
    image.alt = frames[k].title;
    slider.value = k;
    counter.textContent = "Frame " + (k + 1) + " of " + frames.length;
  }, {moved: stop});
  function stop() { clearInterval(timer); timer = null; play.textContent = "\\u25B6 Play"; }
  function start() {
    if (stepper.at() === frames.length - 1) { stepper.go(0); }
    play.textContent = "\\u275A\\u275A Pause";
    timer = setInterval(function () {
      if (stepper.at() === frames.length - 1) { stop(); } else { stepper.go(stepper.at() + 1); }
    }, %(ms)d);
  }
  play.addEventListener("click", function () { if (timer) { stop(); } else { start(); } });
  slider.addEventListener("input", function () { stop(); stepper.go(parseInt(slider.value, 10)); });
  document.addEventListener("keydown", function (e) {
    if (e.key !== " ") { return; }
    if (timer) { stop(); } else { start(); }
    e.preventDefault();
  });
  stepper.go(0);
})();
"""


def playground_html(pg: Playground, pngs: Sequence[bytes]) -> str:
    """The page for ``pg``'s frames ``pngs``: one image (its title in the picture and as its text
    alternative), a slider over the frames, play/pause."""
    frames = [{"src": "data:image/png;base64," + base64.b64encode(data).decode("ascii"), "title": pg.title(k)}
              for k, data in enumerate(pngs)]
    data = json.dumps(frames, ensure_ascii=False).replace("</", "<\\/")  # the script element ends only where it should
    heading = html.escape(pg.heading or "Training")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">', OFFLINE,
        f"<title>{heading}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
        '<div class="controls"><button id="play" type="button">&#9654; Play</button>'
        f'<input id="slider" type="range" min="0" max="{len(frames) - 1}" step="1" value="0" aria-label="frame">'
        '<span id="counter"></span><span class="hint">&#8592; &#8594; keys, space plays</span></div>',
        '<img id="frame" alt="">',
        f'<script id="frames" type="application/json">{data}</script>',
        f"<script>{STEPPER}{_SCRIPT % {'ms': FRAME_MS}}</script>", "</body>", "</html>", ""])


def playground_files(pg: Playground, progress: Callable[[], None] | None = None) -> dict[str, bytes]:
    """``training.gif`` and ``training.html`` of ``pg``, by name (``progress`` is called after each frame)."""
    pngs = pg.pngs(progress)
    return {"training.gif": gif_bytes(pngs, frame_ms=FRAME_MS, last_frame_ms=LAST_FRAME_MS),
            "training.html": playground_html(pg, pngs).encode("utf-8")}


def write_playground(pg: Playground, folder: str | os.PathLike | OutputFolder, *, force: bool = False) -> list[Path]:
    """Write ``training.gif`` and ``training.html`` into ``folder``; their paths."""
    return OutputFolder.of(folder, force=force).write_all(playground_files(pg))
