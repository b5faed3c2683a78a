"""Write generated files: only inside the output folder, only what changed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath


class UnsafePathError(Exception):
    """A generated path would land outside the output folder."""


@dataclass
class WriteResult:
    """Which files a write created, changed or removed (relative paths)."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def safe_join(root: Path, relative: str) -> Path:
    """Join a generated relative path to root, refusing anything that escapes it."""
    pure = PurePosixPath(relative)
    if (
        not relative
        or pure.is_absolute()
        or "\\" in relative
        or any(part in ("", ".", "..") for part in relative.split("/"))
        or ":" in relative
    ):
        raise UnsafePathError(f"Refusing to write '{relative}': it is not a plain relative path.")
    target = (root / pure).resolve()
    if not target.is_relative_to(root.resolve()):
        raise UnsafePathError(f"Refusing to write '{relative}': it lands outside '{root}'.")
    return target


def write_if_changed(path: Path, content: bytes) -> bool:
    """Atomically replace path with content unless it already holds exactly that."""
    try:
        if path.read_bytes() == content:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".digest-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def write_tree(files: dict[str, str | bytes], root: Path, prune: bool = True) -> WriteResult:
    """Make root hold exactly these files, touching only files whose bytes differ."""
    result = write_files(files, root)
    if prune:
        result.removed = prune_tree(root, files)
    return result


def write_files(files: dict[str, str | bytes], root: Path) -> WriteResult:
    """Write these files under root, touching only files whose bytes differ; remove nothing."""
    targets = {relative: safe_join(root, relative) for relative in sorted(files)}
    result = WriteResult()
    for relative, target in targets.items():
        content = files[relative]
        data = content.encode("utf-8") if isinstance(content, str) else content
        if write_if_changed(target, data):
            result.written.append(relative)
        else:
            result.unchanged += 1
    return result


def prune_tree(root: Path, keep: Iterable[str]) -> list[str]:
    """Remove every file under root but these (relative paths) and the folders left empty; return what went."""
    removed: list[str] = []
    if not root.exists():
        return removed
    kept = {safe_join(root, relative) for relative in keep}
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file() and path.resolve() not in kept:
            path.unlink()
            removed.append(path.relative_to(root).as_posix())
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed
