"""`check --format junit`: the results as JUnit XML, one test case per property.

A test case passes when its result matches the property's expectation (proved, or a
documented `expect: violated` finding, noted in `system-out`). It has a `failure` when the
result contradicts the expectation as `violated` or `proved` (the text is the counterexample
table, as `ruleproof check` prints it), and an `error` when the result is `unknown` (the solver
gave up; never a pass) or `error`. Test cases carry the property file and line. Text from input
has its control characters escaped (`ruleproof.printable`), so the document is always XML 1.0.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ruleproof.language import ruleset as M
from ruleproof.printable import printable
from ruleproof.verdicts.display import plain_text
from ruleproof.verdicts.result import Result


def _testcase(suite: ET.Element, ruleset: M.Ruleset, r: Result, timing: bool) -> str:
    p = r.property
    attrs = {"name": p.id, "classname": f"ruleproof.{ruleset.id}"}
    if not p.span.file.startswith("<"):
        attrs["file"] = printable(p.span.file)
        attrs["line"] = str(p.span.line)
    if timing:
        attrs["time"] = f"{r.seconds:.3f}"
    case = ET.SubElement(suite, "testcase", attrs)
    text = printable(plain_text(r), lines=True)
    message = printable(r.message)
    if r.status in ("unknown", "error"):
        ET.SubElement(case, "error", {"type": r.status, "message": message}).text = text
        return "error"
    if not r.matches_expectation:
        message = (
            message
            if r.status == "violated"
            else ("proved, but the property file documents it as violated: update `expect`")
        )
        ET.SubElement(case, "failure", {"type": r.status, "message": message}).text = text
        return "failure"
    ET.SubElement(case, "system-out").text = text
    return "pass"


def junit_xml(
    ruleset: M.Ruleset, spec_file: str, results: Sequence[Result], timing: bool = True
) -> str:
    """The JUnit XML document (UTF-8 declaration, two-space indent, final newline)."""
    root = ET.Element("testsuites", {"name": "ruleproof"})
    suite = ET.SubElement(
        root, "testsuite", {"name": f"ruleproof.{ruleset.id}", "file": printable(spec_file)}
    )
    kinds = [_testcase(suite, ruleset, r, timing) for r in results]
    counts = {
        "tests": str(len(results)),
        "failures": str(kinds.count("failure")),
        "errors": str(kinds.count("error")),
    }
    if timing:
        counts["time"] = f"{sum(r.seconds for r in results):.3f}"
    for element in (root, suite):
        for k, v in counts.items():
            element.set(k, v)
    suite.set("skipped", "0")
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
