"""The output folder: generated files written only inside it, only what changed, never over a file the tool did not write.

The output folder belongs to topic-digest, but a curator may still put a
file there. A manifest (MANIFEST, a dotfile, which MkDocs leaves out of the
site) lists every file the tool wrote in the folder; only those are ever
replaced or deleted. Any other file is left alone and reported, and a
generated file that would replace one is refused. The manifest is read as
untrusted: an entry that is not a plain path inside the folder is ignored.

Every write failure (permissions, a full disk, a file where a folder should
be) becomes an OutputError that says which path, why, and what to do.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..config import display_path
from .files import (
    OutputError,
    UnsafePathError,
    WriteResult,
    _bytes,
    _holds,
    _plain_relative,
    _temporary_file,
    describe,
    lock_folder,
    safe_join,
    write_if_changed,
)

MANIFEST = ".topic-digest.json"
# Written by a run (or a forked worker of one) before it creates files the
# manifest does not list yet, so an interrupted run still owns what it wrote.
CLAIM_PREFIX = ".topic-digest-claim-"
# Names in the output folder shown in one warning before "and N more".
SHOWN_NAMES = 10


def output_root(base: Path, relative: str) -> Path:
    """Return the output folder base/relative, refusing a symbolic link or a file on its way.

    The first part (docs/) may be a link; below it, the output folder must be
    a real folder, so that it cannot point at the hand-written pages or
    anywhere else.
    """
    root = base / relative
    # Shown as written: resolving would show where a link leads instead.
    shown = PurePosixPath(display_path(base))
    current = base
    for number, part in enumerate(PurePosixPath(relative).parts):
        current, shown = current / part, shown / part
        if number and current.is_symlink():
            raise OutputError(
                f"The output folder '{_show(base, relative)}' "
                f"goes through the symbolic link '{shown}'; topic-digest writes only into a real folder of its own. "
                "Remove the link (the folder is made when needed), or set another `output` in digest.yml."
            )
        if current.exists() and not current.is_dir():
            raise OutputError(
                f"The output folder '{_show(base, relative)}' cannot be made: '{shown}' is a file. "
                "Move that file away, or set another `output` in digest.yml."
            )
    return root


def _show(base: Path, relative: str) -> str:
    """Show base/relative as the user would type it, without following links in relative."""
    shown = display_path(base)
    return relative if shown == "." else f"{shown}/{relative}"


def folder_in_docs(root: Path, docs_dir: Path, where: str, value: str) -> str:
    """Return the output folder's path inside MkDocs' docs_dir, refusing one outside it or docs_dir itself."""
    docs = docs_dir.resolve()
    folder = root.resolve()
    if folder == docs:
        raise OutputError(
            f"{where}: `output: {value}` is MkDocs' docs_dir itself, where the hand-written pages live; topic-digest "
            f"needs a folder of its own. Use a folder below it, such as '{display_path(docs_dir)}/digest'."
        )
    if not folder.is_relative_to(docs):
        raise OutputError(
            f"{where}: `output: {value}` is not inside MkDocs' docs_dir '{display_path(docs_dir)}'. Use a folder "
            f"below it, such as '{display_path(docs_dir)}/digest', or fix docs_dir in mkdocs.yml."
        )
    return folder.relative_to(docs).as_posix()


class OutputFolder:
    """A folder of generated files and what the tool wrote there before (its manifest).

    Forked workers may write runs of files through the same object; the
    parent then calls ``finish`` once, with every file of the build.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.warnings: list[str] = []
        self.owned = self._read_owned()

    def _read_owned(self) -> set[str]:
        """Return the files the manifest and any claims say the tool wrote (plain paths inside root only)."""
        owned: set[str] = set()
        if not self.root.is_dir():
            return owned
        for path in [self.root / MANIFEST, *sorted(self.root.glob(f"{CLAIM_PREFIX}*.json"))]:
            if not path.exists() and path.name == MANIFEST:
                continue
            entries = _manifest_entries(path)
            if entries is None:
                self.warnings.append(
                    f"The manifest '{display_path(path)}' of the output folder is damaged, so topic-digest does not "
                    "know which files there it wrote: it replaces or deletes none of them. If only topic-digest "
                    f"writes in '{display_path(self.root)}', delete that folder and build again."
                )
                continue
            unsafe = [entry for entry in entries if not self._plain(entry)]
            if unsafe:
                self.warnings.append(
                    f"The manifest '{display_path(path)}' of the output folder names "
                    f"{_names(unsafe)}, which {'is not a plain path' if len(unsafe) == 1 else 'are not plain paths'} "
                    f"inside '{display_path(self.root)}'; ignored. Delete the manifest if you did not write that."
                )
            owned.update(entry for entry in entries if self._plain(entry))
        return owned

    def _plain(self, relative: str) -> bool:
        # Generated paths are slugs: never dot-led, never a link out of the folder.
        if any(part.startswith(".") for part in relative.split("/")):
            return False
        try:
            safe_join(self.root, relative)
        except UnsafePathError:
            return False
        return True

    def collisions(self, files: Mapping[str, str | bytes]) -> list[str]:
        """Return the generated paths where a file the tool did not write stands, with other bytes (sorted)."""
        found = []
        for relative in sorted(files):
            if relative in self.owned:
                continue
            try:
                target = safe_join(self.root, relative)
            except UnsafePathError:
                if not _plain_relative(relative):
                    raise
                found.append(relative)  # a link someone put there leads out of the folder
                continue
            if (self.root / relative).is_symlink() or target.is_dir():
                found.append(relative)
            elif target.exists():
                try:
                    same = _holds(target, _bytes(files[relative]))
                except OSError:
                    same = False
                if not same:
                    found.append(relative)
        return found

    def check(self, files: Mapping[str, str | bytes]) -> None:
        """Raise OutputError naming every generated file that would replace a file the tool did not write."""
        collisions = self.collisions(files)
        if collisions:
            raise OutputError(self.collision_message(collisions))

    def collision_message(self, collisions: list[str]) -> str:
        """Say which files stand in the way and what to do."""
        shown = display_path(self.root)
        return (
            f"The output folder '{shown}' holds {_names(collisions)}, which topic-digest did not write and "
            f"would have to replace. Move {'it' if len(collisions) == 1 else 'them'} out "
            f"of '{shown}' (the folder belongs to topic-digest). If an older topic-digest made the folder, "
            f"delete '{shown}' (the default docs/digest is git-ignored) and build again."
        )

    def write(self, files: Mapping[str, str | bytes]) -> WriteResult:
        """Write these files (only those whose bytes differ), refusing any that would replace a file the tool did not write."""
        self.check(files)
        return self.write_unchecked(files)

    def write_unchecked(self, files: Mapping[str, str | bytes]) -> WriteResult:
        """Write these files, whose paths ``collisions`` found clear, only those whose bytes differ."""
        targets = {relative: safe_join(self.root, relative) for relative in sorted(files)}
        new = [relative for relative in targets if relative not in self.owned]
        result = WriteResult()
        try:
            if new:
                self._claim(new)
            for relative, target in targets.items():
                if write_if_changed(target, _bytes(files[relative])):
                    result.written.append(relative)
                else:
                    result.unchanged += 1
        except OSError as error:
            raise OutputError(describe(error, f"Could not write into the output folder '{display_path(self.root)}'")) from None
        return result

    def _claim(self, relative: list[str]) -> None:
        """Record that this run is about to create these files, before it does."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle, temporary = _temporary_file(self.root)
        with os.fdopen(handle, "wb") as stream:
            stream.write(json.dumps(sorted(relative)).encode("utf-8"))
        os.replace(temporary, self.root / f"{CLAIM_PREFIX}{secrets.token_hex(8)}.json")

    def finish(self, generated: Iterable[str]) -> tuple[list[str], list[str]]:
        """Delete the files the tool wrote before that this build did not make, then record what it made.

        Returns the removed files and the files found that the tool did not write (left alone).
        """
        keep = set(generated)
        try:
            removed = self._remove(sorted(self.owned - keep))
            if self.root.is_dir() or keep:
                write_if_changed(self.root / MANIFEST, _manifest(keep))
            for claim in self.root.glob(f"{CLAIM_PREFIX}*.json"):
                claim.unlink(missing_ok=True)
        except OSError as error:
            raise OutputError(describe(error, f"Could not update the output folder '{display_path(self.root)}'")) from None
        self.owned = keep
        return removed, self.foreign(keep)

    def _remove(self, stale: list[str]) -> list[str]:
        removed = []
        for relative in stale:
            path = self.root / relative
            if path.is_symlink() or path.is_file():
                path.unlink()
                removed.append(relative)
                # Folders the removal left empty go too, never the output folder itself.
                parent = path.parent
                while parent != self.root and not any(parent.iterdir()):
                    parent.rmdir()
                    parent = parent.parent
        return removed

    def foreign(self, generated: Iterable[str]) -> list[str]:
        """Return the files under the folder that the tool neither made now nor wrote before (not dotfiles)."""
        known = self.owned | set(generated)
        found = []
        for folder, folders, names in os.walk(self.root):
            base = Path(folder).relative_to(self.root)
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            # A link to a folder is listed, not followed.
            links = [name for name in folders if (Path(folder) / name).is_symlink()]
            folders[:] = [name for name in folders if name not in links]
            for name in names + links:
                relative = (base / name).as_posix()
                if not name.startswith(".") and relative not in known:
                    found.append(relative)
        return sorted(found)

    def foreign_warning(self, foreign: list[str]) -> str:
        """Say which files were found in the output folder that the tool did not write."""
        shown = display_path(self.root)
        many = len(foreign) != 1
        return (
            f"The output folder '{shown}' holds {_names(foreign)}, which topic-digest did not write: "
            f"{'they are' if many else 'it is'} left alone and {'stay' if many else 'stays'} in the site. "
            f"Move {'them' if many else 'it'} out of '{shown}' into docs/, since the folder belongs to topic-digest."
        )

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the folder while writing, so two runs never write it at once."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(describe(error, f"Could not make the output folder '{display_path(self.root)}'")) from None
        with lock_folder(self.root):
            yield


def owned_in_docs(docs_dir: Path, uris: Iterable[str]) -> set[str]:
    """Return the files (paths from docs_dir, among uris) that a manifest in any folder of uris says the tool wrote."""
    owned: set[str] = set()
    for uri in uris:
        folder, _, name = uri.rpartition("/")
        if name == MANIFEST and folder:
            owned.update(f"{folder}/{relative}" for relative in OutputFolder(docs_dir / folder).owned)
    return owned


def _manifest_entries(path: Path) -> list[str] | None:
    """Return the paths a manifest or claim lists, or None when it is not one."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    entries = data.get("files") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not all(isinstance(entry, str) for entry in entries):
        return None
    return entries


def _manifest(files: set[str]) -> bytes:
    return (
        json.dumps(
            {"about": "Files topic-digest wrote in this folder; it replaces and deletes only these.", "files": sorted(files)},
            indent=1,
        )
        + "\n"
    ).encode("utf-8")


def _names(paths: list[str]) -> str:
    shown = ", ".join(f"'{path}'" for path in paths[:SHOWN_NAMES])
    if len(paths) > SHOWN_NAMES:
        shown += f" and {len(paths) - SHOWN_NAMES} more"
    return shown
