"""A ruleset's outcome as layered SQL projections: defines, score, tier, sanctions, and the same
outputs again for citizens with some attributes replaced (counterfactual alternatives).

`OutcomePlan(ruleset, scales)` names one SQL column per attribute (`a0`, `a1`, … in declaration
order, typed by the input stage) and per derived name (`d<i>` defines, `s<i>` sanctions,
`o_score`, `o_tier`, `o_sanctioned`). `layers(alternatives)` returns the projections, one list of
`(column, sql)` per dependency depth: a column reads only columns of earlier layers, so each
layer is `SELECT *, <its columns> FROM (<previous layer>)`. An `Alternative` replaces attributes
by SQL values; only the names that depend on a replaced attribute are computed again (suffix
`__<j>`); the score of an alternative is the part of the raw score from rules that read no
replaced attribute (one column per set of replaced attributes) plus the rules that do.

Semantics (DESIGN §2): `score = clamp(base + Σ add of the rules whose when holds)`, the tier is the
first whose `when` holds (SQL NULL when none does), a sanction is imposed iff its `when` holds,
`sanctioned` is any sanction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.dependencies import Node, dependency_graph, node_of, topological_order
from ruleproof.population.numtypes import NumType, Ranges, const, hull, sum_type
from ruleproof.population.sqlexpr import SqlExpr, Val, num_literal, str_literal
from ruleproof.semantics.algebra import clamp_interval

Column = tuple[str, str]


@attrs.frozen
class Alternative:
    """Attributes replaced by SQL values (typed as the attributes' own columns); `group` names
    the set of replaced attributes it belongs to (alternatives of one group share a raw-score
    column)."""

    values: tuple[tuple[str, Val], ...]
    group: str

    @property
    def names(self) -> frozenset[str]:
        return frozenset(n for n, _ in self.values)


class OutcomePlan:
    """Column names, types and SQL for one ruleset's outcomes."""

    def __init__(self, ruleset: M.Ruleset, scales: Mapping[str, int]) -> None:
        self.ruleset = ruleset
        self.ranges = Ranges(ruleset, lambda n: scales[n], self._score_type)
        self.graph = dependency_graph(ruleset)
        self.order = topological_order(self.graph)
        self.depth: dict[Node, int] = {}
        for n in self.order:
            self.depth[n] = 1 + max((self.depth[d] for d in self.graph[n]), default=0)
        self.attr_col = {a.name: f"a{i}" for i, a in enumerate(ruleset.attributes)}
        self.node_col: dict[Node, str] = {"score": "o_score", "tier": "o_tier"}
        self.node_col["sanctioned"] = "o_sanctioned"
        for i, d in enumerate(ruleset.defines):
            self.node_col[f"define:{d.name}"] = f"d{i}"
        for i, s in enumerate(ruleset.sanctions):
            self.node_col[f"sanction:{s.name}"] = f"s{i}"
        self._reads = {n: self._direct_reads(n) for n in self.order}
        self._base_cols: dict[Node, Val] = {}
        self._base_layers: dict[int, list[Column]] = {}
        for n in self.order:
            val = self._node_sql(n, self.compiler(), None, frozenset())
            self._base_cols[n] = attrs.evolve(val, text=self.node_col[n])
            self._base_layers.setdefault(self.depth[n], []).append((self.node_col[n], val.text))

    # -- types and names ---------------------------------------------------------------------
    def attr_val(self, name: str) -> Val:
        """The typed input column of attribute `name`."""
        t = self.ruleset.attribute(name).type
        col = self.attr_col[name]
        if isinstance(t, M.BoolType):
            return Val(col, "bool")
        if isinstance(t, M.EnumType):
            return Val(col, "str")
        return Val(col, "num", self.ranges.name(name))

    def attr_literal(self, name: str, value: M.Value) -> Val:
        """`value` of attribute `name` as SQL typed like the attribute's column."""
        t = self.ruleset.attribute(name).type
        if isinstance(t, M.BoolType):
            return Val("TRUE" if value else "FALSE", "bool")
        if isinstance(t, M.EnumType):
            assert isinstance(value, str)
            return Val(str_literal(value), "str")
        assert isinstance(value, int | Fraction) and not isinstance(value, bool)
        return num_literal(value, self.ranges.name(name))

    def _score_type(self) -> NumType:
        sc = self.ruleset.score
        assert sc is not None
        raw = sum_type((self._contribution_type(r) for r in sc.rules), const(sc.base))
        return _clamp_type(raw, sc.lo, sc.hi)

    def _contribution_type(self, r: M.ScoreRule) -> NumType:
        return hull(self.ranges.of(r.add), const(0))

    def _direct_reads(self, node: Node) -> tuple[frozenset[str], frozenset[Node]]:
        attrs_read: set[str] = set()
        for x in _node_exprs(self.ruleset, node):
            attrs_read |= {n for n in E.names(x) if n in self.attr_col}
        return frozenset(attrs_read), frozenset(self.graph[node])

    def affected(self, names: frozenset[str]) -> set[Node]:
        """The derived names whose value can change when the attributes `names` change."""
        out: set[Node] = set()
        for n in self.order:
            direct, deps = self._reads[n]
            if direct & names or deps & out:
                out.add(n)
        return out

    # -- compiling ---------------------------------------------------------------------------
    def compiler(
        self, subst: Mapping[str, Val] | None = None, cols: Mapping[Node, Val] | None = None
    ) -> SqlExpr:
        """An expression compiler reading attributes (or `subst`) and node columns (`cols`,
        default the base outcome's)."""
        subst = subst or {}
        node_vals = cols if cols is not None else self._base_cols

        def lookup(v: E.Var) -> Val:
            if v.name in subst:
                return subst[v.name]
            if v.name in self.attr_col:
                return self.attr_val(v.name)
            node = node_of(self.ruleset, v.name)
            assert node is not None, v.name
            return node_vals[node]

        return SqlExpr(self.ranges, lookup)

    def layers(self, alternatives: Sequence[Alternative] = ()) -> list[list[Column]]:
        """The projections computing every outcome, and every alternative's affected outcomes."""
        layers = {d: list(cols) for d, cols in self._base_layers.items()}
        groups: dict[str, frozenset[str]] = {}
        for alt in alternatives:
            groups.setdefault(alt.group, alt.names)
        for group, names in groups.items():
            self._emit_fixed_score(layers, group, names)
        for j, alt in enumerate(alternatives):
            cols = self.alt_columns(j, alt)
            comp = self.compiler(dict(alt.values), cols)
            for n in self.order:
                if cols[n] is not self._base_cols[n]:
                    val = self._node_sql(n, comp, alt.group, alt.names)
                    layers.setdefault(self.depth[n], []).append((cols[n].text, val.text))
        return [layers[d] for d in sorted(layers)]

    def alt_columns(self, j: int, alt: Alternative) -> dict[Node, Val]:
        """The node columns alternative `j` reads (its own where affected, else the base)."""
        affected = self.affected(alt.names)
        return {
            n: attrs.evolve(v, text=f"{self.node_col[n]}__{j}") if n in affected else v
            for n, v in self._base_cols.items()
        }

    def base_columns(self) -> dict[Node, Val]:
        """The base outcome's node columns."""
        return dict(self._base_cols)

    def _node_sql(self, n: Node, comp: SqlExpr, group: str | None, names: frozenset[str]) -> Val:
        rs = self.ruleset
        if n == "score":
            return self._score_sql(comp, group, names)
        if n == "tier":
            whens = " ".join(
                f"WHEN {comp.compile(t.when).text} THEN {str_literal(t.id)}" for t in rs.tiers
            )
            total = any(isinstance(t.when, E.BoolLit) and t.when.value for t in rs.tiers)
            return Val(f"(CASE {whens} END)", "str", None, not total)
        if n == "sanctioned":
            parts = [comp.compile(E.Var(s.name)).text for s in rs.sanctions]
            return Val(f"({' OR '.join(parts)})" if parts else "FALSE", "bool")
        kind, _, name = n.partition(":")
        if kind == "sanction":
            s = rs.sanction(name)
            assert s is not None
            return comp.compile(s.when)
        d = rs.define(name)
        assert d is not None
        return comp.compile(d.expr)

    def _rule_terms(self, comp: SqlExpr, rules: Sequence[M.ScoreRule]) -> list[Val]:
        out = []
        for r in rules:
            t = self._contribution_type(r)
            when, add = comp.compile(r.when), comp.compile(r.add)
            from ruleproof.population.sqlexpr import cast

            zero = num_literal(0, t).text
            out.append(
                Val(f"(CASE WHEN {when.text} THEN {cast(add, t)} ELSE {zero} END)", "num", t)
            )
        return out

    def _rule_reads(self, r: M.ScoreRule, names: frozenset[str]) -> bool:
        affected = self.affected(names)
        for name in r.reads:
            if name in names:
                return True
            node = node_of(self.ruleset, name)
            if node is not None and node in affected:
                return True
        return False

    def _score_sql(self, comp: SqlExpr, group: str | None, names: frozenset[str]) -> Val:
        sc = self.ruleset.score
        assert sc is not None
        if group is None:
            terms = [num_literal(sc.base), *self._rule_terms(comp, sc.rules)]
        else:
            fixed = self._fixed_val(group, names)
            moving = [r for r in sc.rules if self._rule_reads(r, names)]
            terms = [fixed, *self._rule_terms(comp, moving)]
        raw = _balanced_sum(comp, terms)
        return _clamp(comp, raw, sc.lo, sc.hi, self._score_type())

    def _fixed_val(self, group: str, names: frozenset[str]) -> Val:
        sc = self.ruleset.score
        assert sc is not None
        fixed = [r for r in sc.rules if not self._rule_reads(r, names)]
        t = sum_type((self._contribution_type(r) for r in fixed), const(sc.base))
        return Val(f"o_fixed__{group}", "num", t)

    def _emit_fixed_score(
        self, layers: dict[int, list[Column]], group: str, names: frozenset[str]
    ) -> None:
        sc = self.ruleset.score
        if sc is None or "score" not in self.affected(names):
            return
        comp = self.compiler()
        fixed = [r for r in sc.rules if not self._rule_reads(r, names)]
        raw = _balanced_sum(comp, [num_literal(sc.base), *self._rule_terms(comp, fixed)])
        want = self._fixed_val(group, names)
        from ruleproof.population.sqlexpr import cast

        layers.setdefault(self.depth["score"], []).append((want.text, cast(raw, want.num)))


def _node_exprs(ruleset: M.Ruleset, node: Node) -> list[E.Expr]:
    from ruleproof.language.dependencies import node_exprs

    return node_exprs(ruleset, node)


def _balanced_sum(comp: SqlExpr, terms: list[Val]) -> Val:
    """`Σ terms` as a balanced tree of additions, each exact in its own type."""
    if len(terms) == 1:
        return terms[0]
    mid = len(terms) // 2
    a, b = _balanced_sum(comp, terms[:mid]), _balanced_sum(comp, terms[mid:])
    res = NumType(a.num.lo + b.num.lo, a.num.hi + b.num.hi, max(a.num.scale, b.num.scale))
    return comp._arith("+", a, b, res)


def _clamp_type(raw: NumType, lo: M.Num | None, hi: M.Num | None) -> NumType:
    """The type of the clamped score: the clamp's image of the raw score's interval."""
    clo, chi = clamp_interval((raw.lo, raw.hi), lo, hi)
    assert clo is not None and chi is not None
    return NumType(Fraction(clo), Fraction(chi), raw.scale)


def _clamp(comp: SqlExpr, raw: Val, lo: M.Num | None, hi: M.Num | None, res: NumType) -> Val:
    from ruleproof.population.sqlexpr import cast

    work = hull(raw.num, *(const(b) for b in (lo, hi) if b is not None))
    text = cast(raw, work)
    if lo is not None:
        text = f"GREATEST({text}, {num_literal(lo, work).text})"
    if hi is not None:
        text = f"LEAST({text}, {num_literal(hi, work).text})"
    out = Val(text, "num", work)
    return Val(cast(out, res), "num", res)


Lookup = Callable[[E.Var], Val]
