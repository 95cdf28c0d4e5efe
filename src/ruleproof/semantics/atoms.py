"""Recognising `attribute OP literal`: the one place that reads a condition as values of one
attribute.

`atom(e, types)` reads a comparison of an attribute with a literal (either side: `3 < x` is
`x > 3`), `x` and `not x` for a bool attribute, as an `Atom` with the attribute on the left; every
other expression gives None. `int_interval(op, k)` is the set of ints where `x OP k` holds, as an
interval whose unbounded ends are `None` (never a large number standing for infinity), for an
int or a rational `k` (`x < 2.5` holds on `[.., 2]`). The compiled evaluator's rule table, the
summed-rule bounds, counting and the diff search all read conditions through these two.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.semantics.algebra import compare

IntRange = tuple[int | None, int | None]  # ints from .. to, both included; None: unbounded

FLIPPED: dict[E.CmpOp, E.CmpOp] = {
    "<": ">",
    "<=": ">=",
    ">": "<",
    ">=": "<=",
    "==": "==",
    "!=": "!=",
}


@attrs.frozen
class Atom:
    """`name op value`: an attribute compared with a literal of its type."""

    name: str
    op: E.CmpOp
    value: M.Value


def literal(e: E.Expr) -> M.Value | None:
    """The value of a literal (numbers, enum text, bools), else None."""
    if isinstance(e, E.IntLit | E.RealLit | E.EnumLit | E.BoolLit):
        return e.value
    return None


def atom(e: E.Expr, types: Mapping[str, M.AttrType]) -> Atom | None:
    """`e` as an `Atom` (module docstring), or None."""
    match e:
        case E.Var(name, None) if isinstance(types.get(name), M.BoolType):
            return Atom(name, "==", True)
        case E.Not(E.Var(name, None)) if isinstance(types.get(name), M.BoolType):
            return Atom(name, "==", False)
        case E.Compare((op,), (E.Var(name, None), other)) if name in types:
            return _checked(types[name], name, op, literal(other))
        case E.Compare((op,), (other, E.Var(name, None))) if name in types:
            return _checked(types[name], name, FLIPPED[op], literal(other))
    return None


def _checked(typ: M.AttrType, name: str, op: E.CmpOp, v: M.Value | None) -> Atom | None:
    """The atom if the literal fits the attribute's type (and the operator the kind of type)."""
    if v is None:
        return None
    a = Atom(name, op, v)
    numeric = isinstance(v, int | Fraction) and not isinstance(v, bool)
    match typ:
        case M.IntType() | M.RealType():
            return a if numeric else None
        case M.EnumType(values):
            return a if isinstance(v, str) and v in values and a.op in ("==", "!=") else None
        case M.BoolType():
            return a if isinstance(v, bool) and a.op in ("==", "!=") else None
    return None


def int_interval(op: E.CmpOp, k: int | Fraction) -> IntRange | None:
    """The ints `x` with `x op k`, as an interval (None: unbounded); None for `!=`."""
    low, high = math.floor(k), math.ceil(k)  # equal when k is whole
    match op:
        case "<":
            return (None, high - 1)
        case "<=":
            return (None, low)
        case ">":
            return (low + 1, None)
        case ">=":
            return (high, None)
        case "==":
            return (low, low) if low == high else (1, 0)  # empty: no int equals 2.5
    return None


def holds(a: Atom, v: M.Value) -> bool:
    """Whether `v op value` holds (`algebra.compare`)."""
    return compare(a.op, v, a.value)
