"""A folded sum of score rules, and the search for a real citizen who adds up to a given sum.

Folding (`semantics.reduce` for one ruleset, `proving.difffold` for two versions) replaces some
score rules by one attribute, `score~rest`, free anywhere in the interval bound of their sum.
A model of the folded query picks a value `v` for it that may be no original citizen's sum.
`FoldedSum(ruleset, rules, pinned)` is that sum as a function of the original citizen:

- `total(c)`: what `rules` add for citizen `c` (the compiled evaluator of those rules alone);
- `free()`: the attributes only `rules` read, apart from the `pinned` ones (what the folded
  ruleset reads elsewhere, which the model fixed): these may move without changing anything
  but the sum;
- `concretize(c, v, good)`: an original citizen equal to `c` outside the free attributes whose
  sum `w` makes `good(w)` hold, near `v`: `run_around` finds the run of sums around `v` where
  `good` holds (the caller's test on the folded ruleset; past `SCAN` sums each way it widens by
  doubling steps), then greedy moves of free
  attributes (biggest swings first, starting where an earlier search landed nearest) bring
  the sum close, and an exact subset-sum over attributes no rule reads together lands it
  (`foldsearch`).

Nothing here proves anything: the search is deterministic and bounded in time, it may fail
(None), and whatever it returns the caller re-checks on the original ruleset with the
evaluator. The sum of real-valued rules is searched by the greedy moves alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import attrs

from ruleproof.language import ruleset as M
from ruleproof.language.support import name_support, support_sets
from ruleproof.semantics.compiled import Compiled, Fn, compile_ruleset
from ruleproof.semantics.foldsearch import Citizen, Search
from ruleproof.semantics.sumbounds import Fires, fires_at, simple_rule

SCAN = 64  # sums tried one by one on each side of the model's
SEARCH_SECONDS = 1.5


@attrs.frozen
class _Group:
    """The folded rules reading one free attribute, ready to evaluate."""

    simple: tuple[tuple[Fires, int], ...]  # scorecard-form rules on the attribute alone
    other: tuple[tuple[Fn, Fn], ...]  # `when` and `add` closures of the rest
    reads: tuple[str, ...]  # what the closures read


class FoldedSum:
    """The sum of `rules` of `ruleset` and the search back to a citizen (module docstring)."""

    def __init__(
        self,
        ruleset: M.Ruleset,
        rules: Sequence[M.ScoreRule],
        pinned: frozenset[str],
        compiled: Compiled | None = None,
        others: Callable[[Mapping[str, M.Value]], M.Num] | None = None,
    ) -> None:
        """`compiled`: the ruleset's compiled evaluator, if the caller has one; `others`: what
        the other score rules and the base add for a citizen, if the caller can tell cheaply
        (then the sum is the raw score minus that, else the folded rules are compiled alone)."""
        self.ruleset = ruleset
        self.rules = tuple(rules)
        self.pinned = pinned
        self.compiled: Compiled = compiled or compile_ruleset(ruleset)
        self._others = others
        self._sum: Compiled | None = None
        self._support = support_sets(ruleset)
        self._free: dict[str, list[int]] | None = None
        self._order: list[str] | None = None
        self._groups: dict[str, _Group] = {}
        self._fns: dict[int, tuple[Fn, Fn]] = {}
        self._start: M.Num | None = None
        self.landed: list[tuple[M.Num, dict[str, M.Value]]] = []  # (sum, free values) found
        self.candidates: dict[str, Sequence[M.Value]] = {}  # per free attribute

    def total(self, citizen: Mapping[str, M.Value]) -> M.Num:
        """What the folded rules add for an original citizen."""
        if self._others is not None:
            return self.compiled.raw_score(citizen) - self._others(citizen)
        if self._sum is None:
            score = M.Score(0, self.rules)
            only = M.Ruleset(
                "folded", self.ruleset.attributes, defines=self.ruleset.defines, score=score
            )
            self._sum = compile_ruleset(only)
        return self._sum.raw_score(citizen)

    def start(self) -> M.Num:
        """The sum at the baseline citizen (citizens near the baseline realise sums near it)."""
        if self._start is None:
            self._start = self.total(self.ruleset.baseline())
        return self._start

    def part(self, citizen: Mapping[str, M.Value], name: str) -> M.Num:
        """What the folded rules reading the free attribute `name` add for a citizen."""
        group = self._groups.get(name)
        if group is None:
            group = self._groups[name] = self._group(name)
        v = citizen[name]
        total: M.Num = 0
        for fires, add in group.simple:
            if fires_at(fires, v):
                total += add
        if group.other:
            env = self.compiled.env({k: citizen[k] for k in group.reads})
            for when, add_fn in group.other:
                if when(env):
                    total += add_fn(env)
        return total

    def _group(self, name: str) -> _Group:
        simple: list[tuple[Fires, int]] = []
        other: list[tuple[Fn, Fn]] = []
        reads: set[str] = set()
        for i in self.free()[name]:
            r = self.rules[i]
            one = simple_rule(self.ruleset, r)
            if one is not None:
                simple.append(one[1:])
                continue
            other.append(self._closures(i))
            reads |= name_support(self.ruleset, r.reads, self._support)
        return _Group(tuple(simple), tuple(other), tuple(sorted(reads)))

    def _closures(self, i: int) -> tuple[Fn, Fn]:
        """Rule `i`'s `when` and `add` as closures, built once (rules read several attributes)."""
        hit = self._fns.get(i)
        if hit is None:
            r = self.rules[i]
            hit = self._fns[i] = (self.compiled.function(r.when), self.compiled.function(r.add))
        return hit

    def free(self) -> dict[str, list[int]]:
        """Attribute → indexes of the folded rules reading it, for attributes not pinned."""
        if self._free is None:
            free: dict[str, list[int]] = {}
            for i, r in enumerate(self.rules):
                for a in sorted(name_support(self.ruleset, r.reads, self._support)):
                    if a not in self.pinned:
                        free.setdefault(a, []).append(i)
            self._free = free
        return self._free

    def independent(self) -> list[str]:
        """Free attributes no two of which a folded rule reads together, most rules first:
        moving only these, the sum of a combination of moves is the sum of their effects."""
        if self._order is None:
            free = self.free()
            reads_with: dict[str, set[str]] = {a: set() for a in free}
            for idx in free.values():
                for i in idx:
                    names = name_support(self.ruleset, self.rules[i].reads, self._support)
                    names = names & free.keys()
                    for a in names:
                        reads_with[a] |= names - {a}
            chosen: list[str] = []
            taken: set[str] = set()
            for a in sorted(free, key=lambda a: (-len(free[a]), a)):
                if a not in taken:
                    chosen.append(a)
                    taken |= reads_with[a] | {a}
            self._order = chosen
        return self._order

    def run_around(
        self, v: M.Num, good: Callable[[M.Num], bool], lo: M.Num, hi: M.Num
    ) -> tuple[M.Num, M.Num]:
        """A wide [a, b] ∋ v within [lo, hi] where `good` holds at every sum tried: one by one
        up to `SCAN` each side for an int sum, by halving steps for a real one."""
        if isinstance(v, int) and isinstance(lo, int) and isinstance(hi, int):
            a = v
            while a > max(lo, v - SCAN) and good(a - 1):
                a -= 1
            b = v
            while b < min(hi, v + SCAN) and good(b + 1):
                b += 1
            if a == v - SCAN:
                a = _gallop(a, lo, good, -1)
            if b == v + SCAN:
                b = _gallop(b, hi, good, 1)
            return a, b
        return _reach(v, lo, good, -1), _reach(v, hi, good, 1)

    def concretize(
        self,
        citizen: Mapping[str, M.Value],
        v: M.Num,
        good: Callable[[M.Num], bool],
        bounds: tuple[M.Num, M.Num],
        deadline: float | None = None,
    ) -> Citizen | None:
        """An original citizen like `citizen` outside the free attributes whose sum makes
        `good` hold, searched near `v` within `bounds` (module docstring), or None."""
        a, b = self.run_around(v, good, *bounds)
        stop = time.monotonic() + SEARCH_SECONDS
        if deadline is not None:  # and up to half of what is left when that is more
            stop = max(stop, time.monotonic() + (deadline - time.monotonic()) / 2)
            stop = min(stop, deadline)
        return Search(self, dict(citizen)).land(a, b, stop)


def _gallop(start: int, end: int, good: Callable[[M.Num], bool], sign: int) -> int:
    """Past a full scan: doubling steps toward `end` while `good` holds at the points tried,
    then halving back to the last good one (the run's far end, where `good` is an interval)."""
    best, step = start, SCAN
    while step and (end - best) * sign > 0:
        trial = best + sign * min(step, abs(end - best))
        if good(trial):
            best, step = trial, step * 2
        else:
            step //= 2
    return best


def _reach(v: M.Num, end: M.Num, good: Callable[[M.Num], bool], sign: int) -> M.Num:
    """How far from `v` toward `end` `good` still holds at the points tried (real sums)."""
    span = abs(Fraction(end) - Fraction(v))
    best = Fraction(v)
    step = span
    for _ in range(24):
        if step == 0:
            break
        trial = best + sign * step
        if good(trial):
            best = trial
        step /= 2
    return best
