"""What a symbolic figure's nodes say, read from the SVG as a student reads them: a gradient too wide
for its node is written by the chain rule's last step (``∂L/∂z₇ · w₇``), one term per consumer of the
node, each consumer's own gradient times the local derivative (of many, the first and the last with
``⋯`` between); with it the 20–40-operation lecture graphs reach the slide's text size without values too."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from families import FAMILIES

from gradviz.derive.captions import FIGURE_FORM_WIDTH
from gradviz.eval.backward import backward
from gradviz.render.figure import Figure
from gradviz.render.fitting import readable_px
from gradviz.render.looks import GRADIENT_COLOR
from gradviz.render.measure import fit
from gradviz.syntax import parse
from gradviz.text.lines import Name, write
from gradviz.text.targets import MARKUP

_SVG = "{http://www.w3.org/2000/svg}"
_PARTIAL = re.compile(r"∂(\S+?)/∂(\S+)")


def _gradient_rows(svg: bytes) -> dict[str, str]:
    """Each node's gradient row: its text drawn in the gradient colour, pieces of one line joined."""
    rows = {}
    for g in ET.fromstring(svg).iter(f"{_SVG}g"):
        if g.get("class") == "node":
            pieces = [("".join(t.itertext())) for t in g.iter(f"{_SVG}text")
                      if (t.get("fill") or "").lower() == GRADIENT_COLOR.lower()]
            if pieces:
                rows[g.get("id")] = " ".join(pieces)
    return rows


@pytest.mark.slow
@pytest.mark.parametrize("name", ["RNN, 4 steps", "softmax, 3 terms over 2 features", "attention, 4 keys",
                                  "tanh chain, 8 layers", "batch norm, 3 values", "MLP 2-3-2-1"])
def test_symbolic_figures_read_and_long_gradients_show_the_chain_rules_last_step(name) -> None:
    graph = parse(FAMILIES[name])
    result = backward(graph, None)
    figure = Figure(result)
    svg = figure.render(figure.frames[-1]).data
    operations = sum(1 for n in graph.nodes.values() if n.kind == "op")
    assert fit(svg).node_text_px >= readable_px(operations)
    consumers = {nid: set() for nid in graph.nodes}
    for nid, node in graph.nodes.items():
        for operand in node.operands:
            consumers[operand].add(write(Name(node.name), MARKUP))
    stepped = 0
    for nid, row in _gradient_rows(svg).items():
        if nid not in graph.nodes:  # a copy drawn again shows its node's row
            continue
        named = _PARTIAL.findall(row)
        uses = graph.consumers().get(nid, ())
        if not named:  # the lecture's own form: narrow, or no wider than the sum over several consumers
            assert len(row) <= FIGURE_FORM_WIDTH or len(uses) > 1 or \
                any(consumer == graph.output_id for consumer, _ in uses), (graph.nodes[nid].name, row)
            continue
        stepped += 1
        assert {top for top, _ in named} == {write(Name(graph.output), MARKUP)}, row
        if "⋯" in row:  # many consumers: the first and the last term shown
            assert len(named) == 2 and len(uses) > 2 and {b for _, b in named} <= consumers[nid], row
        else:  # one term per use
            assert {b for _, b in named} == consumers[nid] and len(named) == len(uses), (graph.nodes[nid].name, row)
    assert stepped, "no gradient needed the last step"
