"""The reference evaluator: one citizen → outcome with a trace, the exact semantics of DESIGN §2.

Pure Python over the IR (never `eval`, never `z3`). Ints are unbounded, `//` and `%` follow
Python, reals are `Fraction`s. The score is `clamp(base + Σ add of firing rules)`, the tier is the
first whose `when` holds (`None` if none does: then `tier == 'X'` is false for every `X`), a
sanction is imposed iff its `when` holds. Defines, the score, the tier and the sanctions are
computed lazily, once each, when first read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from functools import partial
from typing import assert_never

from ruleproof.errors import InternalError
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.ruleset import Num, Value
from ruleproof.language.values import fmt_value
from ruleproof.semantics.algebra import (
    clamp_value,
    compare,
    first_index,
    floordiv,
    floormod,
    score_value,
)
from ruleproof.semantics.outcome import Outcome, RuleFiring, SanctionWhy, Trace

Lookup = Callable[[E.Var], Value | None]


def _num(v: Value | None) -> int | Fraction:
    assert isinstance(v, int | Fraction) and not isinstance(v, bool), v
    return v


def eval_expr(e: E.Expr, lookup: Lookup) -> Value | None:
    """The value of a well-typed expression; `None` only for the tier of an uncovered citizen."""
    match e:
        case E.BoolLit(v) | E.IntLit(v) | E.RealLit(v) | E.EnumLit(v):
            return v
        case E.Var():
            return lookup(e)
        case E.Neg(arg):
            return -_num(eval_expr(arg, lookup))
        case E.Not(arg):
            return not eval_expr(arg, lookup)
        case E.Arith(op, left, right):
            x, y = _num(eval_expr(left, lookup)), _num(eval_expr(right, lookup))
            if op == "+":
                return x + y
            if op == "-":
                return x - y
            if op == "*":
                return x * y
            if op == "//":
                return floordiv(x, y)  # type: ignore[arg-type]  # ints only (typecheck)
            return floormod(x, y)  # type: ignore[arg-type]
        case E.Compare(ops, operands):
            values = [eval_expr(o, lookup) for o in operands]
            for cmp, a, b in zip(ops, values, values[1:], strict=False):
                if not compare(cmp, a, b):
                    return False
            return True
        case E.And(args):
            return all([bool(eval_expr(a, lookup)) for a in args])
        case E.Or(args):
            return any([bool(eval_expr(a, lookup)) for a in args])
        case E.IfElse(cond, then, orelse):
            return eval_expr(then, lookup) if eval_expr(cond, lookup) else eval_expr(orelse, lookup)
        case E.In(item, options, negated):
            needle = eval_expr(item, lookup)
            found = any(compare("==", needle, eval_expr(o, lookup)) for o in options)
            return found != negated
        case E.Call(func, args):
            vals = [eval_expr(a, lookup) for a in args]
            if func == "implies":
                return (not vals[0]) or bool(vals[1])
            if func == "abs":
                x = _num(vals[0])
                return -x if x < 0 else x
            nums = [_num(v) for v in vals]
            return min(nums) if func == "min" else max(nums)
        case E.FirstMatch(branches, default):
            i = first_index(partial(eval_expr, c, lookup) for c, _ in branches)
            return eval_expr(default if i is None else branches[i][1], lookup)
        case _:
            assert_never(e)


class State:
    """One citizen's values with every derived value computed lazily and memoized."""

    def __init__(
        self,
        ruleset: M.Ruleset,
        citizen: Mapping[str, Value],
        params: Mapping[str, Value] | None = None,
    ) -> None:
        self.ruleset = ruleset
        self.citizen = citizen
        self.params = params or {}
        self.memo: dict[str, Value | None] = {}
        self._defines = {d.name: d for d in ruleset.defines}
        self._sanctions = {s.name: s for s in ruleset.sanctions}
        self._active: set[str] = set()
        self.firings: list[RuleFiring] = []
        self.raw_score: Num | None = None

    def lookup(self, var: E.Var) -> Value | None:
        name = var.name
        if name in self.params:
            return self.params[name]
        if name in self.citizen:
            return self.citizen[name]
        if name in self.memo:
            return self.memo[name]
        if name in self._active:
            raise InternalError(f"cycle through `{name}` reached the evaluator")
        self._active.add(name)
        value = self._compute(name)
        self._active.discard(name)
        self.memo[name] = value
        return value

    def get(self, name: str) -> Value | None:
        return self.lookup(E.Var(name))

    def _compute(self, name: str) -> Value | None:
        if name in self._defines:
            return eval_expr(self._defines[name].expr, self.lookup)
        if name in self._sanctions:
            return bool(eval_expr(self._sanctions[name].when, self.lookup))
        if name == "sanctioned":
            return any(self.get(s) for s in self._sanctions)
        if name == "score":
            return self._score()
        if name == "tier":
            tiers = self.ruleset.tiers
            i = first_index(partial(eval_expr, t.when, self.lookup) for t in tiers)
            return None if i is None else tiers[i].id
        raise InternalError(f"unknown name `{name}` reached the evaluator")

    def _score(self) -> Num:
        sc = self.ruleset.score
        assert sc is not None
        total = score_value(sc.base, sc.real)
        self.firings = []
        for r in sc.rules:
            fired = self._fire(r)
            if fired is not None:
                total += fired[1]
                self.firings.append(RuleFiring(fired[0], fired[1], total))
        self.raw_score = total
        return score_value(clamp_value(total, sc.lo, sc.hi), sc.real)

    def _fire(self, r: M.ScoreRule) -> tuple[str, Num] | None:
        """(the id shown in the trace, what it adds) when the rule fires, else None.

        A group fires when one of its cases does, and the trace names that case.
        """
        if r.cases:
            i = first_index(partial(eval_expr, c.when, self.lookup) for c in r.cases)
            if i is None:
                return None
            case = r.cases[i]
            return case.id, _num(eval_expr(case.add, self.lookup))
        if not eval_expr(r.when, self.lookup):
            return None
        return r.id, _num(eval_expr(r.add, self.lookup))


def evaluate(ruleset: M.Ruleset, citizen: Mapping[str, Value]) -> Outcome:
    """Score, tier, sanctions, defines and the trace for one citizen (assumed valid)."""
    st = State(ruleset, citizen)
    score = st.get("score") if ruleset.score is not None else None
    tier = st.get("tier") if ruleset.tiers else None
    whys = []
    for s in ruleset.sanctions:
        imposed = bool(st.get(s.name))
        used = sorted(E.names(s.when))
        whys.append(SanctionWhy(s.name, imposed, s.when_text, tuple((n, st.get(n)) for n in used)))
    defines = {d.name: st.get(d.name) for d in ruleset.defines}
    trace = Trace(
        base=ruleset.score.base if ruleset.score else None,
        rules=tuple(st.firings),
        raw_score=st.raw_score,
        clamped=st.raw_score is not None and st.raw_score != score,
        tier=tier if isinstance(tier, str) else None,
        sanctions=tuple(whys),
    )
    assert score is None or isinstance(score, int | Fraction)
    return Outcome(
        score,
        tier if isinstance(tier, str) else None,
        tuple(sorted(w.name for w in whys if w.imposed)),
        defines,
        trace,
    )


def holds(ruleset: M.Ruleset, e: E.Expr, citizen: Mapping[str, Value]) -> bool:
    """Whether a bool expression holds for a citizen."""
    return bool(eval_expr(e, State(ruleset, citizen).lookup))


def in_domain(ruleset: M.Ruleset, citizen: Mapping[str, Value]) -> str | None:
    """None if the citizen is possible (values in range, every `assume` holds), else why not."""
    for a in ruleset.attributes:
        if a.name not in citizen:
            return f"`{a.name}` is missing"
        v = citizen[a.name]
        match a.type:
            case M.BoolType():
                ok = isinstance(v, bool)
            case M.IntType(lo, hi):
                ok = isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi
            case M.RealType(lo, hi):
                ok = isinstance(v, int | Fraction) and not isinstance(v, bool) and lo <= v <= hi
            case M.EnumType(values):
                ok = isinstance(v, str) and v in values
        if not ok:
            return f"`{a.name}` = {fmt_value(v)} is outside {a.type}"
    st = State(ruleset, citizen)
    for asm in ruleset.assumptions:
        if not eval_expr(asm.expr, st.lookup):
            return f"assume #{asm.index} `{asm.text}` does not hold"
    return None


def step(
    ruleset: M.Ruleset, action: M.Action, citizen: Mapping[str, Value], params: Mapping[str, Value]
) -> tuple[dict[str, Value] | None, str]:
    """Apply an action: the new state, or None and why the action is not enabled.

    An action is enabled iff its params are in range, its `when` holds, and the state it leads
    to is possible (every set value in range, every `assume` true). `set` is simultaneous.
    """
    for p in action.params:
        probe = M.Attribute(p.name, p.type)
        if p.name not in params:
            return None, f"param `{p.name}` is missing"
        r = in_domain(M.Ruleset(id="p", attributes=(probe,)), {p.name: params[p.name]})
        if r is not None:
            return None, f"param {r}"
    st = State(ruleset, citizen, params)
    if not eval_expr(action.when, st.lookup):
        used = sorted(E.names(action.when))
        vals = ", ".join(f"{n}={fmt_value(st.get(n))}" for n in used)
        return None, f"`when` is false: {action.when_text}" + (f" ({vals})" if vals else "")
    new = dict(citizen)
    for s in action.sets:
        v = eval_expr(s.expr, st.lookup)
        assert v is not None
        attr = ruleset.attribute(s.attribute)
        if isinstance(attr.type, M.RealType) and isinstance(v, int):
            v = Fraction(v)
        new[s.attribute] = v
    why = in_domain(ruleset, new)
    if why is not None:
        return None, f"the new state is impossible: {why}"
    return new, "enabled"
