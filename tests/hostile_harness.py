"""Shared by the hostile-input tests, the fuzzing test and `scripts/soak.py`: a small project on
disk, the command line run in-process, and what a run may leave behind.

`run_cli(argv)` runs `ruleproof` in this process and returns (exit code, stdout, stderr);
`tree(root)` lists every file and link under a folder with its content's digest, so a test can
say exactly what a run wrote.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from ruleproof.commands.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
SMALL_SPEC = (GOLDEN / "check" / "small.yaml").read_text(encoding="utf-8")
SMALL_PROPS = (GOLDEN / "check" / "small-properties.yaml").read_text(encoding="utf-8")
CITIZEN = (
    '{"debt": 10, "evades": true, "religion": "none", "friends_listed": 0, "days_listed": 0}\n'
)


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `ruleproof ARGV`, run in this process."""
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def make_project(root: Path, spec: str = SMALL_SPEC, props: str = SMALL_PROPS) -> Path:
    """`root/spec/small.yaml` and `root/properties/small.yaml`; returns `root`."""
    (root / "spec").mkdir(parents=True, exist_ok=True)
    (root / "properties").mkdir(exist_ok=True)
    (root / "spec" / "small.yaml").write_text(spec, encoding="utf-8")
    (root / "properties" / "small.yaml").write_text(props, encoding="utf-8")
    return root


def tree(root: Path) -> dict[str, str]:
    """Relative path → sha256 of the content (`link:TARGET` for links, `dir` for folders)."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = f"link:{os.readlink(p)}"
            elif p.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
