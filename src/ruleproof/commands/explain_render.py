"""`ruleproof explain` as tables for a terminal: the outcome, citizen, score steps, defines,
sanctions, actions and what the person can do, rendered from the `explain` JSON document
(`ruleproof.commands.explanation.Explanation.to_json`)."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from ruleproof.language.values import fmt_value

if TYPE_CHECKING:
    from rich.table import Table


def explain_text(doc: dict[str, Any], out: IO[str]) -> None:
    """Print the `explain` JSON document `doc` on `out`: a header line, then tables of the
    outcome, the citizen, the score's steps, defines, sanctions and actions (each only when
    there is something to show), then the recourse when `doc` holds one."""
    from ruleproof.verdicts.display import make_console

    console = make_console(out)
    o = doc["outcome"]
    tr = doc["trace"]
    console.print(f"ruleset {doc['ruleset']} ({doc['file']}), citizen {doc['citizen_file']}")
    console.print(_outcome_table(o))
    console.print(_pairs_table("citizen", "attribute", doc["citizen"]))
    if tr["base"] is not None:
        console.print(_score_table(tr, o))
    if doc["defines"]:
        console.print(_pairs_table("defines", "name", doc["defines"]))
    if tr["sanctions"]:
        console.print(_sanctions_table(tr["sanctions"]))
    if doc["actions"]:
        console.print(_actions_table(doc["actions"]))
    rec = doc.get("recourse")
    if rec is not None:
        recourse_text(rec, out)


def _outcome_table(o: dict[str, Any]) -> Table:
    """Score (when there is one), tier and sanctions of an outcome's JSON."""
    from rich.table import Table

    summary = Table(title="outcome", show_header=False, title_justify="left")
    summary.add_column("what")
    summary.add_column("value")
    if o["score"] is not None:
        summary.add_row("score", str(o["score"]))
    summary.add_row("tier", o["tier"] if o["tier"] is not None else "(no tier matches)")
    summary.add_row("sanctions", ", ".join(o["sanctions"]) or "(none)")
    return summary


def _pairs_table(title: str, key: str, values: dict[str, Any]) -> Table:
    """A two-column table (`key`, value) of JSON values by name."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column(key)
    table.add_column("value")
    for k, v in values.items():
        table.add_row(k, _show_json(v))
    return table


def _score_table(tr: dict[str, Any], o: dict[str, Any]) -> Table:
    """The score's steps from the base through each rule to the clamp, if the trace clamped."""
    from rich.table import Table

    rules = Table(title="score", title_justify="left")
    rules.add_column("step")
    rules.add_column("delta", justify="right")
    rules.add_column("running", justify="right")
    rules.add_row("base", "", str(tr["base"]))
    for r in tr["rules"]:
        rules.add_row(f"rule {r['id']}", _signed_json(r["delta"]), str(r["running"]))
    if tr["clamped"]:
        rules.add_row("clamp to range", "", str(o["score"]))
    return rules


def _sanctions_table(sanctions: list[dict[str, Any]]) -> Table:
    """Each sanction, whether it is imposed, its condition and the values that decided it."""
    from rich.table import Table

    sanc = Table(title="sanctions", title_justify="left")
    for col in ("sanction", "imposed", "when", "values"):
        sanc.add_column(col)
    for s in sanctions:
        vals = ", ".join(f"{k}={_show_json(v)}" for k, v in s["values"].items())
        sanc.add_row(s["name"], "yes" if s["imposed"] else "no", s["when"], vals)
    return sanc


def _actions_table(actions: list[dict[str, Any]]) -> Table:
    """Each action, who takes it, whether it is enabled, and its params or why not."""
    from rich.table import Table

    acts = Table(title="actions", title_justify="left")
    for col in ("action", "by", "enabled", "why / params"):
        acts.add_column(col)
    for a in actions:
        if a["enabled"]:
            detail = ", ".join(f"{k}={_show_json(v)}" for k, v in a["params"].items())
        else:
            detail = a["reason"]
        if a["note"]:
            detail += f" ({a['note']})"
        acts.add_row(a["name"], a["by"], "yes" if a["enabled"] else "no", detail)
    return acts


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
