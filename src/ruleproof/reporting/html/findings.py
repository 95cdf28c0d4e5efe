"""The report's findings: one card per violated property, with its counterexample citizens.

Each card (`<article id="finding-<property>">`) names the property and links to its line, quotes
its `doc` and `cites`, states the verdict and the expectation, and shows the counterexample as
`ruleproof.verdicts.htmlview` draws it: the attributes that matter, the outcomes, the score
waterfall of each citizen side by side (when the ruleset has a score), the sanctions and why,
and the steps tried. The full citizen records are embedded as JSON in each card. The waterfall
of card `k` has the id `wf-<k>`.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from ruleproof.reporting.html.summary import card_id
from ruleproof.semantics.display.links import Links
from ruleproof.semantics.display.markup import el, join
from ruleproof.verdicts.htmlview import counterexample_html, expectation_html, status_badge
from ruleproof.verdicts.result import Result


def card(r: Result, links: Links, index: int) -> Markup:
    p = r.property
    head = el(
        "h3",
        el("span", p.id),
        " ",
        status_badge(r.status, r.bound),
    )
    facts = [
        el("p", f"{p.kind_name} property, ", expectation_html(r), " — ", links.where(p.span)),
    ]
    if p.doc:
        facts.append(el("blockquote", p.doc.strip(), class_="rp-doc"))
    if p.cites:
        facts.append(el("p", "Cites: ", p.cites, class_="rp-note"))
    facts.append(el("p", el("strong", r.message)))
    if r.affected:
        facts.append(el("p", f"Affected: {r.affected}"))
    body = (
        counterexample_html(r.counterexample, links, f"wf-{index}", embed=True)
        if r.counterexample is not None
        else None
    )
    return el(
        "article",
        head,
        *facts,
        body,
        id=card_id(p.id),
        class_="rp-card",
        data_property=p.id,
    )


def section(results: Sequence[Result], links: Links) -> Markup:
    violated = [r for r in results if r.status == "violated"]
    intro = (
        el(
            "p",
            f"{len(violated)} propert{'ies' if len(violated) != 1 else 'y'} violated. "
            "Each card shows the counterexample citizens: the attributes that matter "
            "(attributes at the baseline — the low end of their range, false, the first "
            "value — are not shown), their outcomes, and how their scores were built.",
        )
        if violated
        else el("p", "No property is violated.")
    )
    cards = [card(r, links, i) for i, r in enumerate(violated)]
    return join(el("h2", "Findings"), intro, *cards)
