"""The checker: the one place that decides how a property is checked.

`Checker(ruleset, limits).check(prop)` returns a `Result`. It tries the fast paths first
(`ruleproof.proving.fastpaths`: sound shortcuts that answer or decline), then the path checker
for `appeal_path`, `expires` and `recourse` (`ruleproof.proving.paths`), then the plain Z3 back
end (`ruleproof.proving.z3checker`) for every other kind. All properties of one checker share
one Z3 encoding. `fast=False` skips the fast paths (the plain encoding decides everything;
differential tests compare the two).
"""

from __future__ import annotations

import time

import attrs

from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.proving.fastpaths import FastPaths
from ruleproof.proving.paths import check_path
from ruleproof.proving.solving import Limits
from ruleproof.proving.z3checker import Z3Checker
from ruleproof.verdicts.result import Result

PATH_KINDS = (P.AppealPath, P.Expires, P.Recourse)


class Checker:
    """Checks properties of one ruleset: fast paths, then the path checker or the Z3 back end."""

    def __init__(self, ruleset: M.Ruleset, limits: Limits | None = None, fast: bool = True) -> None:
        self.ruleset = ruleset
        self.limits = limits or Limits()
        self.backend = Z3Checker(ruleset, self.limits)
        self.fastpaths = FastPaths(self.backend) if fast else None

    def check(self, prop: P.Property) -> Result:
        """The verdict of one property, with the seconds it took."""
        start = time.monotonic()
        deadline = start + self.limits.timeout
        result = self.fastpaths.check(prop, deadline) if self.fastpaths is not None else None
        if result is None:
            result = self._plain(prop, deadline)
        return attrs.evolve(result, seconds=round(time.monotonic() - start, 3))

    def _plain(self, prop: P.Property, deadline: float) -> Result:
        if isinstance(prop.kind, PATH_KINDS):
            return check_path(self.backend, prop, deadline, bounds=self.fastpaths is not None)
        if isinstance(prop.kind, P.Reachable):
            return self.backend.reachable(prop, deadline)
        return self.backend.universal(prop, deadline)


def check_all(
    ruleset: M.Ruleset, props: list[P.Property], limits: Limits | None = None
) -> list[Result]:
    """Check properties in order with one shared encoding."""
    checker = Checker(ruleset, limits)
    return [checker.check(p) for p in props]
