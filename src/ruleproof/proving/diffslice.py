"""Slicing a diff: which parts of NEW are the same functions of the citizen as parts of OLD.

Pure IR, no Z3. `match_versions(old, new)` returns a `Correspondence`:

- `attributes`: names declared in both versions with the same type. `diff` gives such an
  attribute one Z3 constant in both encodings.
- `names`: NEW define, sanction, `score`, `tier`, `sanctioned` → the OLD name with the same
  definition, and `rules`: NEW score rule id → OLD rule id (a bijection onto the OLD rules it
  uses; identical rules under other ids or in another order match too).

"The same definition" means: after renaming every name the NEW definition reads through the
correspondence (shared attributes to themselves, matched values to their OLD partners), the
expression equals the OLD one (spans ignored). A name it reads that is not in the
correspondence (an attribute of one version only or of another type, an unmatched define)
prevents the match. Soundness, by induction over NEW's dependency order: every name a matched
definition reads denotes the same value in both versions (the same attribute constant, or a
matched value), so the NEW value equals the OLD one for every citizen and `diff` may use OLD's
term for it. `score` matches when the base, the range and the multiset of rules match;
`tier` when the tier ids and conditions match in order; `sanctioned` when the sanctions match
one to one.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language.dependencies import dependency_graph, topological_order


@attrs.frozen
class Correspondence:
    attributes: frozenset[str] = frozenset()
    names: Mapping[str, str] = attrs.field(factory=dict)
    rules: Mapping[str, str] = attrs.field(factory=dict)

    def rules_changed(self, old: M.Ruleset, new: M.Ruleset) -> tuple[list[str], list[str]]:
        """(OLD rule ids, NEW rule ids) without a partner: the rules entering the difference."""
        used = set(self.rules.values())
        old_rules = old.score.rules if old.score else ()
        new_rules = new.score.rules if new.score else ()
        return (
            [r.id for r in old_rules if r.id not in used],
            [r.id for r in new_rules if r.id not in self.rules],
        )


class _Unmatched(Exception):
    pass


def rename(e: E.Expr, mapping: Mapping[str, str]) -> E.Expr | None:
    """`e` with every name replaced through `mapping`, or None if it reads an unmapped name."""
    try:
        return _rename(e, mapping)
    except _Unmatched:
        return None


def _rename(e: E.Expr, m: Mapping[str, str]) -> E.Expr:
    def rename(v: E.Var) -> E.Expr:
        if v.name not in m:
            raise _Unmatched(v.name)
        return E.Var(m[v.name], v.citizen, v.span)

    return E.map_vars(e, rename)


def same_attributes(old: M.Ruleset, new: M.Ruleset) -> frozenset[str]:
    """Attributes declared in both versions with the same type."""
    return frozenset(
        a.name
        for a in new.attributes
        if a.name in old.attribute_index and old.attribute(a.name).type == a.type
    )


def match_versions(old: M.Ruleset, new: M.Ruleset) -> Correspondence:
    """The correspondence between NEW's derived values and OLD's (see the module docstring)."""
    shared = same_attributes(old, new)
    mapping: dict[str, str] = {a: a for a in shared}
    names: dict[str, str] = {}
    rules: dict[str, str] = {}
    old_defines = {d.expr: d.name for d in reversed(old.defines)}
    old_sanctions = {s.when: s.name for s in reversed(old.sanctions)}

    def bind(new_name: str, old_name: str | None) -> None:
        if old_name is not None:
            names[new_name] = old_name
            mapping[new_name] = old_name

    for node in topological_order(dependency_graph(new)):
        kind, _, name = node.partition(":")
        if kind == "define":
            d = new.define(name)
            assert d is not None
            e = rename(d.expr, mapping)
            bind(name, old_defines.get(e) if e is not None else None)
        elif kind == "sanction":
            s = new.sanction(name)
            assert s is not None
            e = rename(s.when, mapping)
            bind(name, old_sanctions.get(e) if e is not None else None)
        elif node == "sanctioned":
            images = [names.get(s.name) for s in new.sanctions]
            if (
                None not in images
                and len(set(images)) == len(images)
                and set(images) == {s.name for s in old.sanctions}
            ):
                bind("sanctioned", "sanctioned")
        elif node == "score":
            rules = _match_rules(old, new, mapping)
            if _score_matches(old, new, rules):
                bind("score", "score")
        elif node == "tier" and _tiers_match(old, new, mapping):
            bind("tier", "tier")
    return Correspondence(shared, names, rules)


def _match_rules(old: M.Ruleset, new: M.Ruleset, mapping: Mapping[str, str]) -> dict[str, str]:
    if old.score is None or new.score is None:
        return {}
    out: dict[str, str] = {}
    # Most rules of a new version are the old rule under the same id, reading names that map
    # to themselves: equal expressions match without renaming and hashing every rule.
    by_id = {r.id: r for r in old.score.rules}
    rest: list[M.ScoreRule] = []
    for r in new.score.rules:
        o = by_id.get(r.id)
        if (
            o is not None
            and o.when_text == r.when_text
            and o.add_text == r.add_text
            and all(mapping.get(n) == n for n in _names(r))
            and o.when == r.when
            and o.add == r.add
        ):
            out[r.id] = o.id
        else:
            rest.append(r)
    if not rest:
        return out
    used = set(out.values())
    free: dict[tuple[E.Expr, E.Expr], list[str]] = {}
    for r in old.score.rules:
        if r.id not in used:
            free.setdefault((r.when, r.add), []).append(r.id)
    for r in rest:
        when, add = rename(r.when, mapping), rename(r.add, mapping)
        if when is None or add is None:
            continue
        ids = free.get((when, add))
        if ids:
            pick = r.id if r.id in ids else ids[0]
            ids.remove(pick)
            out[r.id] = pick
    return out


def _names(r: M.ScoreRule) -> frozenset[str]:
    return r.reads


def _score_matches(old: M.Ruleset, new: M.Ruleset, rules: Mapping[str, str]) -> bool:
    o, n = old.score, new.score
    if o is None or n is None or (o.base, o.lo, o.hi) != (n.base, n.lo, n.hi):
        return False
    return len(rules) == len(n.rules) == len(o.rules)


def _tiers_match(old: M.Ruleset, new: M.Ruleset, mapping: Mapping[str, str]) -> bool:
    if len(old.tiers) != len(new.tiers) or not new.tiers:
        return False
    return all(
        t.id == u.id and rename(u.when, mapping) == t.when
        for t, u in zip(old.tiers, new.tiers, strict=True)
    )
