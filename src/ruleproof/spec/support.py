"""Attribute support: which attributes each derived value of a ruleset transitively reads.

`support_sets(ruleset)` maps every dependency node (`define:x`, `score`, `tier`, `sanction:s`,
`sanctioned`) and every score rule (`rule:<id>`) to the attributes it depends on. The encoder
uses it for relational slicing, exact counting uses it to enumerate only what matters. The
result is computed once per ruleset object and shared: callers must not mutate it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping

from ruleproof.spec import expr as E
from ruleproof.spec import model as M
from ruleproof.spec.typecheck import dependency_graph, node_exprs, node_of, topological_order

Support = Mapping[str, frozenset[str]]

# id(ruleset) → (weak reference, support); the entry goes when the ruleset does. Rulesets hash
# structurally (expensive at 100,000 rules), hence no WeakKeyDictionary.
_CACHE: dict[int, tuple[weakref.ref[M.Ruleset], dict[str, frozenset[str]]]] = {}


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


def support_sets(ruleset: M.Ruleset) -> Support:
    """For each dependency node (define:x, score, tier, sanction:s, sanctioned, rule:id) the set
    of attributes it transitively reads."""
    key = id(ruleset)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is ruleset:
        return hit[1]
    out = _support_sets(ruleset)
    _CACHE[key] = (weakref.ref(ruleset, lambda _: _CACHE.pop(key, None)), out)
    return out


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
