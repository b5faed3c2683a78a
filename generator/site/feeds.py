"""Write Atom feeds: one for the digest, one per topic, one of the curator's picks (str out, deterministic)."""

from __future__ import annotations

import datetime as dt
import heapq
import os
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..constants import ALL_FEED, FEED_FOLDER, PICKS_FEED
from ..models import Paper
from .escape import html_text
from .paging import page_url, topic_page

if TYPE_CHECKING:
    from .views import Site

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 100
# An entry names at most this many authors, then says how many more: a
# physics collaboration lists thousands, and every feed entry would carry them.
MAX_AUTHORS = 50


@dataclass(frozen=True)
class FeedEntry:
    """One paper as a feed shows it. ``href`` and ``code`` are relative to the feed."""

    id: str
    title: str
    abstract: str
    href: str
    code: str | None
    date: dt.date | None
    topics: tuple[str, ...]
    authors: tuple[str, ...] = ()
    note: str = ""


def build_time(dates: list[dt.date]) -> str:
    """Return the feed's `updated` time: newest paper date, else SOURCE_DATE_EPOCH, else 1970."""
    if dates:
        return f"{max(dates).isoformat()}T00:00:00Z"
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(
    feed_id: str, title: str, subtitle: str, self_href: str, page_href: str, entries: list[FeedEntry],
    author: str = "topic-digest",
) -> str:
    """Return an Atom document with the newest entries first.

    Each entry credits its paper's authors; an entry whose authors are
    unknown credits ``author`` (the digest's title), as Atom needs one.
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"tag:topic-digest,2026:{feed_id}")
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    updated = build_time([e.date for e in entries if e.date])
    _text(feed, "updated", updated)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=self_href)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=page_href)
    _text(feed, "generator", "topic-digest")
    ordered = sorted(entries, key=lambda e: (-(e.date.toordinal() if e.date else 0), e.id))
    for item in ordered[:MAX_ENTRIES]:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"tag:topic-digest,2026:paper:{item.id}")
        _text(entry, "title", item.title)
        # An undated paper is as new as the feed, not from 1970.
        _text(entry, "updated", build_time([item.date]) if item.date else updated)
        if item.date:
            _text(entry, "published", f"{item.date.isoformat()}T00:00:00Z")
        names = list(item.authors[:MAX_AUTHORS]) or [author]
        if len(item.authors) > MAX_AUTHORS:
            names.append(f"and {len(item.authors) - MAX_AUTHORS:,} more")
        for name in names:
            _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", name)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=item.href)
        if item.code:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=item.code, title="Code")
        for topic in item.topics:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=topic)
        _text(entry, "summary", item.abstract)
        body = f"<p>{html_text(item.abstract)}</p>"
        if item.note:
            body = f"<p>Curator's note: {html_text(item.note)}</p>\n{body}"
        if item.code:
            body += f'<p>Code: <a href="{html_text(item.code)}">{html_text(item.code)}</a></p>'
        content = _text(entry, "content", body)
        content.set("type", "html")
    ET.indent(feed, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def digest_feeds(site: Site) -> dict[str, str]:
    """Return the Atom feed of the whole digest and one per topic."""
    def entry(paper: Paper) -> FeedEntry:
        code = paper.code_link
        return FeedEntry(
            id=paper.id,
            title=paper.title,
            abstract=paper.abstract,
            href=f"../{page_url(site.paging.page_of[paper.id], site.use_directory_urls)}#{paper.id}",
            code=code.url if code else None,
            date=paper.arrival_date,
            topics=paper.topics,
            authors=paper.authors,
            note=paper.note,
        )

    def page_href(page: str) -> str:
        return f"../{page_url(page, site.use_directory_urls)}"

    # A feed shows its MAX_ENTRIES newest papers, in atom_feed's order, and
    # is as new as the newest of them: only those need an entry.
    order = {paper.id: _feed_order(paper) for paper in site.papers}

    def newest(papers: list[Paper]) -> list[FeedEntry]:
        return [entry(paper) for paper in heapq.nsmallest(MAX_ENTRIES, papers, key=lambda p: order[p.id])]

    by_topic: dict[str, list[Paper]] = defaultdict(list)
    for paper in site.papers:
        for topic_id in dict.fromkeys(paper.topics):
            by_topic[topic_id].append(paper)
    title = site.config.title
    files = {
        ALL_FEED: atom_feed(
            "all", title, site.config.description,
            "all.xml", "../", newest(site.papers), title,
        ),
        # Empty until the curator picks a paper, and a valid feed all the same.
        PICKS_FEED: atom_feed(
            "picks", f"{title}: Curator's picks", "The papers the curator picked, newest first.",
            "picks.xml", "../", newest([paper for paper in site.papers if paper.pick]), title,
        ),
    }
    for topic in site.config.topics:
        files[f"{FEED_FOLDER}/{topic.id}.xml"] = atom_feed(
            topic.id, f"{title}: {topic.title}", topic.description,
            f"{topic.id}.xml", page_href(topic_page(topic.id)), newest(by_topic[topic.id]), title,
        )
    return files


def _feed_order(paper: Paper) -> tuple[int, str]:
    """Return the key atom_feed sorts a paper's entry by: newest first, then by id."""
    date = paper.arrival_date
    return (-(date.toordinal() if date else 0), paper.id)
