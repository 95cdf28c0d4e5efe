"""Shared by the population tests: random populations as CSV, and the SQL-vs-evaluator check.

`population(ruleset)` draws possible citizens whose reals have at most `SCALE` places (what a
decimal column holds), plus impossible rows (out of range, malformed text, too many places, a
false `assume`). `check_rows(engine, ruleset, rows, tmp)` writes them to a CSV file, runs the
compiled query on `engine`, and returns the per-row outcomes next to the reference evaluator's;
`mismatches(...)` lists every disagreement.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
from hypothesis import strategies as st

from ruleproof.language import ruleset as M
from ruleproof.language.values import fraction_text
from ruleproof.population.engines import Engine
from ruleproof.population.impact import Options, build_query
from ruleproof.population.query import Counterfactual
from ruleproof.semantics.evaluate import evaluate, in_domain
from ruleproof.testing import citizens

SCALE = 4
Row = dict[str, Any]


def _fix(ruleset: M.Ruleset, c: dict[str, M.Value]) -> dict[str, M.Value]:
    out = dict(c)
    for a in ruleset.attributes:
        if isinstance(a.type, M.RealType):
            v = Fraction(round(Fraction(c[a.name]) * 10**SCALE), 10**SCALE)
            out[a.name] = min(max(v, a.type.lo), a.type.hi)
    return out


def possible(ruleset: M.Ruleset) -> st.SearchStrategy[dict[str, M.Value]]:
    """Possible citizens whose reals are decimals of at most SCALE places."""
    return (
        citizens(ruleset)
        .map(lambda c: _fix(ruleset, c))
        .filter(lambda c: in_domain(ruleset, c) is None)
    )


def text(v: M.Value) -> str:
    """A value as the CSV text the input stage parses."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Fraction):
        return fraction_text(v)
    return str(v)


@st.composite
def broken(draw: st.DrawFn, ruleset: M.Ruleset, base: dict[str, M.Value]) -> dict[str, str]:
    """`base` as CSV text with one attribute spoiled (out of range, malformed, too precise)."""
    row = {k: text(v) for k, v in base.items()}
    a = draw(st.sampled_from(ruleset.attributes))
    match a.type:
        case M.BoolType():
            bad = draw(st.sampled_from(["yes", "", "2", "tru"]))
        case M.IntType(lo, hi):
            bad = draw(st.sampled_from([str(lo - 1), str(hi + 1), "1.5", "x", "", "1e3"]))
        case M.RealType(lo, hi):
            tiny = fraction_text(lo + Fraction(1, 10 ** (SCALE + 1)))
            bad = draw(
                st.sampled_from([fraction_text(lo - 1), fraction_text(hi + 1), tiny, "abc", ""])
            )
        case M.EnumType(values):
            bad = draw(st.sampled_from(["", values[0].upper(), "zz"]))
    row[a.name] = bad
    return row


def write_csv(path: Path, ruleset: M.Ruleset, rows: Sequence[dict[str, str]]) -> None:
    names = [a.name for a in ruleset.attributes]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["rid", *names])
        for i, r in enumerate(rows):
            w.writerow([i, *(r[n] for n in names)])


def parse_text(ruleset: M.Ruleset, row: dict[str, str]) -> dict[str, M.Value] | None:
    """The citizen a CSV row means, or None when a value does not parse (the Python side of the
    input stage's rules)."""
    out: dict[str, M.Value] = {}
    for a in ruleset.attributes:
        t = row[a.name].strip()
        match a.type:
            case M.BoolType():
                if t.lower() not in ("true", "false", "1", "0"):
                    return None
                out[a.name] = t.lower() in ("true", "1")
            case M.IntType():
                if not t.lstrip("+-").isdigit() or t.count("-") + t.count("+") > 1:
                    return None
                out[a.name] = int(t)
            case M.RealType():
                try:
                    v = Fraction(t)
                except ValueError:
                    return None
                if "e" in t.lower() or "/" in t or (v * 10**SCALE).denominator != 1:
                    return None
                out[a.name] = v
            case M.EnumType():
                out[a.name] = row[a.name]
    return out


def run_rows(
    engine: Engine,
    ruleset: M.Ruleset,
    rows: Sequence[dict[str, str]],
    tmp: Path,
    counterfactuals: Sequence[str] = (),
) -> list[Row]:
    """Every row's SQL outcome (and flip flags), in row order."""
    path = tmp / "pop.csv"
    write_csv(path, ruleset, rows)
    mapping = tmp / "map.yaml"
    reals = [a.name for a in ruleset.attributes if isinstance(a.type, M.RealType)]
    mapping.write_text("scale: {" + ", ".join(f"{n}: {SCALE}" for n in reals) + "}\n")
    opts = Options(counterfactual=tuple(counterfactuals), mapping=str(mapping), keep=("rid",))
    q, _ = build_query(ruleset, str(path), engine, opts)
    cols = ["bad_"]
    if ruleset.score:
        cols.append("o_score")
    if ruleset.tiers:
        cols.append("o_tier")
    cols += [f"s{i}" for i in range(len(ruleset.sanctions))]
    cols += [f"d{i}" for i in range(len(ruleset.defines))]
    for k in range(len(counterfactuals)):
        cols += [f"f{k}_score", f"f{k}_tier", f"f{k}_sanc", f"f{k}_any"]
    sql = f"SELECT CAST(k0 AS BIGINT) AS rid_, {', '.join(cols)} FROM ({q.rows_sql()}) AS t"
    got = engine.rows(sql + " ORDER BY rid_")
    return [dict(zip(["rid_", *cols], r, strict=True)) for r in got]


def expected(ruleset: M.Ruleset, row: dict[str, str], flips: Sequence[str] = ()) -> Row:
    """What the reference evaluator says for one CSV row (flips by brute force over every
    value of a small domain)."""
    c = parse_text(ruleset, row)
    why = None if c is None else in_domain(ruleset, c)
    if c is None or why is not None:
        return {"bad_": "bad"}
    out = evaluate(ruleset, c)
    exp: Row = {"bad_": None}
    if ruleset.score:
        exp["o_score"] = out.score
    if ruleset.tiers:
        exp["o_tier"] = out.tier
    for i, s in enumerate(ruleset.sanctions):
        exp[f"s{i}"] = s.name in out.sanctions
    for i, d in enumerate(ruleset.defines):
        exp[f"d{i}"] = out.defines[d.name]
    for k, spec in enumerate(flips):
        f = {"score": 0, "tier": 0, "sanc": 0}
        names = spec.split(",")
        for combo in itertools.product(*(domain(ruleset.attribute(n)) for n in names)):
            alt = {**c, **dict(zip(names, combo, strict=True))}
            if in_domain(ruleset, alt) is not None:
                continue
            o = evaluate(ruleset, alt)
            f["score"] |= o.score != out.score
            f["tier"] |= o.tier != out.tier
            f["sanc"] |= o.sanctions != out.sanctions
        for key in ("score", "tier", "sanc"):
            exp[f"f{k}_{key}"] = int(f[key])
        exp[f"f{k}_any"] = int(any(f.values()))
    return exp


def domain(a: M.Attribute) -> list[M.Value]:
    """Every value of a small domain (reals: every multiple of 10^-SCALE in range)."""
    match a.type:
        case M.BoolType():
            return [False, True]
        case M.EnumType(values):
            return list(values)
        case M.IntType(lo, hi):
            return list(range(lo, hi + 1))
        case M.RealType(lo, hi):
            step = Fraction(1, 10**SCALE)
            n = int((hi - lo) / step)
            return [lo + i * step for i in range(n + 1)]


def mismatches(
    ruleset: M.Ruleset,
    rows: Sequence[dict[str, str]],
    got: Sequence[Row],
    flips: Sequence[str] = (),
) -> list[str]:
    out = []
    for i, (row, g) in enumerate(zip(rows, got, strict=True)):
        e = expected(ruleset, row, flips)
        if e["bad_"] is not None:
            if g["bad_"] is None:
                out.append(f"row {i} {row}: SQL scored an impossible row")
            continue
        if g["bad_"] is not None:
            out.append(f"row {i} {row}: SQL refused a possible row: {g['bad_']}")
            continue
        for k, v in e.items():
            if g[k] != v or (type(g[k]) is bool and type(v) is not bool):
                out.append(f"row {i} {row}: {k} SQL {g[k]!r} evaluator {v!r}")
    return out


def widen(ruleset: M.Ruleset, factor: int) -> M.Ruleset:
    """`ruleset` with every int range stretched by `factor` (huge and negative values)."""
    attrs_ = []
    for a in ruleset.attributes:
        if isinstance(a.type, M.IntType):
            lo, hi = a.type.lo, a.type.hi
            a = attrs.evolve(a, type=M.IntType(lo * factor - (factor > 1), hi * factor + 1))
        attrs_.append(a)
    return attrs.evolve(ruleset, attributes=tuple(attrs_))


__all__ = ["Counterfactual"]
