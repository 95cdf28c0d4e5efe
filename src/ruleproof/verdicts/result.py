"""Verdicts and counterexamples as frozen values (no Z3 here).

A `Result` is one property's verdict, one of four classes:

- `Proved`: with `because` (the rules and assumptions the proof needed) and `bound` for a
  bounded path property;
- `Violated`: with the validated `Counterexample`, which it cannot be built without;
- `Unknown`: with the reason (time, resources, non-linear arithmetic), never a guess;
- `Error`: the property is ill-formed, or ruleproof failed on it (`internal`).

Each has `status` (the DESIGN's status string), `counterexample` (None but for `Violated`),
`witnesses` (who shows it possible: one citizen per `reachable` goal that can happen, the
citizens of an `exists` witness) and the fields its status needs. A `Counterexample` names its
citizens (`a`, `b`, …) with every attribute value, their outcomes and traces, and for path
properties the `steps` that were tried.

All of them display as tables: `rich` uses `__rich__` in a terminal, `str()` gives the same
tables as plain text (`ruleproof.verdicts.display`), and Jupyter's `_repr_html_` gives HTML
tables with the score waterfall (`ruleproof.verdicts.htmlview`).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import attrs

from ruleproof.language import ruleset as M
from ruleproof.language.ruleset import Value
from ruleproof.language.suite import Property, Status
from ruleproof.semantics.outcome import Outcome, Step
from ruleproof.verdicts import display

Witnesses = Mapping[str, Mapping[str, Value]]


class _Displayed:
    """Terminal, plain-text and notebook display (`ruleproof.verdicts.display`)."""

    def __rich__(self) -> Any:
        return display.renderable(self)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return display.plain_text(self)  # type: ignore[arg-type]

    def _repr_html_(self) -> str:
        return display.html(self)  # type: ignore[arg-type]


@attrs.frozen(str=False)
class Counterexample(_Displayed):
    citizens: Mapping[str, Mapping[str, Value]]
    outcomes: Mapping[str, Outcome]
    steps: tuple[Step, ...] = ()
    note: str = ""
    sanction: str | None = None  # for per-sanction properties: the (first) sanction that failed
    # when several sanctions fail: each with the tag of its citizen (None: never imposed)
    failing: tuple[tuple[str, str | None], ...] = ()
    # the ruleset's baseline citizen, when known: rendering then hides values equal to it
    baseline: Mapping[str, Value] = attrs.field(factory=dict, eq=False, repr=False)
    # the ruleset, when known: display only (tier bands, links to the source lines)
    ruleset: M.Ruleset | None = attrs.field(default=None, eq=False, repr=False)

    def differing(self) -> list[str]:
        """Attribute names whose values differ between the citizens (pairs), in order."""
        if len(self.citizens) < 2:
            return []
        rows = list(self.citizens.values())
        return [k for k in rows[0] if any(r.get(k) != rows[0][k] for r in rows[1:])]


class _Verdict(_Displayed):
    """What every verdict answers: its status and whether it is what the suite expects."""

    status: ClassVar[Status]
    property: Property

    @builtins.property
    def matches_expectation(self) -> bool:
        """True when proved, or when the result is what the property's `expect` documents."""
        if self.property.expect is not None:
            return self.status == self.property.expect
        return self.status == "proved"


@attrs.frozen(str=False)
class Proved(_Verdict):
    status: ClassVar[Literal["proved"]] = "proved"
    counterexample: ClassVar[None] = None
    affected: ClassVar[str] = ""
    property: Property
    message: str = "holds"
    because: tuple[str, ...] = ()
    bound: int | None = None
    witnesses: Witnesses = attrs.field(factory=dict)
    seconds: float = 0.0
    # the ruleset's baseline citizen, when known: witnesses are then shown by what differs
    baseline: Mapping[str, Value] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(str=False)
class Violated(_Verdict):
    status: ClassVar[Literal["violated"]] = "violated"
    because: ClassVar[tuple[str, ...]] = ()
    property: Property
    message: str
    counterexample: Counterexample
    bound: int | None = None
    affected: str = ""  # exact share of possible citizens affected, e.g. "1 in 40 (…)"
    witnesses: Witnesses = attrs.field(factory=dict)
    seconds: float = 0.0
    # the ruleset's baseline citizen, when known: witnesses are then shown by what differs
    baseline: Mapping[str, Value] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(str=False)
class Unknown(_Verdict):
    status: ClassVar[Literal["unknown"]] = "unknown"
    counterexample: ClassVar[None] = None
    because: ClassVar[tuple[str, ...]] = ()
    affected: ClassVar[str] = ""
    property: Property
    message: str
    bound: int | None = None
    witnesses: Witnesses = attrs.field(factory=dict)
    seconds: float = 0.0
    # the ruleset's baseline citizen, when known: witnesses are then shown by what differs
    baseline: Mapping[str, Value] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(str=False)
class Error(_Verdict):
    status: ClassVar[Literal["error"]] = "error"
    counterexample: ClassVar[None] = None
    because: ClassVar[tuple[str, ...]] = ()
    affected: ClassVar[str] = ""
    bound: ClassVar[None] = None
    witnesses: ClassVar[Witnesses] = {}
    baseline: ClassVar[Mapping[str, Value]] = {}
    property: Property
    message: str
    seconds: float = 0.0
    internal: bool = False  # a bug in ruleproof, not a problem with the property


Result = Proved | Violated | Unknown | Error
