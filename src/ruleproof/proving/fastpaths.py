"""Fast paths in front of the Z3 back end: sound shortcuts that answer or decline.

`FastPaths(backend).check(prop, deadline)` returns a `Result` or `None` (then the checker runs
the plain path checker or back end):

- **Relational slicing by reduction** (pair queries with varied attributes `S`: `independent`,
  `monotone`, `same_context`): the query runs on `semantics.reduce.reduce_for(ruleset, S)`. Every
  original pair maps to a reduced pair with the same outputs, so `proved` there is sound. A
  reduced counterexample is kept only if the evaluator confirms it on the *original* ruleset.
- **`forall`**: a proof on the fully folded ruleset (every score rule folded, each citizen copy
  with its own `score~rest`; `proved` there is sound), then sampled citizens.
- **Path properties on the reduced ruleset** (`appeal_path`, `expires`, `recourse`): the same
  reduction for the attributes any action sets. The folded sum is constant along every path,
  so `proved` on the reduced ruleset is sound.
- **Interval bounds** (`always`, `tiers_total`, `reachable`): a property whose truth the interval
  analysis fixes for every citizen in range is proved (or a goal shown unreachable) without Z3.
- **Sampling** (from `SAMPLE_MIN_RULES` score rules, the same kinds): random possible citizens
  through the compiled evaluator (`semantics.sampling`); what they find is validated like any
  solver counterexample.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from fractions import Fraction

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.proving import conclude
from ruleproof.proving.paths import check_path
from ruleproof.proving.solving import Sat, Unsat
from ruleproof.proving.z3checker import Z3Checker
from ruleproof.semantics.compiled import Compiled, compile_ruleset
from ruleproof.semantics.foldsum import FoldedSum
from ruleproof.semantics.intervals import Bounds
from ruleproof.semantics.reduce import (
    REST,
    SUMMED,
    Reduction,
    fold_for,
    read_outside_rest,
    set_by_actions,
)
from ruleproof.semantics.sampling import Citizen, Sampler, Test
from ruleproof.semantics.templates import Query, queries, reach_goals
from ruleproof.semantics.validate import validate_query
from ruleproof.verdicts import result as V
from ruleproof.verdicts.result import Counterexample, Result

REST_LABEL = "rules that read no varied attribute (interval bound)"
SAMPLE_SHARE = 0.1  # share of the time limit spent sampling before Z3 (at most SAMPLE_MAX s)
SAMPLE_MAX = 1.0
# Below this many score rules Z3 answers in milliseconds and its counterexamples are the
# canonical (lexicographically least) ones, so sampling would only cost time and minimality.
SAMPLE_MIN_RULES = 500


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


def _unqualified(e: E.Expr) -> E.Expr:
    """One-citizen query expressions read `a.x`; the analyses read `x`."""
    return E.map_vars(e, lambda v: E.Var(v.name, None, v.span))


class FastPaths:
    """The fast paths of one ruleset: compiled evaluator, bounds, reduced back ends."""

    def __init__(self, backend: Z3Checker) -> None:
        self.backend = backend
        self.ruleset = backend.ruleset
        self.limits = backend.limits
        self._compiled: Compiled | None = None
        self._bounds: Bounds | None = None
        self._reduced: dict[frozenset[str], Z3Checker | None] = {}
        self._reductions: dict[frozenset[str], Reduction | None] = {}
        self._compiled_reductions: dict[frozenset[str], Compiled] = {}
        self._sums: dict[tuple[frozenset[str], frozenset[str]], FoldedSum] = {}

    @property
    def compiled(self) -> Compiled:
        """The ruleset's compiled evaluator (built on first use)."""
        if self._compiled is None:
            self._compiled = compile_ruleset(self.ruleset)
        return self._compiled

    @property
    def bounds(self) -> Bounds:
        """The ruleset's interval analysis (built on first use)."""
        if self._bounds is None:
            self._bounds = Bounds(self.ruleset)
        return self._bounds

    def sampler(self) -> Sampler:
        """A fresh sampler: what it finds does not depend on properties checked before."""
        return Sampler(self.ruleset, self.compiled)

    def check(self, prop: P.Property, deadline: float) -> Result | None:
        """A sound verdict from a shortcut, or None when the plain checker must decide."""
        k = prop.kind
        if isinstance(k, P.Independent | P.Monotone | P.SameContext):
            return self.relational(prop, queries(self.ruleset, prop), deadline)
        if isinstance(k, P.Always | P.TiersTotal):
            return self.one_state(prop, queries(self.ruleset, prop)[0], deadline)
        if isinstance(k, P.Reachable):
            return self.reachable(prop, deadline)
        if isinstance(k, P.AppealPath | P.Expires | P.Recourse):
            return self.paths(prop, deadline)
        if isinstance(k, P.Forall):
            return self.forall(prop, deadline)
        return None

    def reduced(self, varied: frozenset[str]) -> Z3Checker | None:
        """A back end for the ruleset reduced for `varied` (`semantics.reduce`), or None."""
        if varied not in self._reduced:
            r = fold_for(self.ruleset, varied)
            self._reduced[varied] = None if r is None else Z3Checker(r.ruleset, self.limits)
            self._reductions[varied] = r
        return self._reduced[varied]

    def folded_sum(self, varied: frozenset[str], q: Query) -> FoldedSum | None:
        """The folded sum of the reduction for `varied`, for a query (None: nothing folded)."""
        r = self._reductions.get(varied)
        if r is None or not r.folded:
            return None
        pinned = read_outside_rest(r.ruleset)
        pinned |= E.names(q.assume) | E.names(q.assert_)
        key = (varied, frozenset(pinned))
        if key not in self._sums:
            reduced = self._compiled_reduced(varied)

            def others(c: Mapping[str, M.Value]) -> M.Num:  # the kept rules and the base
                return reduced.raw_score({**c, REST: 0})

            self._sums[key] = FoldedSum(
                self.ruleset, r.folded, frozenset(pinned), self.compiled, others
            )
        return self._sums[key]

    def concretize(
        self,
        q: Query,
        varied: frozenset[str],
        found: Mapping[str, Mapping[str, M.Value]],
        deadline: float,
    ) -> dict[str, Citizen] | None:
        """Original citizens for a model of the reduced query, or None.

        The folded rules read no varied attribute, so the citizens share one folded sum; the
        search (`FoldedSum.concretize`) moves only attributes nothing but folded rules read,
        until that sum is one for which the reduced ruleset still shows the violation.
        """
        sub, fs, r = (
            self._reduced.get(varied),
            self.folded_sum(varied, q),
            self._reductions.get(varied),
        )
        rest = None if r is None else r.rest()
        if sub is None or fs is None or rest is None:
            return None
        plain = {t: {k: v for k, v in c.items() if k != REST} for t, c in found.items()}
        first = q.citizens[0]
        reduced = Sampler(sub.ruleset, self._compiled_reduced(varied))

        def good(w: M.Num) -> bool:
            return reduced.violates(q, {t: {**c, REST: w} for t, c in plain.items()})

        v = found[first][REST]
        assert isinstance(v, int | Fraction) and not isinstance(v, bool)
        moved = fs.concretize(plain[first], v, good, (rest.lo, rest.hi), deadline)
        if moved is None:
            return None
        free = fs.free()
        return {t: {**c, **{n: moved[n] for n in free}} for t, c in plain.items()}

    def _compiled_reduced(self, varied: frozenset[str]) -> Compiled:
        if varied not in self._compiled_reductions:
            r = self._reductions[varied]
            assert r is not None
            self._compiled_reductions[varied] = compile_ruleset(r.ruleset)
        return self._compiled_reductions[varied]

    def counterexample(
        self, citizens: Mapping[str, Citizen], sanction: str | None
    ) -> Counterexample:
        """A counterexample with outcomes and traces from the compiled evaluator."""
        outcomes = {t: self.compiled.evaluate(c) for t, c in citizens.items()}
        return Counterexample(citizens, outcomes, sanction=sanction)

    # -- relational slicing ----------------------------------------------------------------
    def relational(self, prop: P.Property, qs: list[Query], deadline: float) -> Result | None:
        """Each pair query on the ruleset reduced for what it varies (module docstring)."""
        failures: list[tuple[Query, Counterexample]] = []
        cores: set[str] = set()
        for q in qs:
            sub = self.reduced(q.varied) if q.varied is not None else None
            if sub is None:
                return None
            answer, copies, solver = sub.violation(q, deadline)
            if isinstance(answer, Unsat):
                cores.update(core_labels(sub.ruleset, answer.core))
                continue
            if not isinstance(answer, Sat):
                return None
            found = sub.citizens_of(copies, answer.model, solver, deadline, self._prefer(q))
            citizens = {t: {k: v for k, v in c.items() if k != REST} for t, c in found.items()}
            if not self.sampler().violates(q, citizens):
                concrete = self.concretize(q, q.varied or frozenset(), found, deadline)
                if concrete is None or not self.sampler().violates(q, concrete):
                    return None  # no citizen found for the folded sum: the full encoding decides
                citizens = concrete
            validate_query(self.ruleset, q, citizens)
            failures.append((q, self.counterexample(citizens, q.label or None)))
        if failures:
            return conclude.violated(self.ruleset, prop, failures, deadline)
        return conclude.proved_relational(prop, self.ruleset, cores)

    def _prefer(self, q: Query) -> dict[str, M.Value]:
        """`score~rest` toward the folded sum at the baseline citizen (easiest to realise)."""
        fs = self.folded_sum(q.varied, q) if q.varied is not None else None
        return {REST: fs.start()} if fs is not None else {}

    # -- forall: a proof on the fully folded ruleset, then sampling ------------------------
    def forall(self, prop: P.Property, deadline: float) -> Result | None:
        """`proved` on the folded ruleset; else a sampled, validated violation; else None."""
        proved = self.folded_forall(prop, deadline)
        if proved is not None:
            return proved
        (q,) = queries(self.ruleset, prop)
        found = self.sampler().tuple_for(q, self._budget(deadline))
        if found is None:
            return None
        validate_query(self.ruleset, q, found)
        failure = [(q, self.counterexample(found, None))]
        return conclude.violated(self.ruleset, prop, failure, deadline)

    def folded_forall(self, prop: P.Property, deadline: float) -> Result | None:
        """`proved` from the ruleset with every score rule folded into `score~rest`, else None.

        Each citizen copy gets its own `score~rest` anywhere in the interval bound, so every
        original tuple of citizens has a reduced counterpart with the same outputs: a query
        that holds for all reduced tuples holds for all original ones.
        """
        sub = self.reduced(frozenset())
        if sub is None:
            return None
        share = max(0.5, (deadline - time.monotonic()) / 2)
        stop = min(deadline, time.monotonic() + share)
        cores: set[str] = set()
        for q in queries(sub.ruleset, prop):
            answer, _, _ = sub.violation(q, stop)  # a folded model is no citizen: not decoded
            if not isinstance(answer, Unsat):
                return None
            cores.update(answer.core)
        because = conclude.order_labels(self.ruleset, core_labels(sub.ruleset, cores))
        return V.Proved(prop, "holds", because=because)

    # -- path properties on the reduced ruleset --------------------------------------------
    def paths(self, prop: P.Property, deadline: float) -> Result | None:
        """`proved` from the ruleset reduced for the attributes any action sets, else None.

        The folded rules read nothing an action changes, so their sum is constant along every
        path and each original state maps to a reduced one with the same outputs and the same
        enabled actions: a path out of every reduced state gives one out of every original
        state. Violations and unknowns go to the plain checker, which shows real citizens.
        """
        sub = self.reduced(set_by_actions(self.ruleset))
        if sub is None:
            return None
        share = max(0.5, (deadline - time.monotonic()) / 2)
        result = check_path(sub, prop, min(deadline, time.monotonic() + share))
        if not isinstance(result, V.Proved):
            return None
        because = core_labels(sub.ruleset, result.because)
        return attrs.evolve(result, because=conclude.order_labels(self.ruleset, because))

    # -- one state: intervals, then sampling -----------------------------------------------
    def one_state(self, prop: P.Property, q: Query, deadline: float) -> Result | None:
        """`always` / `tiers_total` from interval bounds, or a sampled violation, or None."""
        assume, assert_ = _unqualified(q.assume), _unqualified(q.assert_)
        b = self.bounds
        proved = b.truth(assume) is False or b.truth(assert_) is True
        if isinstance(prop.kind, P.TiersTotal):
            proved = any(b.truth(t.when) is True for t in self.ruleset.tiers)
        if proved:
            because = [conclude.BOUNDS_LABEL]
            sc = self.ruleset.score
            if sc is not None and (sc.lo is not None or sc.hi is not None):
                because.append("score range (clamp)")
            return V.Proved(prop, "holds", because=tuple(because))
        fa, fs = self.compiled.function(assume), self.compiled.function(assert_)
        found = self.sampler().first(
            lambda env: bool(fa(env)) and not fs(env), self._budget(deadline)
        )
        if found is None:
            return None
        citizens = {"a": found}
        validate_query(self.ruleset, q, citizens)
        failure = [(q, self.counterexample(citizens, None))]
        return conclude.violated(self.ruleset, prop, failure, deadline)

    def reachable(self, prop: P.Property, deadline: float) -> Result:
        """Goals unreachable by interval bounds, reached by sampling, the rest by Z3."""
        assert isinstance(prop.kind, P.Reachable)
        goals = reach_goals(self.ruleset, prop.kind)
        qs = queries(self.ruleset, prop)
        never: list[str] = []
        open_: dict[str, tuple[Test, Query]] = {}
        for (label, goal), q in zip(goals, qs, strict=True):
            plain = _unqualified(goal)
            if self.bounds.truth(plain) is False:
                never.append(label)
            else:
                open_[label] = (self.compiled.function(plain), q)
        tests = {label: f for label, (f, _) in open_.items()}
        witnesses: dict[str, Mapping[str, M.Value]] = {}
        for label, citizen in self.sampler().many(tests, self._budget(deadline)).items():
            validate_query(self.ruleset, open_[label][1], {"a": citizen})
            witnesses[label] = citizen
        unknown: list[str] = []
        unchecked: list[str] = []
        for label, (_, q) in open_.items():
            if label in witnesses:
                continue
            if time.monotonic() >= deadline:
                unchecked.append(label)
                continue
            found = self.backend.reach(label, q, deadline, never, unknown)
            if found is not None:
                witnesses[label] = found
        order = [label for label, _ in goals]
        never.sort(key=order.index)
        witnesses = {k: witnesses[k] for k in order if k in witnesses}
        return conclude.reachable_result(prop, len(goals), never, unknown, witnesses, unchecked)

    def _budget(self, deadline: float) -> float:
        """When sampling must stop: now, below `SAMPLE_MIN_RULES` rules or with an rlimit."""
        rules = len(self.ruleset.score.rules) if self.ruleset.score else 0
        if self.limits.rlimit or rules < SAMPLE_MIN_RULES:
            return 0.0  # an rlimit asks for solver-only, machine-independent answers
        share = min(SAMPLE_MAX, SAMPLE_SHARE * self.limits.timeout)
        return min(time.monotonic() + share, deadline)
