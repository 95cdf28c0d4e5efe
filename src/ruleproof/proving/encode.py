"""The Z3 encoding of a ruleset: IR → Z3 terms with the exact semantics of DESIGN §2.

One `Encoding` per ruleset holds every citizen copy a query needs. A copy's attributes are Z3
constants (ints and enums as `Int`, reals as `Real`, bools as `Bool`; enum values and tier ids are
int codes, `NO_TIER` when no tier matches). Every derived value (define, per-rule score
contribution, score, tier, sanction) is a fresh constant with a defining equation guarded by a
*tracking literal* named after the rule it comes from, so a proof's unsat core names the rules,
defines and `assume` lines it needed.

Copies can share: `copy(tag, varied=S)` makes a copy equal to the base copy outside the
attributes `S`; any derived value whose attribute support misses `S` is the base copy's own
constant (relational slicing, sound because such a value is a function of shared attributes).
Python's `//` and `%` by a positive constant coincide with SMT-LIB's `div`/`mod`.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping

import z3

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.dependencies import node_of
from ruleproof.language.support import support_sets
from ruleproof.proving.z3expr import sort_of, to_z3
from ruleproof.proving.z3values import (
    NO_TIER,
    EnumCodes,
    Term,
    decode,
    number,
    range_constraints,
    score_sort,
    z3_value,
)
from ruleproof.semantics.algebra import clamp, first_match
from ruleproof.semantics.intervals import Bounds


class Encoding:
    """Z3 terms for one ruleset: copies of citizens, their derived values, tracking literals."""

    def __init__(
        self, ruleset: M.Ruleset, prefix: str = "", codes: EnumCodes | None = None
    ) -> None:
        """`codes`: enum codes to use instead of this ruleset's own (`diff` gives two versions one
        set, so an enum value or tier id has the same code in both); they must cover `ruleset`."""
        self.ruleset = ruleset
        self.prefix = prefix
        self.codes = EnumCodes(ruleset) if codes is None else codes
        self.support = support_sets(ruleset)
        self.trackers: dict[str, Term] = {}
        self.labels: dict[str, str] = {}  # tracker name → human label
        self.copies: dict[str, Copy] = {}
        self.nonlinear: list[E.Expr] = []
        self.serial = 0  # numbers fresh tags (`fresh`) so bound copies never share constants
        self._bounds: Bounds | None = None
        # Range constraints by (attribute, term id); the term is kept so its id stays unique.
        self._ranges: dict[tuple[str, int], tuple[Term, list[Term]]] = {}

    @property
    def bounds(self) -> Bounds:
        """The interval analysis of the ruleset (built on first use)."""
        if self._bounds is None:
            self._bounds = Bounds(self.ruleset)
        return self._bounds

    def ranges(self, a: M.Attribute, term: Term) -> list[Term]:
        """`range_constraints` of `a` on `term`, the same objects each time for one term.

        Copies sharing an attribute term (next states, pair copies) then share its constraints,
        which are built once and added to a solver once (`transitions.Hard` dedups by object).
        """
        key = (a.name, term.get_id())
        hit = self._ranges.get(key)
        if hit is None:
            hit = (term, range_constraints(term, a.type, self.codes))
            self._ranges[key] = hit
        return hit[1]

    def tracker(self, key: str, label: str) -> Term:
        t = self.trackers.get(key)
        if t is None:
            t = z3.Bool(f"{self.prefix}track!{key}")
            self.trackers[key] = t
            self.labels[str(t)] = label
        return t

    def copy(self, tag: str, varied: Iterable[str] | None = None, base: str = "a") -> Copy:
        """The citizen copy `tag`; with `varied`, it equals copy `base` outside those attributes.

        Copies are memoized by tag and varied set, so properties share one encoding.
        """
        vary = frozenset(varied) if varied is not None and tag != base else None
        key = tag if vary is None else f"{tag}~{base}~{','.join(sorted(vary))}"
        if key not in self.copies:
            parent = self.copy(base) if vary is not None else None
            name = tag if vary is None else f"{tag}{len(self.copies)}"
            self.copies[key] = Copy(self, name, parent, vary)
        return self.copies[key]

    def fresh(self, tag: str) -> str:
        """A copy tag never handed out before by this encoding (`tag` plus a serial number)."""
        self.serial += 1
        return f"{tag}.{self.serial}"

    def bind(self, tag: str, attrs: Mapping[str, Term]) -> Copy:
        """A new copy whose attributes are the given terms (others get fresh constants).

        The copy's constraints still require every attribute term to be in its range and every
        `assume` to hold, so a bound copy is a *possible* citizen: path properties bind a next
        state to the `set` terms of an action (the range rule), `diff` binds one ruleset's
        citizen to another's constants. Not memoized: each call is a new copy.
        """
        copy = Copy(self, tag, None, None, bound=attrs)
        return copy

    def bind_from(self, tag: str, source: Copy, attrs: Mapping[str, Term]) -> Copy:
        """A new copy like `bind(tag, attrs)`, sharing with `source` what `attrs` leaves alone.

        An attribute not in `attrs` is `source`'s own term; any derived value whose attribute
        support misses the keys of `attrs` is `source`'s own constant, defined by `source`'s
        constraints (sound: such a value is a function of the shared attribute terms). The copy's
        `possible` is still complete (every range, every `assume`, on this copy's terms); its
        `constraints` and `definitions()` hold only what it defines itself, so callers must also
        assert `source`'s definitions, including any it grows while this copy is encoded.
        Path properties bind a next state to the terms an action sets (`transitions.move`).
        """
        return Copy(self, tag, None, None, bound=attrs, source=source)


class Copy:
    """One citizen's Z3 constants and lazily built derived values."""

    def __init__(
        self,
        enc: Encoding,
        tag: str,
        parent: Copy | None,
        varied: frozenset[str] | None,
        bound: Mapping[str, Term] | None = None,
        source: Copy | None = None,
    ) -> None:
        self.enc = enc
        self.tag = tag
        self.parent = parent
        self.varied = varied
        # A bound copy sharing with `source` (`Encoding.bind_from`): `changed` are the attributes
        # bound to new terms, every other attribute is `source`'s term.
        self.source = source
        self.changed = frozenset(bound or ()) if source is not None else None
        self.values: dict[str, Term] = {}
        self.attrs: dict[str, Term] = {}
        self.constraints: list[Term] = []  # ranges, assumes and defining equations of this copy
        # The subset of `constraints` saying the citizen is possible (ranges and assumes); the
        # rest are definitions of fresh constants, which any attribute values can satisfy.
        self.possible: list[Term] = []
        for a in enc.ruleset.attributes:
            if parent is not None and varied is not None and a.name not in varied:
                self.attrs[a.name] = parent.attrs[a.name]
                continue
            if source is not None and bound is not None and a.name not in bound:
                self.attrs[a.name] = source.attrs[a.name]
            elif bound is not None and a.name in bound:
                self.attrs[a.name] = bound[a.name]
            else:
                self.attrs[a.name] = self._const(a.name, a.type)
            ranges = enc.ranges(a, self.attrs[a.name])
            self.constraints.extend(ranges)
            self.possible.extend(ranges)
        for asm in enc.ruleset.assumptions:
            self.guarded(
                f"assume{asm.index}", f"assume #{asm.index} ({asm.text})", self.expr(asm.expr)
            )
            self.possible.append(self.constraints[-1])

    def guarded(self, key: str, label: str, formula: Term) -> None:
        self.constraints.append(z3.Implies(self.enc.tracker(key, label), formula))

    def provide(self, name: str, term: Term) -> bool:
        """Use `term` as the derived value `name` (or `rule:<id>`) unless it is built already.

        Sound only when `term` equals this copy's own definition of `name` in every model of the
        query: `diff` passes the other version's term for a syntactically identical definition
        over the same attribute constants. Returns whether the term was taken.
        """
        if name in self.values or name in self.attrs:
            return False
        self.values[name] = term
        return True

    def definitions(self) -> list[Term]:
        """This copy's own constraints that only define fresh constants (not `possible`)."""
        possible = {id(f) for f in self.possible}
        return [f for f in self.constraints if id(f) not in possible]

    def all_constraints(self) -> list[Term]:
        """This copy's constraints and its parent's (a query asserts both)."""
        own = list(self.constraints)
        return own if self.parent is None else [*self.parent.all_constraints(), *own]

    def _const(self, name: str, typ: M.AttrType) -> Term:
        full = f"{self.enc.prefix}{name}!{self.tag}"
        match typ:
            case M.BoolType():
                return z3.Bool(full)
            case M.RealType():
                return z3.Real(full)
            case M.IntType() | M.EnumType():
                return z3.Int(full)

    def shares(self, node: str) -> bool:
        """Whether the derived value `node` is `sharer()`'s (its support misses what differs)."""
        if self.source is not None and self.changed is not None:
            return not (self.enc.support.get(node, frozenset()) & self.changed)
        if self.parent is None or self.varied is None:
            return False
        return not (self.enc.support.get(node, frozenset()) & self.varied)

    def sharer(self) -> Copy | None:
        """The copy derived values are shared with: the base copy or the bound copy's source."""
        return self.source if self.source is not None else self.parent

    def value(self, name: str) -> Term:
        """The term for any name of the ruleset: attribute, define, score, tier, sanction."""
        if name in self.attrs:
            return self.attrs[name]
        if name in self.values:
            return self.values[name]
        node = node_of(self.enc.ruleset, name)
        if node is None:
            raise KeyError(name)
        other = self.sharer()
        if other is not None and self.shares(node):
            term = other.value(name)
        else:
            term = self._derive(name, node)
        self.values[name] = term
        return term

    def _fresh(self, name: str, sort: str) -> Term:
        full = f"{self.enc.prefix}{name}!{self.tag}"
        return {"bool": z3.Bool, "int": z3.Int, "real": z3.Real}[sort](full)

    def _derive(self, name: str, node: str) -> Term:
        rs = self.enc.ruleset
        if node.startswith("define:"):
            d = rs.define(name)
            assert d is not None
            body = self.expr(d.expr)
            var = self._fresh(f"def:{name}", sort_of(body))
            self.guarded(f"define:{name}", f"define {name}", var == body)
            return var
        if node.startswith("sanction:"):
            s = rs.sanction(name)
            assert s is not None
            var = self._fresh(f"sanction:{name}", "bool")
            self.guarded(f"sanction:{name}", f"sanction {name}", var == self.expr(s.when))
            return var
        if node == "sanctioned":
            return z3.Or([self.value(s.name) for s in rs.sanctions] or [z3.BoolVal(False)])
        if node == "tier":
            branches = [(self.expr(t.when), z3.IntVal(self.enc.codes.code(t.id))) for t in rs.tiers]
            chain = first_match(branches, z3.IntVal(NO_TIER), z3.If)
            var = self._fresh("tier", "int")
            self.guarded("tiers", "tiers (first match)", var == chain)
            return var
        if node == "score":
            return self._score()
        raise KeyError(name)

    def _score(self) -> Term:
        sc = self.enc.ruleset.score
        assert sc is not None
        return self.score_of([self.contribution(r) for r in sc.rules])

    def provide_score(self, parts: list[Term]) -> bool:
        """Use `score_of(parts)` as this copy's score unless it is built already (`provide`).

        `diff` passes one shared term for the sum of the rules both versions share, then the
        contributions of the rest.
        """
        if "score" in self.values:
            return False
        self.values["score"] = self.score_of(parts)
        return True

    def score_of(self, parts: list[Term]) -> Term:
        """The score from rule contributions: the base added, the score range applied."""
        sc = self.enc.ruleset.score
        assert sc is not None
        sort = score_sort(sc)
        terms = [number(sc.base, sort), *parts]
        raw = z3.Sum(terms) if len(terms) > 1 else terms[0]
        var = self._fresh("score", sort)
        if sc.lo is None and sc.hi is None:
            self.constraints.append(var == raw)
            return var
        rawv = self._fresh("raw_score", sort)
        self.constraints.append(rawv == raw)
        lo = None if sc.lo is None else number(sc.lo, sort)
        hi = None if sc.hi is None else number(sc.hi, sort)
        clamped = clamp(rawv, lo, hi, z3.If, operator.lt)
        self.guarded("clamp", "score range (clamp)", var == clamped)
        return var

    def contribution(self, r: M.ScoreRule) -> Term:
        key = f"rule:{r.id}"
        if key in self.values:
            return self.values[key]
        other = self.sharer()
        if other is not None and self.shares(key):
            term = other.contribution(r)
        else:
            sc = self.enc.ruleset.score
            assert sc is not None
            sort = score_sort(sc)
            term = self._fresh(f"rule:{r.id}", sort)
            body = z3.If(self.expr(r.when), self.expr(r.add), number(0, sort))
            self.guarded(key, f"rule {r.id}", term == body)
            if isinstance(r.add, E.IntLit | E.RealLit):
                lo, hi = min(0, r.add.value), max(0, r.add.value)
                bounds = z3.And(term >= number(lo, sort), term <= number(hi, sort))
                self.guarded(key, f"rule {r.id}", bounds)
        self.values[key] = term
        return term

    def expr(
        self,
        e: E.Expr,
        params: Mapping[str, Term] | None = None,
        others: Mapping[str, Copy] | None = None,
    ) -> Term:
        return to_z3(e, self, params or {}, others or {})


__all__ = [
    "NO_TIER",
    "Copy",
    "Encoding",
    "EnumCodes",
    "Term",
    "decode",
    "number",
    "range_constraints",
    "score_sort",
    "to_z3",
    "z3_value",
]
