"""Scorecard rules as one step function per attribute.

Many score rules read one attribute only and only by comparing it with constants (`age < 25`,
`debt == 0`, a `one_of` group binning one variable, `x` or `not x` for a bool). For a fixed
attribute `x`, the sum of all such rules is a function of `x` alone that is constant on the
classes of `x`'s thresholds (each threshold, and each open interval between consecutive ones;
`ruleproof.population.counterfactual.classes`), so it is a step function: one value per class,
computed here by folding the rules with `x` fixed to the class's representative
(`ruleproof.population.fold`, which evaluates closed expressions with the reference evaluator),
exactly. In SQL it is one `CASE` per attribute (flat over the class boundaries, or a binary
search over flat pieces when there are many) instead of one `CASE` per rule. Bools and enums
take one branch per domain value; an int read otherwise (`x // 10`) qualifies when its range has
at most `MAX_ENUMERATED` values. The structure allows a branch to keep rules open (`Branch`) for
owners of rules that read more attributes; `OWNED_READS` says why that stays off.

`split_rules(ruleset, scales)` sorts the score rules into `Steps`: the constant part (rules that
read nothing), the step function of each owning attribute, and the rest (rules compiled one by
one). Only values inside the attribute's declared range matter (a value outside it is refused
before scoring). The differential tests (`tests/test_population_sql.py`, the realistic
scorecards above all) compare the resulting score with the reference evaluator on every
threshold and range end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.population.counterfactual import classes, thresholds_in
from ruleproof.population.fold import fold
from ruleproof.population.numtypes import NumType, hull
from ruleproof.population.sqlexpr import Val, cast, num_literal, str_literal

MAX_ENUMERATED = 128
FLAT_MAX = 16
# Rules reading more attributes could be owned by one of them too (the CASE's branches then
# keep them open), but DuckDB ran that slower: 0.65 s against 0.54 s of CPU per million rows
# of the benchmark ruleset (benchmarks/impact.py). So a step owns single-attribute rules.
OWNED_READS = 1


@attrs.frozen
class Branch:
    """One class of the owner's values (from `start` to the next branch's start, exclusive, for
    numbers; one domain value for bools and enums): what the owned rules add there, as a
    constant and the rules still open once the owner is fixed (`fold`)."""

    start: M.Value
    constant: M.Num
    rules: tuple[M.ScoreRule, ...]


@attrs.frozen
class Step:
    """The rules owned by attribute `name`, as one `CASE` over its classes."""

    name: str
    rules: tuple[M.ScoreRule, ...]
    branches: tuple[Branch, ...]


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


def _branch(rules: Sequence[M.ScoreRule], name: str, v: M.Value) -> Branch:
    """The owned rules with `name = v`: those it decides become a constant (the reference
    evaluator's value, through `fold`), the others stay open."""
    constant: M.Num = 0
    open_: list[M.ScoreRule] = []
    for r in rules:
        when, add = fold(r.when, {name: v}), fold(r.add, {name: v})
        if isinstance(when, E.BoolLit) and not when.value:
            continue
        if isinstance(when, E.BoolLit) and isinstance(add, E.IntLit | E.RealLit):
            constant += add.value
            continue
        open_.append(attrs.evolve(r, when=when, add=add))
    return Branch(v, constant, tuple(open_))


def step_of(a: M.Attribute, rules: Sequence[M.ScoreRule], scale: int) -> Step | None:
    """The step function of `rules` (owned by `a`), or None when no finite set of values is
    known to stand for `a`'s range."""
    reps = _domain(a, rules, scale)
    if reps is None:
        return None
    out: list[Branch] = []
    numeric = isinstance(a.type, M.IntType | M.RealType)
    for v in reps:
        b = _branch(rules, a.name, v)
        last = out[-1] if out else None
        if numeric and last and (last.constant, last.rules) == (b.constant, b.rules):
            continue  # the same as the class below: one class
        out.append(b)
    return Step(a.name, tuple(rules), tuple(out))


def _candidates(ruleset: M.Ruleset, r: M.ScoreRule) -> list[str]:
    """The attributes that can own `r`: read by it only in comparisons with constants (or of a
    small finite domain)."""
    out = []
    if len(r.reads) > OWNED_READS:
        return []
    order = {a.name: i for i, a in enumerate(ruleset.attributes)}
    for name in sorted(r.reads, key=lambda n: order[n]):
        t = ruleset.attribute(name).type
        finite = isinstance(t, M.BoolType | M.EnumType)
        few = isinstance(t, M.IntType) and t.hi - t.lo < MAX_ENUMERATED and len(r.reads) == 1
        if finite or few or thresholds_in((r.when, r.add), name)[1] is None:
            out.append(name)
    return out


def split_rules(ruleset: M.Ruleset, scales: Mapping[str, int]) -> Steps:
    """The score's rules sorted into a constant, step functions and the rest (docstring)."""
    sc = ruleset.score
    assert sc is not None
    constant: M.Num = sc.base
    rest: list[M.ScoreRule] = []
    cands: dict[str, list[str]] = {}
    for r in sc.rules:
        if not r.reads:
            constant += _branch([r], "", False).constant
        elif all(n in ruleset.attribute_index for n in r.reads) and _candidates(ruleset, r):
            cands[r.id] = _candidates(ruleset, r)
        else:
            rest.append(r)
    count = Counter(n for names in cands.values() for n in names)
    by_attr: dict[str, list[M.ScoreRule]] = {}
    for r in sc.rules:
        if r.id in cands:
            owner = max(cands[r.id], key=lambda n: count[n])  # the first of the most shared
            by_attr.setdefault(owner, []).append(r)
    steps: list[Step] = []
    for name, rules in by_attr.items():
        step = step_of(ruleset.attribute(name), rules, scales.get(name, 0))
        if step is None or len(rules) == 1:
            rest.extend(rules)  # one rule in a CASE of its own is no slower
        else:
            steps.append(step)
    order = {r.id: i for i, r in enumerate(sc.rules)}
    rest.sort(key=lambda r: order[r.id])
    return Steps(constant, tuple(steps), tuple(rest))


def step_sql(step: Step, x: Val, attr_type: NumType | None, branches: Sequence[Val]) -> Val:
    """SQL for `step` on the attribute column `x` (typed `attr_type` for numbers), given the SQL
    of each branch: a search over the class starts, or a `CASE` over the domain values."""
    t = hull(*(b.num for b in branches))
    values = [(b.start, cast(v, t)) for b, v in zip(step.branches, branches, strict=True)]
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
