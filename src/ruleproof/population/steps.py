"""Scorecard rules as one step function per attribute.

Many score rules read one attribute only and only by comparing it with constants (`age < 25`,
`debt == 0`, a `one_of` group binning one variable, `x` or `not x` for a bool). For a fixed
attribute `x`, the sum of all such rules is a function of `x` alone that is constant on the
classes of `x`'s thresholds (each threshold, and each open interval between consecutive ones;
`ruleproof.population.counterfactual.classes`), so it is a step function: one value per class,
computed here by the reference evaluator (`eval_expr`) at the class's representative, exactly.
In SQL it is one `CASE` per attribute (flat over the class boundaries, or a binary search over
flat pieces when there are many) instead of one `CASE` per rule. Bools and enums take one value
per domain value; an int read otherwise (`x // 10`) qualifies when its range has at most
`MAX_ENUMERATED` values.

`split_rules(ruleset, scales)` sorts the score rules into `Steps`: the constant part (rules that
read nothing), the step function of each attribute, and the rest (rules compiled one by one).
Only values inside the attribute's declared range matter (a value outside it is refused before
scoring). The differential tests (`tests/test_population_sql.py`) compare the resulting score
with the reference evaluator on every threshold and range end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.population.counterfactual import classes, thresholds_in
from ruleproof.population.numtypes import NumType, const, hull
from ruleproof.population.sqlexpr import Val, num_literal, str_literal
from ruleproof.semantics.evaluate import eval_expr

MAX_ENUMERATED = 128
FLAT_MAX = 16


@attrs.frozen
class Step:
    """The summed rules of one attribute: `(start, value)` per class, sorted by `start`
    (numbers: the class runs from its start to the next class's start, exclusive), or one
    entry per domain value (bools and enums)."""

    name: str
    rules: tuple[M.ScoreRule, ...]
    classes: tuple[tuple[M.Value, M.Num], ...]


@attrs.frozen
class Steps:
    constant: M.Num  # the base plus every rule that reads nothing
    steps: tuple[Step, ...]
    rest: tuple[M.ScoreRule, ...]


def _domain(a: M.Attribute, rules: Sequence[M.ScoreRule], scale: int) -> list[M.Value] | None:
    """Values of `a` standing for its whole range as far as `rules` can tell, or None."""
    match a.type:
        case M.BoolType():
            return [False, True]
        case M.EnumType(values):
            return list(values)
        case M.IntType(lo, hi) | M.RealType(lo, hi):
            exprs = [x for r in rules for x in (r.when, r.add)]
            cuts, other = thresholds_in(exprs, a.name)
            step = Fraction(1, 10**scale) if isinstance(a.type, M.RealType) else Fraction(1)
            if other is None:
                reps = classes(Fraction(lo), Fraction(hi), cuts, step)
            elif isinstance(a.type, M.IntType) and a.type.hi - a.type.lo < MAX_ENUMERATED:
                reps = [Fraction(v) for v in range(a.type.lo, a.type.hi + 1)]
            else:
                return None
            return [int(v) for v in reps] if isinstance(a.type, M.IntType) else list(reps)


def _value(rules: Sequence[M.ScoreRule], name: str, v: M.Value) -> M.Num:
    """`Σ add` of the rules whose `when` holds for `name = v` (the reference evaluator)."""

    def lookup(var: E.Var) -> M.Value:
        return v

    total: M.Num = 0
    for r in rules:
        if eval_expr(r.when, lookup):
            add = eval_expr(r.add, lookup)
            assert isinstance(add, int | Fraction) and not isinstance(add, bool), add
            total += add
    return total


def step_value(step: Step, v: M.Value) -> M.Num:
    """The step function's value at `v` (the reference evaluator on its rules)."""
    return _value(step.rules, step.name, v)


def step_of(a: M.Attribute, rules: Sequence[M.ScoreRule], scale: int) -> Step | None:
    """The step function of `rules` (each reading only `a`), or None when no finite set of
    values is known to stand for `a`'s range."""
    reps = _domain(a, rules, scale)
    if reps is None:
        return None
    out: list[tuple[M.Value, M.Num]] = []
    numeric = isinstance(a.type, M.IntType | M.RealType)
    for v in reps:
        value = _value(rules, a.name, v)
        if numeric and out and out[-1][1] == value:
            continue  # the same value as the class below: one class
        out.append((v, value))
    return Step(a.name, tuple(rules), tuple(out))


def split_rules(ruleset: M.Ruleset, scales: Mapping[str, int]) -> Steps:
    """The score's rules sorted into a constant, step functions and the rest (docstring)."""
    sc = ruleset.score
    assert sc is not None
    constant: M.Num = sc.base
    by_attr: dict[str, list[M.ScoreRule]] = {}
    rest: list[M.ScoreRule] = []
    for r in sc.rules:
        reads = r.reads
        if not reads:
            constant += _value([r], "", False)
        elif len(reads) == 1 and next(iter(reads)) in ruleset.attribute_index:
            by_attr.setdefault(next(iter(reads)), []).append(r)
        else:
            rest.append(r)
    steps: list[Step] = []
    for name, rules in by_attr.items():
        step = step_of(ruleset.attribute(name), rules, scales.get(name, 0))
        if step is None or (len(rules) == 1 and len(step.classes) > 8):
            rest.extend(rules)  # one rule in a CASE is no slower than a long step function
        else:
            steps.append(step)
    order = {r.id: i for i, r in enumerate(sc.rules)}
    rest.sort(key=lambda r: order[r.id])
    return Steps(constant, tuple(steps), tuple(rest))


def step_sql(step: Step, x: Val, attr_type: NumType | None) -> Val:
    """SQL for `step` applied to the attribute column `x` (typed `attr_type` for numbers):
    a search over the class starts (`_search`), or a `CASE` over the domain values."""
    t = hull(*(const(v) for _, v in step.classes))
    values = [(k, num_literal(v, t).text) for k, v in step.classes]
    if x.kind == "num":
        assert attr_type is not None
        return Val(_search(x.text, values, attr_type), "num", t)
    if x.kind == "bool":
        by = dict(values)
        if by[True] == by[False]:
            return Val(by[True], "num", t)
        return Val(f"(CASE WHEN {x.text} THEN {by[True]} ELSE {by[False]} END)", "num", t)
    # enum: the most common value is the ELSE; the others are IN lists
    groups: dict[str, list[M.Value]] = {}
    for k, text in values:
        groups.setdefault(text, []).append(k)
    ordered = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    whens = " ".join(
        f"WHEN {x.text} IN ({', '.join(str_literal(str(k)) for k in keys)}) THEN {text}"
        for text, keys in ordered[1:]
    )
    return Val(f"(CASE {whens} ELSE {ordered[0][0]} END)" if whens else ordered[0][0], "num", t)


def _search(x: str, values: list[tuple[M.Value, str]], attr_type: NumType) -> str:
    """A flat `CASE` over up to `FLAT_MAX` classes (DuckDB runs a short flat `CASE` faster than
    a tree), split in halves above that."""

    def bound(v: M.Value) -> str:
        assert isinstance(v, int | Fraction) and not isinstance(v, bool)
        return num_literal(v, attr_type).text

    if len(values) == 1:
        return values[0][1]
    if len(values) <= FLAT_MAX:
        whens = " ".join(
            f"WHEN {x} < {bound(values[i + 1][0])} THEN {text}"
            for i, (_, text) in enumerate(values[:-1])
        )
        return f"(CASE {whens} ELSE {values[-1][1]} END)"
    mid = len(values) // 2
    left, right = _search(x, values[:mid], attr_type), _search(x, values[mid:], attr_type)
    return f"(CASE WHEN {x} < {bound(values[mid][0])} THEN {left} ELSE {right} END)"
