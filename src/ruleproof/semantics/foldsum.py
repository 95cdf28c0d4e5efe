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
  the sum close, and an exact subset-sum over attributes no rule reads together lands it.

Nothing here proves anything: the search is deterministic and bounded in time, it may fail
(None), and whatever it returns the caller re-checks on the original ruleset with the
evaluator. The sum of real-valued rules is searched by the greedy moves alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.support import name_support, support_sets
from ruleproof.semantics.compiled import Compiled, Fn, compile_ruleset
from ruleproof.semantics.sumbounds import Fires, fires_at, simple_rule

SCAN = 64  # sums tried one by one on each side of the model's
SEARCH_SECONDS = 1.5
COARSE = 12  # values tried per attribute while far from the target
NEAR = 400  # distance from which `combine` tries to land exactly
MAX_CANDIDATES = 128  # values tried per int attribute and move

Citizen = dict[str, M.Value]


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
        return _Search(self, dict(citizen)).land(a, b, stop)


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


def _distance(s: M.Num, a: M.Num, b: M.Num) -> M.Num:
    return a - s if s < a else s - b if s > b else 0


class _Search:
    """Greedy moves of free attributes that bring the folded sum into a target run."""

    def __init__(self, folded: FoldedSum, citizen: Citizen) -> None:
        self.f = folded
        self.citizen = citizen
        self.types = {a.name: a.type for a in folded.ruleset.attributes}

    def land(self, a: M.Num, b: M.Num, deadline: float) -> Citizen | None:
        """Greedy moves toward [a, b]; once near, `combine` tries to land exactly."""
        free = self.f.free()
        cur = self.citizen
        for name in free:  # start every free attribute at its baseline
            cur[name] = M.Attribute(name, self.types[name]).baseline()
        s = self.f.total(cur)
        if self.f.landed:  # or where an earlier search landed nearest the target
            near, start = min(self.f.landed, key=lambda x: (_distance(x[0], a, b), x[0]))
            if _distance(near, a, b) < _distance(s, a, b):
                cur.update(start)
                s = self.f.total(cur)
        tried: set[M.Num] = set()  # sums from which `combine` already failed
        improved = True
        order = sorted(free, key=lambda n: (-len(free[n]), n))  # biggest swings first
        while improved and time.monotonic() < deadline:
            improved = False
            for name in order:
                if _distance(s, a, b) == 0:
                    return self.verified(cur, a, b)
                if _distance(s, a, b) <= NEAR and s not in tried and isinstance(s, int):
                    tried.add(s)
                    combined = self.combine(cur, s, a, b, deadline)
                    if combined is not None:
                        return self.verified(combined, a, b)
                if time.monotonic() >= deadline:
                    break
                moved = self.best_move(cur, s, name, a, b)
                if moved is not None:
                    s, cur = moved[0], {**cur, name: moved[1]}
                    improved = True
        return self.verified(cur, a, b) if _distance(s, a, b) == 0 else None

    def best_move(
        self, cur: Citizen, s: M.Num, name: str, a: M.Num, b: M.Num
    ) -> tuple[M.Num, M.Value] | None:
        """The value of `name` that brings the sum nearest [a, b], if nearer than now."""
        here = self.f.part(cur, name)
        best: tuple[M.Num, M.Value] | None = None
        values = self.candidates(name)
        if _distance(s, a, b) > NEAR and len(values) > COARSE:
            values = [values[i * (len(values) - 1) // (COARSE - 1)] for i in range(COARSE)]
        for value in values:
            if value == cur[name]:
                continue
            t = s - here + self.f.part({**cur, name: value}, name)
            if _distance(t, a, b) < _distance(s, a, b) and (
                best is None or _distance(t, a, b) < _distance(best[0], a, b)
            ):
                best = (t, value)
        return best

    def verified(self, cur: Citizen, a: M.Num, b: M.Num) -> Citizen | None:
        """`cur` if its folded sum, recomputed from scratch, is in [a, b] (then remembered)."""
        s = self.f.total(cur)
        if _distance(s, a, b) > 0:
            return None
        self.f.landed.append((s, {name: cur[name] for name in self.f.free()}))
        return cur

    def combine(self, cur: Citizen, s: int, a: M.Num, b: M.Num, deadline: float) -> Citizen | None:
        """Moves of independent attributes whose effects add up to land in [a, b], or None.

        Subset-sum over the attributes of `FoldedSum.independent`, one at a time: the sums
        reachable after each are a bitset (bit i is the sum `base + i`); it stops at the first
        attribute after which a sum in [a - s, b - s] is reachable and walks back the moves.
        """
        layers: list[tuple[str, dict[int, M.Value], int, int]] = []  # name, moves, bits, base
        bits, base = 1, 0  # only the sum 0 is reachable with no move
        want_lo, want_hi = a - s, b - s
        for name in self.f.independent():
            if time.monotonic() >= deadline:
                return None
            here = self.f.part(cur, name)
            moves: dict[int, M.Value] = {0: cur[name]}
            for value in self.candidates(name):
                d = self.f.part({**cur, name: value}, name) - here
                if not isinstance(d, int):
                    return None  # real-valued effects: no exact subset-sum here
                moves.setdefault(d, value)
            low = min(moves)
            new_bits = 0
            for d in moves:
                new_bits |= bits << (d - low)
            bits, base = new_bits, base + low
            layers.append((name, moves, bits, base))
            lo_bit = max(_ceil(want_lo) - base, 0)
            hi_bit = _floor(want_hi) - base
            if hi_bit < lo_bit:
                continue
            window = (bits >> lo_bit) & ((1 << (hi_bit - lo_bit + 1)) - 1)
            if window:
                target = base + lo_bit + ((window & -window).bit_length() - 1)
                return _walk_back(cur, layers, target)
        return None

    def candidates(self, name: str) -> Sequence[M.Value]:
        """Values worth trying for an attribute: its ends and the literals its rules compare."""
        hit = self.f.candidates.get(name)
        if hit is None:
            hit = self.f.candidates[name] = self._candidates(name)
        return hit

    def _candidates(self, name: str) -> Sequence[M.Value]:
        match self.types[name]:
            case M.BoolType():
                return [False, True]
            case M.EnumType(values):
                return list(values)
            case M.IntType(lo, hi):
                near: set[int] = {lo, hi}
                for i in self.f.free()[name]:
                    r = self.f.rules[i]  # a group's conditions are in its add (FirstMatch)
                    for k in _int_literals(r.when) | _int_literals(r.add):
                        near.update(x for x in (k - 1, k, k + 1) if lo <= x <= hi)
                return sorted(near)[:MAX_CANDIDATES]
            case M.RealType(lo, hi):
                return [lo, hi]
        return []


def _walk_back(
    cur: Citizen, layers: list[tuple[str, dict[int, M.Value], int, int]], target: int
) -> Citizen:
    out = dict(cur)
    for k in range(len(layers) - 1, -1, -1):
        name, moves, _, _ = layers[k]
        prev_bits, prev_base = (layers[k - 1][2], layers[k - 1][3]) if k else (1, 0)
        for d in sorted(moves, key=abs):
            i = target - d - prev_base
            if i >= 0 and (prev_bits >> i) & 1:
                out[name] = moves[d]
                target -= d
                break
        else:
            raise AssertionError("subset-sum walk-back lost its way")
    assert target == 0
    return out


def _ceil(x: M.Num) -> int:
    return -((-x.numerator) // x.denominator) if isinstance(x, Fraction) else x


def _floor(x: M.Num) -> int:
    return x.numerator // x.denominator if isinstance(x, Fraction) else x


def _int_literals(e: E.Expr) -> set[int]:
    out: set[int] = set()
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, E.IntLit):
            out.add(node.value)
        else:
            stack.extend(E.children(node))
    return out
