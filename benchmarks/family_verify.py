"""Witnesses for the benchmark's expectations, confirmed by ruleproof's reference evaluator.

A family that plants a violation also returns citizens that show it (`Witness`); a family whose
property holds may return citizens that show the positive half of it (every tier reachable).
`confirm_witness(kind, witness, old, new)` evaluates them with `ruleproof.semantics.evaluate`
(the reference evaluator, not the solver or the compiled evaluator under test) on the loaded
rulesets and
raises `WrongExpectation` when they do not show what they claim. Generation calls it for every
witness, at every size, so an expectation that other rules cancel (as happened once at 100k)
fails loudly when the ruleset is generated, instead of being reported as a solver bug.

`explain_counterexample(result, ruleset)` does the same for a counterexample the checker
returns where the family expected a proof: it tells whether the evaluator agrees that the
citizens violate the property (then the family's expectation is wrong) or not (then ruleproof
is).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
from family_model import Citizen, Val

from ruleproof.language import ruleset as M
from ruleproof.semantics.evaluate import evaluate, in_domain, step
from ruleproof.semantics.outcome import Outcome


class WrongExpectation(Exception):
    """A witness does not show what the family claims: the generator is wrong."""


@attrs.frozen
class Differ:
    """`a` and `b` differ only in `varied` and differ in one of `outputs`."""

    a: Citizen
    b: Citizen
    varied: frozenset[str]
    outputs: tuple[str, ...]


@attrs.frozen
class Rises:
    """`a` and `b` differ only in `attr`, `a` has the smaller value and the smaller score
    (a `nonincreasing` score violated)."""

    a: Citizen
    b: Citizen
    attr: str


@attrs.frozen
class Shows:
    """`test` holds for the outcomes of these citizens (`claim` says what, in words)."""

    citizens: tuple[Citizen, ...]
    test: Callable[[Sequence[Outcome]], bool]
    claim: str


Path = tuple[tuple[str, Mapping[str, Val]], ...]


@attrs.frozen
class Stuck:
    """`a` is under `sanction`, and after every prefix of every path (actions with params) that
    the evaluator finds enabled it still is. `why` is the argument that the listed paths stand
    for every path the property allows."""

    a: Citizen
    sanction: str
    paths: tuple[Path, ...]
    why: str


@attrs.frozen
class Changed:
    """`a` (possible under both versions) gets different outputs from the old and the new."""

    a: Citizen


Witness = Differ | Rises | Shows | Stuck | Changed


def score(o: Outcome) -> int | Fraction:
    """The outcome's score (the families all have one)."""
    assert o.score is not None
    return o.score


def _possible(rs: M.Ruleset, c: Citizen) -> None:
    why = in_domain(rs, c)
    if why is not None:
        raise WrongExpectation(f"witness citizen is not possible: {why}")


def _outputs(o: Outcome, names: Sequence[str]) -> tuple[Any, ...]:
    return tuple(o.output(n) for n in names)


def _only(a: Citizen, b: Citizen, varied: frozenset[str]) -> None:
    extra = sorted(k for k in a if a[k] != b[k] and k not in varied)
    if extra or a.keys() != b.keys():
        raise WrongExpectation(f"witness pair also differs in {extra}")


def confirm_witness(kind: str, w: Witness, old: M.Ruleset, new: M.Ruleset) -> None:
    """Raise `WrongExpectation` (naming `kind`) unless the reference evaluator confirms `w`."""
    try:
        _confirm(w, old, new)
    except WrongExpectation as exc:
        raise WrongExpectation(f"{old.id}, {kind}: {exc}") from None


def _confirm(w: Witness, old: M.Ruleset, new: M.Ruleset) -> None:
    match w:
        case Differ(a, b, varied, outputs):
            _possible(old, a)
            _possible(old, b)
            _only(a, b, varied)
            oa, ob = _outputs(evaluate(old, a), outputs), _outputs(evaluate(old, b), outputs)
            if oa == ob:
                raise WrongExpectation(f"witness pair agrees on {outputs}: {oa}")
        case Rises(a, b, attr):
            _possible(old, a)
            _possible(old, b)
            _only(a, b, frozenset({attr}))
            sa, sb = score(evaluate(old, a)), score(evaluate(old, b))
            lo, hi = a[attr], b[attr]
            assert isinstance(lo, int | Fraction) and isinstance(hi, int | Fraction)
            if not (lo < hi and sa < sb):
                raise WrongExpectation(f"no rise: {attr} {a[attr]}→{b[attr]}, score {sa}→{sb}")
        case Shows(citizens, test, claim):
            for c in citizens:
                _possible(old, c)
            if not test([evaluate(old, c) for c in citizens]):
                raise WrongExpectation(f"witness does not show that {claim}")
        case Stuck(a, sanction, paths, _):
            _stuck(old, a, sanction, paths)
        case Changed(a):
            _possible(old, a)
            _possible(new, a)
            o, n = evaluate(old, a), evaluate(new, a)
            if (o.score, o.tier, o.sanctions) == (n.score, n.tier, n.sanctions):
                raise WrongExpectation("witness is treated the same by both versions")
        case _:
            raise AssertionError(w)


def _stuck(rs: M.Ruleset, a: Citizen, sanction: str, paths: Sequence[Path]) -> None:
    _possible(rs, a)
    if sanction not in evaluate(rs, a).sanctions:
        raise WrongExpectation(f"witness is not under `{sanction}`")
    for path in paths:
        state: Mapping[str, Val] = a
        for name, params in path:
            action = rs.action(name)
            assert action is not None, name
            nxt, _ = step(rs, action, state, params)
            if nxt is None:
                break
            state = nxt
            if sanction not in evaluate(rs, state).sanctions:
                raise WrongExpectation(f"`{sanction}` lifted after {[p[0] for p in path]}")


def explain_counterexample(result: Any, rs: M.Ruleset) -> str:
    """For a `violated` result where a proof was expected: whose error it is, in words.

    Re-evaluates the counterexample's citizens with the reference evaluator and compares with
    the outcomes the checker reported; it does not re-decide the property itself.
    """
    cx = getattr(result, "counterexample", None)
    if cx is None:
        return "no counterexample to examine"
    notes = []
    for name, citizen in cx.citizens.items():
        why = in_domain(rs, citizen)
        if why is not None:
            notes.append(f"{name} is impossible ({why}): ruleproof is wrong")
            continue
        o = evaluate(rs, citizen)
        shown = cx.outcomes.get(name)
        if shown is not None and (o.score, o.tier, o.sanctions) != (
            shown.score,
            shown.tier,
            shown.sanctions,
        ):
            notes.append(f"{name}'s outcome differs from the evaluator's: ruleproof is wrong")
    return "; ".join(notes) or (
        "the evaluator agrees with the counterexample's outcomes: the family's expectation "
        "is probably wrong (see the property and the citizens)"
    )


@attrs.frozen
class Expect:
    """What a check should give: `verdict` (proved, violated, equivalent, different), `why`
    (the planted fault, or the argument that the property holds) and an optional witness."""

    verdict: str
    why: str
    witness: Witness | None = None


@attrs.frozen
class Instance:
    """One generated ruleset: its YAML, the second version for `diff`, the property suite
    (one property per kind, its id is the kind; `family_model.properties_yaml` makes the file)
    and the expectations. `not_applicable` names the kinds the family cannot have (kind →
    why, e.g. no sanctions): they have neither a property nor an expectation."""

    family: str
    size: int
    seed: int
    planted: bool
    text: str
    diff_text: str
    properties: Mapping[str, str]  # property id (= kind) → the YAML of its kind key(s)
    expects: Mapping[str, Expect]
    notes: str = ""
    not_applicable: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def name(self) -> str:
        return f"{self.family}-{self.size}-s{self.seed}-{'planted' if self.planted else 'clean'}"
