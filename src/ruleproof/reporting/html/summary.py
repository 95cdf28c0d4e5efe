"""The report's summary: what was checked, how many properties hold, and why each result is so.

`section(suite, results, links)` gives the ruleset's title and source, a count of results by
status (and how many are what the property files document), and one row per property: its
verdict, the expectation, why (the reasons a proof holds, or the message), the share of
citizens affected, and the property's line in its file. A violated property's id links to its
card in the findings.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from ruleproof.errors import Span
from ruleproof.language import suite as P
from ruleproof.semantics.display.links import Links
from ruleproof.semantics.display.markup import el, join, table
from ruleproof.verdicts.htmlview import because_html, expectation_html, status_badge
from ruleproof.verdicts.result import Result

STATUSES = ("proved", "violated", "unknown", "error")


def card_id(property_id: str) -> str:
    return f"finding-{property_id}"


def _counts(results: Sequence[Result]) -> Markup:
    rows = []
    for status in STATUSES:
        of = [r for r in results if r.status == status]
        if not of:
            continue
        documented = sum(1 for r in of if r.matches_expectation)
        rows.append(
            [
                status_badge(status),
                el("td", str(len(of)), class_="rp-num", data_count=len(of)),
                el("td", str(documented), class_="rp-num"),
                el("td", str(len(of) - documented), class_="rp-num"),
            ]
        )
    return table(
        ["result", "properties", "as expected", "not as expected"],
        rows,
        caption="results",
        class_="rp-table rp-counts",
    )


def _headline(results: Sequence[Result]) -> Markup:
    off = [r for r in results if not r.matches_expectation]
    if not results:
        return el("p", "No properties were checked.")
    if not off:
        return el(
            "p",
            f"All {len(results)} results are what the property files expect "
            "(proved, or a documented finding).",
            class_="rp-headline",
        )
    names = ", ".join(r.property.id for r in off)
    return el(
        "p",
        el(
            "strong",
            f"{len(off)} of {len(results)} results are not what the property files expect: ",
        ),
        names,
        class_="rp-headline rp-unexpected-line",
    )


def _why(r: Result) -> Markup:
    parts: list[Markup | str] = []
    if r.status == "proved" and r.because:
        parts.append(because_html(r.because))
    elif r.message:
        parts.append(r.message)
    if r.affected:
        parts.append(f"affected: {r.affected}")
    return join(*[el("div", p) for p in parts])


def _row(r: Result, links: Links) -> Markup:
    p = r.property
    name = el("a", p.id, href=f"#{card_id(p.id)}") if r.status == "violated" else el("span", p.id)
    return el(
        "tr",
        el("th", name, scope="row"),
        el("td", p.kind_name),
        el("td", status_badge(r.status, r.bound)),
        el("td", expectation_html(r)),
        el("td", _why(r)),
        el("td", links.where(p.span), class_="rp-num"),
        data_property=p.id,
        data_status=r.status,
        class_=None if r.matches_expectation else "rp-differs",
    )


def section(suite: P.Suite, results: Sequence[Result], links: Links) -> Markup:
    rs = suite.ruleset
    facts = [el("p", el("strong", rs.title or rs.id), f" (ruleset {rs.id})")]
    if rs.source:
        facts.append(el("p", "Source: ", rs.source, class_="rp-note"))
    files = [links.at(Span.point(f, 1, 1), f) for f in (suite.spec_file, *suite.property_files)]
    facts.append(el("p", "Checked: ", [join(f, " ") for f in files], class_="rp-note"))
    rows = [_row(r, links) for r in results]
    props = table(
        ["property", "kind", "result", "expectation", "why", "where"],
        rows,
        caption="every property",
        class_="rp-table rp-properties",
    )
    return join(el("h2", "Summary"), *facts, _headline(results), _counts(results), props)
