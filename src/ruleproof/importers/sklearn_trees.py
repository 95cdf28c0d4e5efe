"""scikit-learn tree models (fitted objects) → `Ensemble`.

Supported: decision trees, random forests and extra trees (classifiers with two classes and
regressors), gradient boosting (`GradientBoostingClassifier` / `Regressor`) and histogram
gradient boosting (`HistGradientBoostingClassifier` / `Regressor`), one output each.

The decision rules, as scikit-learn predicts: `DecisionTree*`, forests and `GradientBoosting*`
cast inputs to float32 and go left iff `x <= threshold` (float64 threshold), NaN going where
`missing_go_to_left` says (forests and trees accept NaN; gradient boosting refuses it); the
histogram models compare float64 inputs and have categorical splits. Leaf values are the exact
floats the library adds: a tree's class-1 probability `v1 / (v0 + v1)` (rounded as numpy does),
a regression value, or `learning_rate * value` for gradient boosting. A forest averages its
trees; the score is their sum and the link's scale divides by the number of trees.

`load_pickle(path, trust)` reads a pickle or joblib file only when `trust` is set: unpickling
runs code from the file.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from ruleproof.importers.jsonsource import model_error
from ruleproof.importers.links import Link
from ruleproof.importers.splits import CategoricalSplit, NumericSplit, Split
from ruleproof.importers.trees import Ensemble, Leaf, Node, Tree, check_tree

FORESTS = {
    "RandomForestClassifier",
    "RandomForestRegressor",
    "ExtraTreesClassifier",
    "ExtraTreesRegressor",
}
SINGLE = {
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "ExtraTreeClassifier",
    "ExtraTreeRegressor",
}
BOOSTED = {"GradientBoostingClassifier", "GradientBoostingRegressor"}
HIST = {"HistGradientBoostingClassifier", "HistGradientBoostingRegressor"}


def load_pickle(path: str, trust: bool) -> Any:
    """The object in a pickle or joblib file. Raises `RulesetError` (RP806) unless `trust`."""
    if not trust:
        raise model_error(
            path,
            "refusing to unpickle: loading a pickle or joblib file runs code from it",
            "pass --trust-pickle if you trust where the file came from, or import the fitted "
            "model in Python with ruleproof.importers.from_sklearn",
            "RP806",
        )
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise model_error(
            path, f"cannot read the model: {exc.strerror or exc}", code="RP006"
        ) from None
    try:
        try:
            import joblib  # reads plain pickles too, and numpy arrays stored beside them
        except ImportError:
            return pickle.loads(data)
        return joblib.load(path)
    except Exception as exc:  # unpickling can raise anything
        raise model_error(
            path,
            f"cannot unpickle the model: {type(exc).__name__}: {exc}",
            "is it a scikit-learn model saved with pickle or joblib?",
            "RP801",
        ) from None


def read_sklearn(model: Any, label: str, feature_names: Sequence[str] | None = None) -> Ensemble:
    """The ensemble of a fitted scikit-learn model. Raises `RulesetError` (RP805).

    Features are named by `feature_names`, else the model's `feature_names_in_` (a model fitted
    on a DataFrame), else `x0`, `x1`, … as scikit-learn names them.
    """
    kind = type(model).__name__
    if kind not in FORESTS | SINGLE | BOOSTED | HIST:
        raise model_error(
            label,
            f"`{kind}` is not a supported scikit-learn model",
            "supported: decision trees, random forests, extra trees, gradient boosting and "
            "histogram gradient boosting (pass the final estimator of a pipeline)",
            "RP805",
        )
    classifier = hasattr(model, "classes_")
    if classifier and len(model.classes_) != 2:
        raise model_error(
            label,
            f"the classifier has {len(model.classes_)} classes",
            "only binary classifiers and regressors can be imported",
            "RP805",
        )
    if getattr(model, "n_outputs_", 1) != 1:
        raise model_error(label, "the model has several outputs", code="RP805")
    n = int(model.n_features_in_)
    if feature_names is not None and len(feature_names) != n:
        raise model_error(
            label, f"{len(feature_names)} feature names for a model of {n} features", code="RP802"
        )
    default = getattr(model, "feature_names_in_", [f"x{i}" for i in range(n)])
    names = tuple(str(x) for x in (feature_names if feature_names is not None else default))
    version = _version()
    if kind in HIST:
        return _hist(model, names, label, version, classifier)
    if kind in BOOSTED:
        return _boosted(model, names, label, version, classifier)
    estimators = list(model.estimators_) if kind in FORESTS else [model]
    trees = tuple(
        _tree(e.tree_, f"estimators_[{k}]" if kind in FORESTS else "tree_", classifier, 1.0)
        for k, e in enumerate(estimators)
    )
    link = Link("identity", Fraction(1, len(trees)))
    what = "class-1 probability" if classifier else "prediction"
    return Ensemble(
        trees,
        Fraction(0),
        names,
        link,
        64,
        f"scikit-learn {version}",
        f"{kind}, {len(trees)} trees; score = sum of the trees' {what}s",
        accepts_missing=_allow_nan(model),
    )


def _version() -> str:
    try:
        import sklearn

        return str(sklearn.__version__)
    except ImportError:  # pragma: no cover - a fitted model implies sklearn
        return "?"


def _allow_nan(model: Any) -> bool:
    try:
        return bool(model.__sklearn_tags__().input_tags.allow_nan)
    except AttributeError:
        return False


def _tree(t: Any, label: str, classifier: bool, scale: float) -> Tree:
    left, right = t.children_left, t.children_right
    missing = getattr(t, "missing_go_to_left", None)
    nodes: list[Node | Leaf] = []
    for i in range(int(t.node_count)):
        if left[i] == -1:
            if classifier:
                v0, v1 = float(t.value[i][0][0]), float(t.value[i][0][1])
                total = v0 + v1
                value = v1 / (total if total != 0.0 else 1.0)
            else:
                value = float(t.value[i][0][0])
                if scale != 1.0:
                    value = scale * value
            nodes.append(Leaf(Fraction(value), str(i)))
            continue
        default_left = bool(missing[i]) if missing is not None else True
        split = NumericSplit(int(t.feature[i]), float(t.threshold[i]), "<=", 32, default_left)
        nodes.append(Node(split, int(left[i]), int(right[i])))
    problem = check_tree(nodes)
    if problem:
        raise model_error(label, f"{label} is not a tree: {problem}")
    return Tree(tuple(nodes), label)


def _boosted(
    model: Any, names: tuple[str, ...], label: str, version: str, classifier: bool
) -> Ensemble:
    import numpy as np

    init = model.init_
    if init != "zero" and type(init).__name__ not in ("DummyClassifier", "DummyRegressor"):
        raise model_error(
            label,
            f"the init estimator `{type(init).__name__}` is not constant",
            "only the default (prior) or init='zero' can be imported",
            "RP805",
        )
    base = float(model._raw_predict_init(np.zeros((1, len(names))))[0, 0])
    lr = float(model.learning_rate)
    trees = tuple(
        _tree(e.tree_, f"estimators_[{k}, 0]", False, lr)
        for k, e in enumerate(model.estimators_[:, 0])
    )
    link = Link("identity")
    if classifier:
        link = Link("logistic", Fraction(2) if model.loss == "exponential" else Fraction(1))
    return Ensemble(
        trees,
        Fraction(base),
        names,
        link,
        64,
        f"scikit-learn {version}",
        f"{type(model).__name__} (loss {model.loss}), {len(trees)} trees",
        accepts_missing=False,
    )


def _bits(words: Any) -> frozenset[int]:
    return frozenset(
        32 * w + b for w, word in enumerate(words) for b in range(32) if int(word) >> b & 1
    )


def _hist_columns(model: Any, label: str) -> tuple[list[int], dict[int, list[int]]]:
    """Where each preprocessed column comes from, and each categorical column's categories.

    With categorical features, the model ordinal-encodes them (the sorted categories seen in
    training → 0, 1, …; anything else → missing) and moves them before the numeric columns.
    """
    pre = getattr(model, "_preprocessor", None)
    n = int(model.n_features_in_)
    if pre is None:
        return list(range(n)), {}
    import numpy as np

    is_cat = np.asarray(model.is_categorical_, dtype=bool)
    order = [int(i) for i in np.flatnonzero(is_cat)] + [int(i) for i in np.flatnonzero(~is_cat)]
    cats: dict[int, list[int]] = {}
    for j, values in enumerate(pre.named_transformers_["encoder"].categories_):
        ints = []
        for v in values:
            f = float(v)
            if not f.is_integer():
                raise model_error(
                    label,
                    f"categorical feature {order[j]} has the category {v!r}",
                    "categories must be whole numbers (codes)",
                    "RP805",
                )
            ints.append(int(f))
        cats[j] = ints
    return order, cats


def _hist(
    model: Any, names: tuple[str, ...], label: str, version: str, classifier: bool
) -> Ensemble:
    known, f_idx = model._bin_mapper.make_known_categories_bitsets()
    order, categories = _hist_columns(model, label)
    trees = []
    for k, (predictor,) in enumerate(model._predictors):
        nodes: list[Node | Leaf] = []
        for i, row in enumerate(predictor.nodes):
            if row["is_leaf"]:
                nodes.append(Leaf(Fraction(float(row["value"])), str(i)))
                continue
            j = int(row["feature_idx"])
            dflt = bool(row["missing_go_to_left"])
            split: Split
            if row["is_categorical"]:
                cats = categories[j]
                left = {
                    cats[c] for c in _bits(predictor.raw_left_cat_bitsets[int(row["bitset_idx"])])
                }
                seen = {cats[c] for c in _bits(known[int(f_idx[j])])}
                split = CategoricalSplit(
                    order[j], frozenset(left), frozenset(seen - left), "sklearn", dflt
                )
            else:
                split = NumericSplit(order[j], float(row["num_threshold"]), "<=", 64, dflt)
            nodes.append(Node(split, int(row["left"]), int(row["right"])))
        problem = check_tree(nodes)
        if problem:
            raise model_error(label, f"predictor {k} is not a tree: {problem}")
        trees.append(Tree(tuple(nodes), f"_predictors[{k}][0]"))
    base = float(model._baseline_prediction.ravel()[0])
    link = Link("logistic") if classifier else Link("identity")
    if not classifier and model.loss in ("poisson", "gamma"):
        link = Link("exp")
    return Ensemble(
        tuple(trees),
        Fraction(base),
        names,
        link,
        64,
        f"scikit-learn {version}",
        f"{type(model).__name__}, {len(trees)} trees",
        accepts_missing=True,
    )
