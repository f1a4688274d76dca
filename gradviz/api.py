"""The front door: the objects users hold, with their verbs. Each is a layer's plain data with
methods that call down into the layers (nothing here computes anything itself).

- ``parse(text)`` gives a ``Graph`` (the IR's graph) with ``backward``, ``gradient``, ``chain``,
  ``expression`` and ``show``;
- ``Graph.backward`` gives a ``BackwardResult`` (the interpreters' result) with ``show``,
  ``frames``, ``stepper`` and ``derivation``; its ``steps`` display themselves;
- ``Graph.forward_mode`` (or ``BackwardResult.tangents``) gives a ``TangentResult``: forward
  mode from one input, with the same verbs and ``steps`` in topological order;
- ``var``, ``param``, ``trace`` and one function per op (``exp``, ``tanh``, ``elu``, …, made
  from the op specs) build an ``Expr`` with ``graph``, ``backward`` and ``network``.

Every such object shows itself in Jupyter (``_repr_mimebundle_``, through ``notebook``).

>>> θ1, θ2 = param("θ1", 2), param("theta2", -1)
>>> x, y = var("x", 3), var("y", 1)
>>> L = (θ1 * θ2 * x - y) ** 2
>>> L
<gradviz.Expr (θ1θ2x − y)²>
>>> L.graph() == parse("(θ1θ2x − y)²")
True
>>> L.backward().grad
{'θ1': 42.0, 'θ2': -84.0, 'x': 28.0, 'y': 14.0}
>>> L.network().parameters
('θ1', 'θ2')
"""

from __future__ import annotations

import inspect
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Callable, Collection, Mapping

from .errors import GradvizError
from .eval.backward import Backward
from .eval.backward import Step as _Step
from .eval.backward import backward as _backward
from .eval.inputs import input_name
from .eval.plan import Plan, plan_of
from .eval.tangents import Tangents
from .eval.symbolic import Symbolic, symbolic_of
from .ir.arguments import checked, checked_methods
from .ir.graph import Graph as _Graph
from .ir.ops import OPS
from .networks.network import Network
from .render.style import Style
from .text.numbers import digits
from .syntax.parser import parse as _parse
from .syntax.python import Expr as _Expr
from .text.structure import written

if TYPE_CHECKING:
    from . import notebook

__all__ = ["parse", "Graph", "BackwardResult", "TangentResult", "Step", "Expr", "Style", "var", "param", "trace", "digits",
           "BUILDERS"]


def _notebook() -> Any:
    """``gradviz.notebook`` (figures, stepper, explorer), imported on first use."""
    from . import notebook  # lazy: a command that draws nothing (gradviz grad) never loads the renderer and networkx

    return notebook


@checked
def parse(text: str, at: Mapping[str, Any] | None = None) -> "Graph":
    """Parse a formula or program in textbook syntax into a computational graph.

    ``at``: the values to come, whose names give a sum without bounds its range
    (``parse("\\sum_i y_i", at={"y1": 1, "y2": 2})`` sums y1 and y2)."""
    if not isinstance(text, str):
        raise GradvizError(f"parse() takes the formula as a str, not {type(text).__name__}")
    return Graph.of(_parse(text, tuple(at or ())))


@checked_methods
class Graph(_Graph):
    """A computational graph (``gradviz.ir.Graph``) with its verbs."""

    @classmethod
    def of(cls, graph: _Graph) -> "Graph":
        """The same graph with the verbs."""
        return graph if isinstance(graph, cls) else cls(graph.nodes, graph.output_id, graph.source, graph.groups)

    def backward(self, at: Mapping[str, Any] | None = None, *, exact: bool = False,
                 symbolic: bool | None = None) -> "BackwardResult":
        """Forward values and the backward pass at ``at`` (input name or alias → value).

        Without ``at`` only the symbolic story is computed. ``symbolic=None`` computes the
        symbolic side for small, shallow graphs (``eval.backward.symbolic_by_default``)."""
        return _backward(self, at, exact=exact, symbolic=symbolic, result_type=BackwardResult)

    def forward_mode(self, at: Mapping[str, Any] | None = None, wrt: str | None = None, *, exact: bool = False,
                     symbolic: bool | None = None) -> "TangentResult":
        """Forward-mode differentiation from the input ``wrt`` (any alias) at ``at``: every node's
        tangent ∂node/∂wrt, one step per node in topological order (``backward(...).tangents``)."""
        if wrt is None:
            raise GradvizError("forward_mode() needs the input to differentiate by: wrt= one of "
                               f"{', '.join(self.inputs)}")
        return self.backward(at, exact=exact, symbolic=symbolic).tangents(wrt)

    def gradient(self, name: str, *, simplify: bool = False) -> Any:
        """∂output/∂name as a sympy expression in the inputs (equal to ``sympy.diff``)."""
        expr = self.symbolic.gradient(self.node(input_name(self, name)).id)
        return expr.simplify() if simplify else expr

    def chain(self, name: str) -> list[tuple[Any, ...]]:
        """∂output/∂name as paths of local derivatives in chain order (``[(2c, x, θ2)]``)."""
        return self.symbolic.chain(self.node(input_name(self, name)).id)

    def expression(self) -> Any:
        """The output as one sympy expression in the inputs."""
        return self.symbolic.expansions[self.output_id]

    @property
    def symbolic(self) -> Symbolic:
        """The graph's sympy views (made once)."""
        return symbolic_of(self)

    @property
    def plan(self) -> Plan:
        """The graph compiled for fast float passes (made once)."""
        return plan_of(self)

    def show(self, *, style: Style | None = None) -> notebook.FrameView:
        """The graph as a figure: every node with its equation."""
        return _notebook().show_graph(self, style)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        return self.show()._repr_mimebundle_(include, exclude)


@checked_methods
class Step(_Step):
    """A backward step that shows its frame in a notebook."""

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        result = self.result
        if result is None:
            raise GradvizError("this Step does not belong to a backward result; take it from result.steps")
        k = next(i for i, s in enumerate(result.steps) if s.node == self.node)
        return _notebook().show(result, k)._repr_mimebundle_(include, exclude)


@checked_methods
class BackwardResult(Backward):
    """Forward values, every node's gradient and the steps (``eval.backward.Backward``), with verbs."""

    @property
    def steps(self) -> tuple[Step, ...]:
        """One ``Step`` per op node, output first (reverse topological order)."""
        steps = super().steps
        if steps and not isinstance(steps[0], Step):
            steps = self._steps = tuple(Step(**{f.name: getattr(s, f.name) for f in fields(s) if f.name != "result"},
                                             result=self) for s in steps)
        return steps

    def show(self, step: int | None = None, *, style: Style | None = None) -> notebook.FrameView:
        """The figure of backward step ``step`` (index into ``steps``; None: every gradient)."""
        return _notebook().show(self, step, style)

    def frames(self, *, style: Style | None = None) -> list[notebook.FrameView]:
        """Every frame in order (structure, forward, each step, gradients), laid out once."""
        return _notebook().frame_views(self, style)

    def stepper(self, *, style: Style | None = None, start: int = 0) -> Any:
        """Previous/next buttons and a slider over the frames (static frames without ipywidgets)."""
        return _notebook().stepper(self, style, start)

    def derivation(self, wrt: str | None = None) -> notebook.Derivation:
        """The chain-rule derivation (``wrt``: one input's lines), typeset math in notebooks."""
        return _notebook().Derivation(self, wrt)

    def tangents(self, wrt: str) -> "TangentResult":
        """Forward mode from the input ``wrt`` at the same values: tangents ∂node/∂wrt, step by step."""
        return TangentResult(self, wrt)

    def explore(self, *, quiz: str | None = None, style: Style | None = None) -> notebook.Explorer:
        """The interactive explorer (``quiz``: values, grads or both for a quiz); ``.save(folder)`` writes it."""
        return _notebook().Explorer(self, quiz, style)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """The final frame (every gradient) as a picture."""
        return self.show()._repr_mimebundle_(include, exclude)


@checked_methods
class TangentResult(Tangents):
    """Forward mode from one input (``eval.tangents.Tangents``: ``tangents``, ``steps``, ``value``,
    ``cost``), with the verbs of a backward result; its figure shares the backward frames' layout.

    >>> t = parse("(θ1θ2x − y)²").forward_mode({"θ1": 2, "θ2": -1, "x": 3, "y": 1}, wrt="theta1")
    >>> t.value, [s.name for s in t.steps], t.by_name["b"]
    (42.0, ['a', 'b', 'c', 'L'], -3.0)
    >>> t.cost.forward_steps, t.cost.reverse_steps
    (16, 4)
    """

    def show(self, step: int | None = None, *, style: Style | None = None) -> notebook.FrameView:
        """The figure of forward step ``step`` (index into ``steps``; None: every tangent and the cost)."""
        return _notebook().show_tangent(self, step, style)

    def frames(self, *, style: Style | None = None) -> list[notebook.FrameView]:
        """Every frame in order (structure, seed, each step, tangents), on the backward frames' layout."""
        return _notebook().tangent_views(self, style)

    def backward_frames(self, *, style: Style | None = None) -> list[notebook.FrameView]:
        """The backward pass's frames on this figure's layout: every node where the forward frames have it."""
        return _notebook().tangent_views(self, style, backward=True)

    def stepper(self, *, style: Style | None = None, start: int = 0) -> Any:
        """Previous/next buttons and a slider over the frames (static frames without ipywidgets)."""
        return _notebook().tangent_stepper(self, style, start)

    def derivation(self) -> notebook.Derivation:
        """Forward mode's derivation: the forward pass, each tangent, the cost of each mode."""
        return _notebook().Derivation(self.result, tangents=self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """The final frame (every tangent, the cost comparison) as a picture."""
        return self.show()._repr_mimebundle_(include, exclude)


@checked_methods
class Expr(_Expr):
    """An expression built in Python (``syntax.python.Expr``), with verbs."""

    def graph(self) -> Graph:
        """The computational graph, nodes in the order the formula is written."""
        return Graph.of(self.to_graph())

    def backward(self, at: Mapping[str, Any] | None = None, **options: Any) -> BackwardResult:
        """``graph().backward`` at the given values, updated by ``at``."""
        return self.graph().backward({**self.values, **(at or {})}, **options)

    def network(self) -> Network:
        """Graph, parameters and given values together (what ``nn.descent.descend`` takes)."""
        return Network(self.graph(), self.parameters, self.values)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        return self.graph()._repr_mimebundle_(include, exclude)

    def __repr__(self) -> str:
        graph = self.to_graph()
        return f"<gradviz.Expr {written(graph, graph.output_id)[0]}>"


@checked
def var(name: str, value: Any = None, *, param: bool = False) -> Expr:
    """An input in textbook spelling (``θ1``, ``theta_1``, ``x``), optionally with its value."""
    return Expr.variable(name, value, param=param)


@checked
def param(name: str, value: Any = None) -> Expr:
    """A parameter: an input that training changes (``Expr.parameters`` lists them)."""
    return var(name, value, param=True)


@checked
def trace(fn: Callable[..., Any], params: Collection[str] = (), at: Mapping[str, Any] | None = None) -> Expr:
    """The expression a Python function of scalars computes: each argument becomes an input
    named after it (``params`` names the parameters, ``at`` gives values).

    >>> trace(lambda w, x, y: (sigmoid(w * x) - y) ** 2, params=["w"])
    <gradviz.Expr (σ(wx) − y)²>
    """
    if not callable(fn):
        raise GradvizError(f"trace() takes a function, not {type(fn).__name__}")
    if at is not None and not isinstance(at, Mapping):
        raise GradvizError(f"trace()'s at= maps argument names to values, not a {type(at).__name__}")
    try:
        names_given = frozenset((params,) if isinstance(params, str) else params)
    except TypeError:  # not a collection, or of unhashable things
        names_given = frozenset([None])
    if not all(isinstance(p, str) for p in names_given):
        raise GradvizError(f"trace()'s params= is a collection of argument names, not {repr(params)[:40]}")
    params = names_given
    at = dict(at or {})
    try:
        arguments = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        raise GradvizError("trace() needs a function whose arguments it can see") from None
    title = getattr(fn, "__name__", "the function")
    if any(a.kind not in (a.POSITIONAL_ONLY, a.POSITIONAL_OR_KEYWORD) for a in arguments):
        raise GradvizError(f"trace() gives {title} its arguments by position: a function like lambda x, y: …, "
                           "without *args, **kwargs or keyword-only arguments")
    names = [a.name for a in arguments]
    unknown = (set(params) | set(at)) - set(names)
    if unknown:
        raise GradvizError(f"{', '.join(sorted(map(str, unknown)))} is not an argument of {title}")
    try:
        out = fn(*(var(n, at.get(n), param=n in params) for n in names))
    except GradvizError:
        raise
    except Exception as exc:  # noqa: BLE001 - the user's function failed on gradviz's expressions
        raise GradvizError(f"{title} failed when traced ({type(exc).__name__}: {exc}); it may use only "
                           "arithmetic and gradviz's functions (gradviz.tanh, …) on its arguments") from None
    if not isinstance(out, Expr):
        raise GradvizError(f"{title} returned {type(out).__name__}, not an expression of its arguments")
    return out


def _builder(key: str, name: str) -> Callable[..., Expr]:
    """The Python function ``name`` that applies the op ``key`` (its docstring is the spec's)."""
    spec = OPS[key]

    def build(*args: Any, **params: Any) -> Expr:
        operands, given = args[:spec.arity], args[spec.arity:]
        if len(given) > len(spec.params):
            raise GradvizError(f"{name} takes {spec.arity} argument{'s' * (spec.arity != 1)} and "
                               f"{len(spec.params)} parameter{'s' * (len(spec.params) != 1)}, got {len(args)}")
        return Expr.apply(key, *operands, **dict(zip((p.name for p in spec.params), given)), **params)

    build.__name__ = build.__qualname__ = name
    build.__doc__ = spec.doc
    build.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("x", inspect.Parameter.POSITIONAL_ONLY)]
        + [inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=float(p.default))
           for p in spec.params])
    return build


#: The Python functions made from the op specs: name → function (``gradviz.tanh``, …).
BUILDERS: dict[str, Callable[..., Expr]] = {name: _builder(spec.key, name) for spec in OPS.values()
                                            for name in spec.builders}
globals().update(BUILDERS)
__all__ += list(BUILDERS)
