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


def test_feeds_credit_the_authors_carry_the_note_and_list_the_picks_newest_first():
    from generator.models import Paper, curator_picks, newest_listing
    from generator.site.feeds import digest_feeds

    from .layout import lay_out

    def paper(pid: str, day: int, **fields) -> Paper:
        return Paper(key=pid, id=pid, title=f"Paper {pid}", abstract="About it.", origins=(), topics=("a",),
                     listed=dt.date(2024, 5, day), **fields)

    papers = [
        paper("old-pick", 1, pick=True, note="Read <this> & that.", authors=("Ada Lovelace", "Alan Turing")),
        paper("new-pick", 9, pick=True),
        paper("plain", 5, published=dt.date(2025, 1, 1)),
    ]
    site, _, _ = lay_out(papers)
    files = digest_feeds(site)
    picks = feedparser.parse(files["feeds/picks.xml"])
    assert not picks.bozo and picks.feed.title == "Digest: Curator's picks"
    assert [e.id.rsplit(":", 1)[1] for e in picks.entries] == ["new-pick", "old-pick"]
    assert [p.id for p in curator_picks(papers)] == ["new-pick", "old-pick"]
    everything = {e.id.rsplit(":", 1)[1]: e for e in feedparser.parse(files["feeds/all.xml"]).entries}
    assert [a.name for a in everything["old-pick"].authors] == ["Ada Lovelace", "Alan Turing"]
    # Unknown authors: the digest is credited, as Atom needs an author.
    assert [a.name for a in everything["plain"].authors] == ["Digest"]
    for entry in (everything["old-pick"], picks.entries[1]):
        assert "<p>Curator's note: Read &lt;this&gt; &amp; that.</p>" in entry.content[0].value
    assert "Curator's note" not in everything["plain"].content[0].value
    crowd = FeedEntry("crowd", "Crowd", "A.", "../a/#crowd", None, None, (), tuple(f"Author {n}" for n in range(1234)))
    names = [a.name for a in feedparser.parse(atom_feed("x", "X", "", "x.xml", "../", [crowd])).entries[0].authors]
    assert len(names) == 51 and names[-1] == "and 1,184 more" and names[0] == "Author 0"
    # The newest listing is a listing day, never a later publication date.
    assert newest_listing(papers) == dt.date(2024, 5, 9)


def test_the_picks_feed_is_valid_when_nothing_is_picked():
    from generator.models import Paper
    from generator.site.feeds import digest_feeds

    from .layout import lay_out

    site, _, _ = lay_out([Paper(key="p", id="p", title="P", abstract="A.", origins=(), topics=("a",))])
    parsed = feedparser.parse(digest_feeds(site)["feeds/picks.xml"])
    assert not parsed.bozo and parsed.version == "atom10" and parsed.entries == []


def test_picks_listed_the_same_day_come_in_the_order_of_the_dates_shown_beside_them():
    from generator.models import Paper, curator_picks

    day = dt.date(2026, 5, 7)
    papers = [
        Paper(key=pid, id=pid, title=pid, abstract="A.", origins=(), listed=day, published=published, pick=True)
        for pid, published in [("a-older", dt.date(2023, 7, 17)), ("b-newer", dt.date(2024, 4, 22)), ("c-unpublished", None)]
    ]
    # A paper with no publication date shows its listing day, the newest of the three.
    assert [p.id for p in curator_picks(papers)] == ["c-unpublished", "b-newer", "a-older"]
