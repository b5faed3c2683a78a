"""Run MkDocs for `digest build` and `digest serve`; what fails becomes an MkDocsError that says why and what to do."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..config import display_path
from ..errors import CommandError, MkDocsError
from ..output import OutputError, check_file_target, describe, staged_site, write_file
from ..pipeline import Digest


def require_mkdocs_config(config_file: Path) -> None:
    """Refuse, saying where we looked and what to do, unless mkdocs.yml exists."""
    if not config_file.is_file():
        raise CommandError(
            f"Could not find '{config_file}' in '{Path.cwd()}'. Run the command in a digest "
            "folder (the one with mkdocs.yml and digest.yml), or create one with `digest new DIR`."
        )


def load_mkdocs_config(config_file: Path, strict: bool = False) -> Any:
    """Load mkdocs.yml, or raise an MkDocsError saying why."""
    from mkdocs import config as mkdocs_config
    from mkdocs.exceptions import MkDocsException

    require_mkdocs_config(config_file)
    try:
        return mkdocs_config.load_config(str(config_file), strict=strict)
    except (MkDocsException, OSError) as error:
        raise MkDocsError(f"Could not load '{config_file}': {error}") from None


def build_site(config_file: Path, strict: bool = False, report: Path | None = None) -> tuple[str, Digest | None]:
    """Build the site like `mkdocs build`, beside site_dir, and swap it in; return where it is and the digest.

    A failed build (MkDocs' error, a full disk, a report that cannot be
    written) leaves the old site whole.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    config = load_mkdocs_config(config_file, strict)
    # A site_dir that is a link is built beside the folder it points to, which is what gets replaced.
    shown = display_path(Path(config.site_dir))
    kept = f"'{shown}' was left as it was."
    digest = None
    if report is not None and "digest" not in config.plugins:
        raise CommandError(
            f"--report needs the digest plugin, which '{config_file}' does not list. Add `- digest` under `plugins:` there."
        )
    site_dir = Path(config.site_dir).resolve()
    # A report inside the site goes into the new site, not the old one the swap deletes.
    in_site = report is not None and report.resolve().is_relative_to(site_dir)
    try:
        # What can be checked is checked before the build, which can take minutes.
        if report is not None and not in_site:
            check_file_target(report, "the build report")
        with staged_site(site_dir) as staging:
            config.site_dir = str(staging)
            try:
                mkdocs_build(config)
            except (MkDocsException, SystemExit) as error:
                # MkDocs has already logged what went wrong and where.
                cause = f" ({error})" if "strict mode" in str(error) else ""
                raise MkDocsError(f"the build failed{cause}; {kept}") from None
            except OSError as error:
                # MkDocs writes the pages itself: a full disk, a folder it may not write.
                raise MkDocsError(f"{describe(error, 'Could not write the new site')} {kept}") from None
            digest = config.plugins["digest"].digest if "digest" in config.plugins else None
            if report is not None and digest is not None:
                target = staging / report.resolve().relative_to(site_dir) if in_site else report
                write_file(target, digest.report.to_json(), "the build report")
    except OutputError as error:
        raise MkDocsError(f"{error} {kept}") from None
    return shown, digest


def serve_site(config_file: Path, dev_addr: str | None) -> None:
    """Serve the site with live reload, like `mkdocs serve`, until stopped."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    require_mkdocs_config(config_file)
    # Dirty builds let the digest plugin skip unchanged generated pages (see
    # preview.py); it rebuilds everything whenever navigation could change,
    # so MkDocs' warning about stale navigation does not apply.
    logging.getLogger("mkdocs.commands.build").addFilter(
        lambda record: not record.getMessage().startswith("A 'dirty' build is being performed")
    )
    try:
        mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True, build_type="dirty")
    except MkDocsException as error:
        raise MkDocsError(str(error)) from None
    except OSError as error:
        # Most often the address is taken by another server.
        raise MkDocsError(
            f"Could not serve the preview: {error.strerror or error}. Stop whatever uses the address, or "
            "choose another with -a HOST:PORT."
        ) from None
