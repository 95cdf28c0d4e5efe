"""`ruleproof init`: the scaffold, its refusal to overwrite, and that its starter suite passes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ruleproof.commands import cli
from ruleproof.commands.scaffold import FILES, WORKFLOW
from ruleproof.language.load_ruleset import load
from ruleproof.language.load_suite import load_properties
from ruleproof.proving.checker import check_all

EXPECTED = [
    "spec/example.yaml",
    "properties/example.yaml",
    "counterexamples/README.md",
    ".pre-commit-config.yaml",
    ".github/workflows/ruleproof.yml",
]


def run(argv: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def test_init_writes_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(["init", "proj"], tmp_path, monkeypatch)
    assert (code, err) == (0, "")
    assert [rel for rel, _ in FILES] == EXPECTED
    for rel in EXPECTED:
        assert (tmp_path / "proj" / rel).is_file()
        assert f"wrote {Path('proj') / rel}\n" in out


def test_init_refuses_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "example.yaml").write_text("mine\n", encoding="utf-8")
    code, out, err = run(["init"], tmp_path, monkeypatch)
    assert (code, out) == (2, "")
    assert err.startswith("spec/example.yaml:1:1: error[RP008]: refusing to overwrite")
    assert "--force" in err
    assert (tmp_path / "spec" / "example.yaml").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "properties").exists()  # nothing written at all
    code, _, _ = run(["init", "--force"], tmp_path, monkeypatch)
    assert code == 0
    text = (tmp_path / "spec" / "example.yaml").read_text(encoding="utf-8")
    assert text.startswith("# A starter")


def test_starter_suite_matches_its_expectations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(["init"], tmp_path, monkeypatch)
    ruleset = load(tmp_path / "spec" / "example.yaml")
    props = load_properties(tmp_path / "properties" / "example.yaml", ruleset)
    results = check_all(ruleset, props)
    assert [(r.property.id, r.status) for r in results] == [
        ("score-in-range", "proved"),
        ("tiers-cover-everyone", "proved"),
        ("no-protected-influence", "proved"),
        ("more-fines-never-help", "proved"),
        ("every-rule-can-fire", "proved"),
        ("every-sanction-appealable", "proved"),
        ("punishment-fits-the-crime", "violated"),
    ]
    assert all(r.matches_expectation for r in results)


def test_check_on_the_scaffold_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "check" not in cli.COMMANDS:
        pytest.skip("`ruleproof check` is not part of this build yet")
    run(["init"], tmp_path, monkeypatch)
    code, out, err = run(
        ["check", "spec/example.yaml", "properties/example.yaml"], tmp_path, monkeypatch
    )
    assert (code, err) == (0, ""), out


def test_lint_is_clean_on_the_scaffold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(["init"], tmp_path, monkeypatch)
    code, out, _ = run(["lint", "spec/example.yaml"], tmp_path, monkeypatch)
    assert (code, out) == (0, "spec/example.yaml: 0 errors, 0 warnings\n")


def test_workflow_runs_check_and_diff_against_the_base_branch() -> None:
    assert 'ruleproof check "$spec" "properties/$(basename "$spec")"' in WORKFLOW
    assert 'ruleproof diff "origin/$BASE_REF:$spec" "$spec"' in WORKFLOW
    assert "BASE_REF: ${{ github.base_ref }}" in WORKFLOW
    assert "fetch-depth: 0" in WORKFLOW


@pytest.mark.parametrize("rel", [".pre-commit-config.yaml", ".github/workflows/ruleproof.yml"])
def test_hook_and_workflow_are_yaml(rel: str) -> None:
    import yaml

    doc = yaml.safe_load(dict(FILES)[rel])
    assert isinstance(doc, dict)
    if rel == ".pre-commit-config.yaml":
        hook = doc["repos"][0]["hooks"][0]
        assert (hook["id"], hook["pass_filenames"]) == ("ruleproof-check", False)
        assert "ruleproof check" in hook["entry"]
    else:
        assert [s.get("name") for s in doc["jobs"]["rules"]["steps"]][-2:] == [
            "Check every ruleset against its properties",
            "Who is treated differently than on the base branch?",
        ]
