"""The recipe: read listings, merge, enrich, classify, relate, lay out, render, write.

Each stage is a folder: sources/ reads the listings into records; enrich/
merges them into papers and finds links, mentions, topics (with the
curator's overrides) and related papers; site/ pages the papers, makes the
views and renders every file; output/ writes them.

Reading happens in :func:`sources.load_sources` and writing in
:func:`write_generated` (or, in :func:`generate`, in the workers that render
the files); everything between is pure and gathers the whole corpus before
any output. One executor, chosen from the size of the corpus, runs every
stage that can spread its work over the cores.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import jinja2

from .config import DigestConfig, Topic
from .enrich.dedup import merge_records
from .enrich.links import paper_links, paper_page
from .enrich.mentions import find_mentions
from .enrich.overrides import apply_overrides, correct_papers
from .enrich.related import relate
from .enrich.topics import Assignment, Match, classify
from .executor import Executor, choose_executor, split, without_cyclic_gc
from .models import Link, Paper, Record, Rejection
from .output import OutputError, OutputFolder, WriteResult, output_root
from .report import Report
from .site.paging import newest_first, page_papers
from .site.render import (
    make_environment,
    render_files,
    render_jobs,
    render_overview,
    render_site_pages,
    render_topic_pages,
    run_jobs,
)
from .site.search_index import SearchPage, SearchPaper, search_entries
from .site.views import Site, SiteViews, build_views, pages_showing
from .sources import ListingResult, SourceFile, load_sources, read_file

log = logging.getLogger(__name__)
# Told the search index's pages and papers as soon as a build knows them.
SearchStart = Callable[[list[SearchPage], list[SearchPaper]], None]
LINK_PARTS = 4  # runs of papers whose links forked workers find
READ_PARTS = 8  # runs of listings forked workers read (more than cores: listings differ in size)
LISTING_BYTES_PER_PAPER = 1500  # a listing's bytes per paper, about, to choose an executor before reading


@dataclass
class Digest:
    """Everything the pipeline learned, ready to render."""

    config: DigestConfig
    papers: list[Paper]
    matches: dict[str, tuple[Match, ...]]
    report: Report
    files: dict[str, str] = field(default_factory=dict)
    overview: str = ""
    search_pages: list[SearchPage] = field(default_factory=list)
    search_papers: list[SearchPaper] = field(default_factory=list)
    page_of: dict[str, str] = field(default_factory=dict)
    """The page (relative to the output folder) each paper's full entry is on."""
    use_directory_urls: bool = True
    exact: bool = True
    """False for a fast preview update (see update_digest): a full build must follow."""


@dataclass
class StageCache:
    """Results a long-lived process keeps between rebuilds (`digest serve`).

    Every entry is a pure function of its key, so a build with a warm cache
    gives the same digest as a cold one; a live preview only redoes the work
    for listings and papers it has not seen.
    """

    listings: dict[SourceFile, ListingResult] = field(default_factory=dict)
    links: dict[tuple[str, str, tuple[str, ...], str | None], tuple[Link, ...]] = field(default_factory=dict)
    assignments: dict[tuple[str, str], Assignment] = field(default_factory=dict)
    topics: tuple[Topic, ...] = ()
    entries: dict[str, str] | None = None
    """Entry bodies by a hash of everything they show and their template (site/entries.py); None keeps none (`digest build`)."""

    def read(self, sources: list[SourceFile], executor: Executor) -> list[ListingResult]:
        missing = [source for source in dict.fromkeys(sources) if source not in self.listings]
        self.listings.update(zip(missing, _read_sources(missing, executor)))
        return [self.listings[source] for source in sources]

    def paper_links(self, papers: list[Paper], executor: Executor) -> list[tuple[Link, ...]]:
        keys = [(paper.title, paper.abstract, paper.urls, paper.arxiv_id) for paper in papers]
        missing = list(dict.fromkeys(key for key in keys if key not in self.links))

        def find(numbers: range) -> list[tuple[Link, ...]]:
            return [tuple(paper_links(*missing[number])) for number in numbers]

        parts = executor.map(find, split(range(len(missing)), LINK_PARTS))
        self.links.update(zip(missing, (links for part in parts for links in part)))
        return [self.links[key] for key in keys]

    def classify(self, papers: list[Paper], topics: tuple[Topic, ...], executor: Executor) -> dict[str, Assignment]:
        if topics != self.topics:
            self.assignments, self.topics = {}, topics
        missing = [paper for paper in papers if (paper.title, paper.abstract) not in self.assignments]
        found = classify(missing, topics, executor) if missing else {}
        for paper in missing:
            self.assignments[(paper.title, paper.abstract)] = found[paper.id]
        return {paper.id: self.assignments[(paper.title, paper.abstract)] for paper in papers}

    def retain(self, sources: list[SourceFile], papers: list[Paper]) -> None:
        """Forget what the current sources and papers no longer use."""
        current = set(sources)
        self.listings = {s: r for s, r in self.listings.items() if s in current}
        keys = {(p.title, p.abstract, p.urls, p.arxiv_id) for p in papers}
        self.links = {k: v for k, v in self.links.items() if k in keys}
        texts = {(p.title, p.abstract) for p in papers}
        self.assignments = {k: v for k, v in self.assignments.items() if k in texts}


def _read_source(source: SourceFile) -> ListingResult:
    """Decode and read one listing; every failure is a rejection or warning naming the file."""
    return read_file(source.data, source.name, source.year)


def _read_sources(sources: list[SourceFile], executor: Executor) -> list[ListingResult]:
    """Read listings, in order: runs of them in forked workers when the executor has them."""
    parts = executor.map(lambda run: [_read_source(source) for source in run], split(sources, READ_PARTS))
    return [result for part in parts for result in part]


def read_records(
    sources: list[SourceFile], cache: StageCache | None = None, executor: Executor | None = None
) -> tuple[list[Record], list[Rejection], list[str], int]:
    """Decode and read every listing; return records, rejections, warnings and the count read.

    Without an ``executor``, one is chosen for the size of the listings (about
    LISTING_BYTES_PER_PAPER bytes a paper), before the papers can be counted.
    """
    if executor is None:
        executor = choose_executor(sum(len(source.data) for source in sources) // LISTING_BYTES_PER_PAPER)
    results = cache.read(sources, executor) if cache is not None else _read_sources(sources, executor)
    records: list[Record] = []
    rejected: list[Rejection] = []
    warnings: list[str] = []
    for result in results:
        records += result.records
        rejected += result.rejected
        warnings += result.warnings
    return records, rejected, warnings, len(records) + len(rejected)


STEPS = ("read", "merge", "links", "mentions", "topics", "related", "render")


@dataclass
class Corpus:
    """The merged papers with their links, mentions and topics, before related papers."""

    config: DigestConfig
    papers: list[Paper]
    assignments: dict[str, Assignment]
    rejected: list[Rejection]
    warnings: list[str]
    records_read: int
    executor: Executor
    """Where the stages work: chosen once, from the size of the corpus."""


def gather(
    config: DigestConfig,
    sources: list[SourceFile],
    cache: StageCache,
    on_step: Callable[[str], None],
    mentions_of: Callable[[list[Paper], Executor], dict[str, tuple[str, ...]]] = find_mentions,
    executor: Executor | None = None,
) -> Corpus:
    """Read, merge, find links and mentions, classify and apply the overrides.

    Without an ``executor``, one is chosen for the size of the corpus.
    """
    on_step("read")
    records, rejected, warnings, records_read = read_records(sources, cache, executor)
    on_step("merge")
    papers = correct_papers(merge_records(records), config)
    executor = executor if executor is not None else choose_executor(len(papers))
    on_step("links")
    links = dict(zip((paper.id for paper in papers), cache.paper_links(papers, executor)))
    on_step("mentions")
    mentions = mentions_of(papers, executor)
    on_step("topics")
    assignments = cache.classify(papers, config.topics, executor)
    cache.retain(sources, papers)
    papers, assignments, hidden, override_warnings = apply_overrides(papers, assignments, config)
    # Hidden papers are gone: nothing may mention them any more. One replace()
    # per paper: at 50,000 papers each pass of them costs a third of a second.
    kept = {paper.id for paper in papers}
    papers = [
        replace(
            paper,
            links=links[paper.id],
            paper_url=paper_page(paper.arxiv_id, links[paper.id]),
            topics=assignments[paper.id].topics,
            mentions=tuple(target for target in mentions.get(paper.id, ()) if target in kept),
        )
        for paper in papers
    ]
    log.debug("%d records, %d papers, %d rejected", records_read, len(papers), len(rejected) + len(hidden))
    return Corpus(config, papers, assignments, rejected + hidden, warnings + override_warnings, records_read, executor)


def _related(
    config: DigestConfig,
    sources: list[SourceFile],
    on_step: Callable[[str], None],
    cache: StageCache,
    executor: Executor | None,
) -> tuple[Corpus, list[Paper]]:
    """Run every stage before rendering; return the corpus and its papers with their related papers."""
    corpus = gather(config, sources, cache, on_step, executor=executor)
    on_step("related")
    related = relate(corpus.papers, config.related, corpus.executor)
    return corpus, [replace(paper, related=related.get(paper.id, ())) for paper in corpus.papers]


@dataclass
class Layout:
    """The papers laid out for rendering: the build report, where every page is, the views, the templates."""

    report: Report
    site: Site
    views: SiteViews
    environment: jinja2.Environment
    shown: set[str] | None = None
    """The pages that show changed papers (for a fast preview update), or None for every page."""


def lay_out(corpus: Corpus, papers: list[Paper], use_directory_urls: bool, changed: set[str] | None = None) -> Layout:
    """Page the papers (newest first) and make the views; with ``changed`` ids, only their pages' entries."""
    config = corpus.config
    matches = {paper_id: assignment.matches for paper_id, assignment in corpus.assignments.items()}
    report = Report.from_pipeline(
        records_read=corpus.records_read,
        papers=papers,
        rejected=corpus.rejected,
        warnings=corpus.warnings,
        matched={pid: found for pid, found in matches.items() if found},
    )
    ordered = newest_first(papers)
    site = Site(config, ordered, matches, page_papers(config, ordered), use_directory_urls)
    shown = None if changed is None else pages_showing(site, changed)
    return Layout(report, site, build_views(site, shown), make_environment([config.root / "templates"]), shown)


@without_cyclic_gc
def build_digest(
    config: DigestConfig,
    sources: list[SourceFile],
    use_directory_urls: bool = True,
    on_step: Callable[[str], None] = lambda step: None,
    cache: StageCache | None = None,
    executor: Executor | None = None,
    start_search: SearchStart | None = None,
) -> Digest:
    """Run every pure stage over the sources and render the pages.

    ``on_step`` is told the name of each step (see STEPS) as it starts, so a
    terminal can show progress. A ``cache`` kept from an earlier build skips
    reading, link finding and classifying what it has seen before. Without an
    ``executor``, one is chosen for the size of the corpus. ``start_search``
    gets the search index's pages and papers as soon as they are known, before
    the pages are rendered.
    """
    corpus, papers = _related(config, sources, on_step, cache if cache is not None else StageCache(), executor)
    on_step("render")
    layout = lay_out(corpus, papers, use_directory_urls)
    site, views, environment = layout.site, layout.views, layout.environment
    search_pages, search_papers = search_entries(site, views)
    if start_search is not None:
        start_search(search_pages, search_papers)
    entries = None if cache is None else cache.entries
    return Digest(
        config, papers, site.matches, layout.report,
        render_files(environment, site, views, corpus.executor, entries), render_overview(environment, site, views),
        search_pages, search_papers, site.paging.page_of, use_directory_urls,
    )


@without_cyclic_gc
def update_digest(
    previous: Digest,
    sources: list[SourceFile],
    use_directory_urls: bool = True,
    on_step: Callable[[str], None] = lambda step: None,
    cache: StageCache | None = None,
    executor: Executor | None = None,
) -> Digest | None:
    """Show new and changed papers fast, on top of an earlier digest of the same config (a live preview).

    Papers seen before keep their mentions and related papers, and new ones
    have none yet; only the pages showing new or changed papers, the topic
    pages counting them and the site-wide pages are rendered again (feeds,
    papers.json and the search index stay as they were). The result is marked
    not exact, and ``build_digest`` must follow. Returns None when no fast
    update is possible: a paper went away or an entry would move to another
    page, so links on pages not rendered again would break. A digest equal to
    the exact one is returned as exact.
    """
    if use_directory_urls != previous.use_directory_urls:
        return None
    config = previous.config
    old = {paper.id: paper for paper in previous.papers}
    corpus = gather(
        config, sources, cache if cache is not None else StageCache(), on_step,
        mentions_of=lambda papers, _: {p.id: old[p.id].mentions for p in papers if p.id in old},
        executor=executor,
    )
    if not old.keys() <= {paper.id for paper in corpus.papers}:
        return None
    on_step("related")
    papers = [replace(paper, related=old[paper.id].related if paper.id in old else ()) for paper in corpus.papers]
    # Papers compare by title key alone; a changed paper differs in some field.
    changed = {paper.id for paper in papers if paper.id not in old or vars(old[paper.id]) != vars(paper)}
    on_step("render")
    layout = lay_out(corpus, papers, use_directory_urls, changed)
    site, views, environment = layout.site, layout.views, layout.environment
    page_of = site.paging.page_of
    if any(page_of[paper_id] != page for paper_id, page in previous.page_of.items()):
        return None
    # A group can split for short lines alone, moving no full entry.
    if site.paging.placed_on_new_pages(old, previous.files):
        return None
    files = {
        **previous.files,
        **render_topic_pages(environment, views, corpus.executor, layout.shown, None if cache is None else cache.entries),
        **render_site_pages(environment, site, views),
    }
    return Digest(
        config, papers, site.matches, layout.report, files, render_overview(environment, site, views),
        previous.search_pages, previous.search_papers, page_of, use_directory_urls, exact=not changed,
    )


def output_folder(config: DigestConfig) -> OutputFolder:
    """Open the config's output folder (raises OutputError if it is a link or a file) and read what the tool wrote there."""
    return OutputFolder(output_root(config.root, config.output))


def write_generated(digest: Digest) -> WriteResult:
    """Write the generated files into the output folder, only what changed, and add its warnings to the report.

    Files the tool wrote before and no longer generates are deleted; any
    other file there is left alone and reported. Raises OutputError, writing
    nothing, when a generated file would replace a file the tool did not write.
    """
    folder = output_folder(digest.config)
    with folder.locked():
        folder = output_folder(digest.config)  # what another run wrote while this one waited
        result = folder.write(digest.files)
        result.removed, result.foreign = folder.finish(digest.files)
    digest.report.warnings += _output_warnings(folder, result.foreign)
    return result


def check_generated(digest: Digest) -> list[str]:
    """Check the generated files could be written, writing nothing; return the output folder's warnings.

    Raises OutputError as write_generated would.
    """
    folder = output_folder(digest.config)
    folder.check(digest.files)
    return _output_warnings(folder, folder.foreign(digest.files))


def _output_warnings(folder: OutputFolder, foreign: list[str]) -> list[str]:
    return folder.warnings + ([folder.foreign_warning(foreign)] if foreign else [])


def load_digest(
    config: DigestConfig,
    use_directory_urls: bool = True,
    on_step: Callable[[str], None] = lambda step: None,
    cache: StageCache | None = None,
    previous: Digest | None = None,
    executor: Executor | None = None,
    start_search: SearchStart | None = None,
) -> Digest:
    """Read the sources and build the digest in memory, writing nothing.

    With a ``previous`` digest of the same config, try a fast update first (see
    update_digest: it keeps the previous search index); ``start_search``: see build_digest.
    """
    sources, warnings = load_sources(config)
    digest = None
    if previous is not None and previous.config == config:
        digest = update_digest(previous, sources, use_directory_urls, on_step, cache, executor)
    if digest is None:
        digest = build_digest(config, sources, use_directory_urls, on_step, cache, executor, start_search)
    digest.report.warnings[:0] = warnings
    return digest


@without_cyclic_gc
def generate(
    config: DigestConfig,
    use_directory_urls: bool = True,
    on_step: Callable[[str], None] = lambda step: None,
    executor: Executor | None = None,
) -> tuple[Report, WriteResult]:
    """Read, build and write the generated pages for a digest, only what changed.

    What ``write_generated(load_digest(config))`` does, but each worker writes
    the files it renders, so they never travel back to this process: at
    50,000 papers that saved 2 of 29 seconds. Returns the build report and
    what was written.
    """
    sources, warnings = load_sources(config)
    folder = output_folder(config)
    corpus, papers = _related(config, sources, on_step, StageCache(), executor)
    on_step("render")
    layout = lay_out(corpus, papers, use_directory_urls)
    report = layout.report
    report.warnings[:0] = warnings
    with folder.locked():
        folder = output_folder(config)  # what another run wrote while this one waited

        def write(files: dict[str, str]) -> tuple[WriteResult, list[str], list[str]]:
            # Each worker writes what it rendered; what stands in the way is gathered, so one error names it all.
            collisions = folder.collisions(files)
            clear = {path: text for path, text in files.items() if path not in collisions}
            return folder.write_unchecked(clear), list(files), collisions

        runs = run_jobs(render_jobs(layout.environment, layout.site, layout.views), corpus.executor, write).values()
        collisions = sorted(path for _, _, found in runs for path in found)
        if collisions:
            raise OutputError(folder.collision_message(collisions))
        removed, foreign = folder.finish(path for _, paths, _ in runs for path in paths)
    report.warnings += _output_warnings(folder, foreign)
    return report, WriteResult(
        written=sorted(path for result, _, _ in runs for path in result.written),
        unchanged=sum(result.unchanged for result, _, _ in runs),
        removed=removed,
        foreign=foreign,
    )
