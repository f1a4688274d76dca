"""The interactive explorer: one self-contained HTML page (no network, no external files) that
evaluates the graph itself, so the student can drag an input and watch every value, local
derivative and gradient follow, click a node for its chain rule, step through the backward
pass, push tangents forward from one input, or take a quiz.

The figure is the renderer's final frame (every value, gradient and local derivative) on its
one layout, laid out with room for six-digit numbers (``WIDE_NUMBER`` stands in for each);
the value, gradient and local-derivative texts get ids (``v-<node>``, ``g-<node>``,
``d-<edge>``) and classes (``value``, ``grad``, ``local``), and a node's are centred in it,
so the page writes the numbers without moving a node.
The page computes with a compact export of the IR (nodes in topological order: op, operands,
params) and an op table generated from the op specs' JavaScript forms (``ir.ops.JsForm``).
Each node's chain-rule expansion is typeset at build time (matplotlib mathtext, its glyphs
shared by all nodes); the page writes the current numbers next to it. In a quiz the page holds
no answer: it computes them from the inputs when checking.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

from ..derive.documents import title_relation
from ..derive.lecture import lecture
from ..errors import GradvizError
from ..eval.backward import Backward, backward
from ..ir.ops import OPS
from ..render.figure import Figure
from ..render.frames import check_drawable
from ..render.style import Style
from ..text.lines import Number, Partial, Relation, plain, write
from ..text.names import markup_name
from ..text.numbers import shown_digits
from ..text.structure import equation
from ..text.targets import MARKUP
from .exercise import BLANK_CHOICES, Blank, blanked
from .folder import OutputFolder
from .mathimages import draw, relation_rows
from .player import fitted_svg

__all__ = ["EXPLORER_FILE", "MATH_LIMIT", "explorer_html", "write_explorer", "graph_export",
           "op_table"]

EXPLORER_FILE = "index.html"
MATH_LIMIT = 40  # nodes: above this the panel writes the chain rule as text (typesetting takes 0.3 s a node)
WIDE_NUMBER = "−0.888888"  # as wide as most numbers the page writes (six digits, a sign)
TYPESET_CHARS = 100  # a longer chain rule is written as text (mathtext takes seconds over a long line)
PANEL_WIDTH = 6.0  # inches of typeset math per row in the side panel (scaled to the panel's width)
_HERE = Path(__file__).parent
_ROLES = {"v": "value", "g": "grad"}  # the classes of a node's rewritten texts (an edge's: "local")
_GROUP = re.compile(r'(<g id="([^"]*)" class="(node|edge)">)(.*?)(</g>)', re.S)
_TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.S)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_SHAPE = re.compile(r'<(?:path|polygon|ellipse)\b[^>]*?(?:d|points)="([^"]*)"')
_MATH_IDS = re.compile(r'\s(?:id|clip-path)="[^"]*"')
_DEFS = re.compile(r"<defs>(.*?)</defs>", re.S)
_GLYPH = re.compile(r'<path id="([^"]+)" d="[^"]*"[^>]*/>', re.S)


def _label(name: str) -> str:
    """A node's name as the figure writes it, as plain text (``θ₁``)."""
    return _unmarked(markup_name(name))


def _unmarked(markup: str) -> str:
    """Figure markup as plain text: subscripts kept as they are written, entities decoded."""
    return html.unescape(re.sub(r"</?SU[BP]>", "", markup))


def op_table(keys: Iterable[str]) -> str:
    """The JavaScript op table of the ops ``keys``, from each spec's ``js`` form: a function of the
    page's helpers ``M`` returning ``{key: {v: value, d: local derivatives, e: domain}}``."""
    entries = []
    for key in sorted(set(keys)):
        js = OPS[key].js
        if js is None:
            raise GradvizError(f"the op {key!r} has no JavaScript form; the explorer cannot evaluate it")
        domain = f",e:function(a,p){{return {js.domain};}}" if js.domain else ""
        entries.append(f"{json.dumps(key)}:{{v:function(a,p){{return {js.value};}},"
                       f"d:function(a,p,o){{return {js.local};}}{domain}}}")
    return "window.gvOps=function(M){return {" + ",\n".join(entries) + "};};"


def graph_export(result: Backward) -> dict[str, Any]:
    """The graph as the page evaluates it: nodes in topological order (kind, op, operand indices,
    params, constant value), the inputs with their values, the backward steps' order."""
    graph = result.graph
    index = {nid: k for k, nid in enumerate(graph.nodes)}
    depends = graph.depends_on_inputs()
    nodes = []
    for nid, node in graph.nodes.items():
        item: dict[str, Any] = {"id": nid, "k": node.kind[0], "name": node.name, "label": _label(node.name),
                                "gp": plain_partial(graph.output, node.name), "dep": nid in depends}
        if node.kind == "const":
            item["c"] = float(result.values[nid])
        elif node.kind == "op":
            item.update(op=node.op, a=[index[o] for o in node.operands], p=[float(p) for p in node.params],
                        eq=equation(graph, nid), show=_unmarked(equation(graph, nid, MARKUP)))
        nodes.append(item)
    return {"nodes": nodes, "out": index[graph.output_id], "output": _label(graph.output), "index": index,
            "inputs": [{"i": index[nid], "name": n.name, "v": float(result.values[nid])}
                       for nid, n in graph.nodes.items() if n.kind == "input"],
            "steps": [index[s.node] for s in result.steps]}


def plain_partial(top: str, bottom: str) -> str:
    """``∂L/∂θ₁`` with the names as the figure writes them."""
    return f"∂{_label(top)}/∂{_label(bottom)}"


def _hooked(svg: str, result: Backward, quiz: str | None) -> tuple[str, list[dict[str, Any]]]:
    """The figure with ids on the texts the page rewrites, node texts centred; the edges whose
    local derivative changes with the inputs (``id``, ``head``, ``pos``, ``prefix``). In a quiz
    every number the page may ask for is left out of the source."""
    graph = result.graph
    index = {nid: k for k, nid in enumerate(graph.nodes)}
    depends = graph.depends_on_inputs()
    constant_local = {(s.node, c.position) for s in result.steps for c in s.contributions
                      if c.local_expr is not None and c.local_expr.is_Number}
    edges: list[dict[str, Any]] = []

    def node_texts(nid: str, body: str) -> str:
        node = graph.nodes[nid]
        texts = list(_TEXT.finditer(body))
        if node.kind == "const" or not texts:
            return body
        xs = [float(v) for shape in _SHAPE.findall(body) for v in _NUMBER.findall(shape)[0::2]]
        centre = (min(xs) + max(xs)) / 2
        rows = {"v": texts[-2], "g": texts[-1]} if nid in depends else {"v": texts[-1]}
        out, last = [], 0
        for role, m in sorted(rows.items(), key=lambda item: item[1].start()):
            text = html.unescape(m.group(2))
            if not text.startswith("= " if role == "v" else "∂"):
                raise GradvizError(f"internal error: unexpected figure text {text!r} for node {node.name}")
            shown = text if quiz is None else ("= ?" if role == "v" else text.split(" = ")[0] + " = ?")
            attrs = re.sub(r'\sx="[^"]*"', f' x="{centre:.2f}"', m.group(1)).replace('text-anchor="start"',
                                                                                     'text-anchor="middle"')
            out += [body[last:m.start()], f'<text id="{role}-{html.escape(nid)}" class="{_ROLES[role]}"{attrs}>',
                    html.escape(shown, quote=False), "</text>"]
            last = m.end()
        return "".join(out) + body[last:]

    def edge_texts(svg_id: str, body: str) -> str:
        tail, head, pos = html.unescape(svg_id).rsplit("-", 2)
        texts = list(_TEXT.finditer(body))
        if not texts or (head, int(pos)) in constant_local or head not in depends:
            return body
        m = texts[-1]
        text = html.unescape(m.group(2))
        prefix = text.rsplit(" = ", 1)[0]
        edges.append({"id": f"{tail}-{head}-{pos}", "head": index[head], "pos": int(pos), "prefix": prefix})
        shown = prefix if quiz is not None else text
        hooked = f'<text id="d-{svg_id}" class="local"{m.group(1)}>{html.escape(shown, quote=False)}</text>'
        return body[:m.start()] + hooked + body[m.end():]

    def hook(m: re.Match) -> str:
        svg_id, kind, body = m.group(2), m.group(3), m.group(4)
        body = node_texts(html.unescape(svg_id), body) if kind == "node" else edge_texts(svg_id, body)
        return m.group(1) + body + m.group(5)

    return _GROUP.sub(hook, svg), edges


def _panel_math(result: Backward) -> dict[str, str]:
    """Each node's chain-rule expansion in the lecture's form without its number (the page adds
    the current one), typeset as SVG; node id → SVG. The glyphs go into one shared definition."""
    graph = result.graph
    by_name = {n.name: nid for nid, n in graph.nodes.items() if n.kind != "const"}
    lines = lecture(result)
    out: dict[str, str] = {}
    glyphs: dict[str, str] = {}
    for relation in lines.backward + lines.gradients:
        head = relation.sides[0]
        if not isinstance(head, Partial) or head.bottom not in by_name:
            continue
        sides = relation.sides[:-1] if isinstance(relation.sides[-1], Number) else relation.sides
        if len(sides) < 2:
            continue
        nid = by_name[head.bottom]
        text = plain(Relation(sides))
        as_text = f'<p class="grad">{html.escape(text, quote=False)}</p>'
        if len(graph) > MATH_LIMIT or len(text) > TYPESET_CHARS:
            out[nid] = as_text
            continue
        try:
            data = draw(relation_rows(Relation(sides), width=PANEL_WIDTH), "svg").decode("utf-8")
        except ValueError:  # mathtext cannot typeset it: the Unicode line instead
            out[nid] = as_text
            continue
        for defs in _DEFS.finditer(data):
            for glyph in _GLYPH.finditer(defs.group(1)):
                glyphs.setdefault(glyph.group(1), glyph.group(0))
        data = _DEFS.sub("", data)
        start = data.index("<svg")
        out[nid] = _MATH_IDS.sub("", data[start:])
    if glyphs:
        out["defs"] = ('<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
                       + "".join(glyphs.values()) + "</defs></svg>")
    return out


def _slide_look(style: Style) -> Style:
    """The lecture's look, whose nodes hold the texts the page rewrites."""
    return replace(style, look="boxes")


def _room_for_numbers(result: Backward) -> Backward:
    """``result`` with every number written as ``WIDE_NUMBER``: the figure laid out with room
    for the numbers the inputs may give (the page writes the real ones)."""
    wide = blanked(result, "both", Blank(WIDE_NUMBER))
    graph = result.graph
    wide.values.update({nid: Blank(WIDE_NUMBER) for nid, n in graph.nodes.items() if n.kind == "input"})
    return wide


def explorer_html(result: Backward, *, quiz: str | None = None, renderer: str = "auto",
                  style: Style | None = None) -> str:
    """The explorer page of ``result`` (which needs values: give the inputs)."""
    if quiz is not None and quiz not in BLANK_CHOICES:
        raise GradvizError(f"unknown quiz {quiz!r}; choose one of {', '.join(BLANK_CHOICES)}")
    graph = result.graph
    if result.values is None:
        raise GradvizError("the explorer needs the inputs' values to start from: give them with --at")
    if not graph.inputs:
        raise GradvizError("the formula has no inputs to explore")
    check_drawable(graph, 1)
    if result.exact:  # the page computes in floats, and so does its figure
        result = backward(graph, {n.name: float(result.values[nid]) for nid, n in graph.nodes.items()
                                  if n.kind == "input"})
    figure = Figure(_room_for_numbers(result), renderer=renderer, caption=False,
                    style=_slide_look(style or Style()), kinds=("gradients",))
    svg = figure.render(figure.frames[0], "svg").data.decode("utf-8")
    svg, edges = _hooked(fitted_svg(svg, ""), result, quiz)
    data = graph_export(result)
    data["edges"] = edges
    data["quiz"] = quiz
    data["digits"] = shown_digits()  # the page writes its numbers as the figures do
    math = _panel_math(result) if quiz is None else {}
    title = title_relation(result)
    inputs = "".join(_input_control(k, item) for k, item in enumerate(data["inputs"]))
    options = "".join(f'<option value="{item["i"]}">{html.escape(_label(item["name"]))}</option>'
                      for item in data["inputs"])
    modes = "" if quiz else ('<span class="modes"><button type="button" data-mode="explore">Explore</button>'
                             '<button type="button" data-mode="step">Step through</button>'
                             '<button type="button" data-mode="forward">Forward mode</button></span>')
    hidden_math = "".join(f'<div class="math" id="m-{html.escape(nid)}" hidden>{body}</div>'
                          for nid, body in math.items() if nid != "defs")
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        f"<title>{html.escape(plain(title))}</title>",
        f"<style>{(_HERE / 'explorer.css').read_text(encoding='utf-8')}</style>", "</head>", "<body>",
        f"<h1>{'Quiz on' if quiz else 'Explore'} {write(title, MARKUP)}</h1>",
        f'<div class="bar">{modes}<div class="inputs">{inputs}</div></div>',
        '<div class="bar" id="stepbar" hidden><button id="prev" type="button">&#8592; Previous</button>'
        '<button id="next" type="button">Next &#8594;</button><span id="counter"></span>'
        '<span class="hint">(arrow keys work too)</span></div>',
        f'<div class="bar" id="forwardbar" hidden><label>Tangents with respect to <select id="wrt">{options}'
        "</select></label></div>",
        '<div id="status" role="alert"></div>',
        '<div class="main"><div id="figure">', svg, '<div id="caption"></div></div>',
        '<aside id="panel"><div id="panel-body"></div></aside></div>',
        math.get("defs", ""), hidden_math,
        f'<script type="application/json" id="gv-data">{payload}</script>',
        f"<script>{op_table(n.op for n in graph.nodes.values() if n.op)}</script>",
        f"<script>{(_HERE / 'explorer.js').read_text(encoding='utf-8')}</script>",
        "</body>", "</html>", ""])


def _input_control(k: int, item: dict[str, Any]) -> str:
    """An input's number field, slider and editable slider range (around its value)."""
    value, i = item["v"], item["i"]
    shown = str(int(value)) if value.is_integer() else repr(value)
    span = max(1.0, 2 * abs(value))
    low, high = max(value - span, -sys.float_info.max), min(value + span, sys.float_info.max)  # finite near ±1e308
    name = html.escape(_label(item["name"]))
    return (f'<span class="input"><label class="name" for="in-{i}">{name}</label>'
            f'<input type="number" id="in-{i}" value="{shown}" step="any" aria-label="{name}">'
            f'<input class="range" type="number" id="lo-{i}" value="{low:g}" step="any" '
            f'title="slider minimum" aria-label="{name} slider minimum">'
            f'<input type="range" id="sl-{i}" value="{shown}" min="{low:g}" max="{high:g}" '
            f'step="any" aria-label="{name} slider">'
            f'<input class="range" type="number" id="hi-{i}" value="{high:g}" step="any" '
            f'title="slider maximum" aria-label="{name} slider maximum"></span>')


def write_explorer(result: Backward, folder: str | os.PathLike | OutputFolder, *, quiz: str | None = None,
                   renderer: str = "auto", force: bool = False, style: Style | None = None) -> Path:
    """Write the explorer page of ``result`` to ``folder/index.html``."""
    page = explorer_html(result, quiz=quiz, renderer=renderer, style=style)
    return OutputFolder.of(folder, force=force).write(EXPLORER_FILE, page.encode("utf-8"))
