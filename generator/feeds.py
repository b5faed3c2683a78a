"""Write Atom feeds: one for the digest, one per topic (str out, deterministic)."""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .escape import html_text

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 100


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


def build_time(dates: list[dt.date]) -> str:
    """Return the feed's `updated` time: newest paper date, else SOURCE_DATE_EPOCH, else 1970."""
    if dates:
        return f"{max(dates).isoformat()}T00:00:00Z"
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(feed_id: str, title: str, subtitle: str, self_href: str, page_href: str, entries: list[FeedEntry]) -> str:
    """Return an Atom document with the newest entries first."""
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
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", "topic-digest")
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=item.href)
        if item.code:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=item.code, title="Code")
        for topic in item.topics:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=topic)
        _text(entry, "summary", item.abstract)
        body = f"<p>{html_text(item.abstract)}</p>"
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
