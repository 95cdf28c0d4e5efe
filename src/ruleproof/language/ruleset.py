"""The typed ruleset IR (frozen attrs): attributes, defines, score rules, tiers, sanctions, actions.

Built by `ruleproof.language.load_ruleset` from YAML or directly from Python; it knows nothing
about its serialization. Spans never take part in equality. A `Ruleset` that came out of `load`
has passed the typecheck, so its expressions are well typed.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

import attrs

from ruleproof.errors import UNKNOWN_SPAN, Span
from ruleproof.language.expr import BoolLit, Expr, FirstMatch, IntLit, names_and_height

if TYPE_CHECKING:
    pass

Protection = Literal["false", "true", "association"]
ActorKind = Literal["citizen", "authority", "time"]
ACTOR_KINDS: tuple[ActorKind, ...] = ("citizen", "authority", "time")


def _span() -> Span:
    return attrs.field(default=UNKNOWN_SPAN, eq=False, repr=False)


@attrs.frozen
class BoolType:
    def __str__(self) -> str:
        return "bool"


@attrs.frozen
class IntType:
    lo: int
    hi: int

    def __str__(self) -> str:
        return f"int[{self.lo}, {self.hi}]"


@attrs.frozen
class RealType:
    lo: Fraction
    hi: Fraction

    def __str__(self) -> str:
        return f"real[{self.lo}, {self.hi}]"


@attrs.frozen
class EnumType:
    values: tuple[str, ...]

    def __str__(self) -> str:
        return "enum{" + ", ".join(self.values) + "}"


AttrType = BoolType | IntType | RealType | EnumType
Value = bool | int | Fraction | str
Num = int | Fraction  # a number of the language: ints exact and unbounded, reals exact rationals


@attrs.frozen
class Attribute:
    name: str
    type: AttrType
    protected: Protection = "false"
    domain: str | None = None
    changes: Literal["fixed", "time"] = "fixed"
    doc: str = ""
    span: Span = _span()

    def baseline(self) -> Value:
        """The value a minimal counterexample prefers: low end of a range, false, first value."""
        match self.type:
            case BoolType():
                return False
            case IntType(lo, _):
                return lo
            case RealType(lo, _):
                return lo
            case EnumType(values):
                return values[0]


@attrs.frozen
class Assumption:
    expr: Expr
    text: str
    index: int
    span: Span = _span()


@attrs.frozen
class Define:
    name: str
    expr: Expr
    text: str
    span: Span = _span()


@attrs.frozen
class Case:
    """One case of a score rule group (`one_of`): a rule of its own in traces and lint."""

    id: str
    when: Expr
    add: Expr
    when_text: str
    add_text: str
    cites: str = ""
    doc: str = ""
    span: Span = _span()


@attrs.frozen
class ScoreRule:
    """A score rule: it adds `add` when `when` holds.

    A group (`one_of`) has its `cases`, tried in order; the first whose `when` holds adds its
    `add`, and none adds 0 (the leaves of a tree, the bins of a scorecard variable). It is built
    by `group_rule` as an ordinary rule whose `when` is true and whose `add` is the
    `FirstMatch` of its cases, so every interpreter of rules interprets groups too.
    """

    id: str
    when: Expr
    add: Expr
    when_text: str
    add_text: str
    cites: str = ""
    doc: str = ""
    span: Span = _span()
    cases: tuple[Case, ...] = attrs.field(default=())

    @cases.validator
    def _one_meaning(self, _: object, cases: tuple[Case, ...]) -> None:
        # A group's `when` and `add` are what its cases mean, never anything else: every
        # interpreter reads one or the other, so they must not be able to drift apart.
        if cases and (self.when != BoolLit(True) or self.add != group_add(cases)):
            raise ValueError(f"rule `{self.id}`: a group's `when` and `add` come from its cases")

    @functools.cached_property
    def _shape(self) -> tuple[frozenset[str], int]:
        # Computed once per rule object: rulesets derived with `attrs.evolve` share their rules,
        # so the analyses of a derived ruleset (e.g. a reduced one) do not walk them again.
        when, when_height = names_and_height(self.when)
        add, add_height = names_and_height(self.add)
        return frozenset(when | add), max(when_height, add_height)

    @property
    def reads(self) -> frozenset[str]:
        """Every name `when` and `add` read."""
        return self._shape[0]

    @property
    def height(self) -> int:
        """The greater height of the `when` and `add` trees (a literal or a name has height 1)."""
        return self._shape[1]


def group_add(cases: tuple[Case, ...], span: Span = UNKNOWN_SPAN) -> FirstMatch:
    """What a group of cases adds: the first case's `add` whose `when` holds, else 0."""
    return FirstMatch(tuple((c.when, c.add) for c in cases), IntLit(0, span), span)


def group_rule(
    rule_id: str, cases: tuple[Case, ...], cites: str = "", doc: str = "", span: Span = UNKNOWN_SPAN
) -> ScoreRule:
    """The score rule of a `one_of` group (see `ScoreRule`)."""
    add = group_add(cases, span)
    text = "first of " + ", ".join(c.id for c in cases[:3]) + (", …" if len(cases) > 3 else "")
    return ScoreRule(rule_id, BoolLit(True, span), add, "True", text, cites, doc, span, cases)


@attrs.frozen
class Score:
    """`clamp(base + Σ add of every rule whose when holds, [lo, hi])` (DESIGN §2).

    `real` is whether the score is a real (exact rational) rather than an int: the base, a bound
    or some rule's `add` is real (`ruleproof.language.typecheck.score_is_real`).
    """

    base: Num
    rules: tuple[ScoreRule, ...]
    lo: Num | None = None
    hi: Num | None = None
    span: Span = _span()
    real: bool = False


@attrs.frozen
class Tier:
    id: str
    when: Expr
    when_text: str
    doc: str = ""
    span: Span = _span()


@attrs.frozen
class Sanction:
    name: str
    when: Expr
    when_text: str
    domain: str | None = None
    appeal: tuple[str, ...] = ()
    cites: str = ""
    doc: str = ""
    span: Span = _span()


@attrs.frozen
class Param:
    name: str
    type: AttrType
    span: Span = _span()


@attrs.frozen
class Assignment:
    attribute: str
    expr: Expr
    text: str
    span: Span = _span()


@attrs.frozen
class Action:
    name: str
    by: ActorKind
    when: Expr
    when_text: str
    params: tuple[Param, ...] = ()
    sets: tuple[Assignment, ...] = ()
    cites: str = ""
    doc: str = ""
    span: Span = _span()


@attrs.frozen
class Ruleset:
    id: str
    attributes: tuple[Attribute, ...]
    title: str = ""
    source: str = ""
    assumptions: tuple[Assumption, ...] = ()
    defines: tuple[Define, ...] = ()
    score: Score | None = None
    tiers: tuple[Tier, ...] = ()
    sanctions: tuple[Sanction, ...] = ()
    actions: tuple[Action, ...] = ()
    file: str = attrs.field(default="<memory>", eq=False)
    span: Span = _span()

    @functools.cached_property
    def attribute_index(self) -> dict[str, Attribute]:
        return {a.name: a for a in self.attributes}

    def attribute(self, name: str) -> Attribute:
        """The attribute called `name` (raises `KeyError` if there is none)."""
        return self.attribute_index[name]

    def baseline(self) -> dict[str, Value]:
        """The baseline citizen of DESIGN §4 (may violate `assume`)."""
        return {a.name: a.baseline() for a in self.attributes}

    @functools.cached_property
    def _define_index(self) -> dict[str, Define]:
        return {d.name: d for d in reversed(self.defines)}  # reversed: the first one wins

    @functools.cached_property
    def _sanction_index(self) -> dict[str, Sanction]:
        return {s.name: s for s in reversed(self.sanctions)}

    def define(self, name: str) -> Define | None:
        """The define called `name`, or None."""
        return self._define_index.get(name)

    def sanction(self, name: str) -> Sanction | None:
        """The sanction called `name`, or None."""
        return self._sanction_index.get(name)

    def action(self, name: str) -> Action | None:
        """The action called `name`, or None."""
        return next((a for a in self.actions if a.name == name), None)
