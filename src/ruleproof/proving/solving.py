"""Running Z3 on one query with limits, and turning its answers into verdict material.

`solve` asserts the copies' constraints and the query's negation, checks under the tracking
literals, and returns `Sat(model)`, `Unsat(core labels)` or `Unknown(reason)`. `minimise` moves
a satisfying model toward the baseline citizen (DESIGN §4) within a time budget: it takes the
lexicographically least model (each attribute in order at its baseline if the query allows,
else at the least value that works, ints by bisection), which is unique and so reproducible.
Both only ever narrow the same query, so every model they return is still a model of it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs
import z3

from ruleproof.language import ruleset as M
from ruleproof.proving.encode import Encoding, Term, z3_value
from ruleproof.proving.fewest import fewest, least_real

MAX_RLIMIT = 2**32 - 1  # Z3 keeps `rlimit` in 32 bits; a larger value would wrap around


@attrs.frozen
class Limits:
    timeout: float = 30.0  # wall-clock seconds per property (backstop)
    # Z3 resource limit per check (reproducible across machines); 0 = none
    rlimit: int = attrs.field(default=0)
    minimise: bool = True
    # Z3's memory cap (MiB, 0 = none). Z3 counts memory per process, not per solver: once
    # exceeded, every later query in the process fails too, so it is off unless asked for.
    memory_mb: int = 0
    # Re-derive every verdict a fast path gives with the plain encoding (`proving.checker`).
    cross_check: bool = False

    @rlimit.validator
    def _rlimit_fits(self, _: object, value: int) -> None:
        if not 0 <= value <= MAX_RLIMIT:
            raise ValueError(f"rlimit must be a whole number from 0 to {MAX_RLIMIT:,}, got {value}")


@attrs.frozen
class Sat:
    model: Any


@attrs.frozen
class Unsat:
    core: tuple[str, ...]


@attrs.frozen
class Unknown:
    reason: str


Answer = Sat | Unsat | Unknown


def new_solver(limits: Limits, seconds: float) -> Any:
    s = z3.Solver()
    s.set("timeout", max(1, int(seconds * 1000)))
    if limits.rlimit:
        s.set("rlimit", limits.rlimit)
    s.set("core.minimize", True)
    if limits.memory_mb:
        s.set("max_memory", limits.memory_mb)
    return s


CLOCK_SLACK = 0.05  # seconds: a check ending this close to its deadline ran out of time


def explain_unknown(
    solver: Any, enc: Encoding, seconds: float, limits: Limits, deadline: float | None = None
) -> str:
    """Why a check answered `unknown`, in words (`seconds`: the time it was given).

    Z3 says "canceled" both when its timer fires and when `rlimit` runs out; with `deadline`
    (when the check's own timeout would fire) a check that stopped well before it is reported
    as the resource limit it hit, not as a timeout.
    """
    raw = str(solver.reason_unknown())
    stopped = "timeout" in raw or "canceled" in raw
    early = deadline is not None and time.monotonic() < deadline - max(CLOCK_SLACK, seconds / 50)
    if "memory" in raw:
        why = f"solver memory limit reached ({limits.memory_mb:,} MiB)"
    elif limits.rlimit and ("resource" in raw or "rlimit" in raw or (stopped and early)):
        why = f"solver resource limit reached (rlimit {limits.rlimit:,})"
    elif stopped and limits.rlimit and deadline is None:
        why = (
            f"timed out after {seconds:.1f} s or reached the solver resource limit "
            f"(rlimit {limits.rlimit:,})"
        )
    elif stopped:
        why = f"timed out after {seconds:.1f} s"
    else:
        why = f"solver gave up ({raw})"
    if enc.nonlinear:
        spans = ", ".join(str(e.span) for e in enc.nonlinear[:3])
        why = f"non-linear arithmetic (multiplication of variables at {spans}); {why}"
    return why


def solve(
    enc: Encoding, constraints: Sequence[Term], goal: Term, limits: Limits, deadline: float
) -> tuple[Answer, Any]:
    """Check `constraints ∧ goal` under every tracking literal. Returns the answer and solver."""
    remaining = max(deadline - time.monotonic(), 0.001)
    solver = new_solver(limits, remaining)
    solver.add(*constraints)
    solver.add(goal)
    trackers = list(enc.trackers.values())
    try:
        result = solver.check(*trackers)
    except z3.Z3Exception as exc:  # e.g. "max. memory exceeded": an honest unknown
        return Unknown(f"solver error: {exc}"), solver
    if result == z3.sat:
        return Sat(solver.model()), solver
    if result == z3.unsat:
        labels = tuple(
            sorted({enc.labels[str(t)] for t in solver.unsat_core() if str(t) in enc.labels})
        )
        return Unsat(labels), solver
    return Unknown(explain_unknown(solver, enc, remaining, limits, deadline)), solver


def minimise(
    enc: Encoding,
    solver: Any,
    model: Any,
    variables: Sequence[tuple[Term, M.AttrType, M.Value]],
    deadline: float,
    groups: Sequence[Sequence[Term]] = (),
    uncounted: int = 0,
) -> Any:
    """A model as close to the baseline values as the time allows (never leaves the query).

    `groups` lists, per attribute, the distinct terms the citizens of a tuple have for it;
    the citizens then differ in as few attributes as they can before anything else. The last
    `uncounted` variables (synthetic ones, such as a folded sum) are minimised but not counted
    as changed attributes.
    """
    return _Minimiser(enc, solver, deadline).run(model, variables, groups, uncounted)


class _Minimiser:
    def __init__(self, enc: Encoding, solver: Any, deadline: float) -> None:
        self.enc = enc
        self.solver = solver
        self.deadline = deadline
        self.trackers = list(enc.trackers.values())

    def check(self, extra: Sequence[Term]) -> Any:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0.01:
            return z3.unknown
        self.solver.set("timeout", max(1, int(min(remaining, 5.0) * 1000)))
        try:
            return self.solver.check(*self.trackers, *extra)
        except z3.Z3Exception:
            return z3.unknown  # the model found so far stands

    def run(
        self,
        model: Any,
        variables: Sequence[tuple[Term, M.AttrType, M.Value]],
        groups: Sequence[Sequence[Term]] = (),
        uncounted: int = 0,
    ) -> Any:
        """The least model: fewest differing attributes (`groups`), then fewest variables off
        their baseline (`proving.fewest`), then lexicographically, variable by variable, in
        the given order.

        Each variable is pinned to its baseline if the query allows it (given the pins before
        it), else to the least value that works: the int nearest its baseline (the smaller of
        two equally near; an attribute's baseline is its low bound, so this is its smallest
        value), the first enum value, `True`, a real just above its boundary with few digits.
        The minimum is unique, so the result does not depend on which model the solver
        happened to find first (nor on what else it solved before). A variable that the
        current model already has at its target is pinned without a solver call.
        """
        # Cores here only steer the search; minimising them costs seconds on large rulesets.
        self.solver.set("core.minimize", False)
        try:
            return self._run(model, variables, groups, uncounted)
        finally:
            self.solver.set("core.minimize", True)

    def _run(
        self,
        model: Any,
        variables: Sequence[tuple[Term, M.AttrType, M.Value]],
        groups: Sequence[Sequence[Term]],
        uncounted: int,
    ) -> Any:
        best = model
        pins: list[Term] = []
        targets = [var == z3_value(base, self.enc.codes) for var, _, base in variables]
        best = self._mostly_baseline(best, targets)
        differ = [z3.Or([t != g[0] for t in g[1:]]) for g in groups if len(g) > 1]
        counted = targets[: len(targets) - uncounted]
        for indicators in (differ, [z3.Not(t) for t in counted]):
            best, pin = fewest(
                lambda extra: self.check([*pins, *extra]), self.model, best, indicators
            )
            if pin is not None:
                pins.append(pin)
        for var, typ, base in variables:
            if time.monotonic() >= self.deadline:
                break
            target = var == z3_value(base, self.enc.codes)
            if z3.is_true(best.eval(target, model_completion=True)):
                pins.append(target)
                continue
            r = self.check([*pins, target])
            if r == z3.sat:
                best = self.solver.model()
                pins.append(target)
                continue
            if r != z3.unsat:
                break
            best = self._least(var, typ, base, best, pins)
            pins.append(var == best.eval(var, model_completion=True))
        return best

    def model(self) -> Any:
        return self.solver.model()

    def _mostly_baseline(self, model: Any, targets: list[Term]) -> Any:
        """A model with many variables at their baseline (core-guided), to start from.

        Only a speed-up: the lexicographic pass that follows gives the same result from any
        model, but it calls the solver only for variables this model has off their baseline.
        """
        active = {t.get_id(): t for t in targets}
        while active:
            r = self.check(list(active.values()))
            if r == z3.sat:
                return self.solver.model()
            if r != z3.unsat:
                break
            core = [c for c in self.solver.unsat_core() if c.get_id() in active]
            if not core:
                break
            for c in core[: len(core) // 2] if len(core) > 8 else core[:1]:
                del active[c.get_id()]
        return model

    def _least(
        self, var: Term, typ: M.AttrType, base: M.Value, model: Any, pins: list[Term]
    ) -> Any:
        """The model with `var` at the least value the query allows (after its baseline)."""
        if isinstance(typ, M.IntType):
            if not isinstance(base, int) or base <= typ.lo:
                return self._bisect(var, typ, model, pins)
            return self._nearest(var, typ, base, model, pins)
        if isinstance(typ, M.EnumType):
            for v in typ.values[1:]:
                if z3.is_true(model.eval(var == self.enc.codes.code(v), model_completion=True)):
                    return model
                r = self.check([*pins, var == self.enc.codes.code(v)])
                if r == z3.sat:
                    return self.solver.model()
                if r != z3.unsat:
                    return model
        if isinstance(typ, M.RealType) and isinstance(base, Fraction) and base == typ.lo:
            high = model.eval(var, model_completion=True)
            at = Fraction(high.numerator_as_long(), high.denominator_as_long())
            found = least_real(
                lambda extra: self.check([*pins, *extra]),
                self.model,
                var,
                typ.lo,
                at,
                typ.hi - typ.lo,
            )
            return found if found is not None else model
        return model  # bools are True here

    def _bisect(self, var: Term, typ: M.IntType, model: Any, pinned: list[Term]) -> Any:
        """The model with `var` as close to its low bound as the query allows."""
        lo, hi = typ.lo, int(model.eval(var, model_completion=True).as_long())
        best = model
        while lo < hi:
            mid = lo + (hi - lo) // 2
            r = self.check([*pinned, var <= mid])
            if r == z3.sat:
                best = self.solver.model()
                hi = int(best.eval(var, model_completion=True).as_long())
            elif r == z3.unsat:
                lo = mid + 1
            else:
                break
        return best

    def _nearest(self, var: Term, typ: M.IntType, base: int, model: Any, pinned: list[Term]) -> Any:
        """The model with `var` nearest `base` (below on a tie), for a baseline inside the range."""
        below = self._toward(var, base, pinned, up=True)
        above = self._toward(var, base, pinned, up=False)
        options = [m for m in (below, above) if m is not None]
        if not options:
            return model
        return min(options, key=lambda m: abs(m.eval(var, model_completion=True).as_long() - base))

    def _toward(self, var: Term, base: int, pinned: list[Term], up: bool) -> Any | None:
        """A model with `var` as near `base` as allowed from one side (below when `up`)."""
        side = var <= base if up else var >= base
        r = self.check([*pinned, side])
        if r != z3.sat:
            return None
        best = self.solver.model()
        at = int(best.eval(var, model_completion=True).as_long())
        lo, hi = (at, base) if up else (base, at)
        while lo < hi:
            mid = lo + (hi - lo + (1 if up else 0)) // 2
            r = self.check([*pinned, side, var >= mid if up else var <= mid])
            if r == z3.sat:
                best = self.solver.model()
                at = int(best.eval(var, model_completion=True).as_long())
                lo, hi = (at, hi) if up else (lo, at)
            elif r == z3.unsat:
                lo, hi = (lo, mid - 1) if up else (mid + 1, hi)
            else:
                break
        return best
