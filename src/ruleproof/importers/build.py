"""Putting an import together: model + features + threshold → ruleset YAML text.

`ensemble_ruleset` and `points_ruleset` choose the ruleset's id, title and source, translate the
model (`translate`, `points`), turn "prediction > T" into an exact margin threshold (`links`) and
write the file (`emit`). The header and the `positive` tier's doc say how the score relates to
the library's own floating-point arithmetic.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.importers.emit import Imported, to_yaml
from ruleproof.importers.features import FeatureMap
from ruleproof.importers.floats import decimal_text, has_decimal
from ruleproof.importers.links import (
    Link,
    ThresholdError,
    float_band,
    granularity,
    margin_threshold,
)
from ruleproof.importers.points import Table, table_groups
from ruleproof.importers.translate import ensemble_groups
from ruleproof.importers.trees import Ensemble, Leaf

DEFAULT_THRESHOLD = Fraction(1, 2)


def ruleset_id(fmap: FeatureMap, out: str | None, model: str) -> str:
    """The id: FEATURES.yaml's `ruleset`, else the output file's name, else the model's."""
    if fmap.ruleset_id:
        return fmap.ruleset_id
    stem = Path(out or model).stem
    rid = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return rid or "imported-model"


def _threshold_error(exc: ThresholdError) -> RulesetError:
    return RulesetError(
        [Diagnostic("RP807", str(exc), Span.point("--threshold", 1, 1), fix="give --threshold T")]
    )


def _sci(q: Fraction) -> str:
    return f"{float(q):.2g}"


def ensemble_ruleset(
    ens: Ensemble,
    fmap: FeatureMap,
    model: str,
    threshold: Fraction | None = None,
    out: str | None = None,
    command: str = "",
) -> str:
    """The imported ruleset's YAML text. Raises `RulesetError` for a features file that does
    not fit the model (RP802, RP803) or a bad threshold (RP807)."""
    _check_features(ens, fmap, model)
    label = Path(model).name
    groups = ensemble_groups(ens, fmap, label)
    t = DEFAULT_THRESHOLD if threshold is None else threshold
    values = [ens.base] + [n.value for tr in ens.trees for n in tr.nodes if isinstance(n, Leaf)]
    try:
        theta = margin_threshold(ens.link, t, granularity(values))
    except ThresholdError as exc:
        raise _threshold_error(exc) from None
    magnitude = abs(ens.base) + sum(
        (
            max((abs(n.value) for n in tr.nodes if isinstance(n, Leaf)), default=Fraction(0))
            for tr in ens.trees
        ),
        Fraction(0),
    )
    band = float_band(ens.link, t, ens.width, len(ens.trees) + 1, magnitude, ens.base_error)
    what = {"identity": "the prediction", "logistic": "P(class 1)", "exp": "the prediction"}
    doc = (
        f"{what[ens.link.kind]} > {decimal_text(t) if has_decimal(t) else t}"
        f" ({ens.link.describe()}), exactly; {ens.library} sums in float{ens.width} and may "
        f"decide otherwise only where the exact margin is within {_sci(band)} of the threshold"
    )
    header = (
        f"Imported from {label} ({ens.library}: {ens.source}) by {command or 'ruleproof'}; "
        "do not edit by hand.",
        "score = the model's raw margin, exactly: base + the value of the leaf each tree reaches.",
        *ens.notes,
    )
    imp = Imported(
        ruleset_id(fmap, out, model),
        fmap.title or f"{ens.library} model {label}",
        (fmap.source + " " if fmap.source else "")
        + f"Model: {label} ({ens.library}; {ens.source}).",
        fmap,
        ens.base,
        tuple(groups),
        theta,
        doc,
        header,
    )
    return to_yaml(imp)


def points_ruleset(
    table: Table,
    fmap: FeatureMap,
    model: str,
    threshold: Fraction | None = None,
    out: str | None = None,
    command: str = "",
) -> str:
    """The ruleset of a points table: score = base points + the points of each variable's bin."""
    label = Path(model).name
    groups = table_groups(table, fmap, label)
    t = DEFAULT_THRESHOLD if threshold is None else threshold
    header = (
        f"Imported from {label} (points table) by {command or 'ruleproof'}; do not edit by hand.",
        "score = base points + the points of the bin each variable falls in (first bin that "
        "matches; none: 0).",
    )
    imp = Imported(
        ruleset_id(fmap, out, model),
        fmap.title or f"Points table {label}",
        (fmap.source + " " if fmap.source else "") + f"Points table: {label}.",
        fmap,
        table.base,
        tuple(groups),
        margin_threshold(Link("identity"), t, 1),
        f"score > {decimal_text(t) if has_decimal(t) else t}",
        header,
    )
    return to_yaml(imp)


def _check_features(ens: Ensemble, fmap: FeatureMap, model: str) -> None:
    """Every feature FEATURES.yaml names is one of the model's (RP802); companions only for
    models that accept missing values (RP803)."""
    known = set(ens.feature_names)
    problems = []
    from ruleproof.errors import did_you_mean

    for f in fmap.features.values():
        if f.name not in known:
            problems.append(
                Diagnostic(
                    "RP802",
                    f"`{f.name}` is not a feature of the model {Path(model).name}",
                    f.span,
                    fix=did_you_mean(f.name, known)
                    or f"the model's features: {', '.join(ens.feature_names[:12])}"
                    + (" …" if len(known) > 12 else ""),
                )
            )
        elif not ens.accepts_missing and fmap.by_name[f.attribute].missing is not None:
            problems.append(
                Diagnostic(
                    "RP803",
                    f"`{f.attribute}` has a `missing:` companion, but {ens.library} "
                    f"{ens.source.split(',')[0]} does not accept missing inputs",
                    f.span,
                    fix="remove `missing:`",
                )
            )
    if problems:
        raise RulesetError(problems)
