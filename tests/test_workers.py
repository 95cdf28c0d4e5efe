"""`check --jobs N`: worker processes die with their parent (kill -9, SIGTERM, Ctrl-C), and
Ctrl-C prints no worker traceback.

Each test runs `ruleproof check --jobs 4` in its own session, waits until its four workers run,
signals it, and then requires every worker to be gone within a few seconds. The processes are
found through /proc (Linux, as in CI).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile_harness import make_project

JOBS = 4


def _children(pid: int) -> set[int]:
    """Pids of the worker processes of `pid`: its children started by multiprocessing's spawn."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"spawn_main" in cmdline:
            found.add(int(entry))
    return found


def _alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


@pytest.fixture
def started(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], set[int]]]:
    """`check --jobs 4` running in its own session, and the pids of its workers once all run."""
    make_project(tmp_path)
    argv = ["check", "spec/small.yaml", "--jobs", str(JOBS), "--no-write"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "ruleproof.commands.cli", *argv],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < JOBS and time.monotonic() < deadline and proc.poll() is None:
        workers |= _children(proc.pid)
        time.sleep(0.02)
    time.sleep(0.3)  # let them import and start their work
    try:
        yield proc, workers
    finally:
        for pid in _alive(workers):  # what a failing test left behind
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def _gone_within(workers: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _alive(workers)


def test_workers_die_when_the_parent_is_killed(
    started: tuple[subprocess.Popen[str], set[int]],
) -> None:
    proc, workers = started
    assert len(workers) == JOBS, "the workers did not start"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _gone_within(workers, 10) == set()


def test_workers_die_when_the_parent_is_terminated(
    started: tuple[subprocess.Popen[str], set[int]],
) -> None:
    proc, workers = started
    assert len(workers) == JOBS, "the workers did not start"
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    assert _gone_within(workers, 10) == set()


def test_ctrl_c_stops_the_workers_without_tracebacks(
    started: tuple[subprocess.Popen[str], set[int]],
) -> None:
    proc, workers = started
    assert len(workers) == JOBS, "the workers did not start"
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole process group
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "interrupted" in err
    assert _gone_within(workers, 10) == set()
