"""The report page: one self-contained HTML document (styles and the one small script inline).

`page(title, sections)` wraps the sections (id, navigation label, content) in `<section
id=… data-section=…>` elements after a table of contents. It loads nothing: no fonts, scripts,
styles or images from anywhere, so it works offline from a `file:` URL. Print: the navigation
is left out, sections start on a new page, pictures are not split, and links print as text.
The script only opens any closed `<details>` before printing.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from ruleproof.semantics.display.markup import el
from ruleproof.semantics.display.style import CSS

PAGE_CSS = """
body { margin: 0; background: #fafafa; }
.rp-page { max-width: 78rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; background: #ffffff; }
.rp-page > header h1 { margin: 0.2em 0; font-size: 1.6em; }
.rp-toc { border-bottom: 1px solid #ddd; padding: 0.4em 0; }
.rp-toc a { margin-right: 1.2em; }
section { margin-top: 1.6em; }
section h2 { border-bottom: 2px solid #333; padding-bottom: 0.15em; }
.rp-card { border: 1px solid #c8c8c8; border-left: 6px solid #a3162b; border-radius: 4px;
      padding: 0.3em 1em 0.8em; margin: 1em 0; }
.rp-card h3 { margin: 0.4em 0; }
.rp-card, .rp-note, .rp-doc { overflow-wrap: anywhere; }
.rp-doc { margin: 0.4em 0; padding-left: 0.8em; border-left: 3px solid #ccc; color: #333;
      white-space: pre-line; }
.rp-headline { font-size: 1.05em; }
.rp-unexpected-line { border-left: 6px double #a3162b; padding-left: 0.6em; }
.rp-no-way-out { color: #a3162b; }
.rp-plain { list-style: none; padding: 0; margin: 0; }
.rp-source { background: #f6f6f6; border: 1px solid #ddd; padding: 0.5em 0; overflow-x: auto;
      font-size: 0.85em; line-height: 1.35; }
.rp-line { display: block; padding-right: 1em; }
.rp-line:target { background: #fff1a8; outline: 2px solid #c9a400; }
.rp-ln { display: inline-block; width: 3.5em; padding-right: 0.8em; text-align: right;
      color: #888; text-decoration: none; user-select: none; }
.rp-code { white-space: pre; }
footer { margin-top: 2em; color: #666; font-size: 0.85em; }
@media print {
  body { background: #ffffff; }
  .rp-page { max-width: none; padding: 0; }
  .rp-toc { display: none; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
  .rp-card { break-inside: avoid-page; border-left-width: 3px; }
  .rp-line:target { outline: none; background: none; }
  figure { break-inside: avoid; }
}
"""

PRINT_SCRIPT = (
    "window.addEventListener('beforeprint', function () {"
    " document.querySelectorAll('details').forEach(function (d) { d.open = true; }); });"
)


def page(
    title: str, sections: Sequence[tuple[str, str, Markup]], header: Markup, footer: str
) -> str:
    """The whole document (see the module docstring)."""
    toc = el(
        "nav",
        [el("a", label, href=f"#{sid}") for sid, label, _ in sections],
        class_="rp-toc",
        aria_label="sections",
    )
    body = [el("section", content, id=sid, data_section=sid) for sid, _, content in sections]
    head = Markup(
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="ruleproof">'
    )
    doc = el(
        "html",
        el("head", head, el("title", title), Markup(f"<style>{CSS}{PAGE_CSS}</style>")),
        el(
            "body",
            el("div", el("header", header), toc, body, el("footer", footer), class_="rp rp-page"),
            Markup(f"<script>{PRINT_SCRIPT}</script>"),
        ),
        lang="en",
    )
    return "<!DOCTYPE html>\n" + str(doc) + "\n"
