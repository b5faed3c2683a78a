"""Atom feeds: valid, newest first, dated from the papers."""

from __future__ import annotations

import datetime as dt

import feedparser

from generator.site.feeds import FeedEntry, atom_feed, build_time


def test_atom_feed_parses_and_orders_newest_first():
    entries = [
        FeedEntry("old", "Old <b>", "Abstract & more", "../t/#old", None, dt.date(2023, 1, 1), ("t",)),
        FeedEntry("new", "New", "Fresh", "../t/#new", "https://github.com/o/r", dt.date(2024, 5, 7), ("t",)),
        FeedEntry("undated", "Undated", "No date", "../t/#undated", None, None, ()),
    ]
    text = atom_feed("t", "Digest: T", "About T", "t.xml", "../t/", entries)
    parsed = feedparser.parse(text.encode("utf-8"), response_headers={"content-type": "application/atom+xml"})
    assert not parsed.bozo and parsed.version == "atom10"
    assert [e.id for e in parsed.entries] == [
        "tag:topic-digest,2026:paper:new", "tag:topic-digest,2026:paper:old", "tag:topic-digest,2026:paper:undated",
    ]
    assert parsed.entries[1].title == "Old <b>"
    assert parsed.entries[0].links[1].href == "https://github.com/o/r"
    assert parsed.feed.updated == "2024-05-07T00:00:00Z"
    assert parsed.entries[2].updated == "2024-05-07T00:00:00Z"  # undated: as new as the feed
    assert atom_feed("t", "Digest: T", "About T", "t.xml", "../t/", entries) == text


def test_feed_time_without_dates_uses_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert build_time([]) == "1970-01-02T00:00:00Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_time([]) == "1970-01-01T00:00:00Z"
