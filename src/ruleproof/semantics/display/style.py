"""The style sheet of ruleproof's HTML, and the wrapper a notebook output needs.

`CSS` styles every class the HTML builders use (all prefixed `rp-`, scoped under `.rp`), for
screen and for print; the report puts it in its `<head>`, `fragment(html)` puts it in front of
one notebook output. Status and differences are marked by words and symbols as well as colour.
"""

from __future__ import annotations

from markupsafe import Markup

from ruleproof.semantics.display.markup import el

CSS = """
.rp { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
      color: #1a1a1a; line-height: 1.45; }
.rp .rp-table { border-collapse: collapse; margin: 0.4em 0 0.8em; font-size: 0.92em; }
.rp .rp-table caption { text-align: left; font-weight: 600; padding: 0.2em 0; }
.rp .rp-table th, .rp .rp-table td { border: 1px solid #c8c8c8; padding: 0.2em 0.55em;
      text-align: left; vertical-align: top; }
.rp .rp-table thead th { background: #f0f0f0; }
.rp .rp-table tbody th { font-weight: normal; }
.rp .rp-num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.rp .rp-muted { color: #6b6b6b; font-style: italic; }
.rp .rp-note { color: #444; font-size: 0.9em; margin: 0.2em 0; }
.rp .rp-differs td, .rp .rp-differs th { background: #fff4cc; font-weight: 600; }
.rp .rp-mark { text-align: center; }
.rp .rp-waterfall { margin: 0.6em 0; }
.rp .rp-side-by-side { display: flex; flex-wrap: wrap; gap: 0.5em 1.5em; align-items: flex-start; }
.rp .rp-picture { overflow-x: auto; }
.rp .rp-svg { max-width: 100%; height: auto; }
.rp a.rp-src, .rp span.rp-src { color: #1d4f91; text-decoration: underline dotted; }
.rp .rp-status { font-weight: 700; padding: 0 0.35em; border-radius: 3px; white-space: nowrap;
      border: 1px solid currentColor; }
.rp .rp-proved { color: #1b6e2d; }
.rp .rp-violated { color: #a3162b; }
.rp .rp-unknown { color: #7a5a00; }
.rp .rp-error { color: #7b1f7a; }
.rp .rp-unexpected { font-weight: 700; text-transform: uppercase; }
.rp code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
@media print {
  .rp .rp-differs td, .rp .rp-differs th { background: none; border-width: 2px; }
  .rp .rp-picture { overflow: visible; }
  .rp a.rp-src { color: inherit; text-decoration: none; }
  .rp svg { break-inside: avoid; }
  .rp .rp-table { break-inside: auto; }
  .rp .rp-table tr { break-inside: avoid; }
}
"""


def fragment(body: Markup) -> str:
    """One notebook output: the style sheet and `body` inside a `<div class="rp">`."""
    return str(el("div", Markup(f"<style>{CSS}</style>"), body, class_="rp"))
