"""Read the built sites as a reader would: every entry leads to its paper, with authors, the curator's word and Cite."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import bibtexparser
import pytest
from playwright.sync_api import Browser, Page

from .conftest import FIXTURES, run_digest, serve_site


class _Headings(HTMLParser):
    """Collect each entry heading (an h2 with an id) and the links in it."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, list[dict[str, str]]]] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "h2" and "id" in values:
            self.headings.append((values["id"], []))
            self._open = True
        elif tag == "a" and self._open:
            self.headings[-1][1].append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._open = False


def entry_headings(site: Path, ids: set[str]) -> dict[str, list[dict[str, str]]]:
    """Return the links of every entry heading in the site's pages, by paper id (a paper's entry is on one page)."""
    found: dict[str, list[dict[str, str]]] = {}
    for page in sorted(site.rglob("*.html")):
        parser = _Headings()
        parser.feed(page.read_text(encoding="utf-8"))
        for anchor, links in parser.headings:
            if anchor in ids:
                assert anchor not in found, f"{anchor} has two entries"
                found[anchor] = links
    return found


def test_every_entry_heading_of_the_bundled_site_links_to_a_page_outside_it(bundled: Path):
    papers = __import__("json").loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    ids = {paper["id"] for paper in papers}
    headings = entry_headings(bundled / "site", ids)
    assert set(headings) == ids
    for paper in papers:
        title, permalink = headings[paper["id"]]
        assert permalink["class"] == "headerlink"
        target = urlsplit(title["href"])
        assert target.scheme == "https" and target.netloc in {"arxiv.org", "huggingface.co"} | {
            urlsplit(paper["paper_url"] or "https://x/").netloc
        }, title
        # The title leads to the paper's own page when papers.json knows one.
        assert (title["href"] == paper["paper_url"]) if paper["paper_url"] else target.path == "/search/"


@pytest.fixture(scope="module")
def golden_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden digest (papers with authors, arXiv ids, a DOI, picks and notes), built by `digest build`."""
    root = tmp_path_factory.mktemp("golden") / "digest"
    shutil.copytree(FIXTURES / "golden_digest", root)
    result = run_digest(root, "build")
    assert result.returncode == 0, result.stderr
    return root


def test_every_entry_of_the_golden_site_leads_to_its_paper_and_its_bibtex_parses(golden_site: Path):
    papers = __import__("json").loads((golden_site / "site" / "papers.json").read_text(encoding="utf-8"))
    headings = entry_headings(golden_site / "site", {paper["id"] for paper in papers})
    with_page = [paper for paper in papers if paper["paper_url"]]
    assert len(with_page) >= 3
    for paper in with_page:
        assert headings[paper["id"]][0]["href"] == paper["paper_url"]
    library = bibtexparser.parse_string((golden_site / "site" / "digest.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks and len(library.entries) == len(papers)


@pytest.fixture(scope="module")
def golden_url(golden_site: Path) -> Iterator[str]:
    yield from serve_site(golden_site / "site")


@pytest.fixture
def reader(browser: Browser) -> Iterator[Page]:
    """A page whose clipboard the test may read, and which never leaves this machine: outside pages are stubbed."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    visited: list[str] = []

    def outside(route) -> None:  # type: ignore[no-untyped-def]
        visited.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>outside</title><p>The paper's page</p>")

    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), outside)
    page = context.new_page()
    page.visited = visited  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


PI0 = "pi0-a-vision-language-action-flow-model-for-general-robot"


def test_clicking_a_title_opens_the_papers_page(reader: Page, golden_url: str):
    reader.goto(golden_url + f"digest/inference/#{PI0}")
    title = reader.locator(f"h2#{PI0} a.digest-paper")
    assert title.inner_text() == "π₀: A Vision-Language-Action Flow Model for General Robot Control"
    title.click()
    reader.wait_for_url("https://arxiv.org/abs/2410.24164")
    assert reader.visited == ["https://arxiv.org/abs/2410.24164"]  # type: ignore[attr-defined]


def test_an_entry_shows_its_authors_note_and_buttons(reader: Page, golden_url: str):
    reader.goto(golden_url + "digest/inference/")
    entry = reader.locator(f"h2#{PI0} + .digest-entry")
    authors = entry.locator(".digest-authors")
    assert authors.inner_text() == "Kevin Black, Noah Brown, Jörg Müller"
    assert authors.get_attribute("title") == "Kevin Black, Noah Brown, Jörg Müller"
    assert entry.locator(".digest-note").inner_text() == "Curator's note: Robots, not only text."
    hf = entry.locator("a.digest-hf-paper")
    assert hf.get_attribute("href") == "https://huggingface.co/papers/2410.24164"


def test_cite_shows_the_bibtex_and_copy_puts_it_on_the_clipboard(reader: Page, golden_url: str):
    reader.goto(golden_url + "digest/inference/")
    cite = reader.locator(f"h2#{PI0} + .digest-entry details.digest-cite")
    code = cite.locator("pre code")
    assert not code.is_visible()
    cite.locator("summary").click()
    code.wait_for(state="visible")
    shown = code.inner_text()
    [entry] = bibtexparser.parse_string(shown).entries
    assert entry.key == "black2024pi0" and entry["eprint"] == "2410.24164" and entry["archivePrefix"] == "arXiv"
    assert entry["author"] == "Kevin Black and Noah Brown and Jörg Müller"
    button = cite.locator("button.digest-copy")
    button.click()
    reader.wait_for_function("document.querySelector('details.digest-cite[open] .digest-copy').textContent === 'Copied'")
    assert reader.evaluate("navigator.clipboard.readText()") == code.text_content()


def test_the_home_page_lists_the_curators_picks_newest_first(reader: Page, golden_url: str):
    reader.goto(golden_url)
    picks = reader.locator("#digest-picks ~ ul:first-of-type > li")
    assert picks.count() == 2
    first = picks.nth(0)
    assert first.inner_text().startswith("KIVI: A Tuning-Free Asymmetric 2bit Quantization for KV Cache")
    assert "Two bits for keys & values, <no tuning>" in first.inner_text()
    first.locator("a").click()
    reader.wait_for_url(re.compile(r"/digest/quantization/#kivi-"))
