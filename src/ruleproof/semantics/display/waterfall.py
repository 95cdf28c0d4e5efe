"""The score waterfall of an outcome, as data: how the score was built, step by step.

`waterfall(outcome, ruleset)` reads the evaluator's `Trace`: the base, then each rule that fired
with its contribution (`delta`) and the running total after it, then — when the raw score left
the score range — the clamp from the raw score to the final one, then the final score and its
tier. Each `Step` has the value before (`start`) and after (`end`), so `end - start` is what the
step added; a rule that is a group (`one_of`) appears as the case that fired, as in the trace.
Nothing is recomputed: the numbers are the trace's own (exact ints or rationals).

`align(waterfalls)` gives the row keys for several waterfalls shown side by side: one row per
step, a rule that fired for only some citizens included once, and each waterfall's rules in
the order it applied them, so every column reads top to bottom as its trace does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import attrs

from ruleproof.language import ruleset as M
from ruleproof.language.ruleset import Num
from ruleproof.semantics.tierbands import TierBands, tier_bands

if TYPE_CHECKING:  # type-only: outcomes display themselves through this module
    from ruleproof.semantics.outcome import Outcome

StepKind = Literal["base", "rule", "clamp", "score"]


@attrs.frozen
class Step:
    kind: StepKind
    key: str  # "base", "rule:<id>", "clamp", "score": the row a step belongs to
    label: str
    start: Num
    end: Num
    rule: str | None = None

    @property
    def delta(self) -> Num:
        return self.end - self.start


@attrs.frozen
class Waterfall:
    steps: tuple[Step, ...]
    raw: Num
    score: Num
    clamped: bool
    tier: str | None
    lo: Num | None = None  # the score range, when the ruleset is known
    hi: Num | None = None
    bands: TierBands | None = None

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)


def waterfall(outcome: Outcome, ruleset: M.Ruleset | None = None) -> Waterfall | None:
    """The waterfall of an outcome, or None when the ruleset has no score."""
    tr = outcome.trace
    if tr.base is None or outcome.score is None:
        return None
    steps = [Step("base", "base", "base", tr.base, tr.base)]
    running: Num = tr.base
    for f in tr.rules:
        steps.append(Step("rule", f"rule:{f.id}", f.id, running, f.running, f.id))
        running = f.running
    raw = tr.raw_score if tr.raw_score is not None else running
    if tr.clamped:
        steps.append(Step("clamp", "clamp", "clamp to the score range", raw, outcome.score))
    steps.append(Step("score", "score", "score", outcome.score, outcome.score))
    score = ruleset.score if ruleset is not None else None
    return Waterfall(
        tuple(steps),
        raw,
        outcome.score,
        tr.clamped,
        outcome.tier,
        score.lo if score is not None else None,
        score.hi if score is not None else None,
        tier_bands(ruleset) if ruleset is not None and ruleset.tiers else None,
    )


def merge_orders(orders: Sequence[Sequence[str]]) -> list[str]:
    """One order containing every key, keeping each given order as a subsequence where the
    orders agree (keys that only some orders have fall in between their neighbours)."""
    out: list[str] = []
    rest = [list(o) for o in orders]
    while any(rest):
        heads = [r[0] for r in rest if r]
        # a head that no other order still has further back may go first
        pick = next((h for h in heads if not any(h in r[1:] for r in rest)), heads[0])
        out.append(pick)
        rest = [[x for x in r if x != pick] for r in rest]
    return out


def align(waterfalls: Sequence[Waterfall]) -> list[str]:
    """Row keys for waterfalls side by side: base, the rules in the order each waterfall applied
    them (merged), the clamp, the score."""
    fired = merge_orders([[s.key for s in w.steps if s.kind == "rule"] for w in waterfalls])
    clamp = ["clamp"] if any(w.clamped for w in waterfalls) else []
    return ["base", *fired, *clamp, "score"]
