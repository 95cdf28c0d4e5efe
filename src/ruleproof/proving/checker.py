"""The checker: the one place that decides how a property is checked.

`Checker(ruleset, limits).check(prop)` returns a `Result`. It tries the fast paths first
(`ruleproof.proving.fastpaths`: sound shortcuts that answer or decline), then the path checker
for `appeal_path`, `expires` and `recourse` (`ruleproof.proving.paths`), then the plain Z3 back
end (`ruleproof.proving.z3checker`) for every other kind. All properties of one checker share
one Z3 encoding. `fast=False` skips the fast paths (the plain encoding decides everything;
differential tests compare the two).

Cross-check mode (`Limits.cross_check`, `ruleproof check --cross-check`): every verdict a fast
path or an abstraction gives (a proof from a reduced ruleset, interval bounds, a folded sum; a
counterexample from sampling) is decided again by the plain encoding with no shortcut, with a
time limit of its own. Opposite verdicts are an `InternalError` naming both; a plain `unknown`
leaves the fast verdict standing. `cross_checked` lists what was compared.
"""

from __future__ import annotations

import time

import attrs

from ruleproof.errors import InternalError
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.proving.fastpaths import FastPaths
from ruleproof.proving.paths import check_path
from ruleproof.proving.solving import Limits
from ruleproof.proving.stages import Stages
from ruleproof.proving.z3checker import Z3Checker
from ruleproof.verdicts.result import Result

PATH_KINDS = (P.AppealPath, P.Expires, P.Recourse)


class Checker:
    """Checks properties of one ruleset: fast paths, then the path checker or the Z3 back end."""

    def __init__(
        self,
        ruleset: M.Ruleset,
        limits: Limits | None = None,
        fast: bool = True,
        stages: Stages | None = None,
    ) -> None:
        """`stages`: where to record what is going on, for a progress display."""
        self.ruleset = ruleset
        self.limits = limits or Limits()
        self.stages = stages or Stages()
        self.backend = Z3Checker(ruleset, self.limits, self.stages)
        self.fastpaths = FastPaths(self.backend) if fast else None
        self.cross_checked: list[tuple[str, str, str]] = []  # (property, fast, plain status)
        self.answered_by = ""  # "fast path" or "plain" for the last property checked

    def check(self, prop: P.Property) -> Result:
        """The verdict of one property, with the seconds it took.

        Raises:
            InternalError: in cross-check mode, the plain encoding contradicts a fast path.
        """
        start = time.monotonic()
        deadline = start + self.limits.timeout
        self.stages.begin(prop.id, prop.kind_name)
        try:
            result = self._check(prop, deadline)
        finally:
            self.stages.finish()
        return attrs.evolve(result, seconds=round(time.monotonic() - start, 3))

    def _check(self, prop: P.Property, deadline: float) -> Result:
        if self.fastpaths is not None:
            self.stages.enter("fast paths")
        result = self.fastpaths.check(prop, deadline) if self.fastpaths is not None else None
        self.answered_by = "plain" if result is None else "fast path"
        if result is None:
            result = self._plain(prop, deadline, bounds=self.fastpaths is not None)
        elif self.limits.cross_check:
            self.stages.enter("cross-checking with the plain encoding")
            self._cross_check(prop, result)
        return result

    def _plain(self, prop: P.Property, deadline: float, bounds: bool) -> Result:
        self.stages.enter("solving")
        if isinstance(prop.kind, PATH_KINDS):
            return check_path(self.backend, prop, deadline, bounds=bounds)
        if isinstance(prop.kind, P.Reachable):
            return self.backend.reachable(prop, deadline)
        return self.backend.universal(prop, deadline)

    def _cross_check(self, prop: P.Property, fast: Result) -> None:
        """Decide `prop` again with the plain encoding and no shortcut (module docstring)."""
        plain = self._plain(prop, time.monotonic() + self.limits.timeout, bounds=False)
        self.cross_checked.append((prop.id, fast.status, plain.status))
        decided = {"proved", "violated"}
        if fast.status in decided and plain.status in decided and fast.status != plain.status:
            raise InternalError(
                f"cross-check: for `{prop.id}` a fast path says {fast.status} ({fast.message}) "
                f"but the plain encoding says {plain.status} ({plain.message})"
            )


def check_all(
    ruleset: M.Ruleset, props: list[P.Property], limits: Limits | None = None
) -> list[Result]:
    """Check properties in order with one shared encoding."""
    checker = Checker(ruleset, limits)
    return [checker.check(p) for p in props]
