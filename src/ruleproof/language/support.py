"""Attribute support: which attributes each derived value of a ruleset transitively reads.

`support_sets(ruleset)` maps every dependency node (`define:x`, `score`, `tier`, `sanction:s`,
`sanctioned`) and every score rule (`rule:<id>`) to the attributes it depends on. The encoder
uses it for relational slicing, exact counting uses it to enumerate only what matters. The
result is computed once per ruleset object and shared: callers must not mutate it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.dependencies import dependency_graph, node_exprs, node_of, topological_order
from ruleproof.language.memo import per_ruleset

Support = Mapping[str, frozenset[str]]


def name_support(ruleset: M.Ruleset, names: Iterable[str], support: Support) -> frozenset[str]:
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


@per_ruleset
def support_sets(ruleset: M.Ruleset) -> Support:
    """For each dependency node (define:x, score, tier, sanction:s, sanctioned, rule:id) the set
    of attributes it transitively reads."""
    return _support_sets(ruleset)


def _support_sets(ruleset: M.Ruleset) -> dict[str, frozenset[str]]:
    graph = dependency_graph(ruleset)
    attrs_ = set(ruleset.attribute_index)
    out: dict[str, frozenset[str]] = {}

    derived = {"score", "tier", "sanctioned"}
    derived.update(d.name for d in ruleset.defines)
    derived.update(s.name for s in ruleset.sanctions)

    def support_of(names: frozenset[str] | set[str]) -> frozenset[str]:
        if names <= attrs_ and names.isdisjoint(derived):
            return frozenset(names)  # the common case; no copy when `names` is a frozenset
        a = names & attrs_
        for m in names & derived:
            node = node_of(ruleset, m)
            if node is not None:
                a |= out.get(node, frozenset())
        return frozenset(a)

    rules = ruleset.score.rules if ruleset.score else ()
    for node in topological_order(graph):
        if node == "score":
            read: set[str] = set().union(*(r.reads for r in rules))
        else:
            read = set()
            for x in node_exprs(ruleset, node):
                read |= E.names(x)
        out[node] = support_of(read)
    for r in rules:
        out[f"rule:{r.id}"] = support_of(r.reads)
    return out
