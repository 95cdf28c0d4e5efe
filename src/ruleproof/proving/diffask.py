"""Queries of `diff` answered with confirmed original citizens.

`Asker(old, new, limits, slicing)` asks a query of the folded comparison (the rules both
versions share folded into `score~rest`, `difffold`), turns a folded answer into original
citizens (`Folded.concretize`), falls back to the unfolded encoding for rulesets up to
`FULL_MAX_RULES` score rules, and confirms every citizen it returns on both original versions
with the compiled evaluator (`InternalError` if the evaluator does not see what the solver did).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Literal

import attrs
import z3

from ruleproof.errors import InternalError
from ruleproof.language import ruleset as M
from ruleproof.proving.diffencode import (
    Citizens,
    Comparison,
    Found,
    NotFound,
    Session,
    Undecided,
    baseline_of,
    split_citizen,
)
from ruleproof.proving.difffold import REST, Folded, fold_shared
from ruleproof.proving.diffplan import union_attributes
from ruleproof.proving.diffslice import match_versions
from ruleproof.proving.encode import Term
from ruleproof.proving.solving import Limits
from ruleproof.semantics.compiled import Compiled, compile_ruleset
from ruleproof.semantics.evaluate import in_domain
from ruleproof.semantics.outcome import Outcome, Trace

FULL_MAX_RULES = 2_000  # above this, a folded difference no citizen realises stays unknown


@attrs.frozen
class Shown:
    """A difference found and confirmed: the citizens and both versions' outcomes."""

    citizens: Citizens
    old: Outcome
    new: Outcome


Checked = Shown | NotFound | Undecided
Goal = Callable[[Comparison], Term]
Test = Callable[[Outcome, Outcome], bool]


class Asker:
    """Queries over the folded comparison, answered with confirmed original citizens.

    `ask(goal, ok, what)`: `goal` builds the Z3 condition over a `Comparison` (so it can be
    asked of the folded and of the unfolded versions), `ok` is the same condition on the two
    outcomes, checked by the evaluator.
    """

    def __init__(self, old: M.Ruleset, new: M.Ruleset, limits: Limits, slicing: bool) -> None:
        self.old, self.new, self.limits, self.slicing = old, new, limits, slicing
        # The compared citizens of the original versions (the folded ones lack attributes only
        # folded rules read, and have `score~rest`).
        self.union, self.changed, self.notes = union_attributes(old, new)
        self.folded: Folded | None = (
            fold_shared(old, new, match_versions(old, new)) if slicing else None
        )
        if self.folded is not None:
            folded = self.folded
            self.cmp = Comparison(folded.old, folded.new, slicing)
            self.cmp.prefer = lambda: {REST: folded.start()}
            self.cmp.unminimised = lambda: frozenset(folded.free())
        else:
            self.cmp = Comparison(old, new, slicing)
        self.session = self.cmp.session(limits)
        self._full: Session | None = None
        self._compiled: dict[str, Compiled] = {}

    def compiled(self, which: Literal["old", "new", "folded old", "folded new"]) -> Compiled:
        if which not in self._compiled:
            rs = {"old": self.old, "new": self.new}.get(which)
            if rs is None:
                assert self.folded is not None
                rs = self.folded.old if which == "folded old" else self.folded.new
            if which == "old" and self.folded is not None:
                self._compiled[which] = self.folded.compiled
            else:
                self._compiled[which] = compile_ruleset(rs)
        return self._compiled[which]

    def baseline(self) -> dict[str, M.Value]:
        return baseline_of(self.union)

    def possible(self) -> bool:
        """False when no compared citizen is possible under both versions."""
        return not isinstance(self.session.find(z3.BoolVal(True), minimal=False), NotFound)

    def ask(
        self,
        goal: Goal,
        ok: Test,
        what: str,
        seconds: float | None = None,
        minimal: bool = True,
        shown: bool = True,
    ) -> Checked:
        """A confirmed citizen with `goal`, NotFound (a proof), or Undecided with the reason.

        `shown=False` (summary witnesses, never displayed, tested only on score, tier and
        sanctions) confirms without building the evaluator's trace.
        """
        deadline = time.monotonic() + (self.limits.timeout if seconds is None else seconds)
        ans = self.session.find(goal(self.cmp), seconds, minimal)
        if not isinstance(ans, Found):
            return ans
        if self.folded is None:
            return self._confirmed(ans.citizens, what, ok, shown)
        test = self._folded_test(ok)
        concrete = self.folded.concretize(ans.citizens[0], test, deadline)
        if concrete is not None:
            complete = {**self.baseline(), **concrete}  # attributes nothing reads: baseline
            return self._confirmed(split_citizen(self.union, complete), what, ok, shown)
        size = max(len(rs.score.rules) if rs.score else 0 for rs in (self.old, self.new))
        if size > FULL_MAX_RULES:
            return Undecided(
                f"the folded encoding finds {what} only where the {len(self.folded.rules)} "
                "score rules both versions share add up to a sum no citizen was found to "
                f"reach; the unfolded encoding of {size} rules is too large to settle it"
            )
        if self._full is None:
            self._full = Comparison(self.old, self.new, self.slicing).session(self.limits)
        ans = self._full.find(goal(self._full.cmp), seconds, minimal)
        if not isinstance(ans, Found):
            return ans
        return self._confirmed(ans.citizens, what, ok, shown)

    def _folded_test(self, ok: Test) -> Callable[[dict[str, M.Value]], bool]:
        fo, fn = self.compiled("folded old"), self.compiled("folded new")

        def test(union: dict[str, M.Value]) -> bool:
            _, old_c, new_c = self.cmp.split(union)
            return ok(fo.evaluate(old_c), fn.evaluate(new_c))

        return test

    def _confirmed(self, citizens: Citizens, what: str, ok: Test, shown: bool = True) -> Shown:
        """Evaluate a citizen under both original versions; `InternalError` unless `ok` holds."""
        union, old_c, new_c = citizens
        text = ", ".join(f"{k}={v!r}" for k, v in union.items())
        for label, rs, c in (("OLD", self.old, old_c), ("NEW", self.new, new_c)):
            why = in_domain(rs, c)
            if why is not None:
                raise InternalError(
                    f"diff: the solver's citizen for {what} is impossible under "
                    f"{label} ({why}): {text}"
                )
        if shown:
            o = self.compiled("old").evaluate(old_c)
            n = self.compiled("new").evaluate(new_c)
        else:
            o, n = _bare(self.compiled("old"), old_c), _bare(self.compiled("new"), new_c)
        if not ok(o, n):
            raise InternalError(
                f"diff: the evaluator does not confirm {what} for the solver's citizen: {text}"
            )
        return Shown(citizens, o, n)


def _bare(compiled: Compiled, citizen: Mapping[str, M.Value]) -> Outcome:
    """Score, tier and sanctions as an `Outcome` without defines or trace (never shown)."""
    score, tier, sanctions = compiled.outputs(citizen)
    return Outcome(score, tier, sanctions, {}, Trace(None, (), None, False, tier, ()))
