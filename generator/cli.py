"""The `digest` command: each subcommand loads config and calls one library function."""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from pathlib import Path

import click

from . import scaffold
from .config import CONFIG_NAME, ConfigError, display_path, load_config
from .output import UnsafePathError
from .pipeline import SourceError, generate

MKDOCS_CONFIG = "mkdocs.yml"

config_file_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=MKDOCS_CONFIG,
    show_default=True,
    help="The MkDocs configuration file of the digest.",
)


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="topic-digest")
def cli() -> None:
    """Turn scraped paper listings into a searchable topic-digest website."""


@cli.command()
@config_file_option
@click.option("--strict", is_flag=True, help="Fail the build on any warning.")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON build report (records read, merged, rejected, warnings) here.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def build(config_file: Path, strict: bool, report: Path | None, quiet: bool) -> None:
    """Build the site (like `mkdocs build`) and print a summary."""
    from mkdocs import config as mkdocs_config
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    _setup_logging(quiet)
    try:
        config = mkdocs_config.load_config(str(config_file), strict=strict)
    except (MkDocsException, OSError) as error:
        _fail(f"Could not load '{config_file}': {error}")
    # Build next to the site, then swap, so a failed build leaves the old site whole.
    site_dir = Path(config.site_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    config.site_dir = str(staging)
    try:
        mkdocs_build(config)
    except (MkDocsException, SystemExit):
        # MkDocs has already logged what went wrong and where.
        shutil.rmtree(staging, ignore_errors=True)
        _fail(f"the build failed; '{display_path(site_dir)}' was left as it was.")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, site_dir)
    click.echo(f"Site written to '{display_path(site_dir)}'.")
    digest = config.plugins["digest"].digest if "digest" in config.plugins else None
    if digest is None:
        return
    if report is not None:
        report.write_text(digest.report.to_json(), encoding="utf-8")
    r = digest.report
    merged_extra = sum(len(m["origins"]) - 1 for m in r.merged)  # type: ignore[arg-type]
    click.echo(
        f"Digest: {r.papers} papers from {r.records_read} records "
        f"({merged_extra} merged, {len(r.rejected)} rejected), "
        f"{len(r.unsorted)} unsorted, {len(r.warnings)} warnings."
    )


def _swap(staging: Path, site_dir: Path) -> None:
    old = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


@cli.command("generate")
@click.option(
    "-c",
    "--digest-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=CONFIG_NAME,
    show_default=True,
    help="The digest file (title, sources, topics).",
)
def generate_command(digest_file: Path) -> None:
    """Write the generated Markdown pages and papers.json into docs/ without building."""
    _setup_logging(quiet=False)
    try:
        digest, written = generate(load_config(digest_file))
    except (ConfigError, SourceError, UnsafePathError) as error:
        _fail(str(error))
    for message in digest.report.warnings:
        click.echo(f"Warning: {message}", err=True)
    click.echo(
        f"Generated {len(digest.files)} files in '{digest.config.output}' "
        f"({len(written.written)} written, {written.unchanged} unchanged, "
        f"{len(written.removed)} removed): {digest.report.papers} papers."
    )


@cli.command()
@config_file_option
@click.option(
    "-a",
    "--dev-addr",
    metavar="HOST:PORT",
    default=None,
    help="Address to serve on (default from mkdocs.yml, usually 127.0.0.1:8000).",
)
def serve(config_file: Path, dev_addr: str | None) -> None:
    """Preview the site with live reload (like `mkdocs serve`)."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    _setup_logging(quiet=False)
    try:
        mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)
    except MkDocsException as error:
        _fail(str(error))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My Paper Digest", show_default=True, help="The digest's title.")
def new(directory: Path, title: str) -> None:
    """Write a new digest folder that builds as is."""
    try:
        written = scaffold.create(directory, title)
    except FileExistsError as error:
        _fail(str(error))
    for path in written:
        click.echo(f"  created {path}")
    click.echo(
        f"Next: cd {directory}, put listing files in data/sources/, edit the topics in "
        f"digest.yml, then run `digest serve` to preview or `digest build` to publish."
    )


def _setup_logging(quiet: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    root = logging.getLogger("mkdocs")
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if quiet else logging.INFO)
    root.propagate = False
