"""LightGBM JSON dumps (`json.dump(booster.dump_model(), f)`) → `Ensemble`.

Read directly from the JSON, without lightgbm. Thresholds and leaf values are float64 (the
dump writes them with enough digits to read them back exactly). The margin is the sum of the
leaves (LightGBM folds its initial score into the first tree); a random-forest model
(`average_output`) averages them instead, which the link's scale expresses (the score is then the
sum, n times the average). Numeric splits keep their `missing_type` (None: NaN is read as 0;
Zero: NaN and zero go the default way; NaN: NaN goes the default way); categorical splits list
their categories as `"1||4||7"`.
"""

from __future__ import annotations

from fractions import Fraction

from ruleproof.importers.floats import round_to
from ruleproof.importers.jsonsource import Doc, load_json, model_error
from ruleproof.importers.links import Link
from ruleproof.importers.splits import CategoricalSplit, NumericSplit, Split
from ruleproof.importers.trees import Ensemble, Leaf, Node, Tree, check_tree

LOGISTIC = {"binary", "cross_entropy", "xentropy"}
EXP = {"poisson", "gamma", "tweedie"}
IDENTITY = {
    "regression",
    "regression_l2",
    "regression_l1",
    "huber",
    "fair",
    "quantile",
    "mape",
    "lambdarank",
    "rank_xendcg",
}
MAX_DEPTH = 200


def _link(objective: str, file: str) -> Link:
    words = objective.split()
    kind = words[0] if words else "regression"
    opts = dict(w.split(":", 1) for w in words[1:] if ":" in w)
    if "sqrt" in words[1:]:
        raise model_error(
            file, "objective option `sqrt` is not supported", "train without sqrt", "RP805"
        )
    if kind in LOGISTIC:
        scale = Fraction(1)
        if kind == "binary":
            scale = Doc(opts.get("sigmoid", "1"), file, "objective sigmoid").number()
        if scale <= 0:
            raise model_error(file, f"sigmoid {scale} must be positive", code="RP805")
        return Link("logistic", scale)
    if kind in EXP:
        return Link("exp")
    if kind in IDENTITY:
        return Link("identity")
    raise model_error(
        file,
        f"objective `{objective}` is not supported",
        "supported: " + ", ".join(sorted(LOGISTIC | EXP | IDENTITY)) + " (one output)",
        "RP805",
    )


def read_lightgbm(text: str, file: str) -> Ensemble:
    """The ensemble of a LightGBM JSON dump. Raises `RulesetError` (RP801, RP805)."""
    doc = Doc(load_json(text, file), file)
    if (
        doc.get("num_class", 1).integer() != 1
        or doc.get("num_tree_per_iteration", 1).integer() != 1
    ):
        raise model_error(
            file,
            "the model has more than one output (multiclass)",
            "only binary classifiers and regressors can be imported",
            "RP805",
        )
    link = _link(doc.get("objective", "regression").text(), file)
    names = tuple(d.text() for d in doc["feature_names"].items())
    trees = tuple(_tree(t, k, len(names)) for k, t in enumerate(doc["tree_info"].items()))
    if doc.get("average_output", False).boolean():
        if not trees:
            doc.fail("at least one tree in a random-forest model")
        link = Link(link.kind, link.scale / len(trees))
    version = doc.get("version", "").value
    return Ensemble(
        trees,
        Fraction(0),
        names,
        link,
        64,
        f"LightGBM model {version}".strip(),
        f"{doc.get('objective', 'regression').text()}, {len(trees)} trees",
    )


def _tree(t: Doc, k: int, n_features: int) -> Tree:
    nodes: list[Node | Leaf] = []
    _walk(t["tree_structure"], nodes, n_features, 0)
    problem = check_tree(nodes)
    if problem:
        raise model_error(t.file, f"tree {k} is not a tree: {problem}")
    return Tree(tuple(nodes), f"tree {t.get('tree_index', k).integer()}")


def _walk(d: Doc, nodes: list[Node | Leaf], n_features: int, depth: int) -> int:
    """Append the subtree at `d` in preorder; return its index."""
    if depth > MAX_DEPTH:
        d.fail(f"a tree at most {MAX_DEPTH} deep")
    index = len(nodes)
    if not d.has("split_feature"):
        if d.has("leaf_coeff") or d.has("leaf_const"):
            raise model_error(
                d.file, "linear trees are not supported", "train without linear_tree", "RP805"
            )
        label = str(d["leaf_index"].integer()) if d.has("leaf_index") else "0"
        nodes.append(Leaf(Fraction(round_to(64, d["leaf_value"].number())), label))
        return index
    feature = d["split_feature"].integer()
    if not 0 <= feature < n_features:
        d["split_feature"].fail(f"a feature index below {n_features}")
    nodes.append(Leaf(Fraction(0), ""))  # placeholder until the children have indices
    decision = d["decision_type"].text()
    default_left = d.get("default_left", True).boolean()
    split: Split
    if decision == "==":
        raw = d["threshold"].value
        parts = str(raw).split("||")
        try:
            cats = frozenset(int(p) for p in parts)
        except ValueError:
            d["threshold"].fail('categories such as "1||4||7"')
        split = CategoricalSplit(feature, cats, frozenset(), "lightgbm", default_left)
    elif decision == "<=":
        missing = d.get("missing_type", "None").text()
        if missing not in ("None", "Zero", "NaN"):
            d["missing_type"].fail("None, Zero or NaN")
        threshold = float(d["threshold"].number())
        split = NumericSplit(
            feature, threshold, "<=", 64, default_left, missing != "NaN", missing == "Zero"
        )
    else:
        d["decision_type"].fail("<= or ==")
    left = _walk(d["left_child"], nodes, n_features, depth + 1)
    right = _walk(d["right_child"], nodes, n_features, depth + 1)
    nodes[index] = Node(split, left, right)
    return index
