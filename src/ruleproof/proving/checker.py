"""The checker: properties → queries → Z3 → validated verdicts.

`Checker(ruleset, limits).check(prop)` returns a `Result`. All properties of one checker share
one `Encoding` (one set of citizen copies and derived terms). A `violated` verdict always comes
with a counterexample that `ruleproof.semantics.validate` re-checked with the evaluator; a
disagreement raises `InternalError`, never a finding. `proved` comes with the labels of the unsat
core (`because`). Timeouts, resource limits and non-linear arithmetic give `unknown` with the
reason. Path properties (`appeal_path`, `expires`, `recourse`) are delegated to `paths`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.proving.encode import Copy, Encoding, Term, decode
from ruleproof.proving.solving import Limits, Sat, Unknown, Unsat, minimise, solve
from ruleproof.semantics.counting import count_affected
from ruleproof.semantics.evaluate import evaluate
from ruleproof.semantics.outcome import outcome_changes
from ruleproof.semantics.templates import Query, queries, reach_goals
from ruleproof.semantics.validate import validate_query
from ruleproof.verdicts import result as V
from ruleproof.verdicts.result import Counterexample, Result

PATH_KINDS = (P.AppealPath, P.Expires, P.Recourse)
COUNT_LIMIT = 20_000  # evaluator runs spent on exact counting per violated property


class Checker:
    """Checks properties of one ruleset, sharing one encoding between them."""

    def __init__(self, ruleset: M.Ruleset, limits: Limits | None = None, fast: bool = True) -> None:
        self.ruleset = ruleset
        self.limits = limits or Limits()
        self.enc = Encoding(ruleset)
        self.fast = fast  # try `fastpaths` (sound shortcuts) before the plain encoding

    def check(self, prop: P.Property) -> Result:
        start = time.monotonic()
        deadline = start + self.limits.timeout
        fast: Result | None = None
        if self.fast:
            from ruleproof.proving.fastpaths import fast_check

            fast = fast_check(self, prop, deadline)
        if fast is not None:
            result = fast
        elif isinstance(prop.kind, PATH_KINDS):
            from ruleproof.proving.paths import check_path

            result = check_path(self, prop, deadline)
        elif isinstance(prop.kind, P.Reachable):
            result = self._reachable(prop, deadline)
        else:
            result = self._universal(prop, queries(self.ruleset, prop), deadline)
        return _with_seconds(result, time.monotonic() - start)

    # -- relational queries --------------------------------------------------------------
    def copies(self, q: Query) -> dict[str, Copy]:
        if q.varied is not None:
            first = q.citizens[0]
            out = {first: self.enc.copy(first)}
            for c in q.citizens[1:]:
                out[c] = self.enc.copy(c, q.varied, base=first)
            return out
        return {c: self.enc.copy(c) for c in q.citizens}

    def violation(self, q: Query, deadline: float) -> tuple[Any, dict[str, Copy], Any]:
        """Solve `assume ∧ ¬assert` for a query; returns (answer, copies, solver)."""
        import z3

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
        self, copies: Mapping[str, Copy], model: Any, solver: Any, deadline: float
    ) -> dict[str, dict[str, M.Value]]:
        """Decode a model, minimised toward the baseline citizen when allowed."""
        rs = self.ruleset
        if self.limits.minimise:
            variables: list[tuple[Term, M.AttrType, M.Value]] = []
            seen: set[int] = set()  # AST ids: copies sharing an attribute share its term
            for copy in copies.values():
                for a in rs.attributes:
                    var = copy.attrs[a.name]
                    if var.get_id() not in seen:
                        seen.add(var.get_id())
                        variables.append((var, a.type, a.baseline()))
            model = minimise(
                self.enc,
                solver,
                model,
                variables,
                min(deadline, time.monotonic() + max(2.0, self.limits.timeout / 3)),
            )
        return {
            tag: {
                a.name: decode(model, copy.attrs[a.name], a.type, self.enc.codes)
                for a in rs.attributes
            }
            for tag, copy in copies.items()
        }

    def _universal(self, prop: P.Property, qs: list[Query], deadline: float) -> Result:
        failures: list[tuple[Query, Counterexample]] = []
        cores: set[str] = set()
        unknown: list[str] = []
        for q in qs:
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
            return self.violated(prop, failures)
        if unknown:
            return V.Unknown(prop, "; ".join(unknown))
        note = ""
        if isinstance(prop.kind, P.SameContext):
            skipped = [s.name for s in self.ruleset.sanctions if s.domain is None]
            if skipped:
                note = f" (sanctions without a domain, not checked: {', '.join(skipped)})"
        return V.Proved(prop, "holds" + note, because=order_labels(self.ruleset, cores))

    def violated(self, prop: P.Property, failures: list[tuple[Query, Counterexample]]) -> Result:
        """The `violated` result for validated failures (the first one is shown)."""
        q, cex = failures[0]
        labels = [f.label for f, _ in failures if f.label]
        message = describe_violation(prop, cex)
        if labels:
            message = f"violated for {', '.join(f'`{x}`' for x in labels)}: {message}"
        count = count_affected(self.ruleset, q, COUNT_LIMIT)
        affected = f"affects {count.ratio_text()}" if count is not None else ""
        return V.Violated(prop, message, cex, affected=affected)

    def _reachable(self, prop: P.Property, deadline: float) -> Result:
        assert isinstance(prop.kind, P.Reachable)
        never: list[str] = []
        unknown: list[str] = []
        witnesses: dict[str, Mapping[str, M.Value]] = {}
        goals = reach_goals(self.ruleset, prop.kind)
        for (label, _), q in zip(goals, queries(self.ruleset, prop), strict=True):
            answer, copies, solver = self.violation(q, deadline)
            if isinstance(answer, Sat):
                citizens = self.citizens_of(copies, answer.model, solver, deadline)
                validate_query(self.ruleset, q, citizens)
                witnesses[label] = citizens["a"]
            elif isinstance(answer, Unsat):
                never.append(label)
            else:
                unknown.append(f"{label}: {answer.reason}")
        return reachable_result(prop, len(goals), never, unknown, witnesses)

    def counterexample(
        self,
        citizens: Mapping[str, Mapping[str, M.Value]],
        sanction: str | None = None,
        steps: tuple[Any, ...] = (),
        note: str = "",
    ) -> Counterexample:
        outcomes = {tag: evaluate(self.ruleset, c) for tag, c in citizens.items()}
        return Counterexample(citizens, outcomes, steps, note, sanction)


def reachable_result(
    prop: P.Property,
    goals: int,
    never: list[str],
    unknown: list[str],
    witnesses: Mapping[str, Mapping[str, M.Value]],
) -> Result:
    """The verdict of a `reachable` property from what happened to each of its goals."""
    if never:
        cex = Counterexample({}, {}, note="never: " + "; ".join(never))
        return V.Violated(
            prop,
            f"{len(never)} of {goals} can never happen: " + ", ".join(never),
            cex,
            witnesses=witnesses,
        )
    if unknown:
        return V.Unknown(prop, "; ".join(unknown), witnesses=witnesses)
    return V.Proved(prop, f"all {goals} can happen", witnesses=witnesses)


def order_labels(ruleset: M.Ruleset, labels: set[str]) -> tuple[str, ...]:
    """Core labels in the ruleset's own order: assumes, defines, rules, clamp, tiers, sanctions."""
    order: list[str] = [f"assume #{a.index} ({a.text})" for a in ruleset.assumptions]
    order += [f"define {d.name}" for d in ruleset.defines]
    order += [f"rule {r.id}" for r in (ruleset.score.rules if ruleset.score else ())]
    order += ["score range (clamp)", "tiers (first match)"]
    order += [f"sanction {s.name}" for s in ruleset.sanctions]
    rank = {label: i for i, label in enumerate(order)}
    return tuple(sorted(labels, key=lambda x: (rank.get(x, len(rank)), x)))


def describe_violation(prop: P.Property, cex: Counterexample) -> str:
    """One line saying what the counterexample shows."""
    outs = cex.outcomes
    if len(outs) == 2 and "a" in outs and "b" in outs:
        diff = cex.differing()
        changed = outcome_changes(outs["a"], outs["b"]) or outcome_changes(
            outs["a"], outs["b"], defines=True
        )
        return (
            f"citizens differing only in {', '.join(diff) or 'nothing'} get "
            f"{'; '.join(changed) or 'outcomes violating the assertion'}"
        )
    if "a" in outs:
        o = outs["a"]
        return f"citizen a gets score {o.score}, tier {o.tier}, sanctions {list(o.sanctions)}"
    return "counterexample found"


def _with_seconds(r: Result, seconds: float) -> Result:
    import attrs

    return attrs.evolve(r, seconds=round(seconds, 3))


def check_all(
    ruleset: M.Ruleset, props: list[P.Property], limits: Limits | None = None
) -> list[Result]:
    """Check properties in order with one shared encoding."""
    checker = Checker(ruleset, limits)
    return [checker.check(p) for p in props]
