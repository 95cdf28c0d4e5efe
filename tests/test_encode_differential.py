"""Differential tests: the Z3 encoding agrees with the evaluator on random rulesets and citizens.

For a possible citizen, pinning its attributes must make the encoding satisfiable and must
determine every derived value (score, tier, each sanction, `sanctioned`, each define) to exactly
what the evaluator computes. Impossible citizens must be exactly the ones the encoding rejects.
Pair copies that share terms outside the varied attributes (relational slicing) must agree
with the evaluator on the second citizen too.
"""

from __future__ import annotations

from fractions import Fraction

import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from ruleproof.language import ruleset as M
from ruleproof.proving.encode import NO_TIER, Copy, Encoding, number, score_sort, z3_value
from ruleproof.semantics.evaluate import evaluate, in_domain
from ruleproof.testing import citizens, rulesets, values

SETTINGS = settings(max_examples=120)


def _pin(enc: Encoding, copy: Copy, citizen: dict[str, M.Value]) -> list[object]:
    return [copy.attrs[k] == z3_value(v, enc.codes) for k, v in citizen.items()]


def _expected_terms(
    enc: Encoding, copy: Copy, ruleset: M.Ruleset, citizen: dict[str, M.Value]
) -> list[tuple[str, object, object]]:
    """(name, term, value the evaluator gives) for every derived output."""
    out = evaluate(ruleset, citizen)
    rows: list[tuple[str, object, object]] = []
    if ruleset.score is not None:
        assert out.score is not None
        rows.append(("score", copy.value("score"), number(out.score, score_sort(ruleset.score))))
    if ruleset.tiers:
        code = NO_TIER if out.tier is None else enc.codes.code(out.tier)
        rows.append(("tier", copy.value("tier"), z3.IntVal(code)))
    for s in ruleset.sanctions:
        rows.append((s.name, copy.value(s.name), z3.BoolVal(s.name in out.sanctions)))
    rows.append(("sanctioned", copy.value("sanctioned"), z3.BoolVal(bool(out.sanctions))))
    for d in ruleset.defines:
        v = out.defines[d.name]
        assert v is not None
        rows.append((d.name, copy.value(d.name), z3_value(v, enc.codes)))
    return rows


def _assert_determined(
    enc: Encoding, copies: list[Copy], pins: list[object], rows: list[tuple[str, object, object]]
) -> None:
    solver = z3.Solver()
    for c in copies:
        solver.add(*c.all_constraints())
    solver.add(*enc.trackers.values())
    solver.add(*pins)
    assert solver.check() == z3.sat, "the encoding rejects a possible citizen"
    for name, term, want in rows:
        solver.push()
        solver.add(term != want)
        assert solver.check() == z3.unsat, f"`{name}` can differ from the evaluator's {want}"
        solver.pop()


@SETTINGS
@given(st.data())
def test_encoding_determines_every_output_as_the_evaluator(data: st.DataObject) -> None:
    ruleset = data.draw(rulesets())
    citizen = data.draw(citizens(ruleset))
    enc = Encoding(ruleset)
    a = enc.copy("a")
    rows = _expected_terms(enc, a, ruleset, citizen)
    _assert_determined(enc, [a], _pin(enc, a, citizen), rows)


@SETTINGS
@given(st.data())
def test_domain_constraints_match_in_domain(data: st.DataObject) -> None:
    ruleset = data.draw(rulesets(actions=False))
    citizen = {a.name: data.draw(values(a.type)) for a in ruleset.attributes}
    enc = Encoding(ruleset)
    a = enc.copy("a")
    rows = []  # build derived terms too, so their constraints are part of the check
    for s in ruleset.sanctions:
        rows.append(a.value(s.name))
    solver = z3.Solver()
    solver.add(*a.all_constraints(), *enc.trackers.values(), *_pin(enc, a, citizen))
    possible = in_domain(ruleset, citizen) is None
    assert (solver.check() == z3.sat) == possible


@SETTINGS
@given(st.data())
def test_sliced_pair_copy_agrees_with_the_evaluator(data: st.DataObject) -> None:
    ruleset = data.draw(rulesets(actions=False))
    names = [a.name for a in ruleset.attributes]
    varied = data.draw(st.lists(st.sampled_from(names), unique=True))
    first = data.draw(citizens(ruleset))
    other = data.draw(citizens(ruleset))
    second = {k: (other[k] if k in varied else first[k]) for k in names}
    if in_domain(ruleset, second) is not None:
        return  # not a possible pair; the property quantifies over possible citizens only
    enc = Encoding(ruleset)
    a = enc.copy("a")
    b = enc.copy("b", varied)
    rows = _expected_terms(enc, a, ruleset, first) + _expected_terms(enc, b, ruleset, second)
    pins = _pin(enc, a, first) + _pin(enc, b, {k: second[k] for k in varied})
    _assert_determined(enc, [a, b], pins, rows)


def test_floor_division_and_modulo_follow_python() -> None:
    from ruleproof.language.load_ruleset import load_text

    rs = load_text(
        "ruleset: t\nattributes:\n  x: {type: int, range: [-20, 20]}\n"
        "define:\n  q: 'x // 3'\n  r: 'x % 3'\n  h: 'x * 0.5'\n"
    )
    enc = Encoding(rs)
    a = enc.copy("a")
    for x in range(-20, 21):
        rows = [
            ("q", a.value("q"), z3.IntVal(x // 3)),
            ("r", a.value("r"), z3.IntVal(x % 3)),
            ("h", a.value("h"), z3_value(Fraction(x, 2), enc.codes)),
        ]
        _assert_determined(enc, [a], [a.attrs["x"] == x], rows)


@SETTINGS
@given(st.data())
def test_clamp_at_the_boundaries_of_the_raw_score(data: st.DataObject) -> None:
    import attrs

    ruleset = data.draw(rulesets(actions=False))
    if ruleset.score is None:
        return
    citizen = data.draw(citizens(ruleset))
    raw = evaluate(
        attrs.evolve(ruleset, score=attrs.evolve(ruleset.score, lo=None, hi=None)), citizen
    ).score
    assert raw is not None
    lo = raw + data.draw(st.sampled_from([-1, 0, 1]))
    hi = data.draw(st.sampled_from([lo, lo + 1, raw - 1, raw, raw + 1]))
    if hi < lo:
        return
    clamped = attrs.evolve(ruleset, score=attrs.evolve(ruleset.score, lo=lo, hi=hi))
    enc = Encoding(clamped)
    a = enc.copy("a")
    rows = _expected_terms(enc, a, clamped, citizen)
    _assert_determined(enc, [a], _pin(enc, a, citizen), rows)
