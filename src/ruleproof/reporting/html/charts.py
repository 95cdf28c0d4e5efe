"""The report's charts (matplotlib, inline SVG): a labelled heatmap and two kinds of bar chart.

- `heatmap_svg(rows, cols, cells, …)`: a matrix whose every cell carries its label (a word or a
  number), shaded by level and hatched where undecided, so it reads without colour.
- `shares_svg(groups, categories, …)`: one stacked horizontal bar per group, the share of each
  category written in its segment (when wide enough) and each category hatched differently.
- `counts_svg(items, …)`: horizontal bars of counts out of a total, each labelled `n (p %)`.

Every function raises `PicturesUnavailable` when matplotlib is not installed.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from ruleproof.semantics.display.plot import BRIGHT, HATCHES, apply_style, figure, inline_svg

LEVEL_COLOURS = {0: "#ffffff", 1: "#f3d9a4", 2: "#c8553d", 3: "#e8e8e8", 4: "#f4f4f4"}


def heatmap_svg(
    rows: Sequence[str],
    cols: Sequence[str],
    cells: dict[tuple[int, int], tuple[str, int]],
    labels: tuple[str, str],
    prefix: str,
) -> Markup:
    """A matrix; `cells[(i, j)] = (text, level)`: level 0 (none) … 2 (most), 3 undecided
    (hatched), 4 not applicable (grey)."""
    with apply_style():
        from matplotlib.patches import Rectangle

        fig = figure(1.3 + 1.15 * len(cols), 0.9 + 0.55 * len(rows))
        ax = fig.subplots()
        for (i, j), (text, level) in cells.items():
            ax.add_patch(
                Rectangle(
                    (j - 0.5, i - 0.5),
                    1,
                    1,
                    facecolor=LEVEL_COLOURS[level],
                    edgecolor="#999999",
                    hatch="///" if level == 3 else "",
                    linewidth=0.8,
                    gid=f"{prefix}-cell-{i}-{j}",
                )
            )
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=9,
                color="#ffffff" if level == 2 else "#1a1a1a",
                fontweight="bold" if level == 2 else "normal",
                gid=f"{prefix}-label-{i}-{j}",
            )
        ax.set_xlim(-0.5, len(cols) - 0.5)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xticks(range(len(cols)), cols)
        ax.set_yticks(range(len(rows)), rows)
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
        ax.set_xlabel(labels[1])
        ax.set_ylabel(labels[0])
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.tick_params(length=0)
        return inline_svg(fig, f"{labels[0]} by {labels[1]}", prefix)


def shares_svg(
    groups: Sequence[tuple[str, Sequence[int]]],
    categories: Sequence[str],
    title: str,
    prefix: str,
) -> Markup:
    """Stacked 100 % bars: `groups[k] = (label, one count per category)`."""
    with apply_style():
        fig = figure(7.0, 1.0 + 0.42 * len(groups) + 0.25 * ((len(categories) + 3) // 4))
        ax = fig.subplots()
        for y, (_, counts) in enumerate(groups):
            total = sum(counts) or 1
            left = 0.0
            for k, n in enumerate(counts):
                share = n / total
                ax.barh(
                    y,
                    share,
                    left=left,
                    height=0.62,
                    color=BRIGHT[k % len(BRIGHT)],
                    hatch=HATCHES[k % len(HATCHES)],
                    edgecolor="#ffffff",
                    linewidth=0.6,
                    label=categories[k] if y == 0 else None,
                    gid=f"{prefix}-bar-{y}-{k}",
                )
                if share >= 0.07:
                    ax.text(
                        left + share / 2,
                        y,
                        f"{100 * share:.0f}%",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="#000000",
                        bbox={
                            "boxstyle": "round,pad=0.1",
                            "facecolor": "#ffffff",
                            "edgecolor": "none",
                            "alpha": 0.8,
                        },
                    )
                left += share
        ax.set_yticks(range(len(groups)), [g for g, _ in groups])
        ax.set_ylim(len(groups) - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(lambda x, _: f"{100 * x:.0f}%")
        ax.set_title(title, loc="left")
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=min(4, len(categories)),
            frameon=False,
            fontsize=8,
        )
        return inline_svg(fig, title, prefix)


def counts_svg(items: Sequence[tuple[str, int]], total: int, title: str, prefix: str) -> Markup:
    """Horizontal bars of counts out of `total`, each labelled with the count and its share."""
    with apply_style():
        fig = figure(7.0, 0.9 + 0.34 * len(items))
        ax = fig.subplots()
        top = max([n for _, n in items] + [1])
        for y, (_, n) in enumerate(items):
            ax.barh(y, n, height=0.6, color=BRIGHT[0], gid=f"{prefix}-bar-{y}")
            share = f" ({100 * n / total:.1f}%)" if total else ""
            ax.text(n + top * 0.01, y, f"{n:,}{share}", va="center", fontsize=8)
        ax.set_yticks(range(len(items)), [label for label, _ in items])
        ax.set_ylim(len(items) - 0.5, -0.5)
        ax.set_xlim(0, top * 1.25)
        ax.set_xlabel(f"people (of {total:,})")
        ax.set_title(title, loc="left")
        return inline_svg(fig, title, prefix)
