"""What a diff compares: the citizen's attributes and the outputs (pure IR, no Z3).

`union_attributes(old, new)` gives the compared citizen's attributes: every attribute of either
version, with the type both allow for a shared one (the intersection of ranges or enum values;
int and real: the ints in both ranges), the shared attributes whose type changed, and notes.
A shared attribute whose kinds cannot stand for one another (bool, enum, number) raises
`RulesetError` RP007 located at NEW's declaration. `plan_outputs(old, new, requested)` gives the
outputs to compare (`Output`: name, kind, whether each version has it) and notes on outputs left
out; an output asked for that cannot be compared raises RP007 located in the `--outputs` text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import attrs

from ruleproof.errors import Diagnostic, RulesetError, Span, did_you_mean
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.typecheck import Scope
from ruleproof.language.types import BOOL, EnumT, StrT
from ruleproof.verdicts.diffresult import AttributeChange

OUTPUTS_FILE = "--outputs"


@attrs.frozen
class Output:
    name: str
    kind: Literal["score", "tier", "sanction", "define"]
    in_old: bool = True
    in_new: bool = True


@attrs.frozen
class UnionAttr:
    """One attribute of the compared citizen; `type` is the type both versions allow."""

    name: str
    old: M.Attribute | None
    new: M.Attribute | None
    type: M.AttrType


def _intersect(a: M.Attribute, b: M.Attribute) -> M.AttrType | None:
    match a.type, b.type:
        case (x, y) if x == y:
            return x
        case (M.IntType(lo1, hi1), M.IntType(lo2, hi2)):
            return M.IntType(max(lo1, lo2), min(hi1, hi2))
        case (M.RealType(lo1, hi1), M.RealType(lo2, hi2)):
            return M.RealType(max(lo1, lo2), min(hi1, hi2))
        case (
            M.IntType(lo1, hi1) | M.RealType(lo1, hi1),
            M.IntType(lo2, hi2) | M.RealType(lo2, hi2),
        ):
            return M.IntType(math.ceil(max(lo1, lo2)), math.floor(min(hi1, hi2)))
        case (M.EnumType(v1), M.EnumType(v2)):
            return M.EnumType(tuple(v for v in v1 if v in v2))
    return None


def _empty(t: M.AttrType) -> bool:
    match t:
        case M.IntType(lo, hi) | M.RealType(lo, hi):
            return lo > hi
        case M.EnumType(values):
            return not values
        case M.BoolType():
            return False


def union_attributes(
    old: M.Ruleset, new: M.Ruleset
) -> tuple[list[UnionAttr], list[AttributeChange], list[str]]:
    """The compared citizen's attributes, the shared ones whose type changed, and notes.

    Raises `RulesetError` (RP007) for a shared attribute whose kinds cannot be compared.
    """
    out: list[UnionAttr] = []
    changed: list[AttributeChange] = []
    notes: list[str] = []
    errors: list[Diagnostic] = []
    for a in old.attributes:
        b = new.attribute_index.get(a.name)
        if b is None:
            out.append(UnionAttr(a.name, a, None, a.type))
            continue
        typ = _intersect(a, b)
        if typ is None:
            errors.append(
                Diagnostic(
                    "RP007",
                    f"attribute `{a.name}` is {a.type} in OLD ({a.span}) but {b.type} here",
                    b.span,
                    why="diff compares citizens both versions can read; a bool, an enum and a "
                    "number cannot stand for one another",
                    fix="give the attribute one kind in both versions, or rename it in one of them "
                    "if it means something else",
                )
            )
            continue
        if typ != a.type or typ != b.type:
            changed.append(AttributeChange(a.name, str(a.type), str(b.type), str(typ)))
            if _empty(typ):
                notes.append(
                    f"no value of `{a.name}` is allowed by both versions ({a.type} vs "
                    f"{b.type}): no citizen can be compared"
                )
                typ = a.type
        out.append(UnionAttr(a.name, a, b, typ))
    out += [
        UnionAttr(b.name, None, b, b.type)
        for b in new.attributes
        if b.name not in old.attribute_index
    ]
    if errors:
        raise RulesetError(errors)
    return out, changed, notes


def _kind(ruleset: M.Ruleset, name: str) -> str:
    t = Scope(ruleset, []).resolve(E.Var(name))
    if t == BOOL:
        return "bool"
    return "enum" if isinstance(t, EnumT | StrT) else "number"


def plan_outputs(
    old: M.Ruleset, new: M.Ruleset, requested: str | Sequence[str] | None
) -> tuple[list[Output], list[str]]:
    """The outputs to compare, in order, and notes on outputs left out.

    `requested` is the `--outputs` text (comma-separated) or a list of names; `None` means
    score, tier (when both versions have them), every sanction of either version and every
    define common to both. Raises `RulesetError` (RP007, located in the `--outputs` text) for an
    output that is unknown or missing from a version.
    """
    plan = _Planner(old, new)
    if requested is None:
        return plan.defaults()
    return plan.requested(requested if isinstance(requested, str) else ",".join(requested)), []


class _Planner:
    """What each output name means for two versions (`plan_outputs`)."""

    def __init__(self, old: M.Ruleset, new: M.Ruleset) -> None:
        self.old, self.new = old, new
        self.old_s = [s.name for s in old.sanctions]
        self.new_s = [s.name for s in new.sanctions]
        self.sanctions = [
            Output(n, "sanction", n in self.old_s, n in self.new_s)
            for n in [*self.old_s, *(n for n in self.new_s if n not in self.old_s)]
        ]

    def define(self, name: str) -> Output | str:
        in_old, in_new = self.old.define(name) is not None, self.new.define(name) is not None
        if not (in_old and in_new):
            return f"define `{name}` is only in {'OLD' if in_old else 'NEW'}"
        ko, kn = _kind(self.old, name), _kind(self.new, name)
        if ko != kn:
            return f"define `{name}` is {ko} in OLD but {kn} in NEW"
        return Output(name, "define")

    def whole(self, name: str) -> Output | str:
        old, new = self.old, self.new
        has_o = old.score is not None if name == "score" else bool(old.tiers)
        has_n = new.score is not None if name == "score" else bool(new.tiers)
        if has_o and has_n:
            return Output(name, "score" if name == "score" else "tier")
        what = "a score" if name == "score" else "tiers"
        if has_o or has_n:
            return f"only {'OLD' if has_o else 'NEW'} has {what}"
        return f"neither version has {what}"

    def defaults(self) -> tuple[list[Output], list[str]]:
        """Score, tier, every sanction, the defines both versions have; notes on the rest."""
        wholes = [("score", self.whole("score")), ("tier", self.whole("tier"))]
        defs = [
            (d.name, self.define(d.name))
            for d in self.old.defines
            if self.new.define(d.name) is not None
        ]
        outs: list[Output] = []
        notes: list[str] = []
        for name, one in [*wholes, *((s.name, s) for s in self.sanctions), *defs]:
            if isinstance(one, Output):
                outs.append(one)
            elif not one.startswith("neither"):
                notes.append(f"`{name}` not compared: {one}")
        return outs, notes

    def requested(self, text: str) -> list[Output]:
        """The outputs named in `text`; RP007 for each one that cannot be compared."""
        outs: list[Output] = []
        errors: list[Diagnostic] = []
        col = 1
        for raw in text.split(","):
            name = raw.strip()
            start = col + len(raw) - len(raw.lstrip())
            span = Span.point(OUTPUTS_FILE, 1, start, max(len(name), 1))
            col += len(raw) + 1
            got = self.named(name)
            if isinstance(got, str):
                errors.append(
                    Diagnostic(
                        "RP007",
                        got if f"`{name}`" in got else f"cannot compare `{name}`: {got}",
                        span,
                        why="diff compares score, tier, sanctions and defines that both "
                        "versions have",
                        fix="list outputs such as `score,tier,sanctions` or a define both "
                        "versions have",
                    )
                )
                continue
            outs += [o for o in (got if isinstance(got, list) else [got]) if o not in outs]
        if errors:
            raise RulesetError(errors)
        return outs

    def named(self, name: str) -> Output | str | list[Output]:
        """The output(s) one name means, or why it cannot be compared."""
        if name == "score" or name == "tier":
            return self.whole(name)
        if name == "sanctions":
            return self.sanctions or "neither version has sanctions"
        if name in self.old_s or name in self.new_s:
            return [o for o in self.sanctions if o.name == name]
        if self.old.define(name) is not None or self.new.define(name) is not None:
            return self.define(name)
        known = ["score", "tier", "sanctions", *self.old_s, *self.new_s]
        known += [d.name for d in (*self.old.defines, *self.new.defines)]
        hint = did_you_mean(name, known)
        return f"`{name}` is not an output of either version" + (f"; {hint}" if hint else "")
