"""The Python API: a loaded ruleset you can evaluate, explain and question.

`load(path)` reads and typechecks a ruleset file into a `Ruleset`: the ruleset IR
(`ruleproof.language.ruleset.Ruleset`, every field and analysis of it) with methods for people
at a prompt or in a notebook. `Ruleset.of(ir)` gives those methods to a ruleset built another
way (from Python, or by `ruleproof.testing`). The IR itself knows nothing of evaluation or
checking; this module is where the stages meet.

Citizens are mappings of attribute name to value (`bool`, `int`, an enum value as `str`; a real
as `Fraction`, `Decimal`, `int`, a string such as "1/3", or a finite `float` read as the decimal
it prints as). Every method validates a citizen as `ruleproof explain` does and raises
`RulesetError` (RP401–RP406) for a missing or unknown attribute, a value of the wrong type, out
of range or not in its enum, or a broken `assume`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from ruleproof.commands.explain import explain as _explain
from ruleproof.commands.explanation import Explanation, Recourse, find_recourse
from ruleproof.commands.run_suite import check_property, check_text
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load as load_ir
from ruleproof.semantics.citizen import citizen_from_python
from ruleproof.semantics.evaluate import evaluate as _evaluate
from ruleproof.semantics.outcome import Outcome
from ruleproof.verdicts.result import Result

__all__ = ["Explanation", "Recourse", "Ruleset", "evaluate", "load"]


@attrs.frozen(repr=False)
class Ruleset(M.Ruleset):
    """A ruleset with `evaluate`, `explain`, `recourse`, `check` and `exists`
    (its fields are those of `ruleproof.language.ruleset.Ruleset`)."""

    @classmethod
    def of(cls, ruleset: M.Ruleset) -> Ruleset:
        """The same ruleset with this API's methods (the fields are shared, not copied)."""
        if isinstance(ruleset, cls):
            return ruleset
        fields = {f.name: getattr(ruleset, f.name) for f in attrs.fields(M.Ruleset)}
        return cls(**fields)

    def __repr__(self) -> str:
        rules = len(self.score.rules) if self.score else 0

        def n(count: int, what: str) -> str:
            return f"{count} {what}{'s' * (count != 1)}"

        parts = [n(len(self.attributes), "attribute"), n(rules, "score rule")]
        parts += [n(len(self.tiers), "tier"), n(len(self.sanctions), "sanction")]
        parts.append(n(len(self.actions), "action"))
        where = "" if self.file.startswith("<") else f" from {self.file}"
        return f"<Ruleset {self.id}{where}: {', '.join(parts)}>"

    def citizen(self, values: Mapping[str, object]) -> dict[str, M.Value]:
        """`values` validated as a possible citizen of this ruleset, with exact values.

        Raises:
            RulesetError: RP401–RP406, every problem found (see the module docstring).
        """
        return citizen_from_python(values, self)

    def evaluate(self, citizen: Mapping[str, object]) -> Outcome:
        """Score, tier, sanctions and trace for one possible citizen.

        >>> rs.evaluate({"debt": 600, "evades": True, ...}).sanctions
        ('flight_ban',)

        Raises:
            RulesetError: the citizen is not possible (see the module docstring).
        """
        return attrs.evolve(_evaluate(self, self.citizen(citizen)), ruleset=self)

    def explain(self, citizen: Mapping[str, object], recourse: bool = True) -> Explanation:
        """Outcome, trace, every action (enabled or why not) and, for a sanctioned citizen,
        what the person can do: what `ruleproof explain` shows, as a value (`str()` gives the
        tables, `.to_json()` the JSON document).

        Raises:
            RulesetError: the citizen is not possible.
        """
        return _explain(self, self.citizen(citizen), recourse=recourse)

    def recourse(
        self,
        citizen: Mapping[str, object],
        target: str = "not sanctioned",
        *,
        by: Sequence[M.ActorKind] | None = None,
        actions: Sequence[str] | None = None,
        within: int = 5,
        timeout: float = 10.0,
    ) -> Recourse:
        """The least path of actions from `citizen` to `target` (fewest actions, then
        smallest params), replayed by the evaluator.

        Args:
            target: a condition over one citizen, e.g. `not flight_ban` or `tier == 'A'`.
            by: only actions of these kinds (`citizen`, `authority`, `time`); by default the
                person's own actions and time first, then every kind.
            actions: only these actions, by name (instead of `by`).
            within: the longest path considered.
            timeout: seconds of solving.

        Returns:
            A `Recourse`: `.steps` (empty when the target already holds) or None with `.note`
            saying why no path was found (none exists within `within`, or the solver gave up).

        Raises:
            RulesetError: the citizen is not possible, or `target` is not a valid condition.
            ValueError: unknown action names, or both `by` and `actions`.
        """
        from ruleproof.language import suite as P
        from ruleproof.language.load_suite import parse_query

        values = self.citizen(citizen)
        prop = parse_query(f"always: {target}", self)
        assert isinstance(prop.kind, P.Always)
        return find_recourse(
            self,
            values,
            target=prop.kind.expr,
            target_text=prop.kind.text,
            by=by,
            actions=actions,
            within=within,
            timeout=timeout,
        )

    def check(self, query: str, timeout: float = 30.0, rlimit: int = 0) -> Result:
        """Prove or refute a query about this ruleset.

        `query` is query text: `forall a, b: a.debt == b.debt => a.tier == b.tier`, `exists a,
        b: a.debt == b.debt and a.tier != b.tier`, an expression that must always hold
        (`score >= 0`), or `KIND: VALUE` for any property kind, e.g. `independent: {of:
        protected}` or `reachable: tiers`. The result has `.status` (`proved`, `violated`,
        `unknown`, `error`), `.message`, `.counterexample` (for `violated`) and `.witnesses`
        (who shows a `reachable` goal or an `exists` query possible); it prints as tables.

        Raises:
            RulesetError: the query is malformed or does not fit this ruleset.
            ValueError: `rlimit` is outside 0 … 2**32 - 1.
        """
        return check_text(self, query, timeout=timeout, rlimit=rlimit)

    def exists(self, condition: str, timeout: float = 30.0, rlimit: int = 0) -> Result:
        """Is some possible citizen (or tuple of citizens) such that `condition` holds?

        `condition` reads one citizen's names directly (`score > 900 and tier == 'D'`), or is
        a full query over several (`exists a, b: a.debt == b.debt and a.tier != b.tier`).
        `proved` comes with the witness in `.witnesses` (minimised toward the baseline, checked
        by the evaluator); `violated` means no possible citizen satisfies it.

        Raises:
            RulesetError: the condition is malformed or does not fit this ruleset.
        """
        from ruleproof.language import expr as E
        from ruleproof.language import suite as P
        from ruleproof.language.load_suite import parse_query
        from ruleproof.semantics.templates import qualify

        if condition.lstrip().startswith("exists"):
            return self.check(condition, timeout=timeout, rlimit=rlimit)
        prop = parse_query(f"always: {condition}", self)
        assert isinstance(prop.kind, P.Always)
        cond = qualify(prop.kind.expr, "a")
        kind = P.Exists(("a",), E.BoolLit(True), cond, "True", prop.kind.text)
        return check_property(self, attrs.evolve(prop, kind=kind), timeout, rlimit)


def load(path: str | Path) -> Ruleset:
    """Load and typecheck a ruleset file.

    Raises:
        RulesetError: the file cannot be read or is not a valid ruleset (every problem found).
    """
    return Ruleset.of(load_ir(path))


def evaluate(ruleset: M.Ruleset, citizen: Mapping[str, object]) -> Outcome:
    """`Ruleset.of(ruleset).evaluate(citizen)`: validated, then evaluated.

    Raises:
        RulesetError: the citizen is not possible (see the module docstring).
    """
    return Ruleset.of(ruleset).evaluate(citizen)
