"""Folding a diff: the score rules both versions share become one interval-bounded attribute.

Pure IR and evaluator, no Z3. `fold_shared(old, new, match)` returns a `Folded` (None when
nothing can be folded): OLD and NEW with every matched pair of score rules
(`diffslice.Correspondence.rules`) whose contribution has integer interval bounds replaced by
one rule adding the attribute `score~rest`, whose range bounds the sum of those contributions
(`spec.sumbounds`: per attribute where rules read one, else per rule). Both folded versions
read the same `score~rest`, and they declare only the attributes they read: the others are
read by folded rules alone (the search below sets them) or by nothing (baseline).

Soundness: the rules of a matched pair add the same amount under both versions for every
citizen `c`, so the folded versions at `(c, score~rest = S(c))`, with `S` the sum of the folded
rules, give every output the originals give at `c`, and `S(c)` is in the range. Every
difference between the originals is one between the folded versions, so "no difference" there
is a proof.

The converse needs work: a folded citizen `(c, v)` may have no original citizen behind it.
`Folded.concretize(citizen, good)` looks for an original citizen showing the same thing. It
keeps every attribute the folded versions read outside `score~rest`, so that everything but the
folded sum behaves as for the folded citizen, finds the run of `score~rest` values around `v`
for which `good` (the caller's test on the folded versions) still holds, and moves attributes
that only folded rules read until `S` lands in that run: greedy moves (biggest swings first,
starting where an earlier search landed nearest) until the sum is near, then an exact
subset-sum over attributes no folded rule reads together (their effects add up). The search
is deterministic; it returns None when it fails within its budget, and whatever it returns the
caller re-checks on the original versions with the evaluator.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.support import name_support, support_sets
from ruleproof.proving.diffslice import Correspondence
from ruleproof.semantics.compiled import Compiled, Fn, compile_ruleset
from ruleproof.semantics.sumbounds import Fires, bounded_sum, fires_at, simple_rule

SYNTHETIC = "score~"  # id prefix of the rules folding makes (user rule ids may be any text)
REST = SYNTHETIC + "rest"
SCAN = 64  # `score~rest` values tried on each side of the solver's
SEARCH_SECONDS = 1.5
COARSE = 12  # values tried per attribute while far from the target
NEAR = 400  # distance from which `combine` tries to land exactly
MAX_CANDIDATES = 128  # values tried per int attribute and move

Citizen = dict[str, M.Value]


def fold_shared(old: M.Ruleset, new: M.Ruleset, match: Correspondence) -> Folded | None:
    """OLD and NEW with their matched, integer-bounded score rules folded (module docstring)."""
    so, sn = old.score, new.score
    if so is None or sn is None or not match.rules:
        return None
    if any(r.id.startswith(SYNTHETIC) for r in (*so.rules, *sn.rules)):
        return None  # a user rule could be mistaken for the folded one: do not fold
    partner = {old_id: new_id for new_id, old_id in match.rules.items()}
    folded, lo, hi = bounded_sum(old, (r for r in so.rules if r.id in partner))
    if not folded:
        return None
    rest = M.Attribute(REST, M.IntType(lo, hi), doc="sum of the score rules both versions share")
    rule = M.ScoreRule(REST, E.BoolLit(True), E.Var(REST), "True", REST)

    def fold(rs: M.Ruleset, score: M.Score, ids: set[str]) -> M.Ruleset:
        kept = tuple(r for r in score.rules if r.id not in ids)
        return attrs.evolve(
            rs,
            attributes=(*rs.attributes, rest),
            score=attrs.evolve(score, rules=(rule, *kept)),
        )

    old_ids = {r.id for r in folded}
    fo, fn = fold(old, so, old_ids), fold(new, sn, {partner[i] for i in old_ids})
    read = _read_outside_rest(fo) | _read_outside_rest(fn) | {REST}
    return Folded(_only(fo, read), _only(fn, read), old, tuple(folded))


def _read_outside_rest(rs: M.Ruleset) -> set[str]:
    """Attributes a folded version reads other than through `score~rest`."""
    out: set[str] = set()
    support = support_sets(rs)
    for node, names in support.items():
        if node != f"rule:{REST}":
            out |= names
    for a in rs.assumptions:
        out |= name_support(rs, E.names(a.expr), support)
    out.discard(REST)
    return out


def _only(rs: M.Ruleset, names: set[str]) -> M.Ruleset:
    """The folded version without the attributes it does not read (the joint encoding and
    its minimisation stay small; `diff` gives them their baseline or searches them)."""
    return attrs.evolve(rs, attributes=tuple(a for a in rs.attributes if a.name in names))


@attrs.frozen
class _Group:
    """The folded rules reading one free attribute, ready to evaluate."""

    simple: tuple[tuple[Fires, int], ...]  # scorecard-form rules on the attribute alone
    other: tuple[tuple[Fn, Fn], ...]  # `when` and `add` closures of the rest
    reads: tuple[str, ...]  # what the closures read


class Folded:
    """The folded versions and the search back to an original citizen."""

    def __init__(
        self,
        old: M.Ruleset,
        new: M.Ruleset,
        original_old: M.Ruleset,
        rules: tuple[M.ScoreRule, ...],
    ) -> None:
        self.old, self.new = old, new
        self.original_old = original_old
        self.rules = rules  # the folded rules, as OLD has them
        rest = old.attribute(REST).type
        assert isinstance(rest, M.IntType)
        self.lo, self.hi = rest.lo, rest.hi
        self._compiled: Compiled | None = None
        self._free: dict[str, list[int]] | None = None
        self._folded_compiled: Compiled | None = None
        self._groups: dict[str, _Group] = {}
        self._support = support_sets(original_old)
        self._order: list[str] | None = None
        self._start: int | None = None
        # (folded sum, free attribute values) of every search that landed, to start from
        self.landed: list[tuple[int, dict[str, M.Value]]] = []
        self.candidates: dict[str, Sequence[M.Value]] = {}  # per free attribute (`_Search`)

    @property
    def compiled(self) -> Compiled:
        """The compiled evaluator of the original OLD (the folded rules are OLD's)."""
        if self._compiled is None:
            self._compiled = compile_ruleset(self.original_old)
        return self._compiled

    def total(self, citizen: Mapping[str, M.Value]) -> int:
        """What the folded rules add for an original citizen (OLD's raw score minus the rest)."""
        if self._folded_compiled is None:
            self._folded_compiled = compile_ruleset(self.old)
        rest = self._folded_compiled.raw_score({**citizen, REST: 0})
        total = self.compiled.raw_score(citizen) - rest
        assert total == int(total), total  # only rules with integer contributions are folded
        return int(total)

    def part(self, citizen: Mapping[str, M.Value], name: str) -> int:
        """What the folded rules reading the free attribute `name` add for a citizen.

        Rules of the scorecard form are looked up (`sumbounds.simple_rule`); the others run
        as closures of OLD's compiled evaluator, built once per rule.
        """
        group = self._groups.get(name)
        if group is None:
            group = self._groups[name] = self._group(name)
        v = citizen[name]
        total = 0
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
            one = simple_rule(self.original_old, r)
            if one is not None:
                simple.append(one[1:])
                continue
            other.append((self.compiled.function(r.when), self.compiled.function(r.add)))
            reads |= name_support(self.original_old, r.reads, self._support)
        return _Group(tuple(simple), tuple(other), tuple(sorted(reads)))

    def start(self) -> int:
        """The folded sum at the baseline citizen: the `score~rest` value the minimiser prefers,
        since citizens near the baseline realise sums near it."""
        if self._start is None:
            self._start = self.total(self.original_old.baseline())
        return self._start

    # -- what may move ---------------------------------------------------------------------
    def pinned(self) -> frozenset[str]:
        """Attributes the folded versions read outside `score~rest` (kept as the solver chose)."""
        return frozenset(_read_outside_rest(self.old) | _read_outside_rest(self.new))

    def free(self) -> dict[str, list[int]]:
        """Attribute → indexes of the folded rules reading it, for attributes nothing else reads."""
        if self._free is None:
            pinned = self.pinned()
            support = support_sets(self.original_old)
            free: dict[str, list[int]] = {}
            for i, r in enumerate(self.rules):
                for a in sorted(name_support(self.original_old, r.reads, support)):
                    if a not in pinned:
                        free.setdefault(a, []).append(i)
            self._free = free
        return self._free

    def independent(self) -> list[str]:
        """Free attributes no two of which a folded rule reads together, most rules first.

        Moving only these, each one's effect on the folded sum does not depend on the others,
        so the sum of a combination of moves is the sum of their effects."""
        if self._order is None:
            free = self.free()
            reads_with: dict[str, set[str]] = {a: set() for a in free}
            for idx in free.values():
                for i in idx:
                    names = (
                        name_support(self.original_old, self.rules[i].reads, self._support)
                        & free.keys()
                    )
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

    # -- the search ------------------------------------------------------------------------
    def run_around(self, v: int, good: Callable[[int], bool]) -> tuple[int, int]:
        """The widest [a, b] ∋ v (at most SCAN each side, within the range) where `good` holds."""
        a = v
        while a > max(self.lo, v - SCAN) and good(a - 1):
            a -= 1
        b = v
        while b < min(self.hi, v + SCAN) and good(b + 1):
            b += 1
        return a, b

    def concretize(
        self, citizen: Mapping[str, M.Value], good: Callable[[Citizen], bool]
    ) -> Citizen | None:
        """An original citizen for the folded `citizen`, or None (see the module docstring).

        `good` tests a folded citizen (with `score~rest`); the result lacks `score~rest` and
        makes `S` a value for which `good` holds, every other attribute read elsewhere unchanged.
        """
        v = citizen[REST]
        assert isinstance(v, int)
        base = {k: x for k, x in citizen.items() if k != REST}
        a, b = self.run_around(v, lambda w: good({**base, REST: w}))
        deadline = time.monotonic() + SEARCH_SECONDS
        found = _Search(self, base).land(a, b, deadline)
        return found


def _distance(s: int, a: int, b: int) -> int:
    return a - s if s < a else s - b if s > b else 0


class _Search:
    """Greedy moves of free attributes that bring the folded sum into a target run."""

    def __init__(self, folded: Folded, citizen: Citizen) -> None:
        self.f = folded
        self.citizen = dict(citizen)
        self.types = {a.name: a.type for a in folded.original_old.attributes}

    def land(self, a: int, b: int, deadline: float) -> Citizen | None:
        """Greedy moves toward [a, b]; once near, `combine` tries to land exactly."""
        free = self.f.free()
        part = self.f.part
        cur = self.citizen
        for name in free:  # start every free attribute at its baseline
            cur[name] = M.Attribute(name, self.types[name]).baseline()
        s = self.f.total(cur)
        if self.f.landed:  # or where an earlier search landed nearest the target
            near, start = min(self.f.landed, key=lambda x: (_distance(x[0], a, b), x[0]))
            if _distance(near, a, b) < _distance(s, a, b):
                cur.update(start)
                s = self.f.total(cur)
        tried: set[int] = set()  # sums from which `combine` already failed
        improved = True
        order = sorted(free, key=lambda n: (-len(free[n]), n))  # biggest swings first
        while improved and time.monotonic() < deadline:
            improved = False
            for name in order:
                idx = free[name]
                if _distance(s, a, b) == 0:
                    return self.verified(cur, a, b)
                if _distance(s, a, b) <= NEAR and s not in tried:
                    tried.add(s)
                    combined = self.combine(cur, s, a, b, deadline)
                    if combined is not None:
                        return self.verified(combined, a, b)
                if time.monotonic() >= deadline:
                    break
                here = part(cur, name)
                best: tuple[int, M.Value] | None = None
                values = self.candidates(name, idx)
                if _distance(s, a, b) > NEAR and len(values) > COARSE:
                    values = [values[i * (len(values) - 1) // (COARSE - 1)] for i in range(COARSE)]
                for value in values:
                    if value == cur[name]:
                        continue
                    t = s - here + part({**cur, name: value}, name)
                    if _distance(t, a, b) < _distance(s, a, b) and (
                        best is None or _distance(t, a, b) < _distance(best[0], a, b)
                    ):
                        best = (t, value)
                if best is not None:
                    s, cur = best[0], {**cur, name: best[1]}
                    improved = True
        return self.verified(cur, a, b) if _distance(s, a, b) == 0 else None

    def verified(self, cur: Citizen, a: int, b: int) -> Citizen | None:
        """`cur` if its folded sum, recomputed from scratch, is in [a, b] (then remembered)."""
        s = self.f.total(cur)
        if _distance(s, a, b) > 0:
            return None
        self.f.landed.append((s, {name: cur[name] for name in self.f.free()}))
        return cur

    def combine(self, cur: Citizen, s: int, a: int, b: int, deadline: float) -> Citizen | None:
        """Moves of independent attributes whose effects add up to land in [a, b], or None.

        Subset-sum over the attributes of `Folded.independent`, one at a time: the sums
        reachable after each are a bitset (bit i is the sum `base + i`); it stops at the first
        attribute after which a sum in [a - s, b - s] is reachable and walks back the moves.
        """
        part = self.f.part
        free = self.f.free()
        layers: list[tuple[str, dict[int, M.Value], int, int]] = []  # name, moves, bits, base
        bits, base = 1, 0  # only the sum 0 is reachable with no move
        want_lo, want_hi = a - s, b - s
        for name in self.f.independent():
            if time.monotonic() >= deadline:
                return None
            here = part(cur, name)
            moves: dict[int, M.Value] = {0: cur[name]}
            for value in self.candidates(name, free[name]):
                d = part({**cur, name: value}, name) - here
                moves.setdefault(d, value)
            low = min(moves)
            new_bits = 0
            for d in moves:
                new_bits |= bits << (d - low)
            bits, base = new_bits, base + low
            layers.append((name, moves, bits, base))
            lo_bit, hi_bit = max(want_lo - base, 0), want_hi - base
            if hi_bit < 0:
                continue
            window = (bits >> lo_bit) & ((1 << (hi_bit - lo_bit + 1)) - 1)
            if window:
                target = base + lo_bit + ((window & -window).bit_length() - 1)
                return self.walk_back(cur, layers, target)
        return None

    @staticmethod
    def walk_back(
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

    def candidates(self, name: str, idx: list[int]) -> Sequence[M.Value]:
        """Values worth trying for an attribute: its ends and the literals its rules compare."""
        hit = self.f.candidates.get(name)
        if hit is None:
            hit = self.f.candidates[name] = self._candidates(name, idx)
        return hit

    def _candidates(self, name: str, idx: list[int]) -> Sequence[M.Value]:
        match self.types[name]:
            case M.BoolType():
                return [False, True]
            case M.EnumType(values):
                return list(values)
            case M.IntType(lo, hi):
                near: set[int] = {lo, hi}
                for i in idx:
                    r = self.f.rules[i]
                    for k in _int_literals(r.when):
                        near.update(x for x in (k - 1, k, k + 1) if lo <= x <= hi)
                return sorted(near)[:MAX_CANDIDATES]
            case M.RealType(lo, hi):
                out: set[Fraction] = {lo, hi}
                return sorted(out)
        return []


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
