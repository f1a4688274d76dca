"""The gallery: every example of the lectures, built by one command into a folder with a
README that shows each figure with its source formula and a caption."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..eval.backward import backward
from ..networks import XOR_DATA, XOR_RELU_WEIGHTS, mlp, plots, quadrants, xor_network
from ..networks.descent import descend
from ..networks.network import XOR_BREAKOUT_DATA, one_hot_vectors
from ..networks.training import clean_losses, codes, fit, grid_search, history_csv
from ..render.neurons import render_neurons
from ..syntax import parse
from .export import export
from .folder import OutputFolder

__all__ = ["ENTRIES", "LECTURE", "LINEAR_REGRESSION", "MICROGRAD", "PERCEPTRON", "POINTS", "RECURRENT",
           "SOFTMAX_EXPANDED", "SOFTMAX_NODE", "XOR_SLIDE", "Entry", "build"]

LECTURE = "(θ1θ2x − y)²"
SOFTMAX_EXPANDED = ("e1 = exp(z1); e2 = exp(z2); e3 = exp(z3); s = e1 + e2 + e3\n"
                    "p1 = e1/s; p2 = e2/s; p3 = e3/s; L = −(y1 log(p1) + y2 log(p2) + y3 log(p3))")
MICROGRAD = ("c = a + b; d = a b + b³; c1 = c + c + 1; c2 = c1 + 1 + c1 + (−a)\n"
             "d1 = d + d·2 + relu(b + a); d2 = d1 + 3 d1 + relu(b − a); e = c2 − d2; f = e²; g = f / 2 + 10 / f")
LINEAR_REGRESSION = "((w·1 + q − 3)² + (w·2 + q − 5)² + (w·3 + q − 7)²) / 3"
PERCEPTRON = "p = σ(w0 + w1x1 + w2x2); L = −y log(p) − (1 − y) log(1 − p)"
SOFTMAX_NODE = "softmax_ce(z1, z2, z3, y1, y2, y3)"
RECURRENT = "h1 = tanh(w h0 + u x1); h2 = tanh(w h1 + u x2); L = (h2 − y)²"
#: the formula examples and the point each is drawn at (linear regression: where descent starts)
POINTS: dict[str, dict[str, float]] = {
    LECTURE: {"θ1": 2, "θ2": -1, "x": 3, "y": 1},
    "wx + q": {"w": 2, "x": 3, "q": 1},
    PERCEPTRON: {"w0": 0.1, "w1": -0.4, "x1": 1.2, "w2": 0.8, "x2": -0.6, "y": 1},
    SOFTMAX_EXPANDED: {"z1": 2.0, "z2": 1.0, "z3": 0.1, "y1": 1, "y2": 0, "y3": 0},
    SOFTMAX_NODE: {"z1": 2.0, "z2": 1.0, "z3": 0.1, "y1": 1, "y2": 0, "y3": 0},
    MICROGRAD: {"a": -4.0, "b": 2.0},
    LINEAR_REGRESSION: {"w": 0.0, "q": 0.0},
    RECURRENT: {"w": 0.8, "u": 0.5, "h0": 0.2, "x1": 1.0, "x2": -1.0, "y": 0.5},
}


@dataclass(frozen=True)
class Entry:
    """One gallery example: its folder name, title, source, caption and how to build it."""

    name: str
    title: str
    source: str
    caption: str
    make: Callable[[OutputFolder, bool], list[Path]]


def _frames(formula: str, which: str = "all") -> Callable[[OutputFolder, bool], list[Path]]:
    def make(folder: OutputFolder, dot_only: bool) -> list[Path]:
        return _export(backward(parse(formula), POINTS[formula]), folder, which, dot_only)
    return make


def _export(result, folder: OutputFolder, which: str, dot_only: bool) -> list[Path]:
    files = list(export(result, folder, format="dot", which=which).files)
    if not dot_only:
        files.append(export(result, folder, format="png", which="final", images=False).final)
    return files


def _network(builder: Callable, values: dict[str, float], view_ops: bool) -> Callable[[OutputFolder, bool], list[Path]]:
    def make(folder: OutputFolder, dot_only: bool) -> list[Path]:
        net = builder()
        result = backward(net.graph, {**net.values, **values})
        files = [folder.write("neurons.dot", render_neurons(net, result, "dot"))]
        if not dot_only:
            files.append(folder.write("neurons.png", render_neurons(net, result, "png")))
        if view_ops:
            files += _export(result, folder, "final", dot_only)
        return files
    return make


def _descent(kind: str) -> Callable[[OutputFolder, bool], list[Path]]:
    def make(folder: OutputFolder, dot_only: bool) -> list[Path]:
        if kind == "linear":
            graph = parse(LINEAR_REGRESSION)
            run = descend(graph, POINTS[LINEAR_REGRESSION], ["w", "q"], lr=0.1, steps=300)
            pictures = {"loss.png": plots.loss_curve, "contour.png": plots.contour}
            start = backward(graph, POINTS[LINEAR_REGRESSION])
        else:
            net = mlp((2, 4, 1), "tanh", "bce", XOR_DATA, seed=1)
            run = descend(net.graph, net.values, net.parameters, lr=0.5, steps=1500)
            predictor = mlp((2, 4, 1), "tanh", None, seed=1, output_activation="sigmoid")
            pictures = {"loss.png": plots.loss_curve,
                        "boundary.png": lambda r: plots.decision_boundary(predictor.graph, ["x₁", "x₂"], r.final,
                                                                          XOR_DATA)}
            start = None
        files = []
        if start is not None:  # the small run's table and its loss graph; XOR's table is 1,500 × 19 numbers
            files = [folder.write("history.csv", history_csv(run).encode("utf-8"))]
            files += _export(start, folder, "final", dot_only)
        if not dot_only:
            files += [folder.write(name, draw(run)) for name, draw in pictures.items()]
        return files
    return make


#: The XOR slide's network as written, after a line that binds its activation g.
XOR_SLIDE = "v1 = g(−0.5 + x1 − x2); v2 = g(−0.5 − x1 + x2); y = g(−0.5 + v1 + v2)"


def _fit(layers: tuple[int, ...], data: str, pictures: tuple[str, ...] = ("loss", "boundary"),
         **options) -> Callable[[OutputFolder, bool], list[Path]]:
    """A training run's pictures (no DOT sources): ``loss``, ``boundary``, ``codes`` (an autoencoder's),
    ``network`` (the neuron view of the kept weights, with their step's dropout masks and noise)."""
    def make(folder: OutputFolder, dot_only: bool) -> list[Path]:
        if dot_only:
            return []
        points = {"xor": XOR_DATA, "quadrants": quadrants(), "xor-breakout": XOR_BREAKOUT_DATA,
                  "onehot": one_hot_vectors(layers[0])}[data]
        done = fit(layers, points, **options)
        draw = {"loss": lambda: plots.loss_curve(done.run, clean_losses(done)),
                "boundary": lambda: plots.decision_boundary(done.predictor.graph, ["x₁", "x₂"], done.weights, points,
                                                            marks=(-0.7, 0.7) if data == "xor-breakout" else ()),
                "codes": lambda: plots.codes_plot(codes(done.network, done.run.final)[1],
                                                  [x for x, _ in done.network.points],
                                                  codes(done.network, done.run.final)[0]),
                "network": lambda: render_neurons(done.network, backward(done.network.graph, done.drawn_values()),
                                                  "png")}
        return [folder.write(f"{name}.png", draw[name]()) for name in pictures]
    return make


def _penalties(folder: OutputFolder, dot_only: bool) -> list[Path]:
    """The weights of XOR's 2-6-1 network after training without a penalty, with L1 and with L2 (a picture only)."""
    if dot_only:
        return []
    runs = {label: fit((2, 6, 1), XOR_DATA, steps=2000, **penalty).run.final
            for label, penalty in (("no penalty", {}), ("L1, λ = 0.003", {"l1": 0.003}),
                                   ("L2, λ = 0.003", {"l2": 0.003}))}
    names = [name for name in runs["no penalty"] if name.startswith("w")]
    return [folder.write("weights.png", plots.weight_comparison(runs, names))]


def _grid(folder: OutputFolder, dot_only: bool) -> list[Path]:
    """The grid search over the learning rate and the hidden layer's size on XOR (a picture only)."""
    if dot_only:
        return []
    search = grid_search((2, 4, 1), XOR_DATA, {"lr": (0.01, 0.1, 1.0), "hidden": (2.0, 4.0, 8.0)})
    return [folder.write("grid.png", plots.grid_heatmap(search.scores, "final training loss"))]


def _xor(activation: str, weights: dict[str, float] | None = None, output: str | None = None) -> Callable:
    def build():
        return xor_network(activation, weights, output)
    return build


ENTRIES: tuple[Entry, ...] = (
    Entry("backprop", "The backpropagation example", LECTURE,
          "The lecture's example at θ₁ = 2, θ₂ = −1, x = 3, y = 1: a = θ₁θ₂, b = ax, c = b − y, L = c²; "
          "every backward step is a frame, the last one holds every gradient (42, −84, 28, 14).",
          _frames(LECTURE)),
    Entry("linear", "A computational graph: y = wx + q", "wx + q",
          "The lecture's first computational graph: a = wx, then the sum; ∂/∂w = x, ∂/∂q = 1.",
          _frames("wx + q")),
    Entry("perceptron", "Perceptron with sigmoid and binary cross-entropy",
          PERCEPTRON, "Logistic regression as one neuron: the gradient reaching the logit is p − y.",
          _frames(PERCEPTRON, "final")),
    Entry("softmax", "Softmax cross-entropy over three classes", SOFTMAX_EXPANDED,
          "Softmax and cross-entropy written out with exp, sum, divide and log; the logits receive p − y.",
          _frames(SOFTMAX_EXPANDED, "final")),
    Entry("softmax-node", "Softmax cross-entropy as one node", SOFTMAX_NODE,
          "The same loss collapsed into one node with its known gradient p − y = (−0.341, 0.242, 0.099).",
          _frames(SOFTMAX_NODE)),
    Entry("xor", "The XOR network (step activation)", f"g = step; {XOR_SLIDE}",
          "The lecture's weights at x = (1, 0): y = 1. A step function passes no gradient, so every ∂y/∂w is 0 — "
          "the reason networks are trained with smooth activations.",
          _network(_xor("step"), {"x1": 1.0, "x2": 0.0}, True)),
    Entry("xor-sigmoid", "The XOR network with sigmoids", f"g = σ; {XOR_SLIDE}",
          "The same weights with g = σ: now every weight receives a gradient.",
          _network(_xor("sigmoid"), {"x1": 1.0, "x2": 0.0}, True)),
    Entry("xor-relu", "Breakout: XOR with ReLU", "v1 = relu(x1 − x2); v2 = relu(x2 − x1); y = −1 + 2v1 + 2v2",
          "The lecture's question: which weights give y > 0.7 on (1, 0), (0, 1) and y < −0.7 on (0, 0), (1, 1) "
          "with ReLU? The lecture's weights give 0 at (1, 0) (relu(−0.5 + 0.5) = 0), and an output ReLU can never "
          "be negative, so the output is linear: hidden biases 0, weights ±1, output −1 + 2v₁ + 2v₂ gives y = 1 "
          "at (1, 0) and (0, 1) and y = −1 at (0, 0) and (1, 1). Drawn at x = (1, 0).",
          _network(_xor("relu", XOR_RELU_WEIGHTS, "linear"), {"x1": 1.0, "x2": 0.0}, False)),
    Entry("micrograd", "micrograd's README example", MICROGRAD,
          "micrograd's own example as a program (names instead of +=): g = 24.7041, ∂g/∂a = 138.8338, ∂g/∂b = 645.5773.",
          _frames(MICROGRAD, "final")),
    Entry("recurrent", "A recurrent network unrolled over two time steps", RECURRENT,
          "One weight w (and u) shared by both time steps, at w = 0.8, u = 0.5, h0 = 0.2, x1 = 1, x2 = −1, "
          "y = 0.5: w fans out to both steps, so ∂L/∂w is the sum over time of what reaches it: "
          "−0.620636 from step 2 plus −0.114262 from step 1 = −0.734898 (backpropagation through time).",
          _frames(RECURRENT)),
    Entry("descent-linear", "Gradient descent on linear regression", LINEAR_REGRESSION,
          "Mean squared error of y = wx + q on (1, 3), (2, 5), (3, 7); 300 steps of α = 0.1 from (0, 0) reach w = 2, q = 1.",
          _descent("linear")),
    Entry("descent-xor", "Training the XOR network", "mlp 2-4-1, tanh, BCE, 4 XOR points",
          "1,500 steps of α = 0.5: all four points classified correctly; the decision boundary the lecture shows "
          "with TensorFlow Playground.", _descent("xor")),
    Entry("minibatch", "Mini-batch SGD on XOR",
          "gradviz train 2-4-1 --data xor --batch-size 2 --steps 3000 -o minibatch/   # prints \"accuracy 100%\"",
          "Each step's gradient is the mean over 2 of the 4 points, reshuffled every epoch: the curve is each "
          "step's batch loss, so it zigzags on its way down; all four points end up classified correctly.",
          _fit((2, 4, 1), "xor", lr=0.5, steps=3000, batch_size=2)),
    Entry("early-stopping", "Early stopping on noisy data",
          "gradviz train 2-6-1 --data quadrants --val 0.25 -o early-stopping/   # prints \"lowest at step 874\"",
          "24 points labelled by quadrant, 15 % of the labels flipped; a quarter held out. The validation loss "
          "is lowest at step 874; 100 steps without improvement stop the run, and the weights of step 874 are "
          "kept.", _fit((2, 6, 1), "quadrants", lr=0.5, steps=1500, val=0.25, patience=100)),
    Entry("l1-l2", "L1 against L2: the weights they leave",
          "gradviz train 2-6-1 --data xor --steps 2000 -o no-penalty/   # writes network.png\n"
          "gradviz train 2-6-1 --data xor --l1 0.003 --steps 2000 -o l1/   # writes network.png\n"
          "gradviz train 2-6-1 --data xor --l2 0.003 --steps 2000 -o l2/   # writes network.png",
          "The 18 weights of XOR's 2-6-1 network after 2,000 steps: without a penalty, with λ·Σ|w| and with "
          "λ·Σw² (λ = 0.003). L1 pulls every weight toward 0 by the same λ a step, so the weights a unit can do "
          "without end at 0 (dots) and a sparse network is left; L2 pulls each in proportion to its size, "
          "so the weights shrink together and few reach 0. Each run's network.png draws its weights; weights.png, "
          "drawn by `gradviz gallery`, sets the three runs' weights side by side.", _penalties),
    Entry("dropout", "Dropout on XOR",
          "gradviz train 2-4-1 --data xor --dropout 0.25 --steps 3000 -o dropout/   # writes network.png",
          "Each step drops every hidden unit with probability 0.25 and multiplies the kept ones by 1/(1 − 0.25): "
          "each step's loss (blue) jumps with the units it lost; the dashed curve is the loss without dropout. "
          "The network is drawn with the mask of its last step: the dropped units (dashed, grey, ✗) pass 0, "
          "and every gradient into and out of them is 0.",
          _fit((2, 4, 1), "xor", ("loss", "network", "boundary"), steps=3000, dropout=0.25)),
    Entry("autoencoder", "An autoencoder: 4-2-4 on the one-hot vectors",
          "gradviz train 4-2-4 --autoencoder -o autoencoder/   # writes codes.png",
          "The input is the target: the four one-hot vectors squeezed through two tanh units and reconstructed by "
          "sigmoid outputs (mean squared error over the outputs). The codes spread to the four corners of the "
          "square — a two-dimensional code for each input, as the lecture's MNIST autoencoder gives.",
          _fit((4, 2, 4), "onehot", ("loss", "codes", "network"), autoencoder=True)),
    Entry("denoising", "A denoising autoencoder",
          "gradviz train 4-2-4 --autoencoder --noise 0.2 -o denoising/   # writes codes.png",
          "The same autoencoder with Gaussian noise (σ = 0.2) added to its inputs each step while the targets stay "
          "clean: it must undo the noise. The network is drawn at its last step's noisy inputs.",
          _fit((4, 2, 4), "onehot", ("loss", "codes", "network"), autoencoder=True, noise=0.2)),
    Entry("xor-breakout-trained", "The breakout question, trained",
          "gradviz train 2-2-1 --activation relu --loss mse --data xor-breakout --lr 0.1 --steps 1000 --seed 10 "
          "-o breakout/   # prints \"answered\"",
          "Two ReLU units and a linear output trained on targets ±1 find weights that answer the question "
          "(y > 0.7 on (0, 1), (1, 0); y < −0.7 on (0, 0), (1, 1); dashed: y = ±0.7). Not every start does: "
          "with --seed 1 both ReLUs die (their sums are negative at every point, so no gradient reaches them) "
          "and y stays 0.",
          _fit((2, 2, 1), "xor-breakout", ("boundary", "network", "loss"), activation="relu", loss="mse", lr=0.1,
               steps=1000, seed=10)),
    Entry("grid-search", "Grid search over the learning rate and the hidden layer",
          "gradviz train 2-4-1 --data xor --grid lr=0.01,0.1,1 --grid hidden=2,4,8 -o grid/   "
          "# prints \"best: lr = 1, hidden = 8\"",
          "Nine runs of 1,500 steps on XOR: α = 0.01 barely moves from ln 2 = 0.693; α = 1 with 8 hidden units "
          "ends lowest (ringed).", _grid),
)


def build(folder: str | os.PathLike, *, dot_only: bool = False, force: bool = False,
          progress: Callable[[str], None] | None = None) -> list[Path]:
    """Build every entry into ``folder`` and write its README.md, all as one run of an
    ``OutputFolder`` (the files of an earlier build that this one does not make are removed;
    ``dot_only`` rewrites the DOT sources and keeps the rest); return the files written."""
    out = OutputFolder(folder, force=force, replace=not dot_only)
    written: list[Path] = []
    sections = ["# gradviz gallery", "",
                "Every example of the lectures, rebuilt by `gradviz gallery gallery/` "
                "(`--dot-only` rebuilds just the DOT sources that CI compares).", ""]
    with out.batch():  # every file is checked before the first is written
        for entry in ENTRIES:
            if progress:
                progress(f"building {entry.name}")
            files = entry.make(out.sub(entry.name), dot_only)  # never through a symbolic link
            written += files
            pictures = [f for f in files if f.suffix == ".png"]
            sections += [f"## {entry.title}", "", "```", entry.source, "```", "", entry.caption, ""]
            sections += [f"![{entry.title}]({entry.name}/{p.name})" for p in pictures] + [""]
        if not dot_only:
            written.append(out.write("README.md", "\n".join(sections).encode("utf-8")))
    return written
