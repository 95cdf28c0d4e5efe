"""The verdict of `ruleproof diff` as values (no Z3 here).

`DiffResult` holds what `ruleproof.proving.diff.diff_rulesets` found: for each output compared,
either nothing (equal for every citizen possible under both versions), one minimal citizen
treated differently (a `Difference`, with the evaluator's outcome and trace under each version),
or the reason the solver could not decide. The reviewer summaries are a tier-transition matrix
and the sanctions gained and lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

from ruleproof.language.ruleset import Value
from ruleproof.semantics.outcome import Outcome

Status = Literal["equivalent", "different", "unknown"]


@attrs.frozen
class Version:
    file: str
    ruleset: str


@attrs.frozen
class Difference:
    """One minimal citizen whose `output` differs between the versions, validated by the evaluator.

    `citizen` is the union record (OLD's attributes in order, then NEW's own); `only_old` and
    `only_new` name the attributes that one version does not read.
    """

    output: str
    citizen: Mapping[str, Value]
    old_value: Value | tuple[str, ...] | None
    new_value: Value | tuple[str, ...] | None
    old: Outcome
    new: Outcome
    baseline: Mapping[str, Value] = attrs.field(factory=dict)
    old_trace: tuple[str, ...] = ()
    new_trace: tuple[str, ...] = ()
    tiers: bool = True  # whether either version has tiers


@attrs.frozen
class Transition:
    """Can a citizen have tier `old` under OLD and tier `new` under NEW? (None: no tier.)"""

    old: str | None
    new: str | None
    possible: bool | None  # None: the solver could not decide


@attrs.frozen
class SanctionChange:
    """Is there a citizen who gains the sanction (not under OLD, under NEW) / who loses it?"""

    sanction: str
    gained: bool | None
    lost: bool | None
    in_old: bool = True
    in_new: bool = True


@attrs.frozen
class AttributeChange:
    """A shared attribute whose type differs: citizens are compared over `compared`."""

    name: str
    old: str
    new: str
    compared: str


@attrs.frozen
class DiffResult:
    old: Version
    new: Version
    outputs: tuple[str, ...]
    differences: tuple[Difference, ...] = ()
    unknown: tuple[tuple[str, str], ...] = ()  # (output, reason)
    transitions: tuple[Transition, ...] | None = None  # None: not computed (no tiers in one)
    old_tiers: tuple[str | None, ...] = ()  # rows and columns of the matrix (None: no tier)
    new_tiers: tuple[str | None, ...] = ()
    sanctions: tuple[SanctionChange, ...] = ()
    only_old: tuple[str, ...] = ()
    only_new: tuple[str, ...] = ()
    changed: tuple[AttributeChange, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        if self.differences:
            return "different"
        return "unknown" if self.unknown else "equivalent"

    @property
    def equivalent(self) -> bool:
        return self.status == "equivalent"
