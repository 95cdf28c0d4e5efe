"""Build the HTML report of every worked ruleset, and an index page linking them.

Usage: python scripts/reports.py [OUT_DIR] [--screenshot PNG]

Writes OUT_DIR/<ruleset>.html (default OUT_DIR: build/reports) for each spec/<name>.yaml with
its properties/<name>.yaml, plus OUT_DIR/index.html. Versions that have an older or a
differently built sibling are compared with `--diff` (dishonest-debtors 2013 → 2017, German
Credit without → with the protected attributes, and compensated → with), and the German Credit
reports carry `--impact` on the 1,000 real applicants of data/german (scored by the population
package on DuckDB). With `--screenshot PNG`, Debian's Chromium (/usr/bin/chromium) photographs
the score waterfall of the first card of the german-credit-with-protected report into PNG (the
README's picture, docs/report-waterfall.png).
Needs the `report` extra and Graphviz (`apt install graphviz`).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from markupsafe import escape

from ruleproof.commands.cli import main as ruleproof

ROOT = Path(__file__).resolve().parents[1]
DIFFS = {
    "dishonest-debtors-2017": "dishonest-debtors-2013",
    "german-credit-with-protected": "german-credit-without-protected",
    "german-credit-compensated": "german-credit-with-protected",
}
IMPACT = (
    "german-credit-with-protected",
    "german-credit-without-protected",
    "german-credit-compensated",
)


def _german_csv(folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location(
        "german_scorecard", ROOT / "scripts" / "german_scorecard.py"
    )
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules["german_scorecard"] = module
    spec.loader.exec_module(module)
    path = folder / "german-applicants.csv"
    module.write_citizens_csv(module.load_data(ROOT / "data" / "german"), path)
    return path


def build(out: Path) -> list[tuple[str, str]]:
    """Every report; returns (ruleset, the command's summary line) for the index."""
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory() as tmp:
        german = _german_csv(Path(tmp))
        for spec in sorted((ROOT / "spec").glob("*.yaml")):
            name = spec.stem
            props = ROOT / "properties" / spec.name
            args = ["report", f"spec/{spec.name}", f"properties/{props.name}"]
            if name in DIFFS:
                args += ["--diff", f"spec/{DIFFS[name]}.yaml"]
            if name in IMPACT:
                args += ["--impact", str(german)]
            args += ["-o", str(out / f"{name}.html")]
            summary = _run(args)
            made.append((name, summary))
            print(summary)
    return made


def _run(args: list[str]) -> str:
    import io
    import os

    buf = io.StringIO()
    cwd = Path.cwd()
    os.chdir(ROOT)  # the reports name spec and property files relative to the repository
    try:
        code = ruleproof(args, buf)
    finally:
        os.chdir(cwd)
    if code != 0:
        raise SystemExit(f"ruleproof {' '.join(args)} exited {code}")
    return buf.getvalue().strip().splitlines()[0]


def index(out: Path, made: list[tuple[str, str]]) -> None:
    items = "".join(
        f'<li><a href="{escape(n)}.html">{escape(n)}</a> — {escape(s.split(": ", 1)[1])}</li>'
        for n, s in made
    )
    (out / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>ruleproof reports</title></head><body>"
        "<h1>ruleproof reports of the worked rulesets</h1>"
        f"<ul>{items}</ul></body></html>\n",
        encoding="utf-8",
    )


def screenshot(report: Path, png: Path) -> None:
    from playwright.sync_api import sync_playwright

    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile,
            executable_path="/usr/bin/chromium",
            headless=True,
            args=flags,
            viewport={"width": 1100, "height": 900},
            offline=True,
        )
        page = ctx.new_page()
        page.goto(report.resolve().as_uri())
        page.locator("article.rp-card figure.rp-waterfall .rp-picture").first.screenshot(
            path=str(png)
        )
        ctx.close()


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "build" / "reports"))
    parser.add_argument("--screenshot", metavar="PNG")
    args = parser.parse_args()
    out = Path(args.out)
    made = build(out)
    index(out, made)
    print(f"index: {out / 'index.html'}")
    if args.screenshot:
        screenshot(out / "german-credit-with-protected.html", Path(args.screenshot))
        print(f"screenshot: {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(cli())
