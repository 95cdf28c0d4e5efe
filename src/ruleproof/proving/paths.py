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
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import z3

from ruleproof.errors import InternalError
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.values import fmt_value
from ruleproof.proving import conclude
from ruleproof.proving.encode import Copy, Encoding, Term, decode
from ruleproof.proving.lifelong import stuck_forever
from ruleproof.proving.solving import explain_unknown, new_solver
from ruleproof.proving.transitions import (
    Hard,
    SearchUnknown,
    Shape,
    find_path,
    move,
    param_values,
    show_path,
)
from ruleproof.proving.z3checker import Z3Checker
from ruleproof.semantics.evaluate import State, evaluate, holds, in_domain, step
from ruleproof.semantics.outcome import Step
from ruleproof.semantics.validate_paths import Act, replay, validate_steps
from ruleproof.verdicts import result as V
from ruleproof.verdicts.result import Result

MAX_ROUNDS = 400
BOUNDS_LABEL = "interval bounds of every rule"


@attrs.frozen
class Goal:
    """One ∀∃ question: from every possible citizen with `when`, a path of `shape` to `target`."""

    when: E.Expr
    target: E.Expr
    when_text: str
    target_text: str
    shape: Shape
    via: str  # which paths count, in words
    sanction: str | None = None


@attrs.frozen
class Proved:
    witnesses: int
    core: tuple[str, ...]


@attrs.frozen
class Stuck:
    citizen: Mapping[str, M.Value]
    steps: tuple[Step, ...]
    forever: bool


@attrs.frozen
class Undecided:
    reason: str


@attrs.frozen
class NoAppeal:
    citizen: Mapping[str, M.Value] | None


Outcome = Proved | Stuck | Undecided | NoAppeal


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
    rows: list[tuple[Goal, Outcome]] = []
    for s in checker.ruleset.sanctions:
        goal = sanction_goal(checker.ruleset, kind, s)
        if isinstance(kind, P.AppealPath) and not s.appeal:
            rows.append((goal, NoAppeal(_some_citizen(checker, goal, deadline, bounds))))
        else:
            rows.append((goal, decide(checker, goal, deadline, bounds)))
    return _result(checker, prop, rows, kind.within)


def _by(ruleset: M.Ruleset, kinds: Sequence[str]) -> tuple[M.Action, ...]:
    return tuple(a for a in ruleset.actions if a.by in kinds)


def recourse_goal(ruleset: M.Ruleset, k: P.Recourse) -> Goal:
    if k.actions is not None:
        allowed = tuple(a for a in ruleset.actions if a.name in k.actions)
        via = "using only " + ", ".join(k.actions)
    elif k.by is not None:
        allowed = _by(ruleset, k.by)
        via = "using only `by: " + ", ".join(k.by) + "` actions"
    else:
        allowed = ruleset.actions
        via = "using any actions"
    return Goal(
        k.when, k.target, k.when_text, k.target_text, Shape(allowed, allowed, k.within, 0), via
    )


def sanction_goal(ruleset: M.Ruleset, kind: P.AppealPath | P.Expires, s: M.Sanction) -> Goal:
    lifted = E.Not(E.Var(s.name))
    if isinstance(kind, P.Expires):
        timed = _by(ruleset, ["time"])
        shape = Shape(timed, timed, kind.within, 1)
        via = "using only `by: time` actions"
    else:
        appeals = tuple(a for a in ruleset.actions if a.name in s.appeal)
        shape = Shape(appeals, _by(ruleset, ["authority", "time"]), kind.within, 1)
        via = (
            f"starting with an appeal ({', '.join(s.appeal)}) then only `by: authority` "
            "or `by: time` actions"
        )
    return Goal(E.Var(s.name), lifted, s.name, f"not {s.name}", shape, via, s.name)


# -- the loop ------------------------------------------------------------------------------


def decide(checker: Z3Checker, goal: Goal, deadline: float, bounds: bool = True) -> Outcome:
    """Run the counterexample-guided loop for one goal (see the module docstring)."""
    enc, limits = checker.enc, checker.limits
    if bounds and _never(checker, goal.when):
        return Proved(0, (BOUNDS_LABEL,))
    a = enc.copy("a")
    solver = new_solver(limits, max(deadline - time.monotonic(), 0.001))
    hard = Hard(solver)
    solver.add(a.expr(goal.when))
    minimising = False
    witnesses = 0
    for _ in range(MAX_ROUNDS):
        hard.add(a.all_constraints())
        remaining = deadline - time.monotonic()
        if remaining <= 0.005:
            return Undecided(
                f"timed out after {checker.limits.timeout:.1f} s while searching "
                "for citizens without an escape path"
            )
        solver.set("timeout", max(1, int(remaining * 1000)))
        r = solver.check(*enc.trackers.values())
        if r == z3.unsat:
            core = tuple(
                sorted({enc.labels[str(t)] for t in solver.unsat_core() if str(t) in enc.labels})
            )
            return Proved(witnesses, core)
        if r != z3.sat:
            return Undecided(explain_unknown(solver, enc, remaining, limits))
        if minimising:
            citizen = checker.citizens_of({"a": a}, solver.model(), solver, deadline)["a"]
        else:
            citizen = _decode(enc, a, solver.model())
        path = find_path(enc, citizen, goal.shape, goal.target, limits, deadline)
        if isinstance(path, SearchUnknown):
            return Undecided(path.reason)
        if path is None:
            if not minimising and limits.minimise:
                minimising = True
                continue
            return _stuck(checker, goal, citizen, deadline)
        formula, copies = escape(enc, a, path, goal.target)
        for c in copies:
            hard.add(c.definitions())
        solver.add(z3.Not(formula))
        witnesses += 1
    return Undecided(
        f"no verdict after {MAX_ROUNDS} candidate citizens: each had its own "
        "escape path and the paths found do not generalise"
    )


def escape(
    enc: Encoding, start: Copy, path: Sequence[Act], target: E.Expr
) -> tuple[Term, list[Copy]]:
    """The formula "the path is enabled step by step from `start` and ends in `target`",
    and the copies it made (whose definitions the caller asserts)."""
    parts: list[Term] = []
    copies: list[Copy] = []
    state = start
    for act in path:
        m = move(enc, state, act.action, param_values(enc, act.params))
        parts.append(m.enabled)
        state = m.after
        copies.append(state)
    parts.append(state.expr(target))
    return z3.And(parts), copies


def _decode(enc: Encoding, copy: Copy, model: Any) -> dict[str, M.Value]:
    return {
        a.name: decode(model, copy.attrs[a.name], a.type, enc.codes) for a in enc.ruleset.attributes
    }


def _never(checker: Z3Checker, when: E.Expr) -> bool:
    """True when the interval analysis shows no citizen in range has `when`.

    Sound for every possible citizen: possible citizens are in range (assumes only exclude
    more), so the goal's ∀ is vacuous. Large scores make this hard for Z3 (a sanction needing a
    score below the interval minimum of 1,000 rule contributions times out).
    """
    return checker.enc.bounds.truth(when) is False


def _some_citizen(
    checker: Z3Checker, goal: Goal, deadline: float, bounds: bool
) -> Mapping[str, M.Value] | None:
    """A minimal possible citizen with the goal's `when`, if there is one in time."""
    if bounds and _never(checker, goal.when):
        return None
    a = checker.enc.copy("a")
    solver = new_solver(checker.limits, max(deadline - time.monotonic(), 0.001))
    solver.add(a.expr(goal.when), *a.all_constraints())
    if solver.check(*checker.enc.trackers.values()) != z3.sat:
        return None
    return checker.citizens_of({"a": a}, solver.model(), solver, deadline)["a"]


# -- a stuck citizen -----------------------------------------------------------------------


def _stuck(
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
    values), or the longest path starting with it and what still holds where it ends."""
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


# -- results -------------------------------------------------------------------------------


def _result(
    checker: Z3Checker, prop: P.Property, rows: list[tuple[Goal, Outcome]], within: int
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
