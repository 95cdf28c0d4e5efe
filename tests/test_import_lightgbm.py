"""LightGBM JSON dumps: the imported ruleset agrees with lightgbm (which loads the same model
from its own text format) on held-out and adversarial citizens: numeric splits at and around
every threshold, native categorical splits, NaN, zero-as-missing, several objectives."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pytest

from importer_helpers import NAMES, adversarial, agreement, data, feature_map, label
from ruleproof.importers import import_file
from ruleproof.importers.lightgbm_json import read_lightgbm

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("objective", "zero_as_missing", "threshold"),
    [
        ("binary", False, Fraction(1, 2)),
        ("binary", True, Fraction(1, 5)),
        ("regression", False, Fraction(1, 2)),
        ("poisson", True, Fraction(2)),
    ],
)
def test_imported_ruleset_agrees_with_lightgbm(
    objective: str, zero_as_missing: bool, threshold: Fraction
) -> None:
    fmap = feature_map()
    train, held_out = data(1500, 5, fmap), data(400, 6, fmap)
    x = np.array([fmap.vector(NAMES, c) for c in train])
    y = np.array(
        [label(c) + (int(str(c["count"])) if objective == "poisson" else 0) for c in train]
    )
    params = {
        "objective": objective,
        "num_leaves": 12,
        "min_child_samples": 5,
        "verbose": -1,
        "num_threads": 1,
        "seed": 0,
        "deterministic": True,
        "zero_as_missing": zero_as_missing,
        "sigmoid": 1.5 if objective == "binary" else 1,
    }
    ds = lgb.Dataset(x, label=y, feature_name=NAMES, categorical_feature=[2])
    booster = lgb.train(params, ds, num_boost_round=15)
    ens = read_lightgbm(json.dumps(booster.dump_model()), "model.json")
    citizens = held_out + adversarial(ens, fmap, held_out, 7)
    report = agreement(
        ens,
        fmap,
        citizens,
        lambda rows: booster.predict(np.array(rows), raw_score=True),
        lambda rows: np.asarray(booster.predict(np.array(rows))) > float(threshold),
        threshold,
    )
    assert report.compared > 600
    assert (report.class_mismatches, report.near_threshold) == (0, 0)


def test_german_model_agrees_with_lightgbm() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import german_models

    sc = german_models.scorecard()
    dataset = sc.load_data(sc.DEFAULT_DATA)
    _, held = german_models.split(len(dataset.rows))
    held_out = [dataset.citizen(i) for i in held]
    fmap = feature_map((ROOT / "models/german/features-ordinal.yaml").read_text())
    booster = lgb.Booster(model_file=str(ROOT / "models/german/lightgbm.txt"))
    path = ROOT / "models/german/lightgbm.json"
    ens = read_lightgbm(path.read_text(), str(path))
    citizens = held_out + adversarial(ens, fmap, held_out, 8)
    report = agreement(
        ens,
        fmap,
        citizens,
        lambda rows: booster.predict(np.array(rows), raw_score=True),
        lambda rows: np.asarray(booster.predict(np.array(rows))) > 0.5,
    )
    assert report.compared >= 300
    assert (report.class_mismatches, report.near_threshold) == (0, 0)


def test_committed_ruleset_is_the_import_of_the_committed_model() -> None:
    out = ROOT / "spec" / "german-credit-lightgbm.yaml"
    model = "models/german/lightgbm.json"
    text = import_file(
        "lightgbm",
        str(ROOT / model),
        str(ROOT / "models/german/features-ordinal.yaml"),
        out=str(out),
        command=f"lightgbm {model}",
    )
    assert text == out.read_text(encoding="utf-8")
