"""scikit-learn models: the imported ruleset agrees with the fitted model's own predictions
on held-out and adversarial citizens (float32 casts, `<=`, NaN routing, categorical splits of
histogram gradient boosting); pickles are refused unless trusted; the German Credit GBM
imports to the committed ruleset's semantics."""

from __future__ import annotations

import pickle
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.tree import DecisionTreeRegressor

from importer_helpers import (
    NAMES,
    adversarial,
    agreement,
    data,
    feature_map,
    label,
    no_missing,
)
from ruleproof.errors import RulesetError
from ruleproof.importers import from_sklearn, import_file
from ruleproof.importers.sklearn_trees import read_sklearn

ROOT = Path(__file__).resolve().parents[1]


def _case(name: str) -> tuple[Any, bool, bool]:
    """(estimator, accepts NaN, classifier)"""
    return {
        "gbc": (
            GradientBoostingClassifier(n_estimators=12, max_depth=3, random_state=0),
            False,
            True,
        ),
        "gbc-exponential": (
            GradientBoostingClassifier(
                n_estimators=12, max_depth=3, loss="exponential", random_state=0
            ),
            False,
            True,
        ),
        "gbr": (
            GradientBoostingRegressor(n_estimators=12, max_depth=3, random_state=0),
            False,
            False,
        ),
        "forest": (RandomForestClassifier(n_estimators=7, max_depth=6, random_state=0), True, True),
        "tree": (DecisionTreeRegressor(max_depth=6, random_state=0), True, False),
        "hist": (
            HistGradientBoostingClassifier(max_iter=12, categorical_features=[2], random_state=0),
            True,
            True,
        ),
    }[name]


@pytest.mark.parametrize("name", ["gbc", "gbc-exponential", "gbr", "forest", "tree", "hist"])
def test_imported_ruleset_agrees_with_scikit_learn(name: str) -> None:
    model, nan, classifier = _case(name)
    fmap = feature_map() if nan else no_missing(feature_map())
    train, held_out = data(1500, 9, fmap), data(400, 10, fmap)
    x = np.array([fmap.vector(NAMES, c) for c in train])
    y = np.array([label(c) for c in train])
    model.fit(x, y if classifier else y * 2.5 - 0.25)
    ens = read_sklearn(model, "model", NAMES)
    citizens = held_out + adversarial(ens, fmap, held_out, 11)
    n = len(ens.trees)
    threshold = Fraction(1, 2) if classifier else Fraction(3, 4)

    def margins(rows: list[list[float]]) -> Any:
        if hasattr(model, "decision_function"):
            return model.decision_function(np.array(rows))
        if classifier:
            return model.predict_proba(np.array(rows))[:, 1] * n
        return model.predict(np.array(rows)) * (1 if name == "gbr" else n)

    def classes(rows: list[list[float]]) -> Any:
        if classifier:
            return model.predict(np.array(rows))
        return model.predict(np.array(rows)) > float(threshold)

    report = agreement(ens, fmap, citizens, margins, classes, threshold, slack=8 * n * 2.0**-52)
    assert report.compared > 600
    assert (report.class_mismatches, report.near_threshold) == (0, 0)


def test_german_gbm_scores_like_the_committed_ruleset() -> None:
    import sys

    from ruleproof.language.load_ruleset import load
    from ruleproof.semantics.evaluate import evaluate

    sys.path.insert(0, str(ROOT / "scripts"))
    import german_models

    sc = german_models.scorecard()
    dataset = sc.load_data(sc.DEFAULT_DATA)
    fitted = german_models.train_gbm(sc, dataset)
    features = str(ROOT / "models/german/features-ordinal.yaml")
    names = german_models.feature_names(sc, False)
    fmap = feature_map((ROOT / "models/german/features-ordinal.yaml").read_text())
    ens = read_sklearn(fitted, "german-credit-gbm", names)
    _, held = german_models.split(len(dataset.rows))
    held_out = [dataset.citizen(i) for i in held]
    citizens = held_out + adversarial(ens, fmap, held_out, 12)
    report = agreement(
        ens,
        fmap,
        citizens,
        lambda rows: fitted.decision_function(np.array(rows)),
        lambda rows: fitted.predict(np.array(rows)),
    )
    assert (report.class_mismatches, report.near_threshold) == (0, 0)
    committed = load(ROOT / "spec/german-credit-gbm.yaml")
    text = from_sklearn(fitted, features, name="german-credit-gbm", feature_names=names)
    assert "german-credit-gbm" in text
    for c in held_out:
        assert evaluate(committed, c).score == ens.margin(fmap.vector(names, c))


def test_pickles_are_refused_unless_trusted(tmp_path: Path) -> None:
    model = GradientBoostingClassifier(n_estimators=2, max_depth=2).fit([[0.0], [1.0]], [0, 1])
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(model))
    features = tmp_path / "features.yaml"
    features.write_text("features:\n  x0: {type: int, range: [0, 9]}\n")
    with pytest.raises(RulesetError) as refused:
        import_file("sklearn", str(path), str(features))
    assert refused.value.diagnostics[0].code == "RP806"
    text = import_file("sklearn", str(path), str(features), trust_pickle=True)
    assert "x0 == 0" in text and "x0 >= 1" in text
