"""The names gradviz gives the intermediates a user did not name, checked as a reader of the
figure checks them: no such name shares its letter (in either case, with or without subscripts,
primes, hats or superscripts) with a name the user wrote, over many formulas and networks; the
seed's example keeps its a, b, c; and a figure, the derivation, the manifest and the explorer
say the same names."""

from __future__ import annotations

import html
import json
import random
import re
import unicodedata

import pytest
from click.testing import CliRunner

import gradviz
import gradviz.nn as nn
from gradviz.cli import cli
from gradviz.text.names import latex_name, markup_name

#: inputs as lecturers spell them: subscripted, uppercase, primed, hatted, Greek, superscripted
INPUTS = ("x1", "x₂", "x_3", "b1", "B", "C", "c_t", "w′", "ŷ", "y_hat", "θ1", "W_f", "h_t", "v1", "a", "y",
          "f", "i", "g", "o", "σ_1", "λ", "z", "p", "k2", "N", "d", "s")
#: names a program gives its intermediates
ASSIGNED = ("C2", "h", "H", "K", "loss", "net_h1", "z1", "p", "F", "u", "q′", "ŝ", "m_t", "A")
UNARY = ("σ({})", "tanh({})", "exp({})", "log({})", "|{}|", "relu({})", "({})²", "√({})", "-{}")
BINARY = ("{} + {}", "{} − {}", "{}·{}", "{}/{}", "({})({})")


def _letter(name: str) -> str:
    """The letter a reader sees first: accents, digits, sub- and superscripts dropped, lower case."""
    return next((ch.casefold() for ch in unicodedata.normalize("NFD", name) if ch.isalpha()), "")


def _formula(rng: random.Random) -> str:
    """A random program: a few assignments over random inputs, the last one the output (named or not)."""
    pool = list(rng.sample(INPUTS, rng.randint(1, 6)))
    statements = []
    for name in rng.sample(ASSIGNED, rng.randint(0, 3)):
        statements.append(f"{name} = {_expr(rng, pool, rng.randint(1, 4))}")
        pool.append(name)
    last = _expr(rng, pool, rng.randint(1, 6))
    for name in pool[len(pool) - len(statements):]:  # every assigned name is used
        last = rng.choice(BINARY).format(last, name)
    statements.append(f"{rng.choice(['', 'L = ', 'J = ', 'E = '])}{last}")
    return "; ".join(statements)


def _expr(rng: random.Random, pool: list[str], size: int) -> str:
    if size <= 1:
        return rng.choice(pool)
    if rng.random() < 0.3:
        return rng.choice(UNARY).format(_expr(rng, pool, size - 1))
    left = rng.randint(1, size - 1)
    return rng.choice(BINARY).format(_expr(rng, pool, left), _expr(rng, pool, size - left))


def _collisions(graph) -> list[str]:
    """Every automatic name that a reader could take for one of the user's names."""
    nodes = list(graph.nodes.values())
    auto = [n for n in nodes if n.kind == "op" and not n.named_by_user and n.id != graph.output_id]
    users = [n.name for n in nodes if n.kind == "input" or n.named_by_user or n.id == graph.output_id]
    letters = {_letter(name) for name in users}
    names = [n.name for n in nodes if n.kind != "const"]
    assert len(names) == len(set(names)), f"two nodes share a name in {graph.source}: {names}"
    return [f"{n.name} beside {[u for u in users if _letter(u) == _letter(n.name)]}" for n in auto
            if _letter(n.name) in letters or n.name in ("e", "l")]


LECTURE = [
    "(θ1θ2x − y)²",
    "h = σ(o)·tanh(σ(f)·C + σ(i)·tanh(g))",  # an LSTM cell: C the cell state, f i o g the gates' inputs
    "C_t = σ(f)·C + σ(i)·tanh(g); h_t = σ(o)·tanh(C_t)",
    "h1 = relu(w1 x1 + w2 x2); h2 = relu(w3 x1 + w4 x2); L = (v1 h1 + v2 h2 − y)²",
    "L = (w1 x1 + w2 x2 − y)² + λ(w1² + w2²)",
    "J = (b1 + w x1 x2 − y)²",
    "p = σ(w1 x1 + w2 x2 + b); L = −y log(p) − (1 − y) log(1 − p)",
    "E = ½(t − σ(W h + B))²",
    "L = (ŷ − y)² + |w′|",
]


@pytest.mark.parametrize("formula", LECTURE)
def test_lecture_graphs_name_no_intermediate_after_a_user_letter(formula: str) -> None:
    assert _collisions(gradviz.parse(formula)) == []


def test_the_seed_example_keeps_a_b_c() -> None:
    graph = gradviz.parse("(θ1θ2x − y)²")
    assert [n.name for n in graph.nodes.values() if n.kind == "op"] == ["a", "b", "c", "L"]


def test_random_programs_name_no_intermediate_after_a_user_letter() -> None:
    rng = random.Random(22)
    checked = 0
    for _ in range(400):
        text = _formula(rng)
        try:
            graph = gradviz.parse(text)
        except gradviz.GradvizError:
            continue  # e.g. a name assigned twice over a random pool
        assert _collisions(graph) == [], text
        checked += 1
    assert checked > 300


def test_more_intermediates_than_free_letters_get_numbered_temporaries() -> None:
    users = "a b c d f g h i j k m n o p q r s u v w x y z".split()  # every free letter but t
    graph = gradviz.parse(" + ".join(f"{u}{v}" for u, v in zip(users, users[1:])))
    auto = [n.name for n in graph.nodes.values() if n.kind == "op" and n.id != graph.output_id]
    assert auto[:3] == ["t1", "t2", "t3"] and _collisions(graph) == []
    everything = gradviz.parse(" + ".join(f"{u}{v}" for u, v in zip(users + ["t"], users[1:] + ["t", "a"])))
    assert _collisions(everything) == []  # the temporaries take a letter nobody wrote (τ)


def test_python_expressions_follow_the_same_rule() -> None:
    x1, x2, b1, c = (gradviz.var(n) for n in ("x1", "x2", "b1", "C"))
    expr = (x1 * x2 + b1) * c - x1 / x2
    graph = expr.to_graph()
    assert _collisions(graph) == [] and len([n for n in graph.nodes.values() if n.kind == "op"]) == 5


@pytest.mark.parametrize("build", [
    lambda: nn.mlp((2, 2, 1), "relu", "mse"),
    lambda: nn.mlp((2, 3, 2), "tanh", "ce", expanded=True),
    lambda: nn.mlp((2, 2, 1), "tanh", "mse", data=[((0, 1), 1), ((1, 0), 1)], l2=0.01),
    lambda: nn.mlp((2, 2, 1), "sigmoid", "bce", data=[((0.5, 1), 1)], l1=0.1, expanded=True),
    lambda: nn.mlp((3, 2, 3), "tanh", "mse", data=[(1, 0, 0)], autoencoder=True, masks=True),
    lambda: nn.perceptron(3),
    lambda: nn.neuron(2, "tanh"),
    lambda: nn.xor_network(),
])
def test_networks_name_no_intermediate_after_a_parameter_or_unit(build) -> None:
    assert _collisions(build().graph) == []


def test_a_one_sample_network_names_its_units_as_the_lecture() -> None:
    graph = nn.mlp((2, 2, 1), "relu", "mse").graph
    named = {n.name: n.op for n in graph.nodes.values() if n.named_by_user}
    assert named == {"z¹₁": "add", "h¹₁": "relu", "z¹₂": "add", "h¹₂": "relu", "ŷ₁": "add"}


@pytest.mark.slow
def test_figures_derivation_manifest_and_explorer_say_the_same_names(tmp_path) -> None:
    formula = "p = σ(w1 x1 + w2 x2 + b); L = −y log(p) − (1 − y) log(1 − p)"
    at = "w1=0.5,w2=-0.3,b=0.1,x1=1,x2=2,y=1"
    graph = gradviz.parse(formula)
    auto = {n.name for n in graph.nodes.values() if n.kind == "op" and not n.named_by_user and n.name != "L"}
    runner = CliRunner()
    result = runner.invoke(cli, ["render", formula, "--at", at, "-o", str(tmp_path / "r"), "--format", "svg"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    shown = {frame["node"] for frame in manifest["frames"] if frame["node"]}
    assert shown <= {n.name for n in graph.nodes.values()}
    derivation = (tmp_path / "r" / "derivation.md").read_text()
    figure = (tmp_path / "r" / manifest["frames"][1]["file"]).read_text()
    words = {word for text in re.findall(r">([^<]*)<", figure) for word in html.unescape(text).split()}
    result = runner.invoke(cli, ["explore", formula, "--at", at, "-o", str(tmp_path / "e")])
    assert result.exit_code == 0, result.output
    page = "".join(path.read_text() for path in (tmp_path / "e").glob("*.html"))
    for name in auto:
        assert f"${latex_name(name)} = " in derivation, name
        assert markup_name(name) in words, name
        assert f'"label":{json.dumps(markup_name(name), ensure_ascii=False)}' in page, name  # the explorer's node


@pytest.mark.parametrize("formula", LECTURE)
def test_frame_files_are_named_after_what_the_user_sees(formula: str) -> None:
    from gradviz.render.frames import frames
    from gradviz.text.names import file_name

    graph = gradviz.parse(formula)
    result = graph.backward({name: 0.5 for name in graph.inputs})
    slugs = [f.slug for f in frames(result)]
    assert len(set(slugs)) == len(slugs)
    for frame in frames(result):
        assert re.fullmatch(r"[A-Za-z0-9_-]+", frame.slug), frame.slug
        if frame.node is not None:  # 02-backward-L, 05-backward-C_t: the node's shown name, never its id
            assert frame.slug.endswith("-" + file_name(graph.nodes[frame.node].name)), frame.slug
            assert not re.search(r"-n\d+$", frame.slug) or graph.nodes[frame.node].name.startswith("n")


def test_file_names_spell_names_in_ascii() -> None:
    from gradviz.text.names import file_name

    spelled = {"L": "L", "θ1": "theta1", "w¹₁₂": "w1_12", "ŷ₁": "yhat1", "x′": "x_prime", "net_h1": "net_h1",
               "C_t": "C_t", "λ": "lambda", "Σ": "Sigma", "ℒ": "L", "☃": "node"}
    assert {name: file_name(name) for name in spelled} == spelled


def test_a_pre_activation_is_z_unless_the_user_wrote_a_z() -> None:
    def auto(formula: str) -> dict[str, str]:
        graph = gradviz.parse(formula)
        return {n.name: n.op for n in graph.nodes.values() if n.kind == "op" and not n.named_by_user}

    assert auto("p = σ(w1 x1 + w2 x2 + b); L = −y log(p) − (1 − y) log(1 − p)")["z"] == "add"
    units = auto("L = (v1 relu(w1 x) + v2 relu(w2 x) − y)²")  # w1·x and w2·x: the units' pre-activations
    assert [name for name, op in units.items() if op == "mul"] == ["z1", "b", "z2", "d"]
    assert not any(name.startswith("z") for name in auto("L = σ(w z1 + b)"))  # z1 is the user's
    assert "z" not in auto("L = σ(x)·tanh(x) + exp(a + b)")  # only what activations alone use
