"""`ruleproof explain`: one citizen's outcome, trace, actions and minimal recourse, as an
`Explanation` (`explain`), its JSON document (`Explanation.to_json`, `explain_json`) and tables
for a terminal (`explain_text`).

Actions with params are reported enabled when some tried param combination (each param's
baseline, low and high value, at most `MAX_PARAM_TRIES` combinations) enables them; the output
says which params were tried. "What this person can do" is the minimal recourse
(`commands.explanation.find_recourse`), replayed through the evaluator.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from ruleproof.commands.explain_render import explain_text
from ruleproof.commands.explanation import ActionChoice, Explanation, find_recourse
from ruleproof.language import ruleset as M
from ruleproof.semantics.evaluate import evaluate, step
from ruleproof.semantics.outcome import Outcome

MAX_PARAM_TRIES = 27


def _param_candidates(action: M.Action) -> list[dict[str, M.Value]]:
    """Param values tried: each param at its baseline, low and high end (a bounded product)."""
    per_param: list[list[M.Value]] = []
    for p in action.params:
        probe = M.Attribute(p.name, p.type)
        vals: list[M.Value] = [probe.baseline()]
        match p.type:
            case M.IntType(lo, hi) | M.RealType(lo, hi):
                vals += [lo, hi]
            case M.BoolType():
                vals.append(True)
            case M.EnumType(values):
                vals += list(values)
        per_param.append(list(dict.fromkeys(vals)))
    combos = itertools.islice(itertools.product(*per_param), MAX_PARAM_TRIES)
    return [dict(zip((p.name for p in action.params), c, strict=True)) for c in combos]


def action_choices(ruleset: M.Ruleset, citizen: Mapping[str, M.Value]) -> tuple[ActionChoice, ...]:
    """For each action: enabled or not, why, and the param values that enable it."""
    out: list[ActionChoice] = []
    for action in ruleset.actions:
        first_reason = ""
        found: dict[str, M.Value] | None = None
        for params in _param_candidates(action):
            new, reason = step(ruleset, action, citizen, params)
            if new is not None:
                found = params
                break
            first_reason = first_reason or reason
        note = "params tried at their baseline, low and high values" if action.params else ""
        reason = "enabled" if found is not None else first_reason
        out.append(
            ActionChoice(action.name, action.by, found is not None, reason, found or {}, note)
        )
    return tuple(out)


RECOURSE_STEPS = 5
RECOURSE_SECONDS = 10.0


def explain(
    ruleset: M.Ruleset, citizen: Mapping[str, M.Value], recourse: bool = True
) -> Explanation:
    """Outcome, trace, actions and (for a sanctioned citizen, when `recourse`) the minimal
    recourse of a possible citizen (`explanation.find_recourse`, at most RECOURSE_STEPS
    actions, RECOURSE_SECONDS of solving)."""
    outcome = evaluate(ruleset, citizen)
    found = None
    if recourse and outcome.sanctions:
        found = find_recourse(ruleset, citizen, within=RECOURSE_STEPS, timeout=RECOURSE_SECONDS)
    return Explanation(ruleset.id, dict(citizen), outcome, action_choices(ruleset, citizen), found)


def recourse_json(
    ruleset: M.Ruleset, citizen: dict[str, M.Value], outcome: Outcome
) -> dict[str, Any] | None:
    """ "What this person can do" for a sanctioned citizen (None if not sanctioned), as in
    `explain --format json`."""
    if not outcome.sanctions:
        return None
    return find_recourse(
        ruleset, citizen, within=RECOURSE_STEPS, timeout=RECOURSE_SECONDS
    ).to_json()


def explain_json(
    ruleset: M.Ruleset, spec: str, citizen_file: str, citizen: dict[str, M.Value], outcome: Outcome
) -> dict[str, Any]:
    """The `explain --format json` document of a possible citizen (`outcome` is its own)."""
    return explain(ruleset, citizen).to_json(spec, citizen_file)


__all__ = ["action_choices", "explain", "explain_json", "explain_text", "recourse_json"]
