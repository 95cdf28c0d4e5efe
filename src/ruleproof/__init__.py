"""ruleproof: prove properties of scoring and sanctioning rulesets with Z3.

The public API: `load(path)` reads and typechecks a ruleset file into a `Ruleset`;
`ruleset.evaluate(citizen)` (or `evaluate(ruleset, citizen)`) gives the outcome with its trace;
`ruleset.check(query)` proves or refutes a query. Bad input raises `RulesetError` (carrying every
diagnostic); a bug in ruleproof raises `InternalError`; both derive from `RuleproofError`.
Importing ruleproof does not load Z3; the first check does.
"""

from ruleproof.api import Ruleset, load
from ruleproof.errors import InternalError, RuleproofError, RulesetError
from ruleproof.semantics.evaluate import evaluate

__all__ = ["InternalError", "RuleproofError", "Ruleset", "RulesetError", "evaluate", "load"]
