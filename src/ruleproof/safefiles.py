"""Files read and written safely: inputs with a size limit, outputs only inside a chosen folder.

`read_text(path, limit)` reads a regular file as UTF-8, at most `limit` bytes of it: a FIFO, a
device (`/dev/zero`) or a folder is refused before anything is read (opening does not wait for
a FIFO's writer), and a larger file is refused after reading one byte past the limit. Problems
are `RulesetError`s: RP006 (cannot read, not a regular file, not UTF-8) or the limit's code.

`write_text(root, path, text)` writes one output file below the folder `root` that the user
chose, atomically: the text goes to a fresh temporary file in the same folder (a random name
created exclusively, never through a link; its mode is 0666 less the umask, like any new file)
that then replaces `path`. Nothing is written through a symbolic link: `root` and every folder
below it must be real folders (they are created when missing), and a link at `path` itself is
replaced, not followed. A read-only `path` is refused, not silently replaced. A file whose
content would not change is left untouched. Temporary files left by a killed run (their process
no longer exists) are removed from the folders written to. Problems are `RulesetError`s with
code RP607. `check_root(root)` refuses, before any work, a root that cannot be a folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from pathlib import Path

from ruleproof.errors import Diagnostic, RulesetError, Span
from ruleproof.limits import FILE_BYTES, Limit

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def _read_error(file: str, message: str, fix: str = "check the path") -> RulesetError:
    return RulesetError([Diagnostic("RP006", message, Span.point(file, 1, 1), fix=fix)])


def read_bytes(path: str | Path, limit: Limit = FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit.value` bytes (see the module docstring)."""
    file = str(path)
    try:
        fd = os.open(file, os.O_RDONLY | _NONBLOCK | _CLOEXEC | _BINARY)
    except OSError as exc:
        raise _read_error(file, f"cannot read file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise _read_error(
                file,
                f"cannot read file: it is {what} (a FIFO, a device or a socket is never read)",
                "give the path of a file",
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit.value:
            chunk = os.read(fd, min(1 << 20, limit.value + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _read_error(file, f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > limit.value:
        total = max(info.st_size, size)
        raise RulesetError([limit.exceeded(Span.point(file, 1, 1), f"the file is {total:,} bytes")])
    return b"".join(chunks)


def read_text(path: str | Path, limit: Limit = FILE_BYTES) -> str:
    """A regular file of at most `limit.value` bytes, decoded as UTF-8 (RP006 if it is not)."""
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RulesetError(
            [
                Diagnostic(
                    "RP006",
                    f"file is not UTF-8 (byte {exc.start}: {data[exc.start]:#04x})",
                    Span.point(str(path), line, col),
                    fix="save the file as UTF-8",
                )
            ]
        ) from None


# -- writing -------------------------------------------------------------------------------


def _write_error(path: Path | str, message: str, fix: str) -> RulesetError:
    return RulesetError(
        [
            Diagnostic(
                "RP607",
                message,
                Span.point(str(path), 1, 1),
                why="output files are written only into real folders below the one chosen",
                fix=fix,
            )
        ]
    )


def _os_error(path: Path | str, exc: OSError) -> RulesetError:
    return _write_error(
        exc.filename or path,
        f"cannot write: {exc.strerror or exc}",
        "check the folder's permissions and free space, or choose another with --out",
    )


def check_root(root: str | Path) -> None:
    """Refuse a root that is a link or a file (it may be missing: it is created when needed)."""
    p = Path(root)
    if p.is_symlink():
        target = os.readlink(p)
        raise _write_error(
            p,
            f"the output folder is a symbolic link (to {target}); ruleproof does not write "
            "through links",
            "give the real folder with --out, or replace the link by a folder",
        )
    if p.exists() and not p.is_dir():
        raise _write_error(p, "the output folder is a file", "choose a folder with --out")


def _real_dirs(root: Path, folder: Path) -> None:
    """Create `folder` (at or below `root`), refusing every link and file on the way."""
    check_root(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(root, exc) from None
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            raise _write_error(
                current,
                f"a symbolic link stands where a folder goes (to {os.readlink(current)})",
                "remove the link; ruleproof does not write through links",
            )
        try:
            current.mkdir(exist_ok=True)
        except FileExistsError:
            raise _write_error(
                current, "a file stands where a folder goes", "move it away"
            ) from None
        except OSError as exc:
            raise _os_error(current, exc) from None


def _same_content(path: Path, data: bytes) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        with os.fdopen(os.dup(fd), "rb") as f:
            return f.read(len(data) + 1) == data
    except OSError:
        return False
    finally:
        os.close(fd)


_TEMP = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]+)\.[0-9a-f]{16}\.tmp")
# What earlier versions left (`tempfile.mkstemp`, no pid): removed once surely abandoned.
_OLD_TEMP = re.compile(r"\.(?P<name>.+\.json)\.[a-z0-9_]{8}\.tmp")
OLD_TEMP_AGE = 3600.0  # seconds


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # Windows' os.kill(pid, 0) would end it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def clean_stale_temps(folder: Path) -> None:
    """Remove temporary files of `write_text` whose writing process no longer exists (and
    those of earlier versions once an hour old)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    now = time.time()
    for name in names:
        m = _TEMP.fullmatch(name)
        stale = m is not None and not _alive(int(m.group("pid")))
        if not stale and _OLD_TEMP.fullmatch(name):
            with contextlib.suppress(OSError):
                stale = now - (folder / name).lstat().st_mtime > OLD_TEMP_AGE
        if stale:
            with contextlib.suppress(OSError):
                (folder / name).unlink()


def write_text(root: str | Path, path: str | Path, text: str) -> bool:
    """Write `text` (UTF-8, "\\n" line ends) to `path` below `root`; False when unchanged.

    Raises:
        RulesetError: RP607 when the file cannot be written (see the module docstring).
    """
    root, path = Path(root), Path(path)
    _real_dirs(root, path.parent)
    data = text.encode("utf-8")
    if _same_content(path, data):
        return False
    if path.exists() and not path.is_symlink():
        if path.is_dir():
            raise _write_error(path, "a folder stands where a file goes", "move it away")
        # Write bits, not only access: a superuser may write anything, yet a file made
        # read-only on purpose is kept.
        if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
            raise _write_error(
                path,
                "the file is read-only; it is not replaced",
                "make it writable if it should be updated, or remove it",
            )
    clean_stale_temps(path.parent)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
    try:
        fd = os.open(tmp, flags, 0o666)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise _write_error(path, "the file name is too long", "choose a shorter id") from None
        raise _os_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _os_error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True
