"""Outputs under hostile conditions: nothing written outside the chosen folder, never through a
link; a failing output is exit 2 and loses no result; files are created like any other file.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from hostile_harness import make_project, run_cli, tree

VIOLATED = ("no-guilt-by-association", "debtors-get-a")  # the two violated properties


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (spec/ and properties/) in tmp_path/project, as the cwd, next to `outside/`."""
    root = make_project(tmp_path / "project")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "victim.txt").write_text("keep me\n")
    monkeypatch.chdir(root)
    return root


def _check(*extra: str) -> tuple[int, str, str]:
    return run_cli(["check", "spec/small.yaml", "--timeout", "20", *extra])


def _all_results_shown(out: str) -> bool:
    names = ["no-protected-influence", *VIOLATED, "score-in-range", "paying-lifts-the-ban"]
    return all(n in out for n in names)


# -- item 5: --out that cannot be a folder; folders that cannot be written -------------------


def test_out_naming_a_file_exits_2_before_any_work(project: Path) -> None:
    (project / "results").write_text("not a folder\n")
    code, _, err = _check("--out", "results")
    assert code == 2 and "error[RP607]" in err and "is a file" in err
    assert (project / "results").read_text() == "not a folder\n"


def test_out_naming_a_dangling_link_exits_2_and_creates_nothing(project: Path) -> None:
    target = project.parent / "outside" / "made-by-ruleproof"
    (project / "results").symlink_to(target)
    code, _, err = _check("--out", "results")
    assert code == 2 and "error[RP607]" in err and "symbolic link" in err
    assert not target.exists()


def test_a_symlinked_counterexamples_folder_is_not_followed(project: Path) -> None:
    outside = project.parent / "outside"
    before = tree(outside)
    (project / "counterexamples").symlink_to(outside)
    code, _, err = _check()
    assert code == 2 and "error[RP607]" in err
    assert tree(outside) == before


def test_a_symlinked_ruleset_folder_is_not_followed(project: Path) -> None:
    outside = project.parent / "outside"
    before = tree(outside)
    (project / "counterexamples").mkdir()
    (project / "counterexamples" / "small").symlink_to(outside)
    code, out, err = _check()
    assert code == 2 and "error[RP607]" in err and _all_results_shown(out)
    assert tree(outside) == before


def test_a_linked_counterexample_file_is_replaced_not_followed(project: Path) -> None:
    victim = project.parent / "outside" / "victim.txt"
    folder = project / "counterexamples" / "small"
    folder.mkdir(parents=True)
    (folder / f"{VIOLATED[0]}.json").symlink_to(victim)
    code, _, _ = _check()
    assert code == 1
    assert victim.read_text() == "keep me\n"
    assert not (folder / f"{VIOLATED[0]}.json").is_symlink()


def test_a_folder_that_cannot_be_written_exits_2_and_keeps_every_result(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def refusing_open(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        # As in a read-only folder: no new file can be created in counterexamples/small.
        if flags & os.O_CREAT and Path(path).parent.name == "small":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refusing_open)
    code, out, err = _check()
    assert code == 2 and err.count("error[RP607]") == 2 and "Permission denied" in err
    assert _all_results_shown(out)


def test_one_file_that_cannot_be_written_does_not_stop_the_others(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace

    def failing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).name == f"{VIOLATED[0]}.json":
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    code, out, err = _check()
    assert code == 2 and err.count("error[RP607]") == 1 and "No space left" in err
    assert _all_results_shown(out)
    folder = project / "counterexamples" / "small"
    assert sorted(p.name for p in folder.iterdir()) == [f"{VIOLATED[1]}.json"]


# -- item 15: counterexample files like any other file ---------------------------------------


def test_counterexample_files_respect_the_umask(project: Path) -> None:
    old = os.umask(0o022)
    try:
        code, _, _ = _check()
    finally:
        os.umask(old)
    assert code == 1
    for name in VIOLATED:
        mode = stat.S_IMODE((project / "counterexamples" / "small" / f"{name}.json").stat().st_mode)
        assert mode == 0o644


def test_a_read_only_counterexample_file_is_not_replaced(project: Path) -> None:
    folder = project / "counterexamples" / "small"
    folder.mkdir(parents=True)
    kept = folder / f"{VIOLATED[0]}.json"
    kept.write_text('{"kept": true}\n')
    kept.chmod(0o444)
    code, out, err = _check()
    assert code == 2 and "error[RP607]" in err and "read-only" in err
    assert kept.read_text() == '{"kept": true}\n' and _all_results_shown(out)


def test_temporary_files_of_killed_runs_are_cleaned(project: Path) -> None:
    folder = project / "counterexamples" / "small"
    folder.mkdir(parents=True)
    dead = 2**22 + 12345  # above any pid_max: no such process
    stale = folder / f".{VIOLATED[0]}.json.{dead}.0123456789abcdef.tmp"
    stale.write_text("{")
    alive = folder / f".{VIOLATED[0]}.json.{os.getppid()}.0123456789abcdef.tmp"
    alive.write_text("{")  # a concurrent run's file: left alone
    assert _check()[0] == 1
    assert not stale.exists() and alive.exists()


def test_abandoned_temporary_files_of_earlier_versions_are_cleaned(project: Path) -> None:
    folder = project / "counterexamples" / "small"
    folder.mkdir(parents=True)
    old = folder / f".{VIOLATED[0]}.json.ab_c1234.tmp"  # tempfile.mkstemp's name
    old.write_text("{")
    os.utime(old, (1, 1))
    fresh = folder / f".{VIOLATED[1]}.json.zz_y9876.tmp"
    fresh.write_text("{")
    assert _check()[0] == 1
    assert not old.exists() and fresh.exists()


def test_the_pytest_plugin_does_not_collect_temporary_files(project: Path) -> None:
    assert _check()[0] == 1
    names = os.listdir(project / "counterexamples" / "small")
    assert all(not n.endswith(".tmp") for n in names)


# -- item 6: init writes through no link -----------------------------------------------------


def test_init_does_not_follow_a_planted_tmp_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    root = tmp_path / "new"
    (root / "spec").mkdir(parents=True)
    (root / "spec" / "example.yaml.tmp").symlink_to(victim)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["init", "new"])
    assert code == 0, err
    assert victim.read_text() == "keep me\n"
    assert "ruleset: example-points" in (root / "spec" / "example.yaml").read_text()


def test_init_does_not_write_through_a_linked_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "new"
    root.mkdir()
    (root / "spec").symlink_to(outside)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["init", "new"])
    assert code == 2 and "error[RP607]" in err
    assert list(outside.iterdir()) == []


def test_an_impact_plot_that_cannot_be_written_exits_2(tmp_path: Path) -> None:
    import test_cli_impact as impact

    (tmp_path / "plot.svg").mkdir()  # a folder where the file goes
    code, _, err = impact._run(tmp_path, "--plot", str(tmp_path / "plot.svg"))
    assert code == 2 and "error[RP607]" in err
