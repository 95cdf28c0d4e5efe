"""FEATURES.yaml and data-file inference: attributes and model inputs as declared; the
translation of splits into exact conditions on int, real, bool, enum and one-hot attributes."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from ruleproof.errors import RulesetError
from ruleproof.importers.features import read_features
from ruleproof.importers.infer import infer_features
from ruleproof.importers.splits import CategoricalSplit, NumericSplit
from ruleproof.importers.translate import split_sets
from ruleproof.importers.valuesets import condition
from ruleproof.language import ruleset as M

FEATURES = """
attributes:
  kind: {type: enum, values: [x, y, z]}
features:
  amount: {type: int, range: [-1000000000, 1000000000], actionable: decrease}
  rate: {type: real, range: [-1000, 1000], missing: rate_missing}
  grade: {type: enum, values: [a, b, c], codes: {a: 10, b: 20, c: 30}}
  flag: {type: bool, protected: true, domain: social}
  kind_y: {attribute: kind, equals: y}
  kind_code: {attribute: kind}
"""
NAMES = ("amount", "rate", "grade", "flag", "kind_y", "kind_code")


def test_declarations_and_model_inputs() -> None:
    fmap = read_features(FEATURES, "f.yaml")
    attrs = {a.name: a for a in fmap.attributes()}
    assert list(attrs) == ["kind", "amount", "rate", "rate_missing", "grade", "flag"]
    assert attrs["flag"].protected == "true" and attrs["flag"].domain == "social"
    assert isinstance(attrs["rate_missing"].type, M.BoolType)
    assert fmap.by_name["amount"].actionable == "decrease"
    c: dict[str, M.Value] = {
        "kind": "y",
        "amount": -5,
        "rate": Fraction(1, 3),
        "rate_missing": False,
        "grade": "b",
        "flag": True,
    }
    assert fmap.vector(NAMES, c) == [-5.0, 1 / 3, 20.0, 1.0, 1.0, 1.0]
    missing = fmap.vector(NAMES, {**c, "rate_missing": True})
    assert math.isnan(missing[1])


def _conditions(split: NumericSplit | CategoricalSplit) -> tuple[str | None, str | None]:
    fmap = read_features(FEATURES, "f.yaml")
    name, left, right = split_sets(fmap, NAMES, "m.json")(split)
    d = fmap.by_name[name]
    return (
        condition(name, d.attribute.type, left, d.missing),
        condition(name, d.attribute.type, right, d.missing),
    )


@pytest.mark.parametrize(
    ("split", "left", "right"),
    [
        # XGBoost: float32(x) < 2.5 ⟺ x <= 2 for ints
        (NumericSplit(0, 2.5, "<", 32, False), "amount <= 2", "amount >= 3"),
        # float32 rounding: 16777217 rounds to 16777216, which is not < 16777216
        (NumericSplit(0, 16777216.0, "<", 32, True), "amount <= 16777215", "amount >= 16777216"),
        # scikit-learn: float32(x) <= 16777216.5 holds up to 16777217 (it rounds down)
        (NumericSplit(0, 16777216.5, "<=", 32, True), "amount <= 16777217", "amount >= 16777218"),
        (NumericSplit(0, -0.5, "<=", 64, True), "amount <= -1", "amount >= 0"),
        # LightGBM zero-as-missing: 0 goes the default way (right here)
        (
            NumericSplit(0, 5.0, "<=", 64, False, True, True),
            "(amount <= -1 or 1 <= amount <= 5)",
            "(amount == 0 or amount >= 6)",
        ),
        (
            NumericSplit(1, 0.5, "<=", 64, True),
            "(rate_missing or rate <= 0.500000000000000055511151231257827021181583404541015625)",
            "not rate_missing and rate > 0.500000000000000055511151231257827021181583404541015625",
        ),
        (NumericSplit(2, 25.0, "<", 32, False), "grade != 'c'", "grade == 'c'"),
        (NumericSplit(3, 0.5, "<", 32, False), "not flag", "flag"),
        (NumericSplit(4, 0.5, "<", 32, False), "kind != 'y'", "kind == 'y'"),
        (
            CategoricalSplit(5, frozenset({0, 2}), frozenset(), "lightgbm"),
            "kind != 'y'",
            "kind == 'y'",
        ),
        (
            CategoricalSplit(0, frozenset({3, 7}), frozenset(), "lightgbm"),
            "(amount == 3 or amount == 7)",
            "(amount <= 2 or 4 <= amount <= 6 or amount >= 8)",
        ),
    ],
)
def test_splits_become_exact_conditions(
    split: NumericSplit | CategoricalSplit, left: str, right: str
) -> None:
    assert _conditions(split) == (left, right)


def test_a_categorical_split_on_a_real_attribute_is_refused() -> None:
    with pytest.raises(RulesetError) as exc:
        _conditions(CategoricalSplit(1, frozenset({1}), frozenset(), "lightgbm"))
    assert exc.value.diagnostics[0].code == "RP803"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("features:\n  a: {attribute: b}\n", "RP802"),
        ("features:\n  a: {type: int, range: [0, 1], codes: {x: 1}}\n", "RP803"),
        ("features:\n  a: {type: enum, values: [x, y], codes: {x: 1}}\n", "RP803"),
        ("features:\n  a: {type: enum, values: [x], actionable: maybe}\n", "RP212"),
        ("features:\n  a: {type: int, range: [0, 1], missing: a}\n", "RP207"),
        ("features:\n  a: {type: int, range: [0, 1e400]}\n", "RP212"),
        ("attributes:\n  b: {type: bool}\nfeatures:\n  a: {attribute: b, equals: 2}\n", "RP803"),
        ("ruleset: Bad_Id\nfeatures:\n  a: {type: bool}\n", "RP213"),
    ],
)
def test_malformed_features(text: str, code: str) -> None:
    with pytest.raises(RulesetError) as exc:
        read_features(text, "f.yaml")
    assert code in {d.code for d in exc.value.diagnostics}, exc.value
    assert all(d.span.file == "f.yaml" for d in exc.value.diagnostics)


def test_features_inferred_from_a_data_file() -> None:
    csv = "Credit Amount,owner,rate,grade,label\n1200,1,0.25,B,1\n-40,0,,A,0\n99999,0,1.5,C,1\n"
    fmap = infer_features(csv, "data.csv", keep={"Credit Amount", "owner", "rate", "grade"})
    attrs = {a.name: a.type for a in fmap.attributes()}
    assert attrs == {
        "Credit_Amount": M.IntType(-40, 99999),
        "owner": M.BoolType(),
        "rate": M.RealType(Fraction(1, 4), Fraction(3, 2)),
        "rate_missing": M.BoolType(),
        "grade": M.EnumType(("A", "B", "C")),
    }
    assert fmap.features["Credit Amount"].attribute == "Credit_Amount"
    assert fmap.by_name["grade"].codes == {"A": 0.0, "B": 1.0, "C": 2.0}
