"""The notebook front door: rich display of graphs, results, steps and derivations, and the
backward-pass stepper.

Every picture comes from the in-process renderer (pygraphviz), so no system Graphviz is
needed. Pictures fit the output area: a frame's HTML is its SVG scaled to the output's width
(never beyond its natural size), the stepper's picture fits the output's width and most of the
window's height under its buttons. A result's frames share one layout (``render.export.Slides``, kept on the result per
``Style``), so stepping through them moves nothing. The interactive stepper needs the
optional ``ipywidgets`` (``pip install "gradviz[notebook]"``); without it the stepper shows
every frame, one under the other, with a one-line hint.

>>> import gradviz
>>> r = gradviz.parse("(θ1θ2x − y)²").backward({"θ1": 2, "θ2": -1, "x": 3, "y": 1})
>>> view = r.show(step=0)
>>> view.title
'Backward step 1 of 4: L = c²'
>>> sorted(view._repr_mimebundle_()[0])
['image/png', 'image/svg+xml', 'text/html', 'text/plain']
>>> [v.frame.kind for v in r.frames()]
['structure', 'forward', 'backward', 'backward', 'backward', 'backward', 'gradients']
>>> [title for title, lines in r.derivation().sections()]
['Forward pass', 'Backward pass', 'Gradients']
>>> "2(θ1θ2x − y)xθ2 = 42" in r.derivation().text
True

Forward mode from one input has the same verbs, on the layout shared with the backward frames:

>>> t = r.tangents("θ1")
>>> [v.frame.kind for v in t.frames()]
['structure', 'seed', 'tangent', 'tangent', 'tangent', 'tangent', 'tangents']
>>> t.show(step=1).title
'Forward step 2 of 4: b = a·x'
>>> "∂b/∂θ1 = ∂b/∂a · ∂a/∂θ1 = x · θ2 = xθ2 = 3 × (−1) = −3" in t.derivation().text
True
"""

from __future__ import annotations

import base64
import os
import html
import operator
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .derive.documents import align, derivation_markdown, sections, tangent_markdown, tangent_sections
from .errors import GradvizError
from .ir.arguments import checked, checked_methods
from .eval.backward import Backward, backward
from .eval.tangents import Tangents
from .ir.graph import Graph
from .outputs.explorer import EXPLORER_FILE, explorer_html
from .outputs.folder import OutputFolder
from .outputs.lite import VIZ_MODULE
from .outputs.player import fitted_svg
from .render.backends import IN_BROWSER, WASM_GLOBAL
from .render.figure import DEFAULT_PNG_DPI, Figure
from .render.frames import Frame
from .render.style import Style
from .text.lines import Relation, plain

__all__ = ["FrameView", "Derivation", "Explorer", "Stepper", "StaticFrames", "figure", "frame_views", "show",
           "show_graph", "stepper", "STEPPER_HINT", "tangent_figure", "tangent_views", "show_tangent", "tangent_stepper",
           "browser_setup"]

STEPPER_HINT = 'For the interactive stepper: pip install "gradviz[notebook]" (ipywidgets). Showing every frame.'
BROWSER_STEPPER_HINT = "The interactive stepper needs ipywidgets, which this site does not carry. Showing every frame."
_CSS_PX_PER_INCH = 96  # a PNG rendered at DEFAULT_PNG_DPI is shown at the size of its SVG
_FIT = "max-width:100%;height:auto"  # a picture no wider than the output area
_STEPPER_HEIGHT = "75vh"  # the stepper's picture leaves room for its buttons in the window
_EXPLORER_HEIGHT = "720px"  # the explorer's frame: figure, inputs and panel at a readable size


Bundle = tuple[dict[str, Any], dict[str, Any]]


def _bundle(data: dict[str, Any], metadata: dict[str, Any], include: Any, exclude: Any) -> Bundle:
    """``_repr_mimebundle_``'s answer, honouring ``include``/``exclude``."""
    keys = [k for k in data if (not include or k in include) and (not exclude or k not in exclude)]
    return {k: data[k] for k in keys}, {k: v for k, v in metadata.items() if k in keys}


@checked_methods
@dataclass(frozen=True)
class FrameView:
    """One frame of a result's figure, displayed as SVG and PNG (``svg``, ``png`` give the data)."""

    figure: Figure
    frame: Frame

    @property
    def title(self) -> str:
        return self.frame.title_text

    @property
    def svg(self) -> str:
        return self.figure.render(self.frame, "svg").data.decode("utf-8")

    @property
    def png(self) -> bytes:
        return self.figure.render(self.frame, "png").data

    @property
    def png_width(self) -> int:
        """The width (CSS pixels) at which the PNG shows as large as the SVG."""
        pixels = struct.unpack(">I", self.png[16:20])[0]  # the PNG header's width
        return round(pixels * _CSS_PX_PER_INCH / DEFAULT_PNG_DPI)

    @property
    def text(self) -> str:
        """The frame's title and equations as plain text."""
        return "\n".join([self.title] + [f"  {line}" for line in self.frame.lines()])

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Bundle:
        svg = self.svg
        data = {"text/html": fitted_svg(svg, f"{self.frame.slug}-"), "image/svg+xml": svg}
        if not IN_BROWSER:  # the browser's Graphviz writes no PNG
            data["image/png"] = base64.b64encode(self.png).decode("ascii")
        data["text/plain"] = self.text
        return _bundle(data, {"image/png": {"width": self.png_width}} if not IN_BROWSER else {}, include, exclude)

    def __repr__(self) -> str:
        return f"<gradviz.FrameView {self.frame.slug}: {self.title}>"

    __str__ = text.fget  # print(view) in a plain script shows the frame's equations


@checked
def figure(result: Backward, style: Style | None = None) -> Figure:
    """The result's figure laid out once per style (kept on the result)."""
    _graphviz_started()
    style = style or Style()
    figures = result.__dict__.setdefault("_figures", {})
    if style not in figures:
        figures[style] = Figure(result, style=style)
    return figures[style]


@checked
def frame_views(result: Backward, style: Style | None = None) -> list[FrameView]:
    """Every frame, in order: structure, forward, one per backward step, gradients."""
    made = figure(result, style)
    return [FrameView(made, frame) for frame in made.frames]


@checked
def tangent_figure(t: Tangents, style: Style | None = None) -> Figure:
    """Forward mode's figure, laid out with the backward frames once per style (kept on ``t``)."""
    _graphviz_started()
    style = style or Style()
    figures = t.__dict__.setdefault("_figures", {})
    if style not in figures:
        figures[style] = Figure(t.result, style=style, tangents=t)
    return figures[style]


@checked
def tangent_views(t: Tangents, style: Style | None = None, backward: bool = False) -> list[FrameView]:
    """Forward mode's frames, in order: structure, seed, one per tangent step, tangents and cost
    (``backward``: the backward frames instead, on the same layout)."""
    made = tangent_figure(t, style)
    return [FrameView(made, frame) for frame in (made.reverse_frames if backward else made.frames)]


def _step_index(step: Any, count: int, what: str) -> int:
    """``step`` as an index into ``count`` steps (negative from the end), or a ``GradvizError``."""
    if isinstance(step, bool) or not hasattr(type(step), "__index__"):
        raise GradvizError(f"step is an index into {what} (a whole number), not {repr(step)[:40]}")
    step = operator.index(step)
    if not -count <= step < count:
        raise GradvizError(f"step {step} is out of range: {what} has {count} steps (0…{count - 1})")
    return step % count


@checked
def show(result: Backward, step: int | None = None, style: Style | None = None) -> FrameView:
    """Backward step ``step`` (an index into ``result.steps``: 0 is the output's step, −1 the
    last), or the final frame with every gradient when ``step`` is None."""
    if step is None:
        return frame_views(result, style)[-1]
    k = _step_index(step, len(result.steps), "result.steps")
    return next(v for v in frame_views(result, style) if v.frame.kind == "backward" and v.frame.step == k)


@checked
def show_tangent(t: Tangents, step: int | None = None, style: Style | None = None) -> FrameView:
    """Forward step ``step`` (an index into ``t.steps``, topological order), or the final frame
    with every tangent and the cost comparison when ``step`` is None."""
    if step is None:
        return tangent_views(t, style)[-1]
    k = _step_index(step, len(t.steps), "the forward-mode steps")
    return next(v for v in tangent_views(t, style) if v.frame.kind == "tangent" and v.frame.step == k)


@checked
def show_graph(graph: Graph, style: Style | None = None) -> FrameView:
    """The graph's structure frame: every node with its equation, laid out on its own."""
    _graphviz_started()
    made = Figure(backward(graph, symbolic=False), style=style, kinds=("structure",))
    return FrameView(made, made.frames[0])


@checked_methods
class Derivation:
    """The chain-rule derivation of a result as the lecture writes it (``derivation.lecture``):
    Markdown with math, LaTeX ``align*``, plain text. ``wrt`` keeps one input's lines only;
    with ``tangents`` it is forward mode's derivation from that input."""

    def __init__(self, result: Backward, wrt: str | None = None, tangents: Tangents | None = None):
        self.result, self.wrt, self.tangents = result, wrt, tangents

    def _sections(self) -> list[tuple[str, tuple[Any, ...]]]:
        if self.tangents is not None:
            return tangent_sections(self.tangents)
        return sections(self.result, self.wrt)

    def sections(self) -> list[tuple[str, tuple[str, ...]]]:
        """(title, lines) for the forward pass, the backward pass and the gradients (forward
        mode: the forward pass, the tangents and the cost)."""
        return [(title, tuple(plain(line) for line in lines)) for title, lines in self._sections()]

    @property
    def markdown(self) -> str:
        return derivation_markdown(self.result, self.wrt) if self.tangents is None else tangent_markdown(self.tangents)

    @property
    def latex(self) -> str:
        """Every equation in one ``align*`` block (display math for MathJax or KaTeX)."""
        return align([line for _, lines in self._sections() for line in lines if isinstance(line, Relation)])

    @property
    def text(self) -> str:
        out = []
        for title, lines in self.sections():
            out += [f"{title}:"] + [f"  {line}" for line in lines]
        return "\n".join(out)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Bundle:
        data = {"text/markdown": self.markdown, "text/latex": self.latex, "text/plain": self.text}
        return _bundle(data, {}, include, exclude)

    def __repr__(self) -> str:
        return f"<gradviz.Derivation of {self.result.graph.output}>"

    __str__ = text.fget


@checked_methods
class Explorer:
    """The interactive explorer page of a result (``outputs.explorer``), shown in a notebook in a
    frame of its own (its script and styles stay inside), saved as one file with ``save``."""

    def __init__(self, result: Backward, quiz: str | None = None, style: Style | None = None):
        self.result = result
        _graphviz_started()
        self.html = explorer_html(result, quiz=quiz, style=style)
        self.quiz, self.style = quiz, style

    def save(self, folder: str | os.PathLike, *, force: bool = False) -> Any:
        """Write ``folder/index.html``; returns its path."""
        return OutputFolder.of(folder, force=force).write(EXPLORER_FILE, self.html.encode("utf-8"))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Bundle:
        frame = (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;height:{_EXPLORER_HEIGHT};'
                 'border:1px solid #ddd"></iframe>')
        return _bundle({"text/html": frame, "text/plain": repr(self)}, {}, include, exclude)

    def __repr__(self) -> str:
        return f"<gradviz.Explorer of {self.result.graph.output}{' (quiz)' if self.quiz else ''}>"


@checked_methods
class Stepper:
    """Previous / next buttons and a slider over a result's frames; the picture is one image
    widget whose PNG is swapped, so nothing moves between steps."""

    def __init__(self, views: list[FrameView], start: int = 0):
        import ipywidgets as w

        self.views = views
        last = len(views) - 1
        start = start + len(views) if start < 0 else start  # −1: the last frame
        self.slider = w.IntSlider(value=min(max(start, 0), last), min=0, max=last, description="frame",
                                  continuous_update=False)
        self.previous = w.Button(description="◀ previous", layout=w.Layout(width="auto"))
        self.next = w.Button(description="next ▶", layout=w.Layout(width="auto"))
        self.title = w.Label()
        self.image = w.Image(format="png", layout=w.Layout(width=f"{views[0].png_width}px", max_width="100%",
                                                           height="auto", max_height=_STEPPER_HEIGHT,
                                                           object_fit="contain"))
        self.previous.on_click(lambda _: self.go(self.slider.value - 1))
        self.next.on_click(lambda _: self.go(self.slider.value + 1))
        self.slider.observe(lambda _: self._draw(), names="value")
        self.widget = w.VBox([w.HBox([self.previous, self.slider, self.next, self.title]), self.image])
        self._draw()

    @property
    def index(self) -> int:
        """The frame on show."""
        return self.slider.value

    def go(self, index: int) -> None:
        """Show frame ``index`` (clamped to the first and last frame)."""
        self.slider.value = min(max(index, 0), self.slider.max)

    def _draw(self) -> None:
        view = self.views[self.slider.value]
        self.image.value = view.png
        self.title.value = view.title
        self.previous.disabled = self.slider.value == 0
        self.next.disabled = self.slider.value == self.slider.max

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<gradviz.Stepper frame {self.index} of {len(self.views)}: {self.views[self.index].title}>"


@checked_methods
class StaticFrames:
    """Every frame, one under the other, after a one-line hint: the stepper without ipywidgets."""

    def __init__(self, views: list[FrameView], hint: str = STEPPER_HINT):
        self.views, self.hint = views, hint

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Bundle:
        images = "".join(f"<div>{_picture(v, k)}</div>" for k, v in enumerate(self.views))
        text = "\n\n".join([self.hint] + [v.text for v in self.views])
        data = {"text/html": f"<p><em>{html.escape(self.hint, quote=False)}</em></p>{images}", "text/plain": text}
        return _bundle(data, {}, include, exclude)

    def __repr__(self) -> str:
        return f"<gradviz.StaticFrames: {len(self.views)} frames>"


def _picture(view: FrameView, k: int) -> str:
    """The frame as an HTML picture no wider than the output: its PNG, or in the browser its SVG."""
    if IN_BROWSER:
        return fitted_svg(view.svg, f"{k}-{view.frame.slug}-")
    return (f'<img alt="{html.escape(view.title)}" width="{view.png_width}" style="{_FIT}" '
            f'src="data:image/png;base64,{base64.b64encode(view.png).decode("ascii")}">')


@checked
def stepper(result: Backward, style: Style | None = None, start: int = 0) -> "Stepper | StaticFrames":
    """The interactive stepper over every frame, or the static frames when ipywidgets is missing."""
    return stepper_of(frame_views(result, style), start)


@checked
def tangent_stepper(t: Tangents, style: Style | None = None, start: int = 0) -> "Stepper | StaticFrames":
    """The stepper over forward mode's frames."""
    return stepper_of(tangent_views(t, style), start)


def stepper_of(views: list[FrameView], start: int = 0) -> "Stepper | StaticFrames":
    """The interactive stepper over ``views``, or the static frames when ipywidgets is missing."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return StaticFrames(views, BROWSER_STEPPER_HINT if IN_BROWSER else STEPPER_HINT)
    return Stepper(views, start)


async def browser_setup() -> None:
    """In a notebook in the browser (JupyterLite's Pyodide kernel, ``gradviz site --notebooks``):
    start Graphviz compiled to WebAssembly in the kernel, where the layout backend finds it
    (``render.backends.WASM_GLOBAL`` on ``globalThis``). Its ES module comes in the site's gradviz
    wheel and is imported from memory. Once per kernel; outside a browser there is nothing to do."""
    if not IN_BROWSER:
        return
    import js  # Pyodide's view of globalThis
    from pyodide.code import run_js
    from pyodide.ffi import to_js

    if getattr(js, WASM_GLOBAL, None) is not None:
        return
    module = Path(__file__).with_name(VIZ_MODULE)
    if not module.exists():
        raise GradvizError("this gradviz has no Graphviz for the browser: install the wheel that "
                           "gradviz site --notebooks serves (%pip install gradviz in its notebooks)")
    source = js.Blob.new(to_js([module.read_text(encoding="utf-8")]),
                         to_js({"type": "text/javascript"}, dict_converter=js.Object.fromEntries))
    url = js.URL.createObjectURL(source)
    try:
        loaded = await run_js("(url) => import(url)")(url)  # a fixed line of gradviz's, never the user's text
        setattr(js, WASM_GLOBAL, await loaded.instance())
    finally:
        js.URL.revokeObjectURL(url)


def _graphviz_started() -> None:
    """Before a figure is laid out in the browser: Graphviz started, by ``browser_setup`` run to its
    end here where the kernel can wait for it (WebAssembly stack switching, as in Chromium), else a
    ``GradvizError`` that says to await it; outside a browser nothing to do."""
    if not IN_BROWSER:
        return
    import js  # Pyodide's view of globalThis
    from pyodide.ffi import can_run_sync, run_sync

    if getattr(js, WASM_GLOBAL, None) is not None:
        return
    if not can_run_sync():
        raise GradvizError("start Graphviz in this notebook first: run  await gradviz.browser_setup()  "
                           "(once; this browser cannot wait for it inside a figure)")
    run_sync(browser_setup())
