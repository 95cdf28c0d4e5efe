"""Unbounded answers: showing that no path of any length takes a citizen to a target.

`stuck_forever(enc, c, shape, ψ, …)` is True only with a proof that every state reachable from
the possible citizen c by the shape's actions lacks ψ. Two arguments are tried in turn:

1. An inductive invariant: I(x) = x is possible ∧ ¬ψ(x) ∧ x agrees with c on every attribute
   no allowed action sets. c ∈ I (c lacks ψ); if no allowed action, with any params, leads
   from a state in I to a state with ψ, then I is closed under every action (the agreement is
   kept because those attributes are never set) and so contains every reachable state.
2. Z3's Spacer engine on the Horn clauses Reach(c); Reach(x) ∧ enabled(a, x, p) → Reach(x′);
   query Reach(x) ∧ ψ(x). `unsat` means the query is not derivable: ψ is unreachable.

Both over-approximate the paths of the shape (any allowed action at any position), which only
makes "stuck forever" harder to show, never wrongly shown. Anything else (sat, unknown, time
out) returns False, and the caller reports the bounded answer.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

import z3

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.proving.encode import Encoding, Term, z3_value
from ruleproof.proving.solving import Limits, new_solver
from ruleproof.proving.transitions import Hard, Shape, move, param_consts

SPACER_SECONDS = 10.0


def stuck_forever(
    enc: Encoding,
    citizen: Mapping[str, M.Value],
    shape: Shape,
    target: E.Expr,
    limits: Limits,
    deadline: float,
) -> bool:
    """True only if no path of any length of the shape's actions leads to `target`."""
    actions = shape.allowed()
    if _invariant_closed(enc, citizen, actions, target, limits, deadline):
        return True
    return _spacer_unreachable(enc, citizen, actions, target, deadline)


def _invariant_closed(
    enc: Encoding,
    citizen: Mapping[str, M.Value],
    actions: tuple[M.Action, ...],
    target: E.Expr,
    limits: Limits,
    deadline: float,
) -> bool:
    touched = {s.attribute for a in actions for s in a.sets}
    for action in actions:
        remaining = deadline - time.monotonic()
        if remaining <= 0.005:
            return False
        x = enc.bind(enc.fresh("inv"), {})
        solver = new_solver(limits, remaining)
        hard = Hard(solver)
        solver.add(
            *[x.attrs[n] == z3_value(v, enc.codes) for n, v in citizen.items() if n not in touched]
        )
        solver.add(z3.Not(x.expr(target)))
        m = move(enc, x, action, param_consts(enc, action, enc.fresh("q")))
        solver.add(m.enabled, m.after.expr(target))
        hard.add(x.constraints)
        hard.add(m.after.definitions())
        if solver.check(*enc.trackers.values()) != z3.unsat:
            return False
    return True


def _spacer_unreachable(
    enc: Encoding,
    citizen: Mapping[str, M.Value],
    actions: tuple[M.Action, ...],
    target: E.Expr,
    deadline: float,
) -> bool:
    remaining = min(deadline - time.monotonic(), SPACER_SECONDS)
    if remaining <= 0.05:
        return False
    x = enc.bind(enc.fresh("reach"), {})
    names = [a.name for a in enc.ruleset.attributes]
    reach = z3.Function(
        f"{enc.prefix}reach!{enc.fresh('r')}", *[x.attrs[n].sort() for n in names], z3.BoolSort()
    )
    true_trackers = [(t, z3.BoolVal(True)) for t in enc.trackers.values()]

    def closed(f: Term) -> Term:
        return z3.substitute(f, *true_trackers) if true_trackers else f

    fp = z3.Fixedpoint()
    fp.set(engine="spacer")
    fp.set("timeout", max(1, int(remaining * 1000)))
    fp.register_relation(reach)
    rules: list[tuple[Term, Term]] = []
    rules.append((reach(*[z3_value(citizen[n], enc.codes) for n in names]), z3.BoolVal(True)))
    for action in actions:
        # Unshared: a rule body must define everything its next state reads by itself.
        m = move(enc, x, action, param_consts(enc, action, enc.fresh("q")), share=False)
        head = reach(*[m.after.attrs[n] for n in names])
        body = z3.And(reach(*[x.attrs[n] for n in names]), m.guard, *m.after.constraints)
        rules.append((head, body))
    goal = x.expr(target)
    query = z3.And(reach(*[x.attrs[n] for n in names]), goal, *x.constraints)
    rules = [(closed(h), closed(b)) for h, b in rules]
    query = closed(query)
    fp.declare_var(*_constants([query, *[t for r in rules for t in r]]))
    for head, body in rules:
        fp.rule(head, body)
    try:
        return bool(fp.query(query) == z3.unsat)
    except z3.Z3Exception:
        return False


def _constants(terms: Iterable[Term]) -> list[Term]:
    """The uninterpreted constants in the terms (the Horn clauses' variables)."""
    seen: set[int] = set()
    out: dict[int, Term] = {}
    stack = list(terms)
    while stack:
        t = stack.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        if z3.is_const(t) and t.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            out[t.get_id()] = t
        else:
            stack.extend(t.children())
    return list(out.values())
