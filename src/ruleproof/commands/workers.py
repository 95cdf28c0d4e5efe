"""Work split over worker processes that never outlive the run that started them.

`run_in_workers(fn, blocks)` calls `fn(*args)` for each tuple of `blocks`, each in its own
spawned worker process (so no solver state is inherited), and returns the results in order.

- A worker watches its parent and exits as soon as the parent is gone (killed with `kill -9`,
  crashed): no worker is left computing or waiting for ever.
- Workers ignore SIGINT: Ctrl-C reaches the whole process group, and only the parent handles
  it (as `KeyboardInterrupt`), so no worker prints a traceback.
- On any way out of the parent other than success (Ctrl-C, SIGTERM while the workers run,
  an error), every worker still running is terminated, then killed, before the parent goes on.
  SIGTERM ends the parent with status 143 after its workers are stopped.
- A worker's `RulesetError` is raised again in the parent with its diagnostics; any other
  exception, or a worker that died without an answer, is an `InternalError`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from ruleproof.errors import InternalError, RulesetError

PARENT_POLL = 0.2  # seconds between a worker's checks that its parent is alive
STOP_GRACE = 3.0  # seconds a terminated worker has to exit before it is killed


def _watch_parent(parent: int) -> None:
    """Exit this process as soon as `parent` is no longer its parent (a daemon thread)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(1)

    threading.Thread(target=watch, name="ruleproof-parent-watch", daemon=True).start()


def _worker(send: Connection, parent: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """A worker's entry point: run `fn(*args)` and send back ("ok", result) or the error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _watch_parent(parent)
    try:
        answer: tuple[str, Any] = ("ok", fn(*args))
    except RulesetError as exc:
        answer = ("input", exc.diagnostics)
    except Exception as exc:  # reported in the parent as a bug
        answer = ("bug", f"{type(exc).__name__}: {exc}")
    with contextlib.suppress(OSError):  # the parent is gone
        send.send(answer)


@contextlib.contextmanager
def _interrupts_while_starting() -> Iterator[None]:
    """Ignore SIGINT while workers start: they inherit it ignored from their first
    instruction on (a Ctrl-C during their imports prints nothing)."""
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        yield
    finally:
        if main:
            signal.signal(signal.SIGINT, old)


@contextlib.contextmanager
def _sigterm_exits() -> Iterator[None]:
    """While workers run, SIGTERM raises SystemExit(143) so that they are stopped first."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _stop(procs: Sequence[Any]) -> None:
    for p in procs:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for p in procs:
        p.join(max(deadline - time.monotonic(), 0))
        if p.is_alive():
            p.kill()
            p.join()


def run_in_workers(fn: Callable[..., Any], blocks: Sequence[tuple[Any, ...]]) -> list[Any]:
    """`[fn(*args) for args in blocks]`, each call in its own worker process, in parallel.

    `fn` must be a module-level function (workers import it by name).

    Raises:
        RulesetError: a worker's input error, with its diagnostics.
        InternalError: a worker failed otherwise, or died without an answer.
    """
    ctx = multiprocessing.get_context("spawn")
    procs: list[Any] = []
    conns: list[Connection] = []
    try:
        with _sigterm_exits():
            with _interrupts_while_starting():
                for args in blocks:
                    recv, send = ctx.Pipe(duplex=False)
                    p = ctx.Process(target=_worker, args=(send, os.getpid(), fn, args), daemon=True)
                    p.start()
                    send.close()
                    procs.append(p)
                    conns.append(recv)
            return _collect(procs, conns)
    finally:
        _stop(procs)
        for c in conns:
            c.close()


def _collect(procs: Sequence[Any], conns: Sequence[Connection]) -> list[Any]:
    results: list[Any] = [None] * len(conns)
    pending = {id(c): i for i, c in enumerate(conns)}
    while pending:
        for c in wait([conns[i] for i in pending.values()]):
            assert isinstance(c, Connection)
            i = pending.pop(id(c))
            try:
                kind, payload = c.recv()
            except EOFError:
                procs[i].join(STOP_GRACE)
                raise InternalError(
                    f"worker {i + 1} stopped without an answer (exit code {procs[i].exitcode})"
                ) from None
            if kind == "input":
                raise RulesetError(payload)
            if kind == "bug":
                raise InternalError(f"in worker {i + 1}: {payload}")
            results[i] = payload
    return results
