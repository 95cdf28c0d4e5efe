"""The `ruleproof check` text report: a table of verdicts, then each finding, then a summary.

Built from the verdicts' own display (`ruleproof.verdicts.display`); output without a terminal
has no colour and a fixed width, so it is the same bytes on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console, RenderableType
from rich.table import Table

from ruleproof.verdicts.display import expectation, result_group, status_text, titled_table
from ruleproof.verdicts.result import Result


def results_table(results: Sequence[Result], timing: bool = True) -> Table:
    table = titled_table("properties")
    table.add_column("property")
    table.add_column("kind")
    table.add_column("status")
    table.add_column("expectation")
    if timing:
        table.add_column("seconds", justify="right")
    for r in results:
        status = status_text(r)
        if r.bound is not None:
            status.append(f" (≤ {r.bound} step{'s' * (r.bound != 1)})")
        row: list[RenderableType] = [r.property.id, r.property.kind_name, status, expectation(r)]
        if timing:
            row.append(f"{r.seconds:.2f}")
        table.add_row(*row)
    return table


def summary_line(results: Sequence[Result]) -> str:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    parts = [f"{counts[s]} {s}" for s in ("proved", "violated", "unknown", "error") if s in counts]
    expected = sum(r.status == "violated" and r.matches_expectation for r in results)
    mismatched = sum(not r.matches_expectation for r in results)
    text = ", ".join(parts) or "no properties"
    if expected:
        text += f"; {expected} violation{'s' * (expected != 1)} expected"
    text += f"; {mismatched} not as expected" if mismatched else "; all as expected"
    return text


def render_check(
    console: Console,
    ruleset_id: str,
    spec_file: str,
    property_files: Sequence[str],
    results: Sequence[Result],
    timing: bool = True,
    show_all: bool = False,
    written: Sequence[str] = (),
    quiet: bool = False,
) -> None:
    """The `ruleproof check` text report; `quiet`: only the results that are not as
    expected (table and details), then the summary line."""
    files = ", ".join(property_files)
    shown = [r for r in results if not r.matches_expectation] if quiet else list(results)
    if not quiet:
        console.print(f"ruleset {ruleset_id} ({spec_file}), properties from {files}")
    if shown:
        console.print(results_table(shown, timing))
    for r in shown:
        if r.status == "proved" and not r.because and r.message in ("", "holds"):
            continue
        console.print()
        console.print(result_group(r, show_all))
    if shown or not quiet:
        console.print()
    console.print(summary_line(results))
    if written:
        folders = sorted({str(_parent(w)) for w in written})
        n = len(written)
        console.print(f"{n} counterexample file{'s' * (n != 1)} in {', '.join(folders)}")


def _parent(path: str) -> str:
    return str(Path(path).parent)
