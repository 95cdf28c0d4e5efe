"""Property IR (frozen attrs): one class per property kind of DESIGN §3, and the `Property` record.

Built by `ruleproof.language.load_suite` from a property file (or from query text in the Python
API); `Suite` is a ruleset with its properties. Expressions inside properties use the ruleset's
expression IR; in `Forall` they name citizens (`a.debt`), elsewhere they read one citizen's
names directly (`debt > 0`).
"""

from __future__ import annotations

from typing import Literal

import attrs

from ruleproof.errors import UNKNOWN_SPAN, Span
from ruleproof.language.expr import Expr
from ruleproof.language.ruleset import ActorKind, Ruleset

Status = Literal["proved", "violated", "unknown", "error"]
Direction = Literal["nondecreasing", "nonincreasing"]


def _span() -> Span:
    return attrs.field(default=UNKNOWN_SPAN, eq=False, repr=False)


@attrs.frozen
class Selector:
    """Which attributes an `independent` property varies.

    `kind` is "names" (then `names` lists attribute names), "protected", "characteristics",
    "associations", "domain" (attributes whose domain is `domain`) or "not-domain" (attributes
    that have a domain other than `domain`).
    """

    kind: Literal["names", "protected", "characteristics", "associations", "domain", "not-domain"]
    names: tuple[str, ...] = ()
    domain: str = ""
    text: str = ""


@attrs.frozen
class Always:
    expr: Expr
    text: str


@attrs.frozen
class Independent:
    of: Selector
    outputs: tuple[str, ...] | None  # None: the defaults (score, tier, every sanction)


@attrs.frozen
class Monotone:
    var: str
    output: str
    direction: Direction


@attrs.frozen
class SameContext:
    pass


@attrs.frozen
class AppealPath:
    within: int


@attrs.frozen
class Expires:
    within: int


@attrs.frozen
class Recourse:
    when: Expr
    when_text: str
    target: Expr
    target_text: str
    within: int
    by: tuple[ActorKind, ...] | None = None  # None: every kind
    actions: tuple[str, ...] | None = None  # when given, restricts the path to these actions


@attrs.frozen
class TiersTotal:
    pass


@attrs.frozen
class Reachable:
    what: Literal["rules", "sanctions", "tiers", "expr"]
    expr: Expr | None = None
    text: str = ""


@attrs.frozen
class Forall:
    citizens: tuple[str, ...]
    assume: Expr
    assert_: Expr
    assume_text: str
    assert_text: str


@attrs.frozen
class Exists:
    """Some possible citizens satisfy `assume` and `assert` together: the dual of `Forall`
    (`exists a, b: φ` is true iff `forall a, b: not φ` is violated). A witness proves it."""

    citizens: tuple[str, ...]
    assume: Expr
    assert_: Expr
    assume_text: str
    assert_text: str


Kind = (
    Always
    | Independent
    | Monotone
    | SameContext
    | AppealPath
    | Expires
    | Recourse
    | TiersTotal
    | Reachable
    | Forall
    | Exists
)

KIND_KEYS: dict[type, str] = {
    Always: "always",
    Independent: "independent",
    Monotone: "monotone",
    SameContext: "same_context",
    AppealPath: "appeal_path",
    Expires: "expires",
    Recourse: "recourse",
    TiersTotal: "tiers_total",
    Reachable: "reachable",
    Forall: "forall",
    Exists: "exists",
}


@attrs.frozen
class Property:
    id: str
    kind: Kind
    doc: str = ""
    cites: str = ""
    expect: Literal["proved", "violated"] | None = None
    file: str = attrs.field(default="<memory>", eq=False)
    span: Span = _span()

    @property
    def kind_name(self) -> str:
        return KIND_KEYS[type(self.kind)]


@attrs.frozen
class Suite:
    """A ruleset file and its property files, read and checked against each other."""

    spec_file: str
    ruleset: Ruleset
    property_files: tuple[str, ...]
    properties: tuple[Property, ...]
