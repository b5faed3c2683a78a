"""The `digest` command: each subcommand loads config and calls one library function.

The library raises a DigestError for anything the user can fix; the group
turns it into "Error: <message>" and exit code 1, in one place.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from .config import CONFIG_NAME, DigestConfig, display_path, load_config
from .curator import scaffold
from .curator.origin import running_install
from .curator.stats import digest_stats, format_stats
from .curator.suggest import format_suggestions, suggest_phrases, target_papers
from .errors import CommandError, DigestError
from .output import OutputError
from .pipeline import STEPS, Digest, check_generated, generate, load_digest
from .plugin.run import build_site, serve_site

MKDOCS_CONFIG = "mkdocs.yml"

def _find_upward(name: str) -> Callable[[click.Context, click.Parameter, Path | None], Path]:
    """Return a click callback: the file given, else `name` here or in the nearest parent folder, as git finds .git."""

    def find(ctx: click.Context, param: click.Parameter, given: Path | None) -> Path:
        if given is not None:
            return given
        here = Path.cwd()
        for folder in (here, *here.parents):
            candidate = folder / name
            if candidate.is_file():
                if folder == here:
                    return Path(name)
                click.echo(f"Using '{candidate}'.", err=True)
                return candidate
        raise CommandError(
            f"Could not find '{name}' in '{here}' or any parent folder. Run the command in a digest folder "
            "(the one with mkdocs.yml and digest.yml), or create one with `digest new DIR`."
        )

    return find


config_file_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_find_upward(MKDOCS_CONFIG),
    help=f"The MkDocs configuration file of the digest.  [default: {MKDOCS_CONFIG} here or in the nearest parent folder]",
)
digest_file_option = click.option(
    "-c",
    "--digest-file",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_find_upward(CONFIG_NAME),
    help=f"The digest file (title, sources, topics).  [default: {CONFIG_NAME} here or in the nearest parent folder]",
)
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Print every step in detail.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")


def _not_staging(record: logging.LogRecord) -> bool:
    # `digest build` builds into a hidden staging folder and reports the real one.
    return not str(record.msg).startswith("Building documentation to directory")


def _setup_logging(verbose: bool = False, quiet: bool = False) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.addFilter(_not_staging)
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    for name in ("mkdocs", "generator"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str], None]]:
    """Yield an on_step callback that draws a progress bar on a terminal only."""
    if quiet or not sys.stderr.isatty():
        yield lambda step: None
        return
    with click.progressbar(length=len(STEPS), label="Building digest", file=sys.stderr) as bar:
        seen: list[str] = []

        def on_step(step: str) -> None:
            if seen:
                bar.update(1)
            seen.append(step)
            bar.label = f"Building digest: {step}"

        yield on_step
        bar.update(len(STEPS) - bar.pos)


def _load(digest_file: Path, quiet: bool = False) -> tuple[DigestConfig, Digest]:
    config = load_config(digest_file)
    with _progress(quiet) as on_step:
        return config, load_digest(config, on_step=on_step)


class _Commands(click.Group):
    """The `digest` commands: a DigestError any of them raises is a message and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; say what a DigestError says, after "Error: ", and exit 1."""
        try:
            return super().invoke(ctx)
        except DigestError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="topic-digest")
def cli() -> None:
    """Turn scraped paper listings into a searchable topic-digest website."""


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM, SIGHUP): unwind like Ctrl-C, so cleanup runs.

    Click then says "Aborted!" and exits 1; `digest serve` shuts down as on Ctrl-C.
    """


def _on_termination(signum: int, frame: object) -> None:
    if os.getpid() != _main_pid:
        # A forked worker: the pool that made it is stopping it; go at once.
        os._exit(128 + signum)
    raise Terminated(signum)


_main_pid = os.getpid()


def main() -> NoReturn:
    """Run the command line (the `digest` script), then exit without freeing every object.

    A 50,000-paper digest is millions of objects; freeing them one by one
    when the interpreter shuts down took a second after the work was done.
    Like mypy's fast exit, flush what is buffered and leave at once.
    """
    global _main_pid
    _main_pid = os.getpid()
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _on_termination)
    try:
        cli()
        code: object = 0
    except SystemExit as exit:
        code = exit.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # the reader went away, e.g. `digest check | head -1`
            code = code or 120
    os._exit(code or 0)


@cli.command()
@config_file_option
@click.option("--strict", is_flag=True, help="Fail the build on any warning.")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON build report (records read, merged, rejected, warnings) here.",
)
@verbose_option
@quiet_option
def build(config_file: Path, strict: bool, report: Path | None, verbose: bool, quiet: bool) -> None:
    """Build the site (like `mkdocs build`) and print a summary."""
    _setup_logging(verbose, quiet)
    shown, digest = build_site(config_file, strict, report)
    if digest is None:
        click.echo(f"Site written to '{shown}'.")
        return
    r = digest.report
    click.echo(
        f"Site written to '{shown}': {r.papers} papers from {r.records_read} "
        f"records ({r.merged_records} merged, {len(r.rejected)} rejected), "
        f"{len(r.unsorted)} unsorted, {len(r.warnings)} warnings."
    )


@cli.command("generate")
@digest_file_option
@verbose_option
@quiet_option
def generate_command(digest_file: Path, verbose: bool, quiet: bool) -> None:
    """Write the generated Markdown pages and papers.json into docs/ without building."""
    _setup_logging(verbose, quiet)
    config = load_config(digest_file)
    with _progress(quiet) as on_step:
        report, written = generate(config, on_step=on_step)
    for message in report.warnings:
        click.echo(f"Warning: {message}", err=True)
    if not quiet:
        click.echo(
            f"Generated {len(written.written) + written.unchanged} files in '{config.output}' "
            f"({len(written.written)} written, {written.unchanged} unchanged, "
            f"{len(written.removed)} removed): {report.papers} papers."
        )


@cli.command()
@digest_file_option
def check(digest_file: Path) -> None:
    """Check digest.yml and every source without building; exit 1 listing every problem."""
    _setup_logging(quiet=True)
    _, digest = _load(digest_file, quiet=True)
    report = digest.report
    # Every rejected record already has its warning; hidden papers are no problem.
    problems = list(report.warnings)
    try:
        # What a build would find in the output folder, without writing.
        problems += check_generated(digest)
    except OutputError as error:
        problems.append(str(error))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise CommandError(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.")
    click.echo(
        f"OK: {report.records_read} records read, {report.papers} papers, "
        f"{len(report.unsorted)} unsorted."
    )


@cli.command()
@digest_file_option
def stats(digest_file: Path) -> None:
    """Print papers per topic, per month, with code and per source."""
    _setup_logging(quiet=True)
    config, digest = _load(digest_file)
    click.echo(format_stats(digest_stats(config, digest.papers)), nl=False)


@cli.group()
def topics() -> None:
    """Work on the topic taxonomy."""


@topics.command("suggest")
@digest_file_option
@click.option("--topic", metavar="ID", help="Suggest phrases for this topic's papers instead of the unsorted ones.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="How many phrases to print.")
def topics_suggest(digest_file: Path, topic: str | None, limit: int) -> None:
    """Print phrases that would group unsorted papers (or a topic's), with counts."""
    _setup_logging(quiet=True)
    config, digest = _load(digest_file)
    if topic is not None and topic not in {t.id for t in config.topics}:
        raise CommandError(f"there is no topic '{topic}' in {display_path(config.path)}.")
    suggestions = suggest_phrases(digest.papers, topic=topic, limit=limit)
    target = len(target_papers(digest.papers, topic))
    about = f"the {target} paper{'s' if target != 1 else ''} of topic '{topic}'" if topic else (
        f"the {target} unsorted paper{'s' if target != 1 else ''}"
    )
    click.echo(format_suggestions(suggestions, about), nl=False)


@cli.command()
@config_file_option
@click.option(
    "-a",
    "--dev-addr",
    metavar="HOST:PORT",
    default=None,
    help="Address to serve on (default from mkdocs.yml, usually 127.0.0.1:8000).",
)
@verbose_option
@quiet_option
def serve(config_file: Path, dev_addr: str | None, verbose: bool, quiet: bool) -> None:
    """Preview the site with live reload (like `mkdocs serve`)."""
    _setup_logging(verbose, quiet)
    serve_site(config_file, dev_addr)


def _one_line_title(ctx: click.Context, param: click.Parameter, title: str) -> str:
    """Refuse a title that is empty or spans lines: it heads every page and the home page's first line."""
    title = title.strip()
    if not title or not title.isprintable():
        raise click.BadParameter("give the digest a name on one line, such as --title \"Our Lab's Reading List\".")
    return title


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My Paper Digest", show_default=True, callback=_one_line_title, help="The digest's title.")
def new(directory: Path, title: str) -> None:
    """Write a new digest folder that builds as is."""
    install = running_install()
    written = scaffold.create(directory, title, install)
    for path in written:
        click.echo(f"  created {path}")
    click.echo(f"requirements.txt installs {install.why}.")
    click.echo(
        f"Next: cd {directory}, put your listings in data/sources/ and delete the example "
        "(example.txt), set the title and description and replace the EXAMPLE topics in digest.yml, "
        "then run `digest serve` to preview and `digest build --strict` to check the site. "
        ".github/workflows/deploy.yml publishes it to GitHub Pages on every push to main."
    )
