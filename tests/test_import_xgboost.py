"""XGBoost JSON models: the imported ruleset agrees with xgboost on held-out and adversarial
citizens (every numeric threshold and one float step either side, cut points between float32s,
rationals no float64 holds), numeric and categorical splits, missing values, several objectives
and thresholds; the committed German Credit model imports to the committed ruleset."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xgboost as xgb

from importer_helpers import NAMES, adversarial, agreement, data, feature_map, label
from ruleproof.importers import import_file
from ruleproof.importers.features import FeatureMap
from ruleproof.importers.xgboost_json import read_xgboost

ROOT = Path(__file__).resolve().parents[1]


def _matrix(fmap: FeatureMap, citizens: list[dict[str, Any]], categorical: bool) -> Any:
    rows = np.array([fmap.vector(NAMES, c) for c in citizens])
    if categorical:
        types = ["c" if n == "grade" else "q" for n in NAMES]
        return xgb.DMatrix(rows, feature_names=NAMES, feature_types=types, enable_categorical=True)
    return xgb.DMatrix(rows, feature_names=NAMES)


@pytest.mark.parametrize(
    ("objective", "categorical", "threshold"),
    [
        ("binary:logistic", False, Fraction(1, 2)),
        ("binary:logistic", True, Fraction(7, 10)),
        ("reg:squarederror", False, Fraction(1, 3)),
        ("count:poisson", True, Fraction(3, 2)),
    ],
)
def test_imported_ruleset_agrees_with_xgboost(
    objective: str, categorical: bool, threshold: Fraction
) -> None:
    fmap = feature_map()
    train, held_out = data(1500, 1, fmap), data(400, 2, fmap)
    y = [label(c) + (int(str(c["count"])) if objective == "count:poisson" else 0) for c in train]
    params = {
        "objective": objective,
        "max_depth": 4,
        "eta": 0.3,
        "nthread": 1,
        "seed": 0,
        "max_cat_to_onehot": 1,
        "base_score": 0.3 if objective != "count:poisson" else 2.5,
    }
    dtrain = _matrix(fmap, train, categorical)
    dtrain.set_label(np.array(y, dtype=float))
    booster = xgb.train(params, dtrain, num_boost_round=12)
    ens = read_xgboost(booster.save_raw("json").decode(), "model.json")
    citizens = held_out + adversarial(ens, fmap, held_out, 3)

    def margins(rows: list[list[float]]) -> Any:
        return booster.predict(_matrix(fmap, citizens, categorical), output_margin=True)

    def classes(rows: list[list[float]]) -> Any:
        return booster.predict(_matrix(fmap, citizens, categorical)) > float(threshold)

    report = agreement(ens, fmap, citizens, margins, classes, threshold)
    assert report.compared > 600
    assert (report.class_mismatches, report.near_threshold) == (0, 0)


def _german() -> tuple[Any, list[dict[str, Any]], FeatureMap]:
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import german_models

    sc = german_models.scorecard()
    dataset = sc.load_data(sc.DEFAULT_DATA)
    _, held_out = german_models.split(len(dataset.rows))
    fmap = feature_map((ROOT / "models/german/features-onehot.yaml").read_text())
    return german_models, [dataset.citizen(i) for i in held_out], fmap


def test_german_model_agrees_with_xgboost() -> None:
    _, held_out, fmap = _german()
    path = ROOT / "models/german/xgboost.json"
    booster = xgb.Booster(model_file=str(path))
    ens = read_xgboost(path.read_text(), str(path))
    citizens = held_out + adversarial(ens, fmap, held_out, 4)
    names = list(ens.feature_names)

    def dm(rows: list[list[float]]) -> Any:
        return xgb.DMatrix(np.array(rows), feature_names=names)

    report = agreement(
        ens,
        fmap,
        citizens,
        lambda rows: booster.predict(dm(rows), output_margin=True),
        lambda rows: booster.predict(dm(rows)) > 0.5,
    )
    assert report.compared >= 300
    assert (report.class_mismatches, report.near_threshold) == (0, 0)


@pytest.mark.parametrize("name", ["xgboost", "xgboost-run2"])
def test_committed_ruleset_is_the_import_of_the_committed_model(name: str) -> None:
    model = f"models/german/{name}.json"
    out = ROOT / "spec" / f"german-credit-{name}.yaml"
    text = import_file(
        "xgboost",
        str(ROOT / model),
        str(ROOT / "models/german/features-onehot.yaml"),
        out=str(out),
        command=f"xgboost {model}",
    )
    assert text == out.read_text(encoding="utf-8")
