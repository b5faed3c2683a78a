"""papers.json: one paper per line, exactly what json.dumps writes."""

from __future__ import annotations

import datetime as dt
import json

from generator.enrich.topics import Match
from generator.models import Link, Origin, Paper
from generator.site.papers_json import papers_json


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
        related=("q",), mentions=(awkward,), authors=(awkward, "Ada Lovelace"), paper_url="https://arxiv.org/abs/2401.00001",
        note=awkward, pick=True,
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
            "authors": [awkward, "Ada Lovelace"], "paper_url": "https://arxiv.org/abs/2401.00001", "note": awkward, "pick": True,
        },
        {
            "id": "q", "title": "Q", "abstract": "R.", "published": None, "authors_count": None, "upvotes": None,
            "topics": [], "links": [], "url": "digest/unsorted/#q", "related": [], "mentions": [], "sources": [],
            "listed": None, "arxiv_id": None, "matched": [], "authors": [], "paper_url": None, "note": "", "pick": False,
        },
    ]  # fmt: skip
    assert lines == ["[", json.dumps(rows[0], ensure_ascii=False) + ",", json.dumps(rows[1], ensure_ascii=False), "]", ""]


def test_papers_json_is_what_the_plain_version_writes_for_the_bundled_digest():
    from generator.config import load_config
    from generator.pipeline import build_digest
    from generator.site.papers_json import papers_json_plain
    from generator.sources import load_sources

    from ..conftest import PROJECT

    config = load_config(PROJECT / "digest.yml")
    digest = build_digest(config, load_sources(config)[0])
    fast = papers_json(digest.papers, digest.matches, digest.page_of, config.output, False)
    assert fast == papers_json_plain(digest.papers, digest.matches, digest.page_of, config.output, False)
    assert digest.files["papers.json"] == papers_json_plain(digest.papers, digest.matches, digest.page_of, config.output)
