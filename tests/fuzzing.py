"""The fuzzer shared by `tests/test_fuzz.py` (bounded, deterministic) and `scripts/soak.py`
(for minutes, random seed): mutated rulesets, property files, citizens and counterexample files
fed to `lint`, `check`, `explain`, `replay` and the pytest plugin, in this process.

`run_case(case)` lays a small project out in a fresh folder (`project/` with `spec/`,
`properties/`, a citizen and saved counterexamples, next to a folder `outside/`), runs one
command there and returns every broken invariant as text (empty when all hold):

- the exit code is 0, 1, 2 or 3 (for the plugin: pytest's 0, 1, 2 or 5);
- no traceback and no internal error is printed, and no raw control character;
- an exit code 2 comes with a diagnostic (`error[RP...]`);
- the run ends within its deadline (the property timeout times the properties, plus `MARGIN`);
- nothing is written anywhere but the output folder `project/out/`.

The inputs are mutated by `tests/mutations.py`.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs

from hostile_harness import CITIZEN, SMALL_PROPS, SMALL_SPEC, run_cli, tree
from mutations import mutate_json, mutate_yaml

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 2.0  # seconds per property given to `check` and the plugin
MARGIN = 20.0  # seconds beyond the deadline a run may take (start-up, loading, reporting)
EXPLAIN_DEADLINE = 20.0  # `explain`'s recourse search: two searches of 10 seconds at most
TARGETS = ("lint", "check", "explain", "replay", "plugin")
# Larger inputs for the soak: a worked ruleset of spec/ with its properties or a citizen of it.
WORKED_TARGETS = ("check-worked", "explain-worked")

# -- cases -----------------------------------------------------------------------------------


@attrs.frozen
class Case:
    """One run: the command, the project's files (text) and the command's options."""

    target: str
    spec: str = SMALL_SPEC
    props: str = SMALL_PROPS
    citizen: str = CITIZEN
    saved: tuple[tuple[str, str], ...] = ()  # (file name, text) under counterexamples/small/
    fmt: str = "text"
    solver: bool = False

    def files(self) -> dict[str, str]:
        out = {
            "spec/small.yaml": self.spec,
            "properties/small.yaml": self.props,
            "citizen.json": self.citizen,
        }
        out.update({f"counterexamples/small/{name}": text for name, text in self.saved})
        return out


_SAVED: list[tuple[str, str]] = []


def saved_counterexamples() -> list[tuple[str, str]]:
    """The counterexample files `check` saves for the small suite (computed once)."""
    if not _SAVED:
        with tempfile.TemporaryDirectory() as d, contextlib.chdir(d):
            Path("spec").mkdir()
            Path("properties").mkdir()
            Path("spec/small.yaml").write_text(SMALL_SPEC, encoding="utf-8")
            Path("properties/small.yaml").write_text(SMALL_PROPS, encoding="utf-8")
            run_cli(["check", "spec/small.yaml", "--timeout", "20"])
            folder = Path("counterexamples/small")
            _SAVED.extend((p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.iterdir()))
    return list(_SAVED)


def worked_specs() -> list[str]:
    """The text of every worked ruleset in spec/ (seeds for `lint`)."""
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "spec").glob("*.yaml"))]


_BASELINES: dict[str, str] = {}


def worked_case(rnd: random.Random, target: str) -> Case:
    """A worked ruleset with its properties (one of the two mutated), or its baseline citizen
    mutated."""
    from ruleproof.language.load_ruleset import load
    from ruleproof.language.values import value_json

    worked = sorted(
        p for p in (ROOT / "spec").glob("*.yaml") if (ROOT / "properties" / p.name).is_file()
    )
    spec = rnd.choice(worked)  # a ruleset with a property file (some specs are only diffed)
    spec_text = spec.read_text(encoding="utf-8")
    props = (ROOT / "properties" / spec.name).read_text(encoding="utf-8")
    fmt = rnd.choice(["text", "json"])
    if target == "explain-worked":
        if spec.name not in _BASELINES:
            ruleset = load(spec)
            citizen = {k: value_json(v) for k, v in ruleset.baseline().items()}
            _BASELINES[spec.name] = json.dumps(citizen, indent=2)
        citizen_text = mutate_json(_BASELINES[spec.name], rnd)
        return Case("explain", spec=spec_text, props=props, citizen=citizen_text, fmt=fmt)
    if rnd.random() < 0.5:
        return Case("check", spec=mutate_yaml(spec_text, rnd), props=props, fmt=fmt)
    return Case("check", spec=spec_text, props=mutate_yaml(props, rnd), fmt=fmt)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))


def _argv(case: Case) -> list[str]:
    if case.target == "lint":
        solver = [] if case.solver else ["--no-solver"]
        return ["lint", "spec/small.yaml", "--timeout", str(TIMEOUT), "--format", case.fmt, *solver]
    if case.target == "check":
        out = ["check", "spec/small.yaml", "--timeout", str(TIMEOUT), "--out", "out"]
        return [*out, "--format", case.fmt]
    if case.target == "explain":
        return ["explain", "spec/small.yaml", "citizen.json", "--format", case.fmt]
    if case.target == "replay":
        return ["replay", "spec/small.yaml", "--format", case.fmt]
    raise ValueError(case.target)


def _deadline(case: Case) -> float:
    if case.target == "explain":
        return EXPLAIN_DEADLINE + MARGIN
    if case.target in ("check", "plugin"):
        props = max(1, case.props.count("id:"))
        return TIMEOUT * props + MARGIN
    return TIMEOUT * 6 + MARGIN  # lint: a few solver-backed warnings


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _problems_in_output(code: int, out: str, err: str, allowed: set[int]) -> list[str]:
    problems = []
    if code not in allowed:
        problems.append(f"exit code {code}")
    both = out + err
    for needle in ("Traceback", "internal error", "INTERNALERROR", "This is a bug"):
        if needle in both:
            problems.append(f"printed {needle!r}")
    if _CONTROL.search(both):
        problems.append(f"raw control character {_CONTROL.search(both)!r}")
    return problems


def _document_problems(case: Case, out: str) -> list[str]:
    """A JSON, SARIF or JUnit document must parse, also when it reports bad input."""
    if case.target == "plugin" or not out.strip():
        return []
    try:
        if case.fmt in ("json", "sarif"):
            json.loads(out)
        elif case.fmt == "junit":
            ET.fromstring(out.encode("utf-8"))
    except (ValueError, ET.ParseError) as exc:
        return [f"the {case.fmt} output does not parse: {exc}"]
    return []


def _run_plugin(project: Path) -> tuple[int, str, str]:
    import pytest

    buf = io.StringIO()
    args = ["-p", "no:cacheprovider", "-q", "--ruleproof-timeout", str(TIMEOUT), str(project)]
    with (
        contextlib.chdir(project),
        contextlib.redirect_stdout(buf),
        contextlib.redirect_stderr(buf),
    ):
        code = int(pytest.main(args))
    return code, buf.getvalue(), ""


def run_case(case: Case) -> list[str]:
    """Every broken invariant of running `case` (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="ruleproof-fuzz-") as d:
        work = Path(d)
        project = work / "project"
        for rel, text in case.files().items():
            _write(project / rel, text)
        _write(work / "outside" / "victim.txt", "keep me\n")
        before = tree(work)
        start = time.monotonic()
        if case.target == "plugin":
            code, out, err = _run_plugin(project)
            allowed = {0, 1, 2, 5}
        else:
            with contextlib.chdir(project):
                code, out, err = run_cli(_argv(case))
            allowed = {0, 1, 2, 3}
        seconds = time.monotonic() - start
        problems = _problems_in_output(code, out, err, allowed)
        if code == 2 and case.target != "plugin" and not re.search(r"RP\d{3}", out + err):
            problems.append("exit 2 without a diagnostic")
        problems += _document_problems(case, out)
        if seconds > _deadline(case):
            problems.append(f"took {seconds:.1f} s, over {_deadline(case):.0f} s")
        after = {k: v for k, v in tree(work).items() if not k.startswith("project/out")}
        if after != before:
            changed = sorted(set(after.items()) ^ set(before.items()))[:5]
            problems.append(f"wrote outside project/out: {changed}")
        if problems:
            problems.append(f"output:\n{out[-3000:]}\n{err[-3000:]}")
        return problems


def random_case(rnd: random.Random, target: str) -> Case:
    """A case for `target` with one of its inputs mutated (the others as they are)."""
    if target in WORKED_TARGETS:
        return worked_case(rnd, target)
    fmt = rnd.choice(["text", "json"])
    if target == "lint":
        seed = rnd.choice([SMALL_SPEC, *worked_specs()]) if rnd.random() < 0.5 else SMALL_SPEC
        fmt = rnd.choice(["text", "json", "github"])
        return Case("lint", spec=mutate_yaml(seed, rnd), fmt=fmt, solver=rnd.random() < 0.3)
    if target == "check":
        fmt = rnd.choice(["text", "json", "sarif", "junit"])
        if rnd.random() < 0.5:
            return Case("check", spec=mutate_yaml(SMALL_SPEC, rnd), fmt=fmt)
        return Case("check", props=mutate_yaml(SMALL_PROPS, rnd), fmt=fmt)
    if target == "explain":
        return Case("explain", citizen=mutate_json(CITIZEN, rnd), fmt=fmt)
    saved = saved_counterexamples()
    i = rnd.randrange(len(saved))
    name, text = saved[i]
    saved[i] = (name, mutate_json(text, rnd))
    if target == "replay":
        return Case("replay", saved=tuple(saved), fmt=fmt)
    how = rnd.randrange(3)
    if how == 0:
        return Case(
            "plugin", spec=mutate_yaml(SMALL_SPEC, rnd), saved=tuple(saved_counterexamples())
        )
    if how == 1:
        return Case(
            "plugin", props=mutate_yaml(SMALL_PROPS, rnd), saved=tuple(saved_counterexamples())
        )
    return Case("plugin", saved=tuple(saved))


def save_failure(folder: Path, case: Case, problems: list[str]) -> Path:
    """Write a failing case's files and problems under `folder`; returns its subfolder."""
    folder.mkdir(parents=True, exist_ok=True)
    n = sum(1 for _ in folder.iterdir())
    out = folder / f"{n:04d}-{case.target}"
    for rel, text in case.files().items():
        _write(out / rel, text)
    (out / "problems.txt").write_text(
        f"target: {case.target} format: {case.fmt} solver: {case.solver}\n\n" + "\n".join(problems),
        encoding="utf-8",
        errors="backslashreplace",
    )
    shutil.copy(__file__, out / "fuzzing.py")
    return out
