"""Write one file safely: only inside its folder, atomically, only when its bytes change; say why a write failed.

Every write failure (permissions, a full disk, a file where a folder should
be) becomes an OutputError that says which path, why, and what to do.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..config import display_path
from ..errors import DigestError

log = logging.getLogger(__name__)

TEMPORARY_PREFIX = ".digest-"


class OutputError(DigestError):
    """Generated files cannot be written where they belong; the message says why and what to do."""


class UnsafePathError(OutputError):
    """A generated path would land outside the output folder."""


@dataclass
class WriteResult:
    """Which files a write created, changed or removed, and which it found but did not write (relative paths)."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    foreign: list[str] = field(default_factory=list)


def safe_join(root: Path, relative: str) -> Path:
    """Join a generated relative path to root, refusing anything that escapes it."""
    if not _plain_relative(relative):
        raise UnsafePathError(f"Refusing to write '{relative}': it is not a plain relative path.")
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise UnsafePathError(f"Refusing to write '{relative}': it lands outside '{root}'.")
    return target


def _plain_relative(relative: str) -> bool:
    """Tell whether a path is relative, without '.', '..', empty parts, backslashes or drive colons."""
    return bool(relative) and not (
        PurePosixPath(relative).is_absolute()
        or "\\" in relative
        or ":" in relative
        or any(part in ("", ".", "..") for part in relative.split("/"))
    )


_HINTS = {
    errno.EACCES: "Make it writable for this user, or run as the user who owns it.",
    errno.EPERM: "Make it writable for this user, or run as the user who owns it.",
    errno.EROFS: "It is on a read-only file system: build where you can write.",
    errno.ENOSPC: "The disk is full: free some space and run again.",
    errno.ENOTDIR: "A file stands where a folder is needed: move that file away.",
    errno.EISDIR: "A folder stands where a file is needed: move that folder away.",
    # What mkdir says when a file stands where it would make a folder.
    errno.EEXIST: "A file stands where a folder is needed: move that file away.",
}
if hasattr(errno, "EDQUOT"):
    _HINTS[errno.EDQUOT] = "The disk quota is used up: free some space and run again."


def describe(error: OSError, action: str) -> str:
    """Say what failed (``action``, such as "Could not write 'x'"), the system's reason and what to do."""
    reason = error.strerror or str(error)
    paths = [display_path(Path(os.fsdecode(name))) for name in (error.filename, error.filename2) if name is not None]
    if paths:
        reason += " ('" + "' -> '".join(paths) + "')"
    hint = _HINTS.get(error.errno or 0, "Check the path and its permissions, then run again.")
    return f"{action}: {reason}. {hint}"


def write_if_changed(path: Path, content: bytes) -> bool:
    """Atomically replace path with content unless it already holds exactly that.

    The new file gets the permissions a plain ``open()`` would give it
    (0666 less the umask), like every file MkDocs writes.
    """
    if _holds(path, content):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = _temporary_file(path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True


def _holds(path: Path, content: bytes) -> bool:
    """Tell whether path is a regular file with exactly these bytes (never reading a pipe or a device)."""
    try:
        status = path.stat()
        return stat.S_ISREG(status.st_mode) and status.st_size == len(content) and path.read_bytes() == content
    except (FileNotFoundError, NotADirectoryError):
        return False


def _temporary_file(folder: Path) -> tuple[int, Path]:
    """Create a new hidden file in folder; return its descriptor and path.

    Not tempfile.mkstemp: it makes files only their owner may read, and a
    web server running as another user would answer 403.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        path = folder / f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}.tmp"
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:
            continue


def write_file(path: Path, content: str | bytes, what: str) -> bool:
    """Write one file the user asked for (``what`` names it in errors), only if its bytes change."""
    data = _bytes(content)
    try:
        if path.exists() and not path.is_file():
            # A pipe or a device such as /dev/stdout: write into it, never replace it.
            with path.open("wb") as stream:
                stream.write(data)
            return True
        return write_if_changed(path, data)
    except OSError as error:
        raise OutputError(describe(error, f"Could not write {what} '{display_path(path)}'")) from None


def check_file_target(path: Path, what: str) -> None:
    """Refuse, before any work, a file path that cannot be written: a folder, or in a folder that does not exist."""
    shown = display_path(path)
    if path.is_dir():
        raise OutputError(f"Could not write {what} '{shown}': it is a folder. Give a file name, such as '{shown}/report.json'.")
    parent = path.parent
    if not parent.is_dir():
        problem = "is a file" if parent.exists() else "does not exist"
        raise OutputError(
            f"Could not write {what} '{shown}': the folder '{display_path(parent)}' {problem}. "
            "Create the folder, or choose another path."
        )
    if not os.access(parent, os.W_OK):
        raise OutputError(
            f"Could not write {what} '{shown}': this user may not write in '{display_path(parent)}'. "
            "Make it writable, or choose another path."
        )


@contextmanager
def lock_folder(folder: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on folder (where the system has one), waiting for another holder."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; concurrent runs are the user's to avoid
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("Waiting for another topic-digest run to finish writing '%s'...", display_path(folder))
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content
