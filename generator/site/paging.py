"""Decide which page shows each paper, splitting any group too large for one page; name the pages.

A page holds at most a limit of weight: on a topic page a full entry weighs
ENTRY_WEIGHT and a short "Also in this topic" line LINE_WEIGHT; on the papers
with code pages each row weighs 1. A group too heavy for one page is split by
the next key of its papers, coarsest first:

    dated papers     year  →  month  →  day  →  title's first character  →  first two  →  ...
    undated papers   "undated"  →  title's first character  →  first two  →  ...

so a reader finds a paper by its date, or an undated one by its title, the
way a library shelves books. Every key is worked out from the paper's own date
and title alone, and groups only grow when papers arrive, so an arriving
paper never moves an older one, except when the group holding it grows past
the limit: then its papers move one level down, to pages of that group.

Title keys are ASCII: the title's letters and digits with accents dropped
("Über" files under "u"); a title whose first letter or digit is not ASCII
once accents are dropped (Greek, Cyrillic, CJK...) files under "non-ascii"
(shown as "other"). Past the title's ASCII letters, and for those titles at
once, the key goes on with a hash of the title, so any group can be split
until it fits.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..config import DigestConfig, Topic
from ..constants import UNSORTED_ID
from ..models import Paper

# Full entries per topic page by default (digest.yml `page_size`). An entry is
# about 4 KB of HTML with its line in the page's table of contents, a short
# line about 0.2 KB: 150 entries, or 3,000 lines, stay well under 1 MB with
# the theme around them.
PAGE_LIMIT = 150
ENTRY_WEIGHT = 20
LINE_WEIGHT = 1
UNDATED = "undated"
OTHER = "non-ascii"  # the key of titles that start with no ASCII letter or digit
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DATE_LEVELS = 3  # year, month, day
# The page of papers that no topic rule matched, or whose topics have no page.
UNSORTED = Topic(
    id=UNSORTED_ID,
    title="Unsorted",
    description="Papers that no topic rule matched yet. Extend the taxonomy in digest.yml.",
)


@dataclass(frozen=True)
class Part:
    """One page of a split group: a topic's, or the papers with code."""

    key: str  # "2024", "2024-05", "2024-05-07-sn", "undated-a", "undated-non-ascii"
    page: str  # relative to the output folder: "kv-cache/2024.md"

    @property
    def group(self) -> str:
        """Return the top-level group of the part: its year, or "undated"."""
        return self.key.split("-", 1)[0]

    @property
    def title(self) -> str:
        """Return what the part holds, for readers: "2024-05", "2024-05-07, Sn", "Undated, A"."""
        parts = self.key.split("-")
        if parts[0] == UNDATED:
            head, rest = "Undated", parts[1:]
        else:
            head, rest = "-".join(parts[:_DATE_LEVELS]), parts[_DATE_LEVELS:]
        return f"{head}, {_title_label('-'.join(rest))}" if rest else head

    @property
    def label(self) -> str:
        """Return the title within its group: "05" of 2024, "A" of Undated; the group's own name when it is one page."""
        title, group = self.title, ("Undated" if self.group == UNDATED else self.group)
        return title[len(group) :].lstrip("-, ") or title

    @property
    def level_label(self) -> str:
        """Return the name of the part among its siblings: "2024", "05" (a month or a day), "Sn", "Undated"."""
        parts = self.key.split("-")
        if parts[0] == UNDATED:
            return "Undated" if len(parts) == 1 else _title_label("-".join(parts[1:]))
        return parts[-1] if len(parts) <= _DATE_LEVELS else _title_label("-".join(parts[_DATE_LEVELS:]))

    @property
    def path(self) -> tuple[str, ...]:
        """Return the keys of the groups that hold this part, from its year (or "undated") down to its own key."""
        parts = self.key.split("-")
        dates = 1 if parts[0] == UNDATED else min(len(parts), _DATE_LEVELS)
        head = ["-".join(parts[: n + 1]) for n in range(dates)]
        title = "-".join(parts[dates:])
        if title.startswith(OTHER):
            titles = [OTHER] + [f"{OTHER}-{title[len(OTHER) + 1 : n]}" for n in range(len(OTHER) + 2, len(title) + 1)]
        else:
            titles = [title[:n] for n in range(1, len(title) + 1)]
        return (*head, *(f"{head[-1]}-{t}" for t in titles))


def _title_label(key: str) -> str:
    if key.startswith(OTHER):
        return "other" + key[len(OTHER) :].replace("-", " ")
    return key[:1].upper() + key[1:]


@dataclass
class Paging:
    """Where each paper's full entry lives, and the parts of each split topic."""

    page_of: dict[str, str]
    parts: dict[str, list[Part]]
    # For each split topic: the page of each of its papers, full entry or short line.
    line_pages: dict[str, dict[str, str]] = field(default_factory=dict)
    main_pages: dict[str, str] = field(default_factory=dict)
    # Papers share a few hundred tuples of topics: each is looked at once.
    _topics: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict, repr=False)

    def topics_of(self, paper: Paper) -> tuple[str, ...]:
        """Return the topics whose pages show a paper, primary first: its own, unsorted for none or one without a page."""
        topics = self._topics.get(paper.topics)
        if topics is None:
            main = self.main_pages
            topics = tuple(t if t in main else UNSORTED_ID for t in paper.topics) or (UNSORTED_ID,)
            self._topics[paper.topics] = topics
        return topics

    def line_page(self, topic: str, paper_id: str) -> str:
        """Return the page of a topic that shows a paper: its full entry or its short line."""
        pages = self.line_pages.get(topic)
        return pages[paper_id] if pages is not None else self.main_pages[topic]

    def placed_on_new_pages(self, paper_ids: Iterable[str], old_pages: Iterable[str]) -> bool:
        """Return whether any of the papers is shown on a part that is not among the old pages (a group split)."""
        new = {part.page for parts in self.parts.values() for part in parts} - set(old_pages)
        if not new:
            return False
        ids = set(paper_ids)
        return any(
            page in new and paper_id in ids for pages in self.line_pages.values() for paper_id, page in pages.items()
        )


class Keys:
    """The keys of papers at each level; each paper's date keys and filing key are worked out once."""

    def __init__(self) -> None:
        self.dates: dict[str, tuple[str, ...]] = {}  # (year, month, day) or ("undated",)
        self.titles: dict[str, str] = {}  # see filing_key
        self.other: set[str] = set()  # papers filed under "non-ascii"

    def key(self, paper: Paper, depth: int) -> str | None:
        """Return the key of a paper at a depth (0: its year or "undated"), or None past its last level."""
        dates = self.dates_of(paper)
        if depth < len(dates):
            return dates[depth]
        return self.title_key(paper, dates[-1], depth - len(dates) + 1)

    def dates_of(self, paper: Paper) -> tuple[str, ...]:
        """Return a paper's date keys: (year, month, day), or ("undated",)."""
        dates = self.dates.get(paper.id)
        if dates is None:
            date = paper.shown_date
            dates = self.dates[paper.id] = _date_keys(date) if date is not None else (UNDATED,)
        return dates

    def title_key(self, paper: Paper, head: str, level: int) -> str | None:
        """Return the key of a paper's title at a level (1: its first character) under its day (or "undated")."""
        text = self.titles.get(paper.id)
        if text is None:
            text = self.titles[paper.id] = filing_key(paper.title)
            if text.startswith(f"{OTHER}-"):
                self.other.add(paper.id)
        # "non-ascii", then "non-ascii-" and one more character of the hash at each level.
        end = level if paper.id not in self.other else len(OTHER) + (level if level > 1 else 0)
        return f"{head}-{text[:end]}" if end <= len(text) else None


def filing_key(title: str) -> str:
    """Return the key a title files under: its ASCII letters and digits, then a hash; "non-ascii-<hash>" for other titles.

    Accents are dropped ("Über" files under "u"); a title whose first letter
    or digit is not ASCII once they are (Greek, Cyrillic, CJK...) is "non-ascii".
    The hash lets any two titles part at last (equal titles are one paper).
    """
    if title.isascii():
        folded = title.lower()
        text = _NOT_ALNUM.sub("", folded)
    else:
        folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", title)).casefold()
        first = next((char for char in folded if char.isalnum()), "")
        text = _NOT_ALNUM.sub("", folded.encode("ascii", "ignore").decode("ascii")) if first.isascii() else ""
    digest = hashlib.sha1(folded.encode("utf-8")).hexdigest()
    return text + digest if text else f"{OTHER}-{digest}"


# Papers share a few thousand days; format each day's keys once, not per paper.
@functools.lru_cache(maxsize=1 << 14)
def _date_keys(date: dt.date) -> tuple[str, str, str]:
    year = f"{date.year:04d}"
    month = f"{year}-{date.month:02d}"
    return year, month, f"{month}-{date.day:02d}"


def split_groups(members: list[tuple[Paper, int]], limit: int, keys: Keys | None = None) -> dict[str, str] | None:
    """Return the part key of each member (paper, weight) by paper id, or None when all fit on one page.

    A group weighing more than limit is split by its members' next key (see
    Keys.key); a paper with no next key stays on its group's page.
    """
    if sum(weight for _, weight in members) <= limit:
        return None
    keys = keys or Keys()
    placed: dict[str, str] = {}
    pending: list[tuple[int, str, list[tuple[Paper, int]]]] = [(0, "", members)]
    while pending:
        depth, parent, group = pending.pop()
        children: dict[str | None, list[tuple[Paper, int]]] = defaultdict(list)
        weights: dict[str | None, int] = defaultdict(int)
        # Papers in one group below the top share their year or "undated", so
        # all of them are split by a date or all by their title: Keys.key
        # with its test made once per group, and date keys looked up inline.
        first = keys.dates_of(group[0][0])
        if depth < len(first):
            known, dates_of = keys.dates, keys.dates_of
            for member in group:
                key: str | None = (known.get(member[0].id) or dates_of(member[0]))[depth]
                children[key].append(member)
                weights[key] += member[1]
        else:
            head, level, title_key = first[-1], depth - len(first) + 1, keys.title_key
            for member in group:
                key = title_key(member[0], head, level)
                children[key].append(member)
                weights[key] += member[1]
        for key, items in children.items():
            if key is None:
                # No level left (depth 0 always has one): these papers stay on their group's page.
                placed.update((paper.id, parent) for paper, _ in items)
            elif weights[key] > limit and len(items) > 1:
                pending.append((depth + 1, key, items))
            else:
                placed.update((paper.id, key) for paper, _ in items)
    return placed


def ordered_parts(keys: Iterable[str], stem: str) -> list[Part]:
    """Return the parts with these keys, newest first, undated last; titles in A to Z order within a day."""
    parts = sorted({Part(key, f"{stem}/{key}.md") for key in keys}, key=_title_order)
    dated = sorted((p for p in parts if p.group != UNDATED), key=_date_order, reverse=True)
    return dated + [p for p in parts if p.group == UNDATED]


def _date_order(part: Part) -> str:
    return "-".join(part.key.split("-")[:_DATE_LEVELS])


def _title_order(part: Part) -> tuple[bool, str]:
    rest = part.key.split("-", _DATE_LEVELS if part.group != UNDATED else 1)[-1]
    return rest.startswith(OTHER), rest


def assign_pages(papers: list[Paper], topic_page: Mapping[str, str], limit: int = PAGE_LIMIT) -> Paging:
    """Place every paper's full entry on its primary topic's page, and its short lines on its other topics' pages.

    ``papers`` come newest first, each with its topics (none, or one without
    a page: the unsorted page); ``topic_page`` maps topic ids to page names
    like "kv-cache.md". ``limit`` is in full entries per page.
    """
    paging = Paging(page_of={}, parts={}, main_pages=dict(topic_page))
    members: dict[str, list[tuple[Paper, int]]] = defaultdict(list)
    primary: dict[str, str] = {}
    for paper in papers:
        topics = paging.topics_of(paper)
        primary[paper.id] = topics[0]
        members[topics[0]].append((paper, ENTRY_WEIGHT))
        for topic in topics[1:]:
            members[topic].append((paper, LINE_WEIGHT))
    keys = Keys()
    for topic, items in members.items():
        placed = split_groups(items, limit * ENTRY_WEIGHT, keys)
        if placed is not None:
            stem = topic_page[topic].removesuffix(".md")
            page = {key: f"{stem}/{key}.md" for key in set(placed.values())}
            paging.line_pages[topic] = {paper_id: page[key] for paper_id, key in placed.items()}
            paging.parts[topic] = ordered_parts(page, stem)
    line_pages = paging.line_pages
    paging.page_of = {
        paper_id: line_pages[topic][paper_id] if topic in line_pages else topic_page[topic]
        for paper_id, topic in primary.items()
    }
    return paging


def newest_first(papers: Iterable[Paper]) -> list[Paper]:
    """Return papers in the order pages show them: newest first (by the date a reader is shown), then by title."""
    return sorted(papers, key=newest_first_key)


def newest_first_key(paper: Paper) -> tuple[int, str, str]:
    """Return the key that sorts papers newest first, then by title, then by id."""
    date = paper.shown_date
    return (-(date.toordinal() if date else 0), paper.title.casefold(), paper.id)


def page_papers(config: DigestConfig, papers: list[Paper]) -> Paging:
    """Place the papers (newest first) on the topic pages of the config, split by its page_size (the paging stage)."""
    pages = {t.id: topic_page(t.id) for t in [*config.topics, UNSORTED]}
    return assign_pages(papers, pages, config.page_size)


def topic_page(topic_id: str) -> str:
    """Return the generated file name of a topic's page."""
    return f"{topic_id}.md"


def page_url(page: str, use_directory_urls: bool = True) -> str:
    """Return the URL MkDocs gives a generated page ('kv-cache.md'), relative to the output folder."""
    stem = page.removesuffix(".md")
    if not use_directory_urls:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


def output_url(output: str) -> str:
    """Return the site-relative URL of the output folder ('docs/digest' -> 'digest/')."""
    return output.removeprefix("docs/").strip("/") + "/"


@functools.lru_cache(maxsize=65536)
def relative(target: str, here: str | None) -> str:
    """Return the link from page `here` to page `target`, both relative to the output folder."""
    if here is None:
        return target
    folder = posixpath.dirname(here)
    if folder and target.startswith(folder + "/"):
        return target[len(folder) + 1 :]
    return "../" * here.count("/") + target
