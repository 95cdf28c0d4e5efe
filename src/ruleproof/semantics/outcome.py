"""What evaluating a citizen gives: the outcome, its trace, and the steps of a path.

Plain frozen records (no evaluation here): `Outcome` (score, tier, sanctions, defines and the
`Trace` of rules fired, clamp, tier and sanctions with their reasons), `Step` (an action tried
from a citizen on a path and what came of it), and `outcome_changes`, what differs between two
outcomes in words. In a notebook an `Outcome` shows as HTML tables and its score waterfall
(`ruleproof.semantics.display`); the ruleset it may carry is for that display only (tier bands,
links to the source) and takes no part in equality.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ruleproof.language import ruleset as M
from ruleproof.language.ruleset import Num, Value
from ruleproof.language.values import fmt_value, signed


@attrs.frozen
class RuleFiring:
    id: str
    delta: Num
    running: Num


@attrs.frozen
class SanctionWhy:
    name: str
    imposed: bool
    when: str
    values: tuple[tuple[str, Value | None], ...]


@attrs.frozen
class ActionStatus:
    name: str
    by: str
    enabled: bool
    reason: str


@attrs.frozen
class Trace:
    base: Num | None
    rules: tuple[RuleFiring, ...]
    raw_score: Num | None
    clamped: bool
    tier: str | None
    sanctions: tuple[SanctionWhy, ...]

    def lines(self) -> list[str]:
        """The trace as short lines, as shown in counterexamples and `explain`."""
        out: list[str] = []
        if self.base is not None:
            out.append(f"base {fmt_value(self.base)}")
            out += [f"rule {r.id}: {signed(r.delta)} → {fmt_value(r.running)}" for r in self.rules]
            if self.clamped:
                out.append(f"clamped {fmt_value(self.raw_score)} to the score range")
        out.append(f"tier {self.tier}" if self.tier is not None else "no tier matches")
        for s in self.sanctions:
            if s.imposed:
                vals = ", ".join(f"{k}={fmt_value(v)}" for k, v in s.values)
                out.append(f"sanction {s.name}: {s.when}" + (f" ({vals})" if vals else ""))
        return out


@attrs.frozen(repr=False)
class Outcome:
    """What a citizen gets: score (None without a score section), tier (None when no tier
    matches, or without tiers), the sanctions imposed (in ruleset order), every define's value
    and the trace. `repr` is one line; `str` gives the trace's lines."""

    score: Num | None
    tier: str | None
    sanctions: tuple[str, ...]
    defines: Mapping[str, Value | None]
    trace: Trace
    # the ruleset that gave this outcome, when known: display only (tier bands, source links)
    ruleset: M.Ruleset | None = attrs.field(default=None, eq=False, repr=False)

    def _repr_html_(self) -> str:
        from ruleproof.semantics.display.outcome_html import outcome_html
        from ruleproof.semantics.display.style import fragment

        return fragment(outcome_html(self, self.ruleset, prefix=f"rp-outcome-{id(self):x}"))

    def __repr__(self) -> str:
        return f"Outcome(score={self.score!r}, tier={self.tier!r}, sanctions={self.sanctions!r})"

    def __str__(self) -> str:
        return "\n".join(self.trace.lines())

    def output(self, name: str) -> Value | tuple[str, ...] | None:
        """The value of an output: `score`, `tier`, `sanctions`, a sanction, a define."""
        if name == "score":
            return self.score
        if name == "tier":
            return self.tier
        if name == "sanctions":
            return self.sanctions
        if name in self.defines:
            return self.defines[name]
        return name in self.sanctions


def outcome_phrase(o: Outcome, score: bool, tiers: bool, sanctions: bool) -> str:
    """What a citizen gets, naming only the outputs its ruleset has: `score 900, tier B,
    sanctions ['flight_ban']` (`no tier` when none matches); '' when it has none of them."""
    parts = []
    if score:
        parts.append(f"score {fmt_value(o.score)}")
    if tiers:
        parts.append(f"tier {o.tier}" if o.tier is not None else "no tier")
    if sanctions:
        parts.append(f"sanctions {list(o.sanctions)}")
    return ", ".join(parts)


def outcome_changes(a: Outcome, b: Outcome, defines: bool = False) -> list[str]:
    """What differs between two outcomes, as short phrases ("score 410 vs 411")."""
    out = []
    if a.score != b.score:
        out.append(f"score {fmt_value(a.score)} vs {fmt_value(b.score)}")
    if a.tier != b.tier:
        out.append(f"tier {a.tier} vs {b.tier}")
    if a.sanctions != b.sanctions:
        out.append(f"sanctions {list(a.sanctions)} vs {list(b.sanctions)}")
    if defines:
        out += [
            f"{k} {fmt_value(v)} vs {fmt_value(b.defines.get(k))}"
            for k, v in a.defines.items()
            if v != b.defines.get(k)
        ]
    return out


@attrs.frozen
class Step:
    """One line of a path explanation: an action tried from a citizen and what came of it
    (`sanction`: which sanction's path, when a counterexample explains several)."""

    citizen: str
    action: str
    enabled: bool
    detail: str
    params: Mapping[str, Value] = attrs.field(factory=dict)
    sanction: str | None = None
