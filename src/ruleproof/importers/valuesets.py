"""Sets of attribute values, and how to write one as a condition of the rule language.

A tree leaf is reached by the citizens whose attributes lie in one set per attribute (the
conjunction of the splits on its path), and a scorecard bin is one such set. `Finite` holds the
values of a bool or enum attribute; `Intervals` a union of disjoint intervals of rationals for an
int or real attribute (for an int attribute every end is an integer and every interval closed).
`Allowed` adds the companion "missing" flag of an attribute whose model input may be missing:
`missing` is None without a companion, else whether the missing case is allowed.

`condition(name, type, allowed, companion)` writes the set as an expression, relative to the
attribute's declared domain: None when every value is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

import attrs

from ruleproof.importers.floats import decimal_text
from ruleproof.language import ruleset as M

Bound = Fraction | None  # None: unbounded


@attrs.frozen
class Interval:
    lo: Bound
    lo_closed: bool
    hi: Bound
    hi_closed: bool

    def contains(self, v: Fraction) -> bool:
        if self.lo is not None and (v < self.lo or (v == self.lo and not self.lo_closed)):
            return False
        return not (self.hi is not None and (v > self.hi or (v == self.hi and not self.hi_closed)))

    def empty(self) -> bool:
        if self.lo is None or self.hi is None:
            return False
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))


def _lo_key(i: Interval) -> tuple[int, Fraction, int]:
    return (0, Fraction(0), 0) if i.lo is None else (1, i.lo, 0 if i.lo_closed else 1)


@attrs.frozen
class Intervals:
    """A union of disjoint, sorted, non-empty intervals."""

    parts: tuple[Interval, ...]

    @staticmethod
    def make(parts: Iterable[Interval], integral: bool) -> Intervals:
        """Normalise: integer closed ends when `integral`, drop empty ones, merge touching ones."""
        items = []
        for p in parts:
            if integral:
                p = _integral(p)
            if not p.empty():
                items.append(p)
        items.sort(key=_lo_key)
        merged: list[Interval] = []
        for p in items:
            if merged and _touch(merged[-1], p, integral):
                last = merged[-1]
                merged[-1] = Interval(last.lo, last.lo_closed, *_max_hi(last, p))
            else:
                merged.append(p)
        return Intervals(tuple(merged))

    @staticmethod
    def everything() -> Intervals:
        return Intervals((Interval(None, False, None, False),))

    def contains(self, v: Fraction) -> bool:
        return any(p.contains(v) for p in self.parts)

    def intersect(self, other: Intervals, integral: bool) -> Intervals:
        out = []
        for a in self.parts:
            for b in other.parts:
                lo, lo_closed = _max_lo(a, b)
                hi, hi_closed = _min_hi(a, b)
                out.append(Interval(lo, lo_closed, hi, hi_closed))
        return Intervals.make(out, integral)

    def complement(self, integral: bool) -> Intervals:
        out = []
        lo: Bound = None
        lo_closed = False
        for p in self.parts:
            if p.lo is not None:
                out.append(Interval(lo, lo_closed, p.lo, not p.lo_closed))
            if p.hi is None:
                return Intervals.make(out, integral)
            lo, lo_closed = p.hi, not p.hi_closed
        out.append(Interval(lo, lo_closed, None, False))
        return Intervals.make(out, integral)


def _integral(p: Interval) -> Interval:
    lo = p.lo
    if lo is not None:
        lo = Fraction(math.ceil(lo) if p.lo_closed else math.floor(lo) + 1)
    hi = p.hi
    if hi is not None:
        hi = Fraction(math.floor(hi) if p.hi_closed else math.ceil(hi) - 1)
    return Interval(lo, lo is not None, hi, hi is not None)


def _touch(a: Interval, b: Interval, integral: bool) -> bool:
    """Whether `b` (starting no earlier than `a`) overlaps or adjoins `a`."""
    if a.hi is None or b.lo is None:
        return True
    if integral:
        return b.lo <= a.hi + 1
    return b.lo < a.hi or (b.lo == a.hi and (a.hi_closed or b.lo_closed))


def _max_hi(a: Interval, b: Interval) -> tuple[Bound, bool]:
    if a.hi is None or b.hi is None:
        return None, False
    if a.hi != b.hi:
        return (a.hi, a.hi_closed) if a.hi > b.hi else (b.hi, b.hi_closed)
    return a.hi, a.hi_closed or b.hi_closed


def _min_hi(a: Interval, b: Interval) -> tuple[Bound, bool]:
    if a.hi is None:
        return b.hi, b.hi_closed
    if b.hi is None or a.hi != b.hi:
        return (a.hi, a.hi_closed) if b.hi is None or a.hi < b.hi else (b.hi, b.hi_closed)
    return a.hi, a.hi_closed and b.hi_closed


def _max_lo(a: Interval, b: Interval) -> tuple[Bound, bool]:
    if a.lo is None:
        return b.lo, b.lo_closed
    if b.lo is None or a.lo != b.lo:
        return (a.lo, a.lo_closed) if b.lo is None or a.lo > b.lo else (b.lo, b.lo_closed)
    return a.lo, a.lo_closed and b.lo_closed


@attrs.frozen
class Finite:
    """Allowed values of a bool or enum attribute."""

    values: frozenset[bool | str]


ValueSet = Finite | Intervals


@attrs.frozen
class Allowed:
    present: ValueSet
    missing: bool | None = None


def universe(t: M.AttrType) -> ValueSet:
    """Every value of the type (unbounded intervals for int and real: ranges clip on output)."""
    match t:
        case M.BoolType():
            return Finite(frozenset([False, True]))
        case M.EnumType(values):
            return Finite(frozenset(values))
        case M.IntType() | M.RealType():
            return Intervals.everything()
        case _:
            raise AssertionError(t)


def intersect(a: ValueSet, b: ValueSet, t: M.AttrType) -> ValueSet:
    if isinstance(a, Finite) and isinstance(b, Finite):
        return Finite(a.values & b.values)
    assert isinstance(a, Intervals) and isinstance(b, Intervals)
    return a.intersect(b, isinstance(t, M.IntType))


def complement(a: ValueSet, t: M.AttrType) -> ValueSet:
    if isinstance(a, Finite):
        full = universe(t)
        assert isinstance(full, Finite)
        return Finite(full.values - a.values)
    return a.complement(isinstance(t, M.IntType))


def _domain(t: M.AttrType) -> Intervals:
    assert isinstance(t, M.IntType | M.RealType)
    lo, hi = Fraction(t.lo), Fraction(t.hi)
    return Intervals((Interval(lo, True, hi, True),))


def within(a: ValueSet, t: M.AttrType) -> ValueSet:
    """`a` restricted to the declared domain of `t`."""
    if isinstance(a, Finite):
        return a
    return a.intersect(_domain(t), isinstance(t, M.IntType))


def is_empty(a: ValueSet, t: M.AttrType) -> bool:
    w = within(a, t)
    return not (w.values if isinstance(w, Finite) else w.parts)


def is_full(a: ValueSet, t: M.AttrType) -> bool:
    return is_empty(complement(a, t), t)


def allowed_and(a: Allowed, b: Allowed, t: M.AttrType) -> Allowed:
    missing = None if a.missing is None else bool(a.missing and b.missing)
    return Allowed(intersect(a.present, b.present, t), missing)


def allowed_empty(a: Allowed, t: M.AttrType) -> bool:
    return not a.missing and is_empty(a.present, t)


def _literal(v: bool | str | Fraction) -> str:
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, str):
        return "'" + v + "'"
    return decimal_text(v)


def _present_text(name: str, t: M.AttrType, a: ValueSet) -> str | None:
    """The condition "the attribute's value is in `a`", or None when `a` covers the domain."""
    if isinstance(a, Finite):
        if a.values == universe(t).values:  # type: ignore[union-attr]
            return None
        if not a.values:
            return "False"
        if isinstance(t, M.BoolType):
            (v,) = a.values
            return name if v else f"not {name}"
        assert isinstance(t, M.EnumType)
        inside = [v for v in t.values if v in a.values]
        outside = [v for v in t.values if v not in a.values]
        if len(inside) == 1:
            return f"{name} == {_literal(inside[0])}"
        if len(outside) == 1:
            return f"{name} != {_literal(outside[0])}"
        if len(outside) < len(inside):
            return f"{name} not in [{', '.join(_literal(v) for v in outside)}]"
        return f"{name} in [{', '.join(_literal(v) for v in inside)}]"
    w = within(a, t)
    assert isinstance(w, Intervals) and isinstance(t, M.IntType | M.RealType)
    if not w.parts:
        return "False"
    hole = within(complement(a, t), t)
    assert isinstance(hole, Intervals)
    if not hole.parts:
        return None
    if len(hole.parts) == 1 and len(w.parts) == 2:
        h = hole.parts[0]
        if h.lo == h.hi and h.lo is not None:
            return f"{name} != {_literal(h.lo)}"
    texts = [_interval_text(name, t, p) for p in w.parts]
    return texts[0] if len(texts) == 1 else "(" + " or ".join(texts) + ")"


def _interval_text(name: str, t: M.IntType | M.RealType, p: Interval) -> str:
    lo_open = p.lo is None or (p.lo <= t.lo and p.lo_closed)
    hi_open = p.hi is None or (p.hi >= t.hi and p.hi_closed)
    if p.lo is not None and p.lo == p.hi:
        return f"{name} == {_literal(p.lo)}"
    left = "" if lo_open else f"{_literal(p.lo)} {'<=' if p.lo_closed else '<'} "  # type: ignore[arg-type]
    right = "" if hi_open else f" {'<=' if p.hi_closed else '<'} {_literal(p.hi)}"  # type: ignore[arg-type]
    if left and right:
        return f"{left}{name}{right}"
    if left:
        return f"{name} {'>=' if p.lo_closed else '>'} {_literal(p.lo)}"  # type: ignore[arg-type]
    return f"{name}{right}"


def condition(name: str, t: M.AttrType, allowed: Allowed, companion: str | None) -> str | None:
    """The expression saying the attribute `name` (missing flag `companion`) is allowed."""
    present = _present_text(name, t, allowed.present)
    if allowed.missing is None or companion is None:
        return present
    if allowed.missing:
        if present is None:
            return None
        if is_empty(allowed.present, t):
            return companion
        return f"({companion} or {present})"
    if present is None:
        return f"not {companion}"
    return f"not {companion} and {present}"
