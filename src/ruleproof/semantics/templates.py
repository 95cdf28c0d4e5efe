"""Property templates → relational queries (pure IR, no Z3).

Every one-state property of DESIGN §3 is sugar over `Query`: citizens, an `assume` and an
`assert` over qualified names (`a.debt`), and optionally `varied`: the attributes in which the
second citizen may differ from the first (all others are equal, which the encoder exploits by
sharing terms). A property is violated iff some possible citizens satisfy `assume` and not
`assert`. `reachable` is the dual (each item must be satisfiable) and is expanded to one query
per item; so is `exists` (one query, whose violation is the witness).
"""

from __future__ import annotations

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P

TRUE = E.BoolLit(True)


@attrs.frozen
class Query:
    citizens: tuple[str, ...]
    assume: E.Expr
    assert_: E.Expr
    varied: frozenset[str] | None = None  # pair queries: b equals a outside these attributes
    label: str = ""  # what the query is about (a sanction, a rule), for messages


def qualify(e: E.Expr, citizen: str) -> E.Expr:
    """`e` with every unqualified name read from `citizen`."""
    return E.map_vars(e, lambda v: E.Var(v.name, citizen, v.span) if v.citizen is None else v)


def _all(parts: list[E.Expr]) -> E.Expr:
    if not parts:
        return TRUE
    return parts[0] if len(parts) == 1 else E.And(tuple(parts))


def selected(ruleset: M.Ruleset, sel: P.Selector) -> frozenset[str]:
    """The attribute names a selector picks."""
    out = set()
    for a in ruleset.attributes:
        match sel.kind:
            case "names":
                ok = a.name in sel.names
            case "protected":
                ok = a.protected != "false"
            case "characteristics":
                ok = a.protected == "true"
            case "associations":
                ok = a.protected == "association"
            case "domain":
                ok = a.domain == sel.domain
            case "not-domain":
                ok = a.domain is not None and a.domain != sel.domain
        if ok:
            out.add(a.name)
    return frozenset(out)


def default_outputs(ruleset: M.Ruleset) -> tuple[str, ...]:
    out: list[str] = []
    if ruleset.score is not None:
        out.append("score")
    if ruleset.tiers:
        out.append("tier")
    out += [s.name for s in ruleset.sanctions]
    return tuple(out)


def expand_outputs(ruleset: M.Ruleset, outputs: tuple[str, ...] | None) -> tuple[str, ...]:
    names: list[str] = []
    for o in outputs if outputs is not None else default_outputs(ruleset):
        for n in [s.name for s in ruleset.sanctions] if o == "sanctions" else [o]:
            if n not in names:
                names.append(n)
    return tuple(names)


def equal_outputs(outputs: tuple[str, ...]) -> E.Expr:
    return _all([E.Compare(("==",), (E.Var(o, "a"), E.Var(o, "b"))) for o in outputs])


def independence(
    ruleset: M.Ruleset, varied: frozenset[str], outputs: tuple[str, ...], label: str = ""
) -> Query:
    return Query(("a", "b"), TRUE, equal_outputs(outputs), varied, label)


def queries(ruleset: M.Ruleset, prop: P.Property) -> list[Query]:
    """The queries whose violations are the property's violations (not for path kinds)."""
    k = prop.kind
    match k:
        case P.Always(expr):
            return [Query(("a",), TRUE, qualify(expr, "a"))]
        case P.Independent(of, outputs):
            return [independence(ruleset, selected(ruleset, of), expand_outputs(ruleset, outputs))]
        case P.Monotone(var, output, direction):
            op: E.CmpOp = "<=" if direction == "nondecreasing" else ">="
            le = E.Compare(("<=",), (E.Var(var, "a"), E.Var(var, "b")))
            out = E.Compare((op,), (E.Var(output, "a"), E.Var(output, "b")))
            return [Query(("a", "b"), le, out, frozenset([var]))]
        case P.SameContext():
            out_q = []
            for s in ruleset.sanctions:
                if s.domain is None:
                    continue
                other = selected(ruleset, P.Selector("not-domain", domain=s.domain))
                out_q.append(independence(ruleset, other, (s.name,), s.name))
            return out_q
        case P.TiersTotal():
            ids = tuple(E.EnumLit(t.id) for t in ruleset.tiers)
            return [Query(("a",), TRUE, E.In(E.Var("tier", "a"), ids))]
        case P.Forall(citizens, assume, assert_):
            return [Query(citizens, assume, assert_)]
        case P.Exists(citizens, assume, assert_):
            # a "violation" of this query is a witness: `assume` and `assert` both hold
            return [Query(citizens, assume, E.Not(assert_))]
        case P.Reachable():
            return [
                Query(("a",), TRUE, E.Not(goal), label=label)
                for label, goal in reach_goals(ruleset, k)
            ]
        case _:
            raise ValueError(f"{prop.kind_name} is a path property")


def reach_goals(ruleset: M.Ruleset, k: P.Reachable) -> list[tuple[str, E.Expr]]:
    """(label, goal over citizen `a`) for each item that must be reachable."""
    match k.what:
        case "rules":
            rules = ruleset.score.rules if ruleset.score else ()
            return [(f"rule {r.id}", qualify(r.when, "a")) for r in rules]
        case "sanctions":
            return [(f"sanction {s.name}", E.Var(s.name, "a")) for s in ruleset.sanctions]
        case "tiers":
            return [
                (f"tier {t.id}", E.Compare(("==",), (E.Var("tier", "a"), E.EnumLit(t.id))))
                for t in ruleset.tiers
            ]
        case "expr":
            assert k.expr is not None
            return [(k.text, qualify(k.expr, "a"))]
