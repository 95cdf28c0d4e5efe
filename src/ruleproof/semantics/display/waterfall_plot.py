"""The score waterfall as a picture: one panel per citizen, side by side, on one score axis.

`waterfall_svg(columns, rows, prefix)` draws, for each (title, `Waterfall`) column, one row per
step key of `rows` (from `waterfall.align`): the base as a diamond, each rule that fired as a
bar from the running total before it to the one after (rising bars plain, falling bars hatched,
each labelled with its signed contribution and the new total; a run of rules condensed into one
step grey and cross-hatched, labelled with how many rules it holds), the clamp as an arrow from the
raw score to the final one, and the final score as a dot labelled with its tier. Behind them the
tier bands (shaded and hatched in turn, each named at the top, boundaries dashed) and the score
range ends (dotted). Colour is never the only signal: signs are written out and bands named.

Every bar, marker and label has an SVG id `<prefix>-<column index>-<step key>[-label]`, so a
test or a reader's script can find the picture's numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from ruleproof.language.values import fmt_value, signed
from ruleproof.semantics.display.plot import (
    BRIGHT,
    DOWN,
    HATCHES,
    NEUTRAL,
    UP,
    apply_style,
    figure,
    gid,
    inline_svg,
)
from ruleproof.semantics.display.waterfall import Step, Waterfall
from ruleproof.semantics.tierbands import TierBands, boundaries

ROW_INCHES = 0.3
PANEL_INCHES = 4.6


def step_text(s: Step) -> str:
    """The label next to a step in the picture (and in its table)."""
    if s.kind == "base":
        return f"base {fmt_value(s.end)}"
    if s.kind == "rule":
        return f"{signed(s.delta)} → {fmt_value(s.end)}"
    if s.kind == "rest":
        return f"{s.label}: {signed(s.delta)} → {fmt_value(s.end)}"
    if s.kind == "clamp":
        return f"clamped {fmt_value(s.start)} → {fmt_value(s.end)}"
    return f"score {fmt_value(s.end)}"


def _view(columns: Sequence[Waterfall]) -> tuple[float, float]:
    values = [float(v) for w in columns for s in w.steps for v in (s.start, s.end)]
    lo, hi = min(values), max(values)
    span = hi - lo or max(abs(hi), 1.0)
    near: list[float] = []
    for w in columns:
        if w.bands is None:
            continue
        ends = [float(b) for b in boundaries(w.bands)]
        below = [b for b in ends if b <= float(w.score)]
        above = [b for b in ends if b > float(w.score)]
        near += [max(below)] if below else []
        near += [min(above)] if above else []
    for b in near:
        if min(lo, b) >= lo - 2 * span and max(hi, b) <= hi + 2 * span:
            lo, hi = min(lo, b), max(hi, b)
    pad = (hi - lo or span) * 0.12
    return lo - pad, hi + pad * 2.5


def _bands(ax: Any, bands: TierBands, view: tuple[float, float]) -> None:
    lo, hi = view
    for i, band in enumerate(bands.bands):
        name = band.tier if band.tier is not None else "(no tier)"
        for iv in band.intervals:
            a = lo if iv.lo is None else max(lo, float(iv.lo))
            b = hi if iv.hi is None else min(hi, float(iv.hi))
            if a >= b:
                continue
            ax.axvspan(
                a,
                b,
                facecolor="#f2f2f2" if i % 2 == 0 else "#e0e0e0",
                hatch=HATCHES[i % len(HATCHES)] if i % 2 else "",
                edgecolor="#c8c8c8",
                linewidth=0,
                zorder=0,
            )
            if (b - a) / (hi - lo) > 0.06:
                ax.text(
                    (a + b) / 2,
                    1.0,
                    name,
                    transform=ax.get_xaxis_transform(),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color="#333333",
                    clip_on=False,
                )
    for x in boundaries(bands):
        if lo < float(x) < hi:
            ax.axvline(float(x), color="#888888", linestyle="--", linewidth=0.8, zorder=1)


def _range(ax: Any, w: Waterfall, view: tuple[float, float]) -> None:
    for end, name in ((w.lo, "min"), (w.hi, "max")):
        if end is not None and view[0] < float(end) < view[1]:
            ax.axvline(float(end), color="#333333", linestyle=":", linewidth=1.0, zorder=1)
            ax.text(
                float(end),
                0.0,
                f"range {name} {fmt_value(end)}",
                transform=ax.get_xaxis_transform(),
                rotation=90,
                ha="right",
                va="bottom",
                fontsize=7,
                color="#333333",
            )


def _step(ax: Any, y: int, s: Step, ident: str, pad: float) -> None:
    x0, x1 = float(s.start), float(s.end)
    if s.kind == "base":
        art = ax.plot([x1], [y], marker="D", color=NEUTRAL, markersize=7, zorder=3)[0]
    elif s.kind == "score":
        art = ax.plot([x1], [y], marker="o", color="#000000", markersize=8, zorder=3)[0]
    elif s.kind == "clamp":
        art = ax.annotate(
            "",
            xy=(x1, y),
            xytext=(x0, y),
            zorder=3,
            arrowprops={"arrowstyle": "-|>", "color": "#000000", "linewidth": 1.5},
        )
    elif x1 == x0:
        art = ax.plot([x1], [y], marker="|", color=NEUTRAL, markersize=12, zorder=3)[0]
    else:
        rising, rest = x1 > x0, s.kind == "rest"
        art = ax.barh(
            y,
            x1 - x0,
            left=x0,
            height=0.6,
            color=NEUTRAL if rest else UP if rising else DOWN,
            hatch="xx" if rest else "" if rising else "///",
            edgecolor="#ffffff" if rising else "#7a2e3b",
            linewidth=0.5,
            zorder=3,
        )[0]
    art.set_gid(ident)
    text = ax.text(max(x0, x1) + pad, y, step_text(s), va="center", ha="left", fontsize=8, zorder=4)
    text.set_gid(f"{ident}-label")


def waterfall_svg(
    columns: Sequence[tuple[str, Waterfall]],
    rows: Sequence[str],
    labels: dict[str, str],
    prefix: str,
) -> Markup:
    """The waterfalls side by side as one inline SVG (see the module docstring).

    `labels` names each row key (`rule:late` → `late`); a row whose steps differ between the
    columns is marked `≠`.

    Raises:
        PicturesUnavailable: matplotlib is not installed.
    """
    walls = [w for _, w in columns]
    view = _view(walls)
    integral = all(isinstance(v, int) for w in walls for s in w.steps for v in (s.start, s.end))
    pad = (view[1] - view[0]) * 0.01
    with apply_style():
        from matplotlib.ticker import MaxNLocator

        fig = figure(PANEL_INCHES * len(columns), ROW_INCHES * len(rows) + 1.1)
        axes = fig.subplots(1, len(columns), sharey=True, squeeze=False)[0]
        for col, (ax, (title, w)) in enumerate(zip(axes, columns, strict=True)):
            ax.set_xlim(*view)
            ax.set_ylim(len(rows) - 0.4, -0.8)
            if w.bands is not None:
                _bands(ax, w.bands, view)
            _range(ax, w, view)
            ax.set_title(
                f"{title}: score {fmt_value(w.score)}, tier {w.tier or '(none)'}",
                pad=14 if w.bands is not None else 6,
            )
            prev: int | None = None  # the row of this column's previous step
            for y, key in enumerate(rows):
                s = w.step(key)
                if s is None:
                    continue
                if prev is not None:  # the running total carried down from the previous step
                    ax.plot(
                        [float(s.start)] * 2, [prev, y], color="#999999", linewidth=0.6, zorder=2
                    )
                _step(ax, y, s, gid(prefix, str(col), key), pad)
                prev = y
            ax.set_xlabel("score")
            if integral:
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(axis="x", color="#dddddd", linewidth=0.5, zorder=0)
        axes[0].set_yticks(range(len(rows)))
        axes[0].set_yticklabels([_row_label(k, labels, walls) for k in rows])
        names = ", ".join(t for t, _ in columns)
        return inline_svg(fig, f"score waterfall for {names}", prefix)


def _row_label(key: str, labels: dict[str, str], walls: Sequence[Waterfall]) -> str:
    label = labels.get(key, key)
    steps = [w.step(key) for w in walls]
    deltas = [None if s is None else s.delta for s in steps]
    differs = len(walls) > 1 and key.startswith("rule:") and len(set(deltas)) > 1
    return f"{label} ≠" if differs else label


__all__ = ["BRIGHT", "signed", "step_text", "waterfall_svg"]
