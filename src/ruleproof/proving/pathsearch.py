"""Deciding one path goal: the counterexample-guided loop of `ruleproof.proving.paths`.

`decide(checker, goal, deadline)` alternates (a) finding a possible citizen with the goal's
`when` that escapes by none of the witness paths found so far and (b) searching a path for that
citizen; it ends `Proved`, `Stuck` (explained by `ruleproof.proving.stuck`) or `Undecided`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import z3

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.proving import conclude
from ruleproof.proving.encode import Copy, Encoding, Term, decode
from ruleproof.proving.pathgoals import (
    Goal,
    GoalOutcome,
    Proved,
    Undecided,
)
from ruleproof.proving.solving import explain_unknown, new_solver
from ruleproof.proving.stuck import stuck_citizen
from ruleproof.proving.transitions import (
    Hard,
    SearchUnknown,
    find_path,
    move,
    param_values,
)
from ruleproof.proving.z3checker import Z3Checker
from ruleproof.semantics.validate_paths import Act

MAX_ROUNDS = 400


def decide(checker: Z3Checker, goal: Goal, deadline: float, bounds: bool = True) -> GoalOutcome:
    """Run the counterexample-guided loop for one goal (see the module docstring)."""
    enc, limits = checker.enc, checker.limits
    if bounds and _never(checker, goal.when):
        return Proved(0, (conclude.BOUNDS_LABEL,))
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
            return Undecided(explain_unknown(solver, enc, remaining, limits, deadline))
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
            return stuck_citizen(checker, goal, citizen, deadline)
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


def some_citizen(
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
