"""FEATURES.yaml: how a model's input features come from the attributes of a citizen.

```yaml
ruleset: german-credit-xgboost          # optional: id, title and source of the imported ruleset
attributes:                             # optional: attributes that are not themselves features
  status: {type: enum, values: [a11, a12, a13, a14], domain: finance}
features:                               # model feature name → where its value comes from
  duration: {type: int, range: [4, 72], actionable: decrease}   # an attribute named `duration`
  status_a11: {attribute: status, equals: a11}                  # 1 if status == 'a11' else 0
  purpose: {type: enum, values: [car, tv], codes: {car: 0, tv: 1}}  # an enum read as its code
  income: {type: real, range: [0, 200000], missing: income_unknown}
```

An entry with `type` declares an attribute in the ruleset's own syntax (`type`, `range`,
`values`, `protected`, `domain`, `changes`, `doc`), named after the feature unless `attribute:`
names it; its model input is its value (bool: 1 or 0; enum: its code, `codes` or else its
position in `values`). An entry without `type` reads an attribute declared elsewhere: its value,
or with `equals: V` the indicator 1/0 of "attribute == V" (one-hot encoding). Importer-only keys
of a declaration: `actionable` (`true`, `increase` or `decrease`: the ruleset gets an action by
which the citizen changes it), `missing` (the name of a bool companion attribute: when it is
true the model input is missing, NaN, and the model's missing-value rule decides), `codes`.

`read_features(text, file)` returns a `FeatureMap`, or raises `RulesetError` with every problem;
`FeatureMap.vector(names, citizen)` is the model input vector of a citizen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal, cast

import attrs

from ruleproof.errors import Diagnostic, RulesetError, Span, did_you_mean
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset.fields import Reader
from ruleproof.language.load_ruleset.names import ID_RE, NAME_RE, RESERVED
from ruleproof.language.yamlsource import YMap, YNode, YScalar, read_yaml

Actionable = Literal["no", "any", "increase", "decrease"]
DECL_KEYS = ["type", "range", "values", "protected", "domain", "changes", "doc"]
IMPORT_KEYS = ["actionable", "missing", "codes"]
REF_KEYS = ["attribute", "equals"]
MAX_INPUT = Fraction(2) ** 1000  # int and real ranges must stay well inside float64


@attrs.frozen
class Declared:
    """An attribute of the imported ruleset, with what the importer needs to know about it."""

    attribute: M.Attribute
    actionable: Actionable = "no"
    codes: Mapping[str, float] | None = None  # enum value → model input
    missing: str | None = None  # name of the bool companion attribute


@attrs.frozen
class Feature:
    """A model input: the value of `attribute`, or 1/0 for `attribute == equals`."""

    name: str
    attribute: str
    equals: bool | str | Fraction | None = None
    span: Span = attrs.field(default=Span.point("<features>", 1, 1), eq=False)


@attrs.frozen
class FeatureMap:
    declared: tuple[Declared, ...]
    features: Mapping[str, Feature]
    file: str = "<features>"
    ruleset_id: str | None = None
    title: str = ""
    source: str = ""

    @property
    def by_name(self) -> dict[str, Declared]:
        """The declared attributes by attribute name."""
        return {d.attribute.name: d for d in self.declared}

    def attributes(self) -> list[M.Attribute]:
        """Every attribute of the ruleset, each companion right after its attribute."""
        out = []
        for d in self.declared:
            out.append(d.attribute)
            if d.missing is not None:
                out.append(
                    M.Attribute(
                        d.missing,
                        M.BoolType(),
                        domain=d.attribute.domain,
                        doc=f"the model's input for `{d.attribute.name}` is missing (NaN)",
                    )
                )
        return out

    def value(self, feature: str, citizen: Mapping[str, M.Value]) -> float:
        """The model input `feature` for a citizen: a float, NaN when missing."""
        f = self.features[feature]
        d = self.by_name[f.attribute]
        if d.missing is not None and citizen[d.missing] is True:
            return math.nan
        v = citizen[f.attribute]
        if f.equals is not None:
            return 1.0 if v == f.equals else 0.0
        if isinstance(v, bool):
            return 1.0 if v else 0.0
        if isinstance(v, str):
            assert d.codes is not None
            return d.codes[v]
        return float(v)

    def vector(self, names: Sequence[str], citizen: Mapping[str, M.Value]) -> list[float]:
        """The model's input vector (features in `names` order; unmapped ones are NaN)."""
        return [self.value(n, citizen) if n in self.features else math.nan for n in names]


def _error(code: str, message: str, span: Span, why: str = "", fix: str = "") -> Diagnostic:
    return Diagnostic(code, message, span, why, fix)


class _FeatureReader(Reader):
    def declaration(self, name: str, node: YMap, span: Span) -> Declared | None:
        what = f"attribute `{name}`"
        typ = self.attr_type(node, what)
        if typ is None:
            return None
        if (
            isinstance(typ, M.IntType | M.RealType)
            and max(abs(Fraction(typ.lo)), abs(Fraction(typ.hi))) > MAX_INPUT
        ):
            self.error("RP803", f"the range of {what} is too large for a model input", span)
            return None
        protected = self._protected(node, what)
        text = self.string(node.get("changes"), "`changes`", "fixed")
        if text not in ("fixed", "time"):
            self.error("RP212", f"`changes` of {what} must be fixed or time", span)
        changes: Literal["fixed", "time"] = "time" if text == "time" else "fixed"
        attribute = M.Attribute(
            name,
            typ,
            protected,
            self.string(node.get("domain"), "`domain`") or None,
            changes,
            self.string(node.get("doc"), "`doc`"),
            span,
        )
        return Declared(
            attribute,
            self._actionable(node, what),
            self._codes(node, typ, what),
            self._missing(node),
        )

    def _protected(self, node: YMap, what: str) -> M.Protection:
        p = node.get("protected")
        if p is None:
            return "false"
        v = p.value if isinstance(p, YScalar) else None
        if v is True or v is False or v == "association":
            return "true" if v is True else "false" if v is False else "association"
        self.error("RP212", f"`protected` of {what} must be false, true or association", p.span)
        return "false"

    def _actionable(self, node: YMap, what: str) -> Actionable:
        a = node.get("actionable")
        if a is None:
            return "no"
        v = a.value if isinstance(a, YScalar) else None
        if v is True or v is False:
            return "any" if v else "no"
        if v in ("increase", "decrease"):
            return cast(Actionable, v)
        self.error(
            "RP212",
            f"`actionable` of {what} must be true, false, increase or decrease",
            a.span,
        )
        return "no"

    def _codes(self, node: YMap, typ: M.AttrType, what: str) -> dict[str, float] | None:
        c = node.get("codes")
        if not isinstance(typ, M.EnumType):
            if c is not None:
                self.error("RP803", f"`codes` is for enum attributes; {what} is {typ}", c.span)
            return None
        if c is None:
            return {v: float(i) for i, v in enumerate(typ.values)}
        mp = self.expect_map(c, f"`codes` of {what}", node.span)
        if mp is None:
            return None
        codes: dict[str, float] = {}
        for key, value in mp.items:
            k = str(key.value)
            if k not in typ.values:
                hint = did_you_mean(k, typ.values)
                self.error("RP803", f"`{k}` is not a value of {what}", key.span, fix=hint)
                continue
            q = self.rational(value, f"the code of `{k}`")
            if q is not None:
                codes[k] = float(q)
        for v in typ.values:
            if v not in codes:
                self.error("RP803", f"`codes` of {what} has no code for `{v}`", mp.span)
        return codes

    def _missing(self, node: YMap) -> str | None:
        m = node.get("missing")
        if m is None:
            return None
        if isinstance(m, YScalar) and isinstance(m.value, str) and NAME_RE.match(m.value):
            return m.value
        self.error("RP212", "`missing` must name a bool companion attribute", m.span)
        return None


def read_features(text: str, file: str) -> FeatureMap:
    """Read FEATURES.yaml text. Raises `RulesetError` with every problem found."""
    root = read_yaml(text, file)
    r = _FeatureReader(file)
    top = r.expect_map(root, "a features file", Span.point(file, 1, 1))
    if top is None:
        raise RulesetError(r.diagnostics)
    r.check_keys(
        top,
        ["ruleset", "title", "source", "attributes", "features"],
        "the features file",
        ("features",),
    )
    declared: dict[str, Declared] = {}
    if (attrs_node := top.get("attributes")) is not None:
        _read_attributes(r, attrs_node, top, declared)
    features = _read_feature_section(r, top, declared)
    _check_companions(r, declared)
    if r.diagnostics:
        raise RulesetError(r.diagnostics)
    rid_node = top.get("ruleset")
    rid = r.string(rid_node, "`ruleset`") or None
    if rid is not None and rid_node is not None and not ID_RE.match(rid):
        raise RulesetError(
            [_error("RP213", f"ruleset id `{rid}` must match [a-z0-9-]+", rid_node.span)]
        )
    return FeatureMap(
        tuple(declared.values()),
        features,
        file,
        rid,
        r.string(top.get("title"), "`title`"),
        r.string(top.get("source"), "`source`"),
    )


def _read_attributes(
    r: _FeatureReader, node: YNode, top: YMap, declared: dict[str, Declared]
) -> None:
    """Add the attributes the `attributes:` mapping `node` declares to `declared`, recording
    every problem in `r`."""
    mp = r.expect_map(node, "`attributes`", top.span)
    for key, value in mp.items if mp else ():
        name = r.name(key, "attribute")
        spec = r.expect_map(value, f"attribute `{name}`", key.span)
        if spec is not None:
            r.check_keys(spec, DECL_KEYS + IMPORT_KEYS, f"attribute `{name}`", ("type",))
            _add(r, declared, r.declaration(name, spec, key.span), key)


def _read_feature_section(
    r: _FeatureReader, top: YMap, declared: dict[str, Declared]
) -> dict[str, Feature]:
    """The features of the `features:` mapping by name: those declaring their attribute inline
    (added to `declared`) in file order, then those referring to a declared attribute. Every
    problem is recorded in `r`."""
    features: dict[str, Feature] = {}
    pending: list[tuple[str, YMap, YScalar]] = []
    fmap = r.expect_map(top.get("features"), "`features`", top.span)
    for key, value in fmap.items if fmap else ():
        fname = str(key.value)
        spec = r.expect_map(value, f"feature `{fname}`", key.span)
        if spec is None:
            continue
        if spec.get("type") is not None:
            r.check_keys(spec, ["attribute", *DECL_KEYS, *IMPORT_KEYS], f"feature `{fname}`")
            aname = r.string(spec.get("attribute"), "`attribute`", fname)
            name_key = spec.get("attribute") or key
            assert isinstance(name_key, YScalar)
            aname = r.name(YScalar(aname, aname, None, name_key.span), "attribute")
            _add(r, declared, r.declaration(aname, spec, key.span), key)
            features[fname] = Feature(fname, aname, None, key.span)
        else:
            r.check_keys(spec, REF_KEYS, f"feature `{fname}`", ("attribute",))
            pending.append((fname, spec, key))
    for fname, spec, key in pending:
        feature = _reference(r, declared, fname, spec, key)
        if feature is not None:
            features[fname] = feature
    return features


def _add(r: Reader, declared: dict[str, Declared], d: Declared | None, key: YScalar) -> None:
    """Add `d` (if read) to `declared` under its attribute's name; RP207 if that name is taken."""
    if d is None:
        return
    if d.attribute.name in declared:
        r.error("RP207", f"attribute `{d.attribute.name}` is declared twice", key.span)
        return
    declared[d.attribute.name] = d


def _reference(
    r: Reader, declared: dict[str, Declared], fname: str, spec: YMap, key: YScalar
) -> Feature | None:
    aname = r.string(spec.get("attribute"), "`attribute`")
    d = declared.get(aname)
    if d is None:
        where = spec.get("attribute") or key
        r.error(
            "RP802",
            f"feature `{fname}` reads `{aname}`, which is not declared",
            where.span,
            fix=did_you_mean(aname, declared) or "declare it under `attributes:`",
        )
        return None
    eq_node = spec.get("equals")
    if eq_node is None:
        return Feature(fname, aname, None, key.span)
    value = _equals_value(r, d.attribute, eq_node)
    return None if value is None else Feature(fname, aname, value, key.span)


def _equals_value(r: Reader, a: M.Attribute, node: YNode) -> bool | str | Fraction | None:
    raw = node.value if isinstance(node, YScalar) else None
    match a.type:
        case M.EnumType(values):
            text = node.raw if isinstance(node, YScalar) and raw is not None else ""
            if text in values:
                return text
            r.error(
                "RP803",
                f"`{text}` is not a value of attribute `{a.name}`",
                node.span,
                fix=did_you_mean(text, values) or f"values: {', '.join(values)}",
            )
        case M.BoolType():
            if isinstance(raw, bool):
                return raw
            r.error(
                "RP803", f"`equals` of bool attribute `{a.name}` must be true or false", node.span
            )
        case M.IntType() | M.RealType():
            q = r.rational(node, "`equals`")
            if q is not None and (isinstance(a.type, M.RealType) or q.denominator == 1):
                return q
            if q is not None:
                r.error("RP803", f"`equals` of int attribute `{a.name}` must be whole", node.span)
        case _:
            raise AssertionError(a.type)
    return None


def _check_companions(r: Reader, declared: dict[str, Declared]) -> None:
    names = set(declared)
    for d in declared.values():
        m = d.missing
        if m is None:
            continue
        if m in names or m in RESERVED:
            r.error(
                "RP207",
                f"companion `{m}` of `{d.attribute.name}` clashes with another name",
                d.attribute.span,
                fix="choose another name for `missing:`",
            )
        names.add(m)
