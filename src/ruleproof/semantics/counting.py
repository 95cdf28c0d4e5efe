"""Exact counting: how many possible citizens a violated property affects.

`count_affected(ruleset, query)` enumerates, with the evaluator, every combination of the
attributes the query can depend on (its support, the varied attributes and every attribute an
`assume` reads); all other attributes are independent of both the property and the domain, so
the share of affected citizens is exact over the whole typed domain. An int attribute compared
only with constants is enumerated as one representative per interval between thresholds,
weighted by the interval's length, which keeps the count exact over large ranges. A one-citizen
query counts citizens `a` that violate it; a pair query with varied attributes `S` counts
citizens `a` for which some `b`, equal outside `S`, completes a violation. Returns `None` when
the space is infinite (a real attribute matters), too large to enumerate, or the query is not of
these shapes.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.support import name_support, support_sets
from ruleproof.semantics.evaluate import in_domain
from ruleproof.semantics.templates import Query
from ruleproof.semantics.validate import holds_relational

DEFAULT_LIMIT = 50_000


@attrs.frozen
class Count:
    affected: int
    possible: int
    over: tuple[str, ...]  # the attributes enumerated

    def ratio_text(self) -> str:
        """ "1 in 40" style text, with the exact counts."""
        if self.affected == 0 or self.possible == 0:
            return f"0 of {self.possible:,}"
        frac = self.affected / self.possible
        head = f"1 in {round(1 / frac):,}" if frac <= 0.5 else f"{frac:.0%}"
        return (
            f"{head} ({self.affected:,} of {self.possible:,} combinations of "
            f"{', '.join(self.over)})"
        )


Weighted = list[tuple[M.Value, int]]  # representative value, how many values it stands for


def threshold_cuts(exprs: list[E.Expr]) -> dict[str, set[int] | None]:
    """For each name: the int thresholds it is compared with, or None if it is used otherwise.

    A name that only ever meets int constants in comparisons and `in` lists behaves the same on
    every value between two consecutive cut points, so counting can weigh one representative per
    interval instead of enumerating the range.
    """
    cuts: dict[str, set[int] | None] = {}

    def mark(name: str, values: list[int] | None) -> None:
        if values is None or cuts.get(name, set()) is None:
            cuts[name] = None
        else:
            known = cuts.setdefault(name, set())
            assert known is not None
            for v in values:
                known.update((v, v + 1))

    stack = list(exprs)
    while stack:
        node = stack.pop()
        if isinstance(node, E.Compare):
            ops = node.operands
            for i, o in enumerate(ops):
                if isinstance(o, E.Var):
                    others = [ops[j] for j in (i - 1, i + 1) if 0 <= j < len(ops)]
                    ints = [x.value for x in others if isinstance(x, E.IntLit)]
                    mark(o.name, ints if len(ints) == len(others) else None)
                else:
                    stack.append(o)
            continue
        if isinstance(node, E.In) and isinstance(node.item, E.Var):
            ints = [x.value for x in node.options if isinstance(x, E.IntLit)]
            enums = all(isinstance(x, E.EnumLit) for x in node.options)
            if not enums:
                mark(node.item.name, ints if len(ints) == len(node.options) else None)
            continue
        if isinstance(node, E.Var):
            mark(node.name, None)
            continue
        stack.extend(E.children(node))
    return cuts


def _domain(t: M.AttrType, cuts: set[int] | None, limit: int) -> Weighted | None:
    match t:
        case M.BoolType():
            return [(False, 1), (True, 1)]
        case M.EnumType(values):
            return [(v, 1) for v in values]
        case M.RealType(lo, hi):
            return [(lo, 1)] if lo == hi else None
        case M.IntType(lo, hi):
            if cuts is None:
                return [(v, 1) for v in range(lo, hi + 1)] if hi - lo < limit else None
            points = sorted({lo, hi + 1, *(c for c in cuts if lo < c <= hi)})
            return [(a, b - a) for a, b in itertools.pairwise(points)]


def _too_large(
    ruleset: M.Ruleset, order: tuple[str, ...], varied: frozenset[str] | None, limit: int
) -> bool:
    """Whether the enumeration is certainly refused whatever the thresholds: a real range, or
    more combinations than `limit` even with one value per int attribute."""
    size = alternatives = 1
    for n in order:
        t = ruleset.attribute(n).type
        match t:
            case M.BoolType():
                k = 2
            case M.EnumType(values):
                k = len(values)
            case M.RealType(lo, hi):
                if lo != hi:
                    return True
                k = 1
            case M.IntType():
                k = 1
        size *= k
        if varied is not None and n in varied:
            alternatives *= k
        if size * alternatives > limit:
            return True
    return False


def _assignments(
    ruleset: M.Ruleset, names: tuple[str, ...], domains: list[Weighted]
) -> Iterator[tuple[dict[str, M.Value], int]]:
    base = ruleset.baseline()
    for combo in itertools.product(*domains):
        c = dict(base)
        c.update(zip(names, (v for v, _ in combo), strict=True))
        yield c, math.prod(w for _, w in combo)


def _all_exprs(ruleset: M.Ruleset, q: Query) -> list[E.Expr]:
    out = [
        q.assume,
        q.assert_,
        *(a.expr for a in ruleset.assumptions),
        *(d.expr for d in ruleset.defines),
        *(t.when for t in ruleset.tiers),
        *(s.when for s in ruleset.sanctions),
    ]
    if ruleset.score:
        out += [x for r in ruleset.score.rules for x in (r.when, r.add)]
    return out


def count_affected(
    ruleset: M.Ruleset, q: Query, limit: int = DEFAULT_LIMIT, deadline: float | None = None
) -> Count | None:
    """The exact number of affected citizens over the relevant attributes, or None.

    Raises:
        TimeoutError: `deadline` (a `time.monotonic()` value) passed before the count ended.
    """
    if (len(q.citizens) == 2 and q.varied is None) or len(q.citizens) > 2:
        return None
    support = support_sets(ruleset)
    names: set[str] = set(q.varied or ())
    for e in (q.assume, q.assert_):
        names |= name_support(ruleset, E.names(e), support)
    for asm in ruleset.assumptions:
        names |= name_support(ruleset, E.names(asm.expr), support)
    order = tuple(a.name for a in ruleset.attributes if a.name in names)
    if _too_large(ruleset, order, q.varied, limit):
        return None  # decided before walking every expression for thresholds
    cuts = threshold_cuts(_all_exprs(ruleset, q))
    domains = [_domain(ruleset.attribute(n).type, cuts.get(n, set()), limit) for n in order]
    if any(d is None for d in domains):
        return None
    doms: list[Weighted] = [d for d in domains if d is not None]
    size = math.prod(len(d) for d in doms)
    varied = tuple(n for n in order if q.varied and n in q.varied)
    alt_doms = [doms[order.index(n)] for n in varied]
    alternatives = math.prod(len(d) for d in alt_doms) if q.varied is not None else 1
    if size * alternatives > limit:
        return None
    affected = possible = 0
    for i, (a, weight) in enumerate(_assignments(ruleset, order, doms)):
        if deadline is not None and i % 64 == 0 and time.monotonic() >= deadline:
            raise TimeoutError("the time limit ran out while counting")
        if in_domain(ruleset, a) is not None:
            continue
        possible += weight
        if q.varied is None:
            if holds_relational(ruleset, q.assume, {"a": a}) and not holds_relational(
                ruleset, q.assert_, {"a": a}
            ):
                affected += weight
            continue
        for combo in itertools.product(*alt_doms):
            b = dict(a)
            b.update(zip(varied, (v for v, _ in combo), strict=True))
            if in_domain(ruleset, b) is not None:
                continue
            pair = {q.citizens[0]: a, q.citizens[1]: b}
            if holds_relational(ruleset, q.assume, pair) and not holds_relational(
                ruleset, q.assert_, pair
            ):
                affected += weight
                break
    return Count(affected, possible, order)
