"""The findings table: every worked suite's verdicts with a one-line counterexample each.

`run_suites(pairs)` checks each (spec, properties) pair; `markdown(rows)` renders the table a
journalist or regulator would quote: ruleset, property, verdict, whether it is the documented
expectation, and the counterexample in one line (only values that differ from the baseline
citizen, or that differ within a pair). Deterministic for the same inputs (no timings).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs

from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load
from ruleproof.language.load_suite import load_properties
from ruleproof.language.values import fmt_value
from ruleproof.proving.checker import Checker
from ruleproof.proving.solving import Limits
from ruleproof.semantics.outcome import outcome_changes
from ruleproof.verdicts.result import Counterexample, Result


@attrs.frozen
class Row:
    ruleset: str
    result: Result
    line: str


def one_line(ruleset: M.Ruleset, cex: Counterexample | None, limit: int = 6) -> str:
    """A counterexample in one line: the values that matter, and the outcomes."""
    if cex is None:
        return ""
    if not cex.citizens:
        return cex.note
    base = ruleset.baseline()
    if len(cex.citizens) == 2 and not cex.failing:
        a, b = (cex.citizens[t] for t in ("a", "b"))
        diff = cex.differing()
        shared = [k for k in a if k not in diff and a[k] != base[k]]
        parts = [f"{k}: {fmt_value(a[k])} vs {fmt_value(b[k])}" for k in diff[:limit]]
        if shared:
            shown = ", ".join(f"{k}={fmt_value(a[k])}" for k in shared[:limit])
            parts.append(f"both {shown}" + (" …" if len(shared) > limit else ""))
        outs = outcome_changes(cex.outcomes["a"], cex.outcomes["b"])
        return "; ".join(parts) + (" → " + ", ".join(outs) if outs else "")
    tag, citizen = next(iter(cex.citizens.items()))
    odd = [k for k, v in citizen.items() if v != base[k]]
    vals = ", ".join(f"{k}={fmt_value(citizen[k])}" for k in odd[:limit])
    if len(odd) > limit:
        vals += f", … (+{len(odd) - limit})"
    o = cex.outcomes[tag]
    outs = []
    if o.score is not None:
        outs.append(f"score {fmt_value(o.score)}")
    if o.tier is not None:
        outs.append(f"tier {o.tier}")
    outs.append(f"sanctions {list(o.sanctions)}")
    text = (vals or "the baseline citizen") + " → " + ", ".join(outs)
    if cex.failing:
        more = len(cex.failing) - 1
        tail = "1 more sanction fails" if more == 1 else f"{more} more sanctions fail"
        return text + f" ({cex.sanction}; {tail})"
    return text + (f" ({cex.sanction})" if cex.sanction and len(cex.citizens) == 1 else "")


def run_suites(pairs: Iterable[tuple[Path, Path]], limits: Limits | None = None) -> list[Row]:
    """Every property of every pair, checked with a generous limit by default: the table shows
    minimal counterexamples, and minimising shares the property's deadline, so a loaded machine
    must not cut it short (the table would then differ from run to run)."""
    rows: list[Row] = []
    for spec, props in pairs:
        rs = load(spec)
        checker = Checker(rs, limits or Limits(timeout=300))
        for p in load_properties(props, rs):
            r = checker.check(p)
            rows.append(Row(rs.id, r, one_line(rs, r.counterexample)))
    return rows


def suite_pairs(root: Path) -> list[tuple[Path, Path]]:
    """(spec, properties) for every `spec/X.yaml` with a `properties/X.yaml` under `root`."""
    return [
        (s, root / "properties" / s.name)
        for s in sorted((root / "spec").glob("*.yaml"))
        if (root / "properties" / s.name).exists()
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(rows: list[Row]) -> str:
    out = [
        "| ruleset | property | verdict | expected | counterexample / affected |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        r = row.result
        verdict = r.status + (f" (k={r.bound})" if r.bound is not None else "")
        expected = r.property.expect or "proved"
        mark = "yes" if r.matches_expectation else "**NO**"
        detail = row.line
        if r.affected:
            detail = f"{detail}; {r.affected}" if detail else r.affected
        out.append(
            f"| {row.ruleset} | {r.property.id} | {verdict} | {expected}: {mark} | "
            f"{_cell(detail)} |"
        )
    return "\n".join(out) + "\n"
