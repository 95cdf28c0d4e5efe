"""Bounds on a sum of score rules, tighter than adding up each rule's interval.

`sum_bounds(ruleset, rules)` returns `(lo, hi)`, integers with `lo <= Σ contributions <= hi`
for every citizen in range, or None when some rule's contribution has no integer bounds. Rules
of the scorecard form — a condition on one attribute (comparisons with literals, `and`,
`not`; `!=` only on enums) and a constant integer `add` — are grouped by that attribute and
each group's sum is bounded exactly over the attribute's values: a sweep over the value
intervals each rule fires on for an int, every value for a bool or an enum. Every other rule
adds its own interval (`spec.intervals`). Sound because a group's sum depends on its attribute
alone; tighter because rules on one attribute that cannot fire together (`x >= 60`, `x < 30`)
are not both counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.memo import per_ruleset
from ruleproof.semantics.atoms import IntRange, atom, int_interval
from ruleproof.semantics.intervals import Bounds

Fires = IntRange | frozenset[bool] | frozenset[str]  # ints (None: unbounded), bools or enum values


def fires_at(fires: Fires, value: M.Value) -> bool:
    """Whether a rule firing on `fires` fires at this value of its attribute."""
    if isinstance(fires, tuple):
        lo, hi = fires
        return (
            isinstance(value, int) and (lo is None or lo <= value) and (hi is None or value <= hi)
        )
    return value in fires


def sum_bounds(ruleset: M.Ruleset, rules: Iterable[M.ScoreRule]) -> tuple[int, int] | None:
    """Bounds on what `rules` add together (see the module docstring)."""
    rules = list(rules)
    kept, lo, hi = bounded_sum(ruleset, rules)
    return (lo, hi) if len(kept) == len(rules) else None


def bounded_sum(
    ruleset: M.Ruleset, rules: Iterable[M.ScoreRule]
) -> tuple[list[M.ScoreRule], int, int]:
    """The rules whose contributions have integer bounds, and bounds on their sum."""
    bounds = Bounds(ruleset)
    groups: dict[str, list[tuple[Fires, int]]] = {}
    kept: list[M.ScoreRule] = []
    lo = hi = 0
    for r in rules:
        simple = simple_rule(ruleset, r)
        if simple is not None:
            name, fires, add = simple
            groups.setdefault(name, []).append((fires, add))
            kept.append(r)
            continue
        clo, chi = bounds.contribution(r)
        if type(clo) is not int or type(chi) is not int:
            continue
        kept.append(r)
        lo, hi = lo + clo, hi + chi
    for name, group in groups.items():
        glo, ghi = _group_range(ruleset.attribute(name).type, group)
        lo, hi = lo + glo, hi + ghi
    return kept, lo, hi


def _group_range(typ: M.AttrType, group: list[tuple[Fires, int]]) -> tuple[int, int]:
    sums = [total for _, total in group_steps(typ, group)]
    return min(sums), max(sums)


def group_steps(typ: M.AttrType, group: list[tuple[Fires, int]]) -> list[tuple[M.Value, int]]:
    """What a group of rules on one attribute adds, as a function of that attribute's value.

    For an int: `(first value, sum)` for each run of values with one sum, in increasing order,
    the first run starting at the range's low end. For a bool or an enum: `(value, sum)` for
    every value of the type.
    """
    if isinstance(typ, M.IntType):
        events: dict[int, int] = {}
        at_lo = 0
        for fires, add in group:
            assert isinstance(fires, tuple)
            start = typ.lo if fires[0] is None else max(fires[0], typ.lo)
            end = typ.hi if fires[1] is None else min(fires[1], typ.hi)
            if start > end:
                continue
            if start == typ.lo:
                at_lo += add
            else:
                events[start] = events.get(start, 0) + add
            if end < typ.hi:
                events[end + 1] = events.get(end + 1, 0) - add
        steps: list[tuple[M.Value, int]] = [(typ.lo, at_lo)]
        total = at_lo
        for p in sorted(events):
            total += events[p]
            if total != steps[-1][1]:
                steps.append((p, total))
        return steps
    values: tuple[M.Value, ...]
    match typ:
        case M.BoolType():
            values = (False, True)
        case M.EnumType(vs):
            values = vs
        case _:
            raise AssertionError(typ)
    return [(v, sum(add for fires, add in group if fires_at(fires, v))) for v in values]


Simple = tuple[str, Fires, int]  # (attribute, where the rule fires, constant add)


@per_ruleset
def _simple_memo(ruleset: M.Ruleset) -> dict[int, tuple[M.ScoreRule, Simple | None]]:
    return {}  # id(rule) → (rule, its `simple_rule`)


def simple_rule(ruleset: M.Ruleset, r: M.ScoreRule) -> Simple | None:
    """(attribute, where the rule fires, constant add) for a rule of the scorecard form (see
    the module docstring), else None. Memoised per ruleset object and rule."""
    return simple_rules(ruleset, (r,))[0]


def simple_rules(ruleset: M.Ruleset, rules: Iterable[M.ScoreRule]) -> list[Simple | None]:
    """`simple_rule` of each rule."""
    memo = _simple_memo(ruleset)
    out: list[Simple | None] = []
    for r in rules:
        hit = memo.get(id(r))
        if hit is None or hit[0] is not r:
            hit = memo[id(r)] = (r, _simple_rule(ruleset, r))
        out.append(hit[1])
    return out


def _simple_rule(ruleset: M.Ruleset, r: M.ScoreRule) -> Simple | None:
    add = _constant(r.add)
    if add is None:
        return None
    names = r.reads  # the add is a constant: the names of the condition
    if len(names) != 1:
        return None
    (name,) = names
    a = ruleset.attribute_index.get(name)
    if a is None:
        return None
    fires = _fires(r.when, name, a.type)
    return None if fires is None else (name, fires, add)


def _constant(e: E.Expr) -> int | None:
    match e:
        case E.IntLit(v):
            return v
        case E.Neg(E.IntLit(v)):
            return -v
    return None


def _fires(e: E.Expr, name: str, typ: M.AttrType) -> Fires | None:
    """The values of attribute `name` for which `e` holds, in the form its type allows."""
    if isinstance(e, E.And):
        parts = [_fires(x, name, typ) for x in e.args]
        if any(p is None for p in parts):
            return None
        return _intersect([p for p in parts if p is not None])
    a = atom(e, {name: typ})
    if a is None or a.name != name:
        return None
    match typ:
        case M.BoolType():
            assert isinstance(a.value, bool)
            return frozenset({a.value}) if a.op == "==" else frozenset({not a.value})
        case M.EnumType(values):
            assert isinstance(a.value, str)
            return frozenset({a.value} if a.op == "==" else set(values) - {a.value})
        case M.IntType():
            assert isinstance(a.value, int | Fraction)
            return int_interval(a.op, a.value)
    return None


def _intersect(parts: list[Fires]) -> Fires | None:
    first = parts[0] if parts else None
    if first is None:
        return None
    if isinstance(first, tuple):
        lo: int | None = None
        hi: int | None = None
        for p in parts:
            if not isinstance(p, tuple):
                return None
            lo = p[0] if lo is None else lo if p[0] is None else max(lo, p[0])
            hi = p[1] if hi is None else hi if p[1] is None else min(hi, p[1])
        return lo, hi
    out: frozenset[object] = frozenset(first)
    for p in parts[1:]:
        if isinstance(p, tuple):
            return None
        out &= p
    return out  # type: ignore[return-value]
