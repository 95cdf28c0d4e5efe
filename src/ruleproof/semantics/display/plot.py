"""matplotlib figures as inline SVG: the one place pictures are turned into markup.

matplotlib is an optional dependency (the `report` extra). `figure(w, h)` gives a new `Figure`
(no pyplot, no global figure state) or raises `PicturesUnavailable` when matplotlib is missing;
`inline_svg(fig, label, salt)` renders it as an `<svg>` element to put straight into HTML.

The SVG keeps text as `<text>` (`svg.fonttype: none`), so numbers stay selectable, searchable
and testable, and it carries no date and ids salted by `salt`, so the same figure gives the
same bytes on every run and two figures on one page never share an id.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INSTALL_HINT = "pip install 'ruleproof[report]'"
# Paul Tol's colour-blind-safe palettes: "bright" for categories, light greys for bands.
BRIGHT = ("#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb")
UP, DOWN, NEUTRAL = "#4477aa", "#cc6677", "#777777"
HATCHES = ("", "//", "..", "\\\\", "xx", "--", "++", "oo")
RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.6,
}


class PicturesUnavailable(ImportError):
    """matplotlib (the `report` extra) is not installed."""


def matplotlib_module() -> Any:
    """The `matplotlib` module.

    Raises:
        PicturesUnavailable: matplotlib is not installed.
    """
    try:
        import matplotlib
    except ImportError as exc:
        raise PicturesUnavailable(
            f"pictures need matplotlib, which is not installed ({INSTALL_HINT})"
        ) from exc
    return matplotlib


def figure(width: float, height: float) -> Figure:
    """A new figure of `width` × `height` inches.

    Raises:
        PicturesUnavailable: matplotlib is not installed.
    """
    matplotlib_module()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def inline_svg(fig: Figure, label: str, salt: str) -> Markup:
    """The figure as an inline `<svg role="img">` element labelled `label`."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({**RC, "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    start = text.index("<svg")
    head = f'<svg role="img" aria-label="{escape(label)}" class="rp-svg" '
    return Markup(head + text[start + len("<svg ") :].strip())


def apply_style() -> Any:
    """A context manager that applies ruleproof's figure style while a figure is drawn.

    Raises:
        PicturesUnavailable: matplotlib is not installed.
    """
    return matplotlib_module().rc_context(RC)


def gid(*parts: str) -> str:
    """An SVG/HTML id from parts (anything but letters, digits, `-` and `_` becomes `_`)."""
    return "-".join(re.sub(r"[^A-Za-z0-9_-]", "_", p) for p in parts)
