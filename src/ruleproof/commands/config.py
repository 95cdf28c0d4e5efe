"""Configuration in `[tool.ruleproof]` of pyproject.toml: defaults for `ruleproof check`.

`load_config(start)` finds the nearest pyproject.toml with a `[tool.ruleproof]` table, from
`start` (the current directory) up to the root of its git repository, and returns its settings
checked and with paths made relative to the current directory (a path in the file is relative
to the file's folder). The command line always wins over the file. Keys:

    spec = "spec/credit.yaml"        # the SPEC when none is given
    properties = ["properties/credit.yaml"]
    timeout = 30                     # seconds per property
    rlimit = 0                       # Z3 resource limit per solver call
    jobs = 1
    format = "text"                  # text | json | sarif | junit
    out = "counterexamples"          # where counterexample files go
    sarif = "ruleproof.sarif"        # also write the SARIF log there
    select = ["no-*"]                # property ids or patterns, as --select

A wrong file (bad TOML, an unknown key, a value of the wrong kind) is RP605, exit 2.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruleproof.errors import Diagnostic, RulesetError, Span, did_you_mean

FORMATS = ("text", "json", "sarif", "junit")
MAX_RLIMIT = 2**32 - 1


def _text(v: Any) -> bool:
    return isinstance(v, str) and v != ""


def _texts(v: Any) -> bool:
    return isinstance(v, list) and all(_text(x) for x in v)


def _seconds(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 0 < v <= 86400


def _whole(lo: int, hi: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi


KEYS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "spec": (_text, "a path"),
    "properties": (_texts, "a list of paths"),
    "timeout": (_seconds, "a number of seconds from 0 to 86400"),
    "rlimit": (_whole(0, MAX_RLIMIT), f"a whole number from 0 to {MAX_RLIMIT:,}"),
    "jobs": (_whole(1, 1024), "a whole number from 1 to 1024"),
    "format": (lambda v: v in FORMATS, "one of " + ", ".join(FORMATS)),
    "out": (_text, "a folder"),
    "sarif": (_text, "a file name"),
    "select": (lambda v: _text(v) or _texts(v), "a property id or pattern, or a list of them"),
}
PATH_KEYS = ("spec", "properties", "out", "sarif")


def _error(file: Path, message: str, fix: str, line: int = 1, col: int = 1) -> RulesetError:
    return RulesetError(
        [
            Diagnostic(
                "RP605",
                message,
                Span.point(str(file), line, col),
                why="`[tool.ruleproof]` in pyproject.toml sets defaults for `ruleproof check`",
                fix=fix,
            )
        ]
    )


def find_pyproject(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest pyproject.toml with `[tool.ruleproof]` and that table, or None."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _table(candidate)
            if table is not None:
                return candidate, table
        if (folder / ".git").exists():
            return None
    return None


def _table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise _error(path, f"cannot read pyproject.toml: {exc}", "check the file") from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(m[1]), int(m[2])) if m else (1, 1)
        raise _error(path, f"not valid TOML: {exc}", "fix the TOML syntax", line, col) from None
    tool = data.get("tool")
    table = tool.get("ruleproof") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise _error(path, "`tool.ruleproof` must be a table", "write `[tool.ruleproof]`")
    return table


def load_config(start: Path | None = None) -> dict[str, Any]:
    """The checked settings of the nearest `[tool.ruleproof]` ({} if there is none).

    Raises:
        RulesetError: RP605, the file or a setting is wrong.
    """
    found = find_pyproject((start or Path.cwd()).resolve())
    if found is None:
        return {}
    path, table = found
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            raise _error(
                path,
                f"unknown key `{key}` in [tool.ruleproof]",
                did_you_mean(key, KEYS) or f"known keys: {', '.join(KEYS)}",
            )
        ok, what = KEYS[key]
        if not ok(value):
            raise _error(path, f"`{key}` must be {what}, got {value!r}", f"write `{key}` as {what}")
        out[key] = _relative(path.parent, value) if key in PATH_KEYS else value
    if isinstance(out.get("select"), str):
        out["select"] = [out["select"]]
    return out


def _relative(base: Path, value: str | list[str]) -> Any:
    """A path from the file, relative to the current directory (where it can be)."""
    if isinstance(value, list):
        return [_relative(base, v) for v in value]
    full = base / value
    try:
        return os.path.relpath(full)
    except ValueError:  # another drive on Windows
        return str(full)
