"""Render the digest into Markdown pages, feeds, a chart and papers.json (str out).

Templates get typed view objects. Every value a template prints goes through
:func:`generator.escape.finalize`, so untrusted text is escaped in one place;
only values this module builds itself (ids, hrefs) are passed as Markup.
"""

from __future__ import annotations

import functools
import heapq
import posixpath
import re
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring as encode_json_string
from pathlib import Path
from typing import TypeVar

import jinja2
from markupsafe import Markup

from .chart import monthly_chart
from .constants import ALL_FEED, CHART_FILE, FEED_FOLDER, NEW_PAGE, PAPERS_JSON, UNSORTED_ID, WITH_CODE_PAGE
from .config import DigestConfig, Topic, display_path
from .errors import TemplateError
from .escape import finalize, html_attr
from .feeds import MAX_ENTRIES, FeedEntry, atom_feed
from .models import Link, Paper
from .executor import SERIAL, Executor, split
from .paging import UNDATED, Part, Paging, assign_pages, ordered_parts, split_groups
from .search_index import SearchPage, SearchPaper
from .enrich.topics import Match

Result = TypeVar("Result")

# A link to the top-level templates/, so wheels carry the templates too.
PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
UNSORTED = Topic(
    id=UNSORTED_ID,
    title="Unsorted",
    description="Papers that no topic rule matched yet. Extend the taxonomy in digest.yml.",
)
LATEST_COUNT = 10
# The New page shows whole listing days until it holds NEW_PAPERS_SHOWN
# papers, and never more than NEW_PAPERS_MAX: a day that would pass it is
# cut. The papers-with-code table splits (see paging.py) past
# CODE_ROWS_PER_PAGE rows; a row is about 0.5 KB of HTML.
NEW_PAPERS_SHOWN = 300
NEW_PAPERS_MAX = 600
CODE_ROWS_PER_PAGE = 1000
RENDER_PARTS = 8  # runs of topic pages handed to the workers
# An entry lists at most this many of the papers that mention it, newest first.
MAX_MENTIONED_BY = 20
# The abstract shows this much before "Read more".
SUMMARY_CHARS = 280
_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")


@dataclass(frozen=True)
class PaperRef:
    """A link to a paper's entry (or a topic page) with its title."""

    title: str
    href: Markup
    date: str = ""


@dataclass(frozen=True)
class LinkView:
    """A link button."""

    href: Markup
    label: str
    kind: str
    repo: str


class PaperView:
    """Everything a template shows of one paper, worked out when a template first asks.

    The renderer makes a view of every paper before any page is rendered, but
    only the one page that shows the paper reads it; pages are rendered in
    forked workers, so the work of filling the views is spread over the cores
    instead of done up front in one process.
    """

    def __init__(self, renderer: Renderer, paper: Paper, here: str) -> None:
        self._renderer = renderer
        self._paper = paper
        self._here = here  # the page the entry is on

    @property
    def id(self) -> Markup:
        return self._renderer.anchors[self._paper.id]

    @property
    def title(self) -> str:
        return self._paper.title

    @functools.cached_property
    def _abstract(self) -> tuple[str, str]:
        return split_abstract(self._paper.abstract)

    @property
    def summary(self) -> str:
        return self._abstract[0]

    @property
    def more(self) -> str:
        return self._abstract[1]

    @functools.cached_property
    def meta(self) -> list[str]:
        paper = self._paper
        meta = []
        if paper.published:
            meta.append(paper.published.isoformat())
        elif paper.listed:
            meta.append(f"listed {paper.listed.isoformat()}")
        if paper.authors_count is not None:
            meta.append(f"{paper.authors_count} author" + ("s" if paper.authors_count != 1 else ""))
        if paper.upvotes is not None:
            meta.append(f"{paper.upvotes} upvote" + ("s" if paper.upvotes != 1 else ""))
        return meta

    @functools.cached_property
    def links(self) -> list[LinkView]:
        return [
            LinkView(html_attr(link.url), link.label or link.kind, link.kind, link.repo)
            for link in self._paper.links
        ]

    @functools.cached_property
    def also_in(self) -> list[PaperRef]:
        topics = self._renderer.topics
        return [self._renderer.topic_ref(t, self._here) for t in self._paper.topics[1:] if t in topics]

    @functools.cached_property
    def related(self) -> list[PaperRef]:
        return self._refs(self._paper.related)

    @functools.cached_property
    def mentions(self) -> list[PaperRef]:
        return self._refs(self._paper.mentions)

    @functools.cached_property
    def _mentioned_by(self) -> list[str]:
        by_id = self._renderer.by_id
        return sorted(self._renderer.mentioned_by.get(self._paper.id, []), key=lambda pid: _newest_first(by_id[pid]))

    @functools.cached_property
    def mentioned_by(self) -> list[PaperRef]:
        """The newest MAX_MENTIONED_BY papers that mention this one: a famous method is mentioned by thousands."""
        return self._refs(self._mentioned_by[:MAX_MENTIONED_BY])

    @property
    def mentioned_by_more(self) -> int:
        """How many more papers mention this one than mentioned_by shows."""
        return max(0, len(self._mentioned_by) - MAX_MENTIONED_BY)

    @functools.cached_property
    def why(self) -> str:
        topics = self._renderer.topics
        return "; ".join(
            f"{topics[m.topic].title if m.topic in topics else m.topic}: \u201c{m.phrase}\u201d in {m.field}"
            for m in self._renderer.matches.get(self._paper.id, ())
        )

    @property
    def href(self) -> Markup:
        return self._renderer.href(self._paper.id, self._here)

    def _refs(self, paper_ids: Iterable[str]) -> list[PaperRef]:
        by_id, ref, here = self._renderer.by_id, self._renderer.ref, self._here
        return [ref(paper_id, here) for paper_id in paper_ids if paper_id in by_id]


@dataclass(frozen=True)
class PartLink:
    """A link in the list of a split group's pages; no href on the page it links from."""

    title: Markup
    href: Markup


@dataclass(frozen=True)
class PartGroup:
    """One line of the "By date" list: a heading (a year, Undated, a month...) and the parts or groups in it."""

    link: PartLink | None
    anchor: Markup  # the heading's id on the main page, where parts link to it
    pages: list[PartLink]


@dataclass
class TopicView:
    """A topic page: its entries in full and short lines for papers primary elsewhere."""

    id: str
    title: str
    description: str
    page: Markup
    entries: list[PaperView] = field(default_factory=list)
    others: list[PaperRef] = field(default_factory=list)
    children: list[TopicView] = field(default_factory=list)
    parent: TopicView | None = None
    feed: Markup = Markup("")
    parts: list[PartGroup] = field(default_factory=list)
    main: TopicView | None = None
    total: int = 0

    @property
    def count(self) -> int:
        return self.total or len(self.entries) + len(self.others)

    @property
    def up(self) -> Markup:
        """Return the prefix that leads from this page back to the output folder."""
        return Markup("../" * str(self.page).count("/"))


@dataclass(frozen=True)
class CodeRow:
    """One row of the papers-with-code table."""

    date: str
    paper: PaperRef
    repo: str
    repo_href: Markup
    host: str
    topics: list[PaperRef]


@dataclass(frozen=True)
class ListingDay:
    """Papers first listed on one day (the New page), and how many more that day listed than are shown."""

    day: str
    papers: list[PaperRef]
    more: int = 0


@dataclass(frozen=True)
class DigestView:
    """The whole digest as templates see it."""

    title: str
    description: str
    topics: list[TopicView]
    roots: list[TopicView]
    unsorted: TopicView
    paper_count: int
    with_code: int
    newest: str
    latest: list[PaperRef]
    chart_rows: list[tuple[str, int]]

    @property
    def code_share(self) -> int:
        return round(100 * self.with_code / self.paper_count) if self.paper_count else 0


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
    return _Environment(
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


def topic_page(topic_id: str) -> str:
    """Return the generated file name of a topic's page."""
    return f"{topic_id}.md"


def page_url(page: str, use_directory_urls: bool = True) -> str:
    """Return the URL of a generated page ('kv-cache.md') relative to the output folder."""
    stem = page.removesuffix(".md")
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


def output_url(output: str) -> str:
    """Return the site-relative URL of the output folder ('docs/digest' -> 'digest/')."""
    return output.removeprefix("docs/").strip("/") + "/"


def split_abstract(abstract: str) -> tuple[str, str]:
    """Split an abstract into the first sentences (about SUMMARY_CHARS) and the rest."""
    if len(abstract) <= SUMMARY_CHARS * 1.5:
        return abstract, ""
    # A sentence end that starts before SUMMARY_CHARS cannot be found from
    # there: its look-behind would need the full stop inside the spaces.
    match = _SENTENCE_END.search(abstract, SUMMARY_CHARS)
    if match:
        return abstract[: match.start()], abstract[match.end() :]
    return abstract, ""


def _safe_id(value: str) -> Markup:
    if not _SAFE_ID.fullmatch(value):
        raise ValueError(f"unsafe id {value!r}")
    return Markup(value)


@functools.lru_cache(maxsize=65536)
def relative(target: str, here: str | None) -> str:
    """Return the link from page `here` to page `target`, both relative to the output folder."""
    if here is None:
        return target
    folder = posixpath.dirname(here)
    if folder and target.startswith(folder + "/"):
        return target[len(folder) + 1 :]
    return "../" * here.count("/") + target


class PartIndex:
    """The "By date" lists of the pages of a split group: its main page and its parts.

    The main page lists every part, a line per year (and Undated). A part
    lists only what surrounds it: every year, then the siblings of each group
    it is in (the months of its year, the days of its month, the letters of
    its day...), so its list stays short however many parts there are.
    """

    def __init__(self, parts: Sequence[Part], main: str) -> None:
        self.parts = parts
        self.main = main
        self.leaves = {part.page: part for part in parts}
        # Each group's subgroups in order ("" holds the years and "undated"), and its first part's page.
        self.children: dict[str, list[str]] = defaultdict(list)
        first: dict[str, str] = {}
        for part in parts:
            parent = ""
            for key in part.path:
                if key not in first:
                    first[key] = part.page
                    self.children[parent].append(key)
                parent = key
        # Every part sits in the same folder, so a link from one part to any
        # other part, or to the main page, reads the same on every part: make
        # each link once, not once per page that shows it.
        here = parts[0].page
        to_main = relative(main, here)
        pages = {part.key: part.page for part in parts}
        self.bold: dict[str, PartLink] = {}
        self.linked: dict[str, PartLink] = {}
        self.heading: dict[str, PartLink] = {}
        for key, page in first.items():
            node = Part(key, "")
            label = Markup(node.level_label)
            self.bold[key] = PartLink(label, Markup(""))
            if len(node.path) == 1 and key not in pages:
                # A year of many parts: its line on the main page.
                self.linked[key] = PartLink(label, Markup(f"{to_main}#digest-part-{key}"))
            else:
                self.linked[key] = PartLink(label, Markup(relative(pages.get(key, page), here)))
            self.heading[key] = PartLink(Markup(node.title), Markup(""))

    def lines(self, here: str) -> list[PartGroup]:
        """Return the list shown on page ``here``: the main page or one of the parts."""
        if here == self.main:
            return self._everything()
        path = self.leaves[here].path
        lines = []
        for depth, node in enumerate(path):
            siblings = self.children[path[depth - 1] if depth else ""]
            if len(siblings) == 1:
                continue  # a group with one subgroup (or a single year) says nothing new
            # The groups this part is in are bold (they head the lines below), but a year links its line on the main page.
            on_path = node == path[-1] or depth > 0
            links = [self.bold[s] if s == node and on_path else self.linked[s] for s in siblings]
            lines.append(PartGroup(self.heading[path[depth - 1]] if depth else None, Markup(""), links))
        return lines

    def _everything(self) -> list[PartGroup]:
        groups: dict[str, list[Part]] = {}
        for part in self.parts:
            groups.setdefault(part.group, []).append(part)
        lines = []
        for group, members in groups.items():
            name = Markup("Undated" if group == UNDATED else group)
            if len(members) == 1:
                lines.append(PartGroup(PartLink(name, Markup(relative(members[0].page, self.main))), Markup(""), []))
            else:
                pages = [PartLink(Markup(p.label), Markup(relative(p.page, self.main))) for p in members]
                lines.append(PartGroup(PartLink(name, Markup("")), Markup(f"digest-part-{group}"), pages))
        return lines


def _date(paper: Paper) -> str:
    date = paper.shown_date
    return date.isoformat() if date else ""


def _newest_first(paper: Paper) -> tuple[int, str, str]:
    date = paper.shown_date
    return (-(date.toordinal() if date else 0), paper.title.casefold(), paper.id)


class Renderer:
    """Build view objects from papers and render every file of the digest."""

    def __init__(
        self,
        config: DigestConfig,
        papers: list[Paper],
        matches: dict[str, tuple[Match, ...]],
        environment: jinja2.Environment,
        use_directory_urls: bool = True,
        changed: Collection[str] | None = None,
        executor: Executor = SERIAL,
    ) -> None:
        """With ``changed`` paper ids, render_pages() renders only the pages that show those papers."""
        self.executor = executor
        self.config = config
        self.papers = sorted(papers, key=_newest_first)
        self.by_id = {paper.id: paper for paper in papers}
        self.anchors = {paper.id: _safe_id(paper.id) for paper in papers}
        self.matches = matches
        self.env = environment
        self.use_directory_urls = use_directory_urls
        self.topics = {topic.id: topic for topic in config.topics}
        mentioned_by: dict[str, list[str]] = defaultdict(list)
        for paper in papers:
            for target in paper.mentions:
                mentioned_by[target].append(paper.id)
        self.mentioned_by = mentioned_by
        pages = {t.id: topic_page(t.id) for t in [*config.topics, UNSORTED]}
        self.paging: Paging = assign_pages(self.papers, pages, config.page_size)
        self.shown: set[str] | None = None if changed is None else self._pages_showing(changed)
        self.digest = self._digest_view()

    def href(self, paper_id: str, here: str | None) -> Markup:
        """Return the link from page `here` to a paper's full entry."""
        page = self.paging.page_of[paper_id]
        anchor = self.anchors[paper_id]
        return Markup(f"#{anchor}" if page == here else f"{relative(page, here)}#{anchor}")

    def ref(self, paper_id: str, here: str | None) -> PaperRef:
        paper = self.by_id[paper_id]
        return PaperRef(paper.title, self.href(paper_id, here), _date(paper))

    def topic_ref(self, topic_id: str, here: str | None = None) -> PaperRef:
        return PaperRef(self.topics[topic_id].title, Markup(relative(topic_page(topic_id), here)))

    def line_page(self, topic_id: str, paper: Paper) -> str:
        """Return the page of a topic that shows a paper: its full entry or a short line."""
        return self.paging.line_page(topic_id if topic_id in self.topics else UNSORTED.id, paper.id)

    def _pages_showing(self, paper_ids: Collection[str]) -> set[str]:
        """Return the pages that show or count any of the papers: theirs, and their topics' and parents' main pages."""
        pages: set[str] = set()
        for paper_id in paper_ids:
            paper = self.by_id[paper_id]
            for topic_id in self.paging.topics_of(paper):
                pages.add(self.line_page(topic_id, paper))
                topic: str | None = topic_id
                while topic:
                    pages.add(topic_page(topic if topic in self.topics else UNSORTED.id))
                    topic = self.topics[topic].parent if topic in self.topics else None
        return pages

    def paper_view(self, paper: Paper) -> PaperView:
        return PaperView(self, paper, self.paging.page_of[paper.id])

    def _digest_view(self) -> DigestView:
        views = {
            topic.id: TopicView(
                topic.id, topic.title, topic.description, Markup(topic_page(topic.id)),
                feed=Markup(f"{FEED_FOLDER}/{topic.id}.xml"),
            )
            for topic in self.config.topics
        }
        unsorted = TopicView(
            UNSORTED.id, UNSORTED.title, UNSORTED.description, Markup(topic_page(UNSORTED.id))
        )
        for topic in self.config.topics:
            if topic.parent and topic.parent in views:
                views[topic.id].parent = views[topic.parent]
                views[topic.parent].children.append(views[topic.id])
        parts: dict[str, TopicView] = {}
        for view in [*views.values(), unsorted]:
            split = self.paging.parts.get(view.id, [])
            for part in split:
                parts[part.page] = TopicView(
                    view.id, f"{view.title}: {part.title}", view.description, Markup(part.page),
                    main=view, feed=view.feed,
                )
            if split:
                index = PartIndex(split, str(view.page))
                for page_view in [view, *(parts[part.page] for part in split)]:
                    page_view.parts = index.lines(str(page_view.page))
        self.part_views = list(parts.values())
        on_page = {str(view.page): view for view in [*views.values(), unsorted, *self.part_views]}
        for paper in self.papers:
            for index, topic_id in enumerate(self.paging.topics_of(paper)):
                views.get(topic_id, unsorted).total += 1
                # The full entry is on the page paging chose; a short line on its part of the topic.
                page = self.paging.page_of[paper.id] if index == 0 else self.line_page(topic_id, paper)
                if self.shown is not None and page not in self.shown:
                    continue
                if index == 0:
                    on_page[page].entries.append(self.paper_view(paper))
                else:
                    on_page[page].others.append(PaperRef(paper.title, self.href(paper.id, page), _date(paper)))
        dates = [date for p in self.papers if (date := p.arrival_date)]
        with_code = sum(1 for p in self.papers if p.has_code)
        return DigestView(
            title=self.config.title,
            description=self.config.description,
            topics=list(views.values()),
            roots=[view for view in views.values() if view.parent is None],
            unsorted=unsorted,
            paper_count=len(self.papers),
            with_code=with_code,
            newest=max(dates).isoformat() if dates else "",
            latest=[self.ref(p.id, None) for p in self.papers[:LATEST_COUNT]],
            chart_rows=sorted(Counter(p.published.strftime("%Y-%m") for p in self.papers if p.published).items()),
        )

    def render(self) -> dict[str, str]:
        """Return every generated file, keyed by path relative to the output folder."""
        files: dict[str, str] = {}
        for run in self.render_each(lambda run: run):
            files.update(run)
        return files

    def render_each(self, handle: Callable[[dict[str, str]], Result]) -> list[Result]:
        """Render every generated file in runs; return handle(the run's files) for each run.

        Every run is pure, so one pool of forked workers renders them all,
        and each worker calls handle on what it rendered: `digest generate`
        writes the files there, so they never travel back to this process.
        """
        assert self.shown is None, "a renderer of changed papers renders only their pages"
        pages, render_run = self._page_renderer()
        export = functools.partial(
            papers_json, self.papers, self.matches, self.paging.page_of, self.config.output, self.use_directory_urls
        )
        jobs: list[Callable[[], dict[str, str]]] = [
            lambda: {PAPERS_JSON: export()},
            self.render_site_pages,
            self.feeds,
            *(functools.partial(render_run, run) for run in split(range(len(pages)), RENDER_PARTS)),
        ]
        # The largest single run, papers.json, goes first so that no core waits
        # for it at the end; the results come in the order of the files before.
        done = self.executor.map(lambda number: handle(jobs[number]()), range(len(jobs)))
        return [*done[3:], *done[1:3], done[0]]

    def render_pages(self) -> dict[str, str]:
        """Return the topic pages and their parts (only those showing `changed` papers, if given)."""
        pages, render_run = self._page_renderer()
        # Topic pages are most of the work; large digests render them in forked workers.
        parts = self.executor.map(render_run, split(range(len(pages)), RENDER_PARTS))
        return {page: text for part in parts for page, text in part.items()}

    def _page_renderer(self) -> tuple[list[TopicView], Callable[[Sequence[int]], dict[str, str]]]:
        """Return the topic pages and parts to render, and a function that renders a run of them."""
        digest = self.digest
        template = self.env.get_template("topic.md.j2")
        pages = digest.topics + ([digest.unsorted] if digest.unsorted.count else []) + self.part_views
        if self.shown is not None:
            pages = [page for page in pages if str(page.page) in self.shown]

        def render_run(numbers: Sequence[int]) -> dict[str, str]:
            return {str(pages[number].page): template.render(digest=digest, topic=pages[number]) for number in numbers}

        return pages, render_run

    def render_site_pages(self) -> dict[str, str]:
        """Return the pages about the whole digest: papers with code, new papers, the chart."""
        files = self.code_pages()
        days = self.listing_days()
        files[NEW_PAGE] = self.env.get_template("new.md.j2").render(
            digest=self.digest, days=days, shown=sum(len(day.papers) for day in days)
        )
        files[CHART_FILE] = self.chart()
        return files

    def search_entries(self) -> tuple[list[SearchPage], list[SearchPaper]]:
        """Return the pages search results are grouped under, and every paper on them."""
        folder = output_url(self.config.output)
        views = [*self.digest.topics, *([self.digest.unsorted] if self.digest.unsorted.count else []), *self.part_views]
        pages = [
            SearchPage(
                f"{folder}{page_url(str(view.page), self.use_directory_urls)}",
                view.title,
                view.description if view.main is None else "",
                findable=view.main is None,
            )
            for view in views
        ]
        number = {str(view.page): index for index, view in enumerate(views)}
        papers = [SearchPaper(paper, number[self.paging.page_of[paper.id]], paper.id) for paper in self.papers]
        return pages, papers

    def render_overview(self) -> str:
        """Return the Markdown overview that fills the home page's marker."""
        folder = self.config.output.removeprefix("docs/").strip("/")
        return self.env.get_template("overview.md.j2").render(
            digest=self.digest, folder=Markup(folder), chart=Markup(CHART_FILE)
        )

    def code_pages(self) -> dict[str, str]:
        """Return the papers-with-code page, split like a topic (see paging.py) past CODE_ROWS_PER_PAGE rows."""
        code_of = {paper.id: code for paper in self.papers if (code := paper.code_link)}
        with_code = [paper for paper in self.papers if paper.id in code_of]
        template = self.env.get_template("with_code.md.j2")
        placed = split_groups([(paper, 1) for paper in with_code], CODE_ROWS_PER_PAGE)
        if placed is None:
            rows = [self._code_row(paper, code_of[paper.id], WITH_CODE_PAGE) for paper in with_code]
            return {WITH_CODE_PAGE: template.render(digest=self.digest, rows=rows, parts=[], total=len(with_code), part="")}
        stem = WITH_CODE_PAGE.removesuffix(".md")
        parts = ordered_parts(placed.values(), stem)
        on_page: dict[str, list[Paper]] = defaultdict(list)
        for paper in with_code:
            on_page[f"{stem}/{placed[paper.id]}.md"].append(paper)
        index = PartIndex(parts, WITH_CODE_PAGE)
        files = {
            WITH_CODE_PAGE: template.render(
                digest=self.digest, rows=[], parts=index.lines(WITH_CODE_PAGE), total=len(with_code), part=""
            )
        }
        for part in parts:
            rows = [self._code_row(paper, code_of[paper.id], part.page) for paper in on_page[part.page]]
            files[part.page] = template.render(
                digest=self.digest, rows=rows, parts=index.lines(part.page), total=len(with_code), part=part.title
            )
        return files

    def _code_row(self, paper: Paper, code: Link, here: str) -> CodeRow:
        return CodeRow(
            date=_date(paper),
            paper=PaperRef(paper.title, self.href(paper.id, here)),
            repo=code.repo or code.url.split("://", 1)[1],
            repo_href=html_attr(code.url),
            host=code.label,
            topics=[self.topic_ref(t, here) for t in paper.topics if t in self.topics],
        )

    def listing_days(self) -> list[ListingDay]:
        """Return the newest listing days, newest first, until NEW_PAPERS_SHOWN papers (the day past NEW_PAPERS_MAX cut)."""
        days: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.papers:
            days[paper.listed.isoformat() if paper.listed else ""].append(paper)
        ordered = sorted((d for d in days if d), reverse=True) + ([""] if "" in days else [])
        shown: list[ListingDay] = []
        count = 0
        for day in ordered:
            if count >= NEW_PAPERS_SHOWN:
                break
            # A listing can hold thousands of papers, and "Listing day unknown" every undated one.
            papers = days[day][: NEW_PAPERS_MAX - count]
            shown.append(ListingDay(day, [self.ref(p.id, NEW_PAGE) for p in papers], len(days[day]) - len(papers)))
            count += len(papers)
        return shown

    def chart(self) -> str:
        """Return the SVG chart of dated papers per month, stacked by top-level topic."""
        roots = [t.id for t in self.config.topics if not t.parent]
        root_of = {t.id: t.parent or t.id for t in self.config.topics}
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for paper in self.papers:
            if paper.published:
                topic = root_of.get(paper.primary_topic or "", UNSORTED.id)
                counts[paper.published.strftime("%Y-%m")][topic] += 1
        totals = Counter(t for c in counts.values() for t in c.elements())
        series = sorted(roots + [UNSORTED.id], key=lambda t: -totals[t])
        labels = {**{t.id: t.title for t in self.config.topics}, UNSORTED.id: UNSORTED.title}
        return monthly_chart(
            {month: dict(c) for month, c in counts.items()},
            [(t, labels[t]) for t in series if totals[t]],
            f"{self.config.title}: papers per month by topic",
        )

    def feeds(self) -> dict[str, str]:
        """Return the Atom feed of the whole digest and one per topic."""
        def entry(paper: Paper) -> FeedEntry:
            code = paper.code_link
            return FeedEntry(
                id=paper.id,
                title=paper.title,
                abstract=paper.abstract,
                href=f"../{page_url(self.paging.page_of[paper.id], self.use_directory_urls)}#{paper.id}",
                code=code.url if code else None,
                date=paper.arrival_date,
                topics=paper.topics,
            )

        def page_href(page: str) -> str:
            return f"../{page_url(page, self.use_directory_urls)}"

        # A feed shows its MAX_ENTRIES newest papers, in atom_feed's order, and
        # is as new as the newest of them: only those need an entry.
        order = {paper.id: _feed_order(paper) for paper in self.papers}

        def newest(papers: list[Paper]) -> list[FeedEntry]:
            return [entry(paper) for paper in heapq.nsmallest(MAX_ENTRIES, papers, key=lambda p: order[p.id])]

        by_topic: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.papers:
            for topic_id in dict.fromkeys(paper.topics):
                by_topic[topic_id].append(paper)
        files = {
            ALL_FEED: atom_feed(
                "all", self.config.title, self.config.description,
                "all.xml", "../", newest(self.papers),
            )
        }
        for topic in self.config.topics:
            files[f"{FEED_FOLDER}/{topic.id}.xml"] = atom_feed(
                topic.id, f"{self.config.title}: {topic.title}", topic.description,
                f"{topic.id}.xml", page_href(topic_page(topic.id)), newest(by_topic[topic.id]),
            )
        return files


def _feed_order(paper: Paper) -> tuple[int, str]:
    """Return the key atom_feed sorts a paper's entry by: newest first, then by id."""
    date = paper.arrival_date
    return (-(date.toordinal() if date else 0), paper.id)


def papers_json(
    papers: list[Paper],
    matches: dict[str, tuple[Match, ...]],
    page_of: dict[str, str],
    output: str,
    use_directory_urls: bool = True,
) -> str:
    """Return papers.json: one object per paper, sorted by id.

    One paper per line: readable and diff-friendly. Each line has exactly
    the bytes ``json.dumps(row, ensure_ascii=False)`` gives for the row, but
    is written with f-strings around json's C string encoder: making a dict
    per paper for the generic encoder took twice as long.
    """
    folder = output_url(output)
    lines = []
    for paper in sorted(papers, key=lambda p: p.id):
        url = f"{folder}{page_url(page_of[paper.id], use_directory_urls)}#{paper.id}"
        links = ", ".join(f'{{"url": {_json(link.url)}, "kind": {_json(link.kind)}}}' for link in paper.links)
        matched = ", ".join(
            f'{{"topic": {_json(m.topic)}, "phrase": {_json(m.phrase)}, "field": {_json(m.field)}}}'
            for m in matches.get(paper.id, ())
        )
        lines.append(
            f'{{"id": {_json(paper.id)}, "title": {_json(paper.title)}, "abstract": {_json(paper.abstract)}, '
            f'"published": {_json(paper.published.isoformat() if paper.published else None)}, '
            f'"authors_count": {_json(paper.authors_count)}, "upvotes": {_json(paper.upvotes)}, '
            f'"topics": {_json_list(paper.topics)}, "links": [{links}], "url": {_json(url)}, '
            f'"related": {_json_list(paper.related)}, "mentions": {_json_list(paper.mentions)}, '
            f'"sources": {_json_list(map(str, paper.origins))}, '
            f'"listed": {_json(paper.listed.isoformat() if paper.listed else None)}, '
            f'"arxiv_id": {_json(paper.arxiv_id)}, "matched": [{matched}]}}'
        )
    return "[\n" + ",\n".join(lines) + "\n]\n"


def _json(value: str | int | None) -> str:
    """Return a string, an integer or None as json.dumps(value, ensure_ascii=False) does."""
    if isinstance(value, str):
        return encode_json_string(value)
    if value is None:
        return "null"
    return int.__repr__(value)


def _json_list(values: Iterable[str]) -> str:
    """Return a list of strings as json.dumps(list(values), ensure_ascii=False) does."""
    return "[" + ", ".join(map(encode_json_string, values)) + "]"
