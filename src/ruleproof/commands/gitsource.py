"""Reading an input file from the working tree or from a git revision (`REV:PATH`).

`read_input(spec)` returns `(name, text)`. A `spec` that exists on disk is read as a file. One
that does not, and contains `:` (`main:spec/x.yaml`, `origin/main:spec/x.yaml`, `HEAD~1:x.yaml`),
is read with `git show REV:PATH` run in the current directory, with an argument list (never a
shell): PATH is relative to the repository root, as in git (`REV:./x.yaml` is relative to the
current directory). The name is `spec` itself, so diagnostics read `main:spec/x.yaml:3:5`.
Every failure (no such file, git missing, not a repository, unknown revision, no such path in
the revision, a directory, not UTF-8) raises `RulesetError` RP006 with what went wrong and how to
fix it; a blob over the file size limit is refused (RP020) before it is read.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.language.load_ruleset import read_text
from ruleproof.limits import FILE_BYTES

GIT_TIMEOUT = 60.0


def _fail(name: str, message: str, fix: str, why: str = "") -> RulesetError:
    """The RP006 error for input `name` (at its first line)."""
    return RulesetError([Diagnostic("RP006", message, Span.point(name, 1, 1), why=why, fix=fix)])


def split_revision(spec: str) -> tuple[str, str] | None:
    """`(rev, path)` for a `REV:PATH` argument that is not an existing file, else None."""
    if os.path.exists(spec) or ":" not in spec:
        return None
    rev, _, path = spec.partition(":")
    if not rev or not path:
        return None
    return rev, path


def _git(args: list[str], name: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args],
            capture_output=True,
            check=False,
            timeout=GIT_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise _fail(
            name,
            "cannot read a git revision: `git` is not installed or not on PATH",
            "install git, or give a file path instead of REV:PATH",
        ) from None
    except subprocess.TimeoutExpired:
        raise _fail(
            name,
            f"`git {' '.join(args)}` did not finish in {GIT_TIMEOUT:.0f} s",
            "check the repository, or give a file path",
        ) from None
    except OSError as exc:
        raise _fail(
            name, f"cannot run git: {exc.strerror or exc}", "give a file path instead of REV:PATH"
        ) from None


def _stderr(proc: subprocess.CompletedProcess[bytes]) -> str:
    text = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return text[0] if text else f"exit status {proc.returncode}"


def read_revision(rev: str, path: str, name: str) -> str:
    """The text of `path` at git revision `rev` (see the module docstring for errors)."""
    _check_revision(rev, name)
    _check_blob(rev, path, name)
    shown = _git_show(rev, path, name)
    if shown.returncode != 0:
        raise _fail(
            name,
            f"`git show {rev}:{path}` failed: {_stderr(shown)}",
            "check the revision and the path",
        )
    data = shown.stdout
    if len(data) > FILE_BYTES.value:  # it grew since its size was asked
        raise RulesetError(
            [FILE_BYTES.exceeded(Span.point(name, 1, 1), f"the file is {len(data):,} bytes")]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(
            name, f"`{name}` is not UTF-8 (byte {exc.start})", "save the file as UTF-8"
        ) from None


def _check_revision(rev: str, name: str) -> None:
    """RP006 unless `rev` can be a revision and names a commit of the git repository the current
    directory is in."""
    if rev.startswith("-"):
        raise _fail(
            name,
            f"`{rev}` is not a git revision (it starts with `-`)",
            "write the revision first, e.g. `main:spec/x.yaml`",
        )
    inside = _git(["rev-parse", "--is-inside-work-tree"], name)
    if inside.returncode != 0:
        raise _fail(
            name,
            f"`{name}` is not a file, and the current directory is not inside a "
            "git repository, so it cannot be read as REV:PATH",
            "run ruleproof inside the repository, or give a file path",
        )
    commit = _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], name
    )
    if commit.returncode != 0:
        raise _fail(
            name,
            f"`{name}` is not a file, and `{rev}` is not a git revision here",
            f"check the spelling; in CI fetch the base branch first (e.g. "
            f"`git fetch origin {rev.split('/')[-1]}`, or checkout with fetch-depth: 0)",
        )


def _check_blob(rev: str, path: str, name: str) -> None:
    """RP006 unless `path` at `rev` is a file, RP020 if it is over the file size limit."""
    kind = _git(["cat-file", "-t", f"{rev}:{path}"], name)
    if kind.returncode != 0:
        raise _fail(
            name,
            f"`{path}` does not exist in revision `{rev}`",
            "paths after `:` are relative to the repository root (write `REV:./x` for "
            "the current directory); the file may be new in this change",
            why=_stderr(kind),
        )
    if kind.stdout.decode().strip() != "blob":
        raise _fail(
            name,
            f"`{path}` in revision `{rev}` is a {kind.stdout.decode().strip()}, not a file",
            "name a YAML file",
        )
    size = _git(["cat-file", "-s", f"{rev}:{path}"], name)
    if size.returncode == 0 and int(size.stdout.decode().strip() or 0) > FILE_BYTES.value:
        found = f"the file is {int(size.stdout.decode()):,} bytes"
        raise RulesetError([FILE_BYTES.exceeded(Span.point(name, 1, 1), found)])


def _git_show(rev: str, path: str, name: str) -> subprocess.CompletedProcess[bytes]:
    """`git show REV:PATH`, its output as bytes."""
    return _git(["show", f"{rev}:{path}"], name)


def read_input(spec: str) -> tuple[str, str]:
    """`(name, text)` of a file path or a `REV:PATH` git revision (see the module docstring)."""
    split = split_revision(spec)
    if split is None:
        return spec, read_text(Path(spec))
    return spec, read_revision(*split, name=spec)
