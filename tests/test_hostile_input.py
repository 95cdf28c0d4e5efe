"""Hostile input: every limit holds, is refused with its code (RP020-RP031) and exit 2, never 70.

Each test is an input found to break a limit (alias amplification, numbers too long for Python's
int conversion, files that are not files, ids that cannot be file names) or an id rule.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hostile_harness import CITIZEN, SMALL_PROPS, SMALL_SPEC, make_project, run_cli
from ruleproof.errors import RulesetError
from ruleproof.language import ruleset as M
from ruleproof.language import yamlsource
from ruleproof.language.load_ruleset import load_text
from ruleproof.language.load_suite import load_properties_text, parse_query
from ruleproof.language.yamlsource import read_yaml
from ruleproof.limits import (
    CITIZENS,
    DIGITS,
    ENUM_VALUES,
    FILE_BYTES,
    ID_CHARS,
    LIMITS,
    NODES,
    TEXT,
    TIERS,
    Limit,
)
from ruleproof.safefiles import read_text

ROOT = Path(__file__).resolve().parent.parent
BIG = "9" * 5001


def codes(exc: pytest.ExceptionInfo[RulesetError]) -> list[str]:
    return [d.code for d in exc.value.diagnostics]


def _spec(tmp_path: Path, text: str, name: str = "spec.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- the table -----------------------------------------------------------------------------


def test_limits_doc_shows_the_table() -> None:
    doc = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (RP0[23]\d) \| ([^|]+) \| ([0-9,]+) ([a-z]+) \|", doc, flags=re.M)
    assert [(c, n.strip(), int(v.replace(",", "")), u) for c, n, v, u in rows] == [
        (lim.code, lim.name, lim.value, lim.unit) for lim in LIMITS
    ]


def test_every_limit_code_is_distinct_and_in_one_family() -> None:
    assert len({lim.code for lim in LIMITS}) == len(LIMITS)
    assert [lim.code for lim in LIMITS] == [f"RP{20 + i:03d}" for i in range(len(LIMITS))]


# -- item 1: alias amplification -----------------------------------------------------------


def _amplified(uses: int) -> str:
    condition = " and ".join(f"x != {i}" for i in range(7000))  # about 100,000 characters
    lines = [
        "ruleset: amplified",
        "attributes:",
        "  x: {type: int, range: [0, 10000]}",
        "define:",
        f'  d0: &e "{condition}"',
    ]
    lines += [f"  d{i}: *e" for i in range(1, uses)]
    return "\n".join(lines) + "\n"


def test_alias_amplified_expressions_are_refused_while_reading() -> None:
    text = _amplified(200)  # 200 uses of a 100,000-character expression: 20 million characters
    assert len(text) < 200_000
    with pytest.raises(RulesetError) as exc:
        read_yaml(text, "amplified.yaml")
    assert codes(exc) == [TEXT.code]
    message = exc.value.diagnostics[0].message
    assert "alias" in message and f"{TEXT.value:,}" in message


def test_alias_amplified_expressions_exit_2(tmp_path: Path) -> None:
    code, out, _ = run_cli(["lint", "--no-solver", _spec(tmp_path, _amplified(5000))])
    assert code == 2 and f"error[{TEXT.code}]" in out


def test_plain_files_over_the_node_limit_say_nothing_of_aliases(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yamlsource, "NODES", Limit("RP023", "nodes", 1000, "nodes", "", ""))
    plain = "items:\n" + "".join(f"  - {i}\n" for i in range(2000))
    with pytest.raises(RulesetError) as exc:
        read_yaml(plain, "plain.yaml")
    assert codes(exc) == [NODES.code] and "alias" not in str(exc.value.diagnostics[0])
    aliased = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [" + ", ".join(["*a"] * 200) + "]\n"
    with pytest.raises(RulesetError) as exc:
        read_yaml(aliased, "aliased.yaml")
    assert codes(exc) == [NODES.code] and "alias" in exc.value.diagnostics[0].message


def test_plain_text_over_the_text_limit_says_nothing_of_aliases(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yamlsource, "TEXT", Limit("RP024", "text", 1000, "characters", "", ""))
    plain = "rules:\n" + "".join(f'  - "x != {i}"\n' for i in range(200))
    with pytest.raises(RulesetError) as exc:
        read_yaml(plain, "plain.yaml")
    assert codes(exc) == [TEXT.code] and "alias" not in exc.value.diagnostics[0].message


# -- item 3: enums -------------------------------------------------------------------------


def _enum_spec(n: int) -> str:
    values = ", ".join(f"v{i}" for i in range(n))
    return f"ruleset: big-enum\nattributes:\n  e: {{type: enum, values: [{values}]}}\n"


def test_an_enum_at_the_limit_loads_and_one_over_is_refused() -> None:
    ruleset = load_text(_enum_spec(ENUM_VALUES.value), "enum.yaml")
    typ = ruleset.attributes[0].type
    assert isinstance(typ, M.EnumType) and len(typ.values) == ENUM_VALUES.value
    with pytest.raises(RulesetError) as exc:
        load_text(_enum_spec(ENUM_VALUES.value + 1), "enum.yaml")
    assert codes(exc) == [ENUM_VALUES.code]


def test_duplicate_enum_values_are_still_found() -> None:
    spec = "ruleset: e\nattributes:\n  e: {type: enum, values: [a, b, a, c, b]}\n"
    with pytest.raises(RulesetError) as exc:
        load_text(spec, "enum.yaml")
    assert codes(exc) == ["RP207", "RP207"]


def test_tiers_over_the_limit_are_refused() -> None:
    tiers = "".join(f'  - {{id: t{i}, when: "x >= {i}"}}\n' for i in range(TIERS.value + 1))
    spec = f"ruleset: t\nattributes:\n  x: {{type: int, range: [0, 5]}}\ntiers:\n{tiers}"
    with pytest.raises(RulesetError) as exc:
        load_text(spec, "tiers.yaml")
    assert codes(exc) == [TIERS.code]


# -- item 4: reading with a limit, regular files only ---------------------------------------


def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    script = (
        "import sys\nfrom ruleproof.commands.cli import main\n"
        f"sys.exit(main(['lint', '--no-solver', {str(fifo)!r}]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2 and "not a regular file" in proc.stdout + proc.stderr


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_without_reading_it() -> None:
    script = (
        "import sys\nfrom ruleproof.commands.cli import main\n"
        "sys.exit(main(['lint', '/dev/zero']))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )
    assert proc.returncode == 2 and "error[RP006]" in proc.stderr, proc.stderr[-2000:]


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesetError) as exc:
        read_text(tmp_path)
    assert codes(exc) == ["RP006"] and "folder" in exc.value.diagnostics[0].message


def test_a_file_over_the_size_limit_is_refused_after_reading_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(FILE_BYTES.value + 1)  # sparse: costs no disk
    with pytest.raises(RulesetError) as exc:
        read_text(big)
    assert codes(exc) == [FILE_BYTES.code]
    assert f"{FILE_BYTES.value + 1:,} bytes" in exc.value.diagnostics[0].message


def test_a_citizen_file_over_the_json_limit_is_refused(tmp_path: Path) -> None:
    spec = _spec(tmp_path, SMALL_SPEC)
    big = tmp_path / "citizen.json"
    with big.open("wb") as f:
        f.truncate(17 * 1024 * 1024)
    code, _, err = run_cli(["explain", spec, str(big)])
    assert code == 2 and "error[RP021]" in err


# -- item 5: numbers too long for Python's int conversion, ids too long for a file name ------


@pytest.mark.parametrize(
    "old, new",
    [
        ("base: 1000", f"base: {BIG}"),  # a YAML integer
        ("range: [0, 1000]", f"range: [0, {BIG}]"),  # a range bound
        ('"friends_listed > 2"', f'"friends_listed > {BIG}"'),  # the simple-expression path
        ('"friends_listed > 2"', f'"friends_listed > {BIG} + 1"'),  # the `ast` path
        ('"friends_listed > 2"', f'"friends_listed > 1.{BIG}"'),  # a decimal's digits
        ('"friends_listed > 2"', '"friends_listed > 1e999999999"'),  # a decimal's exponent
        ("add: -50", "add: 1e999999999"),  # a YAML float used as an expression
    ],
)
def test_numbers_over_the_digit_limit_exit_2(tmp_path: Path, old: str, new: str) -> None:
    assert old in SMALL_SPEC
    code, out, _ = run_cli(["lint", "--no-solver", _spec(tmp_path, SMALL_SPEC.replace(old, new))])
    assert code == 2 and f"error[{DIGITS.code}]" in out, out[-3000:]


def test_a_real_range_with_a_huge_exponent_is_refused_at_once(tmp_path: Path) -> None:
    spec = "ruleset: r\nattributes:\n  w: {type: real, range: [0, 1e999999999]}\n"
    code, out, _ = run_cli(["lint", "--no-solver", _spec(tmp_path, spec)])
    assert code == 2 and f"error[{DIGITS.code}]" in out


@pytest.mark.parametrize("value", [BIG, f"1.{BIG}", "1e999999999", f'"1/{BIG}"'])
def test_citizen_numbers_over_the_digit_limit_exit_2(tmp_path: Path, value: str) -> None:
    spec = _spec(tmp_path, SMALL_SPEC.replace("debt:      {type: int", "debt: {type: real"))
    citizen = tmp_path / "c.json"
    citizen.write_text(CITIZEN.replace('"debt": 10', f'"debt": {value}'))
    code, _, err = run_cli(["explain", spec, str(citizen)])
    assert code == 2 and f"error[{DIGITS.code}]" in err, err[-2000:]


def test_arithmetic_that_reaches_a_number_too_long_to_show_is_refused(tmp_path: Path) -> None:
    factor = "9" * 900
    spec = SMALL_SPEC.replace(
        "add: -50", f'add: "friends_listed * {factor} * {factor} * {factor} * {factor} * {factor}"'
    )
    code, out, _ = run_cli(["lint", "--no-solver", _spec(tmp_path, spec)])
    assert code == 2 and f"error[{DIGITS.code}]" in out, out[-3000:]


def test_a_300_character_ruleset_id_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path, SMALL_SPEC.replace("ruleset: small", "ruleset: " + "a" * 300))
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["check", "spec/small.yaml", "--timeout", "10"])
    assert code == 2 and f"error[{ID_CHARS.code}]" in err


def test_a_long_property_id_is_refused_with_the_limit_code() -> None:
    ruleset = load_text(SMALL_SPEC, "small.yaml")
    props = f"properties:\n  - id: {'p' * 101}\n    always: 'score >= 0'\n"
    with pytest.raises(RulesetError) as exc:
        load_properties_text(props, "p.yaml", ruleset)
    assert codes(exc) == [ID_CHARS.code]


def test_queries_of_more_citizens_than_the_limit_are_refused() -> None:
    ruleset = load_text(SMALL_SPEC, "small.yaml")
    names = ", ".join("abcdefgh"[: CITIZENS.value + 1])
    with pytest.raises(RulesetError) as exc:
        parse_query(f"forall {names}: a.debt == b.debt", ruleset)
    assert CITIZENS.code in codes(exc)


# -- item 10: ids and names end where they seem to ------------------------------------------


@pytest.mark.parametrize(
    "old, new, code",
    [
        ("ruleset: small", 'ruleset: "small\\n"', "RP213"),
        ("  evades:    {type: bool}", '  "evades\\n":    {type: bool}', "RP213"),
    ],
)
def test_names_ending_in_a_newline_are_refused(old: str, new: str, code: str) -> None:
    with pytest.raises(RulesetError) as exc:
        load_text(SMALL_SPEC.replace(old, new), "small.yaml")
    assert code in codes(exc)


def test_enum_values_ending_in_a_newline_are_refused() -> None:
    spec = SMALL_SPEC.replace(
        "values: [none, buddhist, muslim]", 'values: [none, "buddhist\\n", muslim]'
    )
    with pytest.raises(RulesetError) as exc:
        load_text(spec, "small.yaml")
    assert "RP218" in codes(exc)


def test_property_ids_ending_in_a_newline_are_refused() -> None:
    ruleset = load_text(SMALL_SPEC, "small.yaml")
    with pytest.raises(RulesetError) as exc:
        load_properties_text(
            'properties:\n  - id: "p\\n"\n    always: "score >= 0"\n', "p.yaml", ruleset
        )
    assert codes(exc) == ["RP504"]


def test_the_newline_id_writes_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path, SMALL_SPEC.replace("ruleset: small", 'ruleset: "small\\n"'))
    monkeypatch.chdir(tmp_path)
    code, _, _ = run_cli(["check", "spec/small.yaml"])
    assert code == 2 and not (tmp_path / "counterexamples").exists()


# -- item 12: one counterexample file per property ------------------------------------------


def test_the_same_property_id_in_two_files_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path)
    other = tmp_path / "properties" / "more.yaml"
    other.write_text("properties:\n  - id: score-in-range\n    always: 'score >= 0'\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(
        ["check", "spec/small.yaml", "properties/small.yaml", "properties/more.yaml"]
    )
    assert code == 2 and "error[RP505]" in err and "properties/small.yaml" in err


def test_property_ids_differing_only_in_case_are_refused() -> None:
    ruleset = load_text(SMALL_SPEC, "small.yaml")
    props = textwrap.dedent(
        """\
        properties:
          - id: Score-In-Range
            always: "score >= 0"
          - id: score-in-range
            always: "score <= 2000"
        """
    )
    with pytest.raises(RulesetError) as exc:
        load_properties_text(props, "p.yaml", ruleset)
    assert codes(exc) == ["RP505"] and "case" in exc.value.diagnostics[0].message


def test_small_suite_still_loads() -> None:
    ruleset = load_text(SMALL_SPEC, "small.yaml")
    assert len(load_properties_text(SMALL_PROPS, "p.yaml", ruleset)) == 5


# -- item 4, for git revisions: the size is asked before the blob is read --------------------


def test_a_git_blob_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ruleproof.commands import gitsource

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.invalid")
    git("config", "user.name", "t")
    (tmp_path / "x.yaml").write_text(SMALL_SPEC)
    git("add", "x.yaml")
    git("commit", "-q", "-m", "v1")
    small = Limit(FILE_BYTES.code, FILE_BYTES.name, 100, "bytes", "", "")
    monkeypatch.setattr(gitsource, "FILE_BYTES", small)
    monkeypatch.setattr(gitsource, "_git_show", None)  # reading the blob would fail the test
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["diff", "main:x.yaml", "x.yaml"])
    assert code == 2 and f"error[{FILE_BYTES.code}]" in err
