"""The one query text of an impact run: source → typed attributes → outcomes → per-row facts.

`PopulationQuery` assembles, for one ruleset and one source view, the layered SELECTs: the
source columns parsed and typed (`ruleproof.population.inputs`), the outcome layers with every
counterfactual alternative (`ruleproof.population.plan`), and a last projection with `bad_` (why
the row is not a possible citizen: the first attribute out of its domain, else the first
`assume` that fails; NULL for a possible citizen), the `--by` group keys `g<i>`, the favourable
flag `fav_`, the counterfactual flip flags `f<k>_score|tier|sanc|any` (1 when some possible
alternative changes that output) with `f<k>_alt` (the first such alternative), and a flag
`p<i>_` per property region. `rows_sql()` is that per-row relation; `aggregate_sql()` counts it
by reason, group keys, tier (and score, when the score has at most `HISTOGRAM_MAX` values).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.population.plan import Alternative, OutcomePlan
from ruleproof.population.sqlexpr import Val, str_literal

HISTOGRAM_MAX = 100_000


@attrs.frozen
class Counterfactual:
    """Attributes varied jointly and the values each alternative gives them."""

    label: str
    names: tuple[str, ...]
    values: tuple[dict[str, M.Value], ...]


@attrs.frozen
class Region:
    label: str
    expr: E.Expr


class PopulationQuery:
    def __init__(
        self,
        plan: OutcomePlan,
        typed_layers: Sequence[list[tuple[str, str]]],
        source: str,
        groups: Sequence[E.Expr] = (),
        favourable: E.Expr | None = None,
        counterfactuals: Sequence[Counterfactual] = (),
        regions: Sequence[Region] = (),
    ) -> None:
        self.plan = plan
        self.rs = plan.ruleset
        self.typed_layers = list(typed_layers)
        self.source = source
        self.groups = list(groups)
        self.favourable = favourable
        self.counterfactuals = list(counterfactuals)
        self.regions = list(regions)
        self.alternatives: list[Alternative] = []
        self.alt_spans: list[
            tuple[int, int]
        ] = []  # per counterfactual: [start, end) in alternatives
        for k, cf in enumerate(counterfactuals):
            start = len(self.alternatives)
            for values in cf.values:
                lits = tuple((n, plan.attr_literal(n, v)) for n, v in values.items())
                self.alternatives.append(Alternative(lits, f"k{k}"))
            self.alt_spans.append((start, len(self.alternatives)))
        base = plan.compiler()
        self.group_vals = [base.compile(g) for g in self.groups]

    @property
    def histogram(self) -> bool:
        """Whether the aggregate counts scores one by one (int scores in a small range)."""
        sc = self.rs.score
        if sc is None:
            return False
        t = self.plan.ranges.name("score")
        return t.scale == 0 and t.hi - t.lo <= HISTOGRAM_MAX

    def rows_sql(self) -> str:
        first, *typed = self.typed_layers
        q = f"SELECT {', '.join(f'{text} AS {name}' for name, text in first)} FROM {self.source}"
        layers = [*typed, *self.plan.layers(self.alternatives), self._last()]
        for i, layer in enumerate(layers):
            cols = ", ".join(f"{text} AS {name}" for name, text in layer)
            q = f"SELECT *, {cols} FROM ({q}) AS q{i}"
        return q

    def _last(self) -> list[tuple[str, str]]:
        base = self.plan.compiler()
        cols = [("bad_", self._bad(base))]
        cols += [(f"g{i}", v.text) for i, v in enumerate(self.group_vals)]
        if self.favourable is not None:
            cols.append(("fav_", _flag(base.compile(self.favourable).text)))
        for k, (start, end) in enumerate(self.alt_spans):
            cols += self._flips(k, start, end)
        for i, r in enumerate(self.regions):
            cols.append((f"p{i}_", _flag(base.compile(r.expr).text)))
        return cols

    def _bad(self, base: object) -> str:
        from ruleproof.population.sqlexpr import SqlExpr

        assert isinstance(base, SqlExpr)
        cases = " ".join(
            f"WHEN NOT {base.compile(a.expr).text} THEN "
            f"{str_literal(f'assume #{a.index} `{a.text}` does not hold')}"
            for a in self.rs.assumptions
        )
        assumes = f"(CASE {cases} END)" if cases else "CAST(NULL AS STRING)"
        return f"COALESCE(bad_domain_, {assumes})"

    def _flips(self, k: int, start: int, end: int) -> list[tuple[str, str]]:
        plan = self.plan
        base = plan.base_columns()
        score, tier, sanc, firsts, later = [], [], [], [], []
        for j in range(start, end):
            alt = self.alternatives[j]
            cols = plan.alt_columns(j, alt)
            comp = plan.compiler(dict(alt.values), cols)
            affected = plan.affected(alt.names)
            poss = [
                comp.compile(a.expr).text
                for a in self.rs.assumptions
                if _reads(plan, a.expr, alt.names, affected)
            ]
            ok = " AND ".join(poss) if poss else "TRUE"
            parts: list[str] = []
            if "score" in affected:
                score.append(f"({ok} AND {cols['score'].text} <> {base['score'].text})")
                later.append(f"WHEN {score[-1]} THEN {j - start}")
            if "tier" in affected:
                t = f"({ok} AND {cols['tier'].text} IS DISTINCT FROM {base['tier'].text})"
                tier.append(t)
                parts.append(t)
            changed = [
                f"{cols[n].text} <> {base[n].text}"
                for n in base
                if n.startswith("sanction:") and n in affected
            ]
            if changed:
                sanc.append(f"({ok} AND ({' OR '.join(changed)}))")
                parts.append(sanc[-1])
            if parts:
                firsts.append(f"WHEN {' OR '.join(parts)} THEN {j - start}")
        out = [
            (f"f{k}_score", _any(score)),
            (f"f{k}_tier", _any(tier)),
            (f"f{k}_sanc", _any(sanc)),
        ]
        out.append((f"f{k}_any", f"GREATEST({out[0][1]}, {out[1][1]}, {out[2][1]})"))
        # the first alternative that changes the tier or the sanctions, else the score
        firsts += later
        first = f"(CASE {' '.join(firsts)} END)" if firsts else "CAST(NULL AS BIGINT)"
        out.append((f"f{k}_alt", first))
        return out

    def aggregate_sql(self) -> str:
        keys = ["bad_", *(f"g{i}" for i in range(len(self.groups)))]
        if self.rs.tiers:
            keys.append("o_tier")
        if self.histogram:
            keys.append("o_score")
        sums = ["COUNT(*) AS n_"]
        if self.favourable is not None:
            sums.append("SUM(fav_) AS fav_n")
        sums += [
            f"SUM(CASE WHEN s{i} THEN 1 ELSE 0 END) AS s{i}_n"
            for i in range(len(self.rs.sanctions))
        ]
        for k in range(len(self.counterfactuals)):
            sums += [f"SUM(f{k}_{o}) AS f{k}_{o}_n" for o in ("score", "tier", "sanc", "any")]
        sums += [f"SUM(p{i}_) AS p{i}_n" for i in range(len(self.regions))]
        key_list = ", ".join(keys)
        return (
            f"SELECT {key_list}, {', '.join(sums)} FROM ({self.rows_sql()}) AS r_ "
            f"GROUP BY {key_list}"
        )

    def key_names(self) -> list[str]:
        keys = ["bad_", *(f"g{i}" for i in range(len(self.groups)))]
        if self.rs.tiers:
            keys.append("o_tier")
        if self.histogram:
            keys.append("o_score")
        return keys


def _flag(cond: str) -> str:
    return f"(CASE WHEN {cond} THEN 1 ELSE 0 END)"


def _any(conds: list[str]) -> str:
    return _flag(" OR ".join(conds)) if conds else "0"


def _reads(plan: OutcomePlan, e: E.Expr, names: frozenset[str], affected: set[str]) -> bool:
    from ruleproof.language.dependencies import node_of

    for n in E.names(e):
        if n in names:
            return True
        node = node_of(plan.ruleset, n)
        if node is not None and node in affected:
            return True
    return False


__all__ = ["Counterfactual", "PopulationQuery", "Region", "Val"]
