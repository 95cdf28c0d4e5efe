"""Folding a diff: the score rules both versions share become one interval-bounded attribute.

Pure IR and evaluator, no Z3. `fold_shared(old, new, match)` returns a `Folded` (None when
nothing can be folded): OLD and NEW with every matched pair of score rules
(`diffslice.Correspondence.rules`) whose contribution has finite interval bounds replaced by
one rule adding the attribute `score~rest`, whose range bounds the sum of those contributions:
an int range when every folded contribution has integer bounds (`semantics.sumbounds`: per
attribute where rules read one, else per rule), else a real range, the sum of the rules'
rational intervals (decimal points). Both folded versions
read the same `score~rest`, and they declare only the attributes they read: the others are
read by folded rules alone (the search below sets them) or by nothing (baseline).

Soundness: the rules of a matched pair add the same amount under both versions for every
citizen `c`, so the folded versions at `(c, score~rest = S(c))`, with `S` the sum of the folded
rules, give every output the originals give at `c`, and `S(c)` is in the range. Every
difference between the originals is one between the folded versions, so "no difference" there
is a proof.

The converse needs work: a folded citizen `(c, v)` may have no original citizen behind it.
`Folded.concretize(citizen, good)` looks for an original citizen showing the same thing
(`ruleproof.semantics.foldsum`). It keeps every attribute the folded versions read outside
`score~rest`, so that everything but the folded sum behaves as for the folded citizen, finds the
run of `score~rest` values around `v` for which `good` (the caller's test on the folded
versions) still holds, and moves attributes that only folded rules read until `S` lands in that
run: greedy moves (biggest swings first,
starting where an earlier search landed nearest) until the sum is near, then an exact
subset-sum over attributes no folded rule reads together (their effects add up). The search
is deterministic; it returns None when it fails within its budget, and whatever it returns the
caller re-checks on the original versions with the evaluator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.proving.diffslice import Correspondence
from ruleproof.semantics.compiled import Compiled, compile_ruleset
from ruleproof.semantics.foldsum import FoldedSum
from ruleproof.semantics.intervals import Bounds
from ruleproof.semantics.reduce import read_outside_rest
from ruleproof.semantics.sumbounds import bounded_sum

SYNTHETIC = "score~"  # id prefix of the rules folding makes (user rule ids may be any text)
REST = SYNTHETIC + "rest"

Citizen = dict[str, M.Value]


def fold_shared(old: M.Ruleset, new: M.Ruleset, match: Correspondence) -> Folded | None:
    """OLD and NEW with their matched, bounded score rules folded (module docstring)."""
    so, sn = old.score, new.score
    if so is None or sn is None or not match.rules:
        return None
    if any(r.id.startswith(SYNTHETIC) for r in (*so.rules, *sn.rules)):
        return None  # a user rule could be mistaken for the folded one: do not fold
    partner = {old_id: new_id for new_id, old_id in match.rules.items()}
    shared = [r for r in so.rules if r.id in partner]
    folded, lo, hi = bounded_sum(old, shared)
    exact = {r.id for r in folded}
    bounds = Bounds(old)
    real_lo: M.Num = lo
    real_hi: M.Num = hi
    for r in shared:  # rules whose contributions are bounded by rationals (decimal points)
        clo, chi = bounds.contribution(r)
        if r.id not in exact and clo is not None and chi is not None:
            folded.append(r)
            real_lo, real_hi = real_lo + clo, real_hi + chi
    if not folded:
        return None
    typ: M.AttrType = M.IntType(lo, hi)
    if len(folded) > len(exact):
        typ = M.RealType(Fraction(real_lo), Fraction(real_hi))
    rest = M.Attribute(REST, typ, doc="sum of the score rules both versions share")
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
    read = read_outside_rest(fo) | read_outside_rest(fn) | {REST}
    return Folded(_only(fo, read), _only(fn, read), old, tuple(folded))


def _only(rs: M.Ruleset, names: set[str]) -> M.Ruleset:
    """The folded version without the attributes it does not read (the joint encoding and
    its minimisation stay small; `diff` gives them their baseline or searches them)."""
    return attrs.evolve(rs, attributes=tuple(a for a in rs.attributes if a.name in names))


class Folded:
    """The folded versions and the search back to an original citizen (`FoldedSum`)."""

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
        assert isinstance(rest, M.IntType | M.RealType)
        self.lo: M.Num = rest.lo
        self.hi: M.Num = rest.hi
        pinned = frozenset(read_outside_rest(old) | read_outside_rest(new))
        folded_old = compile_ruleset(old)

        def others(c: Mapping[str, M.Value]) -> M.Num:  # OLD's other rules and base
            return folded_old.raw_score({**c, REST: 0})

        self.sum = FoldedSum(original_old, rules, pinned, others=others)

    @property
    def compiled(self) -> Compiled:
        """The compiled evaluator of the original OLD (the folded rules are OLD's)."""
        return self.sum.compiled

    def start(self) -> M.Num:
        """The folded sum at the baseline citizen: the `score~rest` value the minimiser prefers,
        since citizens near the baseline realise sums near it."""
        return self.sum.start()

    def free(self) -> dict[str, list[int]]:
        """Attribute → indexes of the folded rules reading it, for attributes nothing else reads."""
        return self.sum.free()

    def concretize(
        self,
        citizen: Mapping[str, M.Value],
        good: Callable[[Citizen], bool],
        deadline: float | None = None,
    ) -> Citizen | None:
        """An original citizen for the folded `citizen`, or None (see the module docstring).

        `good` tests a folded citizen (with `score~rest`); the result lacks `score~rest` and
        makes `S` a value for which `good` holds, every other attribute read elsewhere unchanged.
        The search may use half of what is left before `deadline` (at least
        `foldsum.SEARCH_SECONDS`).
        """
        v = citizen[REST]
        assert isinstance(v, int | Fraction) and not isinstance(v, bool)
        base = {k: x for k, x in citizen.items() if k != REST}

        def test(w: M.Num) -> bool:
            return good({**base, REST: w})

        return self.sum.concretize(base, v, test, (self.lo, self.hi), deadline)
