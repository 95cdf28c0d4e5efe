"""The pytest plugin in a scaffolded project: properties as tests, counterexamples replayed."""

from __future__ import annotations

from pathlib import Path

import pytest

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
