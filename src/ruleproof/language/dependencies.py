"""What reads what: the dependency graph of a ruleset's derived values, in order.

Every define, the score, the tier, each sanction and `sanctioned` is a node (`node_of`); an
edge goes from a node to each node its expressions read (`dependency_graph`). `find_cycle`
finds a cycle to report, `topological_order` orders the nodes so each comes after what it
reads, `expr_depth` is the height of an expression tree.
"""

from __future__ import annotations

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M

Node = str  # "define:x", "score", "tier", "sanction:s", "sanctioned"


def node_of(ruleset: M.Ruleset, name: str) -> Node | None:
    """The dependency node a name refers to, or None for attributes, params and unknowns."""
    if name == "score":
        return "score"
    if name == "tier":
        return "tier"
    if name == "sanctioned":
        return "sanctioned"
    if ruleset.define(name) is not None:
        return f"define:{name}"
    if ruleset.sanction(name) is not None:
        return f"sanction:{name}"
    return None


def node_exprs(ruleset: M.Ruleset, node: Node) -> list[E.Expr]:
    if node == "score":
        rules = ruleset.score.rules if ruleset.score else ()
        return [x for r in rules for x in (r.when, r.add)]
    if node == "tier":
        return [t.when for t in ruleset.tiers]
    if node == "sanctioned":
        return [E.Var(s.name) for s in ruleset.sanctions]
    kind, _, name = node.partition(":")
    if kind == "define":
        d = ruleset.define(name)
        return [d.expr] if d else []
    s = ruleset.sanction(name)
    return [s.when] if s else []


def dependency_graph(ruleset: M.Ruleset) -> dict[Node, set[Node]]:
    nodes: list[Node] = [f"define:{d.name}" for d in ruleset.defines]
    nodes += [f"sanction:{s.name}" for s in ruleset.sanctions] + ["sanctioned"]
    if ruleset.score:
        nodes.append("score")
    if ruleset.tiers:
        nodes.append("tier")
    graph: dict[Node, set[Node]] = {}
    for n in nodes:
        read: set[str] = set()
        if n == "score" and ruleset.score:
            read.update(*(r.reads for r in ruleset.score.rules))
        else:
            for x in node_exprs(ruleset, n):
                _collect_names(x, read)
        deps: set[Node] = set()
        for name in read:
            dep = node_of(ruleset, name)
            if dep is not None:
                deps.add(dep)
        graph[n] = deps
    return graph


_LEAVES = (E.BoolLit, E.IntLit, E.RealLit, E.EnumLit)


def _collect_names(e: E.Expr, out: set[str]) -> None:
    """Add every name `e` reads to `out` (what `E.names` returns). Iterative."""
    stack = [e]
    pop, extend = stack.pop, stack.extend
    while stack:
        node = pop()
        kind = type(node)
        if kind is E.Var:
            out.add(node.name)  # type: ignore[union-attr]
        elif kind not in _LEAVES:
            extend(E.children(node))


def find_cycle(graph: dict[Node, set[Node]]) -> list[Node] | None:
    """A cycle as a list of nodes (first repeated at the end), or None. Iterative DFS."""
    state: dict[Node, int] = {}
    for root in sorted(graph):
        if state.get(root):
            continue
        stack: list[tuple[Node, list[Node]]] = [(root, sorted(graph.get(root, ())))]
        path = [root]
        state[root] = 1
        while stack:
            node, todo = stack[-1]
            if not todo:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            nxt = todo.pop()
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(graph.get(nxt, ()))))
    return None


def topological_order(graph: dict[Node, set[Node]]) -> list[Node]:
    """Nodes with every dependency before its dependents (graph must be acyclic)."""
    order: list[Node] = []
    done: set[Node] = set()
    for root in sorted(graph):
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node in done:
                continue
            if expanded:
                done.add(node)
                order.append(node)
                continue
            stack.append((node, True))
            stack.extend((d, False) for d in sorted(graph.get(node, ())) if d not in done)
    return order


def expr_depth(e: E.Expr) -> int:
    """The height of an expression tree (a literal or a name has height 1). Iterative."""
    best = 0
    stack = [(e, 1)]
    pop, append = stack.pop, stack.append
    while stack:
        node, d = pop()
        if d > best:
            best = d
        kind = type(node)
        if kind is E.Var or kind in _LEAVES:
            continue
        d += 1
        for c in E.children(node):
            append((c, d))
    return best
