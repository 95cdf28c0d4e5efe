"""Hypothesis strategies over the rule language: citizens, expressions and whole rulesets.

- `citizens(ruleset)` draws only possible citizens: every value in its range or enum and every
  `assume` true (checked with the evaluator's `in_domain`). Values lean on the boundaries
  (low, high, their neighbours, zero) and, when the ruleset has assumptions, on citizens near
  a small pool of possible ones found by a deterministic local search, so rarely satisfied
  assumptions do not starve the filter.
- `expressions(scope, want)` draws well-typed expressions of type `want` over the names in
  `scope`, covering every node of `ruleproof.language.expr`, linear (`*` always has a literal side,
  `//` and `%` a positive literal divisor), bounded in depth.
- `rulesets()` draws random well-typed `Ruleset`s built directly as IR: every attribute type
  (real ranges are exact decimals), defines, assumptions (always satisfiable: each holds for a
  drawn witness citizen), a score with rules and an optional clamp range, tiers with and
  without a catch-all, sanctions (reading score, tier and each other) and actions with params
  and `set`s. Every ruleset it draws passes `ruleproof.language.typecheck.typecheck` without errors.

These are the base of the differential tests between the evaluator and the Z3 encoding.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from fractions import Fraction

from hypothesis import strategies as st

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.typecheck import Scope as TypeScope
from ruleproof.language.types import BOOL, INT, REAL, EnumT, Type, of_attr_type
from ruleproof.semantics.evaluate import State, eval_expr, in_domain

Citizen = dict[str, M.Value]
Scope = Mapping[str, Type]

_POOL_TRIES = 400
_POOL_SIZE = 12


# -- values and citizens -------------------------------------------------------------------


_MAX_CONSTANTS = 40


def _constants(ruleset: M.Ruleset) -> list[int | Fraction]:
    """Numeric literals of the ruleset's expressions (the thresholds its rules compare with)."""
    exprs = [a.expr for a in ruleset.assumptions] + [d.expr for d in ruleset.defines]
    if ruleset.score:
        exprs += [x for r in ruleset.score.rules for x in (r.when, r.add)]
    exprs += [t.when for t in ruleset.tiers] + [s.when for s in ruleset.sanctions]
    found: dict[int | Fraction, None] = {}
    stack = list(exprs)
    while stack and len(found) < _MAX_CONSTANTS:
        node = stack.pop()
        if isinstance(node, E.IntLit | E.RealLit):
            found[node.value] = None
        stack.extend(E.children(node))
    return list(found)


def _boundaries(t: M.AttrType, constants: Sequence[int | Fraction] = ()) -> list[M.Value]:
    """Values worth trying first: the ends of the range, their neighbours, zero, and each
    constant of the ruleset with its neighbours (when in range)."""
    match t:
        case M.BoolType():
            return [False, True]
        case M.IntType(lo, hi):
            near = [c + d for c in constants if isinstance(c, int) for d in (0, -1, 1)]
            cands = [lo, hi, lo + 1, hi - 1, 0, 1, -1, *near]
            return list(dict.fromkeys(v for v in cands if lo <= v <= hi))
        case M.RealType(lo, hi):
            rcands = [lo, hi, Fraction(0), (lo + hi) / 2, *map(Fraction, constants)]
            return list(dict.fromkeys(v for v in rcands if lo <= v <= hi))
        case M.EnumType(values):
            return list(values)


def values(t: M.AttrType, constants: Sequence[int | Fraction] = ()) -> st.SearchStrategy[M.Value]:
    """Values of an attribute or param type; boundary values (and values at or next to the
    given constants) are drawn often."""
    bounds: st.SearchStrategy[M.Value] = st.sampled_from(_boundaries(t, constants))
    match t:
        case M.BoolType():
            return st.booleans()
        case M.IntType(lo, hi):
            return st.one_of(bounds, st.integers(lo, hi))
        case M.RealType(lo, hi):
            return st.one_of(bounds, st.fractions(lo, hi, max_denominator=1000))
        case M.EnumType(vals):
            return st.sampled_from(vals)


def _raw_citizens(ruleset: M.Ruleset) -> st.SearchStrategy[Citizen]:
    consts = _constants(ruleset)
    return st.fixed_dictionaries({a.name: values(a.type, consts) for a in ruleset.attributes})


def _conjuncts(e: E.Expr) -> list[E.Expr]:
    out: list[E.Expr] = []
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, E.And):
            stack.extend(node.args)
        else:
            out.append(node)
    return out


def _violations(ruleset: M.Ruleset, citizen: Mapping[str, M.Value]) -> int:
    """How many conjuncts of the assumptions are false (0: the citizen is possible)."""
    state = State(ruleset, citizen)
    return sum(
        1
        for a in ruleset.assumptions
        for part in _conjuncts(a.expr)
        if not eval_expr(part, state.lookup)
    )


def possible_pool(ruleset: M.Ruleset, seed: int = 0) -> list[Citizen]:
    """Up to a dozen distinct possible citizens, found deterministically.

    Starts from the baseline and from random boundary-leaning citizens and moves one attribute
    at a time while that lowers the number of violated assumptions. Empty when none was found
    (the domain may be empty).
    """
    rng = random.Random(seed)
    consts = _constants(ruleset)
    cands = {a.name: _boundaries(a.type, consts) for a in ruleset.attributes}
    pool: list[Citizen] = []
    starts: list[Citizen] = [ruleset.baseline()]
    starts += [{n: rng.choice(vs) for n, vs in cands.items()} for _ in range(_POOL_TRIES // 20)]
    budget = _POOL_TRIES
    for start in starts:
        cur = dict(start)
        bad = _violations(ruleset, cur)
        while bad and budget > 0:
            improved = False
            for name in rng.sample(sorted(cands), len(cands)):
                for v in cands[name]:
                    budget -= 1
                    trial = {**cur, name: v}
                    b = _violations(ruleset, trial)
                    if b < bad:
                        cur, bad, improved = trial, b, True
                        break
                if improved:
                    break
            if not improved:
                break
        if bad == 0 and cur not in pool:
            pool.append(cur)
            if len(pool) >= _POOL_SIZE:
                break
    return pool


def citizens(ruleset: M.Ruleset) -> st.SearchStrategy[Citizen]:
    """Possible citizens of `ruleset`: values in range and every `assume` true."""
    raw = _raw_citizens(ruleset)

    def possible(c: Citizen) -> bool:
        return in_domain(ruleset, c) is None

    if not ruleset.assumptions:
        return raw

    def build() -> st.SearchStrategy[Citizen]:
        pool = possible_pool(ruleset)
        if not pool:
            return raw.filter(possible)
        by_name = {a.name: a for a in ruleset.attributes}
        consts = _constants(ruleset)

        def nudge(base: Citizen) -> st.SearchStrategy[Citizen]:
            name = st.sampled_from(sorted(base))
            return name.flatmap(
                lambda n: values(by_name[n].type, consts).map(lambda v: {**base, n: v})
            )

        known = st.sampled_from(pool)

        def or_known(cands: st.SearchStrategy[Citizen]) -> st.SearchStrategy[Citizen]:
            # An impossible candidate is replaced by a known possible citizen instead of being
            # filtered out, so a rarely satisfied `assume` never starves generation.
            return st.tuples(cands, known).map(lambda p: p[0] if possible(p[0]) else p[1])

        return st.one_of(known, or_known(known.flatmap(nudge)), or_known(raw))

    return st.deferred(build)


# -- expressions ---------------------------------------------------------------------------

_CMP_OPS: tuple[E.CmpOp, ...] = ("==", "!=", "<", "<=", ">", ">=")


def _decimals(lo: int = -40, hi: int = 40) -> st.SearchStrategy[Fraction]:
    return st.builds(
        lambda n, d: Fraction(n, d), st.integers(lo, hi), st.sampled_from([1, 2, 4, 5, 10, 100])
    )


class _Draw:
    """Draws one typed expression by plain recursion over `draw` (cheap to build per scope)."""

    def __init__(self, draw: st.DrawFn, scope: Scope) -> None:
        self.draw = draw
        self.scope = dict(scope)
        self.enums = sorted({t for t in scope.values() if isinstance(t, EnumT)}, key=str)

    def pick(self, n: int) -> int:
        return self.draw(st.integers(0, n - 1))

    def vars_of(self, want: Type) -> list[E.Expr]:
        return [E.Var(n) for n, t in sorted(self.scope.items()) if t == want]

    def leaf(self, want: Type) -> E.Expr:
        names = self.vars_of(want)
        if want == REAL:
            names += self.vars_of(INT)
        use_name: bool = self.draw(st.booleans())
        if names and use_name:
            return self.draw(st.sampled_from(names))
        if want == BOOL:
            return E.BoolLit(self.draw(st.booleans()))
        if want == INT:
            return E.IntLit(self.draw(st.integers(-20, 20)))
        if want == REAL:
            if self.draw(st.booleans()):
                return E.IntLit(self.draw(st.integers(-20, 20)))
            return E.RealLit(self.draw(_decimals()))
        assert isinstance(want, EnumT)
        return E.EnumLit(self.draw(st.sampled_from(want.values)))

    def expr(self, want: Type, depth: int) -> E.Expr:
        if depth <= 0 or self.pick(3) == 0:
            return self.leaf(want)
        if want == BOOL:
            return self.boolean(depth - 1)
        if want in (INT, REAL):
            return self.number(want, depth - 1)
        return E.IfElse(
            self.expr(BOOL, depth - 1), self.expr(want, depth - 1), self.expr(want, depth - 1)
        )

    def some(self, want: Type, depth: int, lo: int, hi: int) -> tuple[E.Expr, ...]:
        return tuple(self.expr(want, depth) for _ in range(self.draw(st.integers(lo, hi))))

    def literal(self, want: Type) -> E.Expr:
        if want == REAL and self.draw(st.booleans()):
            return E.RealLit(self.draw(_decimals(-8, 8)))
        return E.IntLit(self.draw(st.integers(-5, 5)))

    def number(self, want: Type, d: int) -> E.Expr:
        match self.pick(9):
            case 0:
                return E.Neg(self.expr(want, d))
            case 1:
                op: E.ArithOp = self.draw(st.sampled_from(["+", "-"]))
                return E.Arith(op, self.expr(want, d), self.expr(want, d))
            case 2:
                if self.draw(st.booleans()):
                    return E.Arith("*", self.literal(want), self.expr(want, d))
                return E.Arith("*", self.expr(want, d), self.literal(want))
            case 3:
                return E.IfElse(self.expr(BOOL, d), self.expr(want, d), self.expr(want, d))
            case 4:
                func: E.FuncName = self.draw(st.sampled_from(["min", "max"]))
                return E.Call(func, self.some(want, d, 2, 3))
            case 5:
                return E.Call("abs", (self.expr(want, d),))
            case 6:
                n = self.draw(st.integers(1, 3))
                branches = tuple((self.expr(BOOL, d), self.expr(want, d)) for _ in range(n))
                return E.FirstMatch(branches, self.expr(want, d))
            case _:
                div: E.ArithOp = self.draw(st.sampled_from(["//", "%"]))
                return E.Arith(div, self.expr(INT, d), E.IntLit(self.draw(st.integers(1, 7))))

    def boolean(self, d: int) -> E.Expr:
        match self.pick(10 if self.enums else 8):
            case 0:
                return E.Not(self.expr(BOOL, d))
            case 1:
                return E.And(self.some(BOOL, d, 2, 3))
            case 2:
                return E.Or(self.some(BOOL, d, 2, 3))
            case 3:
                return E.Call("implies", (self.expr(BOOL, d), self.expr(BOOL, d)))
            case 4:
                return E.IfElse(self.expr(BOOL, d), self.expr(BOOL, d), self.expr(BOOL, d))
            case 5:
                n = self.draw(st.integers(1, 2))
                ops = tuple(self.draw(st.sampled_from(_CMP_OPS)) for _ in range(n))
                nums = tuple(
                    self.expr(self.draw(st.sampled_from([INT, REAL])), d) for _ in range(n + 1)
                )
                return E.Compare(ops, nums)
            case 6:
                eq: E.CmpOp = self.draw(st.sampled_from(["==", "!="]))
                return E.Compare((eq,), (self.expr(BOOL, d), self.expr(BOOL, d)))
            case 7:
                prim = self.draw(st.sampled_from([INT, BOOL]))
                return E.In(self.expr(prim, d), self.some(prim, d, 1, 3), self.draw(st.booleans()))
            case 8:
                enum = self.draw(st.sampled_from(self.enums))
                eq = self.draw(st.sampled_from(["==", "!="]))
                return E.Compare((eq,), (self.expr(enum, d), self.expr(enum, d)))
            case _:
                enum = self.draw(st.sampled_from(self.enums))
                options = tuple(
                    E.EnumLit(self.draw(st.sampled_from(enum.values)))
                    for _ in range(self.draw(st.integers(1, 3)))
                )
                return E.In(self.expr(enum, d), options, self.draw(st.booleans()))


@st.composite
def expressions(draw: st.DrawFn, scope: Scope, want: Type, max_depth: int = 3) -> E.Expr:
    """Well-typed expressions of type `want` over `scope` (name → type), at most `max_depth`
    operators deep. `REAL` slots also receive int-typed expressions, as the typecheck allows.
    Linear: `*` has a literal side, `//` and `%` a positive literal divisor."""
    return _Draw(draw, scope).expr(want, max_depth)


# -- rulesets ------------------------------------------------------------------------------

_DOMAINS = [None, None, "finance", "transport", "social"]


@st.composite
def _attr_type(draw: st.DrawFn) -> M.AttrType:
    kind = draw(st.sampled_from(["bool", "int", "int", "real", "enum"]))
    if kind == "bool":
        return M.BoolType()
    if kind == "int":
        lo = draw(st.integers(-10, 10))
        return M.IntType(lo, lo + draw(st.integers(0, 20)))
    if kind == "real":
        lo_r = draw(_decimals(-20, 20))
        return M.RealType(lo_r, lo_r + draw(_decimals(0, 40)))
    n = draw(st.integers(1, 4))
    return M.EnumType(tuple(f"v{i}" for i in range(n)))


@st.composite
def rulesets(
    draw: st.DrawFn,
    max_attributes: int = 4,
    max_rules: int = 4,
    max_depth: int = 2,
    actions: bool = True,
) -> M.Ruleset:
    """Random well-typed rulesets (see the module docstring); sizes bounded by the arguments."""
    n_attrs = draw(st.integers(1, max_attributes))
    attributes = tuple(
        M.Attribute(
            f"a{i}",
            draw(_attr_type()),
            draw(st.sampled_from(["false", "false", "true", "association"])),
            draw(st.sampled_from(_DOMAINS)),
            draw(st.sampled_from(["fixed", "time"])),
        )
        for i in range(n_attrs)
    )
    scope: dict[str, Type] = {a.name: of_attr_type(a.type, f"`{a.name}`") for a in attributes}

    defines: list[M.Define] = []
    for i in range(draw(st.integers(0, 3))):
        e = draw(expressions(scope, draw(st.sampled_from([BOOL, INT, REAL])), max_depth))
        defines.append(M.Define(f"d{i}", e, ""))
        # A REAL slot may hold an int expression: record the type the typecheck infers.
        scope.update(_define_types(attributes, defines))

    base = M.Ruleset("r", attributes, defines=tuple(defines))
    witness = draw(_raw_citizens(base))
    assumptions: list[M.Assumption] = []
    for i in range(draw(st.integers(0, 2))):
        e = draw(expressions(scope, BOOL, max_depth))
        if not eval_expr(e, State(base, witness).lookup):
            e = E.Not(e)
        assumptions.append(M.Assumption(e, "", i + 1))

    score = None
    if draw(st.booleans()) or draw(st.booleans()):
        rules = tuple(
            M.ScoreRule(
                f"r{i}",
                draw(expressions(scope, BOOL, max_depth)),
                draw(expressions(scope, INT, max_depth)),
                "",
                "",
            )
            for i in range(draw(st.integers(0, max_rules)))
        )
        lo = hi = None
        if draw(st.booleans()):
            lo = draw(st.integers(-60, 30))
            hi = lo + draw(st.integers(0, 60))
        score = M.Score(draw(st.integers(-30, 30)), rules, lo, hi)
        scope["score"] = INT

    tiers: list[M.Tier] = []
    for i in range(draw(st.integers(0, 3))):
        tiers.append(M.Tier(f"T{i}", draw(expressions(scope, BOOL, max_depth)), ""))
    catch_all: bool = draw(st.booleans())
    if tiers and catch_all:
        tiers.append(M.Tier("rest", E.BoolLit(True), "True"))
    if tiers:
        scope["tier"] = EnumT(tuple(t.id for t in tiers), "`tier`")

    n_actions = draw(st.integers(0, 3)) if actions else 0
    action_names = [f"act{i}" for i in range(n_actions)]
    sanctions: list[M.Sanction] = []
    for i in range(draw(st.integers(0, 3))):
        when = draw(expressions(scope, BOOL, max_depth))
        appeal: tuple[str, ...] = ()
        if action_names:
            appeal = tuple(draw(st.lists(st.sampled_from(action_names), unique=True, max_size=2)))
        sanctions.append(M.Sanction(f"s{i}", when, "", draw(st.sampled_from(_DOMAINS)), appeal))
        scope[f"s{i}"] = BOOL
    scope["sanctioned"] = BOOL

    acts: list[M.Action] = []
    for name in action_names:
        params = tuple(M.Param(f"p{j}", draw(_attr_type())) for j in range(draw(st.integers(0, 2))))
        inner = {**scope, **{p.name: of_attr_type(p.type, f"`{p.name}`") for p in params}}
        targets = draw(
            st.lists(
                st.sampled_from(attributes), unique_by=lambda a: a.name, max_size=min(2, n_attrs)
            )
        )
        sets = tuple(M.Assignment(a.name, draw(_setter(inner, a, max_depth)), "") for a in targets)
        acts.append(
            M.Action(
                name,
                draw(st.sampled_from(M.ACTOR_KINDS)),
                draw(expressions(inner, BOOL, max_depth)),
                "",
                params,
                sets,
            )
        )
    return M.Ruleset(
        "random",
        attributes,
        assumptions=tuple(assumptions),
        defines=tuple(draw(st.permutations(defines))),
        score=score,
        tiers=tuple(tiers),
        sanctions=tuple(sanctions),
        actions=tuple(acts),
    )


def _setter(scope: Scope, attr: M.Attribute, depth: int) -> st.SearchStrategy[E.Expr]:
    return expressions(scope, of_attr_type(attr.type, f"`{attr.name}`"), depth)


def _define_types(attributes: tuple[M.Attribute, ...], defines: list[M.Define]) -> dict[str, Type]:

    probe = M.Ruleset("probe", attributes, defines=tuple(defines))
    scope = TypeScope(probe, [])
    out: dict[str, Type] = {}
    for d in defines:
        t = scope.resolve(E.Var(d.name))
        if t is not None:
            out[d.name] = t
    return out
