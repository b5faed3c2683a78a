"""Hostile and broken input stays text, loses nothing and never half-builds."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.enrich.text import clean_text, slugify
from generator.sources import decode_listing, read_listing

from .conftest import HOSTILE, run_digest



class _Article(HTMLParser):
    """Collect the tags, attributes and visible text inside <article>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        elif self.depth:
            self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)





def articles(site: Path) -> list[_Article]:
    parsed = []
    for page in sorted((site / "site").rglob("*.html")):
        parser = _Article()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed.append(parser)
    return parsed


def test_no_markup_from_input_survives(hostile_site: Path):
    for article in articles(hostile_site):
        for tag, attrs in article.tags:
            if tag == "img" and attrs.get("class") == "digest-chart":
                continue  # the build's own chart, not input
            assert tag not in {"script", "img", "iframe", "object", "embed", "style"}, (tag, attrs)
            for name, value in attrs.items():
                assert not name.startswith("on"), (tag, attrs)
                assert not (value or "").strip().lower().startswith("javascript:"), (tag, attrs)
            if tag == "a":
                href = attrs.get("href") or ""
                assert not re.match(r"\s*[a-z]+:", href) or href.startswith(("http://", "https://")), href
                if href.startswith(("http://", "https://")):
                    assert attrs.get("rel") == "noopener", attrs


def test_every_hostile_paper_is_present_with_its_text(hostile_site: Path):
    papers = json.loads((hostile_site / "site" / "papers.json").read_text(encoding="utf-8"))
    visible = " ".join(" ".join(a.text) for a in articles(hostile_site))
    visible = " ".join(visible.split())
    text, _ = decode_listing(HOSTILE.read_bytes(), "hostile.txt")
    assert len(read_listing(text, "hostile.txt").records) == 12
    assert len(papers) == 11 + 1  # full-width and plain titles merged, plus the long abstract
    for paper in papers:
        assert paper["title"] in visible, paper["title"]
        assert paper["abstract"][:2000] in visible, paper["title"]
    # The merged paper shows the plain form of its title.
    assert any(p["title"] == "Full Width Title" for p in papers)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", p["id"]) for p in papers)


def test_hostile_report_keeps_every_record_and_warns_about_the_date(hostile_site: Path):
    report = json.loads((hostile_site / "report.json").read_text(encoding="utf-8"))
    merged_extra = sum(len(m["origins"]) - 1 for m in report["merged"])
    assert report["records_read"] == 13 == report["papers"] + merged_extra + len(report["rejected"])
    assert any("'Feb 30, 2024' is not a real date" in w for w in report["warnings"])


def test_long_abstract_is_kept_whole(hostile_site: Path):
    papers = json.loads((hostile_site / "site" / "papers.json").read_text(encoding="utf-8"))
    long = next(p for p in papers if p["title"] == "A Paper With A Very Long Abstract")
    assert len(long["abstract"]) == len("word " * 20_000) - 1


def test_invisible_characters_leave_titles(hostile_site: Path):
    papers = json.loads((hostile_site / "site" / "papers.json").read_text(encoding="utf-8"))
    bidi = next(p for p in papers if p["title"].startswith("Bidi"))
    assert bidi["title"] == "Bidi evil and zerowidth Title"
    assert bidi["id"] == "bidi-evil-and-zerowidth-title"


def test_builds_are_byte_identical(tmp_path: Path, hostile_site: Path):
    copy = tmp_path / "copy"
    shutil.copytree(hostile_site, copy, ignore=shutil.ignore_patterns("site", "digest"))
    assert run_digest(copy, "build").returncode == 0
    for name in ("papers.json", "index.html"):
        assert (copy / "site" / name).read_bytes() == (hostile_site / "site" / name).read_bytes()
    generated = sorted(p.relative_to(copy) for p in (copy / "docs" / "digest").rglob("*") if p.is_file())
    assert generated
    for relative in generated:
        assert (copy / relative).read_bytes() == (hostile_site / relative).read_bytes()


def test_missing_sources_folder_is_one_clear_error(tmp_path: Path):
    assert run_digest(tmp_path, "new", str(tmp_path / "d")).returncode == 0
    shutil.rmtree(tmp_path / "d" / "data")
    result = run_digest(tmp_path / "d", "build")
    assert result.returncode == 1
    assert "the sources folder" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_type_in_config_is_one_clear_error(tmp_path: Path):
    assert run_digest(tmp_path, "new", str(tmp_path / "d")).returncode == 0
    (tmp_path / "d" / "digest.yml").write_text("title: T\ntopics: {a: 1}\n", encoding="utf-8")
    result = run_digest(tmp_path / "d", "build")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "ERROR   -  digest.yml line 2: `topics` in top level must be a list, not a mapping.",
        "Error: the build failed; 'site' was left as it was.",
    ]
    assert "Traceback" not in result.stderr


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_reader_never_crashes_on_bytes(data: bytes):
    try:
        text, _ = decode_listing(data, "x.txt")
    except Exception as error:  # only the documented refusal is allowed
        assert type(error).__name__ == "ListingError"
        return
    result = read_listing(text, "x.txt")
    for record in result.records:
        # JSON, JSONL and Atom may list a paper without an abstract; a text layout may not.
        assert record.title and (record.abstract or result.layout not in ("lines", "blocks"))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_slugs_are_always_safe(title: str):
    slug = slugify(clean_text(title))
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug)
    assert len(slug) <= 60 and not slug.startswith(".")


@pytest.fixture(scope="module")
def no_abstracts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A digest whose JSON, JSONL and Atom listings hold papers without an abstract, built with --strict."""
    root = tmp_path_factory.mktemp("no-abstracts")
    assert run_digest(root, "new", str(root / "d")).returncode == 0
    root = root / "d"
    sources = root / "data" / "sources"
    (sources / "api.json").write_text(
        '[\n{"paper": {"id": "2404.00001", "title": "A Benchmark Without Abstract", "summary": null}},\n'
        '{"paper": {"id": "2404.00002", "title": "Blank Abstract Paper", "summary": "  "}},\n'
        '{"paper": {"id": "2404.00003", "title": "Missing Abstract Paper"}}\n]\n',
        encoding="utf-8",
    )
    (sources / "lines.jsonl").write_text(
        '{"title": "JSONL Paper Without Abstract"}\n'
        # The same paper as in api.json, now with an abstract: the merged paper keeps it.
        '{"title": "A benchmark without abstract", "abstract": "A benchmark, explained."}\n',
        encoding="utf-8",
    )
    (sources / "feed.xml").write_text(
        f'<feed xmlns="{"http://www.w3.org/2005/Atom"}"><entry><id>tag:example.org,2024:1</id>'
        '<title>Atom Entry Without Summary</title><link href="https://example.org/p/1"/></entry></feed>\n',
        encoding="utf-8",
    )
    result = run_digest(root, "build", "--strict", "--report", "report.json")
    assert result.returncode == 0, result.stderr
    return root


def test_papers_without_an_abstract_go_through_every_stage(no_abstracts: Path):
    papers = {p["title"]: p for p in json.loads((no_abstracts / "site" / "papers.json").read_text(encoding="utf-8"))}
    empty = ["Atom Entry Without Summary", "Blank Abstract Paper", "JSONL Paper Without Abstract", "Missing Abstract Paper"]
    assert sorted(title for title, paper in papers.items() if paper["abstract"] == "") == empty
    merged = papers["A Benchmark Without Abstract"]
    assert merged["abstract"] == "A benchmark, explained."
    assert merged["sources"] == ["api.json:2", "lines.jsonl:2"] and merged["topics"][0] == "benchmarks"
    assert papers["Atom Entry Without Summary"]["links"] == [{"url": "https://example.org/p/1", "kind": "project"}]
    report = json.loads((no_abstracts / "report.json").read_text(encoding="utf-8"))
    # The six records above and the example listing's: one merged, none rejected, no warning.
    assert report["records_read"] == report["papers"] + 1 == len(papers) + 1
    assert (report["rejected"], report["warnings"]) == ([], [])
    pages = {p.relative_to(no_abstracts / "site").as_posix(): p.read_text(encoding="utf-8") for p in (no_abstracts / "site").rglob("*") if p.suffix in (".html", ".xml", ".json")}
    shown = [page for name, page in pages.items() if name.startswith("digest/") and name.endswith(".html") and "No abstract in the listing." in page]
    assert sum(page.count("No abstract in the listing.") for page in shown) == 4
    feed = pages["digest/feeds/all.xml"]
    assert all(f"<title>{title}</title>" in feed for title in empty)
    index = " ".join(page for name, page in pages.items() if name.startswith("search/"))
    assert all(paper["id"] in index for paper in papers.values())


def test_an_empty_listing_fails_digest_check(tmp_path: Path):
    assert run_digest(tmp_path, "new", str(tmp_path / "d")).returncode == 0
    (tmp_path / "d" / "data" / "sources" / "empty.txt").write_text(" \n\n", encoding="utf-8")
    (tmp_path / "d" / "data" / "sources" / "NOTES.md").write_text("# My notes\n\nSome text.\n", encoding="utf-8")
    result = run_digest(tmp_path / "d", "check")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "Listing 'empty.txt': the file is empty, so it adds no papers. Put a saved listing in it, or move it out of the sources folder or narrow `sources:` in digest.yml." in lines
    assert any(line.startswith("Listing 'NOTES.md' line 1: record rejected: it starts with a Markdown heading") for line in lines)
    assert "Traceback" not in result.stderr


def test_broken_numbers_dates_and_escapes_in_json_never_stop_the_build(tmp_path: Path):
    assert run_digest(tmp_path, "new", str(tmp_path / "d")).returncode == 0
    root = tmp_path / "d"
    digits = "9" * 5000
    (root / "data" / "sources" / "broken.json").write_text(
        f'[{{"paper": {{"title": "Huge Upvotes", "summary": "A.", "upvotes": {digits}}}}},\n'
        '{"paper": {"title": "Far Future", "summary": "B.", "publishedAt": "9999-12-31T23:00:00-05:00"}},\n'
        '{"paper": {"title": "Escapes \\ud800", "summary": "C.", "publishedAt": "\\udc00\\u001b[2J"}}]\n',
        encoding="utf-8",
    )
    result = run_digest(root, "build", "--report", "report.json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    titles = {p["title"] for p in json.loads((root / "site" / "papers.json").read_text(encoding="utf-8"))}
    assert {"Huge Upvotes", "Far Future", "Escapes \ufffd"} <= titles
    assert len([w for w in report["warnings"] if w.startswith("Listing 'broken.json'")]) == 3
