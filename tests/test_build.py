"""Build the bundled digest end to end and check the contracts of ARCHITECTURE.md."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import PROJECT, copy_project, run_digest

REQUIRED_KEYS = {
    "id", "title", "abstract", "published", "authors_count", "upvotes", "topics",
    "links", "url", "related", "mentions", "sources",
}


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)


def page_ids(page: Path) -> set[str]:
    parser = _Ids()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.ids


def test_papers_json_follows_the_contract(bundled: Path):
    papers = json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    assert len(papers) == 393
    ids = [p["id"] for p in papers]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for paper in papers:
        assert REQUIRED_KEYS <= set(paper), paper["id"]
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", paper["id"])
        assert paper["title"] and paper["abstract"]
        assert paper["published"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", paper["published"])
        assert all(link["url"].startswith(("http://", "https://")) for link in paper["links"])
        assert set(paper["related"]) | set(paper["mentions"]) <= set(ids)
        assert paper["sources"] and all(re.fullmatch(r".+:\d+", s) for s in paper["sources"])


def test_every_paper_url_resolves_to_an_anchor(bundled: Path):
    papers = json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    cache: dict[Path, set[str]] = {}
    for paper in papers:
        path, anchor = paper["url"].split("#")
        page = bundled / "site" / path / "index.html"
        assert page.is_file(), paper["url"]
        ids = cache.setdefault(page, page_ids(page))
        assert anchor == paper["id"] and anchor in ids, paper["url"]


def test_report_accounts_for_every_record(bundled: Path):
    report = json.loads((bundled / "report.json").read_text(encoding="utf-8"))
    assert report["records_read"] == 473
    assert report["papers"] == 393
    merged_extra = sum(len(m["origins"]) - 1 for m in report["merged"])
    assert report["records_read"] == report["papers"] + merged_extra + len(report["rejected"])
    assert report["warnings"] == []


def test_home_page_shows_the_overview(bundled: Path):
    home = (bundled / "site" / "index.html").read_text(encoding="utf-8")
    assert "<strong>393</strong> papers" in home
    assert "digest:overview" not in home


def test_generate_twice_writes_nothing_the_second_time(tmp_path: Path):
    root = copy_project(tmp_path)
    first = run_digest(root, "generate")
    assert first.returncode == 0, first.stderr
    generated = root / "docs" / "digest"
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in generated.rglob("*") if p.is_file()}
    second = run_digest(root, "generate")
    assert second.returncode == 0, second.stderr
    assert "(0 written," in second.stdout
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in generated.rglob("*") if p.is_file()}
    assert after == before
