"""Value records that flow through the pipeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

LINK_KINDS = ("code", "data", "model", "demo", "project", "package", "other")


@dataclass(frozen=True)
class Origin:
    """Where a record came from: a source file name and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Record:
    """One paper as one source file lists it, before dedup."""

    title: str
    abstract: str
    origin: Origin
    published: dt.date | None = None
    authors_count: int | None = None
    upvotes: int | None = None
    # The day a listing showed the paper (a Daily Papers day), never its publication date.
    listed: dt.date | None = None
    arxiv_id: str | None = None
    # URLs a source gives as metadata (an API's githubRepo, projectPage).
    urls: tuple[str, ...] = ()
    # Author names as the source gives them, cleaned; () when it gives none.
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejection:
    """A record that could not be used, and why."""

    origin: Origin
    reason: str


@dataclass(frozen=True)
class Link:
    """A cleaned, canonical link found in a paper's text.

    ``kind`` is one of LINK_KINDS; ``label`` is what a button shows (``GitHub``,
    ``Hugging Face model``, ``Project page``); ``repo`` is ``owner/name`` for
    links on a code host, else empty.
    """

    url: str
    kind: str
    label: str = ""
    repo: str = ""

    def as_json(self) -> dict[str, str]:
        return {"url": self.url, "kind": self.kind}


@dataclass(frozen=True)
class Paper:
    """One real paper, merged from every record that lists it.

    Equality and hash come from the normalized title key alone, so two
    papers are the same paper whatever metadata they carry.
    """

    key: str
    id: str = field(compare=False)
    title: str = field(compare=False)
    abstract: str = field(compare=False)
    origins: tuple[Origin, ...] = field(compare=False)
    published: dt.date | None = field(default=None, compare=False)
    authors_count: int | None = field(default=None, compare=False)
    upvotes: int | None = field(default=None, compare=False)
    listed: dt.date | None = field(default=None, compare=False)
    arxiv_id: str | None = field(default=None, compare=False)
    urls: tuple[str, ...] = field(default=(), compare=False)
    links: tuple[Link, ...] = field(default=(), compare=False)
    mentions: tuple[str, ...] = field(default=(), compare=False)
    topics: tuple[str, ...] = field(default=(), compare=False)
    related: tuple[str, ...] = field(default=(), compare=False)
    authors: tuple[str, ...] = field(default=(), compare=False)
    paper_url: str | None = field(default=None, compare=False)
    """The paper's own page: its arXiv abstract page, else a paper site's link (DOI, OpenReview...)."""
    note: str = field(default="", compare=False)
    """The curator's note on the paper (plain text, from an override)."""
    pick: bool = field(default=False, compare=False)
    """Whether the curator picked the paper (an override's `pick: true`)."""

    @property
    def primary_topic(self) -> str | None:
        """The topic whose page shows the paper's full entry (None for an unsorted paper)."""
        return self.topics[0] if self.topics else None

    @property
    def shown_date(self) -> dt.date | None:
        """The date a reader is shown: when it was published, else the day a listing showed it.

        Entries, their order (newest first) and the date parts of a topic follow it.
        """
        return self.published or self.listed

    @property
    def arrival_date(self) -> dt.date | None:
        """The day the paper arrived in the digest: the day a listing showed it, else when it was published.

        Feeds and the home page's newest listing follow it.
        """
        return self.listed or self.published

    @property
    def code_link(self) -> Link | None:
        """The paper's first code link (links come code first), or None."""
        return next((link for link in self.links if link.kind == "code"), None)

    @property
    def has_code(self) -> bool:
        """Whether the paper links code (it is on the Papers with code page)."""
        return any(link.kind == "code" for link in self.links)


def newest_listing(papers: Iterable[Paper]) -> dt.date | None:
    """Return the newest day a listing showed any of the papers (a listing day, never a publication date), or None."""
    return max((paper.listed for paper in papers if paper.listed), default=None)


def curator_picks(papers: Iterable[Paper]) -> list[Paper]:
    """Return the papers the curator picked, newest first: by arrival in the digest, then by the date shown, then by id."""

    def day(date: dt.date | None) -> int:
        return -(date.toordinal() if date else 0)

    picked = [paper for paper in papers if paper.pick]
    # Papers listed the same day keep the order of the dates a reader sees beside them.
    return sorted(picked, key=lambda p: (day(p.arrival_date), day(p.shown_date), p.id))
