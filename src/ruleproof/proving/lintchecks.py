"""Semantic lint: solver-backed warnings about rules, tiers, sanctions and actions.

`semantic_warnings(ruleset, timeout)` returns warning `Diagnostic`s (never errors), each at the
offending node's span:
- RP301 a score rule that can never fire for any possible citizen;
- RP302 a tier that no citizen ever gets (never true, or always shadowed by earlier tiers);
- RP303 a sanction that can never be imposed;
- RP304 some possible citizens get no tier (the `tiers_total` property would fail);
- RP305 an action that is never enabled for any possible citizen;
- RP306 an action whose `when` holds in some state where the range rule or an `assume` still
  disables it (the designer may not expect that).
A check the solver cannot settle in time is skipped silently: lint warns only about what it proved.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import z3

from ruleproof.errors import Diagnostic, Span
from ruleproof.language import ruleset as M
from ruleproof.proving.encode import Copy, Encoding, Term
from ruleproof.proving.solving import Limits, new_solver
from ruleproof.proving.transitions import move, param_consts


def _satisfiable(
    enc: Encoding, copies: list[Copy], goal: Term, seconds: float, hard: list[Term] | None = None
) -> bool | None:
    """Is `goal` satisfiable with the copies' constraints (and `hard`) asserted?"""
    solver = new_solver(Limits(), seconds)
    for c in copies:
        solver.add(*c.all_constraints())
    solver.add(*(hard or []))
    solver.add(goal)
    solver.add(*enc.trackers.values())
    r = solver.check()
    return True if r == z3.sat else False if r == z3.unsat else None


def _warn(code: str, message: str, span: Span, why: str = "", fix: str = "") -> Diagnostic:
    return Diagnostic(code, message, span, why, fix, "warning")


def semantic_warnings(ruleset: M.Ruleset, timeout: float = 10.0) -> list[Diagnostic]:
    """Warnings the solver can prove, each check limited to a share of `timeout` seconds."""
    deadline = time.monotonic() + timeout
    enc = Encoding(ruleset)
    a = enc.copy("a")
    out: list[Diagnostic] = []

    def budget() -> float:
        return max(deadline - time.monotonic(), 0.05)

    if ruleset.score is not None:
        for r in ruleset.score.rules:
            if _satisfiable(enc, [a], a.expr(r.when), budget()) is False:
                out.append(
                    _warn(
                        "RP301",
                        f"rule `{r.id}` can never fire",
                        r.span,
                        why="its `when` is false for every possible citizen",
                        fix="check its condition against the ranges and `assume`",
                    )
                )
    for t in ruleset.tiers:
        goal = a.value("tier") == enc.codes.code(t.id)
        if _satisfiable(enc, [a], goal, budget()) is False:
            out.append(
                _warn(
                    "RP302",
                    f"no citizen ever gets tier `{t.id}`",
                    t.span,
                    why="its `when` is never true, or earlier tiers always match first",
                    fix="tiers are first-match: order them from the strictest",
                )
            )
    if (
        ruleset.tiers
        and _satisfiable(
            enc,
            [a],
            z3.And([a.value("tier") != enc.codes.code(t.id) for t in ruleset.tiers]),
            budget(),
        )
        is True
    ):
        out.append(
            _warn(
                "RP304",
                "some possible citizens get no tier",
                ruleset.tiers[-1].span,
                fix='end the list with a catch-all tier: `when: "True"`',
            )
        )
    for s in ruleset.sanctions:
        if _satisfiable(enc, [a], a.value(s.name), budget()) is False:
            out.append(_warn("RP303", f"sanction `{s.name}` can never be imposed", s.span))
    out += _action_warnings(ruleset, enc, a, budget)
    return out


def _action_warnings(
    ruleset: M.Ruleset, enc: Encoding, a: Copy, budget: Callable[[], float]
) -> list[Diagnostic]:

    out: list[Diagnostic] = []
    for act in ruleset.actions:
        params = param_consts(enc, act, "lint")
        mv = move(enc, a, act, params)
        enabled = mv.enabled
        # The next state's definitions are hard; whether it is possible is part of the goal.
        defs = mv.after.definitions()
        if _satisfiable(enc, [a], enabled, budget(), defs) is False:
            out.append(
                _warn(
                    "RP305",
                    f"action `{act.name}` is never enabled",
                    act.span,
                    why="its `when`, its params' ranges, the ranges of what it sets and "
                    "`assume` never hold together",
                    fix="check what it sets against the attribute ranges and `assume`",
                )
            )
            continue
        blocked = z3.And(mv.guard, z3.Not(enabled))
        if _satisfiable(enc, [a], blocked, budget(), mv.after.definitions()) is True:
            out.append(
                _warn(
                    "RP306",
                    f"action `{act.name}` is disabled in some states where its `when` holds",
                    act.span,
                    why="the state it would lead to breaks an attribute range or an "
                    "`assume` (DESIGN §2: such an action is not enabled)",
                    fix="tighten its `when`, or clamp what it sets with min/max",
                )
            )
    return out
