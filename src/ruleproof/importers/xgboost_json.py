"""XGBoost JSON models (`Booster.save_model("m.json")`, `XGBClassifier.save_model`) → `Ensemble`.

Read directly from the JSON, without xgboost. Every threshold and leaf is a float32: the JSON
number is rounded to the nearest float32 exactly as XGBoost read it. The margin is
`base + Σ leaves`, the base being `base_score` turned into a margin the way XGBoost does it:
for logistic objectives `-log(1/p - 1)` and for log-link ones `log(p)`, both in float32 (the C
library's `logf` may round the last bit differently: one float32 unit is added to the error
band). Supported: `gbtree` boosters with one output (binary classification and regression);
numeric and categorical splits with each node's default direction for missing values.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ruleproof.importers.floats import round_to
from ruleproof.importers.jsonsource import Doc, load_json, model_error
from ruleproof.importers.links import Link
from ruleproof.importers.splits import CategoricalSplit, NumericSplit, Split
from ruleproof.importers.trees import Ensemble, Leaf, Node, Tree, check_tree

LOGISTIC = {"binary:logistic", "reg:logistic"}
EXP = {"count:poisson", "reg:gamma", "reg:tweedie"}
IDENTITY = {
    "reg:squarederror",
    "reg:linear",
    "reg:pseudohubererror",
    "reg:absoluteerror",
    "reg:quantileerror",
    "binary:logitraw",
}


def read_xgboost(text: str, file: str) -> Ensemble:
    """The ensemble of an XGBoost JSON model. Raises `RulesetError` (RP801, RP805)."""
    doc = Doc(load_json(text, file), file)
    learner = doc["learner"]
    objective = learner["objective"]["name"].text()
    link = _link(objective, file)
    params = learner["learner_model_param"]
    _check_one_output(params, file)
    booster = learner["gradient_booster"]
    name = booster["name"].text()
    if name != "gbtree":
        raise model_error(
            file, f"booster `{name}` is not supported", "train with booster=gbtree", "RP805"
        )
    model = booster["model"]
    n_features = params["num_feature"].integer() if params.has("num_feature") else 0
    names = [d.text() for d in learner.get("feature_names", []).items()]
    if not names:
        names = [f"f{i}" for i in range(n_features)]
    base, base_error = _base_margin(params["base_score"], link)
    trees = tuple(_tree(t, k, len(names), file) for k, t in enumerate(model["trees"].items()))
    raw_version = doc.get("version", []).value
    version = ".".join(str(v) for v in raw_version) if isinstance(raw_version, list) else ""
    return Ensemble(
        trees,
        base,
        tuple(names),
        link,
        32,
        f"XGBoost {version}".strip(),
        f"{objective}, {len(trees)} trees",
        _notes(learner),
        base_error,
    )


def _link(objective: str, file: str) -> Link:
    """The link function of an XGBoost objective; RP805 for an unsupported objective."""
    if objective in LOGISTIC:
        return Link("logistic")
    if objective in EXP:
        return Link("exp")
    if objective in IDENTITY:
        return Link("identity")
    raise model_error(
        file,
        f"objective `{objective}` is not supported",
        "supported: binary and regression objectives with one output: "
        + ", ".join(sorted(LOGISTIC | EXP | IDENTITY)),
        "RP805",
    )


def _check_one_output(params: Doc, file: str) -> None:
    """RP805 for a model with several classes or targets."""
    for key in ("num_class", "num_target"):
        if params.has(key) and params[key].integer() > 1:
            raise model_error(
                file,
                f"the model has {key} = {params[key].integer()}",
                "only models with one output can be imported",
                "RP805",
            )


def _notes(learner: Doc) -> tuple[str, ...]:
    """Notes for the import report: a recorded best_iteration is not honoured."""
    attributes = learner.get("attributes", {}).value
    if isinstance(attributes, dict) and "best_iteration" in attributes:
        return (
            f"the model records best_iteration = {attributes['best_iteration']}: the scikit-learn "
            "wrapper predicts with the trees up to it only; every tree is imported here",
        )
    return ()


def _base_margin(node: Doc, link: Link) -> tuple[Fraction, Fraction]:
    """XGBoost's base margin (a float32) from `base_score`, and the error of our logf."""
    text = node.text().strip()
    if text.startswith("[") and text.endswith("]"):
        parts = [p for p in text[1:-1].split(",") if p.strip()]
        if len(parts) != 1:
            node.fail("one base score")
        text = parts[0]
    p = round_to(32, Doc(text, node.file, node.path).number())
    if link.kind == "identity":
        return Fraction(p), Fraction(0)
    if link.kind == "logistic":
        if not 0 < p < 1:
            node.fail("a base score strictly between 0 and 1")
        margin = round_to(32, -math.log(round_to(32, round_to(32, 1 / p) - 1)))
    else:
        if p <= 0:
            node.fail("a positive base score")
        margin = round_to(32, math.log(p))
    ulp = Fraction(2) ** (math.frexp(margin)[1] - 24) if margin else Fraction(2) ** -149
    return Fraction(margin), ulp


def _tree(t: Doc, k: int, n_features: int, file: str) -> Tree:
    left = [d.integer() for d in t["left_children"].items()]
    right = [d.integer() for d in t["right_children"].items()]
    feats = [d.integer() for d in t["split_indices"].items()]
    conds = [d.float32() for d in t["split_conditions"].items()]
    dflt = [d.boolean() for d in t["default_left"].items()]
    n = len(left)
    types = [d.integer() for d in t.get("split_type", [0] * n).items()]
    if not n or any(len(a) != n for a in (right, feats, conds, dflt, types)):
        t.fail("node arrays of one length")
    if t.has("tree_param") and t["tree_param"].get("size_leaf_vector", "1").integer() > 1:
        raise model_error(file, f"tree {k} has vector leaves", "only one output per model", "RP805")
    cats = _categories(t)
    nodes: list[Node | Leaf] = []
    for i in range(n):
        if left[i] == -1:
            nodes.append(Leaf(Fraction(conds[i]), str(i)))
            continue
        if not 0 <= feats[i] < max(n_features, 1) and n_features:
            t.fail(f"feature indices below {n_features} (node {i} reads {feats[i]})")
        split: Split
        if types[i] == 1:
            split = CategoricalSplit(
                feats[i], frozenset(), cats.get(i, frozenset()), "xgboost", dflt[i]
            )
        else:
            split = NumericSplit(feats[i], conds[i], "<", 32, dflt[i])
        nodes.append(Node(split, left[i], right[i]))
    problem = check_tree(nodes)
    if problem:
        raise model_error(file, f"tree {k} is not a tree: {problem}")
    return Tree(tuple(nodes), f"booster tree {k}")


def _categories(t: Doc) -> dict[int, frozenset[int]]:
    values = [d.integer() for d in t.get("categories", []).items()]
    nodes = [d.integer() for d in t.get("categories_nodes", []).items()]
    starts = [d.integer() for d in t.get("categories_segments", []).items()]
    sizes = [d.integer() for d in t.get("categories_sizes", []).items()]
    if not len(nodes) == len(starts) == len(sizes):
        t.fail("categories_nodes, categories_segments and categories_sizes of one length")
    out = {}
    for node, start, size in zip(nodes, starts, sizes, strict=True):
        if start < 0 or size < 0 or start + size > len(values):
            t.fail(f"category segments inside `categories` (node {node})")
        out[node] = frozenset(values[start : start + size])
    return out
