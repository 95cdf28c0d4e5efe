"""Reading properties, the one entry point: a property file or a query text → `Property` IR,
checked against a ruleset.

`load_properties(path, ruleset)` / `load_properties_text(text, file, ruleset)` read the file with
the safe YAML reader. The file is a mapping `properties: [...]` (a bare top-level list is also
accepted); each entry has an `id` (unique in the file), exactly one kind key of DESIGN §3
(`always`, `independent`, `monotone`, `same_context`, `appeal_path`, `expires`, `recourse`,
`tiers_total`, `reachable`, `forall` — the last with `assume` and `assert`), and optionally
`doc`, `cites` and `expect: proved | violated`. Every name, selector, output, action and
expression is checked against the ruleset; a property that would be about nothing (a selector
that selects no attribute, `tiers_total` without tiers, …) is an error, not a vacuous proof.
All problems are collected and raised together as one `RulesetError` (codes RP5xx, plus the
expression codes RP1xx/RP2xx); `read_properties_text` returns them as values instead.

`parse_query(text, ruleset)` reads the Python API's query text into one `Property` (id `query`):

- `forall a, b: ASSERT` — a relational query; `assume` is `True`;
- `forall a, b: ASSUME => ASSERT` — with an assumption (`=>` outside quotes, at most once);
- inside a `forall` body, a top-level `P implies Q` (outside brackets) means `implies(P, Q)`,
  so `forall a, b: a.debt == b.debt implies a.tier == b.tier` is one assertion;
- `always: PHI` or just `PHI` — a one-citizen property, ∀c. PHI(c);
- `KIND: VALUE` for any other kind key — the YAML of that kind, e.g. `reachable: tiers` or
  `independent: {of: protected, outputs: [tier]}`.

Nothing in a file or a query is ever executed: expressions go through `parse_expr` (`ast`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ruleproof.errors import Diagnostic, raise_if_errors
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.load_ruleset import read_text
from ruleproof.language.load_suite import querytext
from ruleproof.language.load_suite.entries import duplicate_id_message, read_file
from ruleproof.language.load_suite.fields import PropertyReader
from ruleproof.language.yamlsource import read_yaml

__all__ = [
    "load_properties",
    "load_properties_text",
    "parse_query",
    "read_properties_text",
    "same_ids",
]


def load_properties(path: str | Path, ruleset: M.Ruleset) -> list[P.Property]:
    """Load a property file and check it against `ruleset`.

    Raises:
        RulesetError: every problem in the file (RP0xx reading, RP1xx/RP2xx expressions, RP5xx).
    """
    return load_properties_text(read_text(path), str(path), ruleset)


def load_properties_text(text: str, file: str, ruleset: M.Ruleset) -> list[P.Property]:
    """Like `load_properties`, for YAML given as text; `file` names it in diagnostics."""
    props, diagnostics = read_properties_text(text, file, ruleset)
    raise_if_errors(diagnostics)
    return props


def read_properties_text(
    text: str, file: str, ruleset: M.Ruleset
) -> tuple[list[P.Property], list[Diagnostic]]:
    """The properties that could be read and every diagnostic (errors and warnings).

    Raises:
        RulesetError: only when the YAML itself cannot be read (RP0xx).
    """
    loader = PropertyReader(file, ruleset)
    props = read_file(loader, read_yaml(text, file))
    return props, loader.diagnostics


def parse_query(text: str, ruleset: M.Ruleset, file: str = "<query>") -> P.Property:
    """Read one query text (syntax in the module docstring) into a `Property` with id `query`.

    Raises:
        RulesetError: the query is malformed (RP516) or does not fit the ruleset.
    """
    loader = PropertyReader(file, ruleset)
    prop = querytext.query(loader, text)
    raise_if_errors(loader.diagnostics)
    assert prop is not None
    return prop


def same_ids(properties: Sequence[P.Property]) -> list[Diagnostic]:
    """RP505 for each property whose id another one (of any file) has, up to case.

    Ids name counterexample files, and file names may ignore case.
    """
    first: dict[str, P.Property] = {}
    out: list[Diagnostic] = []
    for p in properties:
        seen = first.setdefault(p.id.lower(), p)
        if seen is not p:
            where = f"{seen.span.file}:{seen.span.line}"
            out.append(
                Diagnostic(
                    "RP505",
                    duplicate_id_message(p.id, seen.id, where),
                    p.span,
                    why="results and counterexample files are named by the id, and file names "
                    "may ignore case",
                    fix="rename one of them",
                )
            )
    return out
