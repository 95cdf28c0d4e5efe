"""Hostile inputs of issue #19, measured: how long until each is refused (or loaded), and the
peak memory of the process that does it.

`python benchmarks/hostile.py [--repeats N]` runs every case N times (default 3), each in a
fresh interpreter running the command line in-process, and prints a table with the exit code,
the code of the first diagnostic, the median and the worst seconds, and the worst peak memory.
The inputs are generated in a temporary folder: an expression of 100,000 characters used
through 500 and 5,000 aliases (a 179 KB file for the latter), enums of 100,000 values (the
limit: loads) and 1,000,000 (refused), `/dev/zero`, a 60 MiB file of plain rules, and a citizen
with 60,000 unknown keys.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RUNNER = """
import io, json, resource, sys, time
from ruleproof.commands.cli import main
out, err = io.StringIO(), io.StringIO()
t = time.perf_counter()
code = main(sys.argv[1:], out, err)
seconds = time.perf_counter() - t
text = out.getvalue() + err.getvalue()
first = text.split("error[", 1)[1][:5] if "error[" in text else ""
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"code": code, "first": first, "seconds": seconds, "mib": peak,
                  "stderr": len(err.getvalue())}))
"""


def _aliases(uses: int) -> str:
    condition = " and ".join(f"x != {i}" for i in range(7000))
    lines = ["ruleset: amplified", "attributes:", "  x: {type: int, range: [0, 10000]}"]
    lines += ["define:", f'  d0: &e "{condition}"', *(f"  d{i}: *e" for i in range(1, uses))]
    return "\n".join(lines) + "\n"


def _enum(n: int) -> str:
    values = ", ".join(f"v{i}" for i in range(n))
    return f"ruleset: big-enum\nattributes:\n  e: {{type: enum, values: [{values}]}}\n"


def _plain_rules(mib: int) -> str:
    head = "ruleset: plain\nattributes:\n  x: {type: int, range: [0, 100]}\nscore:\n  rules:\n"
    rule = '    - {id: r%d, when: "x > %d", add: -1}\n'
    parts = [head]
    size, i = len(head), 0
    while size < mib * 1024 * 1024:
        line = rule % (i, i % 100)
        parts.append(line)
        size += len(line)
        i += 1
    return "".join(parts)


def _cases(folder: Path) -> list[tuple[str, list[str]]]:
    small = Path(__file__).resolve().parent.parent / "tests" / "golden" / "check" / "small.yaml"
    citizen = {"debt": 10, "evades": True, "religion": "none", "friends_listed": 0}
    citizen["days_listed"] = 0
    citizen.update({f"k{i}": i for i in range(60_000)})
    files = {
        "aliases-500.yaml": _aliases(500),
        "aliases-5000.yaml": _aliases(5000),
        "enum-100k.yaml": _enum(100_000),
        "enum-1m.yaml": _enum(1_000_000),
        "plain-60mib.yaml": _plain_rules(60),
        "citizen-60k-keys.json": json.dumps(citizen),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    lint = ["lint", "--no-solver"]
    keys = "citizen-60k-keys.json"
    return [
        ("expression through 500 aliases", [*lint, str(folder / "aliases-500.yaml")]),
        ("expression through 5,000 aliases (179 KB)", [*lint, str(folder / "aliases-5000.yaml")]),
        ("enum of 100,000 values", [*lint, str(folder / "enum-100k.yaml")]),
        ("enum of 1,000,000 values", [*lint, str(folder / "enum-1m.yaml")]),
        ("/dev/zero", [*lint, "/dev/zero"]),
        ("60 MiB of plain rules", [*lint, str(folder / "plain-60mib.yaml")]),
        ("citizen with 60,000 unknown keys", ["explain", str(small), str(folder / keys)]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print("| input | exit | first diagnostic | median s | worst s | worst peak MiB |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as d:
        for name, argv in _cases(Path(d)):
            runs = []
            for _ in range(args.repeats):
                proc = subprocess.run(
                    [sys.executable, "-c", RUNNER, *argv], capture_output=True, text=True
                )
                runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            seconds = [r["seconds"] for r in runs]
            print(
                f"| {name} | {runs[0]['code']} | {runs[0]['first'] or '-'} "
                f"| {statistics.median(seconds):.2f} | {max(seconds):.2f} "
                f"| {max(r['mib'] for r in runs):.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
