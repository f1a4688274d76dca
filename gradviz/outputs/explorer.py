"""The interactive explorer: one self-contained HTML page (no network, no external files) that
evaluates the graph itself, so the student can drag an input and watch every value, local
derivative and gradient follow, click a node for its chain rule, step through the backward
pass, push tangents forward from one input, or take a quiz.

The figure is the renderer's final frame, laid out by the render layer's look and orientation
search (``render.fitting``) for the page's figure box at 1920×1080. Every number in it, and in
every caption, panel line, hint and error message the page writes, is a *slot*: the page is built
from a result whose numbers are named placeholders (``⟦v3⟧`` the value of node 3, ``⟦g3⟧`` its
gradient, ``⟦d5.0⟧`` the local derivative of node 5 by its operand 0, ``⟦c5.0⟧`` what that edge
brings back, ``⟦t5.0⟧`` the running total at the operand after it), so all wording comes from the
Python printers and the page only fills the slots with the numbers it computes. The page computes
with a compact export of the IR and the op table generated from the op specs' JavaScript forms and
helpers (``ir.ops.JsForm``, ``ir.ops.JS_HELPERS``); it formats numbers with the browser's
``toPrecision`` under the policy of ``text.numbers.number_policy``. The nodes and edges carry the
ids set when their DOT is built, by which the page finds their texts. In a quiz the page holds
no answer: it computes them from the inputs when checking.
"""

from __future__ import annotations

import html
import json
import math
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

from ..derive.documents import title_relation
from ..derive.lecture import lecture
from ..errors import GradvizError
from ..eval.backward import Backward, backward
from ..eval.forward import node_error
from ..ir.ops import JS_HELPERS, LOCAL_INFINITE, LOCAL_OUTSIDE, OPS, OVERFLOW
from ..render.figure import Figure
from ..render.crossings import layout_crossings, plain_dot_crossings
from ..render.fitting import SEARCH_LIMIT, Area, readable_px, text_px
from ..render.frames import check_drawable, frames
from ..render.style import Style
from ..text.lines import Partial, plain, write
from ..text.names import markup_name
from ..text.numbers import number_policy
from ..text.structure import equation
from ..text.targets import MARKUP
from .exercise import BLANK_CHOICES, Blank
from .folder import OutputFolder
from .player import OFFLINE, STEPPER, page_box, page_style, scaled_svg

__all__ = ["EXPLORER_FILE", "explorer_html", "write_explorer", "graph_export", "op_table", "slotted",
           "explorer_area", "explorer_figure"]

EXPLORER_FILE = "index.html"
SLOT_ROOM = 7  # characters a number takes in the figure ("−0.0888": three digits after "0.0")
INPUTS_PER_ROW = 8  # input controls per row of the page's input band (12 inputs: two rows)
INPUT_ROWS = 2  # rows of input controls the band shows: up to 16 inputs show whole, more scroll within the band
INPUT_ROW_PX = 36  # the height of one row of input controls
TITLE_PX = 40  # the title bar's height (explorer.css)
CAPTION_PX = 84  # the caption band's height below the figure (explorer.css)
CAPTION_COLUMN_PX = 416  # the caption column's width, gap included, where it stands beside the figure (explorer.css)
_FIGURE_SPACE = "\u2007"  # as wide as a digit: pads a slot to a number's width
_HERE = Path(__file__).parent


def _slot(name: str, pad: bool = True) -> Blank:
    """A named number placeholder (``⟦v3⟧``), padded to ``SLOT_ROOM`` characters in the figure."""
    text = f"⟦{name}⟧"
    return Blank(text + _FIGURE_SPACE * max(0, SLOT_ROOM - len(text)) if pad else text)


def slotted(result: Backward, pad: bool = True) -> Backward:
    """``result`` with every number that follows the inputs written as its slot: values ``v``,
    gradients and upstreams ``g``, local derivatives ``d`` (``D`` in parentheses when negative, in
    the texts beside the figure; a constant one stays a number),
    contributions ``c`` and running totals ``t`` (node index, then operand position); ``pad``: each
    as wide as a number (the figure's)."""
    graph = result.graph
    index = {nid: k for k, nid in enumerate(graph.nodes)}
    values = dict(result.values)
    values.update({nid: _slot(f"v{index[nid]}", pad) for nid, n in graph.nodes.items() if n.kind != "const"})
    adjoints = {nid: _slot(f"g{index[nid]}", pad) for nid in result.adjoints}
    steps = []
    for step in result.steps:
        s = index[step.node]
        local = "d" if pad else "D"  # the captions write a negative factor in parentheses: −42 × (−1)
        contributions = tuple(replace(c, local=c.local if _constant(c) else _slot(f"{local}{s}.{c.position}", pad),
                                      value=_slot(f"c{s}.{c.position}", pad), total=_slot(f"t{s}.{c.position}", pad))
                              for c in step.contributions)
        steps.append(replace(step, contributions=contributions,
                             **({"upstream": _slot(f"g{s}", pad)} if step.node != graph.output_id else {})))
    return type(result)(graph, values, adjoints, tuple(steps), symbolic=True)


def _constant(c: Any) -> bool:
    return c.local_expr is not None and bool(c.local_expr.is_Number)


def op_table(keys: Iterable[str]) -> str:
    """The JavaScript op table of the ops ``keys`` from each spec's ``js`` form, with the helpers
    ``M`` they call (``ir.ops.JS_HELPERS``): ``window.gvOps = {key: {v, d, e}}``, ``window.gvM = M``."""
    entries = []
    for key in sorted(set(keys)):
        js = OPS[key].js
        if js is None:
            raise GradvizError(f"the op {key!r} has no JavaScript form; the explorer cannot evaluate it")
        domain = f",e:function(a,p){{return {js.domain};}}" if js.domain else ""
        entries.append(f"{json.dumps(key)}:{{v:function(a,p){{return {js.value};}},"
                       f"d:function(a,p,o){{return {js.local};}}{domain}}}")
    return ("(function(){" + JS_HELPERS + "window.gvM=M;window.gvOps={" + ",\n".join(entries) + "};})();")


def _label(name: str) -> str:
    """A node's name as the figure writes it (markup: ``θ<SUB>1</SUB>`` or ``θ₁``)."""
    return markup_name(name)


def graph_export(result: Backward) -> dict[str, Any]:
    """The graph as the page evaluates it: nodes in topological order (kind, op, operand indices,
    params, constant value, error message template), the inputs, the backward steps' order."""
    graph = result.graph
    index = {nid: k for k, nid in enumerate(graph.nodes)}
    depends = graph.depends_on_inputs()
    nodes = []
    for nid, node in graph.nodes.items():
        k = index[nid]
        item: dict[str, Any] = {"id": nid, "k": node.kind[0], "dep": nid in depends, "label": _label(node.name),
                                "gp": f"∂{_label(graph.output)}/∂{_label(node.name)}"}
        if node.kind == "const":
            item["c"] = float(result.values[nid])
        elif node.kind == "op":
            args = tuple(_slot(f"w{index[o]}", pad=False) for o in node.operands)
            item.update(op=node.op, a=[index[o] for o in node.operands], p=[float(p) for p in node.params],
                        err=str(node_error(graph, nid, "⟦p⟧", args)), show=equation(graph, nid, MARKUP))
        item["v"] = f"{_label(node.name)} = ⟦v{k}⟧"
        nodes.append(item)
    return {"nodes": nodes, "out": index[graph.output_id], "index": index,
            "inputs": [{"i": index[nid], "name": n.name, "v": float(result.values[nid])}
                       for nid, n in graph.nodes.items() if n.kind == "input"],
            "steps": [index[s.node] for s in result.steps]}


def _captions(result: Backward) -> list[dict[str, Any]]:
    """Each frame's title and equations (of a slotted result), as the player writes them: the step
    mode's captions."""
    out = []
    for frame in frames(result, "all"):
        if frame.kind == "structure":
            continue
        out.append({"kind": frame.kind, "title": write(frame.title, MARKUP),
                    "counter": plain(frame.title).split(":")[0], "lines": [write(line, MARKUP) for line in frame.equations]})
    return out


def _panels(result: Backward, unpadded: Backward) -> dict[str, str]:
    """Each node's chain rule for the side panel, in the lecture's form with slots (node id → markup)."""
    graph = result.graph
    index = {nid: k for k, nid in enumerate(graph.nodes)}
    ids = list(graph.nodes)
    by_name = {n.name: nid for nid, n in graph.nodes.items() if n.kind != "const"}
    consumers = graph.consumers()
    depends = graph.depends_on_inputs()
    out: dict[str, str] = {}
    lines = lecture(unpadded)
    for relation in lines.backward + lines.gradients:
        head = relation.sides[0]
        if isinstance(head, Partial) and head.bottom in by_name:
            out.setdefault(by_name[head.bottom], write(relation, MARKUP))
    for nid, chain in list(out.items()):
        k = index[nid]
        uses = [(index[c], pos) for c, pos in consumers.get(nid, ()) if c in depends]
        terms = [f"⟦g{s}⟧ × ⟦D{s}.{pos}⟧" for s, pos in uses]
        numbers = " + ".join(f"({t})" for t in terms) if len(terms) > 1 else (terms[0] if terms else "")
        rows = [f'<p class="grad">{chain}</p>']
        if numbers and nid != graph.output_id:
            rows.append(f'<p class="grad numbers">= {numbers} = ⟦g{k}⟧</p>')
        if len(uses) > 1:
            fed = ", ".join(_label(graph.nodes[ids[s]].name) for s, _ in uses)
            rows.append(f'<p class="hint">Fan-out: {_label(graph.nodes[nid].name)} feeds {len(uses)} nodes ({fed}), '
                        "so its gradient is the sum of what comes back along each edge.</p>")
        out[nid] = "".join(rows)
    return out


def _forward_captions(result: Backward) -> dict[int, list[str]]:
    """Forward mode's caption for each input (by node index), with slots (``T``: tangents)."""
    graph = result.graph
    index = {nid: k for k, nid in enumerate(graph.nodes)}
    out_name = _label(graph.output)
    inputs = [nid for nid, n in graph.nodes.items() if n.kind == "input"]
    ops = sum(1 for nid, n in graph.nodes.items() if n.kind == "op" and nid in graph.depends_on_inputs())
    count = len(inputs)
    captions = {}
    for nid in inputs:
        name = _label(graph.nodes[nid].name)
        w = index[nid]
        captions[w] = [
            f"Forward mode: one sweep from {name} pushes the tangent ∂·/∂{name} through every node (the gradient "
            f"rows show ∂node/∂{name}); it ends at ∂{out_name}/∂{name} = ⟦T{index[graph.output_id]}⟧ "
            f"(reverse mode: ⟦G{w}⟧).",
            f"Cost for this graph: reverse mode gets all {count} gradients ∂{out_name}/∂input from 1 backward "
            f"sweep ({ops} operations); forward mode needs {count} sweep{'' if count == 1 else 's'}, one per input "
            f"({count * ops} operations)."]
    return captions


def _quiz_hints(result: Backward) -> dict[str, str]:
    """The quiz's hint for each item (``v<k>``: a value, ``g<k>``: a gradient), with slots."""
    graph = result.graph
    index = {nid: k for k, nid in enumerate(graph.nodes)}
    depends = graph.depends_on_inputs()
    consumers = graph.consumers()
    hints = {}
    for nid, node in graph.nodes.items():
        k = index[nid]
        if node.kind == "op":
            where = ", ".join(f"{_label(graph.nodes[o].name)} = ⟦v{index[o]}⟧" for o in node.operands)
            hints[f"v{k}"] = f"Hint: {equation(graph, nid, MARKUP)}, where {where}"
        uses = [(c, pos) for c, pos in consumers.get(nid, ()) if c in depends]
        if not uses or nid == graph.output_id:
            continue
        out = _label(graph.output)

        def partial(top: str, bottom: str) -> str:
            return f"∂{_label(graph.nodes[top].name)}/∂{_label(graph.nodes[bottom].name)}"
        gp = f"∂{out}/∂{_label(node.name)}"
        chain = " + ".join(("" if c == graph.output_id else f"∂{out}/∂{_label(graph.nodes[c].name)} · ")
                           + partial(c, nid) for c, _ in uses)
        where = "; ".join(("" if c == graph.output_id else
                           f"∂{out}/∂{_label(graph.nodes[c].name)} = ⟦g{index[c]}⟧ and ")
                          + f"{partial(c, nid)} = ⟦D{index[c]}.{pos}⟧" for c, pos in uses)
        hints[f"g{k}"] = f"Hint: {gp} = {chain}, where {where}"
    return hints


def explorer_area(inputs: int, beside: bool = False) -> Area:
    """The figure's box on the page in a 1920×1080 window (``explorer.css``'s bands: the input band at most
    ``INPUT_ROWS`` rows high, so many inputs do not shrink the figure), in pixels; ``beside``: with the
    caption in a column beside the figure instead of a band below it."""
    rows = min(math.ceil(inputs / INPUTS_PER_ROW), INPUT_ROWS)
    width, height = page_box(TITLE_PX + (0 if beside else CAPTION_PX) + rows * INPUT_ROW_PX)
    return Area(width - (CAPTION_COLUMN_PX if beside else 0), height, 0.0)


def explorer_figure(result: Backward, inputs: int, renderer: str = "auto", style: Style | None = None
                    ) -> tuple[Figure, bool]:
    """The page's figure of ``result`` (its slotted final frame) and whether the caption stands beside it: laid out
    for the box above a caption band, or — where that layout does not reach the readable size crossing its edges no
    more often than plain ``dot`` (a graph whose layouts are all tall for the band's wide box) — for the box beside
    a caption column, when that layout does better (readable first, then fewer crossings)."""
    operations = sum(1 for n in result.graph.nodes.values() if n.kind == "op")
    needed = readable_px(operations)

    def laid(beside: bool) -> Figure:
        box = explorer_area(inputs, beside)
        return Figure(slotted(result), renderer=renderer, caption=False, style=page_style(style),
                      kinds=("gradients",), area=Area(box.width, box.height, needed))

    def merit(figure: Figure, beside: bool) -> tuple[bool, int]:
        excess = layout_crossings(figure.layout) - plain_dot_crossings(result.graph, figure.backend)
        return text_px(figure.layout, figure.style, explorer_area(inputs, beside)) >= needed, -max(excess, 0)

    below = laid(False)
    if operations > SEARCH_LIMIT or merit(below, False) == (True, 0):
        return below, False
    beside = laid(True)
    return (beside, True) if merit(beside, True) > merit(below, False) else (below, False)


def explorer_html(result: Backward, *, quiz: str | None = None, renderer: str = "auto",
                  style: Style | None = None) -> str:
    """The explorer page of ``result`` (which needs values: give the inputs), as one HTML string."""
    if quiz is not None and quiz not in BLANK_CHOICES:
        raise GradvizError(f"unknown quiz {quiz!r}; choose one of {', '.join(BLANK_CHOICES)}")
    graph = result.graph
    if result.values is None:
        raise GradvizError("the explorer needs the inputs' values to start from: give them with --at")
    if not graph.inputs:
        raise GradvizError("the formula has no inputs to explore")
    check_drawable(graph, 1)
    if result.exact:  # the page computes in floats
        result = backward(graph, {n.name: float(result.values[nid]) for nid, n in graph.nodes.items()
                                  if n.kind == "input"})
    data = graph_export(result)
    figure, beside = explorer_figure(result, len(data["inputs"]), renderer, style)
    svg = scaled_svg(figure.render(figure.frames[0], "svg").data, "")
    data["copies"] = {}  # a node → the ids of its copies in the figure (an input before each use, a row's start)
    for copy, nid in figure.scene(figure.frames[0]).copies:
        data["copies"].setdefault(nid, []).append(copy)
    unpadded = slotted(result, pad=False)
    data.update(quiz=quiz, format=number_policy(), captions=_captions(unpadded),
                forward=_forward_captions(result), panels={} if quiz else _panels(result, unpadded),
                hints=_quiz_hints(result) if quiz else {},
                words={"overflow": OVERFLOW, "infinite": LOCAL_INFINITE, "outside": LOCAL_OUTSIDE})
    title = graph.source.strip().replace("\n", "; ") or plain(title_relation(result))  # the formula as typed
    inputs = "".join(_input_control(item) for item in data["inputs"])
    options = "".join(f'<option value="{item["i"]}">{_label(item["name"])}</option>' for item in data["inputs"])
    modes = "" if quiz else ('<span class="modes"><button type="button" data-mode="explore">Explore</button>'
                             '<button type="button" data-mode="step">Step through</button>'
                             '<button type="button" data-mode="forward">Forward mode</button></span>')
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">', OFFLINE,
        f"<title>{html.escape(title)}</title>",
        f"<style>{(_HERE / 'explorer.css').read_text(encoding='utf-8')}</style>", "</head>", "<body>",
        f'<header class="bar"><h1>{"Quiz on" if quiz else "Explore"} <span class="formula">{html.escape(title)}'
        f"</span></h1>{modes}"
        '<span id="stepbar" class="stepper" hidden><button id="prev" type="button">&#8592; Previous</button>'
        '<button id="next" type="button">Next &#8594;</button><span id="counter"></span></span>'
        f'<label id="forwardbar" hidden>Tangents with respect to <select id="wrt">{options}</select></label>'
        "</header>",
        f'<div class="inputs" style="--per-row:{INPUTS_PER_ROW};--rows:{INPUT_ROWS}">{inputs}</div>',
        f'<div class="stage{" beside" if beside else ""}"><main id="figure">', svg,
        '<aside id="panel" hidden><button id="close" type="button" aria-label="close">&#215;</button>'
        '<div id="panel-body"></div></aside></main>',
        '<div class="notes"><div id="status" role="alert"></div><div id="caption"></div></div></div>',
        f'<script type="application/json" id="gv-data">{payload}</script>',
        f"<script>{op_table(n.op for n in graph.nodes.values() if n.op)}</script>",
        f"<script>{STEPPER}</script>",
        f"<script>{(_HERE / 'explorer.js').read_text(encoding='utf-8')}</script>",
        "</body>", "</html>", ""])


def _input_control(item: dict[str, Any]) -> str:
    """An input's number field, slider and editable slider range (around its value)."""
    value, i = item["v"], item["i"]
    shown = str(int(value)) if value.is_integer() else repr(value)
    span = max(1.0, 2 * abs(value))
    low, high = max(value - span, -sys.float_info.max), min(value + span, sys.float_info.max)  # finite near ±1e308
    name = _label(item["name"])
    plain_name = html.escape(item["name"])
    return (f'<span class="input"><label class="name" for="in-{i}">{name}</label>'
            f'<input type="number" id="in-{i}" value="{shown}" step="any" aria-label="{plain_name}">'
            f'<input class="range" type="number" id="lo-{i}" value="{low:g}" step="any" '
            f'title="slider minimum" aria-label="{plain_name} slider minimum">'
            f'<input type="range" id="sl-{i}" value="{shown}" min="{low:g}" max="{high:g}" '
            f'step="any" aria-label="{plain_name} slider">'
            f'<input class="range" type="number" id="hi-{i}" value="{high:g}" step="any" '
            f'title="slider maximum" aria-label="{plain_name} slider maximum"></span>')


def write_explorer(result: Backward, folder: str | os.PathLike | OutputFolder, *, quiz: str | None = None,
                   renderer: str = "auto", force: bool = False, style: Style | None = None) -> Path:
    """Write the explorer page of ``result`` (``explorer_html``) to ``folder/index.html``."""
    page = explorer_html(result, quiz=quiz, renderer=renderer, style=style)
    return OutputFolder.of(folder, force=force).write(EXPLORER_FILE, page.encode("utf-8"))
