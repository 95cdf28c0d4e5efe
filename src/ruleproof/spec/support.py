"""Attribute support: which attributes each derived value of a ruleset transitively reads.

`support_sets(ruleset)` maps every dependency node (`define:x`, `score`, `tier`, `sanction:s`,
`sanctioned`) and every score rule (`rule:<id>`) to the attributes it depends on. The encoder
uses it for relational slicing, exact counting uses it to enumerate only what matters.
"""

from __future__ import annotations

from collections.abc import Iterable

from ruleproof.spec import expr as E
from ruleproof.spec import model as M
from ruleproof.spec.typecheck import dependency_graph, node_exprs, node_of, topological_order


def name_support(
    ruleset: M.Ruleset, names: Iterable[str], support: dict[str, frozenset[str]]
) -> frozenset[str]:
    """The attributes that a set of names (attributes or derived values) depends on."""
    out: set[str] = set()
    for n in names:
        if n in ruleset.attribute_index:
            out.add(n)
            continue
        node = node_of(ruleset, n)
        if node is not None:
            out |= support.get(node, frozenset())
    return frozenset(out)


def support_sets(ruleset: M.Ruleset) -> dict[str, frozenset[str]]:
    """For each dependency node (define:x, score, tier, sanction:s, sanctioned, rule:id) the set
    of attributes it transitively reads."""
    graph = dependency_graph(ruleset)
    attrs_ = set(ruleset.attribute_index)
    out: dict[str, frozenset[str]] = {}

    def direct(exprs: Iterable[E.Expr]) -> tuple[set[str], set[str]]:
        names: set[str] = set()
        for x in exprs:
            names |= E.names(x)
        return names & attrs_, {n for n in (node_of(ruleset, m) for m in names) if n}

    for node in topological_order(graph):
        a, deps = direct(node_exprs(ruleset, node))
        for d in deps:
            a |= out.get(d, frozenset())
        out[node] = frozenset(a)
    if ruleset.score:
        for r in ruleset.score.rules:
            a, deps = direct((r.when, r.add))
            for d in deps:
                a |= out.get(d, frozenset())
            out[f"rule:{r.id}"] = frozenset(a)
    return out
