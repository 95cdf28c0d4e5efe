"""The Z3 back end: relational queries → Z3 → validated verdicts, with nothing in front of it.

`Z3Checker(ruleset, limits)` holds one `Encoding` that every query of the ruleset shares (one set
of citizen copies and derived terms). `universal(prop, queries)` decides a one-state or
relational template; `reachable(prop)` decides each `reachable` goal; `violation(query)` is the
single solver call both use and that the fast paths and the path checker build on. A `violated`
verdict always comes with a counterexample that `ruleproof.semantics.validate` re-checked with
the evaluator (a disagreement raises `InternalError`, never a finding); `proved` comes with the
labels of the unsat core; timeouts, resource limits and non-linear arithmetic give `unknown`
with the reason. It knows nothing of fast paths: `ruleproof.proving.checker` decides what runs.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import z3

from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.proving import conclude
from ruleproof.proving.encode import Copy, Encoding, Term, decode
from ruleproof.proving.solving import Limits, Sat, Unknown, Unsat, minimise, solve
from ruleproof.proving.stages import Stages
from ruleproof.semantics.evaluate import evaluate
from ruleproof.semantics.outcome import Step
from ruleproof.semantics.templates import Query, queries, reach_goals
from ruleproof.semantics.validate import validate_query
from ruleproof.verdicts import result as V
from ruleproof.verdicts.result import Counterexample, Result


class Z3Checker:
    """Checks queries of one ruleset with Z3, sharing one encoding between them."""

    def __init__(
        self, ruleset: M.Ruleset, limits: Limits | None = None, stages: Stages | None = None
    ) -> None:
        self.ruleset = ruleset
        self.limits = limits or Limits()
        self.stages = stages or Stages()
        self.enc = Encoding(ruleset)

    # -- one query -------------------------------------------------------------------------
    def copies(self, q: Query) -> dict[str, Copy]:
        """The citizen copies of a query: pair copies share what the query does not vary."""
        if q.varied is not None:
            first = q.citizens[0]
            out = {first: self.enc.copy(first)}
            for c in q.citizens[1:]:
                out[c] = self.enc.copy(c, q.varied, base=first)
            return out
        return {c: self.enc.copy(c) for c in q.citizens}

    def violation(self, q: Query, deadline: float) -> tuple[Any, dict[str, Copy], Any]:
        """Solve `assume ∧ ¬assert` for a query; returns (answer, copies, solver)."""
        copies = self.copies(q)
        first = copies[q.citizens[0]]
        goal = z3.And(
            first.expr(q.assume, others=copies), z3.Not(first.expr(q.assert_, others=copies))
        )
        constraints: list[Term] = []
        seen: set[int] = set()
        for c in copies.values():
            for f in c.all_constraints():
                if id(f) not in seen:
                    seen.add(id(f))
                    constraints.append(f)
        answer, solver = solve(self.enc, constraints, goal, self.limits, deadline)
        return answer, copies, solver

    def citizens_of(
        self,
        copies: Mapping[str, Copy],
        model: Any,
        solver: Any,
        deadline: float,
        prefer: Mapping[str, M.Value] | None = None,
    ) -> dict[str, dict[str, M.Value]]:
        """Decode a model, minimised toward the baseline citizen when allowed (attributes in
        `prefer` toward those values instead, after all the others)."""
        rs = self.ruleset
        prefer = prefer or {}
        if self.limits.minimise:
            self.stages.enter("minimising the counterexample")
            variables: list[tuple[Term, M.AttrType, M.Value]] = []
            last: list[tuple[Term, M.AttrType, M.Value]] = []
            seen: set[int] = set()  # AST ids: copies sharing an attribute share its term
            for copy in copies.values():
                for a in rs.attributes:
                    var = copy.attrs[a.name]
                    if var.get_id() not in seen:
                        seen.add(var.get_id())
                        into = last if a.name in prefer else variables
                        into.append((var, a.type, prefer.get(a.name, a.baseline())))
            variables += last
            budget = max(2.0, self.limits.timeout / 3)
            model = minimise(
                self.enc, solver, model, variables, min(deadline, time.monotonic() + budget)
            )
        return {
            tag: {
                a.name: decode(model, copy.attrs[a.name], a.type, self.enc.codes)
                for a in rs.attributes
            }
            for tag, copy in copies.items()
        }

    def counterexample(
        self,
        citizens: Mapping[str, Mapping[str, M.Value]],
        sanction: str | None = None,
        steps: tuple[Step, ...] = (),
        note: str = "",
    ) -> Counterexample:
        """A counterexample with every citizen's outcome and trace (reference evaluator)."""
        outcomes = {tag: evaluate(self.ruleset, c) for tag, c in citizens.items()}
        return Counterexample(citizens, outcomes, steps, note, sanction)

    # -- whole properties ------------------------------------------------------------------
    def universal(self, prop: P.Property, deadline: float) -> Result:
        """A one-state or relational template, query by query."""
        failures: list[tuple[Query, Counterexample]] = []
        cores: set[str] = set()
        unknown: list[str] = []
        qs = queries(self.ruleset, prop)
        unchecked: list[str] = []
        for q in qs:
            if time.monotonic() >= deadline:
                unchecked.append(q.label or prop.id)
                continue
            self.stages.enter(f"solving {q.label}" if q.label else "solving")
            answer, copies, solver = self.violation(q, deadline)
            if isinstance(answer, Sat):
                citizens = self.citizens_of(copies, answer.model, solver, deadline)
                validate_query(self.ruleset, q, citizens)
                failures.append((q, self.counterexample(citizens, sanction=q.label or None)))
            elif isinstance(answer, Unsat):
                cores.update(answer.core)
            else:
                assert isinstance(answer, Unknown)
                unknown.append(f"{q.label}: {answer.reason}" if q.label else answer.reason)
        if failures:
            self.stages.enter("counting the citizens affected")
            return conclude.violated(self.ruleset, prop, failures, deadline)
        late = conclude.not_checked(unchecked, len(qs))
        if unknown or late:
            return V.Unknown(prop, "; ".join([*unknown, *([late] if late else [])]))
        return conclude.proved_relational(prop, self.ruleset, cores)

    def reachable(self, prop: P.Property, deadline: float) -> Result:
        """A `reachable` property, one solver call per goal."""
        assert isinstance(prop.kind, P.Reachable)
        never: list[str] = []
        unknown: list[str] = []
        witnesses: dict[str, Mapping[str, M.Value]] = {}
        goals = reach_goals(self.ruleset, prop.kind)
        unchecked: list[str] = []
        for (label, _), q in zip(goals, queries(self.ruleset, prop), strict=True):
            if time.monotonic() >= deadline:
                unchecked.append(label)
                continue
            found = self.reach(label, q, deadline, never, unknown)
            if found is not None:
                witnesses[label] = found
        return conclude.reachable_result(prop, len(goals), never, unknown, witnesses, unchecked)

    def reach(
        self, label: str, q: Query, deadline: float, never: list[str], unknown: list[str]
    ) -> Mapping[str, M.Value] | None:
        """A validated citizen reaching one goal, or None (then `label` joins `never` or
        `unknown`, with the reason)."""
        self.stages.enter(f"solving: can {label} happen?")
        answer, copies, solver = self.violation(q, deadline)
        if isinstance(answer, Sat):
            citizens = self.citizens_of(copies, answer.model, solver, deadline)
            validate_query(self.ruleset, q, citizens)
            return citizens["a"]
        if isinstance(answer, Unsat):
            never.append(label)
        else:
            assert isinstance(answer, Unknown)
            unknown.append(f"{label}: {answer.reason}")
        return None
