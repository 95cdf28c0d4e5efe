"""pytest plugin (entry point `ruleproof`): property suites and saved counterexamples as tests.

On by default once ruleproof is installed, and it only ever looks at files pytest itself visits
(so a project's `testpaths` decides what runs):

- `properties/NAME.yaml` whose project has `spec/NAME.yaml` (the folder next to
  `properties/`) becomes one test per property, named by its id. A test passes when the result
  matches the property's expectation (proved, or `expect: violated`); otherwise it fails with
  the counterexample table. `unknown` fails too: the solver gave up, which is never a pass.
  All properties of a file share one checker.
- `counterexamples/RULESET/PROPERTY.json` becomes one regression test that replays the saved
  citizens with the evaluator (`ruleproof replay`, no solver). The spec is
  `spec/RULESET.yaml` next to `counterexamples/`, or the file in `spec/` whose `ruleset` id is
  RULESET; the property comes from the matching `properties/` file. The test fails while the
  counterexample still violates a property that does not expect it; it passes once the rules
  are fixed (the counterexample then documents the fix). A `reachable` or `exists` finding
  has no citizens: its property is checked again with the solver instead. A file whose spec
  or property is gone is skipped.

Switch it off with `-p no:ruleproof`, `--no-ruleproof`, or `ruleproof = false` in the ini
file; `--ruleproof-timeout SECONDS` (ini `ruleproof_timeout`) bounds each property's check.
Bad input (a wrong spec, property or counterexample file) is reported as that file's
collection error or its item's failure, compiler-style, without a traceback; so is a bug in
ruleproof (say RULEPROOF_DEBUG=1 to see its traceback).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ruleproof.errors import InternalError, RuleproofError, RulesetError
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.printable import printable
from ruleproof.verdicts.result import Result

_SPEC_INDEX = pytest.StashKey[dict[Path, dict[str, Path]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ruleproof", "ruleproof property suites and counterexamples")
    group.addoption(
        "--no-ruleproof",
        action="store_true",
        default=False,
        help="do not collect properties/*.yaml and counterexamples/**/*.json",
    )
    group.addoption(
        "--ruleproof-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="wall-clock limit per property (default: ini ruleproof_timeout, 30)",
    )
    parser.addini(
        "ruleproof",
        type="bool",
        default=True,
        help="collect ruleproof property suites and counterexamples (default true)",
    )
    parser.addini("ruleproof_timeout", default="30", help="seconds per property (default 30)")


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getini("ruleproof")) and not config.getoption("--no-ruleproof")


def _timeout(config: pytest.Config) -> float:
    given = config.getoption("--ruleproof-timeout")
    return float(given if given is not None else config.getini("ruleproof_timeout"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if not _enabled(parent.config):
        return None
    if file_path.suffix == ".yaml" and file_path.parent.name == "properties":
        spec = file_path.parent.parent / "spec" / file_path.name
        if spec.is_file():
            return PropertyFile.from_parent(parent, path=file_path)
    if (
        file_path.suffix == ".json"
        and file_path.parent.parent.name == "counterexamples"
        and not file_path.name.startswith(".")
    ):
        return CounterexampleFile.from_parent(parent, path=file_path)
    return None


class RuleproofFailure(Exception):
    """A property or replay that failed; its text is the report shown by pytest."""


def _input_error(exc: BaseException, sources: dict[str, str]) -> str | None:
    """The report of a failure without a traceback: diagnostics compiler-style, a ruleproof
    failure as its text, any other exception as an internal error (a bug in ruleproof; its
    traceback is shown with RULEPROOF_DEBUG set). None for pytest's own outcomes."""
    if isinstance(exc, RulesetError):
        return exc.render(sources)
    if isinstance(exc, RuleproofError | RuleproofFailure):
        return printable(str(exc), lines=True)
    if isinstance(exc, Exception) and not os.environ.get("RULEPROOF_DEBUG"):
        message = printable(f"{type(exc).__name__}: {exc}")
        return printable(str(InternalError(message)), lines=True)
    return None


class PropertyFile(pytest.File):
    """A property file: one item per property, checked against `spec/<same name>.yaml`."""

    sources: dict[str, str]

    def collect(self) -> Iterator[pytest.Item]:
        from ruleproof.commands.run_suite import load_suite

        self.sources = {}
        spec = self.path.parent.parent / "spec" / self.path.name
        suite = load_suite(str(spec), [str(self.path)], self.sources)
        self.ruleset = suite.ruleset
        self._checker: Any = None
        for prop in suite.properties:
            yield PropertyItem.from_parent(self, name=prop.id, prop=prop)

    def checker(self) -> Any:
        if self._checker is None:
            from ruleproof.proving.checker import Checker
            from ruleproof.proving.solving import Limits

            self._checker = Checker(self.ruleset, Limits(timeout=_timeout(self.config)))
        return self._checker

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        text = _input_error(excinfo.value, getattr(self, "sources", {}))
        return text if text is not None else super().repr_failure(excinfo)


class PropertyItem(pytest.Item):
    def __init__(self, *, prop: P.Property, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prop = prop

    def runtest(self) -> None:
        from ruleproof.commands.run_suite import check_one, with_baseline
        from ruleproof.verdicts.display import plain_text

        assert isinstance(self.parent, PropertyFile)
        result: Result = with_baseline(
            check_one(self.parent.checker(), self.prop), self.parent.ruleset
        )
        self.user_properties.append(("ruleproof_status", result.status))
        if not result.matches_expectation:
            raise RuleproofFailure(plain_text(result))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        text = _input_error(excinfo.value, {})
        return text if text is not None else super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, self.prop.span.line - 1, f"property {self.prop.id}"


def _spec_for(config: pytest.Config, project: Path, ruleset_id: str) -> Path | None:
    """The spec file of a ruleset id in `project/spec/` (by name, else by its `ruleset` key)."""
    direct = project / "spec" / f"{ruleset_id}.yaml"
    if direct.is_file():
        return direct
    index = config.stash.setdefault(_SPEC_INDEX, {})
    if project not in index:
        from ruleproof.language.load_ruleset import read_text
        from ruleproof.language.yamlsource import YMap, YScalar, read_yaml

        found: dict[str, Path] = {}
        for f in sorted((project / "spec").glob("*.yaml")):
            try:
                node = read_yaml(read_text(f), str(f))
                rid = node.get("ruleset") if isinstance(node, YMap) else None
            except RuleproofError:
                continue
            if isinstance(rid, YScalar) and isinstance(rid.value, str):
                found.setdefault(rid.value, f)
        index[project] = found
    return index[project].get(ruleset_id)


class CounterexampleFile(pytest.File):
    """A saved counterexample: one replay item named after its property."""

    def collect(self) -> Iterator[pytest.Item]:
        yield ReplayItem.from_parent(self, name=f"replay[{self.path.stem}]")


class ReplayItem(pytest.Item):
    sources: dict[str, str]

    def runtest(self) -> None:
        from ruleproof.commands.replay import replay
        from ruleproof.commands.run_suite import default_property_file, load_suite
        from ruleproof.language.load_ruleset import read_text
        from ruleproof.limits import JSON_BYTES
        from ruleproof.reporting.files import read_counterexample_text
        from ruleproof.verdicts.display import counterexample_group, make_console

        self.sources = {}
        project = self.path.parent.parent.parent
        spec = _spec_for(self.config, project, self.path.parent.name)
        if spec is None:
            pytest.skip(f"no spec for ruleset `{self.path.parent.name}` in {project / 'spec'}")
        props_file = default_property_file(spec)
        files = [str(props_file)] if props_file.is_file() else []
        suite = load_suite(str(spec), files, self.sources)
        text = read_text(self.path, JSON_BYTES)
        self.sources[str(self.path)] = text
        saved = read_counterexample_text(text, str(self.path), suite.ruleset)
        ruleset: M.Ruleset = suite.ruleset
        prop = {p.id: p for p in suite.properties}.get(saved.property)
        if prop is not None and isinstance(prop.kind, P.Reachable | P.Exists):
            self._recheck(ruleset, prop)
            return
        outcome = replay(ruleset, saved, prop)
        self.user_properties.append(("ruleproof_replay", outcome.verdict))
        if outcome.verdict == "skipped":
            pytest.skip(outcome.detail)
        if outcome.fails:
            import io

            buf = io.StringIO()
            console = make_console(buf)
            console.print(f"{saved.property}: {outcome.detail}")
            if outcome.counterexample is not None:
                console.print(counterexample_group(outcome.counterexample))
            raise RuleproofFailure(buf.getvalue())

    def _recheck(self, ruleset: M.Ruleset, prop: P.Property) -> None:
        """A `reachable` or `exists` finding has no citizens to replay: the checker decides
        again whether it still holds (passes when fixed, or when `expect: violated`)."""
        from ruleproof.commands.run_suite import check_one, with_baseline
        from ruleproof.proving.checker import Checker
        from ruleproof.proving.solving import Limits
        from ruleproof.verdicts.display import plain_text

        checker = Checker(ruleset, Limits(timeout=_timeout(self.config)))
        result = with_baseline(check_one(checker, prop), ruleset)
        verdict = {"violated": "still violates", "proved": "fixed"}.get(result.status, "unknown")
        self.user_properties.append(("ruleproof_replay", verdict))
        if result.status == "proved" or (result.status == "violated" and prop.expect == "violated"):
            return
        what = "still violated" if result.status == "violated" else result.status
        raise RuleproofFailure(f"{prop.id}: {what}, re-checked by the solver\n{plain_text(result)}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        text = _input_error(excinfo.value, getattr(self, "sources", {}))
        return text if text is not None else super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"replay {self.path.parent.name}/{self.path.name}"
