"""Fast paths in front of the Z3 back end: sound shortcuts that answer or decline.

`FastPaths(backend).check(prop, deadline)` returns a `Result` or `None` (then the checker runs
the plain path checker or back end):

- **Reduction** (`proving.folding`): pair queries with varied attributes `S` (`independent`,
  `monotone`, `same_context`) are asked of the ruleset with every score rule that reads no
  attribute of `S` folded into one bounded attribute; one-citizen queries and `forall` of the
  ruleset with every score rule folded. A proof there is a proof of the original; a violation
  there is turned into original citizens by a search for their folded sum, and checked on the
  original ruleset; what neither settles goes on.
- **Path properties on the reduced ruleset** (`appeal_path`, `expires`, `recourse`): the same
  reduction for the attributes any action sets. The folded sum is constant along every path,
  so `proved` on the reduced ruleset is sound.
- **Interval bounds** (`always`, `tiers_total`, `reachable`): a property whose truth the interval
  analysis fixes for every citizen in range is proved (or a goal shown unreachable) without Z3.
- **Sampling** (from `SAMPLE_MIN_RULES` score rules, the same kinds): random possible citizens
  through the compiled evaluator (`semantics.sampling`).

Every counterexample is validated with the reference evaluator before it is shown.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.support import name_support, support_sets
from ruleproof.proving import conclude
from ruleproof.proving.folding import Folding, Holds, Shown, core_labels
from ruleproof.proving.paths import check_path
from ruleproof.proving.solving import Sat, Unsat
from ruleproof.proving.z3checker import Z3Checker
from ruleproof.semantics.climb import climb
from ruleproof.semantics.compiled import Compiled, compile_ruleset
from ruleproof.semantics.intervals import Bounds
from ruleproof.semantics.reduce import set_by_actions
from ruleproof.semantics.sampling import Citizen, Sampler, Test
from ruleproof.semantics.templates import Query, qualify, queries, reach_goals
from ruleproof.semantics.validate import validate_query
from ruleproof.verdicts import result as V
from ruleproof.verdicts.result import Counterexample, Result

SAMPLE_SHARE = 0.1  # share of the time limit spent sampling before Z3 (at most SAMPLE_MAX s)
SAMPLE_MAX = 1.0
# Below this many score rules Z3 answers in milliseconds and its counterexamples are the
# canonical (lexicographically least) ones, so sampling would only cost time and minimality.
SAMPLE_MIN_RULES = 500
# The climb from a non-monotone part evaluates the whole score per move (26 ms at 10,000
# rules): past a few seconds the folded joint query is the better bet.
CLIMB_SECONDS = 3.0


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
        self._folding: Folding | None = None

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

    @property
    def folding(self) -> Folding:
        """Queries asked of reduced rulesets (`proving.folding`), built on first use."""
        if self._folding is None:
            self._folding = Folding(self.backend, self.compiled)
        return self._folding

    def reduced(self, varied: frozenset[str]) -> Z3Checker | None:
        """A back end for the ruleset reduced for `varied`, or None."""
        return self.folding.reduced(varied)

    def sampler(self) -> Sampler:
        """A fresh sampler: what it finds does not depend on properties checked before."""
        self.backend.stages.enter("sampling citizens")
        return Sampler(self.ruleset, self.compiled)

    def check(self, prop: P.Property, deadline: float) -> Result | None:
        """A sound verdict from a shortcut, or None when the plain checker must decide."""
        k = prop.kind
        if isinstance(k, P.Monotone) and self._large():
            by_parts = self.monotone_by_parts(prop, k, deadline)
            if by_parts is not None:
                return by_parts
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

    def counterexample(
        self, citizens: Mapping[str, Citizen], sanction: str | None
    ) -> Counterexample:
        """A counterexample with outcomes and traces from the compiled evaluator."""
        outcomes = {t: self.compiled.evaluate(c) for t, c in citizens.items()}
        return Counterexample(citizens, outcomes, sanction=sanction)

    # -- relational slicing ----------------------------------------------------------------
    def relational(self, prop: P.Property, qs: list[Query], deadline: float) -> Result | None:
        """Each pair query on the ruleset reduced for what it varies (`proving.folding`)."""
        failures: list[tuple[Query, Counterexample]] = []
        cores: set[str] = set()
        for q in qs:
            asked = self.folding.ask(q, q.varied or frozenset(), deadline, self._large())
            if isinstance(asked, Holds):
                cores |= asked.core
            elif isinstance(asked, Shown):
                validate_query(self.ruleset, q, asked.citizens)
                failures.append((q, self.counterexample(asked.citizens, q.label or None)))
            else:
                return None
        if failures:
            return conclude.violated(self.ruleset, prop, failures, deadline)
        return conclude.proved_relational(prop, self.ruleset, cores)

    def monotone_by_parts(self, prop: P.Property, k: P.Monotone, deadline: float) -> Result | None:
        """`proved` when every score rule that reads `k.var` is monotone in it on its own.

        The score is the clamp (monotone) of the base plus every rule's contribution; the
        rules that do not read the variable add the same to both citizens of a pair, so if
        each rule that does is monotone in it, so is the sum and the score. One small query
        per such rule (a tree of an ensemble, a group of bins) instead of one over all of
        them. Anything but a proof of every part goes on to the joint query.
        """
        sc = self.ruleset.score
        if k.output != "score" or sc is None:
            return None
        support = support_sets(self.ruleset)
        parts = [r for r in sc.rules if k.var in name_support(self.ruleset, r.reads, support)]
        if len(parts) < 2:
            return None
        op: E.CmpOp = "<=" if k.direction == "nondecreasing" else ">="
        le = E.Compare(("<=",), (E.Var(k.var, "a"), E.Var(k.var, "b")))
        cores: set[str] = set()
        for r in parts:
            if time.monotonic() >= deadline:
                return None
            self.backend.stages.enter(f"monotone part by part: rule {r.id}")
            added = E.IfElse(r.when, r.add, E.IntLit(0))
            each = E.Compare((op,), (qualify(added, "a"), qualify(added, "b")))
            q = Query(("a", "b"), le, each, frozenset([k.var]), r.id)
            answer, copies, solver = self.backend.violation(q, deadline)
            if isinstance(answer, Sat):
                part = self.backend.citizens_of(copies, answer.model, solver, deadline, None, False)
                return self._climbed(prop, part, deadline)
            if not isinstance(answer, Unsat):
                return None
            cores |= set(answer.core)
        if sc.lo is not None or sc.hi is not None:
            cores.add("score range (clamp)")
        because = conclude.order_labels(self.ruleset, cores)
        note = f"holds: each of the {len(parts)} rules that read `{k.var}` is monotone in it"
        return V.Proved(prop, note, because=because)

    def _climbed(
        self, prop: P.Property, part: Mapping[str, Citizen], deadline: float
    ) -> Result | None:
        """A violation of the whole monotone property from a pair on which one rule is not
        monotone (`semantics.climb`), or None."""
        assert isinstance(prop.kind, P.Monotone)
        (q,) = queries(self.ruleset, prop)
        sign = 1 if prop.kind.direction == "nondecreasing" else -1
        outputs = self.compiled.outputs

        def gap(pair: dict[str, Citizen]) -> M.Num:
            a, b = outputs(pair["a"])[0], outputs(pair["b"])[0]
            assert a is not None and b is not None
            return sign * (a - b)

        share = min(CLIMB_SECONDS, max(1.0, (deadline - time.monotonic()) / 3))
        stop = min(deadline, time.monotonic() + share)
        self.backend.stages.enter("climbing toward a violation of the whole score")
        found = climb(self.sampler(), q, part, gap, stop)
        if found is None:
            return None
        validate_query(self.ruleset, q, found)
        return conclude.violated(
            self.ruleset, prop, [(q, self.counterexample(found, None))], deadline
        )

    # -- forall: a proof on the fully folded ruleset, then sampling ------------------------
    def forall(self, prop: P.Property, deadline: float) -> Result | None:
        """Decided on the ruleset with every score rule folded (each citizen its own folded
        sum: a proof there is one of the original); else a sampled violation; else None."""
        (q,) = queries(self.ruleset, prop)
        share = max(0.5, (deadline - time.monotonic()) / 2)
        asked = self.folding.ask(q, frozenset(), min(deadline, time.monotonic() + share))
        if isinstance(asked, Holds):
            because = conclude.order_labels(self.ruleset, set(asked.core))
            return V.Proved(prop, "holds", because=because)
        found = asked.citizens if isinstance(asked, Shown) and self._large() else None
        if found is None:
            found = self.sampler().tuple_for(q, self._budget(deadline))
        if found is None:
            return None
        validate_query(self.ruleset, q, found)
        failure = [(q, self.counterexample(found, None))]
        return conclude.violated(self.ruleset, prop, failure, deadline)

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
        if found is None and self._large():
            asked = self.folding.ask(q, frozenset(), deadline)
            if isinstance(asked, Holds):
                reasons = conclude.order_labels(self.ruleset, set(asked.core))
                return V.Proved(prop, "holds", because=reasons)
            found = asked.citizens["a"] if isinstance(asked, Shown) else None
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
            asked = self.folding.ask(q, frozenset(), deadline) if self._large() else None
            if isinstance(asked, Holds):
                never.append(label)
                continue
            if isinstance(asked, Shown):
                validate_query(self.ruleset, q, asked.citizens)
                witnesses[label] = asked.citizens["a"]
                continue
            found = self.backend.reach(label, q, deadline, never, unknown)
            if found is not None:
                witnesses[label] = found
        order = [label for label, _ in goals]
        never.sort(key=order.index)
        witnesses = {k: witnesses[k] for k in order if k in witnesses}
        return conclude.reachable_result(prop, len(goals), never, unknown, witnesses, unchecked)

    def _large(self) -> bool:
        """Whether the ruleset is large enough for the searches that cost canonical minimality
        (sampling, folded sums made concrete, shrinking by the evaluator): below it Z3 answers
        in milliseconds with the lexicographically least counterexample. Size counts score
        rules and the cases of groups (the leaves of a tree ensemble)."""
        sc = self.ruleset.score
        size = sum(1 + len(r.cases) for r in sc.rules) if sc is not None else 0
        return size >= SAMPLE_MIN_RULES

    def _budget(self, deadline: float) -> float:
        """When sampling must stop: now, below `SAMPLE_MIN_RULES` rules or with an rlimit."""
        if self.limits.rlimit or not self._large():
            return 0.0  # an rlimit asks for solver-only, machine-independent answers
        share = min(SAMPLE_MAX, SAMPLE_SHARE * self.limits.timeout)
        return min(time.monotonic() + share, deadline)
