"""The papers-with-code table: its rows, split into pages like a topic past CODE_ROWS_PER_PAGE rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from markupsafe import Markup

from ..constants import WITH_CODE_PAGE
from ..models import Link, Paper
from .escape import html_attr
from .paging import ordered_parts, split_groups
from .parts import PartGroup, PartIndex
from .views import PaperRef, Site, paper_date

# A row is about 0.5 KB of HTML.
CODE_ROWS_PER_PAGE = 1000


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
class CodePage:
    """One page of the papers-with-code table: its rows, and its "By date" list when the table is split."""

    page: str
    rows: list[CodeRow]
    parts: list[PartGroup]
    total: int
    part: str = ""


def code_pages(site: Site) -> Iterator[CodePage]:
    """Yield the papers-with-code page, split like a topic (see paging.py) past CODE_ROWS_PER_PAGE rows.

    A page's rows are made when it is asked for, so only one page's are held at a time.
    """
    code_of = {paper.id: code for paper in site.papers if (code := paper.code_link)}
    with_code = [paper for paper in site.papers if paper.id in code_of]
    placed = split_groups([(paper, 1) for paper in with_code], CODE_ROWS_PER_PAGE)
    if placed is None:
        rows = [_code_row(site, paper, code_of[paper.id], WITH_CODE_PAGE) for paper in with_code]
        yield CodePage(WITH_CODE_PAGE, rows, [], len(with_code))
        return
    stem = WITH_CODE_PAGE.removesuffix(".md")
    parts = ordered_parts(placed.values(), stem)
    on_page: dict[str, list[Paper]] = defaultdict(list)
    for paper in with_code:
        on_page[f"{stem}/{placed[paper.id]}.md"].append(paper)
    index = PartIndex(parts, WITH_CODE_PAGE)
    yield CodePage(WITH_CODE_PAGE, [], index.lines(WITH_CODE_PAGE), len(with_code))
    for part in parts:
        rows = [_code_row(site, paper, code_of[paper.id], part.page) for paper in on_page[part.page]]
        yield CodePage(part.page, rows, index.lines(part.page), len(with_code), part.title)


def _code_row(site: Site, paper: Paper, code: Link, here: str) -> CodeRow:
    return CodeRow(
        date=paper_date(paper),
        paper=PaperRef(paper.title, site.url(paper.id, here)),
        repo=code.repo or code.url.split("://", 1)[1],
        repo_href=html_attr(code.url),
        host=code.label,
        topics=[site.topic_link(t, here) for t in paper.topics if t in site.topics],
    )
