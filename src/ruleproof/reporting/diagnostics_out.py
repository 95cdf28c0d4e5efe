"""Diagnostics (bad input, lint findings) in the machine-readable formats.

`check --format json|sarif|junit` on input it cannot read still prints one valid document, which
carries the diagnostics instead of results (the compiler-style text stays on stderr), so
`check … --format sarif > x.sarif` never leaves an empty or invalid file behind. `lint` uses
the same JSON records and GitHub Actions workflow commands (`::error file=…,line=…::…`), which
GitHub shows as annotations on the lines of a pull request. Every document is deterministic.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from ruleproof.errors import Diagnostic
from ruleproof.printable import printable
from ruleproof.reporting.files import FORMAT
from ruleproof.reporting.sarif import SCHEMA, known, physical, tool_version

JsonDoc = dict[str, Any]


def diagnostic_json(d: Diagnostic) -> JsonDoc:
    """One diagnostic as a JSON record (1-based line and column; `end_column` exclusive)."""
    return {
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "file": d.span.file,
        "line": d.span.line,
        "column": d.span.col,
        "end_line": d.span.end_line,
        "end_column": d.span.end_col,
        "why": d.why,
        "fix": d.fix,
    }


def check_errors_json(spec_file: str, diags: Sequence[Diagnostic]) -> JsonDoc:
    """`check --format json` when the input is wrong: the report's shape, no results."""
    return {
        "format": FORMAT,
        "ruleset": None,
        "file": spec_file,
        "results": [],
        "diagnostics": [diagnostic_json(d) for d in diags],
    }


def lint_json(spec_file: str, diags: Sequence[Diagnostic]) -> JsonDoc:
    """`lint --format json`: counts and every diagnostic in file order."""
    errors = sum(d.severity == "error" for d in diags)
    return {
        "format": FORMAT,
        "file": spec_file,
        "errors": errors,
        "warnings": len(diags) - errors,
        "diagnostics": [diagnostic_json(d) for d in diags],
    }


def _text(d: Diagnostic) -> str:
    out = d.message
    if d.why:
        out += f" (why: {d.why})"
    if d.fix:
        out += f" (fix: {d.fix})"
    return out


def errors_sarif(diags: Sequence[Diagnostic]) -> JsonDoc:
    """A SARIF 2.1.0 log of a run that could not check anything: one result per diagnostic
    (rule id = its code), located where the diagnostic points, and an unsuccessful invocation."""
    codes = sorted({d.code for d in diags})
    index = {c: i for i, c in enumerate(codes)}
    results = []
    for d in diags:
        res: JsonDoc = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "error" if d.severity == "error" else "warning",
            "message": {"text": _text(d)},
        }
        if known(d.span):
            res["locations"] = [{"physicalLocation": physical(d.span)}]
        results.append(res)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ruleproof",
                        "version": tool_version(),
                        "rules": [
                            {"id": c, "shortDescription": {"text": f"ruleproof diagnostic {c}"}}
                            for c in codes
                        ],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": False,
                        "exitCode": 2,
                        "exitCodeDescription": "bad input",
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def errors_junit(
    spec_file: str, diags: Sequence[Diagnostic], sources: Mapping[str, str] | None = None
) -> str:
    """JUnit XML with one test case, `input`, in error: the rendered diagnostics."""
    sources = sources or {}
    root = ET.Element("testsuites", {"name": "ruleproof", "tests": "1", "errors": "1"})
    suite = ET.SubElement(
        root,
        "testsuite",
        {"name": "ruleproof.input", "file": printable(spec_file), "tests": "1", "failures": "0"},
    )
    suite.set("errors", "1")
    suite.set("skipped", "0")
    root.set("failures", "0")
    case = ET.SubElement(suite, "testcase", {"name": "input", "classname": "ruleproof.input"})
    first = diags[0] if diags else None
    if first is not None and known(first.span):
        case.set("file", printable(first.span.file))
        case.set("line", str(first.span.line))
    n = sum(d.severity == "error" for d in diags)
    text = "\n\n".join(d.render(sources.get(d.span.file)) for d in diags)
    ET.SubElement(
        case, "error", {"type": "input", "message": f"{n} error{'s' * (n != 1)} in the input"}
    ).text = text
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(diags: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands, one line per diagnostic (`::error file=…::…`)."""
    lines = []
    for d in diags:
        level = "error" if d.severity == "error" else "warning"
        props = [f"file={_escape_property(printable(d.span.file))}"] if known(d.span) else []
        props += [f"line={d.span.line}", f"col={d.span.col}", f"title={d.code}"]
        message = printable(d.message + (f" (fix: {d.fix})" if d.fix else ""), lines=True)
        lines.append(f"::{level} {','.join(props)}::{_escape_data(message)}\n")
    return "".join(lines)


def emit_input_errors(
    fmt: str,
    out: Any,
    spec_file: str,
    diags: Sequence[Diagnostic],
    sources: Mapping[str, str] | None = None,
) -> None:
    """Write the `check` document of format `fmt` for input that could not be checked (nothing
    for `text`: the diagnostics go to stderr in every format)."""
    from ruleproof.reporting.files import dumps

    if fmt == "json":
        out.write(dumps(check_errors_json(spec_file, diags)))
    elif fmt == "sarif":
        out.write(dumps(errors_sarif(diags)))
    elif fmt == "junit":
        out.write(errors_junit(spec_file, diags, sources))
