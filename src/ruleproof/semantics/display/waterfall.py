"""The score waterfall of an outcome, as data: how the score was built, step by step.

`waterfall(outcome, ruleset)` reads the evaluator's `Trace`: the base, then each rule that fired
with its contribution (`delta`) and the running total after it, then — when the raw score left
the score range — the clamp from the raw score to the final one, then the final score and its
tier. Each `Step` has the value before (`start`) and after (`end`), so `end - start` is what the
step added; a rule that is a group (`one_of`) appears as the case that fired, as in the trace.
Nothing is recomputed: the numbers are the trace's own (exact ints or rationals).

`condense(waterfalls)` keeps at most `MAX_RULE_ROWS` rule rows for pictures of long traces:
the rules whose contributions differ between the citizens, then the largest; each run of other
rules between two kept ones becomes one `rest` step from the running total before the run to
the one after it, so every kept step still starts and ends where the trace says.

`align(waterfalls)` gives the row keys for several waterfalls shown side by side: one row per
step, a rule that fired for only some citizens included once, and each waterfall's rules in
the order it applied them, so every column reads top to bottom as its trace does.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import attrs

from ruleproof.language import ruleset as M
from ruleproof.language.ruleset import Num
from ruleproof.semantics.tierbands import TierBands, tier_bands

if TYPE_CHECKING:  # type-only: outcomes display themselves through this module
    from ruleproof.semantics.outcome import Outcome

StepKind = Literal["base", "rule", "rest", "clamp", "score"]
MAX_RULE_ROWS = 40


@attrs.frozen
class Step:
    kind: StepKind
    key: str  # "base", "rule:<id>", "rest:<k>", "clamp", "score": the row a step belongs to
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

    @functools.cached_property
    def _index(self) -> dict[str, Step]:
        return {s.key: s for s in self.steps}

    def step(self, key: str) -> Step | None:
        return self._index.get(key)


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
    orders agree (keys that only some orders have fall in between their neighbours). Linear in
    the total length times the number of orders."""
    pos = [{k: i for i, k in enumerate(o)} for o in orders]
    ptr = [0] * len(orders)
    done: set[str] = set()
    out: list[str] = []

    def head(j: int) -> str | None:
        o = orders[j]
        while ptr[j] < len(o) and o[ptr[j]] in done:
            ptr[j] += 1
        return o[ptr[j]] if ptr[j] < len(o) else None

    while True:
        heads = [h for j in range(len(orders)) if (h := head(j)) is not None]
        if not heads:
            return out
        # a head that no order still has further back may go first; if none may (the orders
        # disagree), the first head goes
        free = (h for h in heads if all(p.get(h, ptr[j]) <= ptr[j] for j, p in enumerate(pos)))
        pick = next(free, heads[0])
        out.append(pick)
        done.add(pick)


def align(waterfalls: Sequence[Waterfall]) -> list[str]:
    """Row keys for waterfalls side by side: base, the rules in the order each waterfall applied
    them (merged), the clamp, the score."""
    fired = merge_orders(
        [[s.key for s in w.steps if s.kind in ("rule", "rest")] for w in waterfalls]
    )
    clamp = ["clamp"] if any(w.clamped for w in waterfalls) else []
    return ["base", *fired, *clamp, "score"]


def _kept(walls: Sequence[Waterfall], order: list[str]) -> set[str]:
    """The rule keys shown: differing contributions first, then the largest, up to the cap."""

    def rank(key: str) -> tuple[bool, Num]:
        steps = [w.step(key) for w in walls]
        d: list[Num] = [0 if s is None else s.delta for s in steps]
        biggest: Num = max(x if x >= 0 else -x for x in d)
        return (len(set(d)) == 1 and None not in steps, -biggest)

    return set(sorted(order, key=rank)[:MAX_RULE_ROWS])


def condense(walls: Sequence[Waterfall]) -> list[Waterfall]:
    """The waterfalls with at most `MAX_RULE_ROWS` rule rows (see the module docstring)."""
    order = merge_orders([[s.key for s in w.steps if s.kind == "rule"] for w in walls])
    if len(order) <= MAX_RULE_ROWS:
        return list(walls)
    kept = _kept(walls, order)
    gap = {}  # each rule key not kept → the index of the run it falls in
    k = 0
    for key in order:
        if key in kept:
            k += 1
        else:
            gap[key] = k
    return [attrs.evolve(w, steps=tuple(_merge_runs(w.steps, gap))) for w in walls]


def _merge_runs(steps: Sequence[Step], gap: dict[str, int]) -> list[Step]:
    out: list[Step] = []
    run: list[Step] = []

    def flush() -> None:
        if run:
            n = len(run)
            label = f"{n} other rule{'s' * (n != 1)}"
            out.append(Step("rest", f"rest:{gap[run[0].key]}", label, run[0].start, run[-1].end))
            run.clear()

    for s in steps:
        if s.kind == "rule" and s.key in gap:
            if run and gap[run[-1].key] != gap[s.key]:
                flush()
            run.append(s)
            continue
        flush()
        out.append(s)
    flush()
    return out
