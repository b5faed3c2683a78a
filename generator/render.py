"""Render the digest into Markdown pages and data files (str in, str out).

Templates get typed view objects. Every value a template prints goes through
:func:`generator.escape.finalize`, so untrusted text is escaped in one place;
only values this module builds itself are passed as Markup.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from .config import DigestConfig, Topic
from .escape import finalize, html_attr
from .models import Paper
from .topics import Match

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
UNSORTED = Topic(
    id="unsorted",
    title="Unsorted",
    description="Papers that no topic rule matched yet. Extend the taxonomy in digest.yml.",
)
WITH_CODE_PAGE = "papers-with-code.md"
OVERVIEW_MARKER = "<!-- digest:overview -->"
_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class PaperRef:
    """A link to a paper's full entry."""

    title: str
    href: Markup


@dataclass(frozen=True)
class LinkView:
    """A link button."""

    href: Markup
    label: str
    kind: str


@dataclass(frozen=True)
class PaperView:
    """Everything a template shows of one paper."""

    id: Markup
    title: str
    abstract: str
    meta: list[str]
    links: list[LinkView]
    also_in: list[PaperRef]
    related: list[PaperRef]
    mentions: list[PaperRef]
    mentioned_by: list[PaperRef]
    why: str
    href: Markup


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

    @property
    def count(self) -> int:
        return len(self.entries) + len(self.others)


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
class DigestView:
    """The whole digest as templates see it."""

    title: str
    description: str
    topics: list[TopicView]
    unsorted: TopicView
    paper_count: int
    with_code: int
    newest: str


def make_environment(extra_dirs: list[Path] | None = None) -> jinja2.Environment:
    """Return the Jinja environment: user templates first, then the bundled ones."""
    search = [str(d) for d in (extra_dirs or []) if d.is_dir()] + [str(PACKAGE_TEMPLATES)]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
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


def paper_url(paper: Paper, output: str, use_directory_urls: bool = True) -> str:
    """Return the site-relative URL of a paper's full entry."""
    folder = output.removeprefix("docs/").strip("/")
    page = paper.primary_topic or UNSORTED.id
    path = f"{folder}/{page}/" if use_directory_urls else f"{folder}/{page}.html"
    return f"{path}#{paper.id}"


def _safe_id(value: str) -> Markup:
    if not _SAFE_ID.fullmatch(value):
        raise ValueError(f"unsafe id {value!r}")
    return Markup(value)


def _href(paper: Paper, here: str | None) -> Markup:
    page = topic_page(paper.primary_topic or UNSORTED.id)
    anchor = _safe_id(paper.id)
    return Markup(f"#{anchor}" if page == here else f"{page}#{anchor}")


def _why(matches: list[Match], topics: dict[str, Topic]) -> str:
    parts = [
        f"{topics[m.topic].title if m.topic in topics else m.topic}: "
        f"\u201c{m.phrase}\u201d in {m.field}"
        for m in matches
    ]
    return "; ".join(parts)


class Renderer:
    """Build view objects from papers and render every page of the digest."""

    def __init__(
        self,
        config: DigestConfig,
        papers: list[Paper],
        matches: dict[str, tuple[Match, ...]],
        environment: jinja2.Environment,
        use_directory_urls: bool = True,
    ) -> None:
        self.config = config
        self.papers = papers
        self.by_id = {paper.id: paper for paper in papers}
        self.matches = matches
        self.env = environment
        self.use_directory_urls = use_directory_urls
        self.topics = {topic.id: topic for topic in config.topics}
        mentioned_by: dict[str, list[str]] = defaultdict(list)
        for paper in papers:
            for target in paper.mentions:
                mentioned_by[target].append(paper.id)
        self.mentioned_by = mentioned_by

    def ref(self, paper_id: str, here: str | None) -> PaperRef:
        paper = self.by_id[paper_id]
        return PaperRef(paper.title, _href(paper, here))

    def paper_view(self, paper: Paper) -> PaperView:
        here = topic_page(paper.primary_topic or UNSORTED.id)
        meta = []
        if paper.published:
            meta.append(paper.published.isoformat())
        if paper.authors_count is not None:
            meta.append(f"{paper.authors_count} author" + ("s" if paper.authors_count != 1 else ""))
        if paper.upvotes is not None:
            meta.append(f"{paper.upvotes} upvote" + ("s" if paper.upvotes != 1 else ""))
        also_in = [
            PaperRef(self.topics[t].title, Markup(f"{topic_page(t)}"))
            for t in paper.topics[1:]
            if t in self.topics
        ]
        return PaperView(
            id=_safe_id(paper.id),
            title=paper.title,
            abstract=paper.abstract,
            meta=meta,
            links=[LinkView(html_attr(link.url), link.label or link.kind, link.kind) for link in paper.links],
            also_in=also_in,
            related=[self.ref(i, here) for i in paper.related if i in self.by_id],
            mentions=[self.ref(i, here) for i in paper.mentions if i in self.by_id],
            mentioned_by=[self.ref(i, here) for i in sorted(self.mentioned_by.get(paper.id, []))],
            why=_why(list(self.matches.get(paper.id, ())), self.topics),
            href=_href(paper, here),
        )

    def digest_view(self) -> DigestView:
        views = {
            topic.id: TopicView(topic.id, topic.title, topic.description, Markup(topic_page(topic.id)))
            for topic in self.config.topics
        }
        unsorted = TopicView(UNSORTED.id, UNSORTED.title, UNSORTED.description, Markup(topic_page(UNSORTED.id)))
        for topic in self.config.topics:
            if topic.parent and topic.parent in views:
                views[topic.id].parent = views[topic.parent]
                views[topic.parent].children.append(views[topic.id])
        for paper in sorted(self.papers, key=_newest_first):
            if not paper.topics:
                unsorted.entries.append(self.paper_view(paper))
                continue
            for index, topic_id in enumerate(paper.topics):
                view = views[topic_id]
                if index == 0:
                    view.entries.append(self.paper_view(paper))
                else:
                    view.others.append(PaperRef(paper.title, _href(paper, view.page)))
        dates = [p.listed or p.published for p in self.papers if p.listed or p.published]
        return DigestView(
            title=self.config.title,
            description=self.config.description,
            topics=list(views.values()),
            unsorted=unsorted,
            paper_count=len(self.papers),
            with_code=sum(1 for p in self.papers if any(l.kind == "code" for l in p.links)),
            newest=max(dates).isoformat() if dates else "",
        )

    def render(self) -> dict[str, str]:
        """Return every generated file, keyed by path relative to the output folder."""
        digest = self.digest_view()
        template = self.env.get_template("topic.md.j2")
        files: dict[str, str] = {}
        for topic in digest.topics + [digest.unsorted]:
            files[str(topic.page)] = template.render(digest=digest, topic=topic)
        files[WITH_CODE_PAGE] = self.env.get_template("with_code.md.j2").render(
            digest=digest, rows=self.code_rows()
        )
        files["papers.json"] = papers_json(self.papers, self.matches, self.config.output, self.use_directory_urls)
        return files

    def code_rows(self) -> list[CodeRow]:
        """Return one row per paper with a code link, newest first."""
        rows = []
        for paper in sorted(self.papers, key=_newest_first):
            code = next((link for link in paper.links if link.kind == "code"), None)
            if code is None:
                continue
            date = paper.published or paper.listed
            rows.append(
                CodeRow(
                    date=date.isoformat() if date else "",
                    paper=PaperRef(paper.title, _href(paper, WITH_CODE_PAGE)),
                    repo=code.repo or code.url.split("://", 1)[1],
                    repo_href=html_attr(code.url),
                    host=code.label,
                    topics=[PaperRef(self.topics[t].title, Markup(topic_page(t))) for t in paper.topics if t in self.topics],
                )
            )
        return rows

    def render_overview(self) -> str:
        """Return the Markdown overview that fills the home page's marker."""
        folder = self.config.output.removeprefix("docs/").strip("/")
        return self.env.get_template("overview.md.j2").render(
            digest=self.digest_view(), folder=Markup(folder)
        )


def _newest_first(paper: Paper) -> tuple[int, str, str]:
    date = paper.published or paper.listed
    return (-(date.toordinal() if date else 0), paper.title.casefold(), paper.id)


def papers_json(
    papers: list[Paper],
    matches: dict[str, tuple[Match, ...]],
    output: str,
    use_directory_urls: bool = True,
) -> str:
    """Return papers.json: one object per paper, sorted by id."""
    rows = [
        {
            "id": paper.id,
            "title": paper.title,
            "abstract": paper.abstract,
            "published": paper.published.isoformat() if paper.published else None,
            "authors_count": paper.authors_count,
            "upvotes": paper.upvotes,
            "topics": list(paper.topics),
            "links": [link.as_json() for link in paper.links],
            "url": paper_url(paper, output, use_directory_urls),
            "related": list(paper.related),
            "mentions": list(paper.mentions),
            "sources": [str(origin) for origin in paper.origins],
            "listed": paper.listed.isoformat() if paper.listed else None,
            "matched": [match.as_json() for match in matches.get(paper.id, ())],
        }
        for paper in sorted(papers, key=lambda p: p.id)
    ]
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
