"""`ruleproof explain` as tables for a terminal: the outcome, citizen, score steps, defines,
sanctions, actions and what the person can do, rendered from the `explain` JSON document
(`ruleproof.commands.explanation.Explanation.to_json`)."""

from __future__ import annotations

from typing import IO, Any

from ruleproof.language.values import fmt_value


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
        recourse_text(rec, out)


def recourse_text(rec: dict[str, Any], out: IO[str], target: str = "") -> None:
    """The "what this person can do" part of `explain`, from its JSON."""
    from rich.table import Table

    from ruleproof.verdicts.display import make_console

    console = make_console(out)
    kinds = ", ".join(rec["by"])
    goal = f" to reach `{target}`" if target and target != "not sanctioned" else ""
    console.print(
        f"what this person can do{goal} (fewest actions, then smallest params; by: {kinds})"
    )
    if rec["path"] is None:
        console.print(rec["note"])
    elif not rec["path"]:
        console.print("nothing: no sanction is imposed" if not goal else "nothing: it holds")
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
