"""The result of `ruleproof diff` as JSON and as text for a terminal (no Z3 here).

`to_json` is the DESIGN §5 object (`equivalent`, `differences` with `output`, `citizen`, `old`,
`new`) plus extra keys; `render_text` prints the same for a terminal. Both are deterministic for
the same `ruleproof.verdicts.diffresult.DiffResult`.
"""

from __future__ import annotations

from typing import IO, Any

from ruleproof.language.ruleset import Value
from ruleproof.language.values import fmt_value, value_json
from ruleproof.semantics.outcome import Outcome
from ruleproof.verdicts.diffresult import Difference, DiffResult
from ruleproof.verdicts.display import make_console

FORMAT_VERSION = 1
NO_TIER_LABEL = "(none)"


def _out_json(v: Value | tuple[str, ...] | None) -> Any:
    return list(v) if isinstance(v, tuple) else value_json(v)


def _outcome_json(o: Outcome) -> dict[str, Any]:
    return {"score": value_json(o.score), "tier": o.tier, "sanctions": list(o.sanctions)}


def to_json(r: DiffResult) -> dict[str, Any]:
    """The JSON object `ruleproof diff --format json` prints (DESIGN §5 keys first)."""
    doc: dict[str, Any] = {
        "equivalent": r.equivalent,
        "differences": [
            {
                "output": d.output,
                "citizen": {k: value_json(v) for k, v in d.citizen.items()},
                "old": _out_json(d.old_value),
                "new": _out_json(d.new_value),
                "outcomes": {"old": _outcome_json(d.old), "new": _outcome_json(d.new)},
                "trace": {"old": list(d.old_trace), "new": list(d.new_trace)},
            }
            for d in r.differences
        ],
        "format": FORMAT_VERSION,
        "status": r.status,
        "old": {"file": r.old.file, "ruleset": r.old.ruleset},
        "new": {"file": r.new.file, "ruleset": r.new.ruleset},
        "outputs": list(r.outputs),
        "unknown": [{"output": o, "reason": why} for o, why in r.unknown],
        "tier_transitions": None
        if r.transitions is None
        else {
            "old_tiers": list(r.old_tiers),
            "new_tiers": list(r.new_tiers),
            "moves": [{"old": t.old, "new": t.new, "possible": t.possible} for t in r.transitions],
        },
        "sanctions": [
            {
                "sanction": s.sanction,
                "gained": s.gained,
                "lost": s.lost,
                "in_old": s.in_old,
                "in_new": s.in_new,
            }
            for s in r.sanctions
        ],
        "attributes": {
            "only_old": list(r.only_old),
            "only_new": list(r.only_new),
            "changed": [
                {"name": c.name, "old": c.old, "new": c.new, "compared": c.compared}
                for c in r.changed
            ],
        },
        "notes": list(r.notes),
    }
    return doc


# -- text --------------------------------------------------------------------------------------


def _console(out: IO[str]) -> Any:

    return make_console(out)


def _show(v: Value | tuple[str, ...] | None) -> str:
    if v is None:
        return "(none)"
    if isinstance(v, tuple):
        return "[" + ", ".join(v) + "]" if v else "[]"
    return fmt_value(v)


def _yes(v: bool | None) -> str:
    return "?" if v is None else "yes" if v else "no"


def summary_line(r: DiffResult) -> str:
    """One sentence: the verdict."""
    what = ", ".join(f"`{o}`" for o in r.outputs) or "nothing"
    if r.status == "equivalent":
        return (
            "This change has no effect: every citizen possible under both versions gets the "
            f"same {what}."
        )
    if r.status == "unknown":
        return (
            f"Undecided: no difference found, but the solver could not decide "
            f"{', '.join(f'`{o}`' for o, _ in r.unknown)}."
        )
    changed = ", ".join(f"`{d.output}`" for d in r.differences)
    return (
        f"{len(r.differences)} of {len(r.outputs)} output"
        f"{'s' * (len(r.outputs) != 1)} changed: {changed}."
    )


def render_text(r: DiffResult, out: IO[str]) -> None:
    """A readable report: verdict, notes, each difference with both traces, the summaries."""
    console = _console(out)
    console.print(f"OLD {r.old.file} ({r.old.ruleset})")
    console.print(f"NEW {r.new.file} ({r.new.ruleset})")
    console.print(f"compared: {', '.join(r.outputs) or '(no common output)'}")
    for n in r.notes:
        console.print(f"note: {n}")
    console.print("")
    console.print(summary_line(r))
    for output, why in r.unknown:
        console.print(f"  `{output}`: unknown ({why})")
    for d in r.differences:
        _print_difference(console, r, d)
    if r.status == "equivalent":
        return
    if r.transitions is not None:
        console.print("")
        console.print(
            "tier transitions (row: tier under OLD, column: tier under NEW; can a citizen move?):"
        )
        console.print(_matrix(r))
    if r.sanctions:
        console.print("")
        console.print("sanctions gained and lost:")
        console.print(_sanctions_table(r))


def _print_difference(console: Any, r: DiffResult, d: Difference) -> None:
    """One difference: the output's two values, the citizen's attributes away from the
    baseline (noting those only one version has), and both versions' traces."""
    from rich.table import Table

    console.print("")
    console.print(f"`{d.output}` changed: OLD {_show(d.old_value)}, NEW {_show(d.new_value)}")
    rows = [
        (
            k,
            fmt_value(v),
            "only in OLD" if k in r.only_old else "only in NEW" if k in r.only_new else "",
        )
        for k, v in d.citizen.items()
        if not (k in d.baseline and d.baseline[k] == v and type(d.baseline[k]) is type(v))
    ]
    notes = any(note for _, _, note in rows)
    cit = Table()
    cit.add_column("attribute")
    cit.add_column("value")
    if notes:
        cit.add_column("note")
    for k, v, note in rows:
        cit.add_row(k, v, *([note] if notes else []))
    if rows:
        console.print("minimal citizen (attributes not shown are at their baseline):")
        console.print(cit)
    else:
        console.print("minimal citizen: every attribute at its baseline")
    console.print(_sides(d))


def _sanctions_table(r: DiffResult) -> Any:
    """Each compared sanction (noting one only a version has): can someone gain or lose it?"""
    from rich.table import Table

    sanc = Table()
    for col in ("sanction", "someone gains it", "someone loses it"):
        sanc.add_column(col)
    for s in r.sanctions:
        name = s.sanction + (
            " (only in OLD)" if not s.in_new else " (only in NEW)" if not s.in_old else ""
        )
        sanc.add_row(name, _yes(s.gained), _yes(s.lost))
    return sanc


def _sides(d: Difference) -> Any:
    from rich.table import Table

    t = Table()
    t.add_column("")
    t.add_column("OLD")
    t.add_column("NEW")
    o, n = d.old, d.new
    if o.score is not None or n.score is not None:
        t.add_row("score", _show(o.score), _show(n.score))
    if d.tiers:
        t.add_row("tier", _show(o.tier), _show(n.tier))
    t.add_row("sanctions", _show(o.sanctions), _show(n.sanctions))
    if d.output not in ("score", "tier") and (d.output in o.defines or d.output in n.defines):
        t.add_row(d.output, _show(d.old_value), _show(d.new_value))
    lo, ln = d.old_trace, d.new_trace
    for i in range(max(len(lo), len(ln))):
        t.add_row(
            "trace" if i == 0 else "", lo[i] if i < len(lo) else "", ln[i] if i < len(ln) else ""
        )
    return t


def _matrix(r: DiffResult) -> Any:
    from rich.table import Table

    assert r.transitions is not None
    olds, news = r.old_tiers, r.new_tiers
    cell = {(t.old, t.new): _yes(t.possible) for t in r.transitions}
    m = Table()
    m.add_column("OLD \\ NEW")
    for n in news:
        m.add_column(n if n is not None else NO_TIER_LABEL, justify="center")
    for o in olds:
        m.add_row(
            o if o is not None else NO_TIER_LABEL,
            *[cell.get((o, n), "=" if o == n else "") for n in news],
        )
    return m
