"""Find and read the listing files digest.yml names: the only place the pipeline reads files."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from ..config import DigestConfig, Source, display_path
from ..errors import DigestError


class SourceError(DigestError):
    """The sources named in digest.yml cannot be found."""


@dataclass(frozen=True)
class SourceFile:
    """A listing file's name (as shown in origins) and raw bytes."""

    name: str
    data: bytes
    year: int | None = None


def load_sources(config: DigestConfig) -> tuple[list[SourceFile], list[str]]:
    """Read every listing file the config's globs match, in sorted order.

    A match that cannot be read (a folder, a broken link, a pipe or device,
    a file this user may not read) is skipped with a warning naming it.
    """
    files: list[SourceFile] = []
    warnings: list[str] = []
    seen: set[Path] = set()
    for source in config.sources:
        base = source_folder(config.root, source)
        if not base.is_dir():
            raise SourceError(
                f"{display_path(config.path)}: the sources folder '{display_path(base)}' for '{source.pattern}' does not "
                "exist. Create it and put listing files in it, or fix `sources:`."
            )
        matched = sorted(Path(p) for p in glob.glob(str(config.root / source.pattern), recursive=True))
        matched = [p for p in matched if not p.name.startswith(".") and not (p.is_dir() and "**" in source.pattern)]
        if not matched:
            warnings.append(
                f"{display_path(config.path)}: no listing file matches '{source.pattern}'. "
                "Add listings there or fix `sources:`."
            )
        for path in matched:
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            name = path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name
            data, problem = _read_listing_file(path, source)
            if problem is not None:
                warnings.append(f"Listing '{name}': {problem}")
            elif data is not None:
                files.append(SourceFile(name, data, source.year))
    return files, warnings


def _read_listing_file(path: Path, source: Source) -> tuple[bytes | None, str | None]:
    """Return a matched file's bytes, or what is wrong with it (a sentence that says what to do)."""
    if path.is_dir():
        return None, (
            f"it is a folder, which `sources: {source.pattern}` matches; it was skipped. Narrow the pattern to "
            "files (such as `data/sources/*.txt`), or read the folder's files too with `data/sources/**/*`."
        )
    if not path.exists():
        return None, f"it is a link to '{os.readlink(path)}', which does not exist; it was skipped. Fix or remove the link."
    if not path.is_file():
        # Reading a pipe would wait forever for a writer.
        return None, "it is not a regular file (a pipe, socket or device); it was skipped. Save listings as ordinary files."
    try:
        return path.read_bytes(), None
    except OSError as error:
        return None, (
            f"could not read it ({error.strerror or error}); its papers are missing from this build. "
            "Check the file and its permissions."
        )


def source_folder(root: Path, source: Source) -> Path:
    """Return the folder a pattern's names are relative to: its part before any wildcard."""
    parts: list[str] = []
    for part in Path(source.pattern).parts:
        if any(ch in part for ch in "*?["):
            return root.joinpath(*parts)
        parts.append(part)
    # A plain file name: names are relative to its folder.
    return root.joinpath(*parts).parent
