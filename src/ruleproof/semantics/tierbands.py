"""Tier bands: which ranges of the score give which tier, where the tiers say so exactly.

Tiers are first-match expressions over the score and other names, so a band of scores per tier
exists only for tiers whose condition reads nothing but the score. `tier_bands(ruleset)` sorts
the tiers into *score tiers* (conditions built from `score OP constant` comparisons, chains,
`and`, `or`, `not`, `in`, `implies`, `True`/`False`, and defines that are themselves such
conditions) and *guards* (every other tier). The bands are the first match over the score
tiers alone, clipped to the score range:

    band(t_i) = S(t_i) ∖ (S(t_1) ∪ … ∪ S(t_{i-1}))      (score tiers only, in file order)

They are exact for every citizen whom no guard matches: such a citizen's tier is the band its
score lies in. Scores that no score tier covers form a band with tier `None` ("no tier"). A
guard is listed with the names it reads, so a picture can say when its bands hold.

Intervals are over the rationals (ends exact, open or closed, `None` for unbounded), so they
hold whether the score is an integer or a real. Interval-set algebra is `portion`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import attrs
import portion as P

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.memo import per_ruleset
from ruleproof.language.ruleset import Num
from ruleproof.language.values import fmt_value


@attrs.frozen
class Interval:
    """Scores between `lo` and `hi` (`None`: unbounded), each end included when closed."""

    lo: Num | None
    lo_closed: bool
    hi: Num | None
    hi_closed: bool

    def contains(self, x: Num) -> bool:
        above = self.lo is None or (x >= self.lo if self.lo_closed else x > self.lo)
        below = self.hi is None or (x <= self.hi if self.hi_closed else x < self.hi)
        return above and below

    def text(self, name: str = "score") -> str:
        """`550 ≤ score < 600`, `score ≥ 700`, `score = 0`, or `any score`."""
        if self.lo is not None and self.lo == self.hi:
            return f"{name} = {fmt_value(self.lo)}"
        left = "" if self.lo is None else f"{fmt_value(self.lo)} {'≤' if self.lo_closed else '<'} "
        right = "" if self.hi is None else f" {'≤' if self.hi_closed else '<'} {fmt_value(self.hi)}"
        if not left and not right:
            return f"any {name}"
        if not left:
            return f"{name}{right}"
        if not right:
            return f"{name} {'≥' if self.lo_closed else '>'} {fmt_value(self.lo)}"
        return f"{left}{name}{right}"


@attrs.frozen
class Band:
    tier: str | None  # None: scores that no score tier covers
    intervals: tuple[Interval, ...]

    def contains(self, x: Num) -> bool:
        return any(i.contains(x) for i in self.intervals)

    def text(self) -> str:
        return " or ".join(i.text() for i in self.intervals)


@attrs.frozen
class Guard:
    """A tier whose condition reads more than the score; its bands are not drawn."""

    tier: str
    reads: tuple[str, ...]


@attrs.frozen
class TierBands:
    bands: tuple[Band, ...]  # in tier order, the "no tier" band last; empty bands left out
    guards: tuple[Guard, ...]

    @property
    def exact(self) -> bool:
        """True when every tier is a score tier: the bands then decide every citizen's tier."""
        return not self.guards

    def tier_of(self, score: Num) -> str | None:
        """The tier the bands give to `score` (for citizens no guard matches)."""
        return next((b.tier for b in self.bands if b.contains(score)), None)

    def note(self) -> str:
        """What a reader must know about the bands ("" when they are exact)."""
        if not self.guards:
            return ""
        parts = [f"{g.tier} (reads {', '.join(g.reads)})" for g in self.guards]
        return (
            "bands hold for citizens who match none of the tiers that do not depend on the "
            f"score alone: {'; '.join(parts)}"
        )


class _NotScore(Exception):
    pass


def _const(e: E.Expr) -> Num:
    match e:
        case E.IntLit(v) | E.RealLit(v):
            return v
        case E.Neg(arg):
            return -_const(arg)
        case E.Arith(op, left, right) if op in ("+", "-", "*"):
            x, y = _const(left), _const(right)
            return x + y if op == "+" else x - y if op == "-" else x * y
        case _:
            raise _NotScore


def _compare(op: str, left: E.Expr, right: E.Expr) -> P.Interval:
    if isinstance(left, E.Var) and left.name == "score" and left.citizen is None:
        c = _const(right)
        flipped = op
    elif isinstance(right, E.Var) and right.name == "score" and right.citizen is None:
        c = _const(left)
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
    else:
        raise _NotScore
    match flipped:
        case "==":
            return P.singleton(c)
        case "!=":
            return ~P.singleton(c)
        case "<":
            return P.open(-P.inf, c)
        case "<=":
            return P.openclosed(-P.inf, c)
        case ">":
            return P.open(c, P.inf)
        case ">=":
            return P.closedopen(c, P.inf)
        case _:
            raise _NotScore


def score_set(ruleset: M.Ruleset, e: E.Expr, seen: frozenset[str] = frozenset()) -> P.Interval:
    """The set of scores for which `e` holds, if `e` reads nothing but the score.

    Raises:
        _NotScore: `e` reads another name or has a form this analysis does not know.
    """
    match e:
        case E.BoolLit(v):
            return P.open(-P.inf, P.inf) if v else P.empty()
        case E.Compare(ops, operands):
            out = P.open(-P.inf, P.inf)
            for op, a, b in zip(ops, operands, operands[1:], strict=False):
                out &= _compare(op, a, b)
            return out
        case E.And(args):
            out = P.open(-P.inf, P.inf)
            for a in args:
                out &= score_set(ruleset, a, seen)
            return out
        case E.Or(args):
            out = P.empty()
            for a in args:
                out |= score_set(ruleset, a, seen)
            return out
        case E.Not(arg):
            return ~score_set(ruleset, arg, seen)
        case E.Call("implies", (p, q)):
            return ~score_set(ruleset, p, seen) | score_set(ruleset, q, seen)
        case E.In(E.Var("score", None), options, negated):
            out = P.empty()
            for o in options:
                out |= P.singleton(_const(o))
            return ~out if negated else out
        case E.Var(name, None) if name not in seen and ruleset.define(name) is not None:
            define = ruleset.define(name)
            assert define is not None
            return score_set(ruleset, define.expr, seen | {name})
        case _:
            raise _NotScore


def _end(x: object) -> Num | None:
    return x if isinstance(x, int | Fraction) and not isinstance(x, bool) else None


def _intervals(s: P.Interval) -> tuple[Interval, ...]:
    return tuple(
        Interval(_end(a.lower), a.left == P.CLOSED, _end(a.upper), a.right == P.CLOSED)
        for a in s
        if not a.empty
    )


def _score_range(ruleset: M.Ruleset) -> P.Interval:
    score = ruleset.score
    lo = score.lo if score is not None and score.lo is not None else -P.inf
    hi = score.hi if score is not None and score.hi is not None else P.inf
    return P.closed(lo, hi)


def _guard_reads(ruleset: M.Ruleset, e: E.Expr) -> tuple[str, ...]:
    return tuple(sorted(E.names(e)))


@per_ruleset
def tier_bands(ruleset: M.Ruleset) -> TierBands:
    """The score bands of the ruleset's score tiers and the guards (see the module docstring)."""
    covered = P.empty()
    bands: list[Band] = []
    guards: list[Guard] = []
    domain = _score_range(ruleset)
    for t in ruleset.tiers:
        try:
            s = score_set(ruleset, t.when)
        except _NotScore:
            guards.append(Guard(t.id, _guard_reads(ruleset, t.when)))
            continue
        band = (s - covered) & domain
        covered |= s
        if not band.empty:
            bands.append(Band(t.id, _intervals(band)))
    rest = domain - covered
    if ruleset.tiers and not rest.empty:
        bands.append(Band(None, _intervals(rest)))
    return TierBands(tuple(bands), tuple(guards))


def boundaries(bands: TierBands) -> Iterator[Num]:
    """Every finite end of every band, each once, in increasing order."""
    ends = {x for b in bands.bands for i in b.intervals for x in (i.lo, i.hi) if x is not None}
    yield from sorted(ends)
