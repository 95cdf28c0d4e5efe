"""Random possible citizens, run through the compiled evaluator, and shrunk toward the baseline.

`Sampler(ruleset)` draws citizens in range (ints often at their ends), keeps those that are
possible (every `assume` holds) and for which a test holds, and shrinks what it finds: groups of
attributes moved to their baseline value while the test still holds (halving groups), then each
int pulled toward its low bound. `first` finds one such citizen, `many` one per goal,
`tuple_for` a tuple violating a relational query (near copies of the first citizen, or fresh
draws, always keeping the attributes the assumption equates). `violates` tells whether citizens
violate a relational query on the ruleset, with the compiled evaluator.

Nothing here proves anything: a sampled citizen is a candidate, which the caller validates with
the reference evaluator like any solver counterexample. Each `Sampler` starts its generator from
the same seed, so what it finds does not depend on what was sampled before.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.semantics.compiled import Compiled
from ruleproof.semantics.evaluate import eval_expr, in_domain
from ruleproof.semantics.templates import Query

SAMPLES = 500  # random citizens per search (fewer when its time runs out)
SHRINK_MAX = 1.0  # seconds spent shrinking one find

Citizen = dict[str, M.Value]
Test = Callable[[Any], Any]  # a compiled closure over one citizen's environment
_Unit = tuple[str, tuple[str, ...]]  # what `shrink_tuple` moves: (attribute, in which citizens)


class Sampler:
    """Random citizens of one ruleset, tested with its compiled evaluator."""

    def __init__(self, ruleset: M.Ruleset, compiled: Compiled) -> None:
        self.ruleset = ruleset
        self.compiled = compiled
        self.rng = random.Random(0)

    def possible(self, citizen: Mapping[str, M.Value]) -> bool:
        """Whether the citizen is in range and satisfies every `assume`."""
        return in_domain(self.ruleset, citizen) is None

    def random_citizen(self) -> Citizen:
        """A citizen in range (not necessarily possible): ints at an end a fifth of the time."""
        rng = self.rng
        out: Citizen = {}
        for a in self.ruleset.attributes:
            match a.type:
                case M.BoolType():
                    out[a.name] = rng.random() < 0.5
                case M.IntType(lo, hi):
                    r = rng.random()
                    out[a.name] = lo if r < 0.1 else hi if r < 0.2 else rng.randint(lo, hi)
                case M.RealType(lo, hi):
                    out[a.name] = lo if rng.random() < 0.5 else hi
                case M.EnumType(values):
                    out[a.name] = rng.choice(values)
        return out

    def first(self, bad: Test, stop: float) -> Citizen | None:
        """A possible citizen for which `bad` holds, shrunk toward the baseline, or None."""
        c = self.compiled
        for _ in range(SAMPLES):
            if time.monotonic() >= stop:
                break
            cit = self.random_citizen()
            if self.possible(cit) and bad(c.env(cit)):
                return self.shrink(cit, self._holds(bad))
        return None

    def many(self, goals: Mapping[str, Test], stop: float) -> dict[str, Citizen]:
        """For each goal a possible citizen reaching it (shrunk), for those found by `stop`."""
        c = self.compiled
        found: dict[str, Citizen] = {}
        for _ in range(SAMPLES):
            if time.monotonic() >= stop or len(found) == len(goals):
                break
            cit = self.random_citizen()
            if not self.possible(cit):
                continue
            env = c.env(cit)
            for label, f in goals.items():
                if label not in found and f(env):
                    found[label] = cit
        return {label: self.shrink(cit, self._holds(goals[label])) for label, cit in found.items()}

    def _holds(self, f: Test) -> Callable[[Citizen], bool]:
        return lambda x: self.possible(x) and bool(f(self.compiled.env(x)))

    def tuple_for(self, q: Query, stop: float) -> dict[str, Citizen] | None:
        """Possible citizens violating `q` (assumption true, assertion false), shrunk, or None.

        Each later citizen is either a near copy of the first (a few attributes drawn again:
        assumptions like `a.score == b.score` rarely hold for unrelated citizens) or drawn
        afresh; attributes the assumption equates (`a.x == b.x`) are always copied.
        """
        names = [a.name for a in self.ruleset.attributes]
        shared = equated(q.assume) & set(names) if len(q.citizens) == 2 else frozenset()
        free = [n for n in names if n not in shared]
        rng = self.rng

        def bad(tup: dict[str, Citizen]) -> bool:
            return self.violates(q, tup)

        for i in range(SAMPLES):
            if time.monotonic() >= stop:
                break
            first = self.random_citizen()
            tup = {q.citizens[0]: first}
            for t in q.citizens[1:]:
                fresh = self.random_citizen()
                if i % 2 == 0 and free:
                    redrawn = rng.sample(free, min(len(free), rng.randint(1, 3)))
                    tup[t] = {**first, **{n: fresh[n] for n in redrawn}}
                else:
                    tup[t] = {**fresh, **{n: first[n] for n in shared}}
            if bad(tup):
                return self.shrink_tuple(tup, bad)
        return None

    def violates(self, q: Query, citizens: Mapping[str, Mapping[str, M.Value]]) -> bool:
        """Whether possible citizens violate `q` on this ruleset (equal outside what it varies,
        assumption true, assertion false), by the compiled evaluator."""
        if not all(self.possible(cit) for cit in citizens.values()):
            return False
        if q.varied is not None:
            first = citizens[q.citizens[0]]
            if any(
                cit[a.name] != first[a.name]
                for cit in citizens.values()
                for a in self.ruleset.attributes
                if a.name not in q.varied
            ):
                return False
        envs = {t: self.compiled.env(cit) for t, cit in citizens.items()}
        return bool(self._relational(q.assume, envs)) and not self._relational(q.assert_, envs)

    def _relational(self, e: E.Expr, envs: Mapping[str, Any]) -> Any:
        # A query's names are qualified (`a.x`); evaluate each in its citizen's environment.
        c = self.compiled

        def lookup(var: E.Var) -> Any:
            assert var.citizen is not None
            return c.function(E.Var(var.name))(envs[var.citizen])

        return eval_expr(e, lookup)

    # -- shrinking -------------------------------------------------------------------------
    def shrink(self, citizen: Citizen, ok: Callable[[Citizen], bool]) -> Citizen:
        """Move attributes to their baseline value while `ok` stays true (halving groups)."""
        return self.shrink_tuple({"": citizen}, lambda tup: ok(tup[""]))[""]

    def shrink_tuple(
        self, tup: Mapping[str, Citizen], ok: Callable[[dict[str, Citizen]], bool]
    ) -> dict[str, Citizen]:
        """`shrink` for several citizens: an attribute equal in all of them moves in all at
        once (so equalities a query assumes survive), others move in each on its own. Halving
        groups toward the baseline first, then each int pulled toward its low bound."""
        stop = time.monotonic() + SHRINK_MAX
        best = {t: dict(c) for t, c in tup.items()}
        base = self.ruleset.baseline()
        units: list[_Unit] = []
        for a in self.ruleset.attributes:
            values = [c[a.name] for c in best.values()]
            if all(v == values[0] for v in values):
                units.append((a.name, tuple(best)))
            else:
                units += [(a.name, (t,)) for t in best]
        best = self._to_baseline(best, units, base, ok, stop)
        return self._pull_ints(best, units, ok, stop)

    def _to_baseline(
        self,
        best: dict[str, Citizen],
        units: list[_Unit],
        base: Mapping[str, M.Value],
        ok: Callable[[dict[str, Citizen]], bool],
        stop: float,
    ) -> dict[str, Citizen]:
        groups = [[u for u in units if best[u[1][0]][u[0]] != base[u[0]]]]
        while groups and time.monotonic() < stop:
            group = groups.pop()
            trial = _moved(best, {u: base[u[0]] for u in group})
            if ok(trial):
                best = trial
            elif len(group) > 1:
                mid = len(group) // 2
                groups += [group[mid:], group[:mid]]
        return best

    def _pull_ints(
        self,
        best: dict[str, Citizen],
        units: list[_Unit],
        ok: Callable[[dict[str, Citizen]], bool],
        stop: float,
    ) -> dict[str, Citizen]:
        types = {a.name: a.type for a in self.ruleset.attributes}
        for u in units:
            t = types[u[0]]
            if not isinstance(t, M.IntType) or time.monotonic() >= stop:
                continue
            lo, hi = t.lo, best[u[1][0]][u[0]]
            assert isinstance(hi, int)
            while lo < hi:
                mid = lo + (hi - lo) // 2
                trial = _moved(best, {u: mid})
                if ok(trial):
                    best, hi = trial, mid
                else:
                    lo = mid + 1
        return best


def _moved(best: Mapping[str, Citizen], changes: Mapping[_Unit, M.Value]) -> dict[str, Citizen]:
    out = {t: dict(c) for t, c in best.items()}
    for (name, where), value in changes.items():
        for t in where:
            out[t][name] = value
    return out


def equated(assume: E.Expr) -> frozenset[str]:
    """Attributes a two-citizen assumption equates (`a.x == b.x` among its conjuncts)."""
    parts = assume.args if isinstance(assume, E.And) else (assume,)
    out: set[str] = set()
    for p in parts:
        match p:
            case E.Compare(("==",), (E.Var(x, c1), E.Var(y, c2))) if (
                x == y and c1 is not None and c2 is not None and c1 != c2
            ):
                out.add(x)
    return frozenset(out)
