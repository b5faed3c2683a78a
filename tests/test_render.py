"""Renderer pieces, str in and str out."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import random
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import feedparser

import jinja2

from generator.config import DigestConfig, Topic
from generator.enrich.topics import Match
from generator.executor import SERIAL
from generator.models import Link, Origin, Paper
from generator.site.chart import monthly_chart
from generator.site.feeds import FeedEntry, atom_feed, build_time
from generator.site.paging import newest_first, page_papers, relative
from generator.site.papers_json import papers_json
from generator.site.render import make_environment, render_files, render_site_pages, render_topic_pages
from generator.site.views import Site, SiteViews, build_views, listing_days, split_abstract


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


# --- Paging in the rendered pages -------------------------------------------

_HEADING = re.compile(r"^## .* \{: #([a-z0-9-]+) \}$", re.M)
_LINK = re.compile(r"\]\(([^)#]*)(?:#[^)]*)?\)")


def _site(papers: list[Paper], page_size: int = 2) -> tuple[Site, SiteViews, jinja2.Environment]:
    """Lay papers out under three topics, as the pipeline does: where each page is, the views, the templates."""
    topics = tuple(Topic(t, f"Topic {t.upper()}", f"About {t}.") for t in ("a", "b", "c"))
    config = DigestConfig(title="Digest", path=Path("/nowhere/digest.yml"), topics=topics, page_size=page_size)
    ordered = newest_first(papers)
    site = Site(config, ordered, {}, page_papers(config, ordered))
    return site, build_views(site), make_environment()


def _render(papers: list[Paper], page_size: int = 2) -> dict[str, str]:
    site, views, environment = _site(papers, page_size)
    return render_files(environment, site, views, SERIAL)


def _corpus(count: int, seed: int) -> list[Paper]:
    """Papers of every shape: dated or not, listed on a few days (one of them huge) or none, with code or not."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "snap", "3d", "über", "日本", "Ω", "ze", "a"]
    papers = []
    for i in range(count):
        title = " ".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) + f" {i}"
        date = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700)) if rng.random() < 0.5 else None
        listed = rng.choice([None, None, dt.date(2024, 5, 1), dt.date(2024, 5, 2), dt.date(2024, 4, 1)])
        topics = tuple(rng.sample(["a", "b", "c"], rng.randint(0, 3)))
        links = (Link(f"https://github.com/o/r{i}", "code", "GitHub", f"o/r{i}"),) if rng.random() < 0.6 else ()
        papers.append(Paper(key=f"k{i}", id=f"p{i}", title=title, abstract="An abstract.", origins=(),
                            published=date, listed=listed, topics=topics, links=links))  # fmt: skip
    return papers


def _target(link: str, here: str) -> str:
    """Resolve a relative Markdown link from a generated page to a generated file name."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(here), link)) if link else here


def _by_date(text: str) -> list[list[str]]:
    """Return the links of each line of a page's "By date" list."""
    if "**By date:**\n\n" not in text:
        return []
    block = text.split("**By date:**\n\n", 1)[1].split("\n\n", 1)[0]
    assert all(line.startswith("- ") for line in block.splitlines())
    return [_LINK.findall(line) for line in block.splitlines()]


def test_every_page_kind_keeps_its_limit_and_every_part_is_linked(monkeypatch):
    import generator.site.views as render

    monkeypatch.setattr(render, "CODE_ROWS_PER_PAGE", 40)
    monkeypatch.setattr(render, "NEW_PAPERS_SHOWN", 30)
    monkeypatch.setattr(render, "NEW_PAPERS_MAX", 60)
    papers = _corpus(1200, seed=3)
    site, views, environment = _site(papers, page_size=3)
    files = render_files(environment, site, views, SERIAL)
    order = {paper.id: index for index, paper in enumerate(site.papers)}
    entries: Counter[str] = Counter()
    lines: Counter[tuple[str, str]] = Counter()
    for name, text in files.items():
        if not name.endswith(".md") or name.split("/")[0].removesuffix(".md") not in {"a", "b", "c", "unsorted"}:
            continue
        topic = name.split("/")[0].removesuffix(".md")
        body, _, also = text.partition("## Also in this topic {: #digest-also-here }")
        here = [pid for pid in _HEADING.findall(body)]
        others = re.findall(r"^- \[.*\]\([^)]*#([a-z0-9-]+)\)", also, re.M)
        # A full entry weighs 20 short lines; a page holds 3 entries' worth.
        assert 20 * len(here) + len(others) <= 3 * 20, name
        assert [order[pid] for pid in here] == sorted(order[pid] for pid in here), f"{name} is not newest first"
        entries.update(here)
        lines.update((topic, pid) for pid in others)
    assert entries == Counter(paper.id for paper in papers)
    expected_lines = Counter((t, p.id) for p in papers for t in p.topics[1:])
    assert lines == expected_lines
    code_pages = [name for name in files if name.startswith("papers-with-code")]
    assert len(code_pages) > 10
    rows = Counter(pid for name in code_pages for pid in re.findall(r"^\| .*\]\([^)]*#([a-z0-9-]+)\)", files[name], re.M))
    assert rows == Counter(p.id for p in papers if p.links)
    assert max(len(re.findall(r"^\| (?!Date|---)", files[name], re.M)) for name in code_pages) <= 40
    new = files["new.md"]
    assert len(re.findall(r"^- \[", new, re.M)) == 60
    # Every "By date" link leads to a generated page; each main page lists all of its parts; a part lists few.
    for main in ["a.md", "b.md", "c.md", "unsorted.md", "papers-with-code.md"]:
        stem = main.removesuffix(".md")
        parts = {name for name in files if name.startswith(f"{stem}/")}
        assert parts, f"{main} did not split"
        listed = {_target(link, main) for line in _by_date(files[main]) for link in line}
        assert listed == parts
        groups = len(_by_date(files[main]))
        for part in parts:
            index = _by_date(files[part])
            # Every year (and Undated), then one line per level the part sits in: at most 37 siblings
            # (26 letters, 10 digits and "other"; 31 days, 12 months), however many parts there are.
            lines = files[part].split("**By date:**\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
            assert groups == 1 or len(lines[0].split(" · ")) == groups
            assert all(len(line.split(" · ")) <= 37 for line in lines[1:])
            assert {_target(link, part) for line in index for link in line} <= parts | {main}


def test_a_part_lists_its_own_year_and_links_the_others_to_the_main_page():
    papers = [
        Paper(key=f"k{i}", id=f"p{i}", title=f"Paper {i}", abstract="A.", origins=(), topics=("a",),
              published=dt.date(2024, 1 + i % 3, 1) if i < 6 else (dt.date(2023, 2, 1) if i < 8 else None))
        for i in range(10)
    ]  # fmt: skip
    site, views, environment = _site(papers, page_size=2)
    files = render_topic_pages(environment, views, SERIAL)
    assert sorted(files) == ["a.md", "a/2023.md", "a/2024-01.md", "a/2024-02.md", "a/2024-03.md", "a/undated.md", "b.md", "c.md"]
    assert (
        "**By date:**\n\n"
        "- **2024**{: #digest-part-2024 }: [03](a/2024-03.md) · [02](a/2024-02.md) · [01](a/2024-01.md)\n"
        "- [2023](a/2023.md)\n"
        "- [Undated](a/undated.md)\n\n"
    ) in files["a.md"]
    assert (
        "**By date:**\n\n"
        "- [2024](../a.md#digest-part-2024) · [2023](2023.md) · [Undated](undated.md)\n"
        "- **2024**: [03](2024-03.md) · **02** · [01](2024-01.md)\n\n"
    ) in files["a/2024-02.md"]
    assert "# Topic A&#58; 2024-02\n" in files["a/2024-02.md"]
    assert "**By date:**\n\n- [2024](../a.md#digest-part-2024) · **2023** · [Undated](undated.md)\n\n" in files["a/2023.md"]


def test_the_new_page_cuts_a_huge_listing_day_and_the_unknown_day():
    day = dt.date(2024, 5, 1)
    papers = [Paper(key=f"k{i}", id=f"p{i}", title=f"Listed {i}", abstract="A.", origins=(), listed=day) for i in range(10)]
    papers += [Paper(key=f"u{i}", id=f"u{i}", title=f"Unknown {i}", abstract="A.", origins=()) for i in range(900)]
    site, views, environment = _site(papers)
    days = listing_days(site)
    assert [(d.day, len(d.papers), d.more) for d in days] == [("2024-05-01", 10, 0), ("", 590, 310)]
    new = render_site_pages(environment, site, views)["new.md"]
    assert "The 600 newest of 910 papers" in new
    assert "\n310 more papers were listed on an unknown day; each is on its topic's page.\n" in new
    huge = [Paper(key=f"k{i}", id=f"p{i}", title=f"Listed {i}", abstract="A.", origins=(), listed=day) for i in range(2000)]
    (only,) = listing_days(_site(huge)[0])
    assert (only.day, len(only.papers), only.more) == ("2024-05-01", 600, 1400)
    # Ordinary days stay whole: days are added until 300 papers are shown.
    days_of_50 = [
        Paper(key=f"k{i}", id=f"p{i}", title=f"Listed {i}", abstract="A.", origins=(), listed=day - dt.timedelta(days=i // 50))
        for i in range(1000)
    ]
    assert [(len(d.papers), d.more) for d in listing_days(_site(days_of_50)[0])] == [(50, 0)] * 6


BROKEN_TEMPLATES = {
    "syntax": ("topic.md.j2", "# {{ topic.title }\n", "templates/topic.md.j2' line 1: unexpected '}'"),
    "unknown value": ("topic.md.j2", "\n# {{ topic.nope }}\n", "templates/topic.md.j2' line 2: 'generator.site.views.TopicView object' has no attribute 'nope'"),
    "missing include": ("topic.md.j2", '{% include "x.j2" %}\n', "templates/topic.md.j2' line 1: the template 'x.j2' does not exist"),
    "failing include": ("_entry.md.j2", "{{ paper.title.nope }}\n", "templates/_entry.md.j2' line 1:"),
    "python error": ("overview.md.j2", "{{ 1 // 0 }}\n", "templates/overview.md.j2' line 1: integer division or modulo by zero"),
}


def test_a_broken_template_is_a_message_naming_its_file_and_line(tmp_path: Path):
    from .conftest import run_digest

    assert run_digest(tmp_path, "new", "d").returncode == 0
    root = tmp_path / "d"
    (root / "templates").mkdir()
    for name, text, expected in BROKEN_TEMPLATES.values():
        for old in (root / "templates").iterdir():
            old.unlink()
        (root / "templates" / name).write_text(text, encoding="utf-8")
        # `digest generate` writes no home page, so only the others render the overview.
        for command in (["build"], ["check"]) + ((["generate"],) if name != "overview.md.j2" else ()):
            result = run_digest(root, *command)
            assert result.returncode == 1, (name, command, result.stderr)
            assert "Traceback" not in result.stderr
            assert expected in result.stderr, (command, result.stderr)
            assert "Fix the template, or delete your copy in templates/ to use the bundled one." in result.stderr
    assert not (root / "site").exists()


def test_an_error_in_a_bundled_template_asks_for_a_bug_report(tmp_path: Path):
    from generator.errors import TemplateError

    environment = make_environment([])
    try:
        environment.get_template("no-such.md.j2")
    except TemplateError as error:
        assert str(error).startswith("Template 'no-such.md.j2': the template 'no-such.md.j2' does not exist.")
    else:
        raise AssertionError("no TemplateError")
    topic = environment.get_template("topic.md.j2")
    try:
        topic.render()
    except TemplateError as error:
        assert "please report it" in str(error) and "topic.md.j2' line" in str(error)
    else:
        raise AssertionError("no TemplateError")


def test_an_entry_lists_the_newest_of_many_papers_that_mention_it():
    famous = Paper(key="famous", id="famous", title="LoRA: Low-Rank Adaptation", abstract="A.", origins=(), topics=("a",))
    citing = [
        Paper(key=f"c{i:02d}", id=f"c{i:02d}", title=f"Citing {i:02d}", abstract="We use LoRA.", origins=(),
              topics=("b",), published=dt.date(2024, 1, 1) + dt.timedelta(days=i), mentions=("famous",))
        for i in range(25)
    ]  # fmt: skip
    files = _render([famous, *citing], page_size=100)
    entry = files["a.md"]
    refs = re.search(r"\*\*Mentioned by:\*\* (.*)", entry)
    assert refs is not None
    shown = re.findall(r"\[Citing (\d+)\]", refs[1])
    assert shown == [f"{i:02d}" for i in range(24, 4, -1)]  # the 20 newest, newest first
    assert refs[1].endswith(" and 5 more")


def test_the_chart_draws_at_most_ten_years_however_old_a_stray_date():
    from generator.site.chart import MAX_MONTHS

    counts = {"0001-01": {"a": 1}, "2023-05": {"a": 2}, "2024-06": {"a": 3}}
    svg = monthly_chart(counts, [("a", "A")], "Chart")
    root = ET.fromstring(svg)
    assert int(root.get("width")) <= 36 + MAX_MONTHS * 24 + 6
    desc = root.find("{http://www.w3.org/2000/svg}desc").text
    assert "5 dated papers from 2014-07 to 2024-06" in desc and "1 paper dated before 2014-07 is not drawn" in desc


def test_papers_json_is_what_the_plain_version_writes_for_the_bundled_digest():
    from generator.config import load_config
    from generator.pipeline import build_digest
    from generator.site.papers_json import papers_json_plain
    from generator.sources import load_sources

    from .conftest import PROJECT

    config = load_config(PROJECT / "digest.yml")
    digest = build_digest(config, load_sources(config)[0])
    fast = papers_json(digest.papers, digest.matches, digest.page_of, config.output, False)
    assert fast == papers_json_plain(digest.papers, digest.matches, digest.page_of, config.output, False)
    assert digest.files["papers.json"] == papers_json_plain(digest.papers, digest.matches, digest.page_of, config.output)
