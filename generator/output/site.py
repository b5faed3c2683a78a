"""The built site: built in a hidden folder beside site_dir and swapped in whole, so a failed build leaves the old one."""

from __future__ import annotations

import logging
import secrets
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from ..config import display_path
from .files import OutputError, WriteResult, _bytes, describe, lock_folder, safe_join, write_if_changed

log = logging.getLogger(__name__)


def write_site_folder(files: Mapping[str, str | bytes], root: Path) -> WriteResult:
    """Make a folder of the built site hold exactly these files, touching only files whose bytes differ.

    Only for folders inside site_dir that the build owns whole (the search
    index): everything in the built site is build output, so whatever else
    is there is stale and goes.
    """
    result = WriteResult()
    try:
        targets = {relative: safe_join(root, relative) for relative in sorted(files)}
        for relative, target in targets.items():
            if write_if_changed(target, _bytes(files[relative])):
                result.written.append(relative)
            else:
                result.unchanged += 1
        keep = set(targets.values())
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
