"""ruleproof: prove properties of scoring and sanctioning rulesets with Z3.

The public API: `load(path)` reads and typechecks a ruleset file into a `Ruleset`;
`ruleset.evaluate(citizen)` (or `evaluate(ruleset, citizen)`) gives the outcome with its trace;
`ruleset.explain(citizen)` adds the actions and what the person can do, `ruleset.recourse(...)`
the least path to a target; `ruleset.check(query)` proves or refutes a query and
`ruleset.exists(condition)` finds a witness. Bad input raises `RulesetError` (carrying every
diagnostic); a bug in ruleproof raises `InternalError`; both derive from `RuleproofError`.

The names are loaded on first use (PEP 562), so importing one stage of the pipeline
(`ruleproof.language`, say) loads only that stage and those before it; nothing loads Z3 before
the first check.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ruleproof.errors import InternalError, RuleproofError, RulesetError

if TYPE_CHECKING:
    from ruleproof.api import Ruleset, evaluate, load

__all__ = ["InternalError", "RuleproofError", "Ruleset", "RulesetError", "evaluate", "load"]
_LAZY = {
    "Ruleset": "ruleproof.api",
    "load": "ruleproof.api",
    "evaluate": "ruleproof.api",
}


def __getattr__(name: str) -> Any:
    """The public names, imported on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ruleproof' has no attribute {name!r}")
