"""Render the views into the digest's files: Markdown pages, feeds, the chart and papers.json (str out).

Templates get the typed views of views.py, through a Jinja environment whose
``finalize`` hook escapes every printed value (escape.finalize). Every file
is made by a named job (render_jobs); jobs are pure, so forked workers can
run them.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable, MutableMapping, Sequence
from pathlib import Path
from typing import TypeVar

import jinja2
from markupsafe import Markup

from ..config import display_path
from ..constants import CHART_FILE, DIGEST_BIB, NEW_PAGE, PAPERS_JSON
from ..errors import TemplateError
from ..executor import Executor, split
from .bibtex import bib_file
from .chart import digest_chart
from .code_table import code_pages
from .entries import EntryRenderer
from .escape import finalize, html_block_pre, html_block_text
from .feeds import digest_feeds
from .papers_json import papers_json
from .views import Site, SiteViews, TopicView, listing_days

Result = TypeVar("Result")
Job = Callable[[], dict[str, str]]

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
RENDER_PARTS = 8  # runs of topic pages handed to the workers
# Jobs that run first, the largest first, so that no core waits for one at the end.
LARGEST_FIRST = (PAPERS_JSON, "site pages", "feeds")
# Not a path: a topic-page job hands back the entry bodies it used under
# this prefix (see EntryRenderer), for `digest serve`'s cache.
ENTRY_KEY = "\0entry:"
EntryCache = MutableMapping[str, str]


class _Template(jinja2.Template):
    """A template whose every rendering error is a TemplateError naming the template file and line."""

    def render(self, *args: object, **kwargs: object) -> str:
        try:
            return super().render(*args, **kwargs)
        except TemplateError:
            raise
        except Exception as error:  # noqa: BLE001 - a curator's template can fail in any way
            raise TemplateError(_template_problem(error, self.name)) from None


class _Environment(jinja2.Environment):
    """The Jinja environment of the digest: a template that cannot be loaded is a TemplateError."""

    template_class = _Template

    def get_template(self, name: str | jinja2.Template, *args: object, **kwargs: object) -> jinja2.Template:  # type: ignore[override]
        try:
            return super().get_template(name, *args, **kwargs)  # type: ignore[arg-type]
        except jinja2.TemplateError as error:
            if args or kwargs.get("parent"):
                raise  # an include: the including template's render names its file and line
            raise TemplateError(_template_problem(error, str(name))) from None


def _template_problem(error: Exception, name: str) -> str:
    """Say which template file and line failed, why, and what to do."""
    filename, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    if line is None:
        # Jinja rewrites tracebacks so that a template's frames carry its file and line.
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
        if frames:
            filename, line = frames[-1].filename, frames[-1].lineno
    if isinstance(error, jinja2.TemplateNotFound):
        problem = f"the template '{error.name}' does not exist"
    else:
        problem = getattr(error, "message", None) or str(error) or type(error).__name__
    where = f"'{display_path(Path(filename))}'" if filename else f"'{name}'"
    if line:
        where += f" line {line}"
    if filename and Path(filename).resolve().is_relative_to(PACKAGE_TEMPLATES.resolve()):
        advice = "This is a bug in topic-digest's bundled template: please report it."
    else:
        advice = "Fix the template, or delete your copy in templates/ to use the bundled one."
    return f"Template {where}: {problem}. {advice}"


def make_environment(extra_dirs: list[Path] | None = None) -> jinja2.Environment:
    """Return the Jinja environment: user templates first, then the bundled ones."""
    search = [str(d) for d in (extra_dirs or []) if d.is_dir()] + [str(PACKAGE_TEMPLATES)]
    environment = _Environment(
        loader=jinja2.FileSystemLoader(search),
        # Each build makes its own environment, so an edited template is still
        # read by the next build; within a build, checking the file's time again
        # for every entry a page includes cost a stat call per paper.
        auto_reload=False,
        finalize=finalize,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["pre"] = html_block_pre
    return environment


def render_files(
    environment: jinja2.Environment, site: Site, views: SiteViews, executor: Executor, entries: EntryCache | None = None
) -> dict[str, str]:
    """Return every generated file, keyed by path relative to the output folder.

    With an ``entries`` cache, entry bodies rendered before are reused, and
    the cache keeps exactly the entries of this build afterwards.
    """
    files: dict[str, str] = {}
    for run in run_jobs(render_jobs(environment, site, views, entries), executor, lambda run: run).values():
        files.update(run)
    return _store_entries(files, entries, keep_unused=False)


def render_jobs(
    environment: jinja2.Environment, site: Site, views: SiteViews, entries: EntryCache | None = None
) -> dict[str, Job]:
    """Return the jobs that make every generated file, by name: runs of topic pages, the site pages, feeds, papers.json."""
    pages = views.topic_pages()
    render_run = _topic_page_renderer(environment, views, pages, entries)
    runs = split(range(len(pages)), RENDER_PARTS)
    return {
        **{f"topic pages {number + 1} of {len(runs)}": functools.partial(render_run, run) for number, run in enumerate(runs)},
        "site pages": functools.partial(render_site_pages, environment, site, views),
        "feeds": functools.partial(digest_feeds, site),
        DIGEST_BIB: lambda: {DIGEST_BIB: bib_file(site.bibtex.values())},
        PAPERS_JSON: lambda: {
            PAPERS_JSON: papers_json(site.papers, site.matches, site.paging.page_of, site.config.output, site.use_directory_urls)
        },
    }


def run_jobs(jobs: dict[str, Job], executor: Executor, handle: Callable[[dict[str, str]], Result]) -> dict[str, Result]:
    """Run every job and return handle(the files it made) for each, by the job's name, in the jobs' order.

    Each job's files are handled where the job ran: `digest generate` writes
    them there, so they never travel back to this process.
    """
    order = [name for name in LARGEST_FIRST if name in jobs] + [name for name in jobs if name not in LARGEST_FIRST]
    done = dict(zip(order, executor.map(lambda name: handle(jobs[name]()), order)))
    return {name: done[name] for name in jobs}


def render_topic_pages(
    environment: jinja2.Environment,
    views: SiteViews,
    executor: Executor,
    shown: set[str] | None = None,
    entries: EntryCache | None = None,
) -> dict[str, str]:
    """Return the topic pages and their parts (only the ``shown`` pages, if given)."""
    pages = views.topic_pages()
    if shown is not None:
        pages = [page for page in pages if str(page.page) in shown]
    render_run = _topic_page_renderer(environment, views, pages, entries)
    # Topic pages are most of the work; large digests render them in forked workers.
    parts = executor.map(render_run, split(range(len(pages)), RENDER_PARTS))
    return _store_entries({page: text for part in parts for page, text in part.items()}, entries, keep_unused=True)


def _topic_page_renderer(
    environment: jinja2.Environment, views: SiteViews, pages: list[TopicView], entries: EntryCache | None
) -> Callable[[Sequence[int]], dict[str, str]]:
    """Return a function that renders a run of the pages (by number), with the entry bodies it used when caching."""
    template = environment.get_template("topic.md.j2")
    # Entry bodies are HTML: autoescaped by Jinja, with the escaping of a raw HTML block.
    entry_html = EntryRenderer(environment.overlay(autoescape=True, finalize=html_block_text), entries)
    digest = views.digest

    def render_run(numbers: Sequence[int]) -> dict[str, str]:
        entry_html.used = {}
        files = {
            str(pages[number].page): template.render(digest=digest, topic=pages[number], entry_html=entry_html)
            for number in numbers
        }
        if entries is not None:
            files.update((ENTRY_KEY + key, body) for key, body in entry_html.used.items())
        return files

    return render_run


def _store_entries(files: dict[str, str], entries: EntryCache | None, keep_unused: bool) -> dict[str, str]:
    """Move the entry bodies the jobs used out of files into the cache (dropping the unused ones unless told); return the files."""
    if entries is None:
        return files
    used = {name.removeprefix(ENTRY_KEY): files.pop(name) for name in [n for n in files if n.startswith(ENTRY_KEY)]}
    kept = {key: body or entries[key] for key, body in used.items()}
    if not keep_unused:
        entries.clear()
    entries.update(kept)
    return files


def render_site_pages(environment: jinja2.Environment, site: Site, views: SiteViews) -> dict[str, str]:
    """Return the pages about the whole digest: papers with code, new papers, the chart."""
    template = environment.get_template("with_code.md.j2")
    files = {
        page.page: template.render(digest=views.digest, rows=page.rows, parts=page.parts, total=page.total, part=page.part)
        for page in code_pages(site)
    }
    days = listing_days(site)
    files[NEW_PAGE] = environment.get_template("new.md.j2").render(
        digest=views.digest, days=days, shown=sum(len(day.papers) for day in days)
    )
    files[CHART_FILE] = digest_chart(site.config, site.papers)
    return files


def render_overview(environment: jinja2.Environment, site: Site, views: SiteViews) -> str:
    """Return the Markdown overview that fills the home page's marker."""
    folder = site.config.output.removeprefix("docs/").strip("/")
    return environment.get_template("overview.md.j2").render(
        digest=views.digest, folder=Markup(folder), chart=Markup(CHART_FILE)
    )
