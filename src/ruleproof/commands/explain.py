"""`ruleproof explain`: one citizen's outcome, trace, actions and minimal recourse, as a JSON
document (`explain_json`) and as tables for a terminal (`explain_text`).

Actions with params are reported enabled when some tried param combination (each param's
baseline, low and high value, at most `MAX_PARAM_TRIES` combinations) enables them; the output
says which params were tried. "What this person can do" is the minimal recourse
(`properties.recourse.minimal_recourse`), replayed through the evaluator.
"""

from __future__ import annotations

import itertools
from typing import IO, Any

from ruleproof.errors import InternalError
from ruleproof.language import ruleset as M
from ruleproof.language.values import fmt_value, value_json
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


def action_statuses(ruleset: M.Ruleset, citizen: dict[str, M.Value]) -> list[dict[str, Any]]:
    """For each action: enabled or not, why, and the param values that enable it."""
    out: list[dict[str, Any]] = []
    for action in ruleset.actions:
        tried = _param_candidates(action)
        first_reason = ""
        found: dict[str, M.Value] | None = None
        for params in tried:
            new, reason = step(ruleset, action, citizen, params)
            if new is not None:
                found = params
                break
            first_reason = first_reason or reason
        note = ""
        if action.params:
            note = "params tried at their baseline, low and high values"
        out.append(
            {
                "name": action.name,
                "by": action.by,
                "enabled": found is not None,
                "reason": "enabled" if found is not None else first_reason,
                "params": {k: value_json(v) for k, v in (found or {}).items()},
                "note": note,
            }
        )
    return out


RECOURSE_STEPS = 5
RECOURSE_SECONDS = 10.0


def recourse_json(
    ruleset: M.Ruleset, citizen: dict[str, M.Value], outcome: Outcome
) -> dict[str, Any] | None:
    """ "What this person can do" for a sanctioned citizen (None if not sanctioned).

    The least path (`properties.recourse.minimal_recourse`: fewest actions, then smallest
    params) of at most RECOURSE_STEPS actions that lifts every sanction, first using only the
    person's own actions and time (`by: citizen` and `by: time`), else any action (then it
    needs a decision of an authority). Each step is replayed by the evaluator.
    """
    from ruleproof.proving.recourse import RecourseUnknown, minimal_recourse
    from ruleproof.proving.solving import Limits

    if not outcome.sanctions:
        return None
    limits = Limits(timeout=RECOURSE_SECONDS)
    doc: dict[str, Any] = {"by": ["citizen", "time"], "path": None, "note": ""}
    try:
        path = minimal_recourse(
            ruleset, citizen, by=("citizen", "time"), max_steps=RECOURSE_STEPS, limits=limits
        )
        if path is None:
            doc["by"] = list(M.ACTOR_KINDS)
            path = minimal_recourse(ruleset, citizen, max_steps=RECOURSE_STEPS, limits=limits)
    except RecourseUnknown as e:
        doc["note"] = f"unknown: {e}"
        return doc
    if path is None:
        doc["note"] = f"no path of at most {RECOURSE_STEPS} actions lifts the sanctions"
        return doc
    state = dict(citizen)
    steps: list[dict[str, Any]] = []
    for name, params in path:
        action = ruleset.action(name)
        assert action is not None
        new, reason = step(ruleset, action, state, params)
        if new is None:
            raise InternalError(f"the recourse step {name} does not replay: {reason}")
        steps.append(
            {
                "action": name,
                "by": action.by,
                "params": {k: value_json(v) for k, v in params.items()},
                "changes": {k: value_json(v) for k, v in new.items() if v != state[k]},
                "sanctions": list(evaluate(ruleset, new).sanctions),
            }
        )
        state = new
    if evaluate(ruleset, state).sanctions:
        raise InternalError("the recourse path does not lift the sanctions when replayed")
    doc["path"] = steps
    return doc


def explain_json(
    ruleset: M.Ruleset, spec: str, citizen_file: str, citizen: dict[str, M.Value], outcome: Outcome
) -> dict[str, Any]:
    t = outcome.trace
    return {
        "ruleset": ruleset.id,
        "file": spec,
        "citizen_file": citizen_file,
        "citizen": {a.name: value_json(citizen[a.name]) for a in ruleset.attributes},
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
        "actions": action_statuses(ruleset, citizen),
        "recourse": recourse_json(ruleset, citizen, outcome),
    }


def explain_text(doc: dict[str, Any], out: IO[str]) -> None:
    from rich.table import Table

    from ruleproof.verdicts.display import make_console

    console = make_console(out)
    o = doc["outcome"]
    console.print(f"ruleset {doc['ruleset']} ({doc['file']}), citizen {doc['citizen_file']}")
    summary = Table(title="outcome", show_header=False, title_justify="left")
    summary.add_column("what")
    summary.add_column("value")
    if o["score"] is not None:
        summary.add_row("score", str(o["score"]))
    summary.add_row("tier", o["tier"] if o["tier"] is not None else "(no tier matches)")
    summary.add_row("sanctions", ", ".join(o["sanctions"]) or "(none)")
    console.print(summary)

    cit = Table(title="citizen", title_justify="left")
    cit.add_column("attribute")
    cit.add_column("value")
    for k, v in doc["citizen"].items():
        cit.add_row(k, _show_json(v))
    console.print(cit)

    tr = doc["trace"]
    if tr["base"] is not None:
        rules = Table(title="score", title_justify="left")
        rules.add_column("step")
        rules.add_column("delta", justify="right")
        rules.add_column("running", justify="right")
        rules.add_row("base", "", str(tr["base"]))
        for r in tr["rules"]:
            rules.add_row(f"rule {r['id']}", _signed_json(r["delta"]), str(r["running"]))
        if tr["clamped"]:
            rules.add_row("clamp to range", "", str(o["score"]))
        console.print(rules)
    if doc["defines"]:
        defs = Table(title="defines", title_justify="left")
        defs.add_column("name")
        defs.add_column("value")
        for k, v in doc["defines"].items():
            defs.add_row(k, _show_json(v))
        console.print(defs)
    if tr["sanctions"]:
        sanc = Table(title="sanctions", title_justify="left")
        for col in ("sanction", "imposed", "when", "values"):
            sanc.add_column(col)
        for s in tr["sanctions"]:
            vals = ", ".join(f"{k}={_show_json(v)}" for k, v in s["values"].items())
            sanc.add_row(s["name"], "yes" if s["imposed"] else "no", s["when"], vals)
        console.print(sanc)
    if doc["actions"]:
        acts = Table(title="actions", title_justify="left")
        for col in ("action", "by", "enabled", "why / params"):
            acts.add_column(col)
        for a in doc["actions"]:
            if a["enabled"]:
                detail = ", ".join(f"{k}={_show_json(v)}" for k, v in a["params"].items())
            else:
                detail = a["reason"]
            if a["note"]:
                detail += f" ({a['note']})"
            acts.add_row(a["name"], a["by"], "yes" if a["enabled"] else "no", detail)
        console.print(acts)
    rec = doc.get("recourse")
    if rec is not None:
        kinds = ", ".join(rec["by"])
        console.print(
            f"what this person can do (fewest actions, then smallest params; by: {kinds})"
        )
        if rec["path"] is None:
            console.print(rec["note"])
        elif not rec["path"]:
            console.print("nothing: no sanction is imposed")
        else:
            can = Table(show_header=True)
            for col in ("step", "action", "by", "params", "changes", "sanctions after"):
                can.add_column(col)
            for i, s in enumerate(rec["path"], 1):
                can.add_row(
                    str(i),
                    s["action"],
                    s["by"],
                    ", ".join(f"{k}={_show_json(v)}" for k, v in s["params"].items()),
                    ", ".join(f"{k}={_show_json(v)}" for k, v in s["changes"].items()),
                    ", ".join(s["sanctions"]) or "(none)",
                )
            console.print(can)


def _show_json(v: Any) -> str:
    """A JSON-ready value for a table cell: True/False, None, numbers and text as they are."""
    return fmt_value(v) if isinstance(v, bool) else str(v)


def _signed_json(d: object) -> str:
    """A delta as JSON holds it (an int, or a real as exact text) with its sign."""
    text = str(d)
    return text if text.startswith("-") else "+" + text
