"""`ruleproof report`: one self-contained HTML document for people who read findings.

`render(inp)` builds the document from what `ReportInput` holds: the suite and its results, the
text of every source file read (embedded line by line, so every finding links to its YAML
lines), and optionally a diff against an older version and a population-impact document. One
module per section, in the order the report shows them:

- `summary`: counts, and every property's verdict, expectation and reasons;
- `findings`: a card per violated property with its counterexample citizens and their score
  waterfalls side by side (`ruleproof.verdicts.htmlview`);
- `graph` (with `appealgraph`): the sanction → appeal graph;
- `diffsection`: the tier-transition heatmap and who gains or loses a sanction (`--diff`);
- `impact` (with `impactdoc`): group outcome shares and counterfactual flips (`--impact`);
- `sources`: the YAML files with numbered, linkable lines.

`page` is the document around them, `charts` the matplotlib charts. The output is the same
bytes for the same inputs (no dates, no timings).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from markupsafe import Markup

from ruleproof.errors import Span
from ruleproof.language import suite as P
from ruleproof.reporting.html import findings, graph, impact, page, sources, summary
from ruleproof.reporting.html.diffsection import DiffInput
from ruleproof.reporting.html.diffsection import section as diff_section
from ruleproof.semantics.display.links import Links
from ruleproof.semantics.display.markup import el
from ruleproof.verdicts.result import Result


@attrs.frozen
class ImpactInput:
    document: Mapping[str, Any]
    file: str


@attrs.frozen
class ReportInput:
    suite: P.Suite
    results: Sequence[Result]
    sources: Mapping[str, str]  # file name → text, every file whose lines the report links to
    diff: DiffInput | None = None
    impact: ImpactInput | None = None
    version: str = ""


def render(inp: ReportInput) -> str:
    """The report as one HTML document (see the module docstring)."""
    index = sources.SourceIndex(inp.sources)
    rs = inp.suite.ruleset
    links = Links(rs, index.anchor)

    def anchor(kind: str, name: str) -> str | None:
        span: Span | None = links.span(kind, name)
        return index.anchor(span) if span is not None else None

    parts: list[tuple[str, str, Markup]] = [
        ("summary", "Summary", summary.section(inp.suite, inp.results, links)),
        ("findings", "Findings", findings.section(inp.results, links)),
        ("sanctions", "Sanctions", graph.section(rs, inp.results, links, anchor)),
    ]
    if inp.diff is not None:
        old = Links(inp.diff.old, index.anchor)
        parts.append(("diff", "Change", diff_section(inp.diff, old, links)))
    if inp.impact is not None:
        parts.append(
            ("impact", "Impact", impact.section(dict(inp.impact.document), inp.impact.file))
        )
    parts.append(("sources", "Sources", Markup(el("h2", "Sources")) + sources.section(index)))
    header = el("h1", f"ruleproof report: {rs.title or rs.id}")
    footer = f"Made by ruleproof {inp.version}".rstrip() + (
        ". Every counterexample was re-checked by ruleproof's reference evaluator; every "
        "`proved` is a proof by the Z3 solver over every possible citizen."
    )
    return page.page(f"ruleproof report: {rs.id}", parts, header, footer)


__all__ = ["DiffInput", "ImpactInput", "ReportInput", "render"]
