"""Readers for the structured property kinds of DESIGN §3, part of loading a property file.

`independent`, `monotone`, `recourse`, `reachable` and `forall` entries have their own keys and
their own checks against the ruleset (selectors, outputs, ordered types, actions, citizens).
Each function takes the `PropertyReader` of `ruleproof.language.load_suite`, returns the kind's IR
or `None`, and reports every problem to the reader's diagnostics; none of them raises.
"""

from __future__ import annotations

import difflib
from typing import Literal, cast

from ruleproof.errors import did_you_mean
from ruleproof.language import expr as E
from ruleproof.language import ruleset as M
from ruleproof.language import suite as P
from ruleproof.language.load_ruleset.names import NAME_RE, RESERVED
from ruleproof.language.load_suite.fields import PropertyReader, expr_text, key_of, shown
from ruleproof.language.load_suite.selectors import read_outputs, read_selector
from ruleproof.language.types import INT, REAL
from ruleproof.language.yamlsource import YMap, YNode, YScalar
from ruleproof.limits import CITIZENS

MAX_CITIZENS = CITIZENS.value


def independent(r: PropertyReader, value: YNode) -> P.Independent | None:
    mp = r.mapping(value, "independent", ["of", "outputs"], "{of: protected}")
    if mp is None:
        return None
    of_node = r.required(mp, "of", "independent", "{of: protected}")
    sel = read_selector(r, of_node) if of_node is not None else None
    outputs: tuple[str, ...] | None = None
    if (out_node := mp.get("outputs")) is not None:
        outputs = read_outputs(r, out_node)
        if outputs is None:
            return None
    return P.Independent(sel, outputs) if sel is not None else None


def monotone(r: PropertyReader, value: YNode) -> P.Monotone | None:
    example = "{in: debt, output: score, direction: nonincreasing}"
    mp = r.mapping(value, "monotone", ["in", "output", "direction"], example)
    if mp is None:
        return None
    in_node, out_node, dir_node = (
        r.required(mp, k, "monotone", example) for k in ("in", "output", "direction")
    )
    var = monotone_in(r, in_node) if in_node is not None else None
    output = monotone_output(r, out_node) if out_node is not None else None
    direction = None
    if dir_node is not None:
        d = dir_node.value if isinstance(dir_node, YScalar) else None
        if d in ("nondecreasing", "nonincreasing"):
            direction = d
        else:
            r.error(
                "RP506",
                f"`direction` must be nondecreasing or nonincreasing, got `{shown(dir_node)}`",
                dir_node.span,
                fix=direction_hint(str(d)),
            )
    if var is None or output is None or direction is None:
        return None
    return P.Monotone(var, output, direction)  # type: ignore[arg-type]


# Words people write for a direction, by what they mean; spelling is judged only after meaning,
# since `decreasing` is closer in letters to `nondecreasing` than to what it means.
_DIRECTION_WORDS = {
    "nonincreasing": ("decreasing", "descending", "down", "falling", "lower", "nonincreasing"),
    "nondecreasing": ("increasing", "ascending", "up", "rising", "higher", "nondecreasing"),
}
_DIRECTION_MEANING = {
    "nonincreasing": "a higher value never raises the output",
    "nondecreasing": "a higher value never lowers the output",
}


def direction_hint(given: str) -> str:
    """The fix for a wrong `direction`: the keyword that means what `given` says (a misspelt
    word is matched to the nearest word first, then to what that word means)."""
    word = given.lower().replace("-", "").replace("_", "").replace(" ", "")
    meaning = {w: keyword for keyword, words in _DIRECTION_WORDS.items() for w in words}
    close = difflib.get_close_matches(word, sorted(meaning), n=1, cutoff=0.6)
    if close:
        keyword = meaning[close[0]]
        return f"write `{keyword}`: {_DIRECTION_MEANING[keyword]}"
    return "write `nonincreasing` (a higher value never raises the output) or `nondecreasing`"


def monotone_in(r: PropertyReader, node: YNode) -> str | None:
    name = r.text(node, "`in`")
    if name is None:
        return None
    attr = r.ruleset.attribute_index.get(name)
    if attr is None:
        r.error(
            "RP508",
            f"unknown attribute `{name}` in `monotone`",
            node.span,
            fix=did_you_mean(name, r.ruleset.attribute_index)
            or "`in` names an int or real attribute",
        )
        return None
    if not isinstance(attr.type, M.IntType | M.RealType):
        r.error(
            "RP511",
            f"`monotone` needs an int or real attribute, but `{name}` is {attr.type}",
            node.span,
            why=f"{attr.type} values are not ordered",
            fix=f"use `independent: {{of: [{name}]}}` or a `forall` query",
        )
        return None
    return name


def monotone_output(r: PropertyReader, node: YNode) -> str | None:
    name = r.text(node, "`output`")
    if name is None:
        return None
    if name == "score":
        return name if r.needs("score", node.span, "output `score`") else None
    if name in r.ruleset.attribute_index:
        r.error(
            "RP511",
            f"`{name}` is an attribute, not an output",
            node.span,
            why="monotone compares an output (score or a numeric define) of two citizens",
            fix="use `output: score`, or name a numeric define",
        )
        return None
    numeric = [d.name for d in r.ruleset.defines if r.name_type(E.Var(d.name)) in (INT, REAL)]
    if name in numeric:
        return name
    if name == "tier" or r.scope.types.get(name) is not None:
        what = "`tier`" if name == "tier" else f"`{name}` ({r.scope.types.get(name)})"
        r.error(
            "RP511",
            f"`monotone` needs a numeric output, but {what} is not ordered",
            node.span,
            why="monotone compares outputs with <=",
            fix="use `output: score` or a numeric define; for tiers write a `forall` "
            "query, e.g. `forall: [a, b]` with `assert: \"implies(a.tier == 'A', "
            "b.tier == 'A')\"`",
        )
        return None
    r.error(
        "RP508",
        f"unknown output `{name}` in `monotone`",
        node.span,
        fix=did_you_mean(name, ["score", *numeric]) or "use `score` or a numeric define",
    )
    return None


def recourse(r: PropertyReader, value: YNode) -> P.Recourse | None:
    keys = ["when", "by", "actions", "within", "target"]
    mp = r.mapping(value, "recourse", keys, "{within: 3}")
    if mp is None:
        return None
    when_node, target_node = mp.get("when"), mp.get("target")
    when = (
        r.expr(when_node, "`when` of `recourse`")
        if when_node is not None
        else r.default_expr("sanctioned", mp.span)
    )
    target = (
        r.expr(target_node, "`target` of `recourse`")
        if target_node is not None
        else r.default_expr("not sanctioned", mp.span)
    )
    k = r.within(mp, "recourse")
    by_node, actions_node = mp.get("by"), mp.get("actions")
    by: tuple[M.ActorKind, ...] | None = None
    actions: tuple[str, ...] | None = None
    ok = True
    if by_node is not None and actions_node is not None:
        where = key_of(mp, "actions")
        r.error(
            "RP513",
            "`recourse` has both `by` and `actions`",
            where.span if where is not None else mp.span,
            why="`by` allows every action of those kinds; `actions` names them",
            fix="keep one of them",
        )
        ok = False
    elif by_node is not None:
        kinds, ok = names_in(r, by_node, "by", list(M.ACTOR_KINDS))
        by = cast("tuple[M.ActorKind, ...]", kinds)
    elif actions_node is not None:
        actions, ok = names_in(r, actions_node, "actions", [a.name for a in r.ruleset.actions])
    if k is None or not ok:
        return None
    return P.Recourse(
        when,
        expr_text(when_node, "sanctioned"),
        target,
        expr_text(target_node, "not sanctioned"),
        k,
        by,
        actions,
    )


def names_in(
    r: PropertyReader, node: YNode, key: str, valid: list[str]
) -> tuple[tuple[str, ...], bool]:
    words = r.words(node, f"`{key}`")
    if words is None:
        return (), False
    if not words:
        r.error(
            "RP513",
            f"`{key}` of `recourse` is empty",
            node.span,
            why="a path with no allowed action cannot change anything",
            fix=f"list at least one, or omit `{key}`",
        )
        return (), False
    ok = True
    for word, span in words:
        if word not in valid:
            ok = False
            what = "actor kind" if key == "by" else "action"
            r.error(
                "RP508",
                f"unknown {what} `{word}` in `{key}`",
                span,
                fix=did_you_mean(word, valid)
                or (
                    f"choose from {', '.join(valid)}"
                    if valid
                    else "the ruleset declares no actions"
                ),
            )
    return tuple(w for w, _ in words), ok


def reachable(r: PropertyReader, value: YNode, key: YScalar) -> P.Reachable | None:
    if isinstance(value, YScalar) and value.value in ("rules", "sanctions", "tiers"):
        what: Literal["rules", "sanctions", "tiers"] = value.value  # type: ignore[assignment]
        return P.Reachable(what) if r.needs(what, value.span, f"`reachable: {what}`") else None
    if isinstance(value, YScalar) and value.value is None:
        r.error(
            "RP507",
            "`reachable` needs rules, sanctions, tiers or an expression",
            key.span,
            fix="e.g. `reachable: rules`",
        )
        return None
    if (
        isinstance(value, YScalar)
        and isinstance(value.value, str)
        and NAME_RE.match(value.value)
        and value.value not in r.scope.known()
        and (hint := did_you_mean(value.value, ["rules", "sanctions", "tiers"]))
    ):
        r.error(
            "RP508",
            f"`reachable: {value.value}` is neither rules, sanctions, tiers nor a known name",
            value.span,
            fix=hint,
        )
        return None
    e = r.expr(value, "`reachable`")
    return P.Reachable("expr", e, expr_text(value))


def forall(r: PropertyReader, value: YNode, entry: YMap) -> P.Forall | None:
    parts = _quantified(r, value, entry, "forall")
    return P.Forall(*parts) if parts is not None else None


def exists(r: PropertyReader, value: YNode, entry: YMap) -> P.Exists | None:
    parts = _quantified(r, value, entry, "exists")
    return P.Exists(*parts) if parts is not None else None


def _quantified(
    r: PropertyReader, value: YNode, entry: YMap, word: str
) -> tuple[tuple[str, ...], E.Expr, E.Expr, str, str] | None:
    """Citizens, `assume`, `assert` and their texts of a `forall` or `exists` entry."""
    names = read_citizens(r, value, word)
    assume_node = entry.get("assume")
    assert_node = entry.get("assert")
    if assert_node is None:
        r.error(
            "RP507",
            f"a `{word}` query is missing `assert`",
            entry.span,
            fix='add e.g. `assert: "a.tier == b.tier"`',
        )
    if names is None:
        return None
    assume = r.expr(assume_node, "`assume`", names) if assume_node is not None else E.BoolLit(True)
    if assert_node is None:
        return None
    assert_ = r.expr(assert_node, "`assert`", names)
    return names, assume, assert_, expr_text(assume_node, "True"), expr_text(assert_node)


def read_citizens(r: PropertyReader, node: YNode, word: str = "forall") -> tuple[str, ...] | None:
    if isinstance(node, YScalar) and node.value is None:
        r.error("RP514", f"`{word}` declares no citizens", node.span, fix=f"write `{word}: [a, b]`")
        return None
    words = r.words(node, f"`{word}`")
    if words is None:
        return None
    ok = True
    for name, span in words:
        if not NAME_RE.match(name) or name in RESERVED:
            r.error(
                "RP514",
                f"`{name}` cannot name a citizen",
                span,
                fix="use a short identifier such as `a`, `b`",
            )
            ok = False
    if len(words) > MAX_CITIZENS:
        r.diagnostics.append(
            CITIZENS.exceeded(
                node.span,
                f"`{word}` declares {len(words)} citizens",
                why="each citizen adds a copy of the ruleset to the solver's problem",
            )
        )
        ok = False
    elif not words:
        r.error("RP514", f"`{word}` declares no citizens", node.span, fix=f"write `{word}: [a, b]`")
        ok = False
    if len({w for w, _ in words}) != len(words):
        ok = False  # the repetition is reported by `words`
    return tuple(w for w, _ in words) if ok else None
