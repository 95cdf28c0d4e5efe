"""The impact report as text tables and as a plot (SVG, or a self-contained HTML page).

`impact_text(doc, out)` writes the tables of an `analyse` report. `impact_svg(doc)` draws, per
`--by` grouping, one stacked bar of tier shares per group with the favourable-outcome rate and
the four-fifths line; no plotting library is needed for bars, and the file stays byte-for-byte
deterministic. `write_plot(doc, path)` writes `.svg` or `.html` by the path's suffix.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import IO, Any

from ruleproof.safefiles import write_text

_COLOURS = ["#4477aa", "#66ccee", "#228833", "#ccbb44", "#ee6677", "#aa3377", "#bbbbbb"]


def _pct(k: int | None, n: int | None) -> str:
    return f"{100 * k / n:.1f}%" if n and k is not None else "-"


def _table(out: IO[str], header: list[str], rows: list[list[str]], indent: str = "  ") -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        out.write(indent + "  ".join(cells).rstrip() + "\n")


def _score_cell(s: dict[str, Any] | None) -> str:
    if not s:
        return "-"
    return f"{s.get('p10', '-')} / {s.get('median', '-')} / {s.get('p90', '-')}"


def _outcome_rows(
    entries: list[tuple[str, dict[str, Any]]], doc: dict[str, Any]
) -> tuple[list[str], list[list[str]]]:
    first = entries[0][1] if entries else {}
    tiers = [t["tier"] for t in first.get("tiers", [])]
    for _, e in entries:
        tiers += [t["tier"] for t in e.get("tiers", []) if t["tier"] not in tiers]
    sanctions = list(first.get("sanctions", {}))
    header = ["", "people"]
    if "score" in first:
        header.append("score p10/median/p90")
    header += [f"tier {t if t is not None else '(none)'}" for t in tiers]
    header += [f"{s}" for s in sanctions]
    if doc.get("favourable"):
        header += ["favourable", "DI ratio", "4/5 rule"]
    rows = []
    for label, e in entries:
        n = e["n"]
        counts = {t["tier"]: t["count"] for t in e.get("tiers", [])}
        row = [label, str(n)]
        if "score" in first:
            row.append(_score_cell(e.get("score")))
        row += [_pct(counts.get(t, 0), n) for t in tiers]
        row += [_pct(e["sanctions"].get(s, 0), n) for s in sanctions]
        if doc.get("favourable"):
            row.append(_pct(e.get("favourable"), n))
            ratio = e.get("di_ratio")
            row.append(f"{ratio:.3f}" if ratio is not None else "")
            ok = e.get("four_fifths_ok")
            row.append("" if ok is None else ("ok" if ok else "FAILS"))
        rows.append(row)
    return header, rows


def impact_text(doc: dict[str, Any], out: IO[str]) -> None:
    """The report as plain-text tables."""
    out.write(f"{doc['ruleset']} on {doc['data']} ({doc['engine']})\n")
    inv = doc["invalid_rows"]
    out.write(f"{doc['rows']} people scored; {inv['count']} rows refused\n")
    for r in inv["reasons"]:
        out.write(f"  {r['count']:>8}  {r['reason']}\n")
    for ex in inv["examples"]:
        values = ", ".join(f"{k}={v}" for k, v in ex["row"].items())
        out.write(f"    e.g. {values}: {ex['reason']}\n")
    if doc.get("favourable"):
        out.write(f"favourable outcome: {doc['favourable']}\n")
    out.write("\n")
    header, rows = _outcome_rows([("everyone", doc["overall"])], doc)
    _table(out, header, rows)
    for label, entries in doc["groups"].items():
        out.write(f"\nby {label}\n")
        header, rows = _outcome_rows([(str(e["value"]), e) for e in entries], doc)
        _table(out, header, rows)
    if doc["counterfactual"]:
        out.write(
            "\ncounterfactual: people whose outcome changes when only these attributes change\n"
        )
        rows = [
            [
                label,
                str(c["alternatives"]),
                str(c["score"]),
                str(c["tier"]),
                str(c["sanctions"]),
                str(c["any"]),
            ]
            for label, c in doc["counterfactual"].items()
        ]
        _table(out, ["varied", "values tried", "score", "tier", "sanctions", "any"], rows)
        for label, c in doc["counterfactual"].items():
            for ex in c["examples"][:3]:
                changed = ", ".join(f"{k}={v}" for k, v in ex["changed"].items())
                b, a = ex["before"], ex["after"]
                out.write(
                    f"  e.g. {label}: with {changed} → score {b['score']}→{a['score']}, "
                    f"tier {b['tier']}→{a['tier']}, sanctions {b['sanctions']}→{a['sanctions']}\n"
                )
    if doc["properties"]:
        out.write("\nproperties: people in each counterexample region\n")
        rows = [
            [p["property"], str(p["count"]) if "count" in p else f"(skipped: {p['why']})"]
            for p in doc["properties"]
        ]
        _table(out, ["property", "people"], rows)


_SVG_WIDTH, _BAR_W, _LEFT, _ROW_H = 760, 420, 150, 26


def impact_svg(doc: dict[str, Any]) -> str:
    """Tier shares and favourable rates per group, as a standalone SVG document."""
    parts: list[str] = []
    y = 40
    title = html.escape(f"{doc['ruleset']}: outcomes by group ({doc['rows']} people)")
    parts.append(f'<text x="10" y="22" font-size="15" font-weight="bold">{title}</text>')
    colour = _tier_colours(doc)
    for label, entries in doc["groups"].items():
        parts.append(
            f'<text x="10" y="{y + 14}" font-size="13" font-weight="bold">'
            f"by {html.escape(label)}</text>"
        )
        y += 24
        for e in entries:
            parts += _group_row(e, y, colour)
            y += _ROW_H
        y += 10
    parts += _legend(colour, y, doc.get("favourable"))
    height = y + 30
    body = "\n".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_SVG_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_SVG_WIDTH} {height}" font-family="sans-serif">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n{body}\n</svg>\n'
    )


def _tier_colours(doc: dict[str, Any]) -> dict[Any, str]:
    """A colour for each tier, in the order tiers first appear in the groups."""
    tiers_all: list[Any] = []
    for entries in doc["groups"].values():
        for e in entries:
            tiers_all += [t["tier"] for t in e.get("tiers", []) if t["tier"] not in tiers_all]
    return {t: _COLOURS[i % len(_COLOURS)] for i, t in enumerate(tiers_all)}


def _group_row(e: dict[str, Any], y: int, colour: dict[Any, str]) -> list[str]:
    """The SVG elements of one group's row at height `y`: its label, a bar of tier shares and,
    when the group has a favourable rate, its marker and text."""
    parts = [
        f'<text x="10" y="{y + 16}" font-size="12">'
        f"{html.escape(str(e['value']))} (n={e['n']})</text>"
    ]
    x = float(_LEFT)
    for t in e.get("tiers", []):
        w = _BAR_W * t["count"] / e["n"] if e["n"] else 0
        tip = html.escape(f"tier {t['tier']}: {_pct(t['count'], e['n'])}")
        parts.append(
            f'<rect x="{x:.2f}" y="{y + 3}" width="{w:.2f}" height="{_ROW_H - 8}" '
            f'fill="{colour[t["tier"]]}"><title>{tip}</title></rect>'
        )
        x += w
    if "favourable_rate" in e and e["favourable_rate"] is not None:
        fx = _LEFT + _BAR_W * e["favourable_rate"]
        parts.append(
            f'<line x1="{fx:.2f}" x2="{fx:.2f}" y1="{y}" y2="{y + _ROW_H - 2}" '
            'stroke="black" stroke-width="2"/>'
        )
        verdict = "" if e.get("four_fifths_ok", True) else "  below 4/5"
        parts.append(
            f'<text x="{_LEFT + _BAR_W + 10}" y="{y + 16}" font-size="12">favourable '
            f"{_pct(e['favourable'], e['n'])}, "
            f"DI {e.get('di_ratio', 0):.3f}{verdict}</text>"
        )
    return parts


def _legend(colour: dict[Any, str], y: int, favourable: Any) -> list[str]:
    """The legend line at height `y`: a swatch per tier, then the favourable outcome if set."""
    parts: list[str] = []
    lx = 10
    for t, c in colour.items():
        name = html.escape(f"tier {t if t is not None else '(none)'}")
        parts.append(f'<rect x="{lx}" y="{y + 4}" width="12" height="12" fill="{c}"/>')
        parts.append(f'<text x="{lx + 16}" y="{y + 14}" font-size="12">{name}</text>')
        lx += 20 + 8 * len(name)
    if favourable:
        fav = html.escape(f"| favourable: {favourable}")
        parts.append(f'<text x="{lx}" y="{y + 14}" font-size="12">{fav}</text>')
    return parts


def write_plot(doc: dict[str, Any], path: str) -> None:
    """Write the plot as SVG, or as a self-contained HTML page when `path` ends in .html.

    Raises:
        RulesetError: RP607 when the file cannot be written (`ruleproof.safefiles`).
    """
    svg = impact_svg(doc)
    if path.lower().endswith((".html", ".htm")):
        title = html.escape(f"ruleproof impact: {doc['ruleset']}")
        head = f'<head><meta charset="utf-8"><title>{title}</title></head>'
        svg = f"<!DOCTYPE html>\n<html>{head}<body>\n{svg}</body></html>\n"
    target = Path(path)
    write_text(target.parent, target, svg)  # RP607 when it cannot be; never through a link
