"""Expression IR → rule-language text, the inverse of `exprparse.parse_expr`.

`pretty(e)` prints with the fewest parentheses Python's precedence allows and keeps every
grouping the tree has, so `parse_expr(pretty(e)) == e` (spans aside) for every expression whose
real literals are finite decimals. A real literal with no finite decimal form (such as 1/3,
which the parser never produces) prints as `(1/3)`, which the parser refuses; `pretty` itself
never fails.
"""

from __future__ import annotations

from fractions import Fraction
from typing import assert_never

from ruleproof.language import expr as E
from ruleproof.language.values import fraction_text

# Python's precedence, lowest first; an operand is parenthesized when it binds more loosely.
_IFELSE, _OR, _AND, _NOT, _CMP, _ADD, _MUL, _UNARY, _ATOM = range(9)
_ARITH_PREC = {"+": _ADD, "-": _ADD, "*": _MUL, "//": _MUL, "%": _MUL}


def pretty(e: E.Expr) -> str:
    """The expression as rule-language text (Python syntax)."""
    return _show(e)[0]


def real_text(v: Fraction) -> str:
    """A real literal: a decimal with a point (`3.0`, `-0.25`), or `p/q` if none exists."""

    text = fraction_text(v)
    return text + ".0" if v.denominator == 1 else text


def _wrap(e: E.Expr, need: int) -> str:
    text, prec = _show(e)
    return f"({text})" if prec < need else text


def _show(e: E.Expr) -> tuple[str, int]:
    match e:
        case E.BoolLit(v):
            return ("True" if v else "False"), _ATOM
        case E.IntLit(v):
            return str(v), (_UNARY if v < 0 else _ATOM)
        case E.RealLit(v):
            text = real_text(v)
            if "/" in text:
                return f"({text})", _ATOM
            return text, (_UNARY if v < 0 else _ATOM)
        case E.EnumLit(v):
            return repr(v), _ATOM
        case E.Var(name, citizen):
            return (f"{citizen}.{name}" if citizen is not None else name), _ATOM
        case E.Neg(arg):
            if isinstance(arg, E.IntLit | E.RealLit):
                # `-5` and `-(5)` parse to the literal -5; `-(+5)` keeps the negation node.
                inner = _show(arg)[0]
                return (f"-({inner})" if inner.startswith("-") else f"-(+{inner})"), _UNARY
            inner = _wrap(arg, _UNARY)
            return (f"-({inner})" if inner.startswith("-") else f"-{inner}"), _UNARY
        case E.Not(arg):
            return f"not {_wrap(arg, _NOT)}", _NOT
        case E.Arith(op, left, right):
            prec = _ARITH_PREC[op]
            return f"{_wrap(left, prec)} {op} {_wrap(right, prec + 1)}", prec
        case E.Compare(ops, operands):
            parts = [_wrap(operands[0], _CMP + 1)]
            for cmp, operand in zip(ops, operands[1:], strict=True):
                parts += [cmp, _wrap(operand, _CMP + 1)]
            return " ".join(parts), _CMP
        case E.And(args):
            return " and ".join(_wrap(a, _AND + 1) for a in args), _AND
        case E.Or(args):
            return " or ".join(_wrap(a, _OR + 1) for a in args), _OR
        case E.IfElse(cond, then, orelse):
            text = f"{_wrap(then, _OR)} if {_wrap(cond, _OR)} else {_wrap(orelse, _IFELSE)}"
            return text, _IFELSE
        case E.In(item, options, negated):
            listed = ", ".join(_show(o)[0] for o in options)
            word = "not in" if negated else "in"
            return f"{_wrap(item, _CMP + 1)} {word} [{listed}]", _CMP
        case E.Call(func, args):
            return f"{func}({', '.join(_show(a)[0] for a in args)})", _ATOM
        case E.FirstMatch(branches, default):
            # no syntax of its own: the conditional chain it means, flat in the text
            parts = [f"{_wrap(v, _OR)} if {_wrap(c, _OR)} else" for c, v in branches]
            return " ".join([*parts, _wrap(default, _IFELSE)]), _IFELSE
        case _:
            assert_never(e)
