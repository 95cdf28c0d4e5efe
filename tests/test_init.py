"""`ruleproof init`: the scaffold, its refusal to overwrite, and that its starter suite passes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ruleproof.commands import cli
from ruleproof.commands.scaffold import FILES, files
from ruleproof.language.load_ruleset import load
from ruleproof.language.load_suite import load_properties
from ruleproof.proving.checker import check_all

WORKFLOW = dict(FILES)[".github/workflows/ruleproof.yml"]

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
    assert 'ruleproof check "$spec" "properties/$name.yaml" --sarif "sarif/$name.sarif"' in WORKFLOW
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
        steps = doc["jobs"]["rules"]["steps"]
        assert [s.get("name") for s in steps][-5:] == [
            "Install ruleproof (not on PyPI; pinned to a commit of its repository)",
            "Check every ruleset against its properties",
            "Show the findings in code scanning",
            "Replay the saved counterexamples (a fix shows as a passing test)",
            "Who is treated differently than on the base branch?",
        ]
        assert steps[-3]["uses"].startswith("github/codeql-action/upload-sarif@")
        assert steps[-3]["with"]["sarif_file"] == "sarif"
        assert "python -m pytest -q counterexamples" in steps[-2]["run"]
        assert doc["permissions"]["security-events"] == "write"


PINNED = "ruleproof @ git+https://example.org/acme/ruleproof@" + "a" * 40


def test_no_recipe_installs_ruleproof_by_its_bare_name() -> None:
    for install in (None, PINNED):
        for rel, text in files(install):
            assert not _bad_pip(text), (install, rel)
    assert _bad_pip("      - run: pip install ruleproof\n")
    assert _bad_pip("pip install pre-commit ruleproof && pre-commit install")


def _bad_pip(text: str) -> bool:
    import shlex

    for line in text.splitlines():
        line = line.strip().lstrip("#-").strip().removeprefix("run:").strip()
        if "pip install" not in line:
            continue
        words = shlex.split(line.split("pip install", 1)[1].split("&&")[0])
        if any(w == "ruleproof" or w.startswith(("ruleproof==", "ruleproof>")) for w in words):
            return True
    return False


def test_workflow_pins_the_given_requirement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    code, out, _ = run(["init", "--install", PINNED], tmp_path, monkeypatch)
    assert code == 0 and "note:" not in out
    text = (tmp_path / ".github" / "workflows" / "ruleproof.yml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    install = next(s for s in doc["jobs"]["rules"]["steps"] if "RULEPROOF_PIP" in s.get("env", {}))
    assert install["env"]["RULEPROOF_PIP"] == PINNED
    assert 'pip install "$RULEPROOF_PIP" pytest' in install["run"]
    hook = (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert PINNED in hook


def test_unknown_source_asks_for_a_repository_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    from ruleproof.commands import scaffold

    monkeypatch.setattr(scaffold, "install_requirement", lambda: None)
    code, out, _ = run(["init"], tmp_path, monkeypatch)
    assert code == 0 and "RULEPROOF_PIP" in out
    doc = yaml.safe_load(
        (tmp_path / ".github" / "workflows" / "ruleproof.yml").read_text(encoding="utf-8")
    )
    install = next(s for s in doc["jobs"]["rules"]["steps"] if "RULEPROOF_PIP" in s.get("env", {}))
    assert install["env"]["RULEPROOF_PIP"] == "${{ vars.RULEPROOF_PIP }}"
    assert "exit 1" in install["run"] and "::error::" in install["run"]


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (
            {
                "url": "https://github.com/acme/ruleproof",
                "vcs_info": {"vcs": "git", "commit_id": "b" * 40},
            },
            "ruleproof @ git+https://github.com/acme/ruleproof@" + "b" * 40,
        ),
        ({"url": "https://files.example.org/ruleproof-0.1.0.tar.gz", "archive_info": {}}, None),
        (None, None),
    ],
)
def test_install_requirement_from_pep_610(
    monkeypatch: pytest.MonkeyPatch, direct_url: object, expected: str | None
) -> None:
    import json
    from importlib import metadata

    from ruleproof.commands.scaffold import install_requirement

    class Dist:
        def read_text(self, name: str) -> str | None:
            assert name == "direct_url.json"
            return None if direct_url is None else json.dumps(direct_url)

    monkeypatch.setattr(metadata, "distribution", lambda name: Dist())
    assert install_requirement() == expected


def test_install_requirement_from_a_git_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import subprocess
    from importlib import metadata

    from ruleproof.commands.scaffold import install_requirement

    repo = tmp_path / "ruleproof"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()

    class Dist:
        def read_text(self, name: str) -> str:
            return json.dumps({"url": repo.as_uri(), "dir_info": {"editable": True}})

    monkeypatch.setattr(metadata, "distribution", lambda name: Dist())
    assert install_requirement() is None  # no remote: nothing CI could fetch
    subprocess.run([*git, "remote", "add", "origin", "https://example.org/r.git"], check=True)
    assert install_requirement() == f"ruleproof @ git+https://example.org/r.git@{head}"


def test_docs_ci_shows_the_recipes_init_writes() -> None:
    from ruleproof.commands.scaffold import PLACEHOLDER

    text = (Path(__file__).resolve().parents[1] / "docs" / "ci.md").read_text(encoding="utf-8")
    for _, recipe in files(PLACEHOLDER)[3:]:
        assert recipe in text
    assert not _bad_pip(text)
