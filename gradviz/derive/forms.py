"""The lecture's form of every adjoint, made once per graph from the output down.

A node's adjoint is the sum over its consumers of (the consumer's carried form) × (the local
derivative in the consumer's own name, from the op spec: ``p(1 − p)``, ``1 − h²``). That
product, kept in chain order (``2c·x``), is then simplified where that makes it shorter
(``(−y/p + (1 − y)/(1 − p))·p(1 − p)`` → ``p − y``), and written in the user's own quantities
(the inputs and the nodes the program named) by substituting the temporaries' definitions,
where that is at most ``NAMED_RATIO`` times as long (``g/p`` → ``−y/p``; ``2c`` stays ``2c``
beside ``2(θ1θ2x − y)``). What the next line carries is that last form: once ``∂L/∂f = p − y``
is reached, ``∂L/∂d = (p − y)·1 = p − y``.

Every simplification is sized first (``cost.affordable``); beyond the budget a form keeps its
chain of factors, so the cost of a graph's forms stays about linear in its size."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Iterable

import sympy

from ..eval.backward import feeding_output
from ..eval.sweep import backward_order
from ..eval.symbolic import symbolic_of
from ..ir.graph import Graph
from .cost import NAMED_BUDGET, affordable

__all__ = ["Form", "Use", "Adjoint", "forms_of", "quantities_of", "simplest", "has_fraction", "size", "sigmoid",
           "NAMED_RATIO"]

NAMED_RATIO = 2  # a form in the user's quantities is carried up to this many times the length with temporaries
NAMED_SLACK = 12  # symbols a simplification may still save on a form written out in the user's quantities
RENAME_SAVING = 5  # symbols a form must save by writing the user's quantities by their names (``_renamed_if_shorter``)


class sigmoid(sympy.Function):  # noqa: N801 (the printers find ``_print_sigmoid`` by the class's name)
    """σ(x) = 1/(1 + e⁻ˣ) kept whole where a sigmoid's node is written in the user's quantities, so that
    sympy cancels it as lectures do (``σ(z) − y``, never ``((1 − y)eᶻ − y)/(eᶻ + 1)``)."""

    def fdiff(self, argindex: int = 1) -> Any:
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, x: Any, **hints: Any) -> Any:
        return 1 / (1 + sympy.exp(-x))

    def _eval_evalf(self, prec: int) -> Any:
        return self.rewrite(sympy.exp)._eval_evalf(prec)

    def _eval_is_real(self) -> Any:
        return self.args[0].is_real

    def _eval_is_positive(self) -> Any:
        return self.args[0].is_real


@dataclass(frozen=True, eq=False)
class Form:
    """A sum of products kept in chain order: ``((2c, x),)`` is ``2c·x``, written ``2cx``."""

    terms: tuple[tuple[Any, ...], ...]

    @cached_property
    def expr(self) -> Any:
        return sympy.Add(*(sympy.Mul(*t) for t in self.terms))

    @cached_property
    def size(self) -> int:
        return sum(sum(size(f) for f in t) + max(len(t) - 1, 0) for t in self.terms) + len(self.terms) - 1

    @staticmethod
    def of(expr: Any) -> "Form":
        """A whole expression as one factor, its signs as lectures write them (``_signs``)."""
        return Form(((_signs(expr),),))


@dataclass(frozen=True, eq=False)
class Use:
    """One consumer of a node: its carried form, the local derivative, what the edge brings."""

    consumer: str  # node id
    position: int
    local: Any  # ∂consumer/∂node, in the consumer's own name
    upstream: Form  # the consumer's carried form
    brought: Form  # upstream × local, in the lecture's form


@dataclass(frozen=True, eq=False)
class Adjoint:
    """∂L/∂node as the lecture writes it: the product, simplified, in the user's quantities."""

    node: str
    uses: tuple[Use, ...]  # consumers in the formula's order
    product: Form  # Σ upstream × local, factors in chain order
    simplified: Form  # the product made shorter where it can be (else the product itself)
    named: Form | None  # in the user's own quantities, where that differs from ``simplified``
    carried: Form  # what the lines below carry: ``named`` unless it is too long

    @property
    def shown(self) -> tuple[Form, ...]:
        """The sides a line shows after upstream × local: the product simplified (the product
        itself where nothing is shorter), then the carried form in the user's quantities."""
        return (self.simplified,) + ((self.carried,) if self.carried is not self.simplified else ())


def size(expr: Any) -> int:
    """Symbols a reader sees in ``expr``: names, numbers (a coefficient −1 only as its sign),
    one per operation; a power's exponent is one more symbol."""
    total, stack = 0, [expr]
    while stack:
        e = stack.pop()
        if not e.args:
            total += 1
            continue
        if e.is_Mul and e.args[0] == -1:
            total += 1  # the sign
            rest = e.args[1:]
            total += len(rest) - 1
            stack.extend(rest)
            continue
        total += len(e.args) - 1 if (e.is_Add or e.is_Mul) else 1
        stack.extend(e.args)
    return total


def forms_of(graph: Graph) -> dict[str, Adjoint]:
    """Every node's ``Adjoint`` (the output's carried form is 1), made once per graph."""
    return graph.memo("lecture forms", lambda: _Forms(graph).run())


def quantities_of(graph: Graph) -> dict[Any, Any]:
    """The symbols the lecture forms introduce that are no node of the graph (a softmax's ``p₁``),
    each with its expression over the graph's nodes."""
    forms_of(graph)
    return graph.memo("lecture quantities", dict)


class _Forms:
    """The sweep from the output down (see the module's docstring)."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.sym = symbolic_of(graph)
        self.position = {nid: k for k, nid in enumerate(graph.order)}
        self.temporaries = {self.sym.term(nid): nid for nid, n in graph.nodes.items()
                            if n.kind == "op" and not n.named_by_user and nid != graph.output_id}
        self._named_size: dict[str, int] = {}
        for nid in graph.order:  # operands before their consumers: each is counted once
            if self.sym.term(nid) in self.temporaries:
                self._named_size[nid] = min(self.named_size(self.definition(nid)), 10**9)
        self._named: dict[str, Any] = {}
        self._related: dict[Any, list[Form]] = {}
        self.quantities = graph.memo("lecture quantities", dict)  # symbols the lecture introduces → their meaning
        self.definitions = {self.sym.term(nid): self.named(nid) for nid, n in graph.nodes.items()
                            if n.kind == "op" and n.named_by_user and nid != graph.output_id
                            and self.named_size(self.definition(nid)) <= NAMED_BUDGET}  # the user's quantities
        self.relations = {symbol: d for symbol, d in self.definitions.items() if not d.atoms(sympy.Function)}
        self.relations.update({symbol: self.definition(nid) for symbol, nid in self.temporaries.items()
                               if _complement(self.definition(nid))})  # p = 1 − o: (1 − o)/p cancels
        inner = {symbol: d for symbol, d in self.definitions.items() if not d.atoms(sympy.Add)}  # a₁ = exp(s₁)/Z
        patterns = {(symbol, d) for symbol, d in self.definitions.items() if size(d) > 1}
        patterns |= {(symbol, sympy.together(d.xreplace(inner))) for symbol, d in self.definitions.items()
                     if d.free_symbols & inner.keys() and size(d) > 1}  # o = a₁v₁ + a₂v₂ as (v₁exp(s₁) + v₂exp(s₂))/Z
        self.patterns = sorted(patterns, key=lambda pattern: (-size(pattern[1]), str(pattern)))  # ``renamed``'s

    def run(self) -> dict[str, Adjoint]:
        graph = self.graph
        one = Form(((),))
        out = {graph.output_id: Adjoint(graph.output_id, (), one, one, None, one)}
        uses: dict[str, list[tuple[str, int]]] = {}
        feeding = feeding_output(graph)
        for nid, edges in backward_order(graph):
            if nid in feeding and nid != graph.output_id:
                out[nid] = self.adjoint(nid, uses[nid], out)
            if nid in out:
                for pos, operand in edges:
                    uses.setdefault(operand, []).append((nid, pos))
        for nid, node in graph.nodes.items():
            if node.kind == "input" and nid in uses:
                out[nid] = self.adjoint(nid, uses[nid], out)
        return out

    def adjoint(self, nid: str, consumers: list[tuple[str, int]], done: dict[str, Adjoint]) -> Adjoint:
        made = []
        for user, pos in sorted(consumers, key=lambda use: (self.position[use[0]], use[1])):
            local = self.local(user, pos)
            upstream = done[user].carried
            product = _times(upstream, local)
            brought = self.lecture_form(product)[2] if len(consumers) > 1 else product
            made.append(Use(user, pos, local, upstream, brought))
        if len(made) == 1:
            product = _times(made[0].upstream, made[0].local)
        else:
            product = Form(tuple(t for use in made for t in _times(use.upstream, use.local).terms))
        simplified, named, carried = self.lecture_form(product)
        if len(made) > 1:  # the sum of the simplified terms may be shorter still
            alternative = self.lecture_form(Form(tuple(t for use in made for t in use.brought.terms)))
            if alternative[2].size < carried.size:
                simplified, named, carried = alternative
        return Adjoint(nid, tuple(made), product, simplified, named, carried)

    def lecture_form(self, product: Form) -> tuple[Form, Form | None, Form]:
        """(simplified, named, carried) for a product in chain order."""
        simplified = _renamed_if_shorter(
            _shortest([product, Form.of(product.expr), *_simpler(product.expr), *self.related(product.expr)]),
            self.renamed(product.expr))
        if not self.temporaries or not (simplified.expr.free_symbols & self.temporaries.keys()):
            return simplified, None, simplified
        written = self.named_size(simplified.expr)
        if written > NAMED_BUDGET or written > NAMED_RATIO * simplified.size + NAMED_SLACK:
            return simplified, None, simplified
        swap = {symbol: self.named(nid) for symbol, nid in self.temporaries.items()
                if symbol in simplified.expr.free_symbols}
        factors = Form(tuple(tuple(_number_kept(f.xreplace(swap)) for f in t) for t in simplified.terms))
        named = _renamed_if_shorter(_shortest([factors, Form.of(factors.expr), *_simpler(factors.expr)]),
                                    self.renamed(factors.expr))
        carried = named if named.size <= NAMED_RATIO * simplified.size else simplified
        return simplified, named, carried

    def local(self, nid: str, pos: int) -> Any:
        """∂node/∂operand from the op spec, in the node's own name; a softmax ratio of the node's
        operands, ``exp(zⱼ)/Σₖ exp(zₖ)``, written as the probability the lecture names (``pⱼ``, or
        the program's node of that definition)."""
        local = self.sym.local(nid, pos)
        if not local.has(sympy.exp):
            return local
        local = _sigmoids(local)
        operands = [self.sym.term(o) for o in self.graph.nodes[nid].operands]
        swap = {}
        for power in local.atoms(sympy.Pow):  # 1/Σₖ exp(zₖ): a softmax's denominator
            total = power.base
            if power.exp == -1 and total.is_Add and all(isinstance(t, sympy.exp) for t in total.args):
                for term in total.args:
                    z = term.args[0]
                    j = operands.index(z) if z in operands else 0
                    swap[term / total] = self.probability(term / total, j)
        return local.subs(swap) if swap else local

    def probability(self, ratio: Any, j: int) -> Any:
        """The symbol of a softmax ratio: a node of the program with that definition, else ``pⱼ₊₁``
        (``q``, ``π`` where the program uses ``p``), remembered in ``quantities``."""
        for nid, node in self.graph.nodes.items():
            if node.kind == "op" and self.named_size(self.definition(nid)) <= NAMED_BUDGET \
                    and self.named(nid) == ratio:
                return self.sym.term(nid)
        taken = {ch for n in self.graph.nodes.values() for ch in n.name[:1]}
        letter = next((c for c in "pqπ" if c not in taken), "p")
        symbol = sympy.Symbol(f"{letter}{j + 1}", real=True)
        self.quantities[symbol] = ratio
        return symbol

    def related(self, expr: Any) -> list[Form]:
        """Candidates that use how the program's named quantities relate, where those relations are
        rational (``p₃ = e₃/s``, ``s = e₁ + e₂ + e₃``): the named quantities in ``expr`` written by
        their definitions, the result simplified, then the definitions written by their names again
        (``Σₖ yₖeₖ/(pₖs²)`` → ``(y₁ + y₂ + y₃)/s``; ``… · e₃`` → ``(y₁ + y₂ + y₃)p₃ − y₃``).
        Made once per expression (a sum's terms come back in its total)."""
        if expr not in self._related:
            self._related[expr] = self._relate(expr)
        return self._related[expr]

    def _relate(self, expr: Any) -> list[Form]:
        present = {symbol: d for symbol, d in self.relations.items() if symbol in expr.free_symbols}
        inner = set().union(*(d.free_symbols for d in present.values())) if present else set()
        present = {symbol: d for symbol, d in present.items() if symbol not in inner}  # one level: p₃ = e₃/s, s kept
        if not present:
            return []
        written = expr.xreplace(present)
        if not has_fraction(expr) or not affordable(written):
            return []  # no fraction for the relations to cancel (a polynomial is as short as its terms)
        cancelled = sympy.cancel(written)
        names = [(symbol, d) for symbol, d in self.relations.items() if symbol in self.definitions]  # the user's
        out = []
        for variant in (cancelled, sympy.expand(cancelled)):
            if size(variant) > NAMED_BUDGET:  # sympy's subs takes seconds in so long a form, and nothing that
                continue  # long comes back short enough to win
            variant = _by_names(variant, names)
            if not variant.free_symbols - expr.free_symbols - self.relations.keys():
                out += [Form.of(sympy.factor_terms(variant)),
                        Form.of(sympy.collect(variant, sorted(self.relations.keys() & variant.free_symbols, key=str)))]
        return out

    def renamed(self, expr: Any) -> list[Form]:
        """``expr`` with the definition of each of the user's quantities written by its name where it appears whole
        (``(exp(a₁) + exp(a₂) + exp(a₃))/(PQ)`` → ``1/Q`` for ``P = exp(a₁) + exp(a₂) + exp(a₃)``), simplified."""
        if size(expr) > NAMED_BUDGET:
            return []
        found = []
        for variant in (expr, *(form.expr for form in _simpler(expr))):  # a sum of fractions shows it once over one
            out = _by_names(variant, self.patterns)
            if out != variant:
                found += [Form.of(out), *_simpler(out)]
        return found

    def named_size(self, expr: Any) -> int:
        """``size`` of ``expr`` once every temporary in it is written in the user's quantities,
        counted without writing it (a deep nest of temporaries grows quadratically)."""
        total, stack = 0, [expr]
        while stack:
            e = stack.pop()
            if e in self.temporaries:
                total += self._named_size[self.temporaries[e]]
            elif not e.args:
                total += 1
            else:
                total += len(e.args) - 1 if (e.is_Add or e.is_Mul) else 1
                stack.extend(e.args)
        return total

    def definition(self, nid: str) -> Any:
        """An op node's expression over its operands' symbols, a sigmoid kept whole (``sigmoid``)."""
        node = self.graph.nodes[nid]
        if node.op == "sigmoid":
            return sigmoid(self.sym.term(node.operands[0]))
        return self.sym.definition(nid)

    def named(self, nid: str) -> Any:
        """A temporary's definition written in the user's quantities."""
        if nid not in self._named:
            definition = self.definition(nid)
            swap = {symbol: self.named(self.temporaries[symbol]) for symbol in definition.free_symbols
                    if symbol in self.temporaries}
            self._named[nid] = definition.xreplace(swap) if swap else definition
        return self._named[nid]


def _by_names(expr: Any, definitions: Iterable[tuple[Any, Any]]) -> Any:
    """``expr`` with each (symbol, definition) in turn written by the symbol wherever the definition appears whole."""
    for symbol, definition in definitions:
        if definition.free_symbols <= expr.free_symbols:
            expr = expr.subs(definition, symbol)
    return expr


def _number_kept(expr: Any) -> Any:
    """A sum whose terms share a number written as that number times the sum, as the factor read before its names
    were written out (``2c`` → ``2(ph₂ + qg₂ − y)``; sympy multiplies the 2 into the sum: ``2ph₂ + 2qg₂ − 2y``)."""
    if not expr.is_Add:
        return expr
    content, primitive = expr.as_content_primitive()
    whole = content.is_Integer and all(term.as_coeff_Mul()[0].is_Integer for term in sympy.Add.make_args(primitive))
    return sympy.Mul(content, primitive, evaluate=False) if content > 1 and whole and primitive.is_Add \
        and primitive.free_symbols else expr


def _sigmoids(expr: Any) -> Any:
    """``expr`` with every ``1/(1 + e⁻ᵘ)`` written ``σ(u)`` (a softplus's local derivative, a SiLU's)."""
    swap = {power: sigmoid(-power.base.args[1].args[0]) for power in expr.atoms(sympy.Pow)
            if power.exp == -1 and power.base.is_Add and len(power.base.args) == 2 and power.base.args[0] == 1
            and isinstance(power.base.args[1], sympy.exp)}
    return expr.xreplace(swap) if swap else expr


def _times(upstream: Form, local: Any) -> Form:
    """upstream × local in chain order: one product when the upstream is one product."""
    factor = () if local == 1 else (local,)
    if len(upstream.terms) == 1:
        return Form((upstream.terms[0] + factor,))
    return Form(((upstream.expr,) + factor,))


@lru_cache(maxsize=4096)
def _simpler(expr: Any) -> tuple[Form, ...]:
    """The simplified candidates of ``expr`` within the budget (none beyond it); made once per
    expression (sympy's simplifications are most of a graph's forms)."""
    if not affordable(expr):
        return ()
    decided = _decided(expr)
    if decided != expr:
        return (Form.of(decided), *_simpler(decided))
    if not has_fraction(expr):  # nothing to cancel; multiplied out, terms may cancel: y(σ − 1) − (y − 1)σ = σ − y
        return (Form.of(sympy.factor_terms(expr)), Form.of(sympy.factor_terms(sympy.expand(expr)))) if expr.is_Add else ()
    cancelled = sympy.cancel(expr)
    out = [Form.of(sympy.factor_terms(cancelled))]
    if cancelled.is_Add or cancelled != expr:
        out.append(Form.of(sympy.factor_terms(expr)))
    return tuple(out)


def _decided(expr: Any) -> Any:
    """``expr`` with what its steps decide written out, as a lecture writes a piecewise derivative: under a step
    ``[a > b]`` a ``min(a, b)`` is ``b`` and a ``max(a, b)`` is ``a`` (Huber's ``[1 > |r|] min(1, |r|)`` is
    ``[1 > |r|] |r|``), and ``|u| sgn(u)`` is ``u`` (so Huber's derivative reads ``[1 > |r|] r + [|r| > 1] sgn(r)``).
    ``expr`` itself where neither applies."""
    if not expr.has(sympy.Heaviside, sympy.sign):
        return expr

    def under_steps(product: Any) -> Any:
        swap = {}
        for step in (f for f in product.args if isinstance(f, sympy.Heaviside)):
            for extreme in product.atoms(sympy.Min, sympy.Max):
                if len(extreme.args) == 2:
                    a, b = extreme.args
                    larger = a if sympy.expand(a - b - step.args[0]) == 0 else \
                        b if sympy.expand(b - a - step.args[0]) == 0 else None
                    if larger is not None:
                        swap[extreme] = larger if isinstance(extreme, sympy.Max) else a + b - larger
        return product.xreplace(swap) if swap else product

    def signed(product: Any) -> Any:
        factors = list(product.args)
        for f in product.args:
            if isinstance(f, sympy.sign) and sympy.Abs(f.args[0]) in factors and f in factors:
                factors.remove(f)
                factors[factors.index(sympy.Abs(f.args[0]))] = f.args[0]
        return sympy.Mul(*factors)
    out = expr.replace(lambda e: e.is_Mul and e.has(sympy.Heaviside), under_steps)
    if out.has(sympy.sign) and out.has(sympy.Abs):
        out = sympy.expand(out).replace(lambda e: e.is_Mul and e.has(sympy.sign), signed)
    return sympy.factor_terms(out) if out != expr else expr


def _signs(expr: Any, any_sum: bool = False) -> Any:
    """``expr`` with its signs as lectures write them: a leading minus taken into a factor ``x − 1`` that reads
    as a complement negated (``−(y − 1)σ(z)`` → ``(1 − y)σ(z)``; ``−2(h − y)`` stays), two such factors both
    turned (``σ(σ − 1)(2σ − 1)`` → ``σ(1 − σ)(1 − 2σ)``), a complement over ``1 − x`` (``_complements``);
    ``any_sum``: the minus taken into any sum that reads no worse negated (``−x(y − σ)`` → ``x(σ − y)``)."""
    expr = _complements(expr)
    if not expr.is_Mul:
        return expr
    negative = expr.could_extract_minus_sign()
    factors = list(sympy.Mul.make_args(-expr if negative else expr))
    turnable = [k for k, f in enumerate(factors) if f.is_Add and _minus_signs(-f) <= _minus_signs(f)
                and (any_sum or any(t.is_Number and t.is_positive for t in (-f).args))]
    turned = turnable[:len(turnable) - (len(turnable) - negative) % 2]  # an even number, one more for the sign
    if not turned:
        return expr
    for k in turned:
        factors[k] = -factors[k]
    written = sympy.Mul(*factors)
    return written if written.is_Mul else expr  # sympy multiplies a number into a sum: keep −2(y − 1)


def _complements(expr: Any) -> Any:
    """A quotient whose denominator has a factor ``x − 1`` and whose numerator has a sum that reads no worse negated,
    written with ``1 − x`` and the sum negated, as lectures write a probability's complement:
    ``(y − p)/(p(p − 1))`` → ``(p − y)/(p(1 − p))``; any other expression as it is."""
    if not expr.is_Mul:
        return expr
    factors = list(expr.args)
    below = next((k for k, f in enumerate(factors) if f.is_Pow and f.exp.is_Integer and f.exp < 0 and f.exp % 2
                  and f.base.is_Add and len(f.base.args) == 2 and -1 in f.base.args), None)
    above = next((k for k, f in enumerate(factors) if f.is_Add and _minus_signs(-f) <= _minus_signs(f)), None)
    if below is None or above is None:
        return expr
    factors[below] = sympy.Pow(-factors[below].base, factors[below].exp)
    factors[above] = -factors[above]
    return sympy.Mul(*factors)


def _complement(definition: Any) -> bool:
    """Whether a definition is one node shifted by a number, as a complement is (``1 − o``, ``z + 1``)."""
    return definition.is_Add and len(definition.args) == 2 and any(a.is_Number for a in definition.args) \
        and len(definition.free_symbols) == 1 and not definition.atoms(sympy.Function)


def _minus_signs(total: Any) -> int:
    """How many terms of a sum are written with a minus sign."""
    return sum(1 for term in sympy.Add.make_args(total) if term.could_extract_minus_sign())


def has_fraction(expr: Any) -> bool:
    """Whether ``expr`` divides by something (a power with a negative exponent)."""
    return any(power.exp.is_negative for power in expr.atoms(sympy.Pow))


def _renamed_if_shorter(form: Form, renamed: list[Form]) -> Form:
    """``form``, or the shortest of ``renamed`` (``_Forms.renamed``) where that saves ``RENAME_SAVING`` symbols: a
    quantity's name that cancels or stands for a long definition, never a product's factors merely contracted
    (``2(H − y)·tanh(C)·o(1 − o)`` stays, not ``2H(1 − o)(H − y)`` for ``H = o tanh(C)``)."""
    best = _shortest(renamed) if renamed else form
    return best if best.size + RENAME_SAVING <= form.size else form


def simplest(expr: Any, factored: bool = True) -> Form:
    """The shortest of ``expr``, its simplified candidates and (``factored``) its factored form, where terms cancel
    only once multiplied out (``x(σ(1 − y) − y(1 − σ))`` is ``x(σ − y)``); ``expr`` itself beyond the budget."""
    if not affordable(expr):
        return Form.of(expr)
    factors = (Form.of(_signs(_conjugates(sympy.factor(expr)), any_sum=True)),) if factored else ()
    return _shortest([*_simpler(expr), *factors, Form.of(expr)])


def _conjugates(expr: Any) -> Any:
    """A product with each pair of factors ``(a + b)(a − b)`` multiplied back into ``a² − b²``, as a lecture keeps
    ``1 − tanh²(z)`` whole (``sympy.factor`` splits it into ``(1 − tanh z)(1 + tanh z)``)."""
    if not expr.is_Mul:
        return expr
    factors = list(expr.args)
    for j, k in ((j, k) for j in range(len(factors)) for k in range(j + 1, len(factors))):
        a, b = factors[j], factors[k]
        if a != 1 and b != 1 and a.is_Add and b.is_Add and len(a.args) == len(b.args) == 2 \
                and len(sympy.Add.make_args(sympy.expand(a * b))) == 2:
            factors[j], factors[k] = sympy.expand(a * b), sympy.S.One
    return sympy.Mul(*factors)


def _shortest(candidates: list[Form]) -> Form:
    """The candidate with the fewest symbols; the first on a tie (the chain form comes first)."""
    return min(candidates, key=lambda f: f.size)
