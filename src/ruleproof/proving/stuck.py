"""A stuck citizen, explained: re-checked, tested for a path of any length, and for each first
action, why it is not enabled or where the longest path it starts ends.
"""

from __future__ import annotations

from collections.abc import Mapping

from ruleproof.errors import InternalError
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.values import fmt_value
from ruleproof.proving.lifelong import stuck_forever
from ruleproof.proving.pathgoals import (
    Goal,
    Stuck,
)
from ruleproof.proving.transitions import (
    SearchUnknown,
    Shape,
    find_path,
    show_path,
)
from ruleproof.proving.z3checker import Z3Checker
from ruleproof.semantics.evaluate import State, evaluate, holds, in_domain, step
from ruleproof.semantics.outcome import Step
from ruleproof.semantics.validate_paths import replay, validate_steps


def stuck_citizen(
    checker: Z3Checker, goal: Goal, citizen: Mapping[str, M.Value], deadline: float
) -> Stuck:
    rs = checker.ruleset
    why = in_domain(rs, citizen)
    if why is not None or not holds(rs, goal.when, citizen):
        raise InternalError(
            f"the stuck citizen the solver found is impossible or lacks "
            f"`{goal.when_text}` ({why or 'when is false'}): {dict(citizen)}"
        )
    if holds(rs, goal.target, citizen) and goal.shape.min_len == 0:
        raise InternalError("the solver calls a citizen stuck who already has the target")
    forever = stuck_forever(checker.enc, citizen, goal.shape, goal.target, checker.limits, deadline)
    steps = explain_steps(checker, goal, citizen, deadline)
    validate_steps(rs, {"a": citizen}, steps)
    return Stuck(citizen, steps, forever)


def explain_steps(
    checker: Z3Checker, goal: Goal, citizen: Mapping[str, M.Value], deadline: float
) -> tuple[Step, ...]:
    """For each action that may start a path: not enabled and why (the failed guard with its
    values), or the longest path starting with it (the least actions of that length, params
    at their high end, so the same inputs give the same steps) and what still holds where it
    ends."""
    rs, enc = checker.ruleset, checker.enc
    out: list[Step] = []
    for action in goal.shape.first:
        shape = Shape((action,), goal.shape.rest, goal.shape.within, 1)
        found = find_path(
            enc,
            citizen,
            shape,
            E.BoolLit(True),
            checker.limits,
            deadline,
            prefer="canonical",  # one path whatever the solver found before
            lengths=range(goal.shape.within, 0, -1),
        )
        if isinstance(found, SearchUnknown):
            continue
        if found is None:
            params = {p.name: _low(p.type) for p in action.params}
            new, reason = step(rs, action, citizen, params)
            if new is not None:
                raise InternalError(
                    f"the solver finds `{action.name}` never enabled for the "
                    f"stuck citizen, the evaluator enables it with {params}"
                )
            shown = f" (with {_args(params)})" if params else ""
            out.append(Step("a", action.name, False, f"not enabled{shown}: {reason}", params))
            continue
        final = replay(rs, citizen, found)
        if holds(rs, goal.target, final):
            raise InternalError(
                f"the stuck citizen reaches `{goal.target_text}` by "
                f"{show_path(found)} when the evaluator replays it"
            )
        detail = (
            f"enabled; the longest path tried, {show_path(found)}, ends where "
            f"{still(rs, goal, final)}"
        )
        out.append(Step("a", action.name, True, detail, dict(found[0].params)))
    return tuple(out)


def still(ruleset: M.Ruleset, goal: Goal, state: Mapping[str, M.Value]) -> str:
    """Why the target is still false in `state`: the sanctions it names, with their values."""
    outcome = evaluate(ruleset, state)
    named = E.names(goal.target)
    shown = [
        w
        for w in outcome.trace.sanctions
        if w.imposed and (w.name in named or "sanctioned" in named)
    ]
    if not shown:
        st = State(ruleset, state)
        vals = ", ".join(f"{n}={fmt_value(st.get(n))}" for n in sorted(named))
        return f"`{goal.target_text}` is false ({vals})"
    parts = []
    for w in shown:
        vals = ", ".join(f"{k}={fmt_value(v)}" for k, v in w.values)
        parts.append(f"`{w.name}` is still imposed: {w.when}" + (f" ({vals})" if vals else ""))
    return "; ".join(parts)


def _low(t: M.AttrType) -> M.Value:
    return M.Attribute("p", t).baseline()


def _args(params: Mapping[str, M.Value]) -> str:
    return ", ".join(f"{k}={fmt_value(v)}" for k, v in params.items())
