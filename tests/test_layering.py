"""Architecture rules that a test can enforce.

Only the Z3 side (the encoder, the solver driver, the checker and its path/diff parts under
`ruleproof/properties/`) imports `z3`; the rule language (`spec/`), counterexample handling
(`counterexamples/`), results and reports never do. No module calls `eval` or `exec`.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "ruleproof"
Z3_FREE = [
    "spec",
    "counterexamples",
    "report",
    "results.py",
    "errors.py",
    "counting.py",
    "testing.py",
]
PROPERTY_FRONT_END = [
    "properties/model.py",
    "properties/load.py",
    "properties/load_kinds.py",
    "properties/querytext.py",
    "properties/templates.py",
]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def _files(entries: list[str]) -> list[Path]:
    out: list[Path] = []
    for e in entries:
        p = SRC / e
        out += sorted(p.rglob("*.py")) if p.is_dir() else ([p] if p.exists() else [])
    return out


def test_only_the_solver_side_imports_z3() -> None:
    offenders = [
        str(f.relative_to(SRC)) for f in _files(Z3_FREE + PROPERTY_FRONT_END) if "z3" in _imports(f)
    ]
    assert offenders == []


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
