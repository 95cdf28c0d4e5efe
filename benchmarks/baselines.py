"""The two baselines of issue #7: a naive hand-written Z3 encoding and Hypothesis random search.

`naive_independent(ruleset, timeout)` is what a skilled user would write by hand: the score as
`z3.Sum` of one `If` per rule (clamped to the score's `range` when it has one), built through
the Python API, two copies of the citizen sharing every non-protected attribute, and one check
for a score difference. It translates the IR itself
(no ruleproof encoder code), supporting the expressions the generator emits. As a user would
write it, the second copy has its own constants, equal to the first's outside the association
(sharing the very same constants would let Z3 cancel identical `If` terms: that is slicing).

`random_search(ruleset, seconds, evaluate)` draws pairs of possible citizens that differ only in
the protected association (`ruleproof.testing.citizens`, i.e. Hypothesis) and compares their
outcomes until a difference is found or the time is up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import z3

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M


def _z3(e: E.Expr, env: Mapping[str, Any], codes: Mapping[str, int]) -> Any:
    def go(x: E.Expr) -> Any:
        return _z3(x, env, codes)

    match e:
        case E.BoolLit(v):
            return z3.BoolVal(v)
        case E.IntLit(v):
            return z3.IntVal(v)
        case E.EnumLit(v):
            return z3.IntVal(codes[v])
        case E.Var(name):
            return env[name]
        case E.Neg(a):
            return -go(a)
        case E.Not(a):
            return z3.Not(go(a))
        case E.Arith(op, left, right):
            x, y = go(left), go(right)
            return {
                "+": lambda: x + y,
                "-": lambda: x - y,
                "*": lambda: x * y,
                "//": lambda: x / y,
                "%": lambda: x % y,
            }[op]()
        case E.Compare(ops, operands):
            ts = [go(o) for o in operands]
            cmp = {
                "==": lambda a, b: a == b,
                "!=": lambda a, b: a != b,
                "<": lambda a, b: a < b,
                "<=": lambda a, b: a <= b,
                ">": lambda a, b: a > b,
                ">=": lambda a, b: a >= b,
            }
            return z3.And([cmp[o](a, b) for o, a, b in zip(ops, ts, ts[1:], strict=False)])
        case E.And(args):
            return z3.And([go(a) for a in args])
        case E.Or(args):
            return z3.Or([go(a) for a in args])
        case E.IfElse(c, t, o):
            return z3.If(go(c), go(t), go(o))
        case E.Call("min", args):
            acc = go(args[0])
            for a in args[1:]:
                v = go(a)
                acc = z3.If(v < acc, v, acc)
            return acc
        case _:
            raise NotImplementedError(type(e).__name__)


def naive_independent(ruleset: M.Ruleset, timeout: float) -> tuple[str, float]:
    """(verdict, seconds) for "the score does not depend on protected associations"."""
    start = time.perf_counter()
    codes: dict[str, int] = {}
    for a in ruleset.attributes:
        if isinstance(a.type, M.EnumType):
            for v in a.type.values:
                codes.setdefault(v, len(codes))
    env_a: dict[str, Any] = {}
    env_b: dict[str, Any] = {}
    ranges = []
    for a in ruleset.attributes:
        mk = z3.Bool if isinstance(a.type, M.BoolType) else z3.Int
        env_a[a.name] = mk(f"{a.name}_a")
        env_b[a.name] = mk(f"{a.name}_b")
        if a.protected != "association":
            ranges.append(env_a[a.name] == env_b[a.name])
        for env in (env_a, env_b):
            v = env[a.name]
            if isinstance(a.type, M.IntType):
                ranges += [v >= a.type.lo, v <= a.type.hi]
            elif isinstance(a.type, M.EnumType):
                ranges.append(z3.Or([v == codes[x] for x in a.type.values]))
    score_spec = ruleset.score
    assert score_spec is not None

    def score(env: Mapping[str, Any]) -> Any:
        s = z3.Sum(
            [z3.IntVal(score_spec.base)]
            + [z3.If(_z3(r.when, env, codes), _z3(r.add, env, codes), 0) for r in score_spec.rules]
        )
        if score_spec.lo is not None:
            s = z3.If(s < score_spec.lo, score_spec.lo, s)
        if score_spec.hi is not None:
            s = z3.If(s > score_spec.hi, score_spec.hi, s)
        return s

    s = z3.Solver()
    s.set("timeout", int(timeout * 1000))
    s.add(ranges)
    s.add(score(env_a) != score(env_b))
    r = s.check()
    verdict = "violated" if r == z3.sat else "proved" if r == z3.unsat else "timeout"
    return verdict, time.perf_counter() - start


def random_search(
    ruleset: M.Ruleset, seconds: float, outcome: Callable[[Mapping[str, M.Value]], Any]
) -> tuple[bool, int, float]:
    """(found a difference, pairs evaluated, seconds) for independence of associations."""
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from hypothesis import strategies as st

    from ruleproof.testing import citizens, values

    assoc = [a for a in ruleset.attributes if a.protected == "association"]
    start = time.perf_counter()
    count = 0
    draw_citizen = citizens(ruleset)
    draw_assoc = [(x.name, values(x.type)) for x in assoc]

    class Found(Exception):
        pass

    def batch(k: int) -> None:
        # Batches of a fixed size with their own seed: a time check inside a Hypothesis test
        # would make its data generation "flaky" in Hypothesis's eyes.
        @seed(k)
        @settings(
            max_examples=100,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(st.data())
        def search(data: st.DataObject) -> None:
            nonlocal count
            a = data.draw(draw_citizen)
            b = dict(a)
            for name, strategy in draw_assoc:
                b[name] = data.draw(strategy)
            count += 1
            oa, ob = outcome(a), outcome(b)
            if (oa.score, oa.tier, oa.sanctions) != (ob.score, ob.tier, ob.sanctions):
                raise Found

        search()

    k = 0
    while time.perf_counter() - start < seconds:
        try:
            batch(k)
        except Found:
            return True, count, time.perf_counter() - start
        k += 1
    return False, count, time.perf_counter() - start
