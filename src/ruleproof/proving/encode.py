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
from fractions import Fraction
from typing import Any, assert_never

import z3

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.support import support_sets
from ruleproof.language.typecheck import node_of
from ruleproof.semantics.algebra import clamp, first_match
from ruleproof.semantics.intervals import Bounds

NO_TIER = -1
Term = Any  # z3.ExprRef; z3 ships no type stubs


def score_sort(score: M.Score) -> str:
    """The Z3 sort of a score and its rule contributions."""
    return "real" if score.real else "int"


def number(v: M.Num, sort: str) -> Term:
    """A number as a Z3 constant of the given sort (`int` or `real`)."""
    if sort == "real":
        f = Fraction(v)
        return z3.RealVal(f"{f.numerator}/{f.denominator}")
    assert not isinstance(v, Fraction) or v.denominator == 1, v
    return z3.IntVal(int(v))


def z3_value(v: M.Value, codes: EnumCodes) -> Term:
    if isinstance(v, bool):
        return z3.BoolVal(v)
    if isinstance(v, int):
        return z3.IntVal(v)
    if isinstance(v, Fraction):
        return z3.RealVal(f"{v.numerator}/{v.denominator}")
    return z3.IntVal(codes.code(v))


class EnumCodes:
    """A global, context-free int code for every enum value and tier id (and other literals)."""

    def __init__(self, ruleset: M.Ruleset) -> None:
        self.codes: dict[str, int] = {}
        for a in ruleset.attributes:
            if isinstance(a.type, M.EnumType):
                for v in a.type.values:
                    self.code(v)
        for act in ruleset.actions:
            for p in act.params:
                if isinstance(p.type, M.EnumType):
                    for v in p.type.values:
                        self.code(v)
        for t in ruleset.tiers:
            self.code(t.id)

    def code(self, value: str) -> int:
        if value not in self.codes:
            self.codes[value] = len(self.codes)
        return self.codes[value]

    def name(self, code: int) -> str | None:
        for k, v in self.codes.items():
            if v == code:
                return k
        return None


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
            var = self._fresh(f"def:{name}", _sort_of(body))
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


def range_constraints(var: Term, typ: M.AttrType, codes: EnumCodes) -> list[Term]:
    match typ:
        case M.BoolType():
            return []
        case M.IntType(lo, hi):
            return [var >= lo, var <= hi]
        case M.RealType(lo, hi):
            return [var >= z3_value(lo, codes), var <= z3_value(hi, codes)]
        case M.EnumType(values):
            return [z3.Or([var == codes.code(v) for v in values])]


def _sort_of(term: Term) -> str:
    if z3.is_bool(term):
        return "bool"
    if z3.is_int(term):
        return "int"
    return "real"


def _is_const(e: E.Expr) -> bool:
    return not E.free_vars(e)


def to_z3(e: E.Expr, copy: Copy, params: Mapping[str, Term], others: Mapping[str, Copy]) -> Term:
    """Translate a well-typed expression; `others` resolves `a.name` in relational queries."""

    def go(x: E.Expr) -> Term:
        return to_z3(x, copy, params, others)

    match e:
        case E.BoolLit(v):
            return z3.BoolVal(v)
        case E.IntLit(v):
            return z3.IntVal(v)
        case E.RealLit(v):
            return z3_value(v, copy.enc.codes)
        case E.EnumLit(v):
            return z3.IntVal(copy.enc.codes.code(v))
        case E.Var(name, citizen):
            if citizen is not None:
                return others[citizen].value(name)
            if name in params:
                return params[name]
            return copy.value(name)
        case E.Neg(arg):
            return -go(arg)
        case E.Not(arg):
            return z3.Not(go(arg))
        case E.Arith(op, left, right):
            a, b = go(left), go(right)
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                if not (_is_const(left) or _is_const(right)):
                    copy.enc.nonlinear.append(e)
                return a * b
            if op == "//":
                return (
                    a / b
                )  # SMT-LIB div = `algebra.floordiv` for the positive int divisors allowed
            return a % b  # SMT-LIB mod = `algebra.floormod` likewise
        case E.Compare(ops, operands):
            terms = [go(o) for o in operands]
            parts = [_cmp(op, x, y) for op, x, y in zip(ops, terms, terms[1:], strict=False)]
            return parts[0] if len(parts) == 1 else z3.And(parts)
        case E.And(args):
            return z3.And([go(a) for a in args])
        case E.Or(args):
            return z3.Or([go(a) for a in args])
        case E.IfElse(cond, then, orelse):
            return z3.If(go(cond), go(then), go(orelse))
        case E.In(item, options, negated):
            it = go(item)
            found = z3.Or([it == go(o) for o in options])
            return z3.Not(found) if negated else found
        case E.Call(func, args):
            vals = [go(a) for a in args]
            if func == "implies":
                return z3.Implies(vals[0], vals[1])
            if func == "abs":
                return z3.If(vals[0] >= 0, vals[0], -vals[0])
            acc = vals[0]
            for v in vals[1:]:
                acc = z3.If(v < acc, v, acc) if func == "min" else z3.If(v > acc, v, acc)
            return acc
        case E.FirstMatch(branches, default):
            pairs = [(go(c), go(v)) for c, v in branches]
            return first_match(pairs, go(default), z3.If)
        case _:
            assert_never(e)


def _cmp(op: str, a: Term, b: Term) -> Term:
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def decode(model: Any, term: Term, typ: M.AttrType, codes: EnumCodes) -> M.Value:
    """A model value by its declared type (never through `eval` of text)."""
    v = model.eval(term, model_completion=True)
    match typ:
        case M.BoolType():
            return bool(z3.is_true(v))
        case M.IntType():
            return int(v.as_long())
        case M.RealType():
            return Fraction(v.numerator_as_long(), v.denominator_as_long())
        case M.EnumType(values):
            name = codes.name(int(v.as_long()))
            return name if name in values else values[0]
