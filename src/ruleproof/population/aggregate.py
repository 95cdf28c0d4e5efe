"""The aggregate rows of an impact query, summed up overall and per group.

`Aggregate(query, keys, rows)` reads the rows of `PopulationQuery.aggregate_sql()` (one per
reason code, group key, tier and, for narrow int scores, score) and gives the report's parts:
`invalid()` (refused rows by reason), `summary(member)` (people, score quantiles, tier counts,
sanction counts, the favourable outcome and its rate), `groups(labels)` (with each group's
disparate-impact ratio and the four-fifths rule), `counterfactuals()` and `properties()`.
Quantiles are the lower (inverted-CDF) quantiles of the exact scores; counts are exact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from ruleproof.language.values import fraction_text, value_json
from ruleproof.population.query import PopulationQuery

QUANTILES = (
    ("min", Fraction(0)),
    ("p10", Fraction(1, 10)),
    ("p25", Fraction(1, 4)),
    ("median", Fraction(1, 2)),
    ("p75", Fraction(3, 4)),
    ("p90", Fraction(9, 10)),
    ("max", Fraction(1)),
)
FOUR_FIFTHS = Fraction(4, 5)


class Aggregate:
    """The aggregate rows, summed up per group and overall (module docstring)."""

    def __init__(self, q: PopulationQuery, keys: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.q = q
        self.keys = keys
        self.cols = keys + self._value_names()
        self.rows = [dict(zip(self.cols, r, strict=True)) for r in rows]
        self.valid = [r for r in self.rows if r["bad_"] is None]
        self.valid_n = sum(r["n_"] for r in self.valid)

    def _value_names(self) -> list[str]:
        q = self.q
        out = ["n_"]
        if q.favourable is not None:
            out.append("fav_n")
        out += [f"s{i}_n" for i in range(len(q.rs.sanctions))]
        for k in range(len(q.counterfactuals)):
            out += [f"f{k}_{o}_n" for o in ("score", "tier", "sanc", "any")]
        out += [f"p{i}_n" for i in range(len(q.regions))]
        return out

    def invalid(self) -> dict[str, Any]:
        reasons: Counter[str] = Counter()
        for r in self.rows:
            if r["bad_"] is not None:
                reasons[self.q.reasons[r["bad_"]]] += r["n_"]
        listed = [
            {"reason": k, "count": v}
            for k, v in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return {"count": sum(reasons.values()), "reasons": listed, "examples": []}

    def summary(self, member: Any) -> dict[str, Any]:
        rows = [r for r in self.valid if member(r)]
        n = sum(r["n_"] for r in rows)
        out: dict[str, Any] = {"n": n}
        rs = self.q.rs
        if rs.score is not None and self.q.histogram:
            hist: Counter[Any] = Counter()
            for r in rows:
                hist[r["o_score"]] += r["n_"]
            out["score"] = _quantiles(hist, n)
        if rs.tiers:
            tiers: Counter[Any] = Counter()
            for r in rows:
                tiers[r["o_tier"]] += r["n_"]
            order = [t.id for t in rs.tiers] + [None]
            out["tiers"] = [
                {"tier": t, "count": tiers[t]} for t in order if tiers[t] or t is not None
            ]
        out["sanctions"] = {
            s.name: sum(r[f"s{i}_n"] for r in rows) for i, s in enumerate(rs.sanctions)
        }
        if self.q.favourable is not None:
            fav = sum(r["fav_n"] for r in rows)
            out["favourable"] = fav
            out["favourable_rate"] = _rate(fav, n)
        return out

    def groups(self, labels: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for i, label in enumerate(labels):
            values = sorted({r[f"g{i}"] for r in self.valid}, key=_sort_key)
            entries = []
            for v in values:
                entry = {
                    "value": value_json(v),
                    **self.summary(lambda r, v=v, i=i: r[f"g{i}"] == v),
                }
                entries.append(entry)
            _disparate_impact(entries)
            out[label] = entries
        return out

    def counterfactuals(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for k, cf in enumerate(self.q.counterfactuals):
            counts = {
                name: sum(r[f"f{k}_{col}_n"] for r in self.valid)
                for name, col in (
                    ("score", "score"),
                    ("tier", "tier"),
                    ("sanctions", "sanc"),
                    ("any", "any"),
                )
            }
            out[cf.label] = {**counts, "alternatives": len(cf.values), "examples": []}
        return out

    def properties(self) -> list[dict[str, Any]]:
        return [
            {"property": r.label, "count": sum(row[f"p{i}_n"] for row in self.valid)}
            for i, r in enumerate(self.q.regions)
        ]


def _sort_key(v: Any) -> tuple[int, Any]:
    if v is None:
        return (2, "")
    if isinstance(v, str):
        return (1, v)
    return (0, v)


def _rate(k: int, n: int) -> float | None:
    return round(k / n, 6) if n else None


def _disparate_impact(entries: list[dict[str, Any]]) -> None:
    rates = [Fraction(e["favourable"], e["n"]) for e in entries if "favourable" in e and e["n"]]
    if not rates:
        return
    best = max(rates)
    for e in entries:
        if "favourable" not in e or not e["n"] or best == 0:
            continue
        ratio = Fraction(e["favourable"], e["n"]) / best
        e["di_ratio"] = round(float(ratio), 6)
        e["four_fifths_ok"] = ratio >= FOUR_FIFTHS


def _quantiles(hist: Counter[Any], n: int) -> dict[str, Any]:
    if not n:
        return {}
    values = sorted(hist)
    out: dict[str, Any] = {}
    for name, q in QUANTILES:
        rank = max(1, -(-q * n // 1))  # ceil(q * n), at least 1
        seen = 0
        for v in values:
            seen += hist[v]
            if seen >= rank:
                out[name] = value_json(v)
                break
    total = sum(Fraction(v) * c for v, c in hist.items())
    mean: Fraction = round(Fraction(total) / n, 6)
    out["mean"] = fraction_text(mean)
    return out
