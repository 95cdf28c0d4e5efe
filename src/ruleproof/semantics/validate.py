"""Validation: every counterexample is re-checked by the plain evaluator before it is shown.

`validate_query` takes decoded citizens for a relational query and confirms, without Z3, that
each is a possible citizen, that pair citizens agree outside the varied attributes, that the
query's `assume` holds and its `assert` fails. Any disagreement is a bug in the encoding and
raises `InternalError`.
"""

from __future__ import annotations

from collections.abc import Mapping

from ruleproof.errors import InternalError
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.values import fmt_value
from ruleproof.semantics.evaluate import State, eval_expr, in_domain
from ruleproof.semantics.templates import Query


def holds_relational(
    ruleset: M.Ruleset, e: E.Expr, citizens: Mapping[str, Mapping[str, M.Value]]
) -> bool:
    states = {tag: State(ruleset, c) for tag, c in citizens.items()}

    def lookup(var: E.Var) -> M.Value | None:
        assert var.citizen is not None
        return states[var.citizen].lookup(E.Var(var.name))

    return bool(eval_expr(e, lookup))


def _show(citizens: Mapping[str, Mapping[str, M.Value]]) -> str:
    return "; ".join(
        f"{t}: " + ", ".join(f"{k}={fmt_value(v)}" for k, v in c.items())
        for t, c in citizens.items()
    )


def validate_query(
    ruleset: M.Ruleset, q: Query, citizens: Mapping[str, Mapping[str, M.Value]]
) -> None:
    """Raise `InternalError` unless the citizens really violate the query."""
    for tag, c in citizens.items():
        why = in_domain(ruleset, c)
        if why is not None:
            raise InternalError(
                f"the solver's citizen {tag} is impossible ({why}): {_show(citizens)}"
            )
    if q.varied is not None:
        first = citizens[q.citizens[0]]
        for tag in q.citizens[1:]:
            for a in ruleset.attributes:
                if a.name not in q.varied and citizens[tag][a.name] != first[a.name]:
                    raise InternalError(
                        f"pair citizens differ in `{a.name}` outside the varied "
                        f"attributes: {_show(citizens)}"
                    )
    if not holds_relational(ruleset, q.assume, citizens):
        raise InternalError(
            f"the evaluator finds the query's assumption false for the "
            f"solver's counterexample: {_show(citizens)}"
        )
    if holds_relational(ruleset, q.assert_, citizens):
        raise InternalError(
            f"the evaluator finds the property true for the solver's "
            f"counterexample: {_show(citizens)}"
        )
