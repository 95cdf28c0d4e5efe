"""`ruleproof rule CODE`: what a diagnostic code means and how to fix it (like `ruff rule`).

The text is the code's section of docs/diagnostics.md, which the package ships as
`ruleproof/data/diagnostics.md` (a test keeps the two identical). An unknown code is RP606.
"""

from __future__ import annotations

import argparse
import re
from importlib.resources import files
from typing import IO, Any

from ruleproof.commands.cli_common import EXIT_OK, Sources
from ruleproof.errors import Diagnostic, RulesetError, Span, did_you_mean


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "rule",
        help="explain a diagnostic code, e.g. `ruleproof rule RP201`",
        description="Print what a diagnostic code means and how to fix it "
        "(the entry of docs/diagnostics.md). `ruleproof rule --all` lists every code.",
    )
    p.add_argument("code", metavar="CODE", nargs="?", default=None)
    p.add_argument("--all", action="store_true", help="list every code with its title")


def entries() -> dict[str, tuple[str, str]]:
    """Code → (title, body) for every documented diagnostic code."""
    text = files("ruleproof").joinpath("data", "diagnostics.md").read_text(encoding="utf-8")
    out: dict[str, tuple[str, str]] = {}
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        m = re.match(r"(RP\d{3}) — (.*)", heading.strip())
        if m:
            body = re.split(r"^## ", body, flags=re.M)[0]
            out[m[1]] = (m[2].strip(), body.strip())
    return out


def run(args: argparse.Namespace, out: IO[str], sources: Sources) -> int:
    known = entries()
    if args.all or args.code is None:
        for code, (title, _) in known.items():
            out.write(f"{code}  {title}\n")
        return EXIT_OK
    code = args.code.strip().upper()
    if code not in known:
        raise RulesetError(
            [
                Diagnostic(
                    "RP606",
                    f"unknown diagnostic code `{args.code}`",
                    Span.point("<command line>", 1, 1),
                    fix=did_you_mean(code, known) or "`ruleproof rule --all` lists every code",
                )
            ]
        )
    title, body = known[code]
    out.write(f"{code} — {title}\n\n{body}\n")
    return EXIT_OK
