"""Where an entry leads a reader: title links, the buttons beside them, the authors line."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from generator.models import Link, Paper
from generator.site.reader_links import authors_line, reader_buttons, title_hint, title_link


def paper(title: str = "π₀: Flows & Robots? 100% #1", **fields) -> Paper:  # type: ignore[no-untyped-def]
    return Paper(key=title.lower(), id="p", title=title, abstract="A.", origins=(), **fields)


def test_an_arxiv_paper_leads_to_its_arxiv_page_with_the_hugging_face_page_beside_it():
    arxiv = paper(arxiv_id="2410.24164", paper_url="https://arxiv.org/abs/2410.24164")
    assert title_link(arxiv) == "https://arxiv.org/abs/2410.24164"
    assert title_hint(arxiv) == "The paper on arXiv"
    assert reader_buttons(arxiv) == [Link("https://huggingface.co/papers/2410.24164", "hf-paper", "HF paper page")]


def test_a_paper_with_a_paper_site_link_leads_there_with_no_search():
    doi = paper(paper_url="https://doi.org/10.1145/1.2")
    assert title_link(doi) == "https://doi.org/10.1145/1.2"
    assert title_hint(doi) == "The paper's page"
    assert reader_buttons(doi) == []


def test_a_paper_without_a_page_leads_to_title_searches_that_carry_the_whole_title():
    found = paper()
    search = urlsplit(title_link(found))
    assert (search.scheme, search.netloc, search.path) == ("https", "arxiv.org", "/search/")
    assert parse_qs(search.query) == {"query": [found.title], "searchtype": ["title"]}
    assert title_hint(found) == "Search arXiv for this title"
    [button] = reader_buttons(found)
    assert (button.kind, button.label) == ("search", "Search Hugging Face")
    assert parse_qs(urlsplit(button.url).query) == {"q": [found.title]}


def test_the_authors_line_names_three_then_et_al():
    assert authors_line(()) == ""
    assert authors_line(("Ada Lovelace",)) == "Ada Lovelace"
    assert authors_line(("A", "B", "C")) == "A, B, C"
    assert authors_line(("A", "B", "C", "D")) == "A, B, C et al."


def test_authors_a_listing_counts_but_no_listing_names_make_the_line_say_et_al():
    # A text page's "• 7 authors" merged with three names from JSONL read "A, B, C", as if they were all.
    from generator.site.reader_links import all_authors

    assert authors_line(("A", "B", "C"), 7) == "A, B, C et al."
    assert authors_line(("A",), 2) == "A et al."
    assert authors_line(("A", "B"), 2) == "A, B" and authors_line((), 7) == ""
    assert all_authors(("A", "B", "C"), 7) == "A, B, C and 4 more"
    assert all_authors(("A", "B"), 2) == "A, B" and all_authors(("A",), None) == "A"
