"""`ruleproof init`: a new rules project that `ruleproof check` passes from the first minute.

`scaffold(root, force)` writes `spec/example.yaml` (a small scoring and sanctioning ruleset),
`properties/example.yaml` (its property suite, with one documented, expected finding),
`counterexamples/README.md`, `.pre-commit-config.yaml` (a local hook running `ruleproof check`
on every ruleset) and `.github/workflows/ruleproof.yml` (CI: `check` every ruleset with its
findings uploaded to code scanning as SARIF, replay the saved counterexamples with pytest, and
`diff` every ruleset against the pull request's base branch). ruleproof is not published on
PyPI, so the recipes install it from its repository pinned to a commit (`install_requirement`),
never by a bare name that anyone could register. It never overwrites a file unless `force` is
true: if any target exists, nothing is written and `RulesetError` RP008 lists every one. Files
are written atomically below `root` and never through a symbolic link (a link where a folder
goes is RP607; `ruleproof.safefiles`). Returns the paths written, in a fixed order.
"""

from __future__ import annotations

from pathlib import Path

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.safefiles import write_text

RULESET = """\
# A starter ruleset written by `ruleproof init`: replace it with your own rules.
# Every rule, tier and sanction should cite where it comes from (a law, a regulation, a paper).
ruleset: example-points
title: Example points scheme (starter ruleset)
source: "made up by `ruleproof init`; cite the text your rules come from, with a URL"

attributes:
  unpaid_fines: {type: int, range: [0, 20], domain: finance, doc: "unpaid administrative fines"}
  volunteer_hours: {type: int, range: [0, 500], domain: social, doc: "hours volunteered this year"}
  court_order: {type: bool, domain: judicial, doc: "an effective court order is not performed"}
  months_listed: {type: int, range: [0, 120], changes: time, domain: judicial}
  religion:
    type: enum
    values: ["none", buddhist, christian, muslim, other]
    protected: true
    doc: "recorded, and never to make a difference (see properties/example.yaml)"

assume:
  - "months_listed == 0 or court_order"

define:
  defaulter: "court_order and unpaid_fines >= 3"

score:
  base: 1000
  range: [0, 1200]
  rules:
    - {id: fines, when: "unpaid_fines > 0", add: "-20 * unpaid_fines", cites: "rule 1"}
    - id: volunteering
      when: "volunteer_hours >= 10"
      add: "10 * min(volunteer_hours // 10, 10)"
      cites: "rule 2: 10 points per 10 hours, at most 100"
    - {id: defaulter, when: "defaulter", add: -200, cites: "rule 3"}

tiers:                     # first match wins
  - {id: A, when: "score >= 1050"}
  - {id: B, when: "score >= 900"}
  - {id: C, when: "True"}

sanctions:
  no_fast_track:
    when: "tier == 'C'"
    domain: finance
    appeal: [pay_fines]
    cites: "rule 4"
  listed:
    when: "defaulter and months_listed < 24"
    domain: judicial
    appeal: [contest_order]
    cites: "rule 5: a listing lasts two years"

actions:
  pay_fines:
    by: citizen
    when: "unpaid_fines > 0"
    set: {unpaid_fines: 0}
  contest_order:
    by: citizen
    when: "court_order"
    set: {court_order: "False", months_listed: 0}
    doc: "the court sets the order aside"
  wait:
    by: time
    params: {months: {type: int, range: [1, 120]}}
    set: {months_listed: "min(months_listed + months, 120) if court_order else 0"}
"""

PROPERTIES = """\
# Properties of spec/example.yaml: what a reviewer, an auditor or a regulator would ask.
# `ruleproof check spec/example.yaml properties/example.yaml` proves or refutes each one.
properties:
  - id: score-in-range
    doc: "The published range: 1000 minus at most 400 for fines and 200 for defaulting."
    always: "400 <= score <= 1100"
  - id: tiers-cover-everyone
    tiers_total: {}
  - id: no-protected-influence
    doc: "Religion never changes the score, the tier or a sanction."
    independent: {of: protected}
  - id: more-fines-never-help
    monotone: {in: unpaid_fines, output: score, direction: nonincreasing}
  - id: every-rule-can-fire
    reachable: rules
  - id: every-sanction-appealable
    appeal_path: {within: 2}
  - id: punishment-fits-the-crime
    doc: >-
      A known finding, kept on purpose: a judicial matter (the court order) lowers the score
      and so can cost the finance sanction `no_fast_track`; unpaid fines (finance) decide the
      judicial listing. `expect: violated` documents it, so CI passes while it stays so.
    same_context: {}
    expect: violated
"""

COUNTEREXAMPLES = """\
# Counterexamples

`ruleproof check` writes one JSON file per violated property here
(`counterexamples/<ruleset>/<property>.json`): minimal citizens that show the violation, with
their outcomes and traces. Commit them: the pytest plugin replays them, so a rule fix that
removes a violation shows up as a passing test, and a regression as a failing one.
"""

PRE_COMMIT = """\
# pre-commit (https://pre-commit.com): check every ruleset before each commit.
#   pip install pre-commit "{install}" && pre-commit install
repos:
  - repo: local
    hooks:
      - id: ruleproof-check
        name: ruleproof check
        language: system
        files: ^(spec|properties)/.*\\.ya?ml$
        pass_filenames: false
        entry: >-
          sh -c 'status=0; for spec in spec/*.yaml; do
          ruleproof check "$spec" "properties/$(basename "$spec")" --no-write || status=1;
          done; exit $status'
"""

# `{install}` is a pip requirement for ruleproof pinned to a commit of its repository (it is not
# published on PyPI), or, when `init` cannot tell where ruleproof came from, a repository
# variable that the first step asks the user to set.
WORKFLOW = """\
# CI for rules: prove every property, show the findings in code scanning, replay the saved
# counterexamples, and show reviewers who is treated differently. Per ruleset:
#   ruleproof check spec/x.yaml properties/x.yaml
#   ruleproof diff origin/${{{{ github.base_ref }}}}:spec/x.yaml spec/x.yaml
name: ruleproof
on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read
  security-events: write  # upload the SARIF findings to code scanning

jobs:
  rules:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # `diff` reads the base branch's version of each ruleset
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install ruleproof (not on PyPI; pinned to a commit of its repository)
        env:
          RULEPROOF_PIP: {install_env}
        run: |
          if [ -z "$RULEPROOF_PIP" ]; then
            echo "::error::set the repository variable RULEPROOF_PIP to a pinned requirement," \\
              "e.g. ruleproof @ git+https://github.com/OWNER/ruleproof@COMMIT"
            exit 1
          fi
          pip install "$RULEPROOF_PIP" pytest
      - name: Check every ruleset against its properties
        run: |
          mkdir -p sarif
          status=0
          for spec in spec/*.yaml; do
            name=$(basename "$spec" .yaml)
            ruleproof check "$spec" "properties/$name.yaml" --sarif "sarif/$name.sarif" || status=1
          done
          exit $status
      - name: Show the findings in code scanning
        if: always() && hashFiles('sarif/*.sarif') != ''
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: sarif
          category: ruleproof
      - name: Replay the saved counterexamples (a fix shows as a passing test)
        if: always()
        run: |
          code=0
          python -m pytest -q counterexamples || code=$?
          [ "$code" -eq 0 ] || [ "$code" -eq 5 ]  # 5: no counterexample saved yet
      - name: Who is treated differently than on the base branch?
        if: github.event_name == 'pull_request'
        env:
          BASE_REF: ${{{{ github.base_ref }}}}
        run: |
          status=0
          for spec in spec/*.yaml; do
            if ! git cat-file -e "origin/$BASE_REF:$spec" 2>/dev/null; then
              echo "$spec is new in this pull request"
              continue
            fi
            code=0
            ruleproof diff "origin/$BASE_REF:$spec" "$spec" > diff.txt || code=$?
            cat diff.txt
            {{ echo "### $spec"; echo '```'; cat diff.txt; echo '```'; }} >> "$GITHUB_STEP_SUMMARY"
            case $code in
              0|1) ;;  # 1: some citizens are treated differently; for the reviewer to judge
              3) echo "::warning file=$spec::ruleproof diff could not decide (timeout)" ;;
              *) status=$code ;;
            esac
          done
          exit $status
"""

VARIABLE = "${{ vars.RULEPROOF_PIP }}"
PLACEHOLDER = "ruleproof @ git+https://github.com/OWNER/ruleproof@COMMIT"


def install_requirement() -> str | None:
    """A pip requirement for the running ruleproof, pinned to a commit, or None.

    From the installation's PEP 610 record (`direct_url.json`): a VCS install gives its URL and
    commit; an install from a local git checkout gives the checkout's `origin` remote and its
    HEAD commit. Anything else (an unknown source) gives None.
    """
    import json
    import subprocess
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        raw = distribution("ruleproof").read_text("direct_url.json")
    except PackageNotFoundError:
        return None
    try:
        info = json.loads(raw or "null")
    except ValueError:
        return None
    if not isinstance(info, dict) or not isinstance(info.get("url"), str):
        return None
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"ruleproof @ git+{info['url']}@{vcs['commit_id']}"
    if not info["url"].startswith("file://"):
        return None
    from urllib.parse import unquote, urlparse

    folder = unquote(urlparse(info["url"]).path)

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(
                ["git", "-C", folder, *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None

    remote, commit = git("remote", "get-url", "origin"), git("rev-parse", "HEAD")
    if remote is None or commit is None or remote.startswith(("/", "file:", ".")):
        return None
    return f"ruleproof @ git+{remote}@{commit}"


def files(install: str | None) -> tuple[tuple[str, str], ...]:
    """The starter project's files; `install` pins ruleproof in the CI recipes (see above)."""
    env = json_string(install) if install else VARIABLE
    return (
        ("spec/example.yaml", RULESET),
        ("properties/example.yaml", PROPERTIES),
        ("counterexamples/README.md", COUNTEREXAMPLES),
        (
            ".pre-commit-config.yaml",
            PRE_COMMIT.format(install=install or "ruleproof @ git+…@COMMIT"),
        ),
        (".github/workflows/ruleproof.yml", WORKFLOW.format(install_env=env)),
    )


def json_string(text: str) -> str:
    """`text` as a double-quoted YAML scalar (JSON string syntax is valid YAML)."""
    import json

    return json.dumps(text)


FILES = files(None)


def scaffold(root: Path, force: bool = False, install: str | None = None) -> list[Path]:
    """Write the starter project under `root` (created if missing); see the module docstring.

    `install` is the pip requirement the CI recipes install ruleproof with (default: where
    the running ruleproof was installed from, pinned to its commit, when that can be told).
    """
    targets = [(root / rel, text) for rel, text in files(install or install_requirement())]
    if not force:
        existing = [p for p, _ in targets if p.exists()]
        if existing:
            raise RulesetError(
                [
                    Diagnostic(
                        "RP008",
                        "refusing to overwrite an existing file",
                        Span.point(str(p), 1, 1),
                        fix="move it away, choose another directory, or pass --force",
                    )
                    for p in existing
                ]
            )
    written = []
    for path, text in targets:
        if path.is_dir() and not path.is_symlink():
            raise RulesetError(
                [
                    Diagnostic(
                        "RP008",
                        "a directory stands where a file goes",
                        Span.point(str(path), 1, 1),
                        fix="move the directory away",
                    )
                ]
            )
        write_text(root, path, text)  # below `root` only, never through a link (RP607)
        written.append(path)
    return written
