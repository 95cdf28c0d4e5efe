"""Queries asked of a reduced ruleset and answered for the original one.

`Folding(backend)` asks a query of the ruleset reduced for a set of varied attributes
(`semantics.reduce.fold_for`: score rules that read none of them folded into one attribute,
`score~rest`, free in the interval bound of their sum; big scorecard groups summed into step
functions). The reduction over-approximates the original ruleset — every original citizen has
a reduced counterpart with the same outputs — so:

- no violation of the reduced query (`Holds`, with the proof's reasons in the original's terms)
  means none of the original: a proof;
- a violation of the reduced query is a model whose `score~rest` may be a sum no citizen
  reaches. `ask` decodes it (minimising `score~rest` toward the sum at the baseline citizen),
  and when its citizens do not violate the original query, finds citizens who do with
  `semantics.foldsum.FoldedSum.concretize` (one sum shared by the citizens of a pair query that
  varies attributes the folded rules do not read; one sum per citizen otherwise), then checks
  them on the original ruleset (`Shown`). If no such citizen is found in time: `Unfound`.

`Shown` citizens are candidates the caller validates with the reference evaluator like any
solver counterexample.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from fractions import Fraction

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.proving.solving import Sat, Unsat
from ruleproof.proving.z3checker import Z3Checker
from ruleproof.semantics.compiled import Compiled, compile_ruleset
from ruleproof.semantics.foldsum import FoldedSum
from ruleproof.semantics.reduce import REST, SUMMED, Reduction, fold_for, read_outside_rest
from ruleproof.semantics.sampling import Citizen, Sampler
from ruleproof.semantics.templates import Query

REST_LABEL = "rules that read no varied attribute (interval bound)"


@attrs.frozen
class Holds:
    core: frozenset[str]  # the proof's reasons, in the original ruleset's terms


@attrs.frozen
class Shown:
    citizens: dict[str, Citizen]  # violate the query on the original ruleset (compiled)


@attrs.frozen
class Unfound:
    reason: str


Asked = Holds | Shown | Unfound


def core_labels(reduced: M.Ruleset, labels: Iterable[str]) -> set[str]:
    """Unsat-core labels of a reduced ruleset in the original's terms."""
    about = {f"rule {r.id}": r.add_text for r in reduced.score.rules} if reduced.score else {}
    out: set[str] = set()
    for x in labels:
        if x == f"rule {REST}":
            out.add(REST_LABEL)
        elif x.startswith(f"rule {SUMMED}") and x in about:
            out.add(about[x])
        else:
            out.add(x)
    return out


class Folding:
    """Reductions of one ruleset, their back ends and folded sums (module docstring)."""

    def __init__(self, backend: Z3Checker, compiled: Compiled) -> None:
        self.ruleset = backend.ruleset
        self.limits = backend.limits
        self.stages = backend.stages
        self.compiled = compiled  # the original ruleset's
        self.original = Sampler(self.ruleset, compiled)
        self._reductions: dict[frozenset[str], Reduction | None] = {}
        self._backends: dict[frozenset[str], Z3Checker] = {}
        self._compiled: dict[frozenset[str], Compiled] = {}
        self._sums: dict[tuple[frozenset[str], frozenset[str]], FoldedSum] = {}

    def reduced(self, varied: frozenset[str]) -> Z3Checker | None:
        """A back end for the ruleset reduced for `varied`, or None (nothing to reduce)."""
        if varied not in self._reductions:
            r = self._reductions[varied] = fold_for(self.ruleset, varied)
            if r is not None:
                self._backends[varied] = Z3Checker(r.ruleset, self.limits, self.stages)
        return self._backends.get(varied)

    def ask(
        self, q: Query, varied: frozenset[str], deadline: float, search: bool = True
    ) -> Asked | None:
        """`q` decided on the reduction for `varied` (module docstring); None when there is no
        reduction or the solver gave up. Without `search`, a reduced model whose citizens do
        not show the violation on the original ruleset is `Unfound` at once."""
        sub = self.reduced(varied)
        if sub is None:
            return None
        self.stages.enter("solving the folded query")
        answer, copies, solver = sub.violation(q, deadline)
        if isinstance(answer, Unsat):
            return Holds(frozenset(core_labels(sub.ruleset, answer.core)))
        if not isinstance(answer, Sat):
            return None
        found = sub.citizens_of(copies, answer.model, solver, deadline, self.prefer(q, varied))
        citizens = {t: {k: v for k, v in c.items() if k != REST} for t, c in found.items()}
        if self.original.violates(q, citizens):
            return Shown(citizens)
        if not search:
            return Unfound("the folded rules matter to the violation")
        self.stages.enter("searching a citizen for the folded sum")
        concrete = self.concretize(q, varied, found, deadline)
        if concrete is not None and self.original.violates(q, concrete):
            return Shown(concrete)
        return Unfound("no citizen was found whose folded rules add up to what the violation needs")

    def prefer(self, q: Query, varied: frozenset[str]) -> dict[str, M.Value]:
        """`score~rest` toward the folded sum at the baseline citizen (easiest to realise)."""
        fs = self.folded_sum(q, varied)
        return {REST: fs.start()} if fs is not None else {}

    def folded_sum(self, q: Query, varied: frozenset[str]) -> FoldedSum | None:
        """The folded sum of the reduction for `varied`, for `q` (None: nothing folded)."""
        r = self._reductions.get(varied)
        if r is None or not r.folded:
            return None
        pinned = frozenset(read_outside_rest(r.ruleset) | E.names(q.assume) | E.names(q.assert_))
        key = (varied, pinned)
        if key not in self._sums:
            reduced = self._reduced_compiled(varied)

            def others(c: Mapping[str, M.Value]) -> M.Num:  # the kept rules and the base
                return reduced.raw_score({**c, REST: 0})

            self._sums[key] = FoldedSum(self.ruleset, r.folded, pinned, self.compiled, others)
        return self._sums[key]

    def concretize(
        self,
        q: Query,
        varied: frozenset[str],
        found: Mapping[str, Mapping[str, M.Value]],
        deadline: float,
    ) -> dict[str, Citizen] | None:
        """Original citizens for a model of the reduced query, or None.

        With varied attributes the citizens share one folded sum and move together; without,
        each has its own, found citizen by citizen (the others at the sums they have by then).
        """
        fs, r = self.folded_sum(q, varied), self._reductions.get(varied)
        rest = None if r is None else r.rest()
        if fs is None or rest is None:
            return None
        plain = {t: {k: v for k, v in c.items() if k != REST} for t, c in found.items()}
        sums: dict[str, M.Num] = {t: _num(c[REST]) for t, c in found.items()}
        reduced = Sampler(self._reduced_ruleset(varied), self._reduced_compiled(varied))
        movers = [q.citizens[0]] if q.varied is not None else list(q.citizens)
        for who in movers:
            if time.monotonic() >= deadline:
                return None

            def good(w: M.Num, who: str = who) -> bool:
                at = {
                    t: {**c, REST: w if t == who or q.varied is not None else sums[t]}
                    for t, c in plain.items()
                }
                return reduced.violates(q, at)

            moved = fs.concretize(plain[who], sums[who], good, (rest.lo, rest.hi), deadline)
            if moved is None:
                return None
            shared = plain if q.varied is not None else {who: plain[who]}
            for t in shared:
                plain[t] = {**plain[t], **{n: moved[n] for n in fs.free()}}
                sums[t] = fs.total(plain[t])
        return plain

    def _reduced_ruleset(self, varied: frozenset[str]) -> M.Ruleset:
        r = self._reductions[varied]
        assert r is not None
        return r.ruleset

    def _reduced_compiled(self, varied: frozenset[str]) -> Compiled:
        if varied not in self._compiled:
            self._compiled[varied] = compile_ruleset(self._reduced_ruleset(varied))
        return self._compiled[varied]


def _num(v: M.Value) -> M.Num:
    assert isinstance(v, int | Fraction) and not isinstance(v, bool), v
    return v
