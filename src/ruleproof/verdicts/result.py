"""Verdicts and counterexamples as frozen values (no Z3 here).

A `Result` is one property's verdict: `proved` (with `because`, the rules and assumptions the
proof needed, and `bound` for bounded path properties), `violated` (with a validated
`Counterexample`), `unknown` (with the reason) or `error` (the property is ill-formed).
A `Counterexample` names its citizens (`a`, `b`, …) with every attribute value, their outcomes
and traces, and for path properties the `steps` that were tried.

Both render as tables: `rich` uses `__rich__` in a terminal, Jupyter uses `_repr_html_`, and
`str()` gives the same table as plain text (`ruleproof.verdicts.display`).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

import attrs

from ruleproof.language.suite import Property, Status
from ruleproof.semantics.evaluate import Outcome
from ruleproof.language.ruleset import Value


@attrs.frozen
class Step:
    """One line of a path explanation: an action tried from a citizen and what came of it."""

    citizen: str
    action: str
    enabled: bool
    detail: str
    params: Mapping[str, Value] = attrs.field(factory=dict)


@attrs.frozen
class Counterexample:
    citizens: Mapping[str, Mapping[str, Value]]
    outcomes: Mapping[str, Outcome]
    steps: tuple[Step, ...] = ()
    note: str = ""
    sanction: str | None = None  # for per-sanction properties: the sanction that failed
    # the ruleset's baseline citizen, when known: rendering then hides values equal to it
    baseline: Mapping[str, Value] = attrs.field(factory=dict, eq=False, repr=False)

    def differing(self) -> list[str]:
        """Attribute names whose values differ between the citizens (pairs), in order."""
        if len(self.citizens) < 2:
            return []
        rows = list(self.citizens.values())
        return [k for k in rows[0] if any(r.get(k) != rows[0][k] for r in rows[1:])]

    def __rich__(self) -> Any:
        from ruleproof.verdicts.display import counterexample_group

        return counterexample_group(self)

    def __str__(self) -> str:
        from ruleproof.verdicts.display import plain_text

        return plain_text(self)

    def _repr_html_(self) -> str:
        from ruleproof.verdicts.display import html

        return html(self)


@attrs.frozen
class Result:
    property: Property
    status: Status
    message: str = ""
    counterexample: Counterexample | None = None
    seconds: float = 0.0
    bound: int | None = None
    because: tuple[str, ...] = ()
    witnesses: Mapping[str, Mapping[str, Value]] = attrs.field(factory=dict)
    affected: str = ""  # exact share of possible citizens affected, e.g. "1 in 40 (…)"

    @builtins.property
    def matches_expectation(self) -> bool:
        """True when proved, or when the result is what the property's `expect` documents."""
        if self.property.expect is not None:
            return self.status == self.property.expect
        return self.status == "proved"

    def __rich__(self) -> Any:
        from ruleproof.verdicts.display import result_group

        return result_group(self)

    def __str__(self) -> str:
        from ruleproof.verdicts.display import plain_text

        return plain_text(self)

    def _repr_html_(self) -> str:
        from ruleproof.verdicts.display import html

        return html(self)
