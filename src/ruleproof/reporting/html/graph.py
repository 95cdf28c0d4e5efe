"""The report's sanction → appeal graph: a Graphviz drawing and the same graph as tables.

Graphviz (`dot`, through the `graphviz` package) lays the graph out left to right: sanctions on
the left, the actions that may lift them on the right. Shapes and words carry the meaning as
well as colour: a sanction is a box, one with no way out an octagon with a double border
labelled `NO WAY OUT`, one without a declared appeal is labelled `no appeal declared`; an action
is an ellipse (`by: citizen`), a house (`by: authority`) or a hexagon (`by: time`), labelled
with its kind; a declared appeal is a solid edge labelled `appeal`, any other action that writes
what the sanction reads a dashed edge labelled `may end`. Nodes link to their YAML lines.

Each edge is an SVG group with id `appeal-graph-edge--<sanction>--<action>` and class
`edge appeal` or `edge may-end`, each node `appeal-graph-sanction--<name>` or
`appeal-graph-action--<name>`. Without Graphviz installed the section says so and still lists
every edge in its table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from ruleproof.language import ruleset as M
from ruleproof.reporting.html.appealgraph import AppealGraph, SanctionNode, appeal_graph
from ruleproof.reporting.html.summary import card_id
from ruleproof.semantics.display.links import Links
from ruleproof.semantics.display.markup import el, join, table
from ruleproof.verdicts.htmlview import status_badge
from ruleproof.verdicts.result import Result

SHAPES = {"citizen": "ellipse", "authority": "house", "time": "hexagon"}
FONT = "DejaVu Sans"


class GraphUnavailable(Exception):
    """Graphviz (the `graphviz` package or its `dot` program) is not installed."""


def node_id(kind: str, name: str) -> str:
    return f"appeal-graph-{kind}--{name}"


def edge_id(sanction: str, action: str) -> str:
    return f"appeal-graph-edge--{sanction}--{action}"


def _sanction_attrs(s: SanctionNode, href: str | None) -> dict[str, str]:
    label = s.name
    attrs = {"shape": "box", "style": "rounded,filled", "fillcolor": "#f4f4f4"}
    if s.way_out == "none":
        label = f"NO WAY OUT\n{s.name}"
        attrs = {
            "shape": "octagon",
            "style": "filled,bold",
            "fillcolor": "#fbe3e6",
            "color": "#a3162b",
            "peripheries": "2",
        }
    elif s.no_appeal:
        label = f"{s.name}\n(no appeal declared)"
        attrs["style"] = "rounded,filled,dashed"
    attrs |= {
        "label": label,
        "id": node_id("sanction", s.name),
        "class": "sanction" + (" no-way-out" if s.way_out == "none" else ""),
    }
    if href:
        attrs["URL"] = href
        attrs["tooltip"] = f"sanction {s.name}"
    return attrs


def dot_graph(graph: AppealGraph, anchor: Any) -> Any:
    """The graph as a `graphviz.Digraph` (`anchor(kind, name)` gives a node's link or None).

    Raises:
        GraphUnavailable: the `graphviz` package is not installed.
    """
    try:
        import graphviz
    except ImportError as exc:
        raise GraphUnavailable("the graphviz package is not installed") from exc
    g = graphviz.Digraph(
        "appeals",
        graph_attr={
            "rankdir": "LR",
            "nodesep": "0.25",
            "ranksep": "1.1",
            "bgcolor": "transparent",
            "fontname": FONT,
        },
        node_attr={"fontname": FONT, "fontsize": "11"},
        edge_attr={"fontname": FONT, "fontsize": "9"},
    )
    for s in graph.sanctions:
        g.node(f"s-{s.name}", **_sanction_attrs(s, anchor("sanction", s.name)))
    for a in graph.actions:
        attrs = {
            "shape": SHAPES[a.by],
            "label": f"{a.by}: {a.name}",
            "id": node_id("action", a.name),
            "class": f"action by-{a.by}",
        }
        href = anchor("action", a.name)
        if href:
            attrs |= {"URL": href, "tooltip": f"action {a.name} (by {a.by})"}
        g.node(f"a-{a.name}", **attrs)
    for e in graph.edges:
        appeal = e.kind == "appeal"
        g.edge(
            f"s-{e.sanction}",
            f"a-{e.action}",
            id=edge_id(e.sanction, e.action),
            label="appeal" if appeal else "may end",
            style="solid" if appeal else "dashed",
            penwidth="1.6" if appeal else "1.0",
            **{"class": e.kind},
        )
    return g


def graph_svg(graph: AppealGraph, anchor: Any) -> Markup:
    """The drawing as an inline `<svg>`.

    Raises:
        GraphUnavailable: Graphviz is not installed.
    """
    g = dot_graph(graph, anchor)  # raises GraphUnavailable without the graphviz package
    import graphviz

    try:
        text = g.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound as exc:
        raise GraphUnavailable("Graphviz's `dot` program is not installed") from exc
    start = text.index("<svg")
    label = "sanctions and the actions that may lift them"
    return Markup(
        f'<svg role="img" aria-label="{label}" class="rp-svg rp-graph" '
        + text[start + len("<svg ") :].strip()
    )


def _verdicts(rs: Sequence[Result]) -> Markup:
    items = []
    for r in rs:
        name = (
            el("a", r.property.id, href=f"#{card_id(r.property.id)}")
            if r.status == "violated"
            else el("span", r.property.id)
        )
        items.append(el("li", status_badge(r.status, r.bound), " ", name))
    return el("ul", items, class_="rp-plain") if items else Markup("")


def _table(graph: AppealGraph, ruleset: M.Ruleset, links: Links) -> Markup:
    rows = []
    for s in graph.sanctions:

        def acts(kind: str, s: SanctionNode = s) -> Markup:
            return join(
                *[
                    join(links.to("action", e.action), f" (by {e.by})", el("br"))
                    for e in s.edges
                    if e.kind == kind
                ]
            )

        status = (
            el(
                "strong",
                "NO WAY OUT: no action changes anything it depends on",
                class_="rp-no-way-out",
            )
            if s.way_out == "none"
            else el("span", "no appeal declared")
            if s.no_appeal
            else el("span", "")
        )
        rows.append(
            el(
                "tr",
                el("th", links.to("sanction", s.name), scope="row"),
                el("td", acts("appeal")),
                el("td", acts("may-end")),
                el("td", status),
                el("td", _verdicts(s.verdicts)),
                data_sanction=s.name,
                class_="rp-differs" if s.way_out == "none" else None,
            )
        )
    return table(
        [
            "sanction",
            "appeal (declared)",
            "may end it (writes what it reads)",
            "way out",
            "path properties",
        ],
        rows,
        caption="every sanction and the actions that may lift it",
        class_="rp-table",
    )


LEGEND = (
    "Boxes are sanctions; an octagon with a double border is a sanction with NO WAY OUT (no "
    "action writes anything it depends on, so nothing can ever lift it). Ellipses are actions "
    "by the citizen, houses by an authority, hexagons by time. A solid edge is an appeal the "
    "sanction declares; a dashed edge is another action that writes an attribute the sanction "
    "depends on — it may end the sanction; the path properties say whether it does."
)


def section(ruleset: M.Ruleset, results: Sequence[Result], links: Links, anchor: Any) -> Markup:
    head = el("h2", "Sanctions and the ways out")
    if not ruleset.sanctions:
        return join(head, el("p", "This ruleset imposes no sanctions."))
    graph = appeal_graph(ruleset, results)
    try:
        picture: Markup = graph_svg(graph, anchor)
    except GraphUnavailable as exc:
        picture = el(
            "p",
            f"(no drawing: {exc}; install Graphviz, e.g. `apt install graphviz`, "
            "and `pip install 'ruleproof[report]'`)",
            class_="rp-note",
        )
    stuck = [s.name for s in graph.sanctions if s.way_out == "none"]
    lead = (
        el(
            "p",
            el("strong", f"{len(stuck)} sanction{'s' * (len(stuck) != 1)} with no way out: "),
            ", ".join(stuck),
            class_="rp-no-way-out",
        )
        if stuck
        else el("p", "Every sanction has some action that may lift it.")
    )
    return join(
        head,
        lead,
        el(
            "figure",
            el("div", picture, class_="rp-picture"),
            el("figcaption", LEGEND, class_="rp-note"),
            class_="rp-graph-figure",
        ),
        _table(graph, ruleset, links),
    )
