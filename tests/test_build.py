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
    # The rules behind each sorted paper's topics, as papers.json has them too.
    papers = json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    assert report["matched"] == {paper["id"]: paper["matched"] for paper in papers if paper["matched"]}
    assert len(report["matched"]) == report["papers"] - len(report["unsorted"])


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


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "link": "href", "img": "src", "script": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.hrefs.append(value)


def test_every_internal_link_of_the_site_resolves(bundled: Path):
    from urllib.parse import urldefrag, urljoin, urlparse

    site = bundled / "site"
    pages = sorted(site.rglob("*.html"))
    ids: dict[Path, set[str]] = {}
    checked = 0
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        base = "/" + page.relative_to(site).as_posix()
        for href in parser.hrefs:
            if urlparse(href).scheme or href.startswith(("//", "mailto:")):
                continue
            target, anchor = urldefrag(urljoin(base, href))
            path = site / target.lstrip("/")
            if target.endswith("/") or path.is_dir():
                path = path / "index.html"
            assert path.exists(), f"{page.relative_to(site)} links {href}"
            if anchor and path.suffix == ".html":
                ids.setdefault(path, page_ids(path))
                assert anchor in ids[path], f"{page.relative_to(site)} links {href}"
            checked += 1
    assert checked > 1000


def test_feeds_are_valid_atom_and_their_links_resolve(bundled: Path):
    import feedparser

    feeds = sorted((bundled / "site" / "digest" / "feeds").glob("*.xml"))
    assert len(feeds) >= 10
    for feed_path in feeds:
        url = "http://example.org/" + feed_path.relative_to(bundled / "site").as_posix()
        parsed = feedparser.parse(feed_path.read_bytes(), response_headers={"content-location": url, "content-type": "application/atom+xml"})
        assert not parsed.bozo, (feed_path.name, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        assert parsed.entries, feed_path.name
        for entry in parsed.entries:
            assert entry.summary
            path, anchor = entry.link.removeprefix("http://example.org/").split("#")
            page = bundled / "site" / path / "index.html"
            assert anchor in page_ids(page), entry.link
    home = (bundled / "site" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate feed" type="application/atom+xml"' in home
    assert 'href="digest/feeds/all.xml"' in home


def test_mentions_are_in_json_and_on_the_page(bundled: Path):
    papers = {p["title"].split(":")[0]: p for p in json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))}
    h2o, lagkv, snapkv = papers["H_2O"], papers["LagKV"], papers["SnapKV"]
    residual = next(p for t, p in papers.items() if t.startswith("The Residual Stream Is All You Need"))
    assert h2o["id"] in lagkv["mentions"]
    assert snapkv["id"] in residual["mentions"]
    path, anchor = h2o["url"].split("#")
    html = (bundled / "site" / path / "index.html").read_text(encoding="utf-8")
    entry = html.split(f'id="{anchor}"')[1].split("<h2")[0]
    assert "Mentioned by:" in entry and f"#{lagkv['id']}" in entry


def test_search_uses_the_digest_index_and_material_keeps_the_hand_written_pages(bundled: Path):
    site = bundled / "site"
    material = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in material["docs"]]
    assert "" in locations and not any(location.startswith("digest/") for location in locations)
    meta = json.loads((site / "search" / "digest" / "meta.json").read_text(encoding="utf-8"))
    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    assert meta["papers"] == len(papers) == sum(meta["buckets"])
    assert {paper["url"].split("#")[0] for paper in papers} <= {url for url, _, _ in meta["pages"]}
    for page in (site / "index.html", site / "digest" / "kv-cache" / "index.html", site / "404.html"):
        html = page.read_text(encoding="utf-8")
        assert "assets/topic-digest/search-worker.js" in html and "workers/search." not in html
