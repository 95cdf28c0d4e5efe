"""The search back from a folded sum to a citizen: greedy moves, then an exact subset-sum.

`Search(folded, citizen).land(a, b, deadline)` moves the free attributes of `folded`
(`foldsum.FoldedSum`) in `citizen` until the folded sum lies in [a, b]: every free attribute
starts at its baseline (or where an earlier search landed nearest), greedy moves bring the sum
closer (biggest swings first, few values tried per attribute while far off), and once within
`NEAR` an exact subset-sum over the independent attributes tries to land it. It returns the
citizen (its sum recomputed from scratch and in [a, b]) or None when the deadline passes or no
move helps. Nothing here proves anything; callers re-check what it returns with the evaluator.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M

if TYPE_CHECKING:
    from ruleproof.semantics.foldsum import FoldedSum

COARSE = 12  # values tried per attribute while far from the target
NEAR = 400  # distance from which `combine` tries to land exactly
MAX_CANDIDATES = 128  # values tried per int attribute and move
MAX_EFFECT = 1 << 16  # moves changing the sum by more stay out of the subset-sum's bitset
MAX_BITS = 1 << 22  # the bitset of reachable sums grows no wider: the search gives up instead

Citizen = dict[str, M.Value]


def _distance(s: M.Num, a: M.Num, b: M.Num) -> M.Num:
    """How far the sum `s` is from the run [a, b] (0 inside it)."""
    return a - s if s < a else s - b if s > b else 0


class Search:
    """Greedy moves of free attributes that bring the folded sum into a target run."""

    def __init__(self, folded: FoldedSum, citizen: Citizen) -> None:
        """A search moving the free attributes of `citizen` (changed in place) for `folded`."""
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
        Moves that change the sum by more than `MAX_EFFECT` are left out, and it gives up when
        the bitset would grow past `MAX_BITS` (the greedy moves handle large steps).
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
                if abs(d) <= MAX_EFFECT:  # a bit per reachable sum: huge moves cannot fit
                    moves.setdefault(d, value)
            low = min(moves)
            if bits.bit_length() + max(moves) - low > MAX_BITS:
                return None
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
        """Bools and enums: every value; ints: the ends and literal±1 of the rules reading
        `name` (at most MAX_CANDIDATES); reals: the ends."""
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
    """A copy of `cur` with the moves of `layers` (name, moves by effect, reachable-sum bits,
    base) that add up to `target`, chosen from the last layer back (smallest effects first)."""
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
    """The least int not below `x`."""
    return -((-x.numerator) // x.denominator) if isinstance(x, Fraction) else x


def _floor(x: M.Num) -> int:
    """The greatest int not above `x`."""
    return x.numerator // x.denominator if isinstance(x, Fraction) else x


def _int_literals(e: E.Expr) -> set[int]:
    """Every int literal in `e`."""
    out: set[int] = set()
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, E.IntLit):
            out.add(node.value)
        else:
            stack.extend(E.children(node))
    return out
