"""Fast paths in front of the Z3 checker: sound shortcuts that fall back to it when unsure.

`fast_check(checker, prop, deadline)` returns a `Result` or `None` (then the plain checker runs):

- **Relational slicing by reduction** (pair queries with varied attributes `S`: `independent`,
  `monotone`, `same_context`). Every score rule whose support misses `S` contributes the same to
  both citizens, so the reduced ruleset replaces all of them by one shared int attribute
  `score~rest` (range: the interval sum of their contributions, `spec.intervals`) added by one
  rule. Every original pair maps to a reduced pair with the same outputs, so `proved` on the
  reduced ruleset is sound. A reduced counterexample is kept only if the evaluator confirms it on
  the *original* ruleset; otherwise the plain checker decides.
- **`forall`**: a proof on the fully folded ruleset (every score rule folded, each citizen
  copy with its own `score~rest`; `proved` there is sound), then sampled citizens (above
  `SAMPLE_MIN_RULES`; tuples as near copies or fresh draws, keeping the attributes the
  assumption equates); anything else goes to the plain checker.
- **Path properties on the reduced ruleset** (`appeal_path`, `expires`, `recourse`): the same
  reduction for the attributes any action sets. The folded sum is constant along every path,
  so `proved` on the reduced ruleset is sound; anything else goes to the plain checker.
- **Interval bounds** (`always`, `tiers_total`, `reachable`): a property whose truth the interval
  analysis fixes for every citizen in range is proved (or a goal shown unreachable) without Z3.
- **Sampling** (the same kinds): random possible citizens run through the compiled evaluator; one
  that violates the query (or reaches a goal) is shrunk toward the baseline citizen with the
  evaluator and validated like any solver counterexample.
Whatever these cannot settle goes to Z3, query by query.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.memo import per_ruleset
from ruleproof.language.support import name_support, support_sets
from ruleproof.proving.solving import Sat, Unsat
from ruleproof.semantics.compiled import Compiled, compile_ruleset
from ruleproof.semantics.intervals import Bounds
from ruleproof.semantics.sumbounds import Fires, group_steps, simple_rules
from ruleproof.semantics.templates import Query, queries, reach_goals
from ruleproof.semantics.validate import validate_query
from ruleproof.verdicts import result as V
from ruleproof.verdicts.result import Counterexample, Result

if TYPE_CHECKING:
    from ruleproof.proving.checker import Checker

SUMMED = "score~"  # id prefix of the rules the reduction makes (user rule ids may be any text)
REST = SUMMED + "rest"
REST_LABEL = "rules that read no varied attribute (interval bound)"
SAMPLE_SHARE = 0.1  # share of the time limit spent sampling before Z3 (at most SAMPLE_MAX s)
SAMPLE_MAX = 1.0
SHRINK_MAX = 1.0
SAMPLES = 500  # random citizens per property (fewer when the time share runs out)
# Below this many score rules Z3 answers in milliseconds and its counterexamples are the
# canonical (lexicographically least) ones, so sampling would only cost time and minimality.
SAMPLE_MIN_RULES = 500

Citizen = dict[str, M.Value]
_Unit = tuple[str, tuple[str, ...]]  # what `shrink_tuple` moves: (attribute, in which citizens)


def reduce_for(ruleset: M.Ruleset, varied: frozenset[str]) -> M.Ruleset | None:
    """The ruleset with every score rule independent of `varied` folded into `score~rest`, and
    the scorecard-form rules on each remaining attribute summed into one rule (`_summed`).

    None when there is nothing to fold or sum, a folded rule's contribution is unbounded, or a
    rule of the ruleset has an id of the kind this gives its own rules (`score~...`).
    """
    sc = ruleset.score
    if sc is None or not sc.rules or any(r.id.startswith(SUMMED) for r in sc.rules):
        return None
    support = support_sets(ruleset)
    bounds = Bounds(ruleset)
    kept: list[M.ScoreRule] = []
    lo = hi = 0
    folded = 0
    for r in sc.rules:
        if name_support(ruleset, r.reads, support) & varied:  # by the rule, not its id
            kept.append(r)
            continue
        clo, chi = bounds.contribution(r)
        if clo is None or chi is None or not (isinstance(clo, int) and isinstance(chi, int)):
            return None
        lo, hi = lo + clo, hi + chi
        folded += 1
    rules = _summed(ruleset, kept)
    if folded == 0 and len(rules) == len(kept):
        return None
    attributes = ruleset.attributes
    if folded:
        rest = M.Attribute(REST, M.IntType(lo, hi), doc="sum of the folded rules' contributions")
        attributes = (*attributes, rest)
        rules = [M.ScoreRule(REST, E.BoolLit(True), E.Var(REST), "True", REST), *rules]
    score = attrs.evolve(sc, rules=tuple(rules))
    return attrs.evolve(ruleset, attributes=attributes, score=score)


# Smaller groups stay as they are, so the proofs of small rulesets name their own rules.
GROUP_MIN = 8


def _summed(ruleset: M.Ruleset, rules: list[M.ScoreRule]) -> list[M.ScoreRule]:
    """`rules` with each group of `GROUP_MIN` or more scorecard-form rules on one attribute (a
    condition on it alone, a constant add: `spec.sumbounds.simple_rule`) replaced, where its
    first member stood, by one rule adding the group's sum as a step function of that
    attribute.

    Exact, since the group's sum depends on that attribute alone; Z3 then sees one balanced
    `If` tree per attribute instead of one `If` per rule, which it handles far better in the
    two copies of a relational query.
    """
    groups: dict[str, list[tuple[Fires, int]]] = {}
    members: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    simples = simple_rules(ruleset, rules)
    for i, (r, simple) in enumerate(zip(rules, simples, strict=True)):
        if simple is not None:
            name, fires, add = simple
            groups.setdefault(name, []).append((fires, add))
            members.setdefault(name, []).append(r.id)
            first.setdefault(name, i)
    big = {name for name, group in groups.items() if len(group) >= GROUP_MIN}
    if not big:
        return rules
    out: list[M.ScoreRule] = []
    for i, (r, simple) in enumerate(zip(rules, simples, strict=True)):
        if simple is None or simple[0] not in big:
            out.append(r)
        elif first[simple[0]] == i:
            out.append(_step_rule(ruleset, simple[0], groups[simple[0]], members[simple[0]]))
    return out


@per_ruleset
def _step_rules(ruleset: M.Ruleset) -> dict[tuple[str, ...], M.ScoreRule]:
    return {}  # (attribute, member ids...) → its step rule: queries often sum the same group


def _step_rule(
    ruleset: M.Ruleset, name: str, group: list[tuple[Fires, int]], ids: list[str]
) -> M.ScoreRule:
    memo = _step_rules(ruleset)
    key = (name, *ids)
    rule = memo.get(key)
    if rule is None:
        steps = group_steps(ruleset.attribute(name).type, group)
        shown = ", ".join(ids[:4]) + (", …" if len(ids) > 4 else "")
        about = f"{len(ids)} rules on {name} alone, summed per value ({shown})"
        add = _step_expr(name, steps)
        rule = memo[key] = M.ScoreRule(SUMMED + name, E.BoolLit(True), add, "True", about)
    return rule


def _step_expr(name: str, steps: list[tuple[M.Value, int]]) -> E.Expr:
    """The step function `steps` (`sumbounds.group_steps`) of attribute `name` as an expression:
    a balanced tree of `x >= start` tests for an int, an equality chain otherwise."""
    x = E.Var(name)
    if isinstance(steps[0][0], bool):
        by = dict(steps)
        return E.IfElse(x, E.IntLit(by[True]), E.IntLit(by[False]))
    if isinstance(steps[0][0], str):
        out: E.Expr = E.IntLit(steps[-1][1])
        for value, total in reversed(steps[:-1]):
            assert isinstance(value, str)
            is_value = E.Compare(("==",), (x, E.EnumLit(value)))
            out = E.IfElse(is_value, E.IntLit(total), out)
        return out

    def tree(lo: int, hi: int) -> E.Expr:  # steps[lo:hi]
        if hi - lo == 1:
            return E.IntLit(steps[lo][1])
        mid = (lo + hi) // 2
        start = steps[mid][0]
        assert isinstance(start, int)
        at_least = E.Compare((">=",), (x, E.IntLit(start)))
        return E.IfElse(at_least, tree(mid, hi), tree(lo, mid))

    return tree(0, len(steps))


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


def set_by_actions(ruleset: M.Ruleset) -> frozenset[str]:
    """The attributes some action sets: the rest stay fixed along every path."""
    return frozenset(s.attribute for a in ruleset.actions for s in a.sets)


def _unqualified(e: E.Expr) -> E.Expr:
    """One-citizen query expressions read `a.x`; the analyses read `x`."""
    return E.map_vars(e, lambda v: E.Var(v.name, None, v.span))


class FastPaths:
    """Per-checker state of the fast paths: compiled evaluator, bounds, reduced checkers."""

    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self.ruleset = checker.ruleset
        self._compiled: Compiled | None = None
        self._bounds: Bounds | None = None
        self._reduced: dict[frozenset[str], Checker | None] = {}
        self.rng = random.Random(0)

    @property
    def compiled(self) -> Compiled:
        if self._compiled is None:
            self._compiled = compile_ruleset(self.ruleset)
        return self._compiled

    @property
    def bounds(self) -> Bounds:
        if self._bounds is None:
            self._bounds = Bounds(self.ruleset)
        return self._bounds

    # -- dispatch --------------------------------------------------------------------------
    def check(self, prop: P.Property, deadline: float) -> Result | None:
        # A fresh generator per property: what sampling finds must not depend on which
        # properties this checker saw before (order, `--jobs` batches).
        self.rng = random.Random(0)
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

    # -- relational slicing ----------------------------------------------------------------
    def reduced_checker(self, varied: frozenset[str]) -> Checker | None:
        if varied not in self._reduced:
            from ruleproof.proving.checker import Checker

            reduced = reduce_for(self.ruleset, varied)
            self._reduced[varied] = (
                None if reduced is None else Checker(reduced, self.checker.limits, fast=False)
            )
        return self._reduced[varied]

    def relational(self, prop: P.Property, qs: list[Query], deadline: float) -> Result | None:
        from ruleproof.proving.checker import order_labels

        failures: list[tuple[Query, Counterexample]] = []
        cores: set[str] = set()
        for q in qs:
            sub = self.reduced_checker(q.varied) if q.varied is not None else None
            if sub is None:
                return None
            answer, copies, solver = sub.violation(q, deadline)
            if isinstance(answer, Unsat):
                cores.update(core_labels(sub.ruleset, answer.core))
                continue
            if not isinstance(answer, Sat):
                return None
            found = sub.citizens_of(copies, answer.model, solver, deadline)
            citizens = {t: {k: v for k, v in c.items() if k != REST} for t, c in found.items()}
            if not self.violates(q, citizens):
                return None  # the folded rules matter here: let the full encoding decide
            validate_query(self.ruleset, q, citizens)
            failures.append((q, self.counterexample(citizens, q.label or None)))
        if failures:
            return self.checker.violated(prop, failures)
        note = ""
        if isinstance(prop.kind, P.SameContext):
            skipped = [s.name for s in self.ruleset.sanctions if s.domain is None]
            if skipped:
                note = f" (sanctions without a domain, not checked: {', '.join(skipped)})"
        return V.Proved(prop, "holds" + note, because=order_labels(self.ruleset, cores))

    def violates(self, q: Query, citizens: Mapping[str, Citizen]) -> bool:
        """Whether decoded citizens violate `q` on the original ruleset (compiled evaluator)."""
        c = self.compiled
        for cit in citizens.values():
            if not self.possible(cit):
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
        envs = {t: c.env(cit) for t, cit in citizens.items()}
        return bool(self._relational_fn(q.assume)(envs)) and not self._relational_fn(q.assert_)(
            envs
        )

    def _relational_fn(self, e: E.Expr) -> Callable[[Mapping[str, Any]], Any]:
        # A query's names are qualified (`a.x`); evaluate each in its citizen's environment.
        from ruleproof.semantics.evaluate import eval_expr

        c = self.compiled

        def run(envs: Mapping[str, Any]) -> Any:
            def lookup(var: E.Var) -> Any:
                assert var.citizen is not None
                return c.function(E.Var(var.name))(envs[var.citizen])

            return eval_expr(e, lookup)

        return run

    def possible(self, citizen: Mapping[str, M.Value]) -> bool:
        from ruleproof.semantics.evaluate import in_domain

        return in_domain(self.ruleset, citizen) is None

    def counterexample(
        self, citizens: Mapping[str, Citizen], sanction: str | None
    ) -> Counterexample:
        outcomes = {t: self.compiled.evaluate(c) for t, c in citizens.items()}
        return Counterexample(citizens, outcomes, sanction=sanction)

    # -- forall: sampling, then a proof on the fully folded ruleset -----------------------
    def forall(self, prop: P.Property, deadline: float) -> Result | None:
        """`proved` on the folded ruleset; else a sampled, validated violation; else None."""
        proved = self.folded_forall(prop, deadline)
        if proved is not None:
            return proved
        (q,) = queries(self.ruleset, prop)
        found = self.sample_tuple(q, deadline)
        if found is None:
            return None
        validate_query(self.ruleset, q, found)
        return self.checker.violated(prop, [(q, self.counterexample(found, None))])

    def sample_tuple(self, q: Query, deadline: float) -> dict[str, Citizen] | None:
        """Possible citizens violating `q` (assumption true, assertion false), shrunk, or None.

        Each later citizen is either a near copy of the first (a few attributes drawn again:
        assumptions like `a.score == b.score` rarely hold for unrelated citizens) or drawn
        afresh; attributes the assumption equates (`a.x == b.x`) are always copied.
        """
        stop = self._budget(deadline)
        names = [a.name for a in self.ruleset.attributes]
        shared = _equated(q.assume) & set(names) if len(q.citizens) == 2 else frozenset()
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

    # -- forall on the fully folded ruleset ------------------------------------------------
    def folded_forall(self, prop: P.Property, deadline: float) -> Result | None:
        """`proved` from the ruleset with every score rule folded into `score~rest`, else None.

        Each citizen copy gets its own `score~rest` anywhere in the interval bound, so every
        original tuple of citizens has a reduced counterpart with the same outputs: a query
        that holds for all reduced tuples holds for all original ones. Anything but `proved`
        goes to the plain checker, which shows real citizens.
        """
        sub = self.reduced_checker(frozenset())
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
        from ruleproof.proving.checker import order_labels

        because = order_labels(self.ruleset, core_labels(sub.ruleset, cores))
        return V.Proved(prop, "holds", because=because)

    # -- path properties on the reduced ruleset --------------------------------------------
    def paths(self, prop: P.Property, deadline: float) -> Result | None:
        """`proved` from the ruleset reduced for the attributes any action sets, else None.

        The folded rules read nothing an action changes, so their sum is constant along every
        path and each original state maps to a reduced one with the same outputs and the same
        enabled actions: a path out of every reduced state gives one out of every original
        state. Violations and unknowns go to the plain checker, which shows real citizens.
        """
        from ruleproof.proving.paths import check_path

        sub = self.reduced_checker(set_by_actions(self.ruleset))
        if sub is None:
            return None
        share = max(0.5, (deadline - time.monotonic()) / 2)
        result = check_path(sub, prop, min(deadline, time.monotonic() + share))
        if result.status != "proved":
            return None
        from ruleproof.proving.checker import order_labels

        because = core_labels(sub.ruleset, result.because)
        return attrs.evolve(result, because=order_labels(self.ruleset, because))

    # -- one-state: intervals, then sampling -----------------------------------------------
    def one_state(self, prop: P.Property, q: Query, deadline: float) -> Result | None:
        assume, assert_ = _unqualified(q.assume), _unqualified(q.assert_)
        b = self.bounds
        proved = b.truth(assume) is False or b.truth(assert_) is True
        if isinstance(prop.kind, P.TiersTotal):
            proved = any(b.truth(t.when) is True for t in self.ruleset.tiers)
        if proved:
            because = ["interval bounds of every rule"]
            sc = self.ruleset.score
            if sc is not None and (sc.lo is not None or sc.hi is not None):
                because.append("score range (clamp)")
            return V.Proved(prop, "holds", because=tuple(because))
        fa, fs = self.compiled.function(assume), self.compiled.function(assert_)
        found = self.sample(lambda env: bool(fa(env)) and not fs(env), deadline)
        if found is None:
            return None
        citizens = {"a": found}
        validate_query(self.ruleset, q, citizens)
        return self.checker.violated(prop, [(q, self.counterexample(citizens, None))])

    def reachable(self, prop: P.Property, deadline: float) -> Result | None:
        assert isinstance(prop.kind, P.Reachable)
        goals = reach_goals(self.ruleset, prop.kind)
        qs = queries(self.ruleset, prop)
        never: list[str] = []
        open_: dict[str, tuple[Callable[[Any], Any], Query]] = {}
        for (label, goal), q in zip(goals, qs, strict=True):
            plain = _unqualified(goal)
            if self.bounds.truth(plain) is False:
                never.append(label)
            else:
                open_[label] = (self.compiled.function(plain), q)
        witnesses: dict[str, Mapping[str, M.Value]] = {}
        for label, citizen in self.sample_many(open_, deadline).items():
            validate_query(self.ruleset, open_[label][1], {"a": citizen})
            witnesses[label] = citizen
        unknown: list[str] = []
        for label, (_, q) in open_.items():
            if label in witnesses:
                continue
            answer, copies, solver = self.checker.violation(q, deadline)
            if isinstance(answer, Sat):
                citizens = self.checker.citizens_of(copies, answer.model, solver, deadline)
                validate_query(self.ruleset, q, citizens)
                witnesses[label] = citizens["a"]
            elif isinstance(answer, Unsat):
                never.append(label)
            else:
                unknown.append(f"{label}: {answer.reason}")
        order = [label for label, _ in goals]
        never.sort(key=order.index)
        witnesses = {k: witnesses[k] for k in order if k in witnesses}
        from ruleproof.proving.checker import reachable_result

        return reachable_result(prop, len(goals), never, unknown, witnesses)

    # -- sampling --------------------------------------------------------------------------
    def _budget(self, deadline: float) -> float:
        rules = len(self.ruleset.score.rules) if self.ruleset.score else 0
        if self.checker.limits.rlimit or rules < SAMPLE_MIN_RULES:
            return 0.0  # an rlimit asks for solver-only, machine-independent answers
        share = min(SAMPLE_MAX, SAMPLE_SHARE * self.checker.limits.timeout)
        return min(time.monotonic() + share, deadline)

    def random_citizen(self) -> Citizen:
        rng = self.rng
        out: Citizen = {}
        for a in self.ruleset.attributes:
            t = a.type
            match t:
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

    def sample(self, bad: Callable[[Any], bool], deadline: float) -> Citizen | None:
        """A possible citizen for which `bad` holds, shrunk toward the baseline, or None."""
        stop = self._budget(deadline)
        c = self.compiled
        for _ in range(SAMPLES):
            if time.monotonic() >= stop:
                break
            cit = self.random_citizen()
            if self.possible(cit) and bad(c.env(cit)):
                return self.shrink(cit, lambda x: self.possible(x) and bad(c.env(x)))
        return None

    def sample_many(
        self, goals: Mapping[str, tuple[Callable[[Any], Any], Query]], deadline: float
    ) -> dict[str, Citizen]:
        stop = self._budget(deadline)
        c = self.compiled
        found: dict[str, Citizen] = {}
        for _ in range(SAMPLES):
            if time.monotonic() >= stop or len(found) == len(goals):
                break
            cit = self.random_citizen()
            if not self.possible(cit):
                continue
            env = c.env(cit)
            for label, (f, _) in goals.items():
                if label not in found and f(env):
                    found[label] = cit
        for label, cit in list(found.items()):
            found[label] = self.shrink(cit, self._reaches(goals[label][0]))
        return found

    def _reaches(self, f: Callable[[Any], Any]) -> Callable[[Citizen], bool]:
        return lambda x: self.possible(x) and bool(f(self.compiled.env(x)))

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

        def moved(changes: Mapping[_Unit, M.Value]) -> dict[str, Citizen]:
            out = {t: dict(c) for t, c in best.items()}
            for (name, where), value in changes.items():
                for t in where:
                    out[t][name] = value
            return out

        def value(u: _Unit) -> M.Value:
            return best[u[1][0]][u[0]]

        groups = [[u for u in units if value(u) != base[u[0]]]]
        while groups and time.monotonic() < stop:
            group = groups.pop()
            trial = moved({u: base[u[0]] for u in group})
            if ok(trial):
                best = trial
            elif len(group) > 1:
                mid = len(group) // 2
                groups += [group[mid:], group[:mid]]
        types = {a.name: a.type for a in self.ruleset.attributes}
        for u in units:  # then pull each int toward its low bound
            t = types[u[0]]
            if not isinstance(t, M.IntType) or time.monotonic() >= stop:
                continue
            lo, hi = t.lo, value(u)
            assert isinstance(hi, int)
            while lo < hi:
                mid = lo + (hi - lo) // 2
                trial = moved({u: mid})
                if ok(trial):
                    best, hi = trial, mid
                else:
                    lo = mid + 1
        return best


def _equated(assume: E.Expr) -> frozenset[str]:
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


def fast_check(checker: Checker, prop: P.Property, deadline: float) -> Result | None:
    """A result from the fast paths, or None when the plain checker must decide."""
    fp: FastPaths | None = getattr(checker, "_fastpaths", None)
    if fp is None:
        fp = FastPaths(checker)
        checker._fastpaths = fp  # type: ignore[attr-defined]
    return fp.check(prop, deadline)
