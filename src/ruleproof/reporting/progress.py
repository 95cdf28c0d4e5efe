"""A one-line progress display on a terminal for checks that take a while.

`ProgressLine(stages, stream)` is a context manager: while it is open, a background thread
rewrites one line on `stream` (stderr) every quarter of a second once a property has run for
`after` seconds (which property, what stage, how long, how many done), and clears it at the
end. It writes nothing when `stream` is not a terminal, so piped, JSON, SARIF and JUnit output
never see it.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import IO

from ruleproof.proving.stages import Stages

CLEAR = "\r\x1b[K"


class ProgressLine:
    """The display (module docstring)."""

    def __init__(self, stages: Stages, stream: IO[str], after: float = 2.0) -> None:
        self.stages = stages
        self.stream = stream
        self.after = after
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown = False

    def __enter__(self) -> ProgressLine:
        if _is_terminal(self.stream):
            self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._shown:
            self.stream.write(CLEAR)
            self.stream.flush()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            s = self.stages.snapshot()
            if not s.property or s.elapsed < self.after:
                continue
            count = f" [{s.done}/{s.total} done]" if s.total else ""
            stage = f": {s.stage}" if s.stage else ""
            line = f"{s.property}{stage} — {s.elapsed:.0f} s{count}"
            self.stream.write(CLEAR + line[:150])
            self.stream.flush()
            self._shown = True


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
