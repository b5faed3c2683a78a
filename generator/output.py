"""Write generated files: only inside the output folder, only what changed, never over a file the tool did not write.

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

import errno
import json
import logging
import os
import secrets
import shutil
import stat
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .config import display_path
from .errors import DigestError

log = logging.getLogger(__name__)

MANIFEST = ".topic-digest.json"
# Written by a run (or a forked worker of one) before it creates files the
# manifest does not list yet, so an interrupted run still owns what it wrote.
CLAIM_PREFIX = ".topic-digest-claim-"
TEMPORARY_PREFIX = ".digest-"
# Names in the output folder shown in one warning before "and N more".
SHOWN_NAMES = 10


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
    data = content.encode("utf-8") if isinstance(content, str) else content
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


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _names(paths: list[str]) -> str:
    shown = ", ".join(f"'{path}'" for path in paths[:SHOWN_NAMES])
    if len(paths) > SHOWN_NAMES:
        shown += f" and {len(paths) - SHOWN_NAMES} more"
    return shown


def write_site_folder(files: Mapping[str, str | bytes], root: Path) -> WriteResult:
    """Make a folder of the built site hold exactly these files, touching only files whose bytes differ.

    Only for folders inside site_dir that the build owns whole (the search
    index): everything in the built site is build output, so whatever else
    is there is stale and goes.
    """
    result = WriteResult()
    try:
        for relative in sorted(files):
            if write_if_changed(safe_join(root, relative), _bytes(files[relative])):
                result.written.append(relative)
            else:
                result.unchanged += 1
        keep = {safe_join(root, relative) for relative in files}
        for path in sorted(root.rglob("*"), reverse=True):
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    path.rmdir()
            elif path.resolve() not in keep:
                path.unlink()
                result.removed.append(path.relative_to(root).as_posix())
    except OSError as error:
        raise OutputError(describe(error, f"Could not write the site folder '{display_path(root)}'")) from None
    return result


def make_staging(site_dir: Path) -> Path:
    """Make an empty hidden folder beside site_dir to build the new site in.

    Its permissions are those of any folder MkDocs makes (0777 less the
    umask), not tempfile.mkdtemp's 0700: the staging folder becomes the site.
    """
    parent = site_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        while True:
            staging = parent / f".site-{secrets.token_hex(6)}"
            try:
                staging.mkdir()
                return staging
            except FileExistsError:
                continue
    except OSError as error:
        # The folder that refused is the one to fix, not the name tried in it.
        error = OSError(error.errno, error.strerror, str(parent)) if error.filename else error
        raise OutputError(
            describe(error, f"Could not make a folder beside '{display_path(site_dir)}' to build the new site in")
        ) from None


def swap_in(staging: Path, site_dir: Path) -> None:
    """Put the staged site in site_dir's place, then delete the old site; on failure put the old one back."""
    old = None
    try:
        if site_dir.exists():
            old = site_dir.with_name(f".site-old-{secrets.token_hex(6)}")
            site_dir.rename(old)
        try:
            staging.rename(site_dir)
        except OSError:
            if old is not None:
                old.rename(site_dir)
            raise
    except OSError as error:
        raise OutputError(describe(error, f"Could not put the new site in place of '{display_path(site_dir)}'")) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        if old.exists():
            log.warning("Could not delete the old site, kept as '%s'. Delete it by hand.", display_path(old))


@contextmanager
def staged_site(site_dir: Path) -> Iterator[Path]:
    """Yield an empty folder beside site_dir to build the site in; swap it in if the block ends normally.

    On any error (or Ctrl-C) the folder is deleted and the old site stays
    whole. One build at a time swaps a site in: a second waits for the first.
    """
    check_site_dir(site_dir)
    staging = make_staging(site_dir)
    try:
        with lock_folder(site_dir.parent):
            yield staging
            swap_in(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def check_site_dir(site_dir: Path) -> None:
    """Refuse a site_dir that is not a folder (before any work)."""
    if site_dir.exists() and not site_dir.is_dir():
        raise OutputError(
            f"The site folder '{display_path(site_dir)}' is a file. Move it away, or set another `site_dir` in mkdocs.yml."
        )
