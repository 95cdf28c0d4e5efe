"""Benchmark families (issue 14): deterministic ruleset generators, each with its property
suite, a second version for `diff`, and what every check should give.

`generate(family, size, seed, planted)` returns an `Instance` (`family_verify.Instance`): the
ruleset YAML, the diff version's YAML, the property file's YAML (one property per kind, its
id is the kind) and an `Expect` per kind. Everything is a function of the arguments. Families:

- `clamped` (`family_clamped`): the issue's clamped scorecards;
- `credit` (`family_credit`): social-credit catalogues, Rongcheng-like;
- `binned` (`family_binned`): weight-of-evidence scorecards of `one_of` bins, integer points
  for even seeds and decimal points for odd seeds;
- `trees` (`family_trees`): random XGBoost ensembles written as XGBoost JSON and imported with
  ruleproof's importer; `size` counts leaves, a tree is a `one_of` group. It has no sanctions:
  its `Instance.not_applicable` names the kinds it cannot have (same_context,
  reachable_sanctions, appeal_path, expires), which the runner reports as such.

*Planted* instances carry one narrow violation per property kind (`forall_proved` holds in
both variants, and each family names the other kinds it cannot plant in), each shown by
witness citizens; *clean* ones satisfy every property, for the
reasons each `Expect.why` states. `confirm(instance)` loads the text and checks every witness
with ruleproof's reference evaluator (`family_verify.confirm`); generation for the benchmark
always does, so an expectation other rules defeat fails when the instance is made.

    python benchmarks/families.py clamped 10000 --seed 3 --planted --out /tmp/c10k

writes `ruleset.yaml`, `ruleset-v2.yaml`, `properties.yaml` (every kind), `kinds/KIND.yaml`
(one kind each) and `expected.txt` there, so that any case of the benchmark can be re-run by
hand with `ruleproof check` / `ruleproof diff`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import family_binned
import family_clamped
import family_credit
import family_trees
from family_model import properties_yaml
from family_verify import Instance, confirm_witness

from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset import load_text

KINDS = (
    "independent",
    "monotone",
    "same_context",
    "forall",
    "forall_proved",
    "always",
    "tiers_total",
    "reachable_rules",
    "reachable_tiers",
    "reachable_sanctions",
    "appeal_path",
    "expires",
    "diff",
)

Generator = Callable[[int, int, bool], Instance]
FAMILIES: dict[str, Generator] = {
    "clamped": family_clamped.generate,
    "credit": family_credit.generate,
    "binned": family_binned.generate,
    "trees": family_trees.generate,
}


def generate(family: str, size: int, seed: int, planted: bool) -> Instance:
    """The instance of `family` with `size` score rules (see the module docstring)."""
    return FAMILIES[family](size, seed, planted)


def load_versions(inst: Instance) -> tuple[M.Ruleset, M.Ruleset]:
    """Both versions, loaded and typechecked."""
    return (
        load_text(inst.text, f"{inst.name}.yaml"),
        load_text(inst.diff_text, f"{inst.name}-v2.yaml"),
    )


def confirm(inst: Instance, old: M.Ruleset, new: M.Ruleset) -> None:
    """Check every witness of the instance with the reference evaluator.

    Raises:
        WrongExpectation: a witness does not show what its expectation claims.
    """
    for kind, e in inst.expects.items():
        if e.witness is not None:
            confirm_witness(kind, e.witness, old, new)


def write(inst: Instance, out: Path) -> None:
    """Write the instance's files into `out` (created if missing)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "ruleset.yaml").write_text(inst.text)
    (out / "ruleset-v2.yaml").write_text(inst.diff_text)
    (out / "properties.yaml").write_text(properties_yaml(inst.properties))
    (out / "kinds").mkdir(exist_ok=True)
    for kind, body in inst.properties.items():
        (out / "kinds" / f"{kind}.yaml").write_text(properties_yaml({kind: body}))
    lines = [f"{inst.name}: {inst.notes}"]
    lines += [f"{k}: {e.verdict} - {e.why}" for k, e in inst.expects.items()]
    lines += [f"{k}: not applicable - {why}" for k, why in inst.not_applicable.items()]
    (out / "expected.txt").write_text("\n".join(lines) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description="Write one benchmark family instance to a folder.")
    ap.add_argument("family", choices=sorted(FAMILIES))
    ap.add_argument(
        "size", type=int, help="number of score rules (cases count as rules; trees: leaves)"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--planted", action="store_true", help="the planted variant (else clean)")
    ap.add_argument("--out", type=Path, required=True, help="folder to write into")
    ap.add_argument("--no-confirm", action="store_true", help="skip the witness check")
    args = ap.parse_args()
    inst = generate(args.family, args.size, args.seed, args.planted)
    if not args.no_confirm:
        confirm(inst, *load_versions(inst))
    write(inst, args.out)
    print(f"wrote {inst.name} to {args.out}")
    print(f"ruleproof check {args.out}/ruleset.yaml {args.out}/properties.yaml --timeout 60")
    print(f"ruleproof diff {args.out}/ruleset.yaml {args.out}/ruleset-v2.yaml --timeout 60")
    return 0


if __name__ == "__main__":
    sys.exit(main())
