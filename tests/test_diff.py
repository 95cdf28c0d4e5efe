"""`ruleproof diff`: equivalence proofs, boundary changes, version changes, summaries, git inputs.

The Z3 side is checked against the evaluator three ways: equivalent rewrites must be proved
equivalent, every reported citizen is re-evaluated (the engine raises `InternalError`
otherwise), and extra queries pin down the exact region where two versions differ. A
Hypothesis test compares the sliced encoding with the plain one and with random citizens.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOLDEN, assert_golden
from ruleproof.commands import cli
from ruleproof.errors import RulesetError
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load, load_text
from ruleproof.proving.diff import diff_rulesets
from ruleproof.proving.diffencode import Comparison, Found, NotFound
from ruleproof.proving.diffplan import Output
from ruleproof.proving.diffslice import match_versions
from ruleproof.proving.solving import Limits
from ruleproof.semantics.evaluate import evaluate
from ruleproof.testing import citizens, rulesets

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec"
DIFF = GOLDEN / "diff"
FAST = Limits(timeout=20.0)


def run_fresh(argv: list[str], cwd: Path = ROOT) -> tuple[int, str, str]:
    """The command line in a new process: which of several equally minimal citizens Z3 returns
    can depend on the terms earlier tests created in this process's Z3 context."""
    proc = subprocess.run(
        [sys.executable, "-m", "ruleproof", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, cwd: Path = ROOT) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# -- equivalent rewrites -----------------------------------------------------------------------

DEBTORS_DEFINES = """define:
  art10_deletion_ground: >-
    not (not performed and not settlement_performed and not creditor_deletion_approved
    and not no_assets_after_searches and not suspended_retrial_or_bankruptcy
    and not ruled_not_enforceable and not ruled_terminated)
  term_days: "extension_days + 730"
  listable: "not (age < 18) and (term_ground or refusal_ground)"
  refusal_ground: "refuses_to_perform and able_to_perform and not exempt_1_1"
  exempt_1_1: "not (not sufficient_guarantee and not seized_assets_suffice and not later_in_order)"
  term_ground: >-
    violated_consumption_order or refused_settlement or obstructs_enforcement
    or evades_enforcement or violated_asset_reporting

sanctions:"""


def debtors_rewritten() -> str:
    """dishonest-debtors-2017 said differently: reordered and renamed defines, `not (x < 18)`
    for `x >= 18`, De Morgan, operands swapped."""
    text = (SPEC / "dishonest-debtors-2017.yaml").read_text(encoding="utf-8")
    start, end = text.index("define:\n"), text.index("sanctions:")
    text = text[:start] + DEBTORS_DEFINES + text[end + len("sanctions:") :]
    return replace(
        text,
        "      listable and not revoked and not early_deleted\n",
        "      not (not listable or revoked or early_deleted)\n",
    )


def rongcheng_rewritten() -> str:
    """rongcheng said differently: a rule split in two with complementary conditions, rules
    reordered, the define renamed, `not (age < 18)`, and De Morgan in a tier."""
    text = (SPEC / "rongcheng.yaml").read_text(encoding="utf-8")
    text = re.sub(r"\bin_scope\b", "assessed", text)
    text = replace(
        text,
        'assessed: "age >= 18 and residence_months >= 12"',
        'assessed: "not (age < 18) and residence_months >= 12"',
    )
    text = replace(text, 'when: "not assessed"', 'when: "age < 18 or residence_months < 12"')
    bank = (
        '    - {id: bank-overdue, when: "assessed and bank_overdue_cycles > 0", '
        'add: "-10 * bank_overdue_cycles",'
    )
    split = (
        '    - {id: bank-overdue-long, when: "assessed and bank_overdue_cycles > 12", '
        'add: "-(bank_overdue_cycles * 10)"}\n'
        '    - {id: bank-overdue, when: "assessed and 0 < bank_overdue_cycles <= 12", '
        'add: "-10 * bank_overdue_cycles",'
    )
    text = replace(text, bank, split)
    lines = text.splitlines(keepends=True)
    first = next(i for i, x in enumerate(lines) if x.startswith("    - {id: contract-nonperf"))
    last = next(i for i, x in enumerate(lines) if x.startswith("    - {id: utility-equipment"))
    lines.insert(first, lines.pop(last))  # the last rule first
    return "".join(lines)


@pytest.mark.parametrize("slicing", [True, False])
def test_debtors_rewrite_is_equivalent(slicing: bool) -> None:
    old = load(SPEC / "dishonest-debtors-2017.yaml")
    new = load_text(debtors_rewritten(), "rewritten.yaml")
    assert new != old
    r = diff_rulesets(
        old,
        new,
        outputs="listed,listable,term_days,art10_deletion_ground",
        limits=FAST,
        slicing=slicing,
    )
    assert (r.status, r.differences, r.unknown) == ("equivalent", (), ())
    assert r.sanctions[0].gained is False and r.sanctions[0].lost is False


@pytest.mark.parametrize("slicing", [True, False])
def test_rongcheng_rewrite_is_equivalent(slicing: bool) -> None:
    old = load(SPEC / "rongcheng.yaml")
    new = load_text(rongcheng_rewritten(), "rewritten.yaml")
    assert new.score is not None
    assert [r.id for r in new.score.rules][:2] == ["utility-equipment", "contract-nonperformance"]
    r = diff_rulesets(old, new, limits=FAST, slicing=slicing)
    assert r.outputs == ("score", "tier")
    assert (r.status, r.differences, r.unknown) == ("equivalent", (), ())
    assert r.transitions is not None and not any(t.possible for t in r.transitions)


def test_rewrite_exit_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "new.yaml").write_text(debtors_rewritten(), encoding="utf-8")
    code, out, err = run(
        ["diff", str(SPEC / "dishonest-debtors-2017.yaml"), "new.yaml"], monkeypatch, tmp_path
    )
    assert (code, err) == (0, "")
    assert "This change has no effect" in out


def test_slicing_matches_renamed_and_reordered_parts() -> None:
    old = load(SPEC / "rongcheng.yaml")
    new = load_text(rongcheng_rewritten(), "rewritten.yaml")
    m = match_versions(old, new)
    assert "assessed" not in m.names  # `not (age < 18)` is not syntactically `age >= 18`
    renamed = load_text(
        re.sub(r"\bin_scope\b", "assessed", (SPEC / "rongcheng.yaml").read_text(encoding="utf-8")),
        "x.yaml",
    )
    m = match_versions(old, renamed)
    assert m.names["assessed"] == "in_scope" and m.names["score"] == "score"
    assert old.score is not None
    assert m.names["tier"] == "tier" and len(m.rules) == len(old.score.rules)


# -- a single comparison moved across a boundary -----------------------------------------------


def test_boundary_change_finds_exactly_the_boundary() -> None:
    old = load(SPEC / "dishonest-debtors-2017.yaml")
    text = (SPEC / "dishonest-debtors-2017.yaml").read_text(encoding="utf-8")
    new = load_text(replace(text, 'listable: "age >= 18 and', 'listable: "age > 18 and'), "b.yaml")
    r = diff_rulesets(old, new, limits=FAST)
    assert r.status == "different"
    assert [d.output for d in r.differences] == ["listed", "listable"]
    for d in r.differences:
        assert d.citizen["age"] == 18
        assert (d.old_value, d.new_value) == (True, False)
    # every differing citizen sits on the boundary: no difference with age != 18
    cmp = Comparison(old, new)
    session = cmp.session(FAST)
    for name, kind in (("listed", "sanction"), ("listable", "define")):
        differs = cmp.differs(Output(name, kind))  # type: ignore[arg-type]
        assert isinstance(session.find(z3.And(differs, cmp.attr("age") != 18)), NotFound)
        assert isinstance(session.find(differs), Found)
    assert r.sanctions[0].gained is False and r.sanctions[0].lost is True


def test_boundary_change_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (SPEC / "dishonest-debtors-2017.yaml").read_text(encoding="utf-8")
    (tmp_path / "new.yaml").write_text(replace(text, "age >= 18", "age > 18"), encoding="utf-8")
    code, out, err = run(
        ["diff", str(SPEC / "dishonest-debtors-2017.yaml"), "new.yaml", "--format", "json"],
        monkeypatch,
        tmp_path,
    )
    assert (code, err) == (1, "")
    doc = json.loads(out)
    assert doc["equivalent"] is False
    assert {(d["output"], d["citizen"]["age"], d["old"], d["new"]) for d in doc["differences"]} == {
        ("listed", 18, True, False),
        ("listable", 18, True, False),
    }


# -- the 2013 and 2017 texts -------------------------------------------------------------------


def test_debtors_2013_vs_2017_minors() -> None:
    old = load(SPEC / "dishonest-debtors-2013.yaml")
    new = load(SPEC / "dishonest-debtors-2017.yaml")
    r = diff_rulesets(old, new, limits=FAST)
    assert r.outputs == ("listed", "listable")
    assert [d.output for d in r.differences] == ["listed", "listable"]
    cmp = Comparison(old, new)
    listed = Output("listed", "sanction")
    goal = z3.And(cmp.value("old", listed), z3.Not(cmp.value("new", listed)), cmp.attr("age") == 17)
    found = cmp.session(FAST).find(goal)
    assert isinstance(found, Found)
    _, c_old, c_new = found.citizens
    assert c_old["age"] == 17
    assert "listed" in evaluate(old, c_old).sanctions
    assert "listed" not in evaluate(new, c_new).sanctions
    assert r.sanctions[0].gained is True and r.sanctions[0].lost is True


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_debtors_golden(fmt: str) -> None:
    code, out, err = run_fresh(
        [
            "diff",
            "spec/dishonest-debtors-2013.yaml",
            "spec/dishonest-debtors-2017.yaml",
            "--format",
            fmt,
        ]
    )
    assert (code, err) == (1, "")
    assert_golden(DIFF / f"debtors-2013-2017.{'txt' if fmt == 'text' else 'json'}", out)


def test_equivalent_golden() -> None:
    code, out, err = run_fresh(["diff", "spec/sesame-credit.yaml", "spec/sesame-credit.yaml"])
    assert (code, err) == (0, "")
    assert_golden(DIFF / "equivalent.txt", out)


# -- small pairs: attributes, tiers, sanctions -------------------------------------------------

SMALL_OLD = """\
ruleset: small
attributes:
  x: {type: int, range: [0, 20]}
  gone: {type: bool}
score:
  base: 0
  rules:
    - {id: by-x, when: "True", add: "x"}
    - {id: gone, when: "gone", add: 3}
tiers:
  - {id: A, when: "score >= 10"}
  - {id: B, when: "True"}
sanctions:
  watch: {when: "score >= 15"}
"""

SMALL_NEW = """\
ruleset: small
attributes:
  x: {type: int, range: [0, 20]}
  added: {type: enum, values: [absent, present]}
score:
  base: 0
  rules:
    - {id: by-x, when: "True", add: "x"}
    - {id: added, when: "added == 'present'", add: -1}
tiers:
  - {id: A, when: "score >= 12"}
  - {id: B, when: "score >= 5"}
sanctions:
  watch: {when: "score >= 12"}
  flag: {when: "x == 20 and added == 'present'"}
"""


def small() -> tuple[M.Ruleset, M.Ruleset]:
    return load_text(SMALL_OLD, "old.yaml"), load_text(SMALL_NEW, "new.yaml")


def test_attributes_added_and_removed() -> None:
    old, new = small()
    r = diff_rulesets(old, new, limits=FAST)
    assert (r.only_old, r.only_new) == (("gone",), ("added",))
    assert any("`gone` is only in OLD" in n for n in r.notes)
    assert any("`added` is only in NEW" in n and "baseline 'absent'" in n for n in r.notes)
    assert list(r.differences[0].citizen) == ["x", "gone", "added"]
    # the score changes only through the removed and the added attribute's rules
    cmp = Comparison(old, new)
    score = Output("score", "score")
    quiet = z3.And(cmp.attr("gone") == False, cmp.attr("added") == cmp.codes.code("absent"))  # noqa: E712
    assert isinstance(cmp.session(FAST).find(z3.And(cmp.differs(score), quiet)), NotFound)
    d = next(d for d in r.differences if d.output == "score")
    assert (d.citizen["gone"], d.citizen["added"]) != (False, "absent")


def test_tier_transition_matrix() -> None:
    old, new = small()
    r = diff_rulesets(old, new, outputs="tier", limits=FAST)
    assert (r.old_tiers, r.new_tiers) == (("A", "B"), ("A", "B", None))
    moves = {(t.old, t.new): t.possible for t in r.transitions or ()}
    # score = x + 3·gone (old) and x − added (new): A→B for x in 10..11; A→none would need
    # x ≥ 7 and x ≤ 5; B→A is impossible (new never adds points); B→none for small x.
    assert moves == {("A", "B"): True, ("A", None): False, ("B", "A"): False, ("B", None): True}


def test_sanctions_gained_and_lost() -> None:
    old, new = small()
    r = diff_rulesets(old, new, outputs="sanctions", limits=FAST)
    got = {s.sanction: (s.gained, s.lost, s.in_old, s.in_new) for s in r.sanctions}
    assert got == {"watch": (True, True, True, True), "flag": (True, False, False, True)}
    flag = next(d for d in r.differences if d.output == "flag")
    assert (flag.citizen["x"], flag.citizen["added"], flag.old_value, flag.new_value) == (
        20,
        "present",
        False,
        True,
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_small_golden(fmt: str, tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(SMALL_OLD, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(SMALL_NEW, encoding="utf-8")
    code, out, err = run_fresh(["diff", "old.yaml", "new.yaml", "--format", fmt], tmp_path)
    assert (code, err) == (1, "")
    assert_golden(DIFF / f"small.{'txt' if fmt == 'text' else 'json'}", out)


def test_changed_range_compares_the_intersection() -> None:
    old = load_text(SMALL_OLD, "old.yaml")
    new = load_text(SMALL_OLD.replace("range: [0, 20]", "range: [5, 30]"), "new.yaml")
    r = diff_rulesets(old, new, limits=FAST)
    assert r.status == "equivalent"
    assert [(c.name, c.compared) for c in r.changed] == [("x", "int[5, 20]")]
    assert any("only citizens possible under both" in n for n in r.notes)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--outputs", "score,tierz"], "--outputs:1:7: error[RP007]: `tierz` is not an output"),
        (["--outputs", "flag"], None),
        (["--timeout", "0"], "must be between 0 and 86400"),
    ],
)
def test_bad_arguments(
    argv: list[str],
    message: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "old.yaml").write_text(SMALL_OLD, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(SMALL_NEW, encoding="utf-8")
    code, out, err = run(["diff", "old.yaml", "new.yaml", *argv], monkeypatch, tmp_path)
    err += capsys.readouterr().err  # argparse writes its usage errors itself
    if message is None:  # a sanction only one version has is compared (never imposed in OLD)
        assert code == 1 and "`flag` changed: OLD False, NEW True" in out
    else:
        assert code == 2 and message in err and "Traceback" not in err


def test_incompatible_attribute_kinds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "old.yaml").write_text(SMALL_OLD, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(
        SMALL_OLD.replace("gone: {type: bool}", "gone: {type: int, range: [0, 1]}").replace(
            'when: "gone"', 'when: "gone == 1"'
        )
    )
    code, _, err = run(["diff", "old.yaml", "new.yaml"], monkeypatch, tmp_path)
    assert code == 2
    assert err.startswith("new.yaml:4:3: error[RP007]: attribute `gone` is bool in OLD")
    with pytest.raises(RulesetError):
        diff_rulesets(
            load_text(SMALL_OLD),
            load_text(SMALL_OLD.replace("gone: {type: bool}", "gone: {type: enum, values: [a]}")),
        )


# -- git revisions -----------------------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.invalid")
    git(tmp_path, "config", "user.name", "t")
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "x.yaml").write_text(SMALL_OLD, encoding="utf-8")
    git(tmp_path, "add", "spec/x.yaml")
    git(tmp_path, "commit", "-q", "-m", "v1")
    (tmp_path / "spec" / "x.yaml").write_text(SMALL_NEW, encoding="utf-8")
    return tmp_path


def test_git_revision_input(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(
        ["diff", "main:spec/x.yaml", "spec/x.yaml", "--format", "json"], monkeypatch, repo
    )
    assert (code, err) == (1, "")
    doc = json.loads(out)
    assert doc["old"]["file"] == "main:spec/x.yaml" and doc["new"]["file"] == "spec/x.yaml"
    code, _, _ = run(["diff", "main:spec/x.yaml", "HEAD:spec/x.yaml"], monkeypatch, repo)
    assert code == 0


def test_git_revision_diagnostics_name_the_revision(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "spec" / "x.yaml").write_text(SMALL_OLD.replace('"x"', '"y"'), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    code, _, err = run(["diff", "HEAD:spec/x.yaml", "main~1:spec/x.yaml"], monkeypatch, repo)
    assert code == 2
    assert err.startswith("HEAD:spec/x.yaml:8:") and "unknown name `y`" in err
    assert '   8 |     - {id: by-x, when: "True", add: "y"}' in err


@pytest.mark.parametrize(
    ("old", "message"),
    [
        ("nosuch:spec/x.yaml", "`nosuch` is not a git revision here"),
        ("main:spec/missing.yaml", "`spec/missing.yaml` does not exist in revision `main`"),
        ("main:spec", "`spec` in revision `main` is a tree, not a file"),
        ("missing.yaml", "cannot read file"),
    ],
)
def test_git_revision_errors(
    old: str, message: str, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(["diff", old, "spec/x.yaml"], monkeypatch, repo)
    assert (code, out) == (2, "")
    assert err.startswith(f"{old}:1:1: error[RP006]: ") and message in err


def test_git_revision_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.yaml").write_text(SMALL_OLD, encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, _, err = run(["diff", "main:x.yaml", "x.yaml"], monkeypatch, tmp_path)
    assert code == 2 and "not inside a git repository" in err


# -- slicing is sound: sliced = plain = what the evaluator sees --------------------------------


def _mutants(rs: M.Ruleset) -> st.SearchStrategy[M.Ruleset]:
    import attrs

    options: list[M.Ruleset] = [rs]
    if rs.score is not None:
        sc = rs.score
        options.append(attrs.evolve(rs, score=attrs.evolve(sc, base=sc.base + 1)))
        options.append(attrs.evolve(rs, score=attrs.evolve(sc, rules=sc.rules[::-1])))
        for i, r in enumerate(sc.rules):
            if r.cases:  # a group: its first case's condition flips
                first = attrs.evolve(r.cases[0], when=E.Not(r.cases[0].when))
                flipped = M.group_rule(r.id, (first, *r.cases[1:]))
            else:
                flipped = attrs.evolve(r, when=E.Not(r.when))
            options.append(
                attrs.evolve(
                    rs, score=attrs.evolve(sc, rules=(*sc.rules[:i], flipped, *sc.rules[i + 1 :]))
                )
            )
    if len(rs.tiers) >= 2:
        options.append(attrs.evolve(rs, tiers=(rs.tiers[1], rs.tiers[0], *rs.tiers[2:])))
    for i, s in enumerate(rs.sanctions):
        options.append(
            attrs.evolve(
                rs,
                sanctions=(
                    *rs.sanctions[:i],
                    attrs.evolve(s, when=E.Not(s.when)),
                    *rs.sanctions[i + 1 :],
                ),
            )
        )
    return st.sampled_from(options)


@settings(max_examples=60)
@given(st.data())
def test_slicing_agrees_with_plain_encoding_and_evaluator(data: st.DataObject) -> None:
    old = data.draw(rulesets(max_attributes=3, max_rules=3, actions=False))
    new = data.draw(_mutants(old))
    limits = Limits(timeout=10.0, minimise=False)
    sliced = diff_rulesets(old, new, limits=limits, summaries=False)
    plain = diff_rulesets(old, new, limits=limits, summaries=False, slicing=False)
    if sliced.unknown or plain.unknown:
        return
    assert {d.output for d in sliced.differences} == {d.output for d in plain.differences}
    if new == old:
        assert sliced.differences == ()
    found = {d.output for d in sliced.differences}
    for _ in range(5):
        c = data.draw(citizens(old))
        o, n = evaluate(old, c), evaluate(new, c)
        for out in sliced.outputs:
            if o.output(out) != n.output(out):
                assert out in found, (out, c)
