"""A search for a pair of citizens that violates a pair query, by climbing an objective.

`climb(sampler, q, start, objective, deadline)` starts from a pair of citizens (typically a
witness that one part of the ruleset — a tree of an ensemble — misbehaves on its own) and moves
the attributes both citizens share, one at a time, to the candidate value that raises
`objective(pair)` most (e.g. how much the first citizen's score exceeds the second's), until the
pair violates `q` on the whole ruleset (the compiled evaluator: `Sampler.violates`), nothing
improves, or the deadline passes. Candidates are each attribute's range ends and every literal
the ruleset compares it with, one step either side.

Like every search here it proves nothing: what it returns violates `q` by the compiled
evaluator, and the caller validates it with the reference evaluator.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from fractions import Fraction

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.semantics.atoms import atom
from ruleproof.semantics.sampling import Citizen, Sampler
from ruleproof.semantics.templates import Query

MAX_CANDIDATES = 48  # values tried per int or real attribute and sweep

Pair = dict[str, Citizen]


def climb(
    sampler: Sampler,
    q: Query,
    start: Mapping[str, Mapping[str, M.Value]],
    objective: Callable[[Pair], M.Num],
    deadline: float,
) -> Pair | None:
    """A pair violating `q`, reached from `start` by coordinate moves (module docstring)."""
    pair: Pair = {t: dict(c) for t, c in start.items()}
    if sampler.violates(q, pair):
        return pair
    varied = q.varied or frozenset()
    shared = [a for a in sampler.ruleset.attributes if a.name not in varied]
    values = candidates(sampler.ruleset)
    best = objective(pair)
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for a in shared:
            for v in values.get(a.name, ()):
                if time.monotonic() >= deadline:
                    return None
                if v == pair[q.citizens[0]][a.name]:
                    continue
                trial = {t: {**c, a.name: v} for t, c in pair.items()}
                if not all(sampler.possible(c) for c in trial.values()):
                    continue
                score = objective(trial)
                if score > best:
                    pair, best, improved = trial, score, True
                    if sampler.violates(q, pair):
                        return pair
    return None


def candidates(ruleset: M.Ruleset) -> dict[str, list[M.Value]]:
    """For each attribute, the values worth trying (module docstring)."""
    types = {a.name: a.type for a in ruleset.attributes}
    literals: dict[str, set[M.Value]] = {n: set() for n in types}
    exprs = [x for r in ruleset.score.rules for x in (r.when, r.add)] if ruleset.score else []
    exprs += [t.when for t in ruleset.tiers] + [s.when for s in ruleset.sanctions]
    exprs += [d.expr for d in ruleset.defines]
    stack = list(exprs)
    while stack:
        e = stack.pop()
        found = atom(e, types)
        if found is not None:
            literals[found.name].add(found.value)
        stack.extend(E.children(e))
    out: dict[str, list[M.Value]] = {}
    for name, t in types.items():
        match t:
            case M.BoolType():
                out[name] = [False, True]
            case M.EnumType(vs):
                out[name] = list(vs)
            case M.IntType(lo, hi):
                near = {lo, hi}
                for k in literals[name]:
                    if isinstance(k, int) and not isinstance(k, bool):
                        near.update(x for x in (k - 1, k, k + 1) if lo <= x <= hi)
                out[name] = _spread(list(sorted(near)))
            case M.RealType(lo, hi):
                ks = {Fraction(k) for k in literals[name] if _number(k)} | {lo, hi}
                cuts = sorted(k for k in ks if lo <= k <= hi)
                mids = [(x + y) / 2 for x, y in itertools.pairwise(cuts)]
                out[name] = _spread(sorted({*cuts, *mids}))
    return out


def _number(v: M.Value) -> bool:
    return isinstance(v, int | Fraction) and not isinstance(v, bool)


def _spread(values: list[M.Value]) -> list[M.Value]:
    """At most `MAX_CANDIDATES` values, evenly spread over the sorted list."""
    if len(values) <= MAX_CANDIDATES:
        return values
    step = (len(values) - 1) / (MAX_CANDIDATES - 1)
    return [values[round(i * step)] for i in range(MAX_CANDIDATES)]
