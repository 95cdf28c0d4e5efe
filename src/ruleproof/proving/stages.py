"""What the checker is doing now: the property and the stage, for a progress display to read.

The checker writes (`begin` a property, `enter` a stage); a display in another thread reads
`snapshot()`. One writer, plain attribute updates: a reader may see a stage a moment late,
never a torn one. Nothing here affects any verdict.
"""

from __future__ import annotations

import threading
import time

import attrs


@attrs.frozen
class Snapshot:
    property: str  # "id (kind)", "" before the first
    stage: str
    elapsed: float  # seconds on this property
    done: int  # properties finished
    total: int


class Stages:
    """The checker's current property and stage (module docstring)."""

    def __init__(self, total: int = 0) -> None:
        self._lock = threading.Lock()
        self._property = ""
        self._stage = ""
        self._start = time.monotonic()
        self._done = 0
        self.total = total

    def begin(self, property_id: str, kind: str) -> None:
        """A property starts."""
        with self._lock:
            self._property, self._stage, self._start = (
                f"{property_id} ({kind})",
                "",
                time.monotonic(),
            )

    def enter(self, stage: str) -> None:
        """The current property enters a stage (`solving`, `minimising`, …)."""
        self._stage = stage

    def finish(self) -> None:
        """The current property is done."""
        with self._lock:
            self._done += 1
            self._property, self._stage = "", ""

    def snapshot(self) -> Snapshot:
        """What is going on now."""
        with self._lock:
            return Snapshot(
                self._property, self._stage, time.monotonic() - self._start, self._done, self.total
            )
