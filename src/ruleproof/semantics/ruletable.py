"""The compiled evaluator's score rules, evaluated for one citizen in bulk.

`RuleTable(compiler, rules)` reads every rule's `when` as a conjunction of atoms: an atom
`attribute OP literal` over a numeric attribute (`semantics.atoms`) joins its (attribute,
operator) group, whose literals are sorted, so one bisection on the citizen's value settles
the whole group; any other conjunct is evaluated through its closure, once per distinct atom.
The reference evaluator evaluates every conjunct of every rule's `when` (`And` is not
short-circuited there), so evaluating all atoms up front changes nothing. A rule fires iff its
atoms hold; its `add` is evaluated (in rule order) only for firing rules; a group fires when
one of its cases does (`algebra.first_index`) and is named by that case, as in the reference
evaluator. Tied to it by the differential tests `test_compiled_evaluator_agrees_with_the_reference`
(tests/test_fastpaths.py) and `tests/test_differential_scale.py`.
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import compress, repeat
from typing import TYPE_CHECKING, Any

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.ruleset import Num
from ruleproof.semantics.algebra import (
    first_index,
)
from ruleproof.semantics.atoms import atom
from ruleproof.semantics.outcome import RuleFiring

if TYPE_CHECKING:  # type-only: the compiler builds a table with itself
    from ruleproof.semantics.compiled import _Compiler

Env = dict[str, Any]
Fn = Callable[[Env], Any]


def _conjuncts(e: E.Expr) -> list[E.Expr]:
    if isinstance(e, E.And):
        return [c for a in e.args for c in _conjuncts(a)]
    return [e]


def _tuple_getter(ids: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """`itemgetter(*ids)` that always returns a tuple (also for zero or one index)."""
    if len(ids) >= 2:
        return operator.itemgetter(*ids)
    if len(ids) == 1:
        (i,) = ids
        return lambda seq: (seq[i],)
    return lambda seq: ()


def _plain_slots(cls: type) -> bool:
    """Whether `cls` is a slotted attrs class whose `__init__` only stores its arguments."""
    fields = attrs.fields(cls)
    return (
        "__slots__" in cls.__dict__
        and not hasattr(cls, "__attrs_pre_init__")
        and not hasattr(cls, "__attrs_post_init__")
        and all(
            f.init and f.validator is None and f.converter is None and f.alias == f.name
            for f in fields
        )
        and all(type(cls.__dict__.get(f.name)).__name__ == "member_descriptor" for f in fields)
    )


if _plain_slots(RuleFiring) and [f.name for f in attrs.fields(RuleFiring)] == [
    "id",
    "delta",
    "running",
]:
    _SET_ID = RuleFiring.id.__set__  # type: ignore[attr-defined]
    _SET_DELTA = RuleFiring.delta.__set__  # type: ignore[union-attr]
    _SET_RUNNING = RuleFiring.running.__set__  # type: ignore[union-attr]

    def build_firings(
        ids: Iterable[str], deltas: list[Num], running: Iterable[Num]
    ) -> list[RuleFiring]:
        """`RuleFiring`s built field by field in bulk: the same objects as calling the class,
        without one Python-level `__init__` call each (tens of thousands per citizen)."""
        out: list[RuleFiring] = list(map(object.__new__, repeat(RuleFiring, len(deltas))))
        for setter, values in ((_SET_ID, ids), (_SET_DELTA, deltas), (_SET_RUNNING, running)):
            for _ in map(setter, out, values):
                pass
        return out

else:  # pragma: no cover - `RuleFiring` grew validation: build it the ordinary way

    def build_firings(
        ids: Iterable[str], deltas: list[Num], running: Iterable[Num]
    ) -> list[RuleFiring]:
        return list(map(RuleFiring, ids, deltas, running))


_FLIP = {"<": False, "<=": False, ">": True, ">=": True}  # True: the true atoms come first


class RuleTable:
    """Every rule's `when` as a conjunction of atoms, evaluated once per citizen in bulk.

    An atom `attr OP literal` over a numeric attribute joins its (attribute, operator) group,
    whose literals are sorted: one bisection on the citizen's value gives the truth of the whole
    group. Any other conjunct is a generic atom, evaluated through its closure (once per distinct
    atom). The reference evaluates every conjunct of every rule's `when` (`And` is not
    short-circuited there), so evaluating all atoms up front changes nothing; a rule fires iff
    its atoms hold, and its `add` is only evaluated (in rule order) for firing rules.
    """

    def __init__(self, c: _Compiler, rules: Sequence[M.ScoreRule]) -> None:
        groups: dict[tuple[str, str], set[Any]] = {}
        generic: dict[E.Expr, int] = {}
        generic_fns: list[Fn] = []
        parsed: list[list[tuple[str, Any]]] = []
        for r in rules:
            atoms: list[tuple[str, Any]] = []
            for a in _conjuncts(r.when):
                at = atom(a, c.types)
                if at is not None and at.name in c.numeric and at.op in _FLIP:
                    groups.setdefault((at.name, at.op), set()).add(at.value)
                    atoms.append(("t", (at.name, at.op, at.value)))
                else:
                    if a not in generic:
                        generic[a] = len(generic_fns)
                        generic_fns.append(c.expr(a))
                    atoms.append(("g", generic[a]))
            parsed.append(atoms)
        # Atom 0 is constantly true; then the groups, each sorted; then the generic atoms.
        index: dict[tuple[str, str, Any], int] = {}
        self._groups: list[tuple[str, bool, Callable[..., int], list[Any], int, int]] = []
        start = 1
        for (attr, cmp), ks in groups.items():
            lits = sorted(ks)
            for i, k in enumerate(lits):
                index[(attr, cmp, k)] = start + i
            # `>= t` / `< t` split at bisect_right(v); `> t` / `<= t` at bisect_left(v).
            cut = bisect_right if cmp in (">=", "<") else bisect_left
            self._groups.append((attr, _FLIP[cmp], cut, lits, start, start + len(lits)))
            start += len(lits)
        self._generic_start = start
        self._generic_fns = generic_fns
        self._size = start + len(generic_fns)
        firsts: list[int] = []
        seconds: list[int] = []
        extra: list[tuple[int, Fn]] = []
        for i, atoms in enumerate(parsed):
            ids = [index[v] if kind == "t" else start + v for kind, v in atoms]
            firsts.append(ids[0] if ids else 0)
            seconds.append(ids[1] if len(ids) > 1 else 0)
            if len(ids) > 2:
                extra.append((i, c.expr(rules[i].when)))
        self._first = _tuple_getter(firsts)
        self._second = _tuple_getter(seconds)
        self._extra = extra
        self._n = len(parsed)
        self._ids = [r.id for r in rules]
        consts: list[Any] = []
        adds: list[Fn] = []
        for r in rules:
            consts.append(r.add.value if isinstance(r.add, E.IntLit | E.RealLit) else None)
            adds.append(c.expr(r.add))
        self._consts = consts
        self._adds = adds
        # A group fires when one of its cases does, and is named by that case (as in the
        # reference evaluator): its cases are tried here, not through its `FirstMatch` add.
        self._groups_of = [
            (i, [(c.expr(k.when), c.expr(k.add), k.id) for k in r.cases])
            for i, r in enumerate(rules)
            if r.cases
        ]
        grouped = {i for i, _ in self._groups_of}
        dynamic = [i for i, k in enumerate(consts) if k is None and i not in grouped]
        self._dynamic = dynamic
        self._dynamic_holds = _tuple_getter(dynamic)

    def fire(self, env: Env) -> tuple[list[int], list[Any], dict[int, str]]:
        """The indices of the firing rules, in order, their deltas, and for each firing group
        the id of the case that fired."""
        truth = [True] * self._size
        for name, true_first, cut, lits, lo, hi in self._groups:
            k = lo + cut(lits, env[name])
            if true_first:
                truth[k:hi] = [False] * (hi - k)
            else:
                truth[lo:k] = [False] * (k - lo)
        truth[self._generic_start :] = [bool(f(env)) for f in self._generic_fns]
        holds = list(map(operator.and_, self._first(truth), self._second(truth)))
        for i, f in self._extra:
            holds[i] = bool(f(env))
        values = self._consts
        if self._dynamic or self._groups_of:
            values = values.copy()
            adds = self._adds
            for i in compress(self._dynamic, self._dynamic_holds(holds)):
                values[i] = adds[i](env)
        cases: dict[int, str] = {}
        for i, group in self._groups_of:
            case = first_index(partial(when, env) for when, _, _ in group)
            holds[i] = case is not None
            if case is not None:
                values[i] = group[case][1](env)
                cases[i] = group[case][2]
        fired = list(compress(range(self._n), holds))
        return fired, list(map(values.__getitem__, fired)), cases
