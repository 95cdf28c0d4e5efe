"""HTML built as values: every text escaped unless it is already `Markup` (markupsafe's).

`el("td", "a < b", class_="num", data_value="3")` gives `<td class="num" data-value="3">a &lt;
b</td>`: keyword names lose a trailing `_` and turn `_` into `-`; `None` and `False` attributes
are left out, `True` ones are written bare. Children are text (escaped), `Markup`, numbers, or
nested lists of those. `table(head, rows)` is a plain `<table>` with a `<thead>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Union

from markupsafe import Markup, escape

Child = Union[str, Markup, int, None, "Sequence[Child]"]
VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col"})


def _children(children: Iterable[Child]) -> str:
    out: list[str] = []
    for c in children:
        if c is None:
            continue
        if isinstance(c, Markup):
            out.append(str(c))
        elif isinstance(c, str | int):
            out.append(str(escape(str(c))))
        else:
            out.append(_children(c))
    return "".join(out)


def attributes(attrs: dict[str, object]) -> str:
    """` name="value"` pairs (escaped), in the order given."""
    parts: list[str] = []
    for key, value in attrs.items():
        name = key.rstrip("_").replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{escape(str(value))}"')
    return "".join(parts)


def el(tag: str, *children: Child, **attrs: object) -> Markup:
    """One element with its attributes and children."""
    head = f"<{tag}{attributes(attrs)}>"
    if tag in VOID:
        return Markup(head)
    return Markup(f"{head}{_children(children)}</{tag}>")


def join(*children: Child) -> Markup:
    """Several children as one piece of markup."""
    return Markup(_children(children))


def table(
    head: Sequence[Child],
    rows: Iterable[Sequence[Child] | Markup],
    caption: Child = None,
    **attrs: object,
) -> Markup:
    """A table: `head` cells as `<th scope="col">`, each row a sequence of cells or a ready
    `<tr>` (Markup). A cell that is already a `<td>`/`<th>` element is used as it is."""
    body: list[Markup] = []
    for row in rows:
        if isinstance(row, Markup):
            body.append(row)
            continue
        cells = [c if _is_cell(c) else el("td", c) for c in row]
        body.append(el("tr", cells))
    return el(
        "table",
        el("caption", caption) if caption is not None else None,
        el("thead", el("tr", [el("th", h, scope="col") for h in head])),
        el("tbody", body),
        **attrs,
    )


def _is_cell(c: Child) -> bool:
    return isinstance(c, Markup) and (c.startswith("<td") or c.startswith("<th"))
