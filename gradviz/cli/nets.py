"""Commands for the lectures' networks and training: ``net``, ``params``, ``descend``, ``gallery``."""

from __future__ import annotations

import itertools
import os
from contextlib import nullcontext
from pathlib import Path

import click

from ..errors import GradvizError
from ..networks.network import (  # loads nothing heavy
    ACTIVATIONS,
    LOSSES,
    XOR_BREAKOUT_DATA,
    XOR_DATA,
    check_size,
    count_parameters,
    mlp,
    one_hot_vectors,
    parse_layers,
    quadrants,
)
from ..render.choices import FORMATS, FRAME_CHOICES
from .options import LAYERS, Number, at_option, expr_argument, figure_options, force_option, parse_at, parse_formula

__all__ = ["net", "params", "descend", "train", "gallery"]

DATASETS = ("none", "xor")
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")  # --at x1=… names the input x₁
PROGRESS_FROM = 2000  # runs of at least this many steps show a progress bar
point_option = click.option("--point", type=click.IntRange(min=1), default=1, show_default=True,
                            help="With data: the data point whose neuron values are drawn (the loss and the "
                                 "parameter gradients are the mean over all points).")


network_options = [
    click.argument("layers", metavar="LAYERS"),
    click.option("--activation", type=click.Choice(ACTIVATIONS), default="tanh", show_default=True),
    click.option("--loss", type=click.Choice(LOSSES), default="mse", show_default=True),
    click.option("--data", type=click.Choice(DATASETS), default="none", show_default=True,
                 help="xor: the four XOR points as constants; none: one symbolic sample x₁…xₙ, y."),
    click.option("--expanded", is_flag=True, help="Draw the loss (and softmax) with primitive ops."),
    click.option("--seed", type=int, default=0, show_default=True, help="Seed of the initial weights."),
]


def _with(options):
    def decorate(f):
        for option in reversed(options):
            f = option(f)
        return f
    return decorate


@click.command()
@_with(network_options)
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="svg", show_default=True)
@click.option("--view", type=click.Choice(("neurons", "ops")), default="neurons", show_default=True,
              help="neurons: one node per neuron, grouped by layer; ops: every operation, frame by frame.")
@click.option("--frames", "which", type=click.Choice(FRAME_CHOICES), default="final", show_default=True,
              help="With --view ops: every step or only the final frame.")
@point_option
@click.option("--at", "at", multiple=True, metavar="NAME=VALUE[,…]",
              help="Without --data: the sample's inputs and target, e.g. --at x1=1,x2=0,y=1 (weights too, "
                   "e.g. w¹₁₁=0.5). Without either, only the structure is drawn.")
@figure_options
@force_option
def net(layers, activation, loss, data, expanded, seed, out_dir, fmt, view, which, point, at, force, style) -> None:
    """Draw a fully connected network with its loss, e.g. LAYERS = 2-2-1.

    Networks too big to build or draw are refused at once, with advice.

    \b
    Examples:
      gradviz net 2-2-1 --activation relu --loss bce --at x1=1,x2=0,y=1 -o out/ --format png
      gradviz net 2-2-1 --activation tanh --loss bce --data xor --view ops --frames all -o out/
    """
    sizes = parse_layers(layers)
    points = XOR_DATA if data == "xor" else None
    given = parse_at(at)
    if points and given:
        raise click.UsageError("--at gives the one sample's inputs; with --data choose the point with --point")
    ops_limit = 0
    if view == "ops":
        from ..render.frames import RENDER_NODE_LIMIT, SINGLE_FRAME_NODE_LIMIT  # lazy: `gradviz --help` stays fast

        ops_limit = SINGLE_FRAME_NODE_LIMIT if which == "final" else RENDER_NODE_LIMIT
    check_size(sizes, len(points) if points else 1, activation, loss, expanded=expanded, view=view, ops_limit=ops_limit)
    network = mlp(sizes, activation, loss, points, expanded=expanded, seed=seed)
    from ..eval.backward import backward  # lazy: `gradviz --help` stays fast

    weights = {name: network.values[name] for name in network.parameters}
    given = {k if k in network.graph.inputs else k.translate(SUBSCRIPTS): v for k, v in (given or {}).items()}
    result = backward(network.graph, weights if points else {**weights, **given} if given else None)
    summary = f"{network.parameter_count} parameters, {len(network.graph)} nodes"
    if result.values is None:
        xor = " or --data xor" if sizes[0] == 2 and sizes[-1] == 1 else ""  # XOR's points: two features, one target
        summary += f"; no inputs given, so the structure alone (--at x1=…,y=…{xor} for values and gradients)"
    if view == "neurons":
        from ..outputs.folder import OutputFolder  # lazy: `gradviz --help` stays fast
        from ..render.neurons import render_neurons  # lazy: `gradviz --help` stays fast

        path = OutputFolder(out_dir, force=force).write(f"network.{fmt}",
                                                                    render_neurons(network, result, fmt, point=point, style=style))
        click.echo(f"{summary}; neuron view: {path}")
        return
    from ..outputs.export import export  # lazy: `gradviz --help` stays fast

    done = export(result, out_dir, format=fmt, which=which, force=force, style=style)
    click.echo(f"{summary}; {len(done.files)} frame(s) in {done.folder}; final frame: {done.final}")


@click.command()
@click.argument("what", metavar="LAYERS|EXPR")
def params(what: str) -> None:
    """Count the parameters of a network (LAYERS like 10000-1000-1000-1000-10) or the inputs of a formula.

    \b
    Example (the lecture's exercise: 100×100 inputs, three hidden layers of 1000, 10 outputs):
      gradviz params 10000-1000-1000-1000-10
    """

    if LAYERS.fullmatch(what.strip()):
        sizes = parse_layers(what)
        weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
        total = count_parameters(sizes)
        click.echo(f"{total:,} parameters ({weights:,} weights + {total - weights:,} biases) "
                   f"in a {'-'.join(map(str, sizes))} network")
    else:
        graph = parse_formula(what)
        click.echo(f"{len(graph.inputs)} inputs ({', '.join(graph.inputs)}), "
                   f"{sum(n.kind == 'op' for n in graph.nodes.values())} operations")


@click.command()
@expr_argument
@at_option
@click.option("--wrt", required=True, help="Parameters to train, comma-separated: --wrt θ1,θ2.")
@click.option("--lr", type=Number("lr"), default=0.1, show_default=True, help="Learning rate α.")
@click.option("--steps", type=Number("steps"), default=50, show_default=True)
@click.option("--momentum", type=Number("momentum"), default=0.0, show_default=True)
@click.option("--schedule", default="constant", show_default=True,
              help="constant, exp:GAMMA (α·GAMMAᵗ), step:EVERY:GAMMA (α·GAMMA every EVERY steps) or "
                   "inverse:K (α/(1 + K·t)); GAMMA > 0, K ≥ 0.")
@click.option("--adagrad", is_flag=True, help="Use Adagrad: α/(√G + ε) per parameter, G the sum of squared gradients.")
@click.option("--adam", is_flag=True, help="Use Adam instead of (momentum) gradient descent.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False),
              help="Folder for history.csv, loss.png, update.png and (two parameters) contour.png.")
@force_option
def descend(expr, at, wrt, lr, steps, momentum, schedule, adagrad, adam, out_dir, force) -> None:
    """Gradient descent on EXPR: θ ← θ − α·∂L/∂θ (or momentum, Adagrad, Adam), iteration by iteration.

    A run whose loss stops being finite or grows a millionfold stops there, keeps its history
    and loss curve, and suggests a learning rate.

    \b
    Example:
      gradviz descend "(θ1θ2x − y)²" --at θ1=2,θ2=-1,x=3,y=1 --wrt θ1,θ2 --lr 0.005 --steps 50 -o out/
    """
    from ..outputs.folder import OutputFolder  # lazy: `gradviz --help` stays fast

    folder = OutputFolder(out_dir, force=force) if out_dir is not None else None  # a bad -o refused before the run
    graph = parse_formula(expr)
    values = parse_at(at) or {}
    names = [w.strip() for w in wrt.split(",") if w.strip()]
    long_run = steps >= PROGRESS_FROM
    with click.progressbar(length=steps, label="descending", show_pos=True) if long_run else nullcontext() as bar:
        from ..networks.descent import descend as run_descent  # lazy: `gradviz --help` stays fast

        result = run_descent(graph, values, names, lr=lr, steps=steps, momentum=momentum,
                             schedule=schedule, adam=adam, adagrad=adagrad,
                             progress=(lambda k: bar.update(1)) if long_run else None)
    from ..networks.training import descent_report  # here: a refused run is said before numpy and
    from ..outputs.training import write_descent  # matplotlib load

    click.echo(descent_report(result))
    if folder is not None:
        written = write_descent(result, folder)
        click.echo("wrote " + ", ".join(str(p) for p in written))


@click.command()
@click.argument("layers", metavar="LAYERS")
@click.option("--activation", type=click.Choice(ACTIVATIONS), default="tanh", show_default=True)
@click.option("--loss", type=click.Choice(("mse", "bce", "ce")), default=None,
              help="ce: softmax cross-entropy over K outputs, for class labels 0…K−1.  "
                   "[default: bce; mse with --autoencoder]")
@click.option("--data", default=None,
              help="xor, xor-breakout (targets ±1: the ReLU breakout question), quadrants (24 noisy points labelled "
                   "by quadrant), onehot (--autoencoder's: the one-hot vectors), the TensorFlow Playground's circle, "
                   "xor-points, gauss, spiral, moons (with --points, --data-noise, --data-seed), or a CSV file: "
                   "features…, target (with --autoencoder every column is a feature).  "
                   "[default: xor; onehot with --autoencoder]")
@click.option("--points", "point_count", type=Number("hidden"), default=None, show_default="200",
              help="With a Playground data set: how many points (even: half each class).")
@click.option("--data-noise", type=Number("noise"), default=0.0, show_default=True,
              help="With a Playground data set: its noise (the Playground's slider, 0 to 0.5; moons: σ).")
@click.option("--data-seed", type=Number("seed"), default=None, show_default="--seed",
              help="With a Playground data set: the seed its points are drawn with.")
@click.option("--lr", type=Number("lr"), default=0.5, show_default=True)
@click.option("--steps", type=click.IntRange(1, 1_000_000), default=1500, show_default=True)
@click.option("--momentum", type=Number("momentum"), default=0.0, show_default=True)
@click.option("--schedule", default="constant", show_default=True,
              help="The learning rate by step, as descend's: constant, exp:GAMMA, step:EVERY:GAMMA or inverse:K.")
@click.option("--adagrad", is_flag=True, help="Use Adagrad.")
@click.option("--adam", is_flag=True, help="Use Adam.")
@click.option("--batch-size", type=Number("batch_size"), default=None,
              help="Mini-batch SGD: this many points a step, reshuffled every epoch (with --seed).")
@click.option("--l1", type=Number("l1"), default=0.0, show_default=True, help="L1 penalty λ·Σ|w| in the loss.")
@click.option("--l2", type=Number("l2"), default=0.0, show_default=True, help="L2 penalty λ·Σw² in the loss.")
@click.option("--val", type=Number("val"), default=0.0, show_default=True,
              help="Hold out this share of the points for validation and stop early, keeping the best weights.")
@click.option("--patience", type=Number("patience"), default=100, show_default=True,
              help="With --val: stop after this many steps without a better validation loss.")
@click.option("--dropout", type=Number("dropout"), default=0.0, show_default=True,
              help="Drop each hidden unit with this probability each step (kept ones ×1/(1 − p)); network.png "
                   "shows the drawn step's dropped units.")
@click.option("--autoencoder", is_flag=True,
              help="Reconstruct the input (the target is the input; mse over all outputs); writes codes.png for a "
                   "code layer of 1 or 2 units.")
@click.option("--noise", type=Number("noise"), default=0.0, show_default=True,
              help="Add Gaussian noise of this σ to the inputs each step, the targets clean (with --autoencoder: "
                   "a denoising autoencoder).")
@click.option("--grid", multiple=True, metavar="KEY=V1,V2,…",
              help="Grid search over one or two options: lr, hidden, l1, l2, momentum, dropout, noise, batch-size, "
                   "steps, seed, activation, optimizer (sgd, momentum, adagrad, adam), schedule: --grid "
                   "lr=0.01,0.1,1 --grid activation=sigmoid,relu (or quoted: --grid 'lr=0.01,0.1,1 hidden=2,4,8'); "
                   "writes grid.csv, grid.png, curves.png (every run's loss) and the best setting's pictures; "
                   "scored by validation loss with --val.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Seed of the weights, the shuffles, the split, the dropout masks and the noise.")
@click.option("--animate", is_flag=True,
              help="Also write training.gif and training.html: the playground picture (each unit's activation over "
                   "the plane, edges by weight, the decision boundary) at frames spread over the run; two features.")
@click.option("--animate-frames", type=click.IntRange(2, 60), default=None, show_default="20",
              help="With --animate: how many frames, evenly spread over the steps.")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False))
@point_option
@force_option
def train(layers, activation, loss, data, point_count, data_noise, data_seed, lr, steps, momentum, schedule, adagrad,
          adam, batch_size, l1, l2, val, patience, dropout, autoencoder, noise, grid, seed, animate, animate_frames,
          out_dir, point, force) -> None:
    """Train a network on data and draw the loss, the decision boundary and the trained network.

    \b
    Examples (the lecture's XOR network; mini-batches of 2 with an L2 penalty, from --seed 2: from
    seed 1 this run stalls at 50 %, as a start can; dropout; a denoising autoencoder of the one-hot
    vectors; the ReLU breakout question; the playground animation; the Playground's spiral; a
    comparison of activations), each with what it prints or writes:
      gradviz train 2-4-1 --activation tanh --loss bce --data xor --steps 300 -o xor/   # prints "accuracy 100%"
      gradviz train 2-4-1 --data xor --batch-size 2 --l2 0.001 --steps 300 --seed 2 -o mb/  # prints "accuracy 100%"
      gradviz train 2-4-1 --data xor --dropout 0.25 --steps 500 -o dropout/   # prints "accuracy 100%"
      gradviz train 4-2-4 --autoencoder --noise 0.2 -o denoising/   # writes codes.png
      gradviz train 2-2-1 --activation relu --loss mse --data xor-breakout --lr 0.1 --seed 10 -o relu/  # prints "answered"
      gradviz train 2-4-1 --data xor --steps 300 --animate -o playground/   # writes training.gif, training.html
      gradviz train 2-8-8-1 --data spiral --steps 1000 --adam --lr 0.03 -o spiral/   # writes boundary.png
      gradviz train 2-4-1 --data xor --steps 300 --grid activation=sigmoid,relu -o cmp/   # writes curves.png
    """
    from ..eval.backward import backward  # lazy: `gradviz --help` stays fast
    from ..networks import plots  # lazy: `gradviz --help` stays fast
    from ..networks.comparisons import grid_sizes, parse_grid  # lazy: `gradviz --help` stays fast
    from ..networks.datasets import DATASETS as PLAYGROUND_DATA  # lazy: `gradviz --help` stays fast
    from ..networks.datasets import DEFAULT_POINTS, dataset  # lazy: `gradviz --help` stays fast
    from ..networks.training import (  # lazy: `gradviz --help` stays fast
        breakout_report,
        clean_losses,
        codes,
        fit,
        grid_csv,
        grid_search,
        read_points,
        share_right,
    )
    from ..networks.options import check_split  # lazy: `gradviz --help` stays fast
    from ..networks.vectorised import check_training_work, history_array  # lazy: `gradviz --help` stays fast
    from ..outputs.folder import OutputFolder  # lazy: `gradviz --help` stays fast
    from ..outputs.training import fit_history_csv  # lazy: `gradviz --help` stays fast
    from ..render.neurons import render_neurons  # lazy: `gradviz --help` stays fast

    folder = OutputFolder(out_dir, force=force)  # a bad -o refused before the run
    sizes = parse_layers(layers)
    given = data
    data = data or ("onehot" if autoencoder else "xor")
    loss = loss or ("mse" if autoencoder else "bce")
    named = {"xor": XOR_DATA, "xor-breakout": XOR_BREAKOUT_DATA, "quadrants": quadrants()}
    if data == "onehot" and not autoencoder:
        raise GradvizError("--data onehot holds inputs alone, an autoencoder's data: add --autoencoder")
    drawn = data in PLAYGROUND_DATA
    if not drawn and (point_count is not None or data_noise or data_seed is not None):
        raise click.UsageError(f"--points, --data-noise and --data-seed go with a Playground data set "
                               f"({', '.join(PLAYGROUND_DATA)})")
    if drawn:
        points = dataset(data, DEFAULT_POINTS if point_count is None else point_count, data_noise,
                         seed if data_seed is None else data_seed)
    else:
        points = one_hot_vectors(sizes[0]) if data == "onehot" else named.get(data) or read_points(data)
    if sizes[-1] != 1 and not autoencoder and loss != "ce":  # mse and bce take one output
        ends = "-".join(map(str, (len(points[0][0]), *sizes[1:-1], 1)))
        raise GradvizError(f"gradviz train fits one output (the target) with --loss mse or bce, but {layers} ends in "
                           f"{sizes[-1]} units: end the layers in 1 ({ends}), use --loss ce for class labels"
                           + (" or reconstruct the input with --autoencoder" if given is None and sizes[0] == sizes[-1]
                              and len(sizes) > 2 else ""))
    if autoencoder and data != "onehot":  # features alone: a named set's inputs, every column of a file
        points = [x for x, _ in points] if data in named or drawn else [(*x, y) for x, y in points]
    if not autoencoder:
        _check_classes(sizes, loss, points)
    shape = dict(autoencoder=autoencoder, masks=dropout > 0, noise=noise > 0)
    check_size(sizes, 1, activation, loss, view="neurons", **shape)
    check_training_work(sizes, len(points), steps, batch_size)
    if animate_frames is not None and not animate:
        raise click.UsageError("--animate-frames goes with --animate")
    if animate and autoencoder:
        raise click.UsageError("--animate draws a classifier's decision boundary; an autoencoder draws codes.png")
    from ..networks.playground import DEFAULT_FRAMES, check_playground  # lazy: `gradviz --help` stays fast

    if animate:
        animate_frames = animate_frames or DEFAULT_FRAMES
        check_playground(sizes, animate_frames)
    training = check_split(len(points), val)
    if point > training:  # before the run, not after it
        raise GradvizError(f"data point {point} does not exist: training uses {training} points")
    options = dict(activation=activation, loss=loss, lr=lr, steps=steps, momentum=momentum, adam=adam,
                   adagrad=adagrad, batch_size=batch_size, l1=l1, l2=l2, val=val, patience=patience, seed=seed,
                   dropout=dropout, autoencoder=autoencoder, noise=noise, schedule=schedule, drawn_point=point)
    files: dict[str, bytes] = {}
    if grid:
        values = parse_grid(grid)
        biggest = grid_sizes(sizes, {"hidden": max(values["hidden"])}) if "hidden" in values else sizes
        check_size(biggest, 1, activation, loss, view="neurons", **shape)
        if animate:
            check_playground(biggest, animate_frames)
        settings = len(list(itertools.product(*values.values())))
        with click.progressbar(length=settings, label="grid search", show_pos=True) as bar:
            search = grid_search(sizes, points, values, progress=lambda: bar.update(1), **options)
        for setting, curve, diverged in search.curves:
            score = next(s for chosen, s in search.scores if chosen == setting)
            click.echo("  ".join(f"{k} = {v:g}" if isinstance(v, (int, float)) else f"{k} = {v}"
                                 for k, v in setting.items())
                       + (f":  diverged at step {diverged}" if diverged is not None
                          else f":  {search.score_name} {score:.4g}"))
        click.echo("best: " + ", ".join(f"{k} = {v:g}" if isinstance(v, (int, float)) else f"{k} = {v}"
                                        for k, v in search.scores[0][0].items()) + f" (by {search.score_name})")
        files = {"grid.csv": grid_csv(search.scores).encode("utf-8"),
                 "grid.png": plots.grid_heatmap(search.scores, search.score_name),
                 "curves.png": plots.loss_overlay(search.curves)}
        done = search.best
    else:
        with click.progressbar(length=steps, label="training", show_pos=True) as bar:
            done = fit(sizes, points, progress=lambda k: bar.update(1), **options)
    result, network, predictor = done.run, done.network, done.predictor
    penalties = done.arrays.network.penalty(history_array(result, result.wrt)) if l1 or l2 else ()
    files["loss.png"] = plots.loss_curve(result, clean_losses(done), penalties)
    files["history.csv"] = fit_history_csv(done).encode("utf-8")
    features = [n.name for n in network.neurons if n.layer == 0]
    if loss == "ce":
        found = done.arrays.outputs(done.weights, [x for x, _ in points]).argmax(axis=1)
        share = float((found == [target for _, target in points]).mean())
        verdict = f"accuracy {share:.0%} over all {len(points)} points ({sizes[-1]} classes)"
        if len(features) == 2:
            files["boundary.png"] = plots.class_regions(lambda X: done.arrays.outputs(done.weights, X),
                                                        done.train, features, sizes[-1], hollow=done.validation)
    elif predictor is not None:
        share = share_right(done.arrays.outputs(done.weights, [x for x, _ in points])[:, 0],
                            [target for _, target in points])
        verdict = f"accuracy {share:.0%} over all {len(points)} points"
        if len(features) == 2 and sizes[-1] == 1:
            files["boundary.png"] = plots.decision_boundary(predictor.graph, features, done.weights, done.train,
                                                            marks=(-0.7, 0.7) if data == "xor-breakout" else (),
                                                            hollow=done.validation)
    else:
        units, found = codes(network, result.final)
        verdict = f"the codes: {', '.join(units)}"
        if len(units) <= 2:
            files["codes.png"] = plots.codes_plot(found, [x for x, _ in network.points], units)
    if len(sizes) >= 4:
        files["gradients.png"] = plots.layer_gradients(result, [[n.weights for n in network.neurons if n.layer == k]
                                                                for k in range(1, len(sizes))])
    drawn_values = done.drawn_values()
    shown = point if len(network.points) > 1 else 1
    files["network.png"] = render_neurons(network, backward(network.graph, drawn_values), "png", point=shown)
    if animate:
        from ..networks.playground import playground  # lazy: `gradviz --help` stays fast
        from ..outputs.playground import playground_files  # lazy: `gradviz --help` stays fast

        heading = (f"{'-'.join(map(str, predictor.layers))} {activation} on {Path(data).name}: "
                   f"{result.optimizer.title(result.history[0].rate)}")
        picture = playground(done, animate_frames, heading=heading)
        with click.progressbar(length=len(picture.frames), label="drawing frames", show_pos=True) as bar:
            files.update(playground_files(picture, progress=lambda: bar.update(1)))
    written = folder.write_all(files)
    start, trained = done.arrays.loss(network.values), done.arrays.loss(result.final)
    what = "reconstruction loss" if autoencoder else "loss"
    what += " without dropout or noise" if dropout or noise else ""
    parts = ""
    if l1 or l2:
        penalty = float(done.arrays.network.penalty(done.arrays.theta(result.final)[None, :])[0])
        parts = f" (= data loss {trained - penalty:.4g} + penalty {penalty:.4g})"
    ran = (f"diverged after {result.diverged_at} step{'s' * (result.diverged_at != 1)}"
           if result.diverged_at is not None else f"{len(result.history) - 1} steps")
    click.echo(f"{network.parameter_count} parameters, {len(done.train)} training points, "
               f"{ran}: {what} {start:.4g} → {trained:.4g}{parts}, {verdict}")
    if predictor is not None and data == "xor-breakout":
        click.echo(breakout_report(predictor.graph, done.weights, features))
    if dropout:
        dropped = [unit.name for unit in network.neurons if unit.mask and drawn_values[unit.mask] == 0]
        click.echo("dropout in the step network.png draws: " + (", ".join(dropped) or "no unit") + " dropped")
    if result.best_step is not None:
        click.echo(f"early stopping: validation loss lowest at step {result.best_step} "
                   f"({result.history[result.best_step].val_loss:.4g}); its weights are kept")
    if result.diverged_at is not None:
        click.echo(result.verdict)
    click.echo("wrote " + ", ".join(str(p) for p in written))


def _check_classes(sizes: tuple[int, ...], loss: str, points) -> None:
    """Refuse, with the options that fit, class labels 0…K−1 (K > 2) trained with one output, or
    softmax cross-entropy on fewer than two outputs or labels that are not classes of the outputs."""
    targets = {target for _, target in points}
    whole = all(float(t).is_integer() and t >= 0 for t in targets)
    classes = int(max(targets)) + 1 if whole else 0
    if loss == "ce":
        if sizes[-1] < 2 or not whole or classes > sizes[-1]:
            need = max(classes, 2)
            raise GradvizError("--loss ce takes class labels 0…K−1 and one output a class: the data's labels are "
                               + (f"0…{classes - 1}" if whole else "not whole numbers ≥ 0")
                               + f", the network has {sizes[-1]} output{'s' * (sizes[-1] > 1)}"
                               + (f"; end the layers in {need}, e.g. {'-'.join(map(str, sizes[:-1]))}-{need}"
                                  if whole else ""))
    elif loss == "bce" and whole and classes > 2 and sizes[-1] == 1:
        raise GradvizError(f"the data has {classes} classes (labels 0…{classes - 1}): train them with --loss ce and "
                           f"{classes} outputs, e.g. {'-'.join(map(str, sizes[:-1]))}-{classes} --loss ce")


@click.command()
@click.argument("folder", type=click.Path(file_okay=False), default="gallery")
@click.option("--dot-only", is_flag=True, help="Write only the DOT sources (fast; what CI compares); the "
              "pictures of an earlier build are kept.")
@force_option
def gallery(folder: str, dot_only: bool, force: bool) -> None:
    """Build the gallery of the lectures' examples into FOLDER (default: gallery)."""
    from ..outputs.gallery import build  # lazy: `gradviz --help` stays fast

    written = build(folder, dot_only=dot_only, force=force, progress=click.echo)
    click.echo(f"{len(written)} files in {folder}; see {os.path.join(folder, 'README.md')}")
