"""Model importers: tree ensembles and points scorecards → rulesets whose score is the model's.

Formats: `xgboost` (JSON models), `lightgbm` (JSON dumps), `sklearn` (fitted objects, or pickle /
joblib files when trusted), `points` (points tables as CSV or JSON). The JSON and points
importers need no machine-learning library.

    from ruleproof.importers import import_file, from_sklearn
    text = import_file("xgboost", "model.json", "features.yaml", threshold=Fraction(7, 10))
    text = from_sklearn(fitted_model, "features.yaml")

Each returns the ruleset as YAML text (`ruleproof.load_text` reads it); both raise
`RulesetError` for bad input. Modules: `floats` (exact float facts), `splits` (each library's
decision rule), `trees` (the IR and its exact evaluator), `links` (exact thresholds),
`features` / `infer` (FEATURES.yaml or a data file), `valuesets` + `translate` (conditions),
`points`, `emit` (YAML), `build` (putting it together), one reader per format.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from ruleproof.importers.features import FeatureMap, read_features
from ruleproof.importers.trees import Ensemble

FORMATS = ("sklearn", "xgboost", "lightgbm", "points")

__all__ = [
    "FORMATS",
    "Ensemble",
    "FeatureMap",
    "from_sklearn",
    "import_file",
    "read_ensemble",
    "read_feature_file",
]


def _read(path: str) -> str:
    from ruleproof.language.load_ruleset import read_text

    return read_text(path)


Reader = Callable[[str], str]


def read_feature_file(
    path: str, keep: set[str] | None = None, read: Reader | None = None
) -> FeatureMap:
    """FEATURES.yaml, or a CSV data file to infer the features from (see `infer`)."""
    text = (read or _read)(path)
    if Path(path).suffix.lower() in (".csv", ".tsv", ".txt"):
        from ruleproof.importers.infer import infer_features

        return infer_features(text, path, keep)
    return read_features(text, path)


def read_ensemble(
    fmt: str, path: str, trust_pickle: bool = False, read: Reader | None = None
) -> Ensemble:
    """The ensemble of a model file (`fmt` one of xgboost, lightgbm, sklearn)."""
    read = read or _read
    if fmt == "xgboost":
        from ruleproof.importers.xgboost_json import read_xgboost

        return read_xgboost(read(path), path)
    if fmt == "lightgbm":
        from ruleproof.importers.lightgbm_json import read_lightgbm

        return read_lightgbm(read(path), path)
    if fmt == "sklearn":
        from ruleproof.importers.sklearn_trees import load_pickle, read_sklearn

        return read_sklearn(load_pickle(path, trust_pickle), path)
    raise ValueError(f"unknown tree format {fmt!r}")


def import_file(
    fmt: str,
    model: str,
    features: str,
    threshold: Fraction | None = None,
    out: str | None = None,
    trust_pickle: bool = False,
    command: str = "",
    read: Reader | None = None,
    ruleset_id: str | None = None,
) -> str:
    """The imported ruleset's YAML text for a model file and a FEATURES.yaml or data file.

    The text is checked before it is returned (`selfcheck`): it loads, and its score equals the
    model's exact margin on a sample of citizens.
    """
    from ruleproof.importers.build import ensemble_ruleset, points_ruleset
    from ruleproof.importers.selfcheck import check_import

    read = read or _read
    command = f"`ruleproof import {command or fmt + ' ' + Path(model).name}`"
    if fmt == "points":
        from ruleproof.importers.points import read_points

        table = read_points(read(model), model)
        fmap = read_feature_file(features, {r.variable for r in table.rows}, read)
        if ruleset_id is not None:
            fmap = attrs.evolve(fmap, ruleset_id=ruleset_id)
        text = points_ruleset(table, fmap, model, threshold, out, command)
        check_import(text, out or "<import>", None, fmap)
        return text
    ens = read_ensemble(fmt, model, trust_pickle, read)
    fmap = read_feature_file(features, set(ens.feature_names), read)
    if ruleset_id is not None:
        fmap = attrs.evolve(fmap, ruleset_id=ruleset_id)
    text = ensemble_ruleset(ens, fmap, model, threshold, out, command)
    check_import(text, out or "<import>", ens, fmap)
    return text


def from_sklearn(
    model: Any,
    features: str | FeatureMap,
    threshold: Fraction | None = None,
    name: str = "model",
    feature_names: list[str] | None = None,
) -> str:
    """The imported ruleset's YAML text for a fitted scikit-learn model (no pickle involved).

    `feature_names` names the model's features when it was fitted without names (a numpy array).
    """
    from ruleproof.importers.build import ensemble_ruleset
    from ruleproof.importers.selfcheck import check_import
    from ruleproof.importers.sklearn_trees import read_sklearn

    ens = read_sklearn(model, name, feature_names)
    fmap = (
        features
        if isinstance(features, FeatureMap)
        else read_feature_file(features, set(ens.feature_names))
    )
    text = ensemble_ruleset(ens, fmap, name, threshold, command="ruleproof.importers.from_sklearn")
    check_import(text, "<import>", ens, fmap)
    return text
