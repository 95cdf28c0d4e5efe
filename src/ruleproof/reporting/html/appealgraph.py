"""The sanction → appeal graph as data: each sanction and the actions that may lift it.

`appeal_graph(ruleset, results)` gives one `SanctionNode` per sanction with two kinds of edge:

- `appeal`: the actions the sanction declares in `appeal:` (exactly the ruleset's lists);
- `may-end`: every other action whose `set` writes an attribute the sanction depends on
  (`ruleproof.language.support`). Writing such an attribute is necessary to lift a sanction,
  not sufficient: these edges say where a way out may be, the path properties say whether it is.

`way_out` is `"none"` when no action at all (appeal or not) writes anything the sanction depends
on: then nothing any actor does, nor time, can ever lift it — a certainty, not a solver answer.
`no_appeal` marks a sanction that declares no appeal (DESIGN §3: `appeal_path` fails for it).
`verdicts` are the suite's path-property results about the sanction: `appeal_path` and
`expires` (proved for every sanction, or violated for the one the counterexample names) and
`recourse` (violated for this sanction, or whose `when` names it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.support import support_sets
from ruleproof.verdicts.result import Result

EdgeKind = Literal["appeal", "may-end"]


@attrs.frozen
class Edge:
    sanction: str
    action: str
    by: M.ActorKind
    kind: EdgeKind


@attrs.frozen
class SanctionNode:
    name: str
    edges: tuple[Edge, ...]
    way_out: Literal["some", "none"]
    no_appeal: bool
    reads: tuple[str, ...]  # the attributes the sanction depends on
    verdicts: tuple[Result, ...] = ()


@attrs.frozen
class AppealGraph:
    sanctions: tuple[SanctionNode, ...]
    actions: tuple[M.Action, ...]  # every action an edge reaches, in ruleset order

    @property
    def edges(self) -> tuple[Edge, ...]:
        return tuple(e for s in self.sanctions for e in s.edges)


def writes(action: M.Action) -> frozenset[str]:
    return frozenset(a.attribute for a in action.sets)


def _about(r: Result, sanction: str) -> bool:
    kind = r.property.kind
    cex = r.counterexample
    named = cex.sanction if cex is not None else None
    if isinstance(kind, P.AppealPath | P.Expires):
        return r.status == "proved" or named == sanction
    if isinstance(kind, P.Recourse):
        return named == sanction or sanction in E.names(kind.when)
    return False


def appeal_graph(ruleset: M.Ruleset, results: Sequence[Result] = ()) -> AppealGraph:
    """The graph of the ruleset's sanctions and actions (see the module docstring)."""
    support = support_sets(ruleset)
    nodes: list[SanctionNode] = []
    reached: set[str] = set()
    for s in ruleset.sanctions:
        reads = support.get(f"sanction:{s.name}", frozenset())
        edges: list[Edge] = []
        for name in s.appeal:
            action = ruleset.action(name)
            if action is not None:
                edges.append(Edge(s.name, name, action.by, "appeal"))
        for action in ruleset.actions:
            if action.name not in s.appeal and writes(action) & reads:
                edges.append(Edge(s.name, action.name, action.by, "may-end"))
        lifts = any(writes(a) & reads for a in ruleset.actions)
        reached |= {e.action for e in edges}
        nodes.append(
            SanctionNode(
                s.name,
                tuple(edges),
                "some" if lifts else "none",
                not s.appeal,
                tuple(sorted(reads)),
                tuple(r for r in results if _about(r, s.name)),
            )
        )
    actions = tuple(a for a in ruleset.actions if a.name in reached)
    return AppealGraph(tuple(nodes), actions)
