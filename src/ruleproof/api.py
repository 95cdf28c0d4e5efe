"""The Python API: a loaded ruleset you can evaluate and question.

`load(path)` reads and typechecks a ruleset file into a `Ruleset`: the ruleset IR
(`ruleproof.language.ruleset.Ruleset`, every field and analysis of it) with methods for people
at a prompt or in a notebook. `Ruleset.of(ir)` gives those methods to a ruleset built another
way (from Python, or by `ruleproof.testing`). The IR itself knows nothing of evaluation or
checking; this module is where the stages meet.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import attrs

from ruleproof.commands.run_suite import check_text
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load as load_ir
from ruleproof.semantics.evaluate import evaluate
from ruleproof.semantics.outcome import Outcome
from ruleproof.verdicts.result import Result


@attrs.frozen
class Ruleset(M.Ruleset):
    """A ruleset with `evaluate` and `check` (see `ruleproof.language.ruleset.Ruleset`)."""

    @classmethod
    def of(cls, ruleset: M.Ruleset) -> Ruleset:
        """The same ruleset with this API's methods (the fields are shared, not copied)."""
        if isinstance(ruleset, cls):
            return ruleset
        fields = {f.name: getattr(ruleset, f.name) for f in attrs.fields(M.Ruleset)}
        return cls(**fields)

    def evaluate(self, citizen: Mapping[str, M.Value]) -> Outcome:
        """Score, tier, sanctions and trace for one possible citizen
        (`ruleproof.semantics.evaluate.evaluate`)."""
        return evaluate(self, citizen)

    def check(self, query: str, timeout: float = 30.0, rlimit: int = 0) -> Result:
        """Prove or refute a query about this ruleset.

        `query` is query text (`forall a, b: a.debt == b.debt => a.tier == b.tier`, an
        expression that must always hold, or `KIND: VALUE` for any property kind, e.g.
        `independent: {of: protected}`). The result has `.status` (`proved`, `violated`,
        `unknown`, `error`) and `.counterexample`; both render as tables in a terminal and in
        Jupyter.

        Raises:
            RulesetError: the query is malformed or does not fit this ruleset.
        """
        return check_text(self, query, timeout=timeout, rlimit=rlimit)


def load(path: str | Path) -> Ruleset:
    """Load and typecheck a ruleset file.

    Raises:
        RulesetError: the file cannot be read or is not a valid ruleset (every problem found).
    """
    return Ruleset.of(load_ir(path))
