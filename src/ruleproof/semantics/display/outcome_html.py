"""Outcomes as HTML: the outcome table, the score waterfall (picture and table), sanctions and why.

These builders are shared by a notebook's `_repr_html_` (of outcomes, counterexamples and
results) and by the `ruleproof report` document, so both show the same tables and the same
waterfall. `waterfall_block(columns, prefix)` shows several citizens' waterfalls side by side:
the picture (`waterfall_plot`, when matplotlib is installed; otherwise a note saying how to get
it) and a table with one row per step and one column per citizen. Each table cell carries the
step's exact numbers as `data-start`, `data-end` and `data-delta` (the rule language's
spelling: `-15`, `1/3`), so what the page shows can be checked against the evaluator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
from markupsafe import Markup

from ruleproof.language import ruleset as M
from ruleproof.language.values import fmt_value
from ruleproof.semantics.display.links import Links
from ruleproof.semantics.display.markup import Child, el, join, table
from ruleproof.semantics.display.plot import PicturesUnavailable
from ruleproof.semantics.display.waterfall import Waterfall, align, condense, waterfall
from ruleproof.semantics.display.waterfall_plot import step_text, waterfall_svg
from ruleproof.semantics.tierbands import TierBands

if TYPE_CHECKING:  # type-only: outcomes display themselves through this module
    from ruleproof.semantics.outcome import Outcome


@attrs.frozen
class Column:
    """One citizen's outcome shown in a waterfall: its title and the ruleset that scored it."""

    title: str
    outcome: Outcome
    ruleset: M.Ruleset | None = None
    links: Links = attrs.field(factory=lambda: Links(None))


def cell_text(v: object) -> str:
    """A value in a table cell: as the rule language writes it, enums and text unquoted."""
    if v is None:
        return "—"
    if isinstance(v, tuple | list):
        return ", ".join(str(x) for x in v) or "(none)"
    if isinstance(v, str):
        return v
    return fmt_value(v)


def _row_label(key: str, columns: Sequence[Column]) -> Markup:
    if key.startswith("rule:"):
        rid = key[len("rule:") :]
        for c in columns:
            if c.links.span("rule", rid) is not None:
                group = c.links.groups.get(rid)
                return join(c.links.to("rule", rid), f" (in {group})" if group else None)
        return el("span", rid)
    if key.startswith("rest:"):
        return el("span", "other rules", class_="rp-muted")
    return el("span", {"base": "base", "clamp": "clamp", "score": "final score"}[key])


def _plain_label(key: str) -> str:
    if key.startswith("rule:"):
        return key[len("rule:") :]
    return "other rules" if key.startswith("rest:") else key


def _cell(tag: str, w: Waterfall, key: str) -> Markup:
    s = w.step(key)
    if s is None:
        return el("td", "not fired", data_citizen=tag, data_fired="false", class_="rp-muted")
    text: Child = step_text(s)
    if s.kind == "base":
        text = fmt_value(s.end)
    elif s.kind == "score":
        text = f"{fmt_value(s.end)}, tier {w.tier if w.tier is not None else '(none)'}"
    return el(
        "td",
        text,
        data_citizen=tag,
        data_start=fmt_value(s.start),
        data_end=fmt_value(s.end),
        data_delta=fmt_value(s.delta),
        class_="rp-num",
    )


def bands_text(bands: TierBands) -> str:
    parts = [f"{b.tier if b.tier is not None else '(no tier)'}: {b.text()}" for b in bands.bands]
    return "tiers by score: " + "; ".join(parts) if parts else ""


def _notes(columns: Sequence[Column], walls: Sequence[Waterfall]) -> list[Markup]:
    notes: list[Markup] = []
    seen: set[str] = set()
    for c, w in zip(columns, walls, strict=True):
        texts = []
        if w.bands is not None:
            texts += [bands_text(w.bands), w.bands.note()]
        if w.lo is not None or w.hi is not None:
            lo = "−∞" if w.lo is None else fmt_value(w.lo)
            hi = "∞" if w.hi is None else fmt_value(w.hi)
            texts.append(f"the score is clamped to [{lo}, {hi}]")
        text = " ".join(t[0].upper() + t[1:] + "." for t in texts if t)
        if text and text not in seen:
            seen.add(text)
            prefix = f"{c.title}: " if len({id(x.ruleset) for x in columns}) > 1 else ""
            notes.append(el("p", prefix + text, class_="rp-note"))
    return notes


def waterfall_block(columns: Sequence[Column], prefix: str) -> Markup | None:
    """The citizens' waterfalls side by side (picture, then table), or None without a score."""
    pairs = [(c, waterfall(c.outcome, c.ruleset)) for c in columns]
    shown = [(c, w) for c, w in pairs if w is not None]
    if not shown:
        return None
    cols = [c for c, _ in shown]
    walls = condense([w for _, w in shown])
    rows = align(walls)
    labels = {k: _plain_label(k) for k in rows}
    try:
        picture: Markup = waterfall_svg(
            list(zip([c.title for c in cols], walls, strict=True)), rows, labels, prefix
        )
    except PicturesUnavailable as exc:
        picture = el("p", f"(no picture: {exc})", class_="rp-note")
    body = []
    for key in rows:
        steps = [w.step(key) for w in walls]
        deltas = {None if s is None else s.delta for s in steps}
        differs = len(walls) > 1 and key.startswith("rule:") and len(deltas) > 1
        head = el("th", _row_label(key, cols), " ≠" if differs else None, scope="row")
        cells = [_cell(c.title, w, key) for c, w in zip(cols, walls, strict=True)]
        body.append(el("tr", head, cells, data_key=key, class_="rp-differs" if differs else None))
    grid = table(
        ["step", *[c.title for c in cols]],
        body,
        caption="how the score was built, step by step (≠: the rule adds different amounts)"
        if len(cols) > 1
        else "how the score was built, step by step",
        class_="rp-table rp-waterfall-table",
    )
    return el(
        "figure",
        el("div", el("div", picture, class_="rp-picture"), grid, class_="rp-side-by-side"),
        el("figcaption", _notes(cols, walls)),
        class_="rp-waterfall",
        id=prefix,
    )


def outcome_rows(outcomes: Sequence[Outcome]) -> list[tuple[str, list[object]]]:
    """(label, one value per outcome) rows: score (and before the clamp), tier, sanctions."""
    rows: list[tuple[str, list[object]]] = []
    if any(o.score is not None for o in outcomes):
        rows.append(("score", [o.score for o in outcomes]))
        if any(o.trace.clamped for o in outcomes):
            rows.append(("score before clamp", [o.trace.raw_score for o in outcomes]))
    if any(o.tier is not None or o.trace.base is not None for o in outcomes):
        rows.append(("tier", [o.tier for o in outcomes]))
    rows.append(("sanctions", [tuple(o.sanctions) for o in outcomes]))
    return rows


def compare_table(
    head: Sequence[Child], rows: Sequence[tuple[Child, Sequence[object]]], caption: str
) -> Markup:
    """Rows of values, one column per citizen, differing rows marked `≠` (with a class too)."""
    body = []
    pair = len(head) > 2
    for label, values in rows:
        differ = pair and any(v != values[0] for v in values[1:])
        cells = [el("td", cell_text(v)) for v in values]
        mark = [el("td", "≠" if differ else "", class_="rp-mark")] if pair else []
        body.append(
            el(
                "tr",
                el("th", label, scope="row"),
                cells,
                mark,
                class_="rp-differs" if differ else None,
            )
        )
    return table([*head, *([""] if pair else [])], body, caption=caption, class_="rp-table")


def sanctions_table(
    tags: Sequence[str], outcomes: Sequence[Outcome], links: Links, focus: str | None = None
) -> Markup | None:
    """Each sanction imposed (one citizen) or imposed on only some (several), and why."""
    imposed = [set(o.sanctions) for o in outcomes]
    body = []
    for tag, o in zip(tags, outcomes, strict=True):
        for s in o.trace.sanctions:
            differs = any((s.name in i) != (s.name in imposed[0]) for i in imposed)
            show = s.imposed if len(tags) == 1 else differs or s.name == focus
            if not show:
                continue
            values = ", ".join(f"{k}={fmt_value(v)}" for k, v in s.values)
            body.append(
                [
                    tag,
                    links.to("sanction", s.name),
                    "yes" if s.imposed else "no",
                    el("code", s.when),
                    values,
                ]
            )
    if not body:
        return None
    return table(
        ["citizen", "sanction", "imposed", "when", "values"],
        body,
        caption="sanctions and why",
        class_="rp-table",
    )


def outcome_html(outcome: Outcome, ruleset: M.Ruleset | None = None, prefix: str = "wf") -> Markup:
    """One outcome: its table, its waterfall and its sanctions (a notebook's `_repr_html_`)."""
    links = Links(ruleset)
    parts: list[Markup | None] = [
        compare_table(["output", "value"], [(k, v) for k, v in outcome_rows([outcome])], "outcome"),
        waterfall_block([Column("citizen", outcome, ruleset, links)], prefix),
        sanctions_table(["citizen"], [outcome], links),
    ]
    if outcome.defines:
        parts.append(
            compare_table(
                ["define", "value"], [(k, [v]) for k, v in outcome.defines.items()], "defines"
            )
        )
    return join(parts)
