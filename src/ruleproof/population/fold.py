"""Partial evaluation: an expression with some attributes fixed to values, simplified.

`fold(e, values)` replaces every `Var` named in `values` by that value's literal and simplifies:
a sub-expression that reads no name becomes the literal of its value under the reference
evaluator (`ruleproof.semantics.evaluate.eval_expr`, so the constant is the reference
semantics' value, not a re-implementation); `and`/`or` drop arguments that are `True`/`False`
and become the constant when one argument decides them; `x if c else y` and a first match
(`ruleproof.semantics.algebra.first_match`) with a constant condition keep only the branch
taken. Every expression of the language is total (`//` and `%` only by positive constants), so
dropping an argument never hides an error: the folded expression has the same value as the
original for every assignment of the remaining names. The SQL compiler folds the rules of a
counterfactual alternative this way (the alternative's values are literals) and the step
functions of scorecard rules are read from folded rules (`ruleproof.population.steps`); the
differential tests (`tests/test_population_sql.py`) and `tests/test_population_fold.py` tie it
to the evaluator.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import assert_never

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.semantics.evaluate import eval_expr


def literal(v: M.Value) -> E.Expr:
    """The literal expression of a value."""
    if isinstance(v, bool):
        return E.BoolLit(v)
    if isinstance(v, int):
        return E.IntLit(v)
    if isinstance(v, Fraction):
        return E.RealLit(v)
    return E.EnumLit(v)


def is_literal(e: E.Expr) -> bool:
    return isinstance(e, E.BoolLit | E.IntLit | E.RealLit | E.EnumLit)


def _no_lookup(v: E.Var) -> M.Value:
    raise AssertionError(f"a closed expression read `{v.name}`")


def fold(e: E.Expr, values: Mapping[str, M.Value]) -> E.Expr:
    """`e` with the names in `values` fixed (module docstring)."""
    return _fold(e, values)


def _closed(e: E.Expr) -> E.Expr:
    v = eval_expr(e, _no_lookup)
    assert v is not None, e
    return literal(v)


def _fold(e: E.Expr, values: Mapping[str, M.Value]) -> E.Expr:
    match e:
        case E.BoolLit() | E.IntLit() | E.RealLit() | E.EnumLit():
            return e
        case E.Var(name, None) if name in values:
            return literal(values[name])
        case E.Var():
            return e
        case E.And(args):
            return _junction(e, [_fold(a, values) for a in args], unit=True)
        case E.Or(args):
            return _junction(e, [_fold(a, values) for a in args], unit=False)
        case E.IfElse(cond, then, orelse):
            c = _fold(cond, values)
            if isinstance(c, E.BoolLit):
                return _fold(then if c.value else orelse, values)
            return _closed_or(E.IfElse(c, _fold(then, values), _fold(orelse, values), e.span))
        case E.FirstMatch(branches, default):
            return _first_match(e, branches, default, values)
        case E.Neg() | E.Not() | E.Arith() | E.Compare() | E.In() | E.Call():
            return _closed_or(E.map_children(e, lambda x: _fold(x, values)))
        case _:
            assert_never(e)


def _closed_or(e: E.Expr) -> E.Expr:
    """The literal of `e` when every child is a literal, else `e`."""
    if all(is_literal(c) for c in E.children(e)):
        return _closed(e)
    return e


def _junction(e: E.And | E.Or, args: list[E.Expr], unit: bool) -> E.Expr:
    """`and` (unit True) or `or` (unit False) of folded `args`."""
    kept: list[E.Expr] = []
    for a in args:
        if isinstance(a, E.BoolLit):
            if a.value != unit:
                return E.BoolLit(not unit)
            continue
        kept.append(a)
    if not kept:
        return E.BoolLit(unit)
    if len(kept) == 1:
        return kept[0]
    return E.And(tuple(kept), e.span) if unit else E.Or(tuple(kept), e.span)


def _first_match(
    e: E.FirstMatch,
    branches: tuple[tuple[E.Expr, E.Expr], ...],
    default: E.Expr,
    values: Mapping[str, M.Value],
) -> E.Expr:
    kept: list[tuple[E.Expr, E.Expr]] = []
    for cond, value in branches:
        c = _fold(cond, values)
        if isinstance(c, E.BoolLit):
            if not c.value:
                continue
            default = value  # the first branch that surely holds ends the match
            break
        kept.append((c, _fold(value, values)))
    d = _fold(default, values)
    if not kept:
        return d
    return E.FirstMatch(tuple(kept), d, e.span)
