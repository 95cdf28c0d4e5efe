"""Verdicts and counterexamples as HTML: real tables and the score waterfall.

`result_html(r, links, prefix)` is one property's verdict: a status badge (word and symbol, not
colour alone), the expectation, the message, the share of citizens affected, the reasons a proof
holds, and the counterexample. `counterexample_html(cex, links, prefix)` is the counterexample:
the citizens (attributes as rows, citizens as columns, only rows that differ or leave the
baseline unless `show_all`, differing rows marked `≠`), their outcomes, their score waterfalls
side by side, the sanctions and why, and the steps tried on a path. With `embed=True` the full
citizen records are embedded as JSON (`<script type="application/json" class="rp-citizens">`)
so a reader can take them away and a test can re-evaluate them.

Names link to their YAML lines through `links` (`ruleproof.semantics.display.links`). A
notebook's `_repr_html_` and the `ruleproof report` document both use these builders.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from markupsafe import Markup

from ruleproof.language.values import value_json
from ruleproof.semantics.display.links import Links
from ruleproof.semantics.display.markup import el, join, table
from ruleproof.semantics.display.outcome_html import (
    Column,
    cell_text,
    compare_table,
    outcome_rows,
    sanctions_table,
    waterfall_block,
)

if TYPE_CHECKING:  # type-only: the verdict classes call this module to display themselves
    from ruleproof.verdicts.result import Counterexample, Result

SYMBOL = {"proved": "✓", "violated": "✗", "unknown": "?", "error": "!"}


def status_badge(status: str, bound: int | None = None) -> Markup:
    """`✓ proved` / `✗ violated` / `? unknown` / `! error`, with its class for colour."""
    text = f"{SYMBOL.get(status, '')} {status}"
    if bound is not None:
        text += f" (≤ {bound} step{'s' * (bound != 1)})"
    return el("span", text, class_=f"rp-status rp-{status}", data_status=status)


def expectation_html(r: Result) -> Markup:
    """What the property file expected, and whether the result is it (upper case when not)."""
    if r.property.expect is None:
        return el("span", "" if r.status == "proved" else "not expected", class_="rp-muted")
    if r.matches_expectation:
        return el("span", f"as documented (expect: {r.property.expect})")
    return el("span", f"unexpected: expected {r.property.expect}", class_="rp-unexpected")


def because_html(labels: tuple[str, ...]) -> str:
    if not labels:
        return ""
    items = list(labels)
    joined = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return f"holds because of {joined}"


def citizens_table(cex: Counterexample, links: Links, show_all: bool = False) -> Markup:
    """The citizens, attributes as rows; baseline rows hidden (and counted) unless `show_all`."""
    tags = list(cex.citizens)
    names: list[str] = []
    for t in tags:
        names += [n for n in cex.citizens[t] if n not in names]
    rows = []
    hidden = 0
    for name in names:
        values = [cex.citizens[t].get(name) for t in tags]
        differ = len(tags) > 1 and any(v != values[0] for v in values[1:])
        at_base = name in cex.baseline and all(v == cex.baseline[name] for v in values)
        if at_base and not differ and not show_all:
            hidden += 1
            continue
        rows.append((links.to("attribute", name), values))
    caption = "citizens"
    if hidden:
        caption += f" ({hidden} attribute{'s' * (hidden != 1)} at the baseline value not shown)"
    return compare_table(["attribute", *tags], rows, caption)


def steps_table(cex: Counterexample, links: Links) -> Markup | None:
    if not cex.steps:
        return None
    body = []
    for s in cex.steps:
        params = ", ".join(f"{k}={cell_text(v)}" for k, v in s.params.items())
        label = links.to("action", s.action, f"{s.action}({params})" if params else s.action)
        body.append([s.citizen, label, "yes" if s.enabled else "no", s.detail])
    return table(
        ["from", "action", "enabled", "what happened"],
        body,
        caption="steps tried",
        class_="rp-table",
    )


def citizens_json(cex: Counterexample) -> Markup:
    """The full citizen records as an inert JSON script element."""
    data = {t: {k: value_json(v) for k, v in c.items()} for t, c in cex.citizens.items()}
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).replace("</", "<\\/")
    return Markup(f'<script type="application/json" class="rp-citizens">{text}</script>')


def counterexample_html(
    cex: Counterexample, links: Links, prefix: str, show_all: bool = False, embed: bool = False
) -> Markup:
    """Every part of a counterexample that has something to show (see the module docstring)."""
    parts: list[Markup | None] = []
    if cex.sanction:
        parts.append(el("p", "for sanction ", links.to("sanction", cex.sanction)))
    if cex.note:
        parts.append(el("p", cex.note))
    tags = [t for t in cex.citizens if t in cex.outcomes]
    outs = [cex.outcomes[t] for t in tags]
    if cex.citizens:
        parts.append(citizens_table(cex, links, show_all))
        if embed:
            parts.append(citizens_json(cex))
    if outs:
        rows = outcome_rows(outs)
        for name in outs[0].defines:
            values: list[object] = [o.defines.get(name) for o in outs]
            if len(outs) > 1 and any(v != values[0] for v in values[1:]):
                rows.append((name, values))
        parts.append(compare_table(["output", *tags], rows, "outcomes"))
        ruleset = cex.ruleset
        columns = [Column(t, o, ruleset, links) for t, o in zip(tags, outs, strict=True)]
        parts.append(waterfall_block(columns, prefix))
        parts.append(sanctions_table(tags, outs, links, cex.sanction))
    parts.append(steps_table(cex, links))
    return el("div", join(parts), class_="rp-counterexample")


def result_html(r: Result, links: Links, prefix: str, heading: bool = True) -> Markup:
    """One property's verdict with its counterexample (see the module docstring)."""
    p = r.property
    parts: list[Markup | None] = []
    if heading:
        parts.append(
            el(
                "p",
                el("strong", p.id),
                f" ({p.kind_name}) ",
                status_badge(r.status, r.bound),
                " ",
                expectation_html(r),
                " ",
                links.where(p.span),
            )
        )
    if r.message and not (r.status == "proved" and r.message == "holds" and r.because):
        parts.append(el("p", r.message))
    if r.affected:
        parts.append(el("p", f"affected: {r.affected}"))
    if r.status == "proved" and r.because:
        parts.append(el("p", because_html(r.because)))
    if p.expect == "violated" and r.status == "violated":
        parts.append(el("p", "a documented finding (expect: violated)", class_="rp-note"))
    cex = r.counterexample
    if cex is not None and (cex.citizens or cex.steps or cex.note not in r.message):
        parts.append(counterexample_html(cex, links, prefix))
    return el("div", join(parts), class_="rp-result")
