"""What `explain` finds for one citizen, as values: `Recourse` (what the person can do) and
`Explanation` (outcome, trace, actions and recourse), for the command line and the Python API.

`find_recourse` searches the least path (`proving.recourse.minimal_recourse`: fewest actions,
then smallest params) from a concrete citizen to a target (default `not sanctioned`) and
replays every step with the evaluator. Without `by` or `actions` it first tries the person's
own actions and time (`by: citizen`, `by: time`), then every kind (the path then needs an
authority's decision). Both values print as tables (`str`), have a one-line `repr`, and give
the `explain --format json` document with `to_json`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ruleproof.commands.explain_render import explain_text, recourse_text
from ruleproof.errors import InternalError
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.values import fmt_value, value_json
from ruleproof.semantics.evaluate import evaluate, holds, step
from ruleproof.semantics.outcome import Outcome

OWN_KINDS: tuple[M.ActorKind, ...] = ("citizen", "time")
NOT_SANCTIONED = E.Not(E.Var("sanctioned"))


@attrs.frozen
class RecourseStep:
    """One action of a recourse path: its params, what it changed, the sanctions after it."""

    action: str
    by: str
    params: Mapping[str, M.Value]
    changes: Mapping[str, M.Value]
    sanctions: tuple[str, ...]

    def __str__(self) -> str:
        args = ", ".join(f"{k}={fmt_value(v)}" for k, v in self.params.items())
        return f"{self.action}({args})"


@attrs.frozen(repr=False)
class Recourse:
    """What a person can do to reach `target`: the least path, or why there is none.

    `steps` is the path (empty when the target already holds) or None when no path of at most
    `within` actions was found (`note` says whether none exists or the solver gave up); `by`
    lists the kinds of action the path may use.
    """

    target: str
    by: tuple[str, ...]
    within: int
    steps: tuple[RecourseStep, ...] | None
    note: str = ""

    @property
    def found(self) -> bool:
        """True when a path (possibly empty) reaches the target."""
        return self.steps is not None

    def to_json(self) -> dict[str, Any]:
        """The `recourse` part of the `explain --format json` document."""
        path = None
        if self.steps is not None:
            path = [
                {
                    "action": s.action,
                    "by": s.by,
                    "params": {k: value_json(v) for k, v in s.params.items()},
                    "changes": {k: value_json(v) for k, v in s.changes.items()},
                    "sanctions": list(s.sanctions),
                }
                for s in self.steps
            ]
        return {"by": list(self.by), "path": path, "note": self.note}

    def __repr__(self) -> str:
        if self.steps is None:
            return f"Recourse(none: {self.note})"
        if not self.steps:
            return f"Recourse(nothing to do: `{self.target}` already holds)"
        return f"Recourse({', then '.join(str(s) for s in self.steps)} → {self.target})"

    def __str__(self) -> str:
        buf = io.StringIO()
        recourse_text(self.to_json(), buf, self.target)
        return buf.getvalue()


def find_recourse(
    ruleset: M.Ruleset,
    citizen: Mapping[str, M.Value],
    *,
    target: E.Expr | None = None,
    target_text: str = "not sanctioned",
    by: Sequence[M.ActorKind] | None = None,
    actions: Sequence[str] | None = None,
    within: int = 5,
    timeout: float = 10.0,
) -> Recourse:
    """The least path from a possible `citizen` to `target` (see the module docstring).

    Raises:
        ValueError: unknown action names, or both `by` and `actions`.
        InternalError: a path that does not replay through the evaluator (a bug).
    """
    from ruleproof.proving.recourse import RecourseUnknown, minimal_recourse
    from ruleproof.proving.solving import Limits

    limits = Limits(timeout=timeout)
    tries: list[tuple[tuple[str, ...], dict[str, Any]]]
    if actions is not None:
        tries = [(tuple(actions), {"actions": actions})]
    elif by is not None:
        tries = [(tuple(by), {"by": by})]
    else:
        tries = [(OWN_KINDS, {"by": OWN_KINDS}), (M.ACTOR_KINDS, {})]
    kinds: tuple[str, ...] = ()
    path = None
    for kinds, how in tries:
        try:
            path = minimal_recourse(
                ruleset, citizen, target=target, max_steps=within, limits=limits, **how
            )
        except RecourseUnknown as e:
            return Recourse(target_text, kinds, within, None, f"unknown: {e}")
        if path is not None:
            break
    if path is None:
        note = f"no path of at most {within} actions reaches `{target_text}`"
        if target is None:
            note = f"no path of at most {within} actions lifts the sanctions"
        return Recourse(target_text, kinds, within, None, note)
    steps = _replayed(ruleset, citizen, path, target if target is not None else NOT_SANCTIONED)
    return Recourse(target_text, kinds, within, steps)


def _replayed(
    ruleset: M.Ruleset,
    citizen: Mapping[str, M.Value],
    path: list[tuple[str, dict[str, M.Value]]],
    target: E.Expr,
) -> tuple[RecourseStep, ...]:
    state = dict(citizen)
    steps: list[RecourseStep] = []
    for name, params in path:
        action = ruleset.action(name)
        assert action is not None
        new, reason = step(ruleset, action, state, params)
        if new is None:
            raise InternalError(f"the recourse step {name} does not replay: {reason}")
        changes = {k: v for k, v in new.items() if v != state[k]}
        after = tuple(evaluate(ruleset, new).sanctions)
        steps.append(RecourseStep(name, action.by, dict(params), changes, after))
        state = new
    if not holds(ruleset, target, state):
        raise InternalError("the recourse path does not reach its target when replayed")
    return tuple(steps)


@attrs.frozen
class ActionChoice:
    """An action as seen from one citizen: enabled or not (why), with params that enable it."""

    name: str
    by: str
    enabled: bool
    reason: str
    params: Mapping[str, M.Value]
    note: str = ""


@attrs.frozen(repr=False)
class Explanation:
    """One citizen's outcome with its trace, the actions it can take and its recourse."""

    ruleset: str
    citizen: Mapping[str, M.Value]
    outcome: Outcome
    actions: tuple[ActionChoice, ...]
    recourse: Recourse | None  # None when no sanction is imposed (or recourse was not asked)

    def to_json(self, file: str = "", citizen_file: str = "") -> dict[str, Any]:
        """The `explain --format json` document."""
        doc: dict[str, Any] = {"ruleset": self.ruleset, "file": file}
        doc["citizen_file"] = citizen_file
        doc.update(outcome_doc(self.citizen, self.outcome))
        doc["actions"] = [
            {
                "name": a.name,
                "by": a.by,
                "enabled": a.enabled,
                "reason": a.reason,
                "params": {k: value_json(v) for k, v in a.params.items()},
                "note": a.note,
            }
            for a in self.actions
        ]
        doc["recourse"] = self.recourse.to_json() if self.recourse is not None else None
        return doc

    def __repr__(self) -> str:
        o = self.outcome
        parts = []
        if o.trace.base is not None:
            parts.append(f"score {fmt_value(o.score)}")
        if o.tier is not None:
            parts.append(f"tier {o.tier}")
        parts.append(f"sanctions {list(o.sanctions)}")
        if self.recourse is not None:
            parts.append(f"recourse {self.recourse!r}")
        return f"Explanation({', '.join(parts)})"

    def __str__(self) -> str:
        buf = io.StringIO()
        explain_text(self.to_json("<python>", "<citizen>"), buf)
        return buf.getvalue()


def outcome_doc(citizen: Mapping[str, M.Value], outcome: Outcome) -> dict[str, Any]:
    """The citizen, outcome, defines and trace parts of the `explain` JSON document."""
    t = outcome.trace
    return {
        "citizen": {k: value_json(v) for k, v in citizen.items()},
        "outcome": {
            "score": value_json(outcome.score),
            "tier": outcome.tier,
            "sanctions": list(outcome.sanctions),
        },
        "defines": {k: value_json(v) for k, v in outcome.defines.items()},
        "trace": {
            "base": value_json(t.base),
            "rules": [
                {"id": r.id, "delta": value_json(r.delta), "running": value_json(r.running)}
                for r in t.rules
            ],
            "raw_score": value_json(t.raw_score),
            "clamped": t.clamped,
            "tier": t.tier,
            "sanctions": [
                {
                    "name": s.name,
                    "imposed": s.imposed,
                    "when": s.when,
                    "values": {k: value_json(v) for k, v in s.values},
                }
                for s in t.sanctions
            ],
            "lines": t.lines(),
        },
    }
