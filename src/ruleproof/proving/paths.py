"""Path properties (`appeal_path`, `expires`, `recourse`): ∀ citizen with φ, ∃ path to ψ.

Each property becomes one or more `Goal`s (one per sanction for `appeal_path` and `expires`),
decided by a counterexample-guided loop over a shared encoding:

(a) find a possible citizen c with φ(c) that escapes by none of the witness paths found so far
    (a witness is a sequence of actions with concrete params; "c escapes by w" says every step
    of w is enabled from c in turn and the last state has ψ). Unsat: every such citizen escapes
    by a witness of at most k actions, so the goal is `proved` with `bound: k`.
(b) for that c (values fixed) search any path of at most k allowed actions ending in ψ
    (`transitions.find_path`, params pushed to the ends of their ranges so a witness serves
    many citizens). Found: it becomes a witness, back to (a). None: c is stuck, `violated`.

The loop ends by the deadline (`unknown`, with the reason), never by a guess. A stuck citizen
is minimised toward the baseline (and re-checked to be stuck), then `lifelong` tries to show
that no path of any length helps it (then `bound` is null). Every witness is replayed by the
evaluator on the citizen it was found for, and the counterexample's `steps` are re-checked with
`evaluate.step`.
"""

from __future__ import annotations

import time

from ruleproof.language import suite as P
from ruleproof.proving import conclude
from ruleproof.proving.pathgoals import (
    Goal,
    GoalOutcome,
    NoAppeal,
    Proved,
    Stuck,
    Undecided,
    recourse_goal,
    sanction_goal,
)
from ruleproof.proving.pathsearch import decide, some_citizen
from ruleproof.proving.z3checker import Z3Checker
from ruleproof.verdicts import result as V
from ruleproof.verdicts.result import Result


def check_path(
    checker: Z3Checker, prop: P.Property, deadline: float, bounds: bool = True
) -> Result:
    """The verdict of a path property (DESIGN §3), validated by the evaluator.

    With `bounds`, goals whose `when` the interval analysis shows impossible are proved
    without the solver.
    """
    kind = prop.kind
    if isinstance(kind, P.Recourse):
        goal = recourse_goal(checker.ruleset, kind)
        outcome = decide(checker, goal, deadline, bounds)
        return _result(checker, prop, [(goal, outcome)], kind.within)
    assert isinstance(kind, P.AppealPath | P.Expires)
    if not checker.ruleset.sanctions:  # the property loader refuses this (RP510)
        return V.Error(
            prop,
            f"{prop.kind_name}: ruleset `{checker.ruleset.id}` has no sanctions, so the "
            "property would hold vacuously",
        )
    rows: list[tuple[Goal, GoalOutcome]] = []
    for s in checker.ruleset.sanctions:
        goal = sanction_goal(checker.ruleset, kind, s)
        if time.monotonic() >= deadline:
            rows.append((goal, Undecided("timed out before it was checked")))
        elif isinstance(kind, P.AppealPath) and not s.appeal:
            rows.append((goal, NoAppeal(some_citizen(checker, goal, deadline, bounds))))
        else:
            rows.append((goal, decide(checker, goal, deadline, bounds)))
    return _result(checker, prop, rows, kind.within)


def _result(
    checker: Z3Checker, prop: P.Property, rows: list[tuple[Goal, GoalOutcome]], within: int
) -> Result:
    failures = [(g, o) for g, o in rows if isinstance(o, Stuck | NoAppeal)]
    unknown = [(g, o) for g, o in rows if isinstance(o, Undecided)]
    per_sanction = not isinstance(prop.kind, P.Recourse)
    if failures:
        goal, outcome = failures[0]
        message = _stuck_message(goal, outcome, within)
        if per_sanction:
            names = ", ".join(f"`{g.sanction}`" for g, _ in failures)
            message = f"violated for {names}: {message}"
        forever = isinstance(outcome, Stuck) and outcome.forever
        if isinstance(outcome, Stuck):
            cex = checker.counterexample(
                {"a": outcome.citizen}, sanction=goal.sanction, steps=outcome.steps
            )
        elif outcome.citizen is not None:
            cex = checker.counterexample(
                {"a": outcome.citizen},
                sanction=goal.sanction,
                note=f"`{goal.sanction}` declares no appeal action",
            )
        else:
            cex = checker.counterexample(
                {}, sanction=goal.sanction, note=f"`{goal.sanction}` declares no appeal action"
            )
        bound = None if forever or isinstance(outcome, NoAppeal) else within
        return V.Violated(prop, message, cex, bound=bound)
    if unknown:
        parts = [
            f"`{g.sanction}`: {o.reason}" if per_sanction else o.reason
            for g, o in unknown
            if isinstance(o, Undecided)
        ]
        return V.Unknown(prop, "; ".join(parts))
    core: set[str] = set()
    for _, o in rows:
        if isinstance(o, Proved):
            core.update(o.core)
    if per_sanction:
        what = "for every sanction, every citizen who has it"
        goal_text = "ends it"
    else:
        what = f"every citizen with `{rows[0][0].when_text}`"
        goal_text = f"reaches `{rows[0][0].target_text}`"
    message = f"holds: {what} has a path of {_actions(within)}, {rows[0][0].via}, that {goal_text}"
    return V.Proved(
        prop, message, bound=within, because=conclude.order_labels(checker.ruleset, core)
    )


def _stuck_message(goal: Goal, outcome: Stuck | NoAppeal, within: int) -> str:
    if isinstance(outcome, NoAppeal):
        tail = "" if outcome.citizen is not None else " (and it can never be imposed)"
        return f"sanction `{goal.sanction}` declares no appeal action{tail}"
    ends = f"ends `{goal.sanction}`" if goal.sanction else f"reaches `{goal.target_text}`"
    if outcome.forever:
        return (
            f"citizen a (`{goal.when_text}`) is stuck: no path of any length, {goal.via}, "
            f"{ends} for this citizen"
        )
    return (
        f"citizen a (`{goal.when_text}`) is stuck: no path of {_actions(within)}, "
        f"{goal.via}, {ends}"
    )


def _actions(n: int) -> str:
    return f"at most {n} action" + ("" if n == 1 else "s")
