"""Reading the sections of a ruleset file into IR: attributes, assume, define, score, tiers,
sanctions and actions. `read_ruleset(r, root)` reads a whole file through the `Reader` `r`.
"""

from __future__ import annotations

import re
from typing import cast

from ruleproof.errors import Span, did_you_mean
from ruleproof.language import ruleset as M
from ruleproof.language.load_ruleset.domains import check_domains
from ruleproof.language.load_ruleset.fields import Reader
from ruleproof.language.load_ruleset.names import (
    ACTION_KEYS,
    ATTR_KEYS,
    CASE_KEYS,
    GROUP_KEYS,
    ID_RE,
    PARAM_KEYS,
    RULE_KEYS,
    SANCTION_KEYS,
    TIER_KEYS,
    TOP_KEYS,
)
from ruleproof.language.values import fmt_value
from ruleproof.language.yamlsource import YMap, YNode, YScalar
from ruleproof.limits import ID_CHARS, TIERS


def read_ruleset(r: Reader, root: YNode | None) -> M.Ruleset | None:
    top = Span.point(r.file, 1, 1)
    node = r.expect_map(root, "a ruleset file", top)
    if node is None:
        return None
    r.check_keys(node, TOP_KEYS, "the ruleset", ("ruleset", "attributes"))
    rid = r.string(node.get("ruleset"), "`ruleset`", "unnamed")
    if len(rid) > ID_CHARS.value:
        r.diagnostics.append(
            ID_CHARS.exceeded(
                node.get("ruleset").span,  # type: ignore[union-attr]
                f"the ruleset id is {len(rid):,} characters long",
            )
        )
    elif node.get("ruleset") is not None and not ID_RE.match(rid):
        r.error(
            "RP213",
            f"ruleset id `{rid}` must match [a-z0-9-]+",
            node.get("ruleset").span,  # type: ignore[union-attr]
            fix=f"e.g. `{re.sub(r'[^a-z0-9-]+', '-', rid.lower()).strip('-') or 'x'}`",
        )
    attributes = read_attributes(r, node.get("attributes"), node.span)
    check_domains(r, node)
    assumptions = []
    assume = node.get("assume")
    if assume is not None and (seq := r.expect_seq(assume, "`assume`", node.span)):
        for i, item in enumerate(seq.items):
            e, text = r.expr(item, f"assume #{i + 1}")
            assumptions.append(M.Assumption(e, text, i + 1, item.span))
    defines = []
    define = node.get("define")
    if define is not None and (mp := r.expect_map(define, "`define`", node.span)):
        for key, value in mp.items:
            name = r.name(key, "define")
            e, text = r.expr(value, f"define `{name}`")
            defines.append(M.Define(name, e, text, key.span))
    score = read_score(r, node.get("score"), node.span) if node.get("score") is not None else None
    tiers = read_tiers(r, node.get("tiers"), node.span) if node.get("tiers") is not None else ()
    sanctions = (
        read_sanctions(r, node.get("sanctions"), node.span)
        if node.get("sanctions") is not None
        else ()
    )
    actions = (
        read_actions(r, node.get("actions"), node.span) if node.get("actions") is not None else ()
    )
    return M.Ruleset(
        id=rid,
        attributes=tuple(attributes),
        title=r.string(node.get("title"), "`title`"),
        source=r.string(node.get("source"), "`source`"),
        assumptions=tuple(assumptions),
        defines=tuple(defines),
        score=score,
        tiers=tuple(tiers),
        sanctions=tuple(sanctions),
        actions=tuple(actions),
        file=r.file,
        span=node.span,
    )


def read_attributes(r: Reader, node: YNode | None, span: Span) -> list[M.Attribute]:
    out: list[M.Attribute] = []
    mp = r.expect_map(node, "`attributes`", span)
    if mp is None:
        return out
    for key, value in mp.items:
        name = r.name(key, "attribute")
        what = f"attribute `{name}`"
        spec = r.expect_map(value, what, key.span)
        if spec is None:
            continue
        r.check_keys(spec, ATTR_KEYS, what, ("type",))
        typ = r.attr_type(spec, what)
        prot_node = spec.get("protected")
        protected: M.Protection = "false"
        if prot_node is not None:
            pv = prot_node.value if isinstance(prot_node, YScalar) else None
            if pv is True:
                protected = "true"
            elif pv is False:
                protected = "false"
            elif pv == "association":
                protected = "association"
            else:
                r.error(
                    "RP212",
                    f"`protected` of {what} must be false, true or association",
                    prot_node.span,
                )
        changes = r.string(spec.get("changes"), "`changes`", "fixed")
        if changes not in ("fixed", "time"):
            where = spec.get("changes") or spec
            r.error("RP212", f"`changes` of {what} must be fixed or time", where.span)
            changes = "fixed"
        domain = r.string(spec.get("domain"), "`domain`") or None
        if typ is not None:
            out.append(
                M.Attribute(
                    name,
                    typ,
                    protected,
                    domain,
                    changes,  # type: ignore[arg-type]
                    r.string(spec.get("doc"), "`doc`"),
                    key.span,
                )
            )
    return out


def read_score(r: Reader, node: YNode | None, span: Span) -> M.Score | None:
    mp = r.expect_map(node, "`score`", span)
    if mp is None:
        return None
    r.check_keys(mp, ["base", "range", "rules"], "`score`")
    base: M.Num = 0
    if mp.get("base") is not None:
        base = r.number(mp.get("base"), "`score.base`") or 0
    lo = hi = None
    if mp.get("range") is not None and (
        seq := r.expect_seq(mp.get("range"), "`score.range`", mp.span)
    ):
        if len(seq.items) == 2:
            lo, hi = (r.number(b, "a bound of `score.range`") for b in seq.items)
            if lo is not None and hi is not None and lo > hi:
                r.error(
                    "RP204",
                    f"empty score range [{fmt_value(lo)}, {fmt_value(hi)}]",
                    seq.span,
                    fix="write the low bound first",
                )
        else:
            r.error("RP204", "`score.range` must have two bounds", seq.span)
    rules: list[M.ScoreRule] = []
    if mp.get("rules") is not None and (
        seq := r.expect_seq(mp.get("rules"), "`score.rules`", mp.span)
    ):
        for i, item in enumerate(seq.items):
            rule = _read_rule(r, item, i, seq.span)
            if rule is not None:
                rules.append(rule)
    return M.Score(base, tuple(rules), lo, hi, mp.span)


def _read_rule(r: Reader, item: YNode, i: int, span: Span) -> M.ScoreRule | None:
    """One item of `score.rules`: a rule (`when`, `add`) or a group (`one_of`)."""
    rm = r.expect_map(item, f"score rule #{i + 1}", span)
    if rm is None:
        return None
    get = rm.get  # bound once: six keys are read for each of up to 100,000 rules
    if get("one_of") is not None:
        return _read_group(r, rm, i)
    r.check_keys(rm, RULE_KEYS, f"score rule #{i + 1}", ("id", "add"))
    rid = r.string(get("id"), "rule `id`", f"rule-{i + 1}")
    add_node = get("add")
    if add_node is None:
        return None
    when, wt = r.expr(get("when"), f"`when` of rule `{rid}`", "True")
    add, at = r.expr(add_node, f"`add` of rule `{rid}`")
    cites, doc = r.string(get("cites"), "`cites`"), r.string(get("doc"), "`doc`")
    return M.ScoreRule(rid, when, add, wt, at, cites, doc, rm.span)


def _read_group(r: Reader, rm: YMap, i: int) -> M.ScoreRule | None:
    """A `one_of` group: its cases in order (the first whose `when` holds adds its `add`)."""
    r.check_keys(rm, GROUP_KEYS, f"score rule #{i + 1}", ("id", "one_of"))
    rid = r.string(rm.get("id"), "rule `id`", f"rule-{i + 1}")
    seq = r.expect_seq(rm.get("one_of"), f"`one_of` of rule `{rid}`", rm.span)
    if seq is None:
        return None
    if not seq.items:
        r.error(
            "RP204",
            f"`one_of` of rule `{rid}` has no cases",
            seq.span,
            fix="list the cases: `- {id: ..., when: ..., add: ...}`",
        )
        return None
    cases: list[M.Case] = []
    for j, item in enumerate(seq.items):
        what = f"case #{j + 1} of rule `{rid}`"
        cm = r.expect_map(item, what, seq.span)
        if cm is None:
            continue
        r.check_keys(cm, CASE_KEYS, what, ("id", "when", "add"))
        cid = r.string(cm.get("id"), "case `id`", f"{rid}-{j + 1}")
        if cm.get("when") is None or cm.get("add") is None:
            continue
        when, wt = r.expr(cm.get("when"), f"`when` of case `{cid}`")
        add, at = r.expr(cm.get("add"), f"`add` of case `{cid}`")
        cites, doc = r.string(cm.get("cites"), "`cites`"), r.string(cm.get("doc"), "`doc`")
        cases.append(M.Case(cid, when, add, wt, at, cites, doc, cm.span))
    cites, doc = r.string(rm.get("cites"), "`cites`"), r.string(rm.get("doc"), "`doc`")
    return M.group_rule(rid, tuple(cases), cites, doc, rm.span)


def read_tiers(r: Reader, node: YNode | None, span: Span) -> list[M.Tier]:
    out: list[M.Tier] = []
    seq = r.expect_seq(node, "`tiers`", span)
    if seq is None:
        return out
    if len(seq.items) > TIERS.value:
        r.diagnostics.append(TIERS.exceeded(seq.span, f"the ruleset has {len(seq.items):,} tiers"))
        return out
    for i, item in enumerate(seq.items):
        tm = r.expect_map(item, f"tier #{i + 1}", seq.span)
        if tm is None:
            continue
        r.check_keys(tm, TIER_KEYS, f"tier #{i + 1}", ("id", "when"))
        tid = r.string(tm.get("id"), "tier `id`", f"tier-{i + 1}")
        if tm.get("when") is None:
            continue
        when, wt = r.expr(tm.get("when"), f"`when` of tier `{tid}`")
        out.append(M.Tier(tid, when, wt, r.string(tm.get("doc"), "`doc`"), tm.span))
    return out


def read_sanctions(r: Reader, node: YNode | None, span: Span) -> list[M.Sanction]:
    out: list[M.Sanction] = []
    mp = r.expect_map(node, "`sanctions`", span)
    if mp is None:
        return out
    for key, value in mp.items:
        name = r.name(key, "sanction")
        what = f"sanction `{name}`"
        sm = r.expect_map(value, what, key.span)
        if sm is None:
            continue
        r.check_keys(sm, SANCTION_KEYS, what, ("when",))
        if sm.get("when") is None:
            continue
        when, wt = r.expr(sm.get("when"), f"`when` of {what}")
        appeal: list[str] = []
        if sm.get("appeal") is not None and (
            seq := r.expect_seq(sm.get("appeal"), f"`appeal` of {what}", sm.span)
        ):
            appeal = [r.string(a, "an appeal action name") for a in seq.items]
        out.append(
            M.Sanction(
                name,
                when,
                wt,
                r.string(sm.get("domain"), "`domain`") or None,
                tuple(appeal),
                r.string(sm.get("cites"), "`cites`"),
                r.string(sm.get("doc"), "`doc`"),
                key.span,
            )
        )
    return out


def read_actions(r: Reader, node: YNode | None, span: Span) -> list[M.Action]:
    out: list[M.Action] = []
    mp = r.expect_map(node, "`actions`", span)
    if mp is None:
        return out
    for key, value in mp.items:
        name = r.name(key, "action")
        what = f"action `{name}`"
        am = r.expect_map(value, what, key.span)
        if am is None:
            continue
        r.check_keys(am, ACTION_KEYS, what, ("by",))
        by = r.string(am.get("by"), "`by`", "citizen")
        if am.get("by") is not None and by not in M.ACTOR_KINDS:
            r.error(
                "RP212",
                f"`by` of {what} must be citizen, authority or time",
                am.get("by").span,  # type: ignore[union-attr]
                fix=did_you_mean(by, M.ACTOR_KINDS) or "",
            )
            by = "citizen"
        when, wt = r.expr(am.get("when"), f"`when` of {what}", "True")
        params: list[M.Param] = []
        if am.get("params") is not None and (
            pm := r.expect_map(am.get("params"), f"`params` of {what}", am.span)
        ):
            for pk, pv in pm.items:
                pname = r.name(pk, "param")
                pspec = r.expect_map(pv, f"param `{pname}`", pk.span)
                if pspec is None:
                    continue
                r.check_keys(pspec, PARAM_KEYS, f"param `{pname}`", ("type",))
                ptype = r.attr_type(pspec, f"param `{pname}`")
                if ptype is not None:
                    params.append(M.Param(pname, ptype, pk.span))
        sets: list[M.Assignment] = []
        if am.get("set") is not None and (
            sm := r.expect_map(am.get("set"), f"`set` of {what}", am.span)
        ):
            for sk, sv in sm.items:
                e, text = r.expr(sv, f"`set.{sk.value}` of {what}")
                sets.append(M.Assignment(str(sk.value), e, text, sk.span))
        out.append(
            M.Action(
                name,
                cast(M.ActorKind, by),
                when,
                wt,
                tuple(params),
                tuple(sets),
                r.string(am.get("cites"), "`cites`"),
                r.string(am.get("doc"), "`doc`"),
                key.span,
            )
        )
    return out
