"""Decide which page each full entry lives on, splitting large topics by year.

A topic with more entries than fit on one page (about 1 MB of HTML) gets one
page per year, and a year that is still too large one page per month. Keys
come from the papers' own dates, so adding papers never moves older entries
to another page.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Paper

# Full entries per page by default (digest.yml `page_size`): an entry is
# ~3 KB of HTML, so pages stay well under 1 MB with the theme around them.
PAGE_LIMIT = 150
UNDATED = "undated"
UNSORTED_ID = "unsorted"


@dataclass(frozen=True)
class Part:
    """One page of a split topic."""

    key: str  # "2024", "2024-05" or "undated"
    page: str  # relative to the output folder: "kv-cache/2024.md"


def _year(paper: Paper) -> str:
    date = paper.published or paper.listed
    return str(date.year) if date else UNDATED


def _month(paper: Paper) -> str:
    date = paper.published or paper.listed
    return _month_key(date) if date else UNDATED


# Papers share a few thousand days; strftime once per day, not per paper.
@functools.lru_cache(maxsize=1 << 14)
def _month_key(date: dt.date) -> str:
    return date.strftime("%Y-%m")


@dataclass
class Paging:
    """Where each paper's full entry lives, and the parts of each split topic."""

    page_of: dict[str, str]
    parts: dict[str, list[Part]]
    monthly_years: dict[str, set[str]]

    def part_key(self, topic: str, paper: Paper) -> str:
        """Return the part of a split topic that a paper belongs to."""
        year = _year(paper)
        return _month(paper) if year in self.monthly_years.get(topic, set()) else year


def date_parts(papers: list[Paper], limit: int) -> tuple[dict[str, list[Paper]], set[str]]:
    """Group papers by year, or by month within a year of more than limit papers.

    Returns the groups (in the papers' order) and the years split by month.
    """
    by_year: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_year[_year(paper)].append(paper)
    monthly = {year for year, items in by_year.items() if len(items) > limit and year != UNDATED}
    groups: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        groups[_month(paper) if _year(paper) in monthly else _year(paper)].append(paper)
    return groups, monthly


def assign_pages(papers: list[Paper], topic_page: dict[str, str], limit: int = PAGE_LIMIT) -> Paging:
    """Place every paper's entry on its primary topic's page, or on a part of it.

    ``papers`` come newest first and each has a primary topic id (or the id of
    the unsorted page); ``topic_page`` maps topic ids to page names like "kv-cache.md".
    """
    groups: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        groups[_topics(paper)[0]].append(paper)
    paging = Paging(page_of={}, parts={}, monthly_years={})
    for topic, members in groups.items():
        main = topic_page[topic]
        if len(members) <= limit:
            paging.page_of.update((paper.id, main) for paper in members)
            continue
        parts, paging.monthly_years[topic] = date_parts(members, limit)
        stem = main.removesuffix(".md")
        for key, items in parts.items():
            paging.page_of.update((paper.id, f"{stem}/{key}.md") for paper in items)
    # A split topic also needs parts for the years where it only has papers
    # whose full entry lives elsewhere.
    members_of: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        for topic in _topics(paper):
            if topic in paging.monthly_years:
                members_of[topic].append(paper)
    for topic in paging.monthly_years:
        stem = topic_page[topic].removesuffix(".md")
        keys = {paging.part_key(topic, p) for p in members_of[topic]}
        paging.parts[topic] = [Part(key, f"{stem}/{key}.md") for key in newest_keys(keys)]
    return paging


def _topics(paper: Paper) -> tuple[str, ...]:
    return paper.topics or (UNSORTED_ID,)


def newest_keys(keys: Iterable[str]) -> list[str]:
    """Return part keys newest first, "undated" last."""
    dated = sorted((k for k in keys if k != UNDATED), reverse=True)
    return dated + ([UNDATED] if UNDATED in keys else [])
