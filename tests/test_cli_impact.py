"""`ruleproof impact` on the command line: JSON shape, plot file, refused rows, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

from ruleproof.commands.cli import main

SPEC = """
ruleset: tiny
attributes:
  sex: {type: enum, values: [f, m], protected: true}
  debt: {type: int, range: [-50, 100]}
  w: {type: real, range: [0, 1]}
assume:
  - "debt < 90 or sex == 'm'"
score:
  base: 10
  range: [0, 20]
  rules:
    - {id: r1, when: "debt > 0", add: "-(debt // 7)"}
    - {id: r2, when: "sex == 'f' and w >= 0.5", add: 3}
tiers:
  - {id: A, when: "score >= 12"}
  - {id: B, when: "score >= 5"}
sanctions:
  listed: {when: "tier == 'B' or debt % 3 == 2"}
"""

CSV = "sex,debt,w\nf,-7,0.5\nm,13,0.25\nf,95,0\nx,1,0\nm,200,0\nf,3,0.1234567\nm,89,1\n"


def _run(tmp: Path, *extra: str) -> tuple[int, str, str]:
    (tmp / "s.yaml").write_text(SPEC)
    (tmp / "d.csv").write_text(CSV)
    out, err = io.StringIO(), io.StringIO()
    code = main(["impact", str(tmp / "s.yaml"), str(tmp / "d.csv"), *extra], out, err)
    return code, out.getvalue(), err.getvalue()


def test_json_report(tmp_path: Path) -> None:
    code, out, _ = _run(
        tmp_path,
        "--format",
        "json",
        "--by",
        "sex",
        "--counterfactual",
        "sex",
        "--plot",
        str(tmp_path / "p.html"),
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["rows"] == 3
    reasons = {r["reason"]: r["count"] for r in doc["invalid_rows"]["reasons"]}
    assert reasons == {
        "`sex` is not one of enum{f, m}": 1,
        "`debt` is outside int[-50, 100]": 1,
        "`w` is not a decimal with at most 6 places": 1,
        "assume #1 `debt < 90 or sex == 'm'` does not hold": 1,
    }
    assert set(doc["counterfactual"]["sex"]) >= {"score", "tier", "sanctions", "any"}
    assert doc["counterfactual"]["sex"]["any"] >= 1
    assert (tmp_path / "p.html").read_text().startswith("<!DOCTYPE html>")


def test_bad_inputs_exit_2(tmp_path: Path) -> None:
    assert _run(tmp_path, "--counterfactual", "sexx")[0] == 2
    code, _, err = _run(tmp_path, "--by", "debt +")
    assert code == 2 and "error[RP1" in err
    (tmp_path / "m.yaml").write_text("columns: {debt: owed}\n")
    code, _, err = _run(tmp_path, "--mapping", str(tmp_path / "m.yaml"))
    assert code == 2 and "RP702" in err
