"""Loading: YAML text → `Ruleset` IR, with a span on every node.

`load(path)` / `load_text(text, file)` read the file safely (`yamlsource`), check its structure
(required and unknown keys, kinds of values, identifiers, ranges), parse every expression
(`exprparse`) and finally run the typecheck. All problems found are reported together in one
`RulesetError`; nothing in a file is ever executed.
"""

from __future__ import annotations

import gc
from pathlib import Path

from ruleproof import safefiles
from ruleproof.errors import Diagnostic, RulesetError, raise_if_errors
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset.fields import Reader
from ruleproof.language.load_ruleset.sections import read_ruleset
from ruleproof.language.typecheck import typecheck, with_score_type
from ruleproof.language.yamlsource import read_yaml
from ruleproof.limits import FILE_BYTES, Limit

__all__ = ["diagnose_text", "load", "load_text", "read_text"]


def read_text(path: str | Path, limit: Limit = FILE_BYTES) -> str:
    """Read a regular UTF-8 file of at most `limit` bytes (`ruleproof.safefiles.read_text`):
    RP006 when it cannot be read, is not a regular file or is not UTF-8, the limit's code when
    it is larger."""
    return safefiles.read_text(path, limit)


def load(path: str | Path) -> M.Ruleset:
    """Load and typecheck a ruleset file. Raises `RulesetError` with every problem found."""
    return load_text(read_text(path), str(path))


def load_text(text: str, file: str = "<string>") -> M.Ruleset:
    """Load and typecheck ruleset YAML given as text."""
    ruleset, diagnostics = diagnose_text(text, file)
    raise_if_errors(diagnostics)
    assert ruleset is not None
    return ruleset


def diagnose_text(text: str, file: str = "<string>") -> tuple[M.Ruleset | None, list[Diagnostic]]:
    """Every diagnostic for ruleset YAML, warnings included, without raising for bad input.

    Returns the ruleset too when no diagnostic is an error (it may carry warnings).
    """
    # Loading builds millions of small acyclic objects; the cyclic collector would rescan the
    # growing heap again and again (over half the time on a 100,000-rule file) while finding
    # nothing to free. Reference counting still frees everything; collection resumes after.
    # A large ruleset then goes to the permanent generation (`gc.freeze`): it lives as long as
    # the checks, and the first collections after loading would otherwise rescan all of it
    # during compilation, matching and encoding (compiling 100,000 rules: 7.7 s → 1.5 s).
    enabled = gc.isenabled()
    gc.disable()
    ruleset: M.Ruleset | None = None
    try:
        ruleset, diagnostics = _diagnose_text(text, file)
        return ruleset, diagnostics
    finally:
        if enabled:
            if ruleset is not None and _size(ruleset) >= FREEZE_SIZE:
                gc.freeze()
            gc.enable()


FREEZE_SIZE = 5_000  # rules, defines, tiers and sanctions


def _size(ruleset: M.Ruleset) -> int:
    rules = len(ruleset.score.rules) if ruleset.score else 0
    return rules + len(ruleset.defines) + len(ruleset.tiers) + len(ruleset.sanctions)


def _diagnose_text(text: str, file: str) -> tuple[M.Ruleset | None, list[Diagnostic]]:
    try:
        root = read_yaml(text, file)
    except RulesetError as exc:
        return None, list(exc.diagnostics)
    reader = Reader(file)
    ruleset = read_ruleset(reader, root)
    if ruleset is None or any(d.severity == "error" for d in reader.diagnostics):
        return None, reader.diagnostics
    diagnostics = reader.diagnostics + typecheck(ruleset)
    if any(d.severity == "error" for d in diagnostics):
        return None, diagnostics
    return with_score_type(ruleset), diagnostics
