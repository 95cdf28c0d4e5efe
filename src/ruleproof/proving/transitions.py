"""Actions as transitions: the Z3 step relation of DESIGN §2 and the search for paths.

`move(enc, state, action, params)` encodes one action from a citizen copy: `guard` says the params
are in range and the action's `when` holds in the old state; `after` is a bound copy whose
attributes are the `set` terms (evaluated in the old state, simultaneously; an int term set
into a real attribute is coerced) or the old terms. The action is enabled iff
`guard ∧ after.possible` (the range rule and every `assume` of the new state): `enabled` is that
formula, to be used as a formula (it may sit under a negation). `after.definitions()` only define
fresh constants, so callers assert them as hard constraints.

`find_path` searches, for one concrete citizen, a path of a given `Shape` (which actions may
come first, which after) that ends where a target holds: one choice variable per step selects
the action, lengths are tried shortest first, then each param is pulled to a preferred value.
Every path it returns has been replayed by the evaluator (`replay`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs
import z3

from ruleproof.errors import InternalError
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.proving.encode import Copy, Encoding, Term, decode, range_constraints, z3_value
from ruleproof.proving.solving import Limits, explain_unknown, new_solver
from ruleproof.semantics.evaluate import holds
from ruleproof.semantics.validate_paths import Act, replay

# extreme: params at an end of their range (witness paths); least: the lexicographically least
# path (recourse); canonical: the least actions with params at their high end (explanations)
Prefer = Literal["extreme", "least", "canonical"]


@attrs.frozen
class Shape:
    """Which paths count: the first action from `first`, later ones from `rest`, at most
    `within` actions and at least `min_len` (1 when the first action is prescribed)."""

    first: tuple[M.Action, ...]
    rest: tuple[M.Action, ...]
    within: int
    min_len: int = 0

    def allowed(self) -> tuple[M.Action, ...]:
        """Every action that may occur anywhere on a path, without duplicates, in order."""
        seen: dict[str, M.Action] = {}
        for a in (*self.first, *self.rest):
            seen.setdefault(a.name, a)
        return tuple(seen.values())


@attrs.frozen
class Move:
    """One action from one state: its params (Z3 terms), guard and the state it leads to."""

    action: M.Action
    params: Mapping[str, Term]
    guard: Term
    after: Copy

    @property
    def enabled(self) -> Term:
        return z3.And(self.guard, *self.after.possible)


def param_consts(enc: Encoding, action: M.Action, tag: str) -> dict[str, Term]:
    """Fresh Z3 constants for an action's params (enums as int codes, like attributes)."""
    out: dict[str, Term] = {}
    for p in action.params:
        name = f"{enc.prefix}param:{action.name}.{p.name}!{tag}"
        match p.type:
            case M.BoolType():
                out[p.name] = z3.Bool(name)
            case M.RealType():
                out[p.name] = z3.Real(name)
            case M.IntType() | M.EnumType():
                out[p.name] = z3.Int(name)
    return out


def param_values(enc: Encoding, params: Mapping[str, M.Value]) -> dict[str, Term]:
    return {k: z3_value(v, enc.codes) for k, v in params.items()}


def set_terms(state: Copy, action: M.Action, params: Mapping[str, Term]) -> dict[str, Term]:
    """The new value of every attribute (old term where the action does not set it)."""
    return {**state.attrs, **new_terms(state, action, params)}


def new_terms(state: Copy, action: M.Action, params: Mapping[str, Term]) -> dict[str, Term]:
    """The new value of every attribute the action sets."""
    out: dict[str, Term] = {}
    for s in action.sets:
        term = state.expr(s.expr, params)
        if isinstance(state.enc.ruleset.attribute(s.attribute).type, M.RealType) and z3.is_int(
            term
        ):
            term = z3.ToReal(term)
        out[s.attribute] = term
    return out


def move(
    enc: Encoding, state: Copy, action: M.Action, params: Mapping[str, Term], share: bool = True
) -> Move:
    """Encode `action` from `state` with the given param terms (constants or values).

    With `share` the new state shares with `state` every attribute the action does not set and
    every derived value not reading one (`Encoding.bind_from`): `after.definitions()` then only
    define the values that changed, and the caller asserts `state`'s definitions as well (they
    may grow while the new state is encoded). Without it the new state is encoded afresh.
    """
    ranges = [
        f for p in action.params for f in range_constraints(params[p.name], p.type, enc.codes)
    ]
    guard = z3.And(*ranges, state.expr(action.when, params))
    if share:
        after = enc.bind_from(enc.fresh("next"), state, new_terms(state, action, params))
    else:
        after = enc.bind(enc.fresh("next"), set_terms(state, action, params))
    return Move(action, dict(params), guard, after)


def pinned(enc: Encoding, citizen: Mapping[str, M.Value]) -> Copy:
    """A copy whose attributes are the citizen's values."""
    return enc.bind(enc.fresh("at"), {k: z3_value(v, enc.codes) for k, v in citizen.items()})


class Hard:
    """Adds constraints to a solver once each (copies grow definitions lazily)."""

    def __init__(self, solver: Any) -> None:
        self.solver = solver
        self.added: set[int] = set()
        self.keep: list[Term] = []  # keeps the added terms alive so their ids stay unique

    def add(self, constraints: Sequence[Term]) -> None:
        for f in constraints:
            if id(f) not in self.added:
                self.added.add(id(f))
                self.keep.append(f)
                self.solver.add(f)


@attrs.frozen
class SearchUnknown:
    reason: str


class _Unrolling:
    """States S0..Sn from a pinned citizen, one choice of action per step.

    Step i is required (enabled, of the shape) only under its literal `active[i]`, so one
    unrolling answers every length; definitions are asserted outright.
    """

    def __init__(self, enc: Encoding, start: Copy, shape: Shape, solver: Any) -> None:
        self.enc = enc
        self.shape = shape
        self.allowed = shape.allowed()
        self.hard = Hard(solver)
        self.states = [start]
        self.choices: list[Term] = []
        self.active: list[Term] = []
        self.params: list[list[dict[str, Term]]] = []
        self.hard.add(start.constraints)

    def extend(self) -> None:
        i = len(self.choices)
        state = self.states[-1]
        tag = self.enc.fresh("step")
        ch = z3.Int(f"{self.enc.prefix}choice!{tag}")
        active = z3.Bool(f"{self.enc.prefix}active!{tag}")
        names = {a.name for a in (self.shape.first if i == 0 else self.shape.rest)}
        options = [j for j, a in enumerate(self.allowed) if a.name in names]
        merged: dict[str, Term] = {}
        guards = []
        ps: list[dict[str, Term]] = []
        for j, a in enumerate(self.allowed):
            params = param_consts(self.enc, a, self.enc.fresh("p"))
            ps.append(params)
            news = new_terms(state, a, params)
            ranges = [
                f
                for p in a.params
                for f in range_constraints(params[p.name], p.type, self.enc.codes)
            ]
            guards.append(z3.And(ch == j, *ranges, state.expr(a.when, params)))
            for s in a.sets:
                old = merged.get(s.attribute, state.attrs[s.attribute])
                merged[s.attribute] = z3.If(ch == j, news[s.attribute], old)
        # Shares with `state` what no allowed action sets; `sync` asserts every state's
        # definitions, so the values `state` grows for it are asserted too.
        after = self.enc.bind_from(self.enc.fresh("s"), state, merged)
        self.hard.add(
            [
                z3.Implies(
                    active,
                    z3.And(
                        z3.Or([ch == j for j in options] or [z3.BoolVal(False)]),
                        z3.Or(guards or [z3.BoolVal(False)]),
                        *after.possible,
                    ),
                )
            ]
        )
        self.choices.append(ch)
        self.active.append(active)
        self.params.append(ps)
        self.states.append(after)
        self.sync()

    def sync(self) -> None:
        self.hard.add(self.states[0].constraints)
        for s in self.states[1:]:
            self.hard.add(s.definitions())


def find_path(
    enc: Encoding,
    citizen: Mapping[str, M.Value],
    shape: Shape,
    target: E.Expr,
    limits: Limits,
    deadline: float,
    prefer: Prefer = "extreme",
    lengths: Sequence[int] | None = None,
) -> list[Act] | SearchUnknown | None:
    """A path of `shape` from `citizen` ending where `target` holds, or None if there is none.

    Lengths are tried in the order given (default: shortest first, from `shape.min_len` to
    `shape.within`). With `prefer="extreme"` each param is pushed to its high end, else its low
    end, if the path still works (so one path serves many citizens); with `prefer="least"` the
    actions, then the params are minimised lexicographically (actions in declaration order,
    params toward their low ends); `prefer="canonical"` takes the least actions with each param
    as high as the path allows. "least" and "canonical" give the same path whatever the solver
    solved before. The path is replayed by the evaluator; a disagreement raises `InternalError`.
    """
    ruleset = enc.ruleset
    order = list(lengths) if lengths is not None else list(range(shape.min_len, shape.within + 1))
    solver = new_solver(limits, max(deadline - time.monotonic(), 0.001))
    unroll = _Unrolling(enc, pinned(enc, citizen), shape, solver)
    for length in order:
        while len(unroll.choices) < length:
            unroll.extend()
        goal = unroll.states[length].expr(target)
        unroll.sync()
        lit = z3.Bool(f"{enc.prefix}goal!{enc.fresh('len')}")
        solver.add(z3.Implies(lit, goal))
        assumptions = [*enc.trackers.values(), lit, *unroll.active[:length]]
        r = _check(solver, deadline, assumptions)
        if r == z3.unknown:
            return SearchUnknown(explain_unknown(solver, enc, limits.timeout, limits, deadline))
        if r == z3.unsat:
            continue
        path = _settle(enc, solver, unroll, length, assumptions, prefer, deadline)
        final = replay(ruleset, citizen, path)
        if not holds(ruleset, target, final):
            raise InternalError(
                f"a path the solver found does not reach its target when the "
                f"evaluator replays it: {show_path(path)}"
            )
        return path
    return None


def _check(solver: Any, deadline: float, assumptions: Sequence[Term]) -> Any:
    remaining = deadline - time.monotonic()
    if remaining <= 0.005:
        return z3.unknown
    solver.set("timeout", max(1, int(remaining * 1000)))
    return solver.check(*assumptions)


def _settle(
    enc: Encoding,
    solver: Any,
    unroll: _Unrolling,
    length: int,
    assumptions: list[Term],
    prefer: Prefer,
    deadline: float,
) -> list[Act]:
    """Fix the action choices, then move each param toward the preferred value.

    With `prefer` "least" or "canonical" the choices are the lexicographically least sequence
    (each step the first allowed action, in declaration order, with which the path still
    works) and each int param is settled by bisection, so the path does not depend on which
    model the solver happened to find; with "extreme", the model's choices.
    """
    model = solver.model()
    fixed = list(assumptions)
    picks: list[M.Action] = []
    rank = {a.name: n for n, a in enumerate(enc.ruleset.actions)}
    by_rank = sorted(range(len(unroll.allowed)), key=lambda k: rank[unroll.allowed[k].name])
    for i in range(length):
        j = model.eval(unroll.choices[i], model_completion=True).as_long()
        if prefer != "extreme":
            for k in by_rank[: by_rank.index(j)]:
                if _check(solver, deadline, [*fixed, unroll.choices[i] == k]) == z3.sat:
                    model, j = solver.model(), k
                    break
        fixed.append(unroll.choices[i] == j)
        picks.append(unroll.allowed[j])
    for i, a in enumerate(picks):
        j = unroll.allowed.index(a)
        for p in a.params:
            term = unroll.params[i][j][p.name]
            for value in _preferred(p.type, prefer):
                if _check(solver, deadline, [*fixed, term == z3_value(value, enc.codes)]) == z3.sat:
                    model = solver.model()
                    break
            if prefer != "extreme" and isinstance(p.type, M.IntType):
                model = _bisect(solver, term, p.type, fixed, model, deadline, prefer == "least")
            fixed.append(term == model.eval(term, model_completion=True))
    path: list[Act] = []
    for i, a in enumerate(picks):
        j = unroll.allowed.index(a)
        values = {
            p.name: decode(model, unroll.params[i][j][p.name], p.type, enc.codes) for p in a.params
        }
        path.append(Act(a, values))
    return path


def _preferred(t: M.AttrType, prefer: Prefer) -> list[M.Value]:
    match t:
        case M.BoolType():
            return [False, True] if prefer == "least" else [True, False]
        case M.IntType(lo, hi) | M.RealType(lo, hi):
            return [lo] if prefer == "least" else [hi, lo]
        case M.EnumType(values):
            if prefer == "extreme":
                return [values[-1], values[0]]
            return list(values) if prefer == "least" else list(reversed(values))


def _bisect(
    solver: Any,
    term: Term,
    typ: M.IntType,
    fixed: list[Term],
    model: Any,
    deadline: float,
    least: bool = True,
) -> Any:
    """The model with the int param `term` at its least (else greatest) feasible value."""
    at = model.eval(term, model_completion=True).as_long()
    lo, hi = (typ.lo, at) if least else (at, typ.hi)
    while lo < hi:
        mid = lo + (hi - lo + (0 if least else 1)) // 2
        r = _check(solver, deadline, [*fixed, term <= mid if least else term >= mid])
        if r == z3.sat:
            model = solver.model()
            at = model.eval(term, model_completion=True).as_long()
            lo, hi = (lo, at) if least else (at, hi)
        elif r == z3.unsat:
            lo, hi = (mid + 1, hi) if least else (lo, mid - 1)
        else:
            break
    return model


def show_path(path: Sequence[Act]) -> str:
    return " → ".join(a.text() for a in path) or "(no action)"
