"""Benchmark of issue #15: imported tree ensembles, `python benchmarks/models.py [--quick]`.

For each seed, trains XGBoost models on synthetic credit-like data (12 features: ints with wide
ranges, a protected bool and a protected int, a feature with a declared monotone constraint),
imports them, and times:

- `independent` (of the protected attributes) and `monotone` (in the constrained feature, and
  in an unconstrained one) on 100 trees of depth 4 (target ≤ 2 s each) and 500 trees of depth 6
  (target ≤ 30 s each), with one `Checker` per ruleset;
- importing the 500-tree model: reading the JSON, translating and writing the YAML, plus the
  self-check that loads it (target ≤ 5 s);
- evaluator agreement: 100,000 random inputs per library (XGBoost, LightGBM, scikit-learn),
  the imported ruleset's tier (ruleproof's compiled evaluator) against the library's own class
  (target: 0 mismatches; inputs whose exact margin lies within the float band of the threshold
  are counted apart, as the libraries round there).

Prints one row per measurement and writes benchmarks/results/models.md with the worst case over
the seeds next to the median. Needs `ruleproof[models]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "models.md"
FEATURES = """
features:
  income: {type: int, range: [0, 500000]}
  debt: {type: int, range: [0, 200000]}
  amount: {type: int, range: [100, 100000], actionable: true}
  months: {type: int, range: [1, 120], actionable: true}
  age: {type: int, range: [18, 100], protected: true}
  female: {type: bool, protected: true}
  accounts: {type: int, range: [0, 30]}
  late: {type: int, range: [0, 50]}
  tenure: {type: int, range: [0, 600]}
  region: {type: int, range: [0, 9]}
  utilisation: {type: int, range: [0, 100]}
  inquiries: {type: int, range: [0, 40]}
"""
NAMES = [
    "income",
    "debt",
    "amount",
    "months",
    "age",
    "female",
    "accounts",
    "late",
    "tenure",
    "region",
    "utilisation",
    "inquiries",
]
PROPERTIES = """
properties:
  - id: independent
    independent: {of: protected, outputs: [score, tier]}
  - id: monotone-constrained
    monotone: {in: late, output: score, direction: nonincreasing}
  - id: monotone-free
    monotone: {in: income, output: score, direction: nondecreasing}
"""


def synthetic(n: int, seed: int) -> tuple[Any, Any]:
    import numpy as np

    rng = np.random.default_rng(seed)
    x = np.column_stack(
        [
            rng.integers(0, 500001, n),
            rng.integers(0, 200001, n),
            rng.integers(100, 100001, n),
            rng.integers(1, 121, n),
            rng.integers(18, 101, n),
            rng.integers(0, 2, n),
            rng.integers(0, 31, n),
            rng.integers(0, 51, n),
            rng.integers(0, 601, n),
            rng.integers(0, 10, n),
            rng.integers(0, 101, n),
            rng.integers(0, 41, n),
        ]
    ).astype(float)
    z = (
        x[:, 0] / 1e5
        - x[:, 1] / 5e4
        - x[:, 2] / 4e4
        - x[:, 3] / 60
        + (x[:, 4] - 40) / 40
        + 0.2 * x[:, 5]
        - x[:, 7] / 10
        + x[:, 8] / 300
        - x[:, 10] / 50
        - x[:, 11] / 20
    )
    y = (z + rng.normal(size=n) > -1).astype(int)
    return x, y


def train_xgboost(trees: int, depth: int, seed: int) -> str:
    import xgboost as xgb

    x, y = synthetic(5000, seed)
    cons = "(" + ",".join("-1" if n == "late" else "0" for n in NAMES) + ")"
    dm = xgb.DMatrix(x, label=y, feature_names=NAMES)
    params = {
        "objective": "binary:logistic",
        "max_depth": depth,
        "eta": 0.1,
        "nthread": 2,
        "seed": seed,
        "monotone_constraints": cons,
        "subsample": 0.8,
    }
    return str(xgb.train(params, dm, num_boost_round=trees).save_raw("json").decode())


def time_import(model_json: str, tmp: Path) -> tuple[float, str]:
    from ruleproof.importers import import_file

    (tmp / "model.json").write_text(model_json)
    (tmp / "features.yaml").write_text(FEATURES)
    t = time.perf_counter()
    text = import_file(
        "xgboost",
        str(tmp / "model.json"),
        str(tmp / "features.yaml"),
        out=str(tmp / "imported.yaml"),
    )
    (tmp / "imported.yaml").write_text(text)
    return time.perf_counter() - t, text


def time_properties(text: str, timeout: float) -> dict[str, tuple[float, str]]:
    from ruleproof.language.load_ruleset import load_text
    from ruleproof.language.load_suite import load_properties_text
    from ruleproof.proving.checker import Checker
    from ruleproof.proving.solving import Limits

    rs = load_text(text, "imported.yaml")
    checker = Checker(rs, Limits(timeout=timeout))
    out: dict[str, tuple[float, str]] = {}
    for prop in load_properties_text(PROPERTIES, "properties.yaml", rs):
        t = time.perf_counter()
        status = checker.check(prop).status
        out[prop.id] = (time.perf_counter() - t, status)
    return out


def agreement(library: str, inputs: int, seed: int) -> tuple[int, int, int, float]:
    """(inputs, class mismatches, inputs in the float band, seconds) for one library."""
    import numpy as np

    from ruleproof.importers.build import ensemble_ruleset
    from ruleproof.importers.features import read_features
    from ruleproof.language import ruleset as M
    from ruleproof.language.load_ruleset import load_text
    from ruleproof.semantics.compiled import compile_ruleset

    x, y = synthetic(4000, seed)
    ens, predict = _fit(library, x, y)
    fmap = read_features(FEATURES, "features.yaml")
    compiled = compile_ruleset(load_text(ensemble_ruleset(ens, fmap, "model"), "imported.yaml"))
    rng = random.Random(seed)
    rows, citizens = [], []
    for _ in range(inputs):
        c: dict[str, Any] = {}
        for a in fmap.attributes():
            if isinstance(a.type, M.IntType):
                c[a.name] = rng.randint(a.type.lo, a.type.hi)
            else:
                c[a.name] = rng.random() < 0.5
        citizens.append(c)
        rows.append(fmap.vector(ens.feature_names, c))
    t = time.perf_counter()
    classes = predict(np.array(rows))
    mismatches = near = 0
    for c, cls in zip(citizens, classes, strict=True):
        score, tier, _ = compiled.outputs(c)
        if (
            score is None or abs(float(score)) < 1e-5
        ):  # within any float band: the library may round either way
            near += 1
        elif (tier == "positive") != bool(cls):
            mismatches += 1
    return inputs, mismatches, near, time.perf_counter() - t


def _fit(library: str, x: Any, y: Any) -> tuple[Any, Callable[[Any], Any]]:
    import json as _json

    import numpy as np

    if library == "xgboost":
        import xgboost as xgb

        from ruleproof.importers.xgboost_json import read_xgboost

        b = xgb.train(
            {"objective": "binary:logistic", "max_depth": 4, "nthread": 2, "seed": 0},
            xgb.DMatrix(x, label=y, feature_names=NAMES),
            num_boost_round=100,
        )
        ens = read_xgboost(b.save_raw("json").decode(), "model.json")
        return ens, lambda rows: b.predict(xgb.DMatrix(rows, feature_names=NAMES)) > 0.5
    if library == "lightgbm":
        import lightgbm as lgb

        from ruleproof.importers.lightgbm_json import read_lightgbm

        m = lgb.train(
            {"objective": "binary", "num_leaves": 15, "verbose": -1, "seed": 0, "num_threads": 2},
            lgb.Dataset(x, label=y, feature_name=NAMES),
            100,
        )
        ens = read_lightgbm(_json.dumps(m.dump_model()), "model.json")
        return ens, lambda rows: np.asarray(m.predict(rows)) > 0.5
    from sklearn.ensemble import GradientBoostingClassifier

    from ruleproof.importers.sklearn_trees import read_sklearn

    g = GradientBoostingClassifier(n_estimators=100, max_depth=4, random_state=0).fit(x, y)
    return read_sklearn(g, "model", NAMES), lambda rows: g.predict(rows) == 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="one seed, 10,000 inputs")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--inputs", type=int, help="agreement inputs per library (100,000)")
    args = parser.parse_args(argv)
    seeds = [0] if args.quick else list(range(args.seeds))
    inputs = args.inputs or (10_000 if args.quick else 100_000)
    rows: dict[str, list[float]] = {}
    verdicts: dict[str, set[str]] = {}

    def record(name: str, seconds: float, verdict: str = "") -> None:
        rows.setdefault(name, []).append(seconds)
        verdicts.setdefault(name, set()).add(verdict)
        print(f"{name:<44} {seconds:8.2f} s  {verdict}", flush=True)

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for seed in seeds:
            for trees, depth, timeout in ((100, 4, 20.0), (500, 6, 60.0)):
                model = train_xgboost(trees, depth, seed)
                secs, text = time_import(model, tmp)
                record(
                    f"import {trees} trees depth {depth}", secs, f"{text.count('-leaf-')} leaves"
                )
                for pid, (s, status) in time_properties(text, timeout).items():
                    record(f"{pid} {trees} trees depth {depth}", s, status)
    agree: dict[str, tuple[int, int, int, float]] = {}
    for library in ("xgboost", "lightgbm", "sklearn"):
        agree[library] = agreement(library, inputs, 0)
        n, bad, near, secs = agree[library]
        print(f"agreement {library:<10} {n} inputs, {bad} mismatches, {near} near, {secs:.1f} s")
    write(rows, verdicts, agree, len(seeds))
    return 0


TARGETS = {
    "independent 100 trees depth 4": 2.0,
    "monotone-constrained 100 trees depth 4": 2.0,
    "monotone-free 100 trees depth 4": 2.0,
    "independent 500 trees depth 6": 30.0,
    "monotone-constrained 500 trees depth 6": 30.0,
    "monotone-free 500 trees depth 6": 30.0,
    "import 500 trees depth 6": 5.0,
}


def write(
    rows: dict[str, list[float]],
    verdicts: dict[str, set[str]],
    agree: dict[str, tuple[int, int, int, float]],
    seeds: int,
) -> None:
    lines = [
        "# Imported tree ensembles: benchmark",
        "",
        f"`python benchmarks/models.py` on {platform.machine()}, Python "
        f"{platform.python_version()}, {seeds} seed(s): XGBoost models trained on synthetic "
        "credit data (12 features), imported and checked. Seconds: median and worst over the "
        f"seeds. Load average at the end: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores).",
        "",
        "| measurement | median s | worst s | target | met | verdicts |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name, secs in rows.items():
        target = TARGETS.get(name)
        worst = max(secs)
        met = "" if target is None else ("yes" if worst <= target else "**no**")
        lines.append(
            f"| {name} | {statistics.median(secs):.2f} | {worst:.2f} | "
            f"{'' if target is None else f'≤ {target:g}'} | {met} | "
            f"{', '.join(sorted(verdicts[name]))} |"
        )
    lines += [
        "",
        "| evaluator agreement | inputs | mismatches | near the threshold | seconds |",
        "|---|---:|---:|---:|---:|",
    ]
    for lib, (n, bad, near, took) in agree.items():
        lines.append(f"| {lib} | {n:,} | {bad} | {near} | {took:.1f} |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
