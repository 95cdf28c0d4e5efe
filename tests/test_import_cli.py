"""`ruleproof import` on the command line: it writes a ruleset that loads, and every bad input
(malformed JSON, a model JSON with parts missing or of the wrong kind, unknown features, type
mismatches, untrusted pickles, bad thresholds) exits 2 with a positioned diagnostic, never a
traceback or an internal error."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from ruleproof.commands.cli import main
from ruleproof.language.load_ruleset import load

DATA = Path(__file__).parent / "data" / "models"
FEATURES = str(DATA / "features.yaml")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("fmt", ["xgboost", "lightgbm"])
def test_import_writes_a_ruleset_that_loads(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "imported.yaml"
    code, stdout, stderr = run(
        "import",
        fmt,
        str(DATA / f"tiny-{fmt}.json"),
        "--features",
        FEATURES,
        "--threshold",
        "0.3",
        "-o",
        str(out),
    )
    assert (code, stderr) == (0, "")
    assert stdout.startswith(f"wrote {out}: 3 groups")
    ruleset = load(out)
    assert ruleset.id == "imported"
    assert [a.name for a in ruleset.attributes] == ["income", "income_unknown", "grade", "years"]
    assert [a.name for a in ruleset.actions] == ["change_years"]
    assert [t.id for t in ruleset.tiers] == ["positive", "negative"]
    code, again, _ = run(
        "import",
        fmt,
        str(DATA / f"tiny-{fmt}.json"),
        "--features",
        FEATURES,
        "--threshold",
        "0.3",
        "--id",
        "imported",
    )
    assert code == 0 and again == out.read_text()  # stdout without -o, byte-identical


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _error(code: int, stderr: str, want: str) -> None:
    assert code == 2, stderr
    assert f"error[{want}]" in stderr, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr


def test_malformed_json_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    model = _write(tmp_path, "m.json", '{"learner": {\n  "objective": [1, 2,,]\n}}\n')
    code, _, err = run("import", "xgboost", model, "--features", FEATURES)
    _error(code, err, "RP801")
    assert f"{model}:2:" in err


def test_an_unknown_feature_points_at_the_features_file(tmp_path: Path) -> None:
    features = _write(
        tmp_path, "f.yaml", (DATA / "features.yaml").read_text().replace("years:", "yeras:")
    )
    code, _, err = run("import", "xgboost", str(DATA / "tiny-xgboost.json"), "--features", features)
    _error(code, err, "RP802")
    assert f"{features}:5:3" in err and "did you mean `years`" in err


def test_a_categorical_split_on_a_real_attribute_is_a_type_mismatch(tmp_path: Path) -> None:
    features = _write(
        tmp_path,
        "f.yaml",
        (DATA / "features.yaml")
        .read_text()
        .replace(
            "grade: {type: enum, values: [a, b, c, d], protected: true}",
            "grade: {type: real, range: [0, 3]}",
        ),
    )
    code, _, err = run(
        "import", "lightgbm", str(DATA / "tiny-lightgbm.json"), "--features", features
    )
    _error(code, err, "RP803")
    assert f"{features}:4:3" in err


@pytest.mark.parametrize(
    ("replace", "code"),
    [
        (("a, b, c, d]", "a, b, c, d], codes: {a: 0, b: 1, e: 2}"), "RP803"),
        (("years: {type: int", "years: {type: text"), "RP212"),
        (("range: [0, 40]", "range: [40, 0]"), "RP204"),
        (("income:", "income: 3\n  extra:"), "RP212"),
        (("features:", "feature:"), "RP211"),
    ],
)
def test_malformed_features_files(tmp_path: Path, replace: tuple[str, str], code: str) -> None:
    features = _write(tmp_path, "f.yaml", (DATA / "features.yaml").read_text().replace(*replace))
    status, _, err = run(
        "import", "xgboost", str(DATA / "tiny-xgboost.json"), "--features", features
    )
    _error(status, err, code)
    assert f"{features}:" in err


def test_one_hot_value_not_in_the_enum(tmp_path: Path) -> None:
    features = _write(
        tmp_path,
        "f.yaml",
        "attributes:\n  g: {type: enum, values: [a, b]}\n"
        "features:\n  income: {attribute: g, equals: c}\n",
    )
    code, _, err = run("import", "xgboost", str(DATA / "tiny-xgboost.json"), "--features", features)
    _error(code, err, "RP803")
    assert f"{features}:4:" in err


def test_pickles_need_trust(tmp_path: Path) -> None:
    model = tmp_path / "m.pkl"
    model.write_bytes(b"\x80\x04not really a pickle")
    code, _, err = run("import", "sklearn", str(model), "--features", FEATURES)
    _error(code, err, "RP806")
    code, _, err = run("import", "sklearn", str(model), "--features", FEATURES, "--trust-pickle")
    _error(code, err, "RP801")


@pytest.mark.parametrize("threshold", ["1.5", "0", "-2"])
def test_a_probability_threshold_outside_0_1_is_refused(threshold: str) -> None:
    code, _, err = run(
        "import",
        "xgboost",
        str(DATA / "tiny-xgboost.json"),
        "--features",
        FEATURES,
        "--threshold",
        threshold,
    )
    _error(code, err, "RP807")


def test_a_threshold_that_is_not_a_number_is_a_usage_error() -> None:
    code, _, _ = run(
        "import",
        "xgboost",
        str(DATA / "tiny-xgboost.json"),
        "--features",
        FEATURES,
        "--threshold",
        "half",
    )
    assert code == 2


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list) and doc:
        out += _paths(doc[0], (*prefix, 0))
    return out


def _mutants(doc: Any) -> list[Any]:
    out = []
    for path in _paths(doc):
        news: tuple[Any, ...] = (None, "x", -1, {})
        for new in news:
            m = copy.deepcopy(doc)
            node = m
            for k in path[:-1]:
                node = node[k]
            if new is None:
                if isinstance(node, dict):
                    del node[path[-1]]
                else:
                    continue
            else:
                node[path[-1]] = new
            out.append(m)
    return out


@pytest.mark.parametrize("fmt", ["xgboost", "lightgbm"])
def test_damaged_models_never_give_a_traceback(tmp_path: Path, fmt: str) -> None:
    doc = json.loads((DATA / f"tiny-{fmt}.json").read_text())
    mutants = _mutants(doc)
    assert len(mutants) > 100
    for k, m in enumerate(mutants):
        path = _write(tmp_path, f"m{k}.json", json.dumps(m))
        code, _, err = run("import", fmt, path, "--features", FEATURES)
        assert code in (0, 2), (k, err)
        assert "Traceback" not in err and "internal error" not in err, (k, err)
