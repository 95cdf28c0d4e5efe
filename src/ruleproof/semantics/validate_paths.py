"""Validation of path claims by the plain evaluator (no Z3): replaying actions with `step`.

An `Act` is one action with concrete params. `replay` applies a sequence of acts to a citizen
with `ruleproof.semantics.evaluate.step` and returns the final state; an act the evaluator finds
not enabled raises `InternalError`, because every path shown or relied on was produced by the
solver and must replay. `validate_steps` checks the `steps` of a path counterexample: each
step's enabledness is what `step` says for the params shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from ruleproof.errors import InternalError
from ruleproof.language import ruleset as M
from ruleproof.language.values import fmt_value
from ruleproof.semantics.evaluate import in_domain, step
from ruleproof.semantics.outcome import Step


@attrs.frozen
class Act:
    """One action with concrete params."""

    action: M.Action
    params: Mapping[str, M.Value] = attrs.field(factory=dict)

    def text(self) -> str:
        """`name(p=v, ...)` as shown in messages."""
        args = ", ".join(f"{k}={fmt_value(v)}" for k, v in self.params.items())
        return f"{self.action.name}({args})"


def replay(
    ruleset: M.Ruleset, citizen: Mapping[str, M.Value], path: Sequence[Act]
) -> dict[str, M.Value]:
    """The state after the path; raises `InternalError` if some act is not enabled."""
    state = dict(citizen)
    why = in_domain(ruleset, state)
    if why is not None:
        raise InternalError(f"a path starts from an impossible citizen ({why})")
    for i, act in enumerate(path):
        new, reason = step(ruleset, act.action, state, act.params)
        if new is None:
            shown = " → ".join(a.text() for a in path)
            raise InternalError(
                f"step {i + 1} of the solver's path {shown} is not enabled "
                f"when the evaluator replays it: {reason}"
            )
        state = new
    return state


def validate_steps(
    ruleset: M.Ruleset, citizens: Mapping[str, Mapping[str, M.Value]], steps: Sequence[Step]
) -> None:
    """Raise `InternalError` unless each step's enabledness matches the evaluator's."""
    for s in steps:
        action = ruleset.action(s.action)
        if action is None:
            raise InternalError(f"a step names an unknown action `{s.action}`")
        new, reason = step(ruleset, action, citizens[s.citizen], s.params)
        if (new is not None) != s.enabled:
            raise InternalError(
                f"the solver says `{s.action}` is "
                f"{'' if s.enabled else 'not '}enabled for citizen {s.citizen} "
                f"with {dict(s.params)}, the evaluator says: {reason}"
            )
