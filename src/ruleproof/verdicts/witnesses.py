"""Who shows a result possible: the witnesses of `reachable` and `exists` results as a table.

One row per witness (a `reachable` goal such as `tier A`, or a citizen of an `exists` query),
with the values that differ from the ruleset's baseline citizen (every value when the baseline
is not known), so a reader sees at once who gets each outcome. No `z3` here.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table

from ruleproof.language.ruleset import Value
from ruleproof.language.values import fmt_value


def off_baseline(citizen: Mapping[str, Value], baseline: Mapping[str, Value]) -> str:
    """`debt=600, evades=True`: the values that differ from the baseline, in order."""
    shown = [
        f"{k}={fmt_value(v)}" for k, v in citizen.items() if k not in baseline or v != baseline[k]
    ]
    if not shown:
        return "(the baseline citizen)" if baseline else ""
    return ", ".join(shown)


def witnesses_table(
    witnesses: Mapping[str, Mapping[str, Value]], baseline: Mapping[str, Value]
) -> Table:
    """The witnesses, one row each (see the module docstring)."""
    what = "values that differ from the baseline" if baseline else "values"
    title = "who: one example each"
    table = Table(title=title, title_justify="left", min_width=len(title))
    table.add_column("for")
    table.add_column(what, overflow="fold")
    for label, citizen in witnesses.items():
        table.add_row(label, off_baseline(citizen, baseline))
    return table
