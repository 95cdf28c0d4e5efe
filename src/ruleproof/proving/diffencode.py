"""The joint encoding of `diff`: one compared citizen read by both versions, and queries on it.

`Comparison(old, new)` encodes both versions with shared enum codes, NEW's citizen bound to
OLD's attribute constants (through an int/real link where a shared attribute changed type);
with slicing, everything `diffslice.match_versions` finds identical is one term in both, and
the scores share one term for the sum of the matched rules. `Session.find(goal)` asks one
query on a fresh solver: a compared citizen with `goal` (minimised), none, or why undecided.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import attrs
import z3

from ruleproof.language import ruleset as M
from ruleproof.proving.diffplan import Output, UnionAttr, union_attributes
from ruleproof.proving.diffslice import Correspondence, match_versions
from ruleproof.proving.encode import NO_TIER, Encoding, EnumCodes, Term, decode, number
from ruleproof.proving.solving import Limits, explain_unknown, minimise, new_solver

Side = Literal["old", "new"]
Citizens = tuple[dict[str, M.Value], dict[str, M.Value], dict[str, M.Value]]  # union, old, new


@attrs.frozen
class Found:
    citizens: Citizens


@attrs.frozen
class NotFound:
    pass


@attrs.frozen
class Undecided:
    reason: str


Answer = Found | NotFound | Undecided


class Comparison:
    """One citizen read by both versions: the joint Z3 encoding and queries over it."""

    def __init__(self, old: M.Ruleset, new: M.Ruleset, slicing: bool = True) -> None:
        self.old, self.new = old, new
        self.union, self.changed, self.notes = union_attributes(old, new)
        codes = EnumCodes(old)
        for v in EnumCodes(new).codes:
            codes.code(v)
        self.codes = codes
        self.enc_old = Encoding(old, "old!", codes)
        self.enc_new = Encoding(new, "new!", codes)
        self.a = self.enc_old.copy("a")
        self.links: list[Term] = []
        self.terms: dict[str, Term] = {}  # union attribute → the term minimised and decoded
        bound: dict[str, Term] = {}
        for u in self.union:
            if u.old is None or u.new is None:
                continue
            t = self.a.attrs[u.name]
            if isinstance(u.old.type, M.RealType) and isinstance(u.new.type, M.IntType):
                i = z3.Int(f"link!{u.name}")
                self.links.append(z3.ToReal(i) == t)
                bound[u.name], self.terms[u.name] = i, i
            elif isinstance(u.old.type, M.IntType) and isinstance(u.new.type, M.RealType):
                bound[u.name], self.terms[u.name] = z3.ToReal(t), t
            else:
                bound[u.name], self.terms[u.name] = t, t
        self.b = self.enc_new.bind("a", bound)
        for u in self.union:
            if u.name not in self.terms:
                self.terms[u.name] = (self.a if u.old is not None else self.b).attrs[u.name]
        # Preferred values for the minimiser, minimised after every attribute (`variables`),
        # and attributes left out of minimisation (the folded diff sets them itself).
        self.prefer: Callable[[], Mapping[str, M.Value]] = dict
        self.unminimised: Callable[[], frozenset[str]] = frozenset
        self.match = match_versions(old, new) if slicing else Correspondence()
        if slicing:
            self._share()

    def _share(self) -> None:
        """Give NEW's copy OLD's terms for everything that matched (see `diffslice`)."""
        old_rules = {r.id: r for r in (self.old.score.rules if self.old.score else ())}
        for new_id, old_id in self.match.rules.items():
            self.b.provide(f"rule:{new_id}", self.a.contribution(old_rules[old_id]))
        if "score" not in self.match.names:
            self._split_score()
        for new_name, old_name in self.match.names.items():
            self.b.provide(new_name, self.a.value(old_name))

    def _split_score(self) -> None:
        """Both scores from one shared sum of the matched rules plus their own other rules."""
        so, sn = self.old.score, self.new.score
        if so is None or sn is None:
            return
        used = set(self.match.rules.values())
        sort = "real" if so.real or sn.real else "int"
        shared = z3.Real("diff!matched_rules") if sort == "real" else z3.Int("diff!matched_rules")
        common = [self.a.contribution(r) for r in so.rules if r.id in used]
        self.links.append(shared == (z3.Sum(common) if common else number(0, sort)))
        old_only = [self.a.contribution(r) for r in so.rules if r.id not in used]
        new_only = [self.b.contribution(r) for r in sn.rules if r.id not in self.match.rules]
        self.a.provide_score([shared, *old_only])
        self.b.provide_score([shared, *new_only])

    # -- terms ---------------------------------------------------------------------------------
    def value(self, side: Side, out: Output) -> Term:
        """An output's term under one version (a sanction the version lacks is never imposed)."""
        present = out.in_old if side == "old" else out.in_new
        if not present:
            return z3.BoolVal(False)
        return (self.a if side == "old" else self.b).value(out.name)

    def differs(self, out: Output) -> Term:
        """True for the compared citizens whose `out` differs between the versions."""
        return self.value("old", out) != self.value("new", out)

    def tier_is(self, side: Side, tier: str | None) -> Term:
        code = NO_TIER if tier is None else self.codes.code(tier)
        return (self.a if side == "old" else self.b).value("tier") == code

    def attr(self, name: str) -> Term:
        """The compared citizen's term for an attribute (OLD's sort where both declare it)."""
        return self.terms[name]

    def constraints(self) -> list[list[Term]]:
        """Both copies' ranges, assumes and definitions, the links, every tracker as a fact."""
        return [
            self.a.all_constraints(),
            self.b.all_constraints(),
            self.links,
            list(self.enc_old.trackers.values()),
            list(self.enc_new.trackers.values()),
        ]

    def variables(self) -> list[tuple[Term, M.AttrType, M.Value]]:
        prefer = self.prefer()
        skip = self.unminimised()
        plain = [u for u in self.union if u.name not in prefer and u.name not in skip]
        last = [u for u in self.union if u.name in prefer]
        return [
            (self.terms[u.name], u.type, prefer.get(u.name, M.Attribute(u.name, u.type).baseline()))
            for u in (*plain, *last)
        ]

    def baseline(self) -> dict[str, M.Value]:
        return baseline_of(self.union)

    def decode(self, model: Any) -> Citizens:
        return self.split(
            {u.name: decode(model, self.terms[u.name], u.type, self.codes) for u in self.union}
        )

    def split(self, union: Mapping[str, M.Value]) -> Citizens:
        return split_citizen(self.union, union)

    def session(self, limits: Limits) -> Session:
        """Queries over this comparison (see `Session`)."""
        return Session(self, limits)


def split_citizen(union: Sequence[UnionAttr], citizen: Mapping[str, M.Value]) -> Citizens:
    """A compared citizen as (union, OLD's citizen, NEW's citizen); names the citizen lacks are
    left out, names the union lacks (`score~rest`) stay only in the first."""
    old: dict[str, M.Value] = {}
    new: dict[str, M.Value] = {}
    for u in union:
        if u.name not in citizen:
            continue
        v = citizen[u.name]
        if u.old is not None:
            old[u.name] = _as(v, u.old.type)
        if u.new is not None:
            new[u.name] = _as(v, u.new.type)
    return dict(citizen), old, new


def baseline_of(union: Sequence[UnionAttr]) -> dict[str, M.Value]:
    return {u.name: M.Attribute(u.name, u.type).baseline() for u in union}


def _as(v: M.Value, typ: M.AttrType) -> M.Value:
    if isinstance(typ, M.IntType) and not isinstance(v, bool | int | str):
        return int(v)
    return v


class Session:
    """Queries over one comparison, each on a fresh solver.

    A fresh solver per query keeps every answer (and the minimal citizen chosen) independent
    of the queries asked before it; Z3's incremental mode also gave up on queries that a fresh
    solver answered at once.
    """

    def __init__(self, cmp: Comparison, limits: Limits) -> None:
        self.cmp = cmp
        self.limits = limits

    def find(self, goal: Term, seconds: float | None = None, minimal: bool = True) -> Answer:
        """A compared citizen satisfying `goal` (minimised when `minimal`), or why there is none."""
        seconds = self.limits.timeout if seconds is None else seconds
        deadline = time.monotonic() + seconds
        s = new_solver(self.limits, seconds)
        for group in self.cmp.constraints():
            s.add(*group)
        s.add(goal)
        r = s.check()
        if r == z3.unsat:
            return NotFound()
        if r != z3.sat:
            return Undecided(explain_unknown(s, self.cmp.enc_old, seconds, self.limits))
        model = s.model()
        if minimal and self.limits.minimise:
            budget = min(deadline, time.monotonic() + max(2.0, seconds / 3))
            model = minimise(self.cmp.enc_old, s, model, self.cmp.variables(), budget)
        return Found(self.cmp.decode(model))
