"""Renderer pieces, str in and str out."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import feedparser

from generator.chart import monthly_chart
from generator.feeds import FeedEntry, atom_feed, build_time
from generator.models import Link, Origin, Paper
from generator.render import papers_json, relative, split_abstract
from generator.topics import Match


def test_split_abstract_keeps_short_ones_whole():
    assert split_abstract("One sentence. Two sentences.") == ("One sentence. Two sentences.", "")


def test_split_abstract_cuts_at_a_sentence_after_the_summary_length():
    first = "A" * 300 + "."
    rest = "Second sentence. " * 20
    summary, more = split_abstract(f"{first} {rest.strip()}")
    assert summary == first and more == rest.strip()


def test_relative_links_between_generated_pages():
    assert relative("kv-cache.md", "serving.md") == "kv-cache.md"
    assert relative("kv-cache.md", "kv-cache/2024.md") == "../kv-cache.md"
    assert relative("kv-cache/2023.md", "kv-cache/2024.md") == "2023.md"
    assert relative("serving/2023.md", "kv-cache/2024.md") == "../serving/2023.md"
    assert relative("serving/2023.md", None) == "serving/2023.md"


def test_papers_json_is_one_paper_per_line_sorted_by_id():
    papers = [
        Paper(key="b", id="b", title="B", abstract="Y.", origins=(), topics=("t",),
              links=(Link("https://github.com/o/r", "code", "GitHub", "o/r"),)),
        Paper(key="a", id="a", title="A", abstract="X.", origins=(), published=dt.date(2024, 1, 2)),
    ]
    text = papers_json(papers, {}, {"a": "unsorted.md", "b": "t/2024.md"}, "docs/digest")
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 4
    rows = json.loads(text)
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["url"] == "digest/unsorted/#a" and rows[0]["published"] == "2024-01-02"
    assert rows[1]["url"] == "digest/t/2024/#b"
    assert rows[1]["links"] == [{"url": "https://github.com/o/r", "kind": "code"}]



def test_papers_json_lines_are_what_json_dumps_writes():
    awkward = 'Quote " backslash \\ tab \t newline \n nul \x00 bell \x07 \u2028 é 漢 😀 </script>'
    paper = Paper(
        key="k", id="p", title=awkward, abstract=awkward, origins=(Origin("a.txt", 3), Origin("b \\ \".txt", 9)),
        published=dt.date(2024, 1, 2), authors_count=0, upvotes=12345678901234567890, listed=dt.date(2023, 5, 6),
        arxiv_id="2401.00001", links=(Link(f"https://x.org/{awkward}", "project"),), topics=("t", "u"),
        related=("q",), mentions=(awkward,),
    )
    bare = Paper(key="b", id="q", title="Q", abstract="R.", origins=())
    matches = {"p": (Match("t", awkward, "title"), Match("u", "v", "abstract"))}
    lines = papers_json([bare, paper], matches, {"p": "t.md", "q": "unsorted.md"}, "docs/digest").split("\n")
    rows = [
        {
            "id": "p", "title": awkward, "abstract": awkward, "published": "2024-01-02", "authors_count": 0,
            "upvotes": 12345678901234567890, "topics": ["t", "u"], "links": [{"url": f"https://x.org/{awkward}", "kind": "project"}],
            "url": "digest/t/#p", "related": ["q"], "mentions": [awkward], "sources": ["a.txt:3", 'b \\ ".txt:9'],
            "listed": "2023-05-06", "arxiv_id": "2401.00001",
            "matched": [{"topic": "t", "phrase": awkward, "field": "title"}, {"topic": "u", "phrase": "v", "field": "abstract"}],
        },
        {
            "id": "q", "title": "Q", "abstract": "R.", "published": None, "authors_count": None, "upvotes": None,
            "topics": [], "links": [], "url": "digest/unsorted/#q", "related": [], "mentions": [], "sources": [],
            "listed": None, "arxiv_id": None, "matched": [],
        },
    ]  # fmt: skip
    assert lines == ["[", json.dumps(rows[0], ensure_ascii=False) + ",", json.dumps(rows[1], ensure_ascii=False), "]", ""]

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


def test_chart_is_svg_with_a_text_alternative():
    svg = monthly_chart(
        {"2024-01": {"a": 2, "b": 1}, "2024-03": {"a": 1}},
        [("a", "Topic <A>"), ("b", "B")],
        "Papers per month",
    )
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == "Papers per month"
    assert root.find(f"{ns}desc").text == (
        "4 dated papers from 2024-01 to 2024-03; the busiest month is 2024-01 with 3 papers."
    )
    bars = [r for r in root.iter(f"{ns}rect") if r.find(f"{ns}title") is not None]
    assert [b.find(f"{ns}title").text for b in bars] == ["2024-01: 2", "2024-01: 1", "2024-03: 1"]
    assert "Topic &lt;A&gt;" in svg


def test_chart_without_dates():
    root = ET.fromstring(monthly_chart({}, [], "Empty"))
    assert root.find("{http://www.w3.org/2000/svg}desc").text == "No dated papers yet."
