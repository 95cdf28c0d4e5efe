"""The benchmark generators' own small model of a scorecard: attributes, conditions, rules,
groups, their YAML text, and a Python scorer used to *search* for witness citizens.

The families (`family_clamped`, `family_credit`, `family_binned`) build rulesets from these
records and render them as YAML. The scorer here is only a search aid: every witness a family
reports is confirmed afterwards by ruleproof's reference evaluator on the rendered text
(`family_verify`), so a bug in this module can make generation fail, never make a wrong
expectation pass. Values are ints, bools, enum strings and exact `Fraction`s (decimals).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal, Protocol

import attrs

Num = int | Fraction
Val = int | bool | str | Fraction
Citizen = dict[str, Val]
Kind = Literal["int", "bool", "enum", "real"]


def num_text(v: Num) -> str:
    """An exact decimal text for an int or a Fraction with a finite decimal expansion."""
    if isinstance(v, int):
        return str(v)
    d = Decimal(v.numerator) / Decimal(v.denominator)
    if Fraction(d) != v:
        raise ValueError(f"{v} has no finite decimal expansion")
    text = format(d.normalize(), "f")
    return text


def _bound(v: Num) -> str:
    return str(v) if isinstance(v, int) else q(num_text(v))


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text)


@attrs.frozen
class Attr:
    """One attribute of the citizen record, as declared in the YAML."""

    name: str
    kind: Kind
    lo: Num = 0
    hi: Num = 1
    values: tuple[str, ...] = ()
    protected: str = ""  # "" | "true" | "association"
    domain: str = ""
    changes: str = ""  # "" | "time"

    def yaml(self) -> str:
        parts = [f"type: {self.kind}"]
        if self.kind in ("int", "real"):
            parts.append(f"range: [{_bound(self.lo)}, {_bound(self.hi)}]")
        if self.kind == "enum":
            parts.append(f"values: [{', '.join(self.values)}]")
        if self.protected:
            parts.append(f"protected: {self.protected}")
        if self.domain:
            parts.append(f"domain: {self.domain}")
        if self.changes:
            parts.append(f"changes: {self.changes}")
        return f"  {self.name}: {{{', '.join(parts)}}}"

    def baseline(self) -> Val:
        if self.kind == "bool":
            return False
        if self.kind == "enum":
            return self.values[0]
        return self.lo

    def draw(self, rng: random.Random) -> Val:
        if self.kind == "bool":
            return rng.random() < 0.5
        if self.kind == "enum":
            return rng.choice(self.values)
        if self.kind == "int":
            assert isinstance(self.lo, int) and isinstance(self.hi, int)
            return rng.randint(self.lo, self.hi)
        steps = int((self.hi - self.lo) * 1000)
        return self.lo + Fraction(rng.randint(0, steps), 1000)


Op = Literal[">=", "<", "==", "!=", "true", "false"]


@attrs.frozen
class Cond:
    """`attr OP value`; `true`/`false` test a bool attribute."""

    attr: str
    op: Op
    value: Val = 0

    def text(self) -> str:
        match self.op:
            case "true":
                return self.attr
            case "false":
                return f"not {self.attr}"
            case _:
                v = self.value
                shown = f"'{v}'" if isinstance(v, str) else num_text(v)
                return f"{self.attr} {self.op} {shown}"

    def holds(self, c: Mapping[str, Val]) -> bool:
        x = c[self.attr]
        match self.op:
            case "true":
                return x is True
            case "false":
                return x is False
            case "==":
                return x == self.value
            case "!=":
                return x != self.value
            case ">=":
                return x >= self.value  # type: ignore[operator]
            case "<":
                return x < self.value  # type: ignore[operator]


def when_text(conds: Sequence[Cond]) -> str:
    return " and ".join(c.text() for c in conds) if conds else "True"


@attrs.frozen
class Rule:
    """A score rule: when every condition holds it adds `points` (times `per`, when set)."""

    id: str
    when: tuple[Cond, ...]
    points: Num
    per: str = ""  # add is `points * per`

    def reads(self) -> set[str]:
        return {c.attr for c in self.when} | ({self.per} if self.per else set())

    def add_text(self) -> str:
        if self.per:
            return f"{num_text(self.points)} * {self.per}"
        return num_text(self.points)

    def value(self, c: Mapping[str, Val]) -> Num:
        if not all(x.holds(c) for x in self.when):
            return 0
        if self.per:
            x = c[self.per]
            assert isinstance(x, int | Fraction) and not isinstance(x, bool)
            return self.points * x
        return self.points

    def yaml(self) -> str:
        when = when_text(self.when)
        return f"    - {{id: {self.id}, when: {q(when)}, add: {q(self.add_text())}}}"


@attrs.frozen
class Case:
    id: str
    when: tuple[Cond, ...]
    points: Num


@attrs.frozen
class Group:
    """A `one_of` group: the first case whose conditions hold adds its points (none: 0)."""

    id: str
    cases: tuple[Case, ...]

    def reads(self) -> set[str]:
        return {c.attr for case in self.cases for c in case.when}

    def value(self, c: Mapping[str, Val]) -> Num:
        for case in self.cases:
            if all(x.holds(c) for x in case.when):
                return case.points
        return 0

    def yaml(self) -> str:
        lines = [f"    - id: {self.id}", "      one_of:"]
        for case in self.cases:
            lines.append(
                f"        - {{id: {case.id}, when: {q(when_text(case.when))}, "
                f"add: {q(num_text(case.points))}}}"
            )
        return "\n".join(lines)


Item = Rule | Group


class Summand(Protocol):
    """What `Tracker` and `Finder` sum: a rule, a group, or another family's record (a tree)."""

    def reads(self) -> set[str]: ...

    def value(self, c: Mapping[str, Val]) -> Num: ...


def magnitude(x: Num) -> Num:
    return -x if x < 0 else x


def clamp(x: Num, lo: Num, hi: Num) -> Num:
    return lo if x < lo else hi if x > hi else x


class Tracker:
    """The raw sum of a list of items for one citizen, updated incrementally on `set`."""

    def __init__(self, items: Sequence[Summand], citizen: Mapping[str, Val]) -> None:
        self.items = items
        self.citizen: Citizen = dict(citizen)
        self.index: dict[str, list[int]] = {}
        for i, it in enumerate(items):
            for a in it.reads():
                self.index.setdefault(a, []).append(i)
        self.parts: list[Num] = [it.value(self.citizen) for it in items]
        self.raw: Num = sum(self.parts)

    def set(self, attr: str, value: Val) -> Num:
        """Set one attribute and return the new raw sum."""
        self.citizen[attr] = value
        for i in self.index.get(attr, ()):
            new = self.items[i].value(self.citizen)
            self.raw += new - self.parts[i]
            self.parts[i] = new
        return self.raw

    def try_set(self, attr: str, value: Val, better: Callable[[Num], bool]) -> bool:
        """Set `attr` if the new raw sum passes `better`, else leave everything as it was."""
        old = self.citizen[attr]
        if better(self.set(attr, value)):
            return True
        self.set(attr, old)
        return False


def _proposal(a: Attr, cur: Val, rng: random.Random) -> Val:
    if a.kind != "int" or rng.random() < 0.5:
        return a.draw(rng)
    assert isinstance(cur, int) and isinstance(a.lo, int) and isinstance(a.hi, int)
    step = rng.choice((1, 2, 5, 10, 100, 1000))
    return min(a.hi, max(a.lo, cur + rng.choice((-step, step))))


def search(
    tracker: Tracker,
    free: Sequence[Attr],
    distance: Callable[[Num], Num],
    rng: random.Random,
    budget: int = 20000,
) -> bool:
    """Move the free attributes until `distance(raw sum)` is 0 (True) or the budget is spent.

    A hill climb that also accepts sideways moves; it changes only attributes in `free`.
    """
    if not free:
        return distance(tracker.raw) == 0
    d = distance(tracker.raw)
    for _ in range(budget):
        if d == 0:
            return True
        a = rng.choice(free)
        cur = tracker.citizen[a.name]
        new = _proposal(a, cur, rng)
        if new == cur:
            continue
        if tracker.try_set(a.name, new, _within(distance, d)):
            d = distance(tracker.raw)
    return d == 0


def _within(distance: Callable[[Num], Num], limit: Num) -> Callable[[Num], bool]:
    return lambda raw: distance(raw) <= limit


def window(lo: Num, hi: Num) -> Callable[[Num], Num]:
    """Distance of a raw sum from the closed interval [lo, hi]."""
    return lambda x: lo - x if x < lo else x - hi if x > hi else 0


def draw_citizen(attrs_: Iterable[Attr], rng: random.Random) -> Citizen:
    return {a.name: a.draw(rng) for a in attrs_}


def properties_yaml(entries: Mapping[str, str]) -> str:
    """A property file with one entry per id; each body is the YAML of the kind key(s)."""
    lines = ["properties:"]
    for pid, body in entries.items():
        lines.append(f"  - id: {pid}")
        lines += [f"    {line}" for line in body.splitlines()]
    return "\n".join(lines) + "\n"


def forall_yaml(names: str, assume: str, assert_: str) -> str:
    return f"forall: [{names}]\nassume: {q(assume)}\nassert: {q(assert_)}"


RESTARTS = 6  # fresh starting citizens before a search gives up


class Finder:
    """Searches citizens whose total score (base + items, before the clamp) lies in a window.

    `start(rng)` gives the starting citizen (every attribute set); `free` are the attributes
    the search may move; `derived(citizen)` adds the values of defines the items read as
    pseudo-attributes (they are removed from the citizen returned).
    """

    def __init__(
        self,
        key: str,
        items: Sequence[Summand],
        base: Num,
        free: Sequence[Attr],
        start: Callable[[random.Random], Citizen],
        derived: Callable[[Citizen], dict[str, Val]] | None = None,
        every: Sequence[Attr] = (),
    ) -> None:
        self.key, self.items, self.base, self.free = key, items, base, free
        self.every = every
        self.start, self.derived = start, derived
        self.count = 0

    def total(self, c: Mapping[str, Val]) -> Num:
        """base + Σ items for one citizen (no clamp)."""
        full = {**c, **(self.derived(dict(c)) if self.derived else {})}
        return self.base + Tracker(self.items, full).raw

    def find(
        self,
        fixed: Mapping[str, Val],
        lo: Num,
        hi: Num,
        tag: str = "",
        extra_free: Sequence[str] = (),
    ) -> Citizen:
        """A citizen with the `fixed` values whose total lies in [lo, hi]; the search may also
        move the attributes named in `extra_free`.

        Raises:
            LookupError: the search found none within its budget.
        """
        self.count += 1
        more = [a for a in self.every if a.name in extra_free]
        free = [a for a in [*self.free, *more] if a.name not in fixed]
        for attempt in range(RESTARTS):
            rng = random.Random(f"{tag or f'{self.key}:find{self.count}'}:{attempt}")
            c = self.start(rng)
            c.update(fixed)
            extra = self.derived(c) if self.derived else {}
            tr = Tracker(self.items, {**c, **extra})
            if search(tr, free, window(lo - self.base, hi - self.base), rng, budget=20000):
                return {k: v for k, v in tr.citizen.items() if k not in extra}
        raise LookupError(f"{self.key}: no citizen with {dict(fixed)} and total in [{lo}, {hi}]")


def satisfying(conds: Iterable[Cond], skip: Iterable[str] = ()) -> dict[str, Val]:
    """Attribute values that make every condition hold (names in `skip` left out)."""
    out: dict[str, Val] = {}
    for c in conds:
        if c.attr in skip:
            continue
        match c.op:
            case "true" | "false":
                out[c.attr] = c.op == "true"
            case ">=" | "==":
                out[c.attr] = c.value
            case "<":
                out[c.attr] = c.value - 1  # type: ignore[operator]
            case "!=":
                raise ValueError(f"no single value is chosen for {c.text()}")
    return out


def pair(a: Citizen, **changes: Val) -> Citizen:
    """A copy of `a` with some values changed."""
    return {**a, **changes}
