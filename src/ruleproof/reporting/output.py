"""`ruleproof check` output in each format, and its exit code (DESIGN §5).

`exit_code(results)`: 70 if a property hit an internal error (a bug in ruleproof); else 1 if a
result contradicts its expectation by being `violated` or `proved` (an unexpected violation,
or a documented finding that no longer reproduces); else 2 if a property is `error`; else 3 if
a property is `unknown`; else 0 (every property proved or matched its `expect`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from ruleproof.language.suite import Suite
from ruleproof.reporting.check_text import render_check
from ruleproof.reporting.files import dumps, report_json
from ruleproof.reporting.junit import junit_xml
from ruleproof.reporting.sarif import sarif_log
from ruleproof.verdicts.display import make_console
from ruleproof.verdicts.result import Result

EXIT_OK, EXIT_FINDING, EXIT_INPUT, EXIT_UNKNOWN, EXIT_INTERNAL = 0, 1, 2, 3, 70
FORMATS = ("text", "json", "sarif", "junit")


def exit_code(results: Sequence[Result]) -> int:
    """The exit code for a set of results (see the module docstring)."""
    if any(r.status == "error" and r.internal for r in results):
        return EXIT_INTERNAL
    if any(not r.matches_expectation and r.status in ("violated", "proved") for r in results):
        return EXIT_FINDING
    if any(r.status == "error" for r in results):
        return EXIT_INPUT
    if any(r.status == "unknown" for r in results):
        return EXIT_UNKNOWN
    return EXIT_OK


def emit(
    fmt: str,
    out: IO[str],
    suite: Suite,
    results: Sequence[Result],
    timing: bool = True,
    show_all: bool = False,
    written: Sequence[str] = (),
    quiet: bool = False,
) -> None:
    """Write the report of `results` to `out` in format `fmt` (one of `FORMATS`); `quiet`
    leaves the properties that are as expected out of the text report."""
    if fmt == "json":
        out.write(dumps(report_json(suite.ruleset, suite.spec_file, results)))
    elif fmt == "sarif":
        out.write(dumps(sarif_log(suite.ruleset, results)))
    elif fmt == "junit":
        out.write(junit_xml(suite.ruleset, suite.spec_file, results))
    else:
        console = make_console(out)
        render_check(
            console,
            suite.ruleset.id,
            suite.spec_file,
            suite.property_files,
            results,
            timing=timing,
            show_all=show_all,
            written=written,
            quiet=quiet,
        )


def write_sarif(path: str, suite: Suite, results: Sequence[Result]) -> None:
    """The SARIF log of `results` written (atomically) to the file `path`."""
    from pathlib import Path

    from ruleproof.reporting.files import write_atomic

    write_atomic(Path(path), dumps(sarif_log(suite.ruleset, results)))
