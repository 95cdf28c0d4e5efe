"""Counterfactual values: a finite set of values of an attribute that stands for all of them.

"Changing only attribute x" means trying every other value of x's declared domain. Bools and
enums are finite. For an int or real attribute that the ruleset (rules, defines, tiers,
sanctions, `assume`) only ever compares with constants (`x < c`, `c <= x <= d`, `x == c`,
`x in [c, d]`), every value of x with the same position relative to every such constant c
(below, equal, above) makes every one of those comparisons, and so every output, come out the
same when the rest of the citizen is fixed. One representative per such class is therefore as
good as every value: the classes are each constant c in range and each open interval between
consecutive constants (and the range ends), and the representative is the interval's smallest
value at the attribute's scale. An attribute that is read any other way (in arithmetic, compared
with another attribute) is enumerated value by value when its range has at most `MAX_VALUES`
ints, and refused otherwise (RP704): no finite set of values is then known to be enough.

Several attributes varied jointly take the product of their representatives (each comparison
reads one attribute, so the classes multiply). The tests compare these counts with brute-force
enumeration through the reference evaluator.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from fractions import Fraction

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.semantics.evaluate import eval_expr

MAX_VALUES = 256
MAX_ALTERNATIVES = 1024


def _exprs(ruleset: M.Ruleset) -> Iterator[E.Expr]:
    yield from (a.expr for a in ruleset.assumptions)
    yield from (d.expr for d in ruleset.defines)
    if ruleset.score:
        for r in ruleset.score.rules:
            yield r.when
            yield r.add
    yield from (t.when for t in ruleset.tiers)
    yield from (s.when for s in ruleset.sanctions)


def _constant(e: E.Expr) -> Fraction | None:
    if E.free_vars(e):
        return None
    v = eval_expr(e, lambda _v: None)
    if isinstance(v, bool) or not isinstance(v, int | Fraction):
        return None
    return Fraction(v)


def thresholds(ruleset: M.Ruleset, name: str) -> tuple[set[Fraction], E.Expr | None]:
    """The constants `name` is compared with, and the first place it is read otherwise (or
    None when it is only ever compared with constants)."""
    found: set[Fraction] = set()
    stack = list(_exprs(ruleset))
    while stack:
        node = stack.pop()
        if isinstance(node, E.Var):
            if node.name == name:
                return found, node
            continue
        if isinstance(node, E.Compare):
            ops = node.operands
            for i, o in enumerate(ops):
                if isinstance(o, E.Var) and o.name == name:
                    for j in (i - 1, i + 1):
                        if 0 <= j < len(ops):
                            c = _constant(ops[j])
                            if c is None:
                                return found, node
                            found.add(c)
                else:
                    stack.append(o)
            continue
        if isinstance(node, E.In) and isinstance(node.item, E.Var) and node.item.name == name:
            for o in node.options:
                c = _constant(o)
                if c is None:
                    return found, node
                found.add(c)
            continue
        stack.extend(E.children(node))
    return found, None


def _refuse(a: M.Attribute, why: str, at: E.Expr | None) -> RulesetError:
    span = at.span if at is not None else a.span
    return RulesetError(
        [
            Diagnostic(
                "RP704",
                f"cannot try every value of `{a.name}` ({a.type})",
                span,
                why=why,
                fix="vary an attribute the rules only compare with constants, or narrow its range",
            )
        ]
    )


def representatives(ruleset: M.Ruleset, name: str, scale: int) -> list[M.Value]:
    """Values of attribute `name` that stand for its whole domain (module docstring)."""
    a = ruleset.attribute(name)
    match a.type:
        case M.BoolType():
            return [False, True]
        case M.EnumType(values):
            return list(values)
        case M.IntType(lo, hi):
            cuts, other = thresholds(ruleset, name)
            if other is None:
                return [int(v) for v in _classes(Fraction(lo), Fraction(hi), cuts, Fraction(1))]
            if hi - lo + 1 <= MAX_VALUES:
                return list(range(lo, hi + 1))
            raise _refuse(
                a,
                f"it is read here other than by a comparison with a constant, "
                f"and its range has more than {MAX_VALUES} values",
                other,
            )
        case M.RealType(lo, hi):
            cuts, other = thresholds(ruleset, name)
            if other is not None:
                raise _refuse(
                    a,
                    "a real attribute read other than by comparisons with "
                    "constants has infinitely many relevant values",
                    other,
                )
            return list(_classes(lo, hi, cuts, Fraction(1, 10**scale)))


def _classes(lo: Fraction, hi: Fraction, cuts: set[Fraction], step: Fraction) -> list[Fraction]:
    """One value (a multiple of `step`) in `[lo, hi]` per class of the cut points: each cut
    point that is such a value, and the smallest such value of each open interval between them."""
    points = sorted(c for c in cuts if lo <= c <= hi)
    out: list[Fraction] = []
    prev: Fraction | None = None
    for c in [*points, None]:
        start = lo if prev is None else max(lo, _next_multiple(prev, step))
        if start <= hi and (c is None or start < c):
            out.append(start)
        if c is not None and (c / step).denominator == 1:
            out.append(c)
        prev = c
    return sorted(set(out))


def _next_multiple(v: Fraction, step: Fraction) -> Fraction:
    """The smallest multiple of `step` strictly greater than `v`."""
    return (math.floor(v / step) + 1) * step


def alternatives(
    ruleset: M.Ruleset, names: Sequence[str], scales: dict[str, int]
) -> list[dict[str, M.Value]]:
    """Every combination of the representatives of `names`; raises RP704 past the limit."""
    reps = [representatives(ruleset, n, scales.get(n, 0)) for n in names]
    total = math.prod(len(r) for r in reps)
    if total > MAX_ALTERNATIVES:
        a = ruleset.attribute(names[0])
        raise RulesetError(
            [
                Diagnostic(
                    "RP704",
                    f"varying {', '.join(names)} jointly needs {total} alternatives "
                    f"(at most {MAX_ALTERNATIVES})",
                    a.span,
                    fix="vary fewer attributes at once",
                )
            ]
        )
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*reps)]


def check_name(ruleset: M.Ruleset, name: str, where: str) -> None:
    """Raise RP703 unless `name` is an attribute."""
    if name not in ruleset.attribute_index:
        from ruleproof.errors import did_you_mean

        hint = did_you_mean(name, [a.name for a in ruleset.attributes])
        raise RulesetError(
            [
                Diagnostic(
                    "RP703", f"`{name}` is not an attribute", Span.point(where, 1, 1), fix=hint
                )
            ]
        )
