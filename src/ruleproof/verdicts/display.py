"""Rendering results for people: rich tables for the terminal, plain text, and HTML.

- `counterexample_group`: the citizens as a compact table (attributes as rows, citizens as
  columns, differing values marked `≠` and highlighted). By default only rows that differ
  between citizens or leave the baseline citizen are shown, with a note of how many baseline
  rows are hidden; `show_all=True` shows every attribute. Then the outcomes, the rules that
  made the difference (rules whose firing differs between the citizens, with their deltas; for
  one citizen, the rules that fired), the sanctions imposed and why, and for path properties
  the steps that were tried.
- `result_group`: a property's verdict with its message, the expectation, "holds because of …"
  for a proof (from `Result.because`), and the counterexample.

Output without a terminal uses no colour and a fixed width of 100 columns, so it is the same
bytes on every machine. No `z3` here.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ruleproof.language.values import fraction_text, signed
from ruleproof.printable import printable
from ruleproof.verdicts.safeconsole import SafeConsole

if TYPE_CHECKING:  # type-only: the verdict classes call this module to display themselves
    from ruleproof.verdicts.result import Counterexample, Result

STATUS_STYLE = {
    "proved": "bold green",
    "violated": "bold red",
    "unknown": "bold yellow",
    "error": "bold magenta",
}
DIFF_STYLE = "bold yellow"
WIDTH = 100


def make_console(
    out: IO[str] | None = None,
    width: int | None = None,
    record: bool = False,
    colour: bool | None = None,
) -> Console:
    """A console for `out`: colour and the terminal's width on a tty, else plain text at 100;
    control characters of input are shown escaped (`SafeConsole`)."""
    tty = bool(out is not None and out.isatty()) if colour is None else colour
    return SafeConsole(
        file=out,
        width=width or (None if tty else WIDTH),
        force_terminal=tty,
        color_system="auto" if tty else None,
        force_jupyter=False,
        highlight=False,
        emoji=False,
        markup=False,
        record=record,
    )


def cell(v: object) -> str:
    """A value as a table cell: True/False, exact reals, enum values and text unquoted (control
    characters escaped, so the table is measured as it is shown)."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, Fraction):
        return fraction_text(v)
    if isinstance(v, tuple | list):
        return printable(", ".join(str(x) for x in v)) or "(none)"
    return printable(str(v))


def status_text(r: Result) -> Text:
    return Text(r.status, style=STATUS_STYLE.get(r.status, ""))


def expectation(r: Result) -> str:
    """What the property file expected and whether the result matches it."""
    if r.property.expect is None:
        return "" if r.status == "proved" else "not expected"
    if r.matches_expectation:
        return f"expected {r.property.expect}"
    return f"EXPECTED {r.property.expect.upper()}"


# -- counterexamples -----------------------------------------------------------------------


def titled_table(title: str) -> Table:
    """An empty table with its title on the left."""
    return Table(title=title, title_justify="left", min_width=len(title))


def _differs(values: Sequence[object]) -> bool:
    return any(v != values[0] for v in values[1:])


def _value_cells(values: Sequence[object], differ: bool) -> list[RenderableType]:
    return [Text(cell(v), style=DIFF_STYLE if differ else "") for v in values]


def citizens_table(cex: Counterexample, show_all: bool = False) -> tuple[Table, int]:
    """The citizens as a table and how many baseline rows it hides."""
    tags = list(cex.citizens)
    table = titled_table("citizens")
    table.add_column("attribute")
    for t in tags:
        table.add_column(t)
    pair = len(tags) > 1
    if pair:
        table.add_column("")
    names: list[str] = []
    for t in tags:
        names += [n for n in cex.citizens[t] if n not in names]
    hidden = 0
    for name in names:
        values = [cex.citizens[t].get(name) for t in tags]
        differ = _differs(values)
        at_base = name in cex.baseline and all(v == cex.baseline[name] for v in values)
        if at_base and not differ and not show_all:
            hidden += 1
            continue
        row: list[RenderableType] = [name, *_value_cells(values, differ)]
        if pair:
            row.append("≠" if differ else "")
        table.add_row(*row)
    return table, hidden


def outcomes_table(cex: Counterexample) -> Table:
    tags = [t for t in cex.citizens if t in cex.outcomes]
    outs = [cex.outcomes[t] for t in tags]
    table = titled_table("outcomes")
    table.add_column("output")
    for t in tags:
        table.add_column(t)
    pair = len(tags) > 1
    if pair:
        table.add_column("")
    rows: list[tuple[str, list[object]]] = []
    if any(o.score is not None for o in outs):
        rows.append(("score", [o.score for o in outs]))
        if any(o.trace.clamped for o in outs):
            rows.append(("score before clamp", [o.trace.raw_score for o in outs]))
    if any(o.tier is not None for o in outs) or any(o.trace.base is not None for o in outs):
        rows.append(("tier", [o.tier for o in outs]))
    rows.append(("sanctions", [tuple(o.sanctions) for o in outs]))
    for name in outs[0].defines if outs else ():
        values: list[object] = [o.defines.get(name) for o in outs]
        if pair and _differs(values):
            rows.append((name, values))
    for label, values in rows:
        differ = _differs(values)
        row: list[RenderableType] = [label, *_value_cells(values, differ)]
        if pair:
            row.append("≠" if differ else "")
        table.add_row(*row)
    return table


def _merge_orders(orders: Sequence[Sequence[str]]) -> list[str]:
    """Merge several subsequences of one order (rules fired, in ruleset order) into one."""
    out: list[str] = []
    rest = [list(o) for o in orders]
    while any(rest):
        heads = [r[0] for r in rest if r]
        # a head that is not waiting behind another sequence's later element comes first
        pick = next((h for h in heads if not any(h in r[1:] for r in rest)), heads[0])
        out.append(pick)
        rest = [[x for x in r if x != pick] for r in rest]
    return out


def rules_table(cex: Counterexample) -> Table | None:
    """Rules that made the difference (pairs) or that fired (one citizen); None if none."""
    tags = [t for t in cex.citizens if t in cex.outcomes]
    traces = [cex.outcomes[t].trace for t in tags]
    if not traces or all(tr.base is None for tr in traces):
        return None
    fired = [{r.id: r.delta for r in tr.rules} for tr in traces]
    order = _merge_orders([[r.id for r in tr.rules] for tr in traces])
    if len(tags) > 1:
        ids = [i for i in order if _differs([f.get(i) for f in fired])]
        title = "rules that made the difference"
    else:
        ids = order
        title = "rules that fired"
    if not ids:
        return None
    table = titled_table(title)
    table.add_column("rule")
    for t in tags:
        table.add_column(t, justify="right")
    for i in ids:
        table.add_row(f"rule {i}", *[signed(f[i]) if i in f else "—" for f in fired])
    return table


def sanctions_table(cex: Counterexample) -> Table | None:
    """Each imposed sanction (for one citizen) or each differing one (pairs), and why."""
    tags = [t for t in cex.citizens if t in cex.outcomes]
    if not tags:
        return None
    table = titled_table("sanctions and why")
    table.add_column("citizen")
    table.add_column("sanction")
    table.add_column("imposed")
    table.add_column("when")
    table.add_column("values")
    imposed = [set(cex.outcomes[t].sanctions) for t in tags]
    for t in tags:
        for s in cex.outcomes[t].trace.sanctions:
            show = (
                s.imposed
                if len(tags) == 1
                else _differs([s.name in i for i in imposed]) or s.name == cex.sanction
            )
            if show:
                vals = ", ".join(f"{k}={cell(v)}" for k, v in s.values)
                table.add_row(t, s.name, "yes" if s.imposed else "no", s.when, vals)
    return table if table.row_count else None


def steps_table(cex: Counterexample) -> Table | None:
    if not cex.steps:
        return None
    table = titled_table("steps tried")
    per_sanction = any(s.sanction is not None for s in cex.steps)
    cols = ("for", "from", "action", "enabled", "what happened")
    for col in cols if per_sanction else cols[1:]:
        table.add_column(col)
    for s in cex.steps:
        params = ", ".join(f"{k}={cell(v)}" for k, v in s.params.items())
        action = f"{s.action}({params})" if params else s.action
        row = [s.citizen, action, "yes" if s.enabled else "no", s.detail]
        table.add_row(*([s.sanction or ""] if per_sanction else []), *row)
    return table


def counterexample_group(cex: Counterexample, show_all: bool = False) -> Group:
    """Every part of a counterexample that has something to show, as one renderable."""
    parts: list[RenderableType] = []
    if cex.failing:
        who = ", ".join(f"{n} (citizen {t})" if t else f"{n} (no citizen)" for n, t in cex.failing)
        parts.append(Text(f"for sanctions {who}"))
    elif cex.sanction:
        parts.append(Text(f"for sanction {cex.sanction}"))
    if cex.note:
        parts.append(Text(cex.note))
    if cex.citizens:
        table, hidden = citizens_table(cex, show_all)
        parts.append(table)
        if hidden:
            parts.append(
                Text(
                    f"({hidden} attribute{'s' * (hidden != 1)} at the baseline value not shown)",
                    style="dim",
                )
            )
        parts.append(outcomes_table(cex))
    for extra in (rules_table(cex), sanctions_table(cex), steps_table(cex)):
        if extra is not None:
            parts.append(extra)
    return Group(*parts)


def because_text(labels: Sequence[str]) -> str:
    """`holds because of rule late, score range (clamp) and assume #2 (…)`."""
    if not labels:
        return ""
    items = list(labels)
    joined = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return f"holds because of {joined}"


def result_group(r: Result, show_all: bool = False, heading: bool = True) -> Group:
    """One property's verdict, message, expectation, reasons and counterexample."""
    parts: list[RenderableType] = []
    if heading:
        head = Text(f"{r.property.id} ({r.property.kind_name}): ")
        head.append_text(status_text(r))
        if r.bound is not None:
            head.append(f" within {r.bound} step{'s' * (r.bound != 1)}")
        note = expectation(r)
        if note:
            head.append(f" — {note}")
        parts.append(head)
    if r.message and not (r.status == "proved" and r.message == "holds" and r.because):
        parts.append(Text(r.message))
    if r.affected:
        parts.append(Text(r.affected))
    if r.status == "proved" and r.because:
        parts.append(Text(because_text(r.because)))
    if r.property.expect == "violated" and r.status == "violated":
        parts.append(Text("a documented finding (expect: violated)", style="dim"))
    cex = r.counterexample
    if cex is not None and (cex.citizens or cex.steps or cex.note not in r.message):
        parts.append(counterexample_group(cex, show_all))
    if r.witnesses:
        from ruleproof.verdicts.witnesses import witnesses_table

        parts.append(witnesses_table(r.witnesses, {} if show_all else r.baseline))
    return Group(*parts)


def plain_text(obj: Result | Counterexample, width: int = WIDTH) -> str:
    """A result or counterexample as plain text (no colour), as `str()` gives it."""
    buf = io.StringIO()
    make_console(buf, width=width, colour=False).print(renderable(obj))
    return buf.getvalue()


def html(obj: Result | Counterexample) -> str:
    """A result or counterexample as an HTML fragment (Jupyter's `_repr_html_`): real tables
    and the score waterfall (`ruleproof.verdicts.htmlview`)."""
    from ruleproof.semantics.display.links import Links
    from ruleproof.semantics.display.style import fragment
    from ruleproof.verdicts.htmlview import counterexample_html, result_html

    prefix = f"rp-{id(obj):x}"
    if hasattr(obj, "status"):
        cex = obj.counterexample  # type: ignore[union-attr]
        links = Links(cex.ruleset if cex is not None else None)
        return fragment(result_html(obj, links, prefix))  # type: ignore[arg-type]
    return fragment(counterexample_html(obj, Links(obj.ruleset), prefix))


def renderable(obj: Result | Counterexample) -> Group:
    """A result or counterexample as one rich renderable (`__rich__`)."""
    if hasattr(obj, "status"):
        return result_group(obj)  # type: ignore[arg-type]
    return counterexample_group(obj)


def outcome_summary(outcomes: Mapping[str, Any]) -> str:
    """`a: score 900, tier B, sanctions flight_ban` — one line per citizen, for messages."""
    lines = []
    for tag, o in outcomes.items():
        lines.append(
            f"{tag}: score {cell(o.score)}, tier {cell(o.tier)}, "
            f"sanctions {cell(tuple(o.sanctions))}"
        )
    return "; ".join(lines)
