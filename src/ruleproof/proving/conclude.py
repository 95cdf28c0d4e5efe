"""Turning what the solver and the evaluator found into verdicts.

Shared by every way of checking a property (the Z3 back end, the fast paths, the path checker),
so a verdict reads the same whichever found it: `violated` builds the `Violated` result from
validated failures (message, per-sanction labels, the exact share of affected citizens where
the typed domain is small enough to count), `reachable_result` the verdict of a `reachable`
property from what happened to each goal, `order_labels` a proof's reasons in the ruleset's own
order, and `describe_violation` the one-line message of a counterexample.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.values import fmt_value
from ruleproof.semantics.counting import count_affected
from ruleproof.semantics.outcome import outcome_changes
from ruleproof.semantics.templates import Query
from ruleproof.verdicts import result as V
from ruleproof.verdicts.result import Counterexample, Result

BOUNDS_LABEL = "interval bounds of every rule"  # the reason of a proof by intervals
COUNT_LIMIT = 20_000  # evaluator runs spent on exact counting per violated property


def violated(
    ruleset: M.Ruleset,
    prop: P.Property,
    failures: list[tuple[Query, Counterexample]],
    deadline: float | None = None,
) -> V.Violated:
    """The `violated` result for validated failures (the first one is shown); the share of
    citizens affected is counted until `deadline` (then it says it was not)."""
    q, cex = failures[0]
    labels = [f.label for f, _ in failures if f.label]
    message = describe_violation(prop, cex)
    if labels:
        message = f"violated for {', '.join(f'`{x}`' for x in labels)}: {message}"
    try:
        count = count_affected(ruleset, q, COUNT_LIMIT, deadline)
        affected = f"affects {count.ratio_text()}" if count is not None else ""
    except TimeoutError:
        affected = "affected citizens not counted: timed out"
    return V.Violated(prop, message, cex, affected=affected)


def reachable_result(
    prop: P.Property,
    goals: int,
    never: list[str],
    unknown: list[str],
    witnesses: Mapping[str, Mapping[str, M.Value]],
    unchecked: Sequence[str] = (),
) -> Result:
    """The verdict of a `reachable` property from what happened to each of its goals
    (`unchecked`: goals left when the time limit ran out)."""
    late = not_checked(unchecked, goals)
    if never:
        cex = Counterexample({}, {}, note="never: " + "; ".join(never))
        message = f"{len(never)} of {goals} can never happen: " + ", ".join(never)
        return V.Violated(prop, message + (f"; {late}" if late else ""), cex, witnesses=witnesses)
    if unknown or unchecked:
        return V.Unknown(
            prop, "; ".join([*unknown, *([late] if late else [])]), witnesses=witnesses
        )
    return V.Proved(prop, f"all {goals} can happen", witnesses=witnesses)


def not_checked(unchecked: Sequence[str], total: int) -> str:
    """What was left when the time limit ran out, in one phrase ("" when nothing was)."""
    if not unchecked:
        return ""
    shown = ", ".join(unchecked[:5]) + (
        f" and {len(unchecked) - 5} more" if len(unchecked) > 5 else ""
    )
    return f"timed out with {len(unchecked)} of {total} not checked: {shown}"


def proved_relational(prop: P.Property, ruleset: M.Ruleset, cores: set[str]) -> V.Proved:
    """`proved` for a one-state or relational template, with its reasons in ruleset order."""
    note = ""
    if isinstance(prop.kind, P.SameContext):
        skipped = [s.name for s in ruleset.sanctions if s.domain is None]
        if skipped:
            note = f" (sanctions without a domain, not checked: {', '.join(skipped)})"
    return V.Proved(prop, "holds" + note, because=order_labels(ruleset, cores))


def order_labels(ruleset: M.Ruleset, labels: set[str]) -> tuple[str, ...]:
    """Core labels in the ruleset's own order: assumes, defines, rules, clamp, tiers, sanctions."""
    order: list[str] = [f"assume #{a.index} ({a.text})" for a in ruleset.assumptions]
    order += [f"define {d.name}" for d in ruleset.defines]
    order += [f"rule {r.id}" for r in (ruleset.score.rules if ruleset.score else ())]
    order += ["score range (clamp)", "tiers (first match)"]
    order += [f"sanction {s.name}" for s in ruleset.sanctions]
    rank = {label: i for i, label in enumerate(order)}
    return tuple(sorted(labels, key=lambda x: (rank.get(x, len(rank)), x)))


def describe_violation(prop: P.Property, cex: Counterexample) -> str:
    """One line saying what the counterexample shows."""
    outs = cex.outcomes
    if len(outs) == 2 and "a" in outs and "b" in outs:
        diff = cex.differing()
        changed = outcome_changes(outs["a"], outs["b"]) or outcome_changes(
            outs["a"], outs["b"], defines=True
        )
        return (
            f"citizens differing only in {', '.join(diff) or 'nothing'} get "
            f"{'; '.join(changed) or 'outcomes violating the assertion'}"
        )
    if "a" in outs:
        o = outs["a"]
        score = fmt_value(o.score)
        return f"citizen a gets score {score}, tier {o.tier}, sanctions {list(o.sanctions)}"
    return "counterexample found"
