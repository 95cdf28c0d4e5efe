"""`check --format sarif`: the results as a SARIF 2.1.0 log, for code-review tools.

One run; `tool.driver.rules` has one reporting descriptor per property (id = property id).
Each result is a finding: a `violated` property (level `error`; a documented one, `expect:
violated`, carries an in-source suppression so review tools show it as accepted), an `unknown`
one (level `warning`), an `error` one (level `error`), and a documented finding that no longer
reproduces (level `warning`). Proved properties are not findings and give no result. A result is
located at its property's line in the property file; its `relatedLocations` point at the rules
that made the difference (or fired) and the sanction involved, at their lines in the spec,
when the IR knows their spans. The full counterexample (as in the JSON report) is in the
result's `properties`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ruleproof.errors import Span
from ruleproof.language import ruleset as M
from ruleproof.language.values import signed
from ruleproof.reporting.files import PATH_KIND_NAMES, counterexample_json
from ruleproof.verdicts.display import because_text
from ruleproof.verdicts.result import Result

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ruleproof")
    except PackageNotFoundError:
        return "0+unknown"


def uri(file: str) -> str:
    """A file name as a SARIF `uri` (relative names stay relative, in `/` form)."""
    p = Path(file)
    if p.is_absolute():
        return p.as_uri()
    return quote(p.as_posix(), safe="/:._-~")


def known(span: Span) -> bool:
    return not span.file.startswith("<")


def physical(span: Span) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": span.line, "startColumn": span.col}
    if span.end_line == span.line and span.end_col > span.col:
        region["endColumn"] = span.end_col
    return {"artifactLocation": {"uri": uri(span.file)}, "region": region}


def related(ruleset: M.Ruleset, r: Result) -> list[dict[str, Any]]:
    """The rules that made the difference (or fired) and the sanctions involved, in the spec."""
    cex = r.counterexample
    if cex is None:
        return []
    found: list[tuple[str, Span]] = []
    rules = {x.id: x for x in (ruleset.score.rules if ruleset.score else ())}
    traces = [cex.outcomes[t].trace for t in cex.citizens if t in cex.outcomes]
    fired = [{f.id: f.delta for f in tr.rules} for tr in traces]
    for rid, rule in rules.items():
        deltas = [f.get(rid) for f in fired]
        if (len(deltas) > 1 and len(set(deltas)) > 1) or (len(deltas) == 1 and deltas[0]):
            shown = ", ".join(
                f"{t}: {signed(d)}" if d is not None else f"{t}: not fired"
                for t, d in zip(cex.citizens, deltas, strict=False)
            )
            found.append((f"rule {rid} ({shown})", rule.span))
    imposed = [set(cex.outcomes[t].sanctions) for t in cex.citizens if t in cex.outcomes]
    for s in ruleset.sanctions:
        flags = [s.name in i for i in imposed]
        if s.name == cex.sanction or len(set(flags)) > 1 or flags == [True]:
            found.append((f"sanction {s.name}", s.span))
    return [
        {"id": i, "physicalLocation": physical(span), "message": {"text": label}}
        for i, (label, span) in enumerate(((lb, sp) for lb, sp in found if known(sp)), 1)
    ]


def level_of(r: Result) -> tuple[str, str] | None:
    """(level, kind) of the SARIF result for `r`, or None when `r` is not a finding."""
    if r.status == "violated":
        return "error", "fail"
    if r.status == "error":
        return "error", "fail"
    if r.status == "unknown":
        return "warning", "open"
    if r.property.expect == "violated":  # proved, but documented as a finding
        return "warning", "fail"
    return None


def message_of(r: Result) -> str:
    p = r.property
    text = f"{p.id}: {r.status}"
    if r.message:
        text += f": {r.message}"
    if r.affected:
        text += f" ({r.affected})"
    if r.status == "proved" and p.expect == "violated":
        text += ". The documented finding (expect: violated) no longer reproduces; update `expect`"
    if r.because:
        text += f". {because_text(r.because)}"
    return text


def sarif_log(ruleset: M.Ruleset, results: Sequence[Result]) -> dict[str, Any]:
    """The SARIF 2.1.0 log of one `check` run (deterministic: no timings, no dates)."""
    descriptors: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    for index, r in enumerate(results):
        p = r.property
        short = (p.doc.strip().splitlines() or [f"{p.kind_name} property"])[0]
        desc: dict[str, Any] = {
            "id": p.id,
            "shortDescription": {"text": short},
            "properties": {"kind": p.kind_name},
        }
        if p.doc:
            desc["fullDescription"] = {"text": p.doc.strip()}
        if p.cites:
            desc["properties"]["cites"] = p.cites
        descriptors.append(desc)
        level = level_of(r)
        if level is None:
            continue
        res: dict[str, Any] = {
            "ruleId": p.id,
            "ruleIndex": index,
            "kind": level[1],
            "level": level[0],
            "message": {"text": message_of(r)},
        }
        if known(p.span):
            res["locations"] = [{"physicalLocation": physical(p.span)}]
        rel = related(ruleset, r)
        if rel:
            res["relatedLocations"] = rel
        if r.status == "violated" and p.expect == "violated":
            res["suppressions"] = [
                {
                    "kind": "inSource",
                    "justification": "documented finding: `expect: violated` in the property file",
                }
            ]
        props: dict[str, Any] = {"status": r.status, "expect": p.expect, "ruleset": ruleset.id}
        if r.counterexample is not None:
            props["counterexample"] = counterexample_json(
                ruleset, r.counterexample, p.kind_name in PATH_KIND_NAMES
            )
        res["properties"] = props
        out.append(res)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {"name": "ruleproof", "version": tool_version(), "rules": descriptors}
                },
                "columnKind": "unicodeCodePoints",
                "results": out,
            }
        ],
    }
