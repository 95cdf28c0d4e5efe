"""The expression IR: frozen data nodes shared by the evaluator and the Z3 encoder.

Nodes hold data only. `span` never takes part in equality, so two expressions parsed from
different places compare equal when they mean the same tree. Names are resolved by the
interpreters through their environment; `Var.citizen` is set inside relational queries
(`a.debt`) and is `None` elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any, Literal, assert_never

import attrs

from ruleproof.errors import UNKNOWN_SPAN, Span

ArithOp = Literal["+", "-", "*", "//", "%"]
CmpOp = Literal["==", "!=", "<", "<=", ">", ">="]
FuncName = Literal["min", "max", "abs", "implies"]


def _span() -> Span:
    return attrs.field(default=UNKNOWN_SPAN, eq=False, repr=False)


@attrs.frozen
class BoolLit:
    value: bool
    span: Span = _span()


@attrs.frozen
class IntLit:
    value: int
    span: Span = _span()


@attrs.frozen
class RealLit:
    value: Fraction
    span: Span = _span()


@attrs.frozen
class EnumLit:
    """A string literal; it names an enum value (or a tier id)."""

    value: str
    span: Span = _span()


@attrs.frozen
class Var:
    name: str
    citizen: str | None = None
    span: Span = _span()


@attrs.frozen
class Neg:
    arg: Expr
    span: Span = _span()


@attrs.frozen
class Not:
    arg: Expr
    span: Span = _span()


@attrs.frozen
class Arith:
    op: ArithOp
    left: Expr
    right: Expr
    span: Span = _span()


@attrs.frozen
class Compare:
    """A chain `a < b <= c`: `ops[i]` compares `operands[i]` with `operands[i + 1]`."""

    ops: tuple[CmpOp, ...]
    operands: tuple[Expr, ...]
    span: Span = _span()


@attrs.frozen
class And:
    args: tuple[Expr, ...]
    span: Span = _span()


@attrs.frozen
class Or:
    args: tuple[Expr, ...]
    span: Span = _span()


@attrs.frozen
class IfElse:
    cond: Expr
    then: Expr
    orelse: Expr
    span: Span = _span()


@attrs.frozen
class In:
    """`item in [options...]` (or `not in` when `negated`)."""

    item: Expr
    options: tuple[Expr, ...]
    negated: bool = False
    span: Span = _span()


@attrs.frozen
class Call:
    func: FuncName
    args: tuple[Expr, ...]
    span: Span = _span()


@attrs.frozen
class FirstMatch:
    """The value of the first branch whose condition holds, else `default`.

    No expression text spells it: a score rule group (`one_of`) is one, the leaves of a tree
    one rule. It means `v1 if c1 else (v2 if c2 else … default)`, as a flat node, so that a
    group of thousands of cases is no deeper than one case.
    """

    branches: tuple[tuple[Expr, Expr], ...]  # (condition, value), tried in order
    default: Expr
    span: Span = _span()


Expr = (
    BoolLit
    | IntLit
    | RealLit
    | EnumLit
    | Var
    | Neg
    | Not
    | Arith
    | Compare
    | And
    | Or
    | IfElse
    | In
    | Call
    | FirstMatch
)


def children(e: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of `e`, in source order."""
    get = _CHILDREN.get(type(e))
    if get is None:
        raise AssertionError(e)
    return get(e)


def _none(e: Expr) -> tuple[Expr, ...]:
    return ()


# One getter per node type: a dict lookup is much cheaper than a `match` over 14 classes, and
# `children` runs for every node of every expression of a 100,000-rule ruleset.
_CHILDREN: dict[type, Callable[[Any], tuple[Expr, ...]]] = {
    BoolLit: _none,
    IntLit: _none,
    RealLit: _none,
    EnumLit: _none,
    Var: _none,
    Neg: lambda e: (e.arg,),
    Not: lambda e: (e.arg,),
    Arith: lambda e: (e.left, e.right),
    Compare: lambda e: e.operands,
    And: lambda e: e.args,
    Or: lambda e: e.args,
    Call: lambda e: e.args,
    IfElse: lambda e: (e.cond, e.then, e.orelse),
    In: lambda e: (e.item, *e.options),
    FirstMatch: lambda e: (*(x for branch in e.branches for x in branch), e.default),
}


def free_vars(e: Expr) -> set[tuple[str | None, str]]:
    """Every `(citizen, name)` pair the expression reads."""
    out: set[tuple[str | None, str]] = set()
    stack = [e]
    while stack:
        node = stack.pop()
        if type(node) is Var:
            out.add((node.citizen, node.name))
        else:
            stack.extend(children(node))
    return out


def names(e: Expr) -> set[str]:
    """Every name the expression reads, ignoring citizens."""
    out: set[str] = set()
    stack = [e]
    pop, extend, get = stack.pop, stack.extend, _CHILDREN.__getitem__
    while stack:
        node = pop()
        if type(node) is Var:
            out.add(node.name)
        else:
            extend(get(type(node))(node))
    return out


def names_and_height(e: Expr) -> tuple[set[str], int]:
    """`names(e)` and the height of the tree (a literal or a name has height 1), in one walk."""
    if type(e) is Var:
        return {e.name}, 1
    if type(e) is IntLit or type(e) is BoolLit:  # common whole expressions (`add: 5`, `when: true`)
        return set(), 1
    out: set[str] = set()
    best = 0
    stack = [(e, 1)]
    pop, append, get = stack.pop, stack.append, _CHILDREN.__getitem__
    while stack:
        node, d = pop()
        if d > best:
            best = d
        if type(node) is Var:
            out.add(node.name)
        else:
            d += 1
            for c in get(type(node))(node):
                append((c, d))
    return out, best


def map_vars(e: Expr, f: Callable[[Var], Expr]) -> Expr:
    """`e` with every `Var` replaced by `f(var)`; all other nodes rebuilt with their spans."""
    if isinstance(e, Var):
        return f(e)
    return map_children(e, lambda x: map_vars(x, f))


def map_children(e: Expr, go: Callable[[Expr], Expr]) -> Expr:
    """`e` with each direct sub-expression replaced by `go(sub)`, rebuilt with its span."""
    match e:
        case BoolLit() | IntLit() | RealLit() | EnumLit():
            return e
        case Var():
            return e
        case Neg(arg, span):
            return Neg(go(arg), span)
        case Not(arg, span):
            return Not(go(arg), span)
        case Arith(op, left, right, span):
            return Arith(op, go(left), go(right), span)
        case Compare(ops, operands, span):
            return Compare(ops, tuple(go(o) for o in operands), span)
        case And(args, span):
            return And(tuple(go(a) for a in args), span)
        case Or(args, span):
            return Or(tuple(go(a) for a in args), span)
        case IfElse(c, t, o, span):
            return IfElse(go(c), go(t), go(o), span)
        case In(item, options, negated, span):
            return In(go(item), tuple(go(o) for o in options), negated, span)
        case Call(func, args, span):
            return Call(func, tuple(go(a) for a in args), span)
        case FirstMatch(branches, default, span):
            return FirstMatch(tuple((go(c), go(v)) for c, v in branches), go(default), span)
        case _:
            assert_never(e)
