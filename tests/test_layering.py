"""The architecture as tests: stages in order, no import cycle, Z3 only where it belongs.

`STAGES` lists the stage packages and top-level modules of `src/ruleproof`, lowest first; it is
the one place the allowed import edges are written down: a module may import modules of its own
stage and of any stage before it, never one after. Imports are read from the source at every
level (module, function, `TYPE_CHECKING` blocks), so a lazy import cannot hide an upward edge.
Runtime imports (everything but `TYPE_CHECKING` blocks) must form no cycle, and importing the
language, semantics, verdicts and reporting stages in a fresh interpreter must load neither
`z3` nor any module of a later stage.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ruleproof"

STAGES: list[tuple[str, ...]] = [
    ("errors", "limits", "printable", "safefiles"),  # diagnostics, limits, safe text and files
    ("language",),  # YAML, expressions, ruleset and property IR, typecheck
    ("semantics",),  # evaluators, abstractions, queries, validation, sampling
    ("verdicts",),  # results and counterexamples, and how one displays
    ("population",),  # the ruleset as SQL over a population, on DuckDB or Spark
    ("proving",),  # Z3 encoding, back end, fast paths, paths, diff, orchestrator
    ("reporting",),  # files, check output, SARIF, JUnit, diff report
    ("importers",),  # tree ensembles and points tables → rulesets
    ("commands",),  # the command line and what its commands run
    ("api", "testing"),  # the Python API; Hypothesis strategies
    ("__init__", "__main__", "pytest_plugin"),  # entry points
]
Z3_FREE = ("language", "semantics", "verdicts", "population", "reporting", "importers")


def _rank(module: str) -> int:
    """The stage index of `ruleproof.X...` (its first component after `ruleproof`)."""
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else "__init__"
    for i, stage in enumerate(STAGES):
        if head in stage:
            return i
    raise AssertionError(f"{module} is in no stage of STAGES: add it there")


def _modules() -> dict[str, Path]:
    out = {}
    for f in sorted(SRC.rglob("*.py")):
        parts = list(f.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 2:
            parts = parts[:-1]
        out[".".join(parts)] = f
    return out


def _edges(path: Path) -> list[tuple[str, bool, int]]:
    """Every `ruleproof` import of a module: (module imported, type-only, line)."""
    out: list[tuple[str, bool, int]] = []

    def visit(node: ast.AST, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                visit(child, True)
                continue
            if isinstance(child, ast.ImportFrom) and child.module:
                for alias in child.names:
                    out.append((f"{child.module}.{alias.name}", type_only, child.lineno))
            elif isinstance(child, ast.Import):
                out.extend((a.name, type_only, child.lineno) for a in child.names)
            visit(child, type_only)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return [(m, t, line) for m, t, line in out if m.split(".")[0] == "ruleproof"]


def _resolve(name: str, modules: dict[str, Path]) -> str:
    """`from ruleproof.a import b` names module `ruleproof.a.b` if it exists, else `ruleproof.a`."""
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def test_every_module_is_in_a_stage() -> None:
    for name in _modules():
        _rank(name)


def test_no_stage_imports_a_later_one() -> None:
    modules = _modules()
    upward = []
    for name, path in modules.items():
        for target, _, line in _edges(path):
            target = _resolve(target, modules)
            if target != "ruleproof" and _rank(target) > _rank(name):
                upward.append(f"{path.relative_to(SRC.parent)}:{line} imports {target}")
    assert upward == []


def test_no_import_cycle_at_any_level() -> None:
    modules = _modules()
    graph = {
        name: {
            _resolve(t, modules)
            for t, type_only, _ in _edges(path)
            if not type_only and _resolve(t, modules) not in (name, "ruleproof")
        }
        for name, path in modules.items()
    }
    assert _cycles(graph) == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


@pytest.mark.parametrize("stage", Z3_FREE)
def test_lower_stages_load_neither_z3_nor_later_stages(stage: str) -> None:
    names = [n for n in _modules() if n.startswith(f"ruleproof.{stage}")]
    script = (
        "import importlib, json, sys\n"
        f"for n in {names!r}: importlib.import_module(n)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    loaded = [m for m in json.loads(proc.stdout) if m.split(".")[0] == "ruleproof"]
    assert "z3" not in json.loads(proc.stdout)
    assert [m for m in loaded if m != "ruleproof" and _rank(m) > _rank(f"ruleproof.{stage}")] == []


def test_only_proving_imports_z3() -> None:
    offenders = []
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Import) and any(a.name == "z3" for a in node.names)) or (
                isinstance(node, ast.ImportFrom) and node.module == "z3"
            ):
                offenders.append(name)
    assert [n for n in offenders if not n.startswith("ruleproof.proving.")] == []


def test_nothing_calls_eval_or_exec() -> None:
    found = []
    for f in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("eval", "exec", "compile", "__import__")
            ):
                found.append(f"{f.relative_to(SRC)}:{node.lineno}")
    assert found == []
