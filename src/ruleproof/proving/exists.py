"""`exists` queries: some possible citizens satisfy a condition, shown by a witness.

`exists a, b: φ` is the dual of `forall a, b: not φ`: the back end looks for a violation of the
query `assume ⇒ ¬assert` (`semantics.templates.queries`), which is a witness. Found: `proved`,
with the witness minimised toward the baseline, re-checked by the evaluator, in `witnesses`
and described in the message. None: `violated` (no possible citizens satisfy it; the
counterexample has no citizens, only a note). The solver gave up: `unknown` with the reason.
"""

from __future__ import annotations

from ruleproof.language import suite as P
from ruleproof.proving.solving import Sat, Unsat
from ruleproof.proving.z3checker import Z3Checker
from ruleproof.semantics.evaluate import evaluate
from ruleproof.semantics.outcome import outcome_phrase
from ruleproof.semantics.templates import queries
from ruleproof.semantics.validate import validate_query
from ruleproof.verdicts import result as V
from ruleproof.verdicts.result import Counterexample, Result


def check_exists(backend: Z3Checker, prop: P.Property, deadline: float) -> Result:
    """The verdict of an `exists` property (see the module docstring)."""
    kind = prop.kind
    assert isinstance(kind, P.Exists)
    rs = backend.ruleset
    (q,) = queries(rs, prop)
    answer, copies, solver = backend.violation(q, deadline)
    condition = (
        kind.assert_text
        if kind.assume_text == "True"
        else (f"{kind.assume_text} and {kind.assert_text}")
    )
    if isinstance(answer, Sat):
        citizens = backend.citizens_of(copies, answer.model, solver, deadline)
        validate_query(rs, q, citizens)
        has = (rs.score is not None, bool(rs.tiers), bool(rs.sanctions))
        parts = []
        for tag, c in citizens.items():
            phrase = outcome_phrase(evaluate(rs, c), *has)
            parts.append(f"{tag} gets {phrase}" if phrase else tag)
        message = f"exists, for example: {'; '.join(parts)}"
        return V.Proved(prop, message, witnesses=citizens)
    if isinstance(answer, Unsat):
        who = ", ".join(kind.citizens)
        note = f"no possible citizens {who} with `{condition}`"
        return V.Violated(prop, note, Counterexample({}, {}, note=note))
    return V.Unknown(prop, answer.reason)
