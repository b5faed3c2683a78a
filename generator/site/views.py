"""Typed views of the digest, what templates see: every link and label worked out, untrusted text left as text.

Every value a template prints goes through :func:`generator.site.escape.finalize`,
so untrusted text is escaped in one place; only values this module builds
itself (ids, hrefs) are passed as Markup. :class:`Site` knows where every
paper and topic page is; the views ask it for their links.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace

from markupsafe import Markup

from ..config import DigestConfig
from ..constants import FEED_FOLDER, NEW_PAGE
from ..enrich.topics import Match
from ..models import Paper, curator_picks, newest_listing
from .bibtex import bibtex_by_paper
from .entries import EntryLink, relative_url, short_title, split_abstract, why_here
from .escape import html_attr
from .paging import UNSORTED, Paging, newest_first_key, relative, topic_page
from .parts import PartGroup, PartIndex
from .reader_links import (
    all_authors,
    authors_line,
    reader_buttons,
    title_hint,
    title_link,
)

LATEST_COUNT = 10
# The New page shows whole listing days until it holds NEW_PAPERS_SHOWN
# papers, and never more than NEW_PAPERS_MAX: a day that would pass it is
# cut.
NEW_PAPERS_SHOWN = 300
NEW_PAPERS_MAX = 600
# An entry lists at most this many of the papers that mention it, newest first.
MAX_MENTIONED_BY = 20
_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class PaperRef:
    """A link to a paper's entry (or a topic page) with its title."""

    title: str
    href: Markup
    date: str = ""
    note: str = ""


class PaperView:
    """Everything an entry shows of one paper, worked out when a template first asks; links are final URLs, papers short titles (entries.py).

    A view of every paper is made before any page is rendered, but only the
    one page that shows the paper reads it; pages are rendered in forked
    workers, so the work of filling the views is spread over the cores
    instead of done up front in one process.
    """

    def __init__(self, site: Site, paper: Paper, here: str) -> None:
        self._site = site
        self._paper = paper
        self._here = here  # the page the entry is on

    @property
    def id(self) -> Markup:
        return self._site.anchors[self._paper.id]

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
        # Labelled: a publication date (Atom, JSONL, an API paper) is not the day a listing showed it.
        if paper.published:
            meta.append(f"published {paper.published.isoformat()}")
        if paper.listed and paper.listed != paper.published:
            meta.append(f"listed {paper.listed.isoformat()}")
        if paper.authors_count is not None and not paper.authors:
            meta.append(f"{paper.authors_count} author" + ("s" if paper.authors_count != 1 else ""))
        if paper.upvotes is not None:
            meta.append(f"{paper.upvotes} upvote" + ("s" if paper.upvotes != 1 else ""))
        return meta

    @functools.cached_property
    def links(self) -> list[EntryLink]:
        return [
            EntryLink(html_attr(link.url), link.label or link.kind, link.kind, link.repo)
            for link in (*self._paper.links, *reader_buttons(self._paper))
        ]

    @property
    def paper_href(self) -> Markup:
        """Where the title leads: the paper's own page, else arXiv's search for its title."""
        return html_attr(title_link(self._paper))

    @property
    def paper_hint(self) -> str:
        return title_hint(self._paper)

    @property
    def authors(self) -> str:
        """"First, Second, Third et al.", or "" when the listings gave no names."""
        return authors_line(self._paper.authors, self._paper.authors_count)

    @property
    def all_authors(self) -> str:
        return all_authors(self._paper.authors, self._paper.authors_count)

    @property
    def note(self) -> str:
        return self._paper.note

    @property
    def bibtex(self) -> str:
        """The paper's entry of digest.bib, for the Cite block."""
        return self._site.bibtex[self._paper.id]

    @functools.cached_property
    def also_in(self) -> list[PaperRef]:
        site = self._site
        return [site.topic_link(t, self._here) for t in self._paper.topics[1:] if t in site.topics]

    @functools.cached_property
    def related(self) -> list[PaperRef]:
        return self._refs(self._paper.related)

    @functools.cached_property
    def mentions(self) -> list[PaperRef]:
        return self._refs(self._paper.mentions)

    @functools.cached_property
    def _mentioned_by(self) -> list[str]:
        by_id = self._site.by_id
        return sorted(self._site.mentioned_by.get(self._paper.id, []), key=lambda pid: newest_first_key(by_id[pid]))

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
        topics = self._site.topics
        return why_here(
            (topics[m.topic].title if m.topic in topics else m.topic, m.phrase, m.field)
            for m in self._site.matches.get(self._paper.id, ())
        )

    def _refs(self, paper_ids: Iterable[str]) -> list[PaperRef]:
        by_id, url, here = self._site.by_id, self._site.url, self._here
        return [PaperRef(short_title(by_id[pid].title), url(pid, here)) for pid in paper_ids if pid in by_id]


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
    """The newest listing day (ISO), or "" when no listing said when it showed a paper."""
    latest: list[PaperRef]
    picks: list[PaperRef]
    chart_rows: list[tuple[str, int]]

    @property
    def code_share(self) -> int:
        return round(100 * self.with_code / self.paper_count) if self.paper_count else 0


class Site:
    """Where every paper's full entry and every topic's page is: the links between pages come from here."""

    def __init__(
        self,
        config: DigestConfig,
        papers: list[Paper],
        matches: dict[str, tuple[Match, ...]],
        paging: Paging,
        use_directory_urls: bool = True,
    ) -> None:
        """Take the papers newest first (paging.newest_first) and their paging."""
        self.config = config
        self.papers = papers
        self.matches = matches
        self.paging = paging
        self.use_directory_urls = use_directory_urls
        self.by_id = {paper.id: paper for paper in papers}
        self.anchors = {paper.id: _safe_id(paper.id) for paper in papers}
        # Made here, before pages are rendered in forked workers, so no worker makes them again.
        self.bibtex = bibtex_by_paper(papers)
        self.topics = {topic.id: topic for topic in config.topics}
        mentioned_by: dict[str, list[str]] = defaultdict(list)
        for paper in papers:
            for target in paper.mentions:
                mentioned_by[target].append(paper.id)
        self.mentioned_by = mentioned_by

    def href(self, paper_id: str, here: str | None) -> Markup:
        """Return the link from page `here` to a paper's full entry."""
        page = self.paging.page_of[paper_id]
        anchor = self.anchors[paper_id]
        return Markup(f"#{anchor}" if page == here else f"{relative(page, here)}#{anchor}")

    def url(self, paper_id: str, here: str) -> Markup:
        """Return the URL (not the Markdown link) from page `here` to a paper's full entry, for HTML blocks."""
        page, anchor = self.paging.page_of[paper_id], self.anchors[paper_id]
        return Markup(f"#{anchor}" if page == here else f"{relative_url(page, here, self.use_directory_urls)}#{anchor}")

    def topic_link(self, topic_id: str, here: str) -> PaperRef:
        """Return a link from page `here` to a topic's page, with its title, by URL (for HTML blocks)."""
        return PaperRef(self.topics[topic_id].title, Markup(relative_url(topic_page(topic_id), here, self.use_directory_urls)))

    def ref(self, paper_id: str, here: str | None) -> PaperRef:
        """Return a link from page `here` to a paper's entry, with its title and date."""
        paper = self.by_id[paper_id]
        return PaperRef(paper.title, self.href(paper_id, here), paper_date(paper))

    def line_page(self, topic_id: str, paper: Paper) -> str:
        """Return the page of a topic that shows a paper: its full entry or a short line."""
        return self.paging.line_page(topic_id if topic_id in self.topics else UNSORTED.id, paper.id)

    def paper_view(self, paper: Paper) -> PaperView:
        """Return the view of a paper's full entry, on the page paging put it."""
        return PaperView(self, paper, self.paging.page_of[paper.id])


@dataclass(frozen=True)
class SiteViews:
    """The views templates render: the whole digest and the parts of split topics."""

    digest: DigestView
    parts: list[TopicView]

    def topic_pages(self) -> list[TopicView]:
        """Return every topic page to render: the topics, unsorted (when it holds papers), the parts."""
        return self.digest.topics + ([self.digest.unsorted] if self.digest.unsorted.count else []) + self.parts


def build_views(site: Site, shown: Collection[str] | None = None) -> SiteViews:
    """Return the views of the digest; with ``shown`` pages, only their entries and lines are filled in."""
    views = {
        topic.id: TopicView(
            topic.id, topic.title, topic.description, Markup(topic_page(topic.id)),
            feed=Markup(f"{FEED_FOLDER}/{topic.id}.xml"),
        )
        for topic in site.config.topics
    }
    unsorted = TopicView(
        UNSORTED.id, UNSORTED.title, UNSORTED.description, Markup(topic_page(UNSORTED.id))
    )
    for topic in site.config.topics:
        if topic.parent and topic.parent in views:
            views[topic.id].parent = views[topic.parent]
            views[topic.parent].children.append(views[topic.id])
    parts: dict[str, TopicView] = {}
    for view in [*views.values(), unsorted]:
        split = site.paging.parts.get(view.id, [])
        for part in split:
            parts[part.page] = TopicView(
                view.id, f"{view.title}: {part.title}", view.description, Markup(part.page),
                main=view, feed=view.feed,
            )
        if split:
            index = PartIndex(split, str(view.page))
            for page_view in [view, *(parts[part.page] for part in split)]:
                page_view.parts = index.lines(str(page_view.page))
    part_views = list(parts.values())
    on_page = {str(view.page): view for view in [*views.values(), unsorted, *part_views]}
    paging = site.paging
    for paper in site.papers:
        for index, topic_id in enumerate(paging.topics_of(paper)):
            views.get(topic_id, unsorted).total += 1
            # The full entry is on the page paging chose; a short line on its part of the topic.
            page = paging.page_of[paper.id] if index == 0 else site.line_page(topic_id, paper)
            if shown is not None and page not in shown:
                continue
            if index == 0:
                on_page[page].entries.append(site.paper_view(paper))
            else:
                on_page[page].others.append(PaperRef(paper.title, site.url(paper.id, page), paper_date(paper)))
    newest = newest_listing(site.papers)
    with_code = sum(1 for p in site.papers if p.has_code)
    digest = DigestView(
        title=site.config.title,
        description=site.config.description,
        topics=list(views.values()),
        roots=[view for view in views.values() if view.parent is None],
        unsorted=unsorted,
        paper_count=len(site.papers),
        with_code=with_code,
        newest=newest.isoformat() if newest else "",
        latest=[site.ref(p.id, None) for p in site.papers[:LATEST_COUNT]],
        # Newest first by the date each line shows, like every list on the site (the feed goes by arrival).
        picks=[
            replace(site.ref(p.id, None), note=p.note)
            for p in sorted(curator_picks(site.papers), key=newest_first_key)
        ],
        chart_rows=sorted(Counter(p.published.strftime("%Y-%m") for p in site.papers if p.published).items()),
    )
    return SiteViews(digest, part_views)


def pages_showing(site: Site, paper_ids: Collection[str]) -> set[str]:
    """Return the pages that show or count any of the papers: theirs, and their topics' and parents' main pages."""
    pages: set[str] = set()
    for paper_id in paper_ids:
        paper = site.by_id[paper_id]
        for topic_id in site.paging.topics_of(paper):
            pages.add(site.line_page(topic_id, paper))
            topic: str | None = topic_id
            while topic:
                pages.add(topic_page(topic if topic in site.topics else UNSORTED.id))
                topic = site.topics[topic].parent if topic in site.topics else None
    return pages


def listing_days(site: Site) -> list[ListingDay]:
    """Return the newest listing days, newest first, until NEW_PAPERS_SHOWN papers (the day past NEW_PAPERS_MAX cut)."""
    days: dict[str, list[Paper]] = defaultdict(list)
    for paper in site.papers:
        days[paper.listed.isoformat() if paper.listed else ""].append(paper)
    ordered = sorted((d for d in days if d), reverse=True) + ([""] if "" in days else [])
    shown: list[ListingDay] = []
    count = 0
    for day in ordered:
        if count >= NEW_PAPERS_SHOWN:
            break
        # A listing can hold thousands of papers, and "Listing day unknown" every undated one.
        papers = days[day][: NEW_PAPERS_MAX - count]
        shown.append(ListingDay(day, [site.ref(p.id, NEW_PAGE) for p in papers], len(days[day]) - len(papers)))
        count += len(papers)
    return shown


def _safe_id(value: str) -> Markup:
    if not _SAFE_ID.fullmatch(value):
        raise ValueError(f"unsafe id {value!r}")
    return Markup(value)


def paper_date(paper: Paper) -> str:
    """Return the date a reader is shown for a paper (ISO), or ""."""
    date = paper.shown_date
    return date.isoformat() if date else ""
