"""The report's `--diff` section: what changing from OLD to this ruleset does, and to whom.

From a `DiffResult` (`ruleproof.proving.diff.diff_rulesets`, OLD → NEW = the reported ruleset):
the verdict; the tier-transition matrix as a heatmap whose every cell is labelled (`moves`:
some citizen possible under both versions has the row's tier under OLD and the column's under
NEW; `no one`; `undecided`; `= same tier` on the diagonal, which is not asked) with the same
matrix as a table; the sanctions someone gains or loses; and each minimal citizen treated
differently, with the outcome under both versions and both score waterfalls side by side.
Every citizen shown was re-evaluated under both versions by the evaluator when the diff was
computed.
"""

from __future__ import annotations

import attrs
from markupsafe import Markup

from ruleproof.language import ruleset as M
from ruleproof.language.values import fmt_value
from ruleproof.reporting.diffreport import NO_TIER_LABEL, summary_line
from ruleproof.reporting.html.charts import heatmap_svg
from ruleproof.semantics.display.links import Links
from ruleproof.semantics.display.markup import el, join, table
from ruleproof.semantics.display.outcome_html import Column, cell_text, waterfall_block
from ruleproof.semantics.display.plot import PicturesUnavailable
from ruleproof.verdicts.diffresult import Difference, DiffResult


@attrs.frozen
class DiffInput:
    result: DiffResult
    old: M.Ruleset
    new: M.Ruleset


CELL = {True: ("moves", 2), False: ("no one", 0), None: ("undecided", 3)}


def ticks(text: str) -> Markup:
    """Text with `name` spans as `<code>` elements (the text reports' backticks)."""
    parts = text.split("`")
    return join(*[el("code", p) if i % 2 else p for i, p in enumerate(parts)])


def _tier(t: str | None) -> str:
    return t if t is not None else NO_TIER_LABEL


def _matrix(r: DiffResult) -> Markup:
    assert r.transitions is not None
    found = {(t.old, t.new): t.possible for t in r.transitions}
    cells: dict[tuple[int, int], tuple[str, int]] = {}
    rows = []
    for i, o in enumerate(r.old_tiers):
        tds = []
        for j, n in enumerate(r.new_tiers):
            if (o, n) in found:
                text, level = CELL[found[(o, n)]]
            else:
                text, level = ("= same tier", 4) if o == n else ("not asked", 3)
            cells[(i, j)] = (text, level)
            tds.append(el("td", text, data_old=_tier(o), data_new=_tier(n), class_="rp-mark"))
        rows.append(el("tr", el("th", _tier(o), scope="row"), tds))
    grid = table(
        ["OLD \\ NEW", *[_tier(n) for n in r.new_tiers]],
        rows,
        caption="tier transitions: can a citizen have the row's tier under OLD and the "
        "column's under NEW?",
        class_="rp-table rp-transitions",
    )
    try:
        picture: Markup = heatmap_svg(
            [_tier(t) for t in r.old_tiers],
            [_tier(t) for t in r.new_tiers],
            cells,
            ("tier under OLD", "tier under NEW"),
            "diff-heatmap",
        )
    except PicturesUnavailable as exc:
        picture = el("p", f"(no picture: {exc})", class_="rp-note")
    return el(
        "figure",
        el("div", picture, class_="rp-picture"),
        el("figcaption", grid),
        id="diff-transitions",
    )


def _yes(v: bool | None) -> str:
    return "?" if v is None else "yes" if v else "no"


def _sanctions(r: DiffResult) -> Markup:
    rows = []
    for s in r.sanctions:
        name = s.sanction + (
            " (only in OLD)" if not s.in_new else " (only in NEW)" if not s.in_old else ""
        )
        rows.append([name, _yes(s.gained), _yes(s.lost)])
    return table(
        ["sanction", "someone gains it", "someone loses it"],
        rows,
        caption="sanctions gained and lost",
        class_="rp-table",
    )


def _citizen(d: Difference, r: DiffResult) -> Markup:
    rows = []
    for k, v in d.citizen.items():
        if k in d.baseline and d.baseline[k] == v and type(d.baseline[k]) is type(v):
            continue
        note = "only in OLD" if k in r.only_old else "only in NEW" if k in r.only_new else ""
        rows.append([k, cell_text(v), note])
    if not rows:
        return el("p", "the minimal citizen: every attribute at its baseline")
    notes = any(r[2] for r in rows)
    return table(
        ["attribute", "value", *(["note"] if notes else [])],
        [r if notes else r[:2] for r in rows],
        caption="the minimal citizen (attributes not shown are at their baseline)",
        class_="rp-table",
    )


def _change(d: Difference, inp: DiffInput) -> str:
    moves = _moves(d, inp)
    if d.output != "sanctions" and moves:
        return f"a citizen {moves[0][1].replace(' it', '')} the sanction {d.output}"
    old = "(none)" if d.old_value is None else cell_text(d.old_value)
    new = "(none)" if d.new_value is None else cell_text(d.new_value)
    return f"{d.output}: {old} under OLD, {new} under NEW"


def _moves(d: Difference, inp: DiffInput) -> list[tuple[str, str]]:
    """(sanction, "gains it" / "loses it") for a difference in sanctions."""
    if d.output == "sanctions":
        old, new = set(d.old.sanctions), set(d.new.sanctions)
        return [(s, "gains it") for s in sorted(new - old)] + [
            (s, "loses it") for s in sorted(old - new)
        ]
    if inp.old.sanction(d.output) is not None or inp.new.sanction(d.output) is not None:
        return [(d.output, "gains it" if d.new_value else "loses it")]
    return []


def _off_baseline(d: Difference) -> str:
    values = [
        f"{k}={fmt_value(v)}"
        for k, v in d.citizen.items()
        if not (k in d.baseline and d.baseline[k] == v and type(d.baseline[k]) is type(v))
    ]
    return ", ".join(values) or "(every attribute at its baseline)"


def _difference(
    d: Difference, r: DiffResult, inp: DiffInput, old: Links, new: Links, k: int
) -> Markup:
    outs = table(
        ["", "OLD", "NEW"],
        [
            [label, cell_text(a), cell_text(b)]
            for label, a, b in (
                ("score", d.old.score, d.new.score),
                ("tier", d.old.tier, d.new.tier),
                ("sanctions", d.old.sanctions, d.new.sanctions),
            )
            if (label != "score" or a is not None or b is not None) and (label != "tier" or d.tiers)
        ],
        caption="outcome under each version",
        class_="rp-table",
    )
    wf = waterfall_block(
        [Column("OLD", d.old, inp.old, old), Column("NEW", d.new, inp.new, new)], f"diff-wf-{k}"
    )
    return el(
        "article",
        el("h3", _change(d, inp)),
        _citizen(d, r),
        outs,
        wf,
        class_="rp-card",
        id=f"diff-{k}",
        data_output=d.output,
    )


def section(inp: DiffInput, old: Links, new: Links) -> Markup:
    r = inp.result
    parts: list[Markup] = [
        el("h2", "What the change does"),
        el(
            "p",
            "OLD: ",
            el("code", r.old.file),
            f" ({r.old.ruleset}); NEW: ",
            el("code", r.new.file),
            f" ({r.new.ruleset})",
        ),
        el("p", el("strong", ticks(summary_line(r))), data_status=r.status),
    ]
    parts += [el("p", f"note: {n}", class_="rp-note") for n in r.notes]
    parts += [el("p", ticks(f"`{o}` undecided: {why}"), class_="rp-note") for o, why in r.unknown]
    if r.transitions is not None and r.status != "equivalent":
        parts.append(_matrix(r))
    if r.sanctions and r.status != "equivalent":
        parts.append(_sanctions(r))
    moves = [(name, change, d) for d in r.differences for name, change in _moves(d, inp)]
    if moves:
        rows = [[name, change, _off_baseline(d)] for name, change, d in moves]
        parts.append(
            table(
                ["sanction", "the citizen", "who (values off the baseline)"],
                rows,
                caption="citizens who gain or lose a sanction (the minimal citizen the diff "
                "found for each changed output)",
                class_="rp-table rp-gained-lost",
            )
        )
    parts += [_difference(d, r, inp, old, new, k) for k, d in enumerate(r.differences)]
    return join(*parts)
