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

Semantics (DESIGN §2): `score = clamp(base + Σ add of the rules whose when holds)`
(`ruleproof.semantics.algebra.clamp`, `clamp_interval` for its type), the tier is the first whose
`when` holds (`algebra.first_index`; SQL NULL when none does), a sanction is imposed iff its
`when` holds, `sanctioned` is any sanction. Scorecard rules are summed per attribute into step
functions (`ruleproof.population.steps`); an alternative's expressions are partially evaluated
with its values (`ruleproof.population.fold`). `tests/test_population_sql.py` and
`tests/test_population_spark.py` compare every output with the reference evaluator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.dependencies import Node, dependency_graph, node_of, topological_order
from ruleproof.population.fold import fold
from ruleproof.population.numtypes import NumType, Ranges, const, hull, sum_type
from ruleproof.population.sqlexpr import SqlExpr, Val, cast, num_literal, str_literal
from ruleproof.population.steps import Step, split_rules, step_sql
from ruleproof.semantics.algebra import clamp_interval

Column = tuple[str, str]


@attrs.frozen
class Alternative:
    """Attributes replaced by values; `group` names the set of replaced attributes it belongs
    to (alternatives of one group share a fixed-score column)."""

    values: tuple[tuple[str, M.Value], ...]
    group: str

    @property
    def names(self) -> frozenset[str]:
        return frozenset(n for n, _ in self.values)

    @property
    def mapping(self) -> dict[str, M.Value]:
        return dict(self.values)


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
        self.split = split_rules(ruleset, scales) if ruleset.score is not None else None
        self._step_cols: dict[str, Val] = {}
        self._base_layers: dict[float, list[Column]] = {}
        self._base_cols: dict[Node, Val] = {}
        self._shared: dict[str, str] = {}  # a rule term alternatives add → its column (`u<i>`)
        for i, step in enumerate(self.split.steps if self.split else ()):
            val = self._step_sql(step)
            self._step_cols[step.name] = attrs.evolve(val, text=f"t{i}")
            # the rules a step keeps open may read defines: the step sits just below the score
            self._base_layers.setdefault(self.depth["score"] - 0.75, []).append((f"t{i}", val.text))
        for n in self.order:
            val = self._node_sql(n, self.compiler(), None)
            self._base_cols[n] = attrs.evolve(val, text=self.node_col[n])
            self._base_layers.setdefault(self.depth[n], []).append((self.node_col[n], val.text))

    def _step_sql(self, step: Step) -> Val:
        """The `CASE` of a step function: per branch, its constant plus its open rules."""
        comp = self.compiler()
        branches = []
        for b in step.branches:
            constant, terms = self._rule_terms(comp, b.rules)
            branches.append(_balanced_sum(comp, [num_literal(constant + b.constant), *terms]))
        a = self.attr_val(step.name)
        return step_sql(step, a, a.t, branches)

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
    def compiler(self, cols: Mapping[Node, Val] | None = None) -> SqlExpr:
        """An expression compiler reading attributes and node columns (`cols`, default the
        base outcome's)."""
        node_vals = cols if cols is not None else self._base_cols

        def lookup(v: E.Var) -> Val:
            if v.name in self.attr_col:
                return self.attr_val(v.name)
            node = node_of(self.ruleset, v.name)
            assert node is not None, v.name
            return node_vals[node]

        return SqlExpr(self.ranges, lookup)

    def alt_compile(self, j: int, alt: Alternative, e: E.Expr) -> Val:
        """`e` for alternative `j`: its attributes fixed (`fold`), its node columns read."""
        return self.compiler(self.alt_columns(j, alt)).compile(fold(e, alt.mapping))

    def layers(self, alternatives: Sequence[Alternative] = ()) -> list[list[Column]]:
        """The projections computing every outcome, and every alternative's affected outcomes."""
        layers: dict[float, list[Column]] = {d: list(c) for d, c in self._base_layers.items()}
        self._shared = {}
        groups: dict[str, frozenset[str]] = {}
        for alt in alternatives:
            groups.setdefault(alt.group, alt.names)
        reuse = True
        for group, names in groups.items():
            if self._emit_fixed_score(layers, group, names) and reuse:
                # the base score is the first group's fixed part plus the rules it leaves out
                reuse = False
                score = self._score_sql(self.compiler(), None, Alternative((), group), names)
                col = layers[self.depth["score"]]
                col[[n for n, _ in col].index("o_score")] = ("o_score", score.text)
        for j, alt in enumerate(alternatives):
            cols = self.alt_columns(j, alt)
            comp = self.compiler(cols)
            for n in self.order:
                if cols[n] is not self._base_cols[n]:
                    val = self._node_sql(n, comp, alt)
                    layers.setdefault(self.depth[n], []).append((cols[n].text, val.text))
        if self._shared:
            below = layers.setdefault(self.depth["score"] - 0.5, [])
            below += [(col, text) for text, col in self._shared.items()]
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

    def _node_sql(self, n: Node, comp: SqlExpr, alt: Alternative | None) -> Val:
        rs = self.ruleset

        def compile_(e: E.Expr) -> Val:
            return comp.compile(fold(e, alt.mapping) if alt is not None else e)

        if n == "score":
            return self._score_sql(comp, alt)
        if n == "tier":
            return self._tier_sql([(compile_(t.when), t.id) for t in rs.tiers])
        if n == "sanctioned":
            parts = [comp.compile(E.Var(s.name)).text for s in rs.sanctions]
            return Val(f"({' OR '.join(parts)})" if parts else "FALSE", "bool")
        kind, _, name = n.partition(":")
        if kind == "sanction":
            s = rs.sanction(name)
            assert s is not None
            return compile_(s.when)
        d = rs.define(name)
        assert d is not None
        return compile_(d.expr)

    def _tier_sql(self, whens: list[tuple[Val, str]]) -> Val:
        """The first tier whose condition holds (`algebra.first_index`); NULL when none does."""
        out: list[str] = []
        for cond, tier in whens:
            if cond.text == "FALSE":
                continue
            if cond.text == "TRUE":
                if not out:
                    return Val(str_literal(tier), "str")
                out.append(f"ELSE {str_literal(tier)}")
                return Val(f"(CASE {' '.join(out)} END)", "str")
            out.append(f"WHEN {cond.text} THEN {str_literal(tier)}")
        if not out:
            return Val("CAST(NULL AS STRING)", "str", None, True)
        return Val(f"(CASE {' '.join(out)} END)", "str", None, True)

    def _rule_terms(
        self, comp: SqlExpr, rules: Sequence[M.ScoreRule], alt: Alternative | None = None
    ) -> tuple[M.Num, list[Val]]:
        """The constant part and the SQL terms of `Σ add of rules whose when holds` (with the
        alternative's values fixed: rules it decides become constants)."""
        constant: M.Num = 0
        out = []
        for r in rules:
            when = fold(r.when, alt.mapping) if alt is not None else r.when
            add = fold(r.add, alt.mapping) if alt is not None else r.add
            if isinstance(when, E.BoolLit) and not when.value:
                continue
            if isinstance(when, E.BoolLit) and isinstance(add, E.IntLit | E.RealLit):
                constant += add.value
                continue
            t = self._contribution_type(r)
            add_val = comp.compile(add)
            if isinstance(when, E.BoolLit):
                out.append(Val(cast(add_val, t), "num", t))
                continue
            zero = num_literal(0, t).text
            text = f"(CASE WHEN {comp.compile(when).text} THEN {cast(add_val, t)} ELSE {zero} END)"
            out.append(Val(text, "num", t))
        return constant, out

    def _rule_reads(self, r: M.ScoreRule, names: frozenset[str]) -> bool:
        affected = self.affected(names)
        for name in r.reads:
            if name in names:
                return True
            node = node_of(self.ruleset, name)
            if node is not None and node in affected:
                return True
        return False

    def _parts(self, names: frozenset[str]) -> tuple[list[Step], list[M.ScoreRule]]:
        """The step functions and the other rules that read none of `names` (nor anything
        they affect)."""
        assert self.split is not None
        steps = [s for s in self.split.steps if not self._step_reads(s, names)]
        rest = [r for r in self.split.rest if not self._rule_reads(r, names)]
        return steps, rest

    def _step_reads(self, step: Step, names: frozenset[str]) -> bool:
        return any(self._rule_reads(r, names) for r in step.rules)

    def _score_sql(
        self,
        comp: SqlExpr,
        alt: Alternative | None,
        fixed: Alternative | None = None,
        names: frozenset[str] = frozenset(),
    ) -> Val:
        """The score of the base citizen (`alt` None) or of an alternative; with `fixed`, the
        base score as the fixed column of `fixed.group` plus the rules reading `names`."""
        sc, split = self.ruleset.score, self.split
        assert sc is not None and split is not None
        if fixed is not None:
            terms = [self._fixed_val(fixed.group, names)]
            terms += [self._step_cols[s.name] for s in split.steps if self._step_reads(s, names)]
            moving = [r for r in split.rest if self._rule_reads(r, names)]
            constant, rule_terms = self._rule_terms(comp, moving)
            terms += rule_terms
        elif alt is None:
            constant, terms = self._rule_terms(comp, split.rest)
            terms = [self._step_cols[s.name] for s in split.steps] + terms
            constant += split.constant
        else:
            terms = [self._fixed_val(alt.group, alt.names)]
            moving = [r for s in split.steps if self._step_reads(s, alt.names) for r in s.rules]
            moving += [r for r in split.rest if self._rule_reads(r, alt.names)]
            constant, rule_terms = self._rule_terms(comp, moving, alt)
            for term in rule_terms:  # computed once for all the alternatives that add it
                col = self._shared.setdefault(term.text, f"u{len(self._shared)}")
                terms.append(attrs.evolve(term, text=col))
        if constant != 0 or not terms:
            terms.insert(0, num_literal(constant))
        raw = _balanced_sum(comp, terms)
        return _clamp(comp, raw, sc.lo, sc.hi, self._score_type())

    def _fixed_val(self, group: str, names: frozenset[str]) -> Val:
        assert self.split is not None
        steps, rest = self._parts(names)
        t = sum_type(
            [*(self._step_cols[s.name].num for s in steps)]
            + [self._contribution_type(r) for r in rest],
            const(self.split.constant),
        )
        return Val(f"o_fixed__{group}", "num", t)

    def _emit_fixed_score(
        self, layers: dict[float, list[Column]], group: str, names: frozenset[str]
    ) -> bool:
        """Add the column of the score's part that `names` do not change (half a layer below
        the score, so that the score can read it); whether there is one."""
        if self.split is None or "score" not in self.affected(names):
            return False
        comp = self.compiler()
        steps, rest = self._parts(names)
        constant, rule_terms = self._rule_terms(comp, rest)
        terms = [num_literal(constant + self.split.constant)]
        terms += [self._step_cols[s.name] for s in steps] + rule_terms
        raw = _balanced_sum(comp, terms)
        want = self._fixed_val(group, names)
        layers.setdefault(self.depth["score"] - 0.5, []).append((want.text, cast(raw, want.num)))
        return True


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
    """The type of the clamped score: the clamp's image of the raw score's interval
    (`algebra.clamp_interval`), with the decimal places of the raw score and of both ends."""
    clo, chi = clamp_interval((raw.lo, raw.hi), lo, hi)
    assert clo is not None and chi is not None
    scale = max([raw.scale] + [const(b).scale for b in (lo, hi) if b is not None])
    return NumType(Fraction(clo), Fraction(chi), scale)


def _clamp(comp: SqlExpr, raw: Val, lo: M.Num | None, hi: M.Num | None, res: NumType) -> Val:
    work = hull(raw.num, *(const(b) for b in (lo, hi) if b is not None))
    text = cast(raw, work)
    if lo is not None:
        text = f"GREATEST({text}, {num_literal(lo, work).text})"
    if hi is not None:
        text = f"LEAST({text}, {num_literal(hi, work).text})"
    out = Val(text, "num", work)
    return Val(cast(out, res), "num", res)


Lookup = Callable[[E.Var], Val]
