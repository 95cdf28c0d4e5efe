"""The report's `--impact` section: what the ruleset does to the people in a data set.

Drawn from an impact document (`impactdoc.read_impact`): how many people were scored and how
many rows were refused (with the reasons); per grouping, the share of each tier in each group
as stacked bars, with a table of tier shares, sanction rates, the favourable rate, the
disparate-impact ratio and the four-fifths rule; the counterfactual flips (how many people get
another score, tier or sanctions when only the named attributes change) as bars and a table,
with the document's examples; and how many people lie in each property's counterexample region.
Shares are computed from the document's counts, never estimated.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ruleproof.reporting.html.charts import counts_svg, shares_svg
from ruleproof.reporting.html.impactdoc import OUTPUTS, invalid_count
from ruleproof.semantics.display.markup import el, join, table
from ruleproof.semantics.display.plot import PicturesUnavailable


def _pct(k: int | None, n: int) -> str:
    return "—" if k is None or not n else f"{100 * k / n:.1f}%"


def _label(v: Any) -> str:
    if isinstance(v, bool):
        return "True" if v else "False"
    return "(none)" if v is None else str(v)


def _tiers(entries: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    tiers: list[Any] = []
    for _, e in entries:
        tiers += [t.get("tier") for t in e.get("tiers", []) if t.get("tier") not in tiers]
    return tiers


def _picture(draw: Any) -> Markup:
    try:
        return el("div", draw(), class_="rp-picture")
    except PicturesUnavailable as exc:
        return el("p", f"(no picture: {exc})", class_="rp-note")


def _count_cell(k: int, n: int, **data: object) -> Markup:
    return el("td", _pct(k, n), class_="rp-num", data_count=k, **data)


def _row(
    label: str, e: dict[str, Any], tiers: list[Any], sanctions: list[str], fav: bool
) -> Markup:
    """One group's row: people, tier shares, sanction rates, favourable rate and the 4/5 rule."""
    n = e["n"]
    counts = {t.get("tier"): t["count"] for t in e.get("tiers", [])}
    imposed = e.get("sanctions", {})
    row: list[Any] = [
        el("th", label, scope="row"),
        el("td", f"{n:,}", class_="rp-num", data_people=n),
    ]
    row += [_count_cell(counts.get(t, 0), n, data_tier=_label(t)) for t in tiers]
    row += [_count_cell(imposed.get(s, 0), n, data_sanction=s) for s in sanctions]
    if fav:
        ratio, ok = e.get("di_ratio"), e.get("four_fifths_ok")
        row += [
            el("td", _pct(e.get("favourable"), n), class_="rp-num"),
            el("td", "—" if ratio is None else f"{ratio:.3f}", class_="rp-num"),
            "" if ok is None else "ok" if ok else el("strong", "FAILS"),
        ]
    return el("tr", row, data_group=label)


def _grouping(
    title: str, entries: list[tuple[str, dict[str, Any]]], doc: dict[str, Any], k: int
) -> Markup:
    tiers = _tiers(entries)
    sanctions: list[str] = []
    for _, e in entries:
        sanctions += [s for s in e.get("sanctions", {}) if s not in sanctions]
    fav = bool(doc.get("favourable"))
    head = ["group", "people", *[f"tier {_label(t)}" for t in tiers], *sanctions]
    head += ["favourable", "DI ratio", "four-fifths rule"] if fav else []
    rows = [_row(label, e, tiers, sanctions, fav) for label, e in entries]
    parts = [el("h3", title)]
    if tiers:
        groups = [
            (
                label,
                [sum(t["count"] for t in e.get("tiers", []) if t.get("tier") == x) for x in tiers],
            )
            for label, e in entries
        ]
        names = [f"tier {_label(t)}" for t in tiers]
        parts.append(
            _picture(
                lambda: shares_svg(groups, names, f"tier shares {title}", f"impact-shares-{k}")
            )
        )
    parts.append(table(head, rows, caption=f"outcomes {title}", class_="rp-table"))
    return el("div", *parts, class_="rp-grouping", data_grouping=title)


def _counterfactual(doc: dict[str, Any]) -> Markup:
    cf = doc["counterfactual"]
    total = doc["rows"]
    items = [(f"{attr}: {out}", c[out]) for attr, c in cf.items() for out in OUTPUTS]
    rows = [
        [
            el("th", attr, scope="row"),
            *[
                el(
                    "td",
                    f"{c[o]:,} ({_pct(c[o], total)})",
                    class_="rp-num",
                    data_output=o,
                    data_count=c[o],
                )
                for o in OUTPUTS
            ],
        ]
        for attr, c in cf.items()
    ]
    parts = [
        el("h3", "Counterfactual flips"),
        el(
            "p",
            "People whose outcome changes for at least one other value of the varied "
            "attributes, everything else about them unchanged.",
        ),
        _picture(lambda: counts_svg(items, total, "people whose outcome changes", "impact-flips")),
        table(
            ["varied", *OUTPUTS],
            [el("tr", r, data_varied=a) for r, a in zip(rows, cf, strict=True)],
            caption="counterfactual flips",
            class_="rp-table rp-flips",
        ),
    ]
    examples = []
    for attr, c in cf.items():
        for ex in c.get("examples", [])[:3]:
            changed = ", ".join(f"{k}={_label(v)}" for k, v in ex.get("changed", {}).items())
            b, a = ex.get("before", {}), ex.get("after", {})
            examples.append(
                [
                    attr,
                    changed,
                    f"score {_label(b.get('score'))} → {_label(a.get('score'))}",
                    f"tier {_label(b.get('tier'))} → {_label(a.get('tier'))}",
                    f"{', '.join(b.get('sanctions', [])) or '(none)'} → "
                    f"{', '.join(a.get('sanctions', [])) or '(none)'}",
                ]
            )
    if examples:
        parts.append(
            table(
                ["varied", "changed to", "score", "tier", "sanctions"],
                examples,
                caption="examples (re-checked by the evaluator)",
                class_="rp-table",
            )
        )
    return join(*parts)


def section(doc: dict[str, Any], file: str) -> Markup:
    n, bad = doc["rows"], invalid_count(doc)
    parts = [
        el("h2", "Impact on a population"),
        el(
            "p",
            f"From {file}",
            f" (data: {doc['data']})" if doc.get("data") else "",
            ": ",
            el("strong", f"{n:,} people scored"),
            f"; {bad:,} rows refused",
            class_="rp-impact-facts",
            data_rows=n,
            data_invalid=bad,
        ),
    ]
    inv = doc["invalid_rows"]
    if isinstance(inv, dict) and inv.get("reasons"):
        parts.append(
            table(
                ["reason", "rows"],
                [[r.get("reason", ""), f"{r['count']:,}"] for r in inv["reasons"]],
                caption="rows refused (out of the typed domain or an assume)",
                class_="rp-table",
            )
        )
    if doc.get("favourable"):
        parts.append(el("p", f"Favourable outcome: {doc['favourable']}", class_="rp-note"))
    everyone = [("everyone", doc["overall"])] if "overall" in doc else []
    groups = doc.get("groups", {})
    if everyone and not groups:
        parts.append(_grouping("for everyone", everyone, doc, 0))
    for k, (label, entries) in enumerate(groups.items(), 1):
        rows = everyone + [(_label(e.get("value")), e) for e in entries]
        parts.append(_grouping(f"by {label}", rows, doc, k))
    if doc["counterfactual"]:
        parts.append(_counterfactual(doc))
    props = [p for p in doc.get("properties", []) if "count" in p]
    if props:
        parts.append(
            table(
                ["property", "people in its counterexample region"],
                [[p["property"], f"{p['count']:,}"] for p in props],
                caption="properties",
                class_="rp-table",
            )
        )
    return join(*parts)
