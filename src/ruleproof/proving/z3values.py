"""Values of the rule language as Z3 constants, and back.

Ints and enums are Z3 `Int`s (an enum value or tier id is a global int code, `EnumCodes`; no
tier is `NO_TIER`, a code no value has), reals `Real`s, bools `Bool`s. `decode` reads a model
value by the attribute's declared type, never by parsing text.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import z3

from ruleproof.language import ruleset as M

NO_TIER = -1  # the code of "no tier matches": enum codes count up from 0
Term = Any  # z3.ExprRef; z3 ships no type stubs


def score_sort(score: M.Score) -> str:
    """The Z3 sort of a score and its rule contributions."""
    return "real" if score.real else "int"


def number(v: M.Num, sort: str) -> Term:
    """A number as a Z3 constant of the given sort (`int` or `real`)."""
    if sort == "real":
        f = Fraction(v)
        return z3.RealVal(f"{f.numerator}/{f.denominator}")
    assert not isinstance(v, Fraction) or v.denominator == 1, v
    return z3.IntVal(int(v))


def z3_value(v: M.Value, codes: EnumCodes) -> Term:
    if isinstance(v, bool):
        return z3.BoolVal(v)
    if isinstance(v, int):
        return z3.IntVal(v)
    if isinstance(v, Fraction):
        return z3.RealVal(f"{v.numerator}/{v.denominator}")
    return z3.IntVal(codes.code(v))


class EnumCodes:
    """A global, context-free int code for every enum value and tier id (and other literals)."""

    def __init__(self, ruleset: M.Ruleset) -> None:
        self.codes: dict[str, int] = {}
        for a in ruleset.attributes:
            if isinstance(a.type, M.EnumType):
                for v in a.type.values:
                    self.code(v)
        for act in ruleset.actions:
            for p in act.params:
                if isinstance(p.type, M.EnumType):
                    for v in p.type.values:
                        self.code(v)
        for t in ruleset.tiers:
            self.code(t.id)

    def code(self, value: str) -> int:
        if value not in self.codes:
            self.codes[value] = len(self.codes)
        return self.codes[value]

    def name(self, code: int) -> str | None:
        for k, v in self.codes.items():
            if v == code:
                return k
        return None


def range_constraints(var: Term, typ: M.AttrType, codes: EnumCodes) -> list[Term]:
    match typ:
        case M.BoolType():
            return []
        case M.IntType(lo, hi):
            return [var >= lo, var <= hi]
        case M.RealType(lo, hi):
            return [var >= z3_value(lo, codes), var <= z3_value(hi, codes)]
        case M.EnumType(values):
            return [z3.Or([var == codes.code(v) for v in values])]


def decode(model: Any, term: Term, typ: M.AttrType, codes: EnumCodes) -> M.Value:
    """A model value by its declared type (never through `eval` of text)."""
    v = model.eval(term, model_completion=True)
    match typ:
        case M.BoolType():
            return bool(z3.is_true(v))
        case M.IntType():
            return int(v.as_long())
        case M.RealType():
            return Fraction(v.numerator_as_long(), v.denominator_as_long())
        case M.EnumType(values):
            name = codes.name(int(v.as_long()))
            return name if name in values else values[0]
