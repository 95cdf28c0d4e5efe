"""Expressions of the IR as Z3 terms, with the exact semantics of DESIGN §2.

`to_z3(e, copy, params, others)` translates a well-typed expression over one citizen copy
(`ruleproof.proving.encode.Copy`): names resolve through the copy (its attributes and derived
values), `params` (action parameters) and `others` (the citizens of a relational query, for
`a.debt`). Python's `//` and `%` by a positive constant are SMT-LIB's `div` and `mod`; first
match is `semantics.algebra.first_match` over `z3.If`. The `match` covers every node.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, assert_never

import z3

from ruleproof.language import expr as E
from ruleproof.proving.z3values import Term, z3_value
from ruleproof.semantics.algebra import first_match

if TYPE_CHECKING:  # type-only: a copy translates its own expressions through this module
    from ruleproof.proving.encode import Copy


def sort_of(term: Term) -> str:
    """`bool`, `int` or `real`: the sort of a Z3 term."""
    if z3.is_bool(term):
        return "bool"
    if z3.is_int(term):
        return "int"
    return "real"


def _is_const(e: E.Expr) -> bool:
    return not E.free_vars(e)


def to_z3(e: E.Expr, copy: Copy, params: Mapping[str, Term], others: Mapping[str, Copy]) -> Term:
    """Translate a well-typed expression; `others` resolves `a.name` in relational queries."""

    def go(x: E.Expr) -> Term:
        return to_z3(x, copy, params, others)

    match e:
        case E.BoolLit(v):
            return z3.BoolVal(v)
        case E.IntLit(v):
            return z3.IntVal(v)
        case E.RealLit(v):
            return z3_value(v, copy.enc.codes)
        case E.EnumLit(v):
            return z3.IntVal(copy.enc.codes.code(v))
        case E.Var(name, citizen):
            if citizen is not None:
                return others[citizen].value(name)
            if name in params:
                return params[name]
            return copy.value(name)
        case E.Neg(arg):
            return -go(arg)
        case E.Not(arg):
            return z3.Not(go(arg))
        case E.Arith(op, left, right):
            a, b = go(left), go(right)
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                if not (_is_const(left) or _is_const(right)):
                    copy.enc.nonlinear.append(e)
                return a * b
            if op == "//":
                return (
                    a / b
                )  # SMT-LIB div = `algebra.floordiv` for the positive int divisors allowed
            return a % b  # SMT-LIB mod = `algebra.floormod` likewise
        case E.Compare(ops, operands):
            terms = [go(o) for o in operands]
            parts = [_cmp(op, x, y) for op, x, y in zip(ops, terms, terms[1:], strict=False)]
            return parts[0] if len(parts) == 1 else z3.And(parts)
        case E.And(args):
            return z3.And([go(a) for a in args])
        case E.Or(args):
            return z3.Or([go(a) for a in args])
        case E.IfElse(cond, then, orelse):
            return z3.If(go(cond), go(then), go(orelse))
        case E.In(item, options, negated):
            it = go(item)
            found = z3.Or([it == go(o) for o in options])
            return z3.Not(found) if negated else found
        case E.Call(func, args):
            vals = [go(a) for a in args]
            if func == "implies":
                return z3.Implies(vals[0], vals[1])
            if func == "abs":
                return z3.If(vals[0] >= 0, vals[0], -vals[0])
            acc = vals[0]
            for v in vals[1:]:
                acc = z3.If(v < acc, v, acc) if func == "min" else z3.If(v > acc, v, acc)
            return acc
        case E.FirstMatch(branches, default):
            pairs = [(go(c), go(v)) for c, v in branches]
            return first_match(pairs, go(default), z3.If)
        case _:
            assert_never(e)


def _cmp(op: str, a: Term, b: Term) -> Term:
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b
