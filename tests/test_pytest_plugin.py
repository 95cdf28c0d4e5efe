"""The pytest plugin in a scaffolded project: properties as tests, counterexamples replayed."""

from __future__ import annotations

from pathlib import Path

import pytest

# In-process pytester runs drop the modules they imported afterwards; importing the stages here
# first keeps one copy of each class (else `isinstance` fails when this file runs alone).
import ruleproof.commands.cli
import ruleproof.commands.replay
import ruleproof.commands.run_suite
import ruleproof.proving.checker
import ruleproof.pytest_plugin
import ruleproof.reporting.files  # noqa: F401
from conftest import GOLDEN

pytest_plugins = ["pytester"]

CHECK = GOLDEN / "check"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    (pytester.path / "spec").mkdir()
    (pytester.path / "properties").mkdir()
    (pytester.path / "spec" / "small.yaml").write_text((CHECK / "small.yaml").read_text())
    (pytester.path / "properties" / "small.yaml").write_text(
        (CHECK / "small-properties.yaml").read_text()
    )
    return pytester


def _save_counterexamples(root: Path) -> None:
    import io
    import os

    from ruleproof.commands.cli import main

    cwd = os.getcwd()
    os.chdir(root)
    try:
        main(["check", "spec/small.yaml"], io.StringIO(), io.StringIO())
    finally:
        os.chdir(cwd)


def test_properties_are_items_named_by_id(project: pytest.Pytester) -> None:
    result = project.runpytest("-v")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*properties/small.yaml::no-protected-influence PASSED*",
            "*properties/small.yaml::no-guilt-by-association FAILED*",
            "*properties/small.yaml::debtors-get-a PASSED*",
        ]
    )
    # the failure is the counterexample table, not a traceback
    result.stdout.fnmatch_lines(
        ["*citizens differing only in friends_listed*", "*friends_listed*≠*"]
    )
    assert "Traceback" not in result.stdout.str() and "runtest" not in result.stdout.str()


def test_counterexamples_are_replayed(project: pytest.Pytester) -> None:
    _save_counterexamples(project.path)
    result = project.runpytest("-v", "counterexamples")
    result.assert_outcomes(passed=1, failed=1)  # documented finding passes, the other fails
    result.stdout.fnmatch_lines(["*replay[[]no-guilt-by-association[]] FAILED*", "*still violate*"])
    # fix the rule: the saved counterexample now documents the fix
    spec = project.path / "spec" / "small.yaml"
    spec.write_text(spec.read_text().replace("add: -50}", "add: 0}"))
    project.runpytest("counterexamples").assert_outcomes(passed=2)


@pytest.mark.parametrize("how", ["--no-ruleproof", "-p no:ruleproof", "ini"])
def test_can_be_switched_off(project: pytest.Pytester, how: str) -> None:
    if how == "ini":
        project.makeini("[pytest]\nruleproof = false\n")
        args: list[str] = []
    else:
        args = how.split(" ")
    project.makepyfile(test_ok="def test_ok():\n    pass\n")
    project.runpytest(*args).assert_outcomes(passed=1)


def test_bad_spec_is_a_collection_error_without_traceback(project: pytest.Pytester) -> None:
    (project.path / "spec" / "small.yaml").write_text("ruleset: small\nattributes: 3\n")
    result = project.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*spec/small.yaml:2:*error[[]RP*"])
    assert "Traceback" not in result.stdout.str()


def test_unrelated_yaml_and_json_are_ignored(pytester: pytest.Pytester) -> None:
    (pytester.path / "properties").mkdir()
    (pytester.path / "properties" / "x.yaml").write_text("not: a suite\n")  # no spec/x.yaml
    (pytester.path / "data.json").write_text("{}")
    pytester.makepyfile(test_ok="def test_ok():\n    pass\n")
    pytester.runpytest().assert_outcomes(passed=1)


REACH = """\
properties:
  - id: every-tier-reachable
    reachable: tiers
  - id: someone-rich
    exists: [a]
    assert: "a.debt > 5000"
    expect: violated
"""


@pytest.mark.parametrize("expect", ["", "    expect: violated\n"])
def test_reachable_findings_are_rechecked_not_skipped(
    project: pytest.Pytester, expect: str
) -> None:
    spec = project.path / "spec" / "small.yaml"
    text = spec.read_text()
    # a third tier no one can get: `reachable: tiers` is violated and saved with no citizens
    old = '  - {id: A, when: "score >= 1000"}\n'
    spec.write_text(text.replace(old, '  - {id: Z, when: "score > 5000"}\n' + old))
    (project.path / "properties" / "small.yaml").write_text(
        REACH.replace("    reachable: tiers\n", "    reachable: tiers\n" + expect)
    )
    _save_counterexamples(project.path)
    saved = project.path / "counterexamples" / "small"
    assert sorted(p.name for p in saved.iterdir()) == [
        "every-tier-reachable.json",
        "someone-rich.json",
    ]
    result = project.runpytest("-v", "counterexamples")
    if expect:
        result.assert_outcomes(passed=2)
    else:
        result.assert_outcomes(passed=1, failed=1)
        result.stdout.fnmatch_lines(
            ["*every-tier-reachable: still violated*", "*can never happen: tier Z*"]
        )
    assert "SKIPPED" not in result.stdout.str()
    # the rule fix shows as a passing replay
    spec.write_text(
        spec.read_text().replace('when: "score > 5000"', 'when: "score >= 1000 and debt == 0"')
    )
    result = project.runpytest("-v", "counterexamples")
    result.assert_outcomes(passed=2)
