"""The questions a path property asks, and what can come of each.

A path property becomes `Goal`s (one per sanction for `appeal_path` and `expires`): from every
possible citizen with `when`, is there a path of the goal's `shape` to `target`? Deciding one
gives a `GoalOutcome`: `Proved` (with the proof's core), `Stuck` (a citizen with no such path, and
the steps tried), `Undecided` (with the reason) or `NoAppeal` (the sanction declares none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.proving.transitions import (
    Shape,
)
from ruleproof.semantics.outcome import Step


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


GoalOutcome = Proved | Stuck | Undecided | NoAppeal


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
