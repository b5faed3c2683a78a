"""Where an entry leads a reader: its title's link, the buttons beside it, its authors line."""

from __future__ import annotations

from ..enrich.links import arxiv_title_search, hf_paper_page, hf_title_search
from ..models import Link, Paper

# An entry names this many authors, then "et al." (every name is in its tooltip).
AUTHORS_SHOWN = 3


def title_link(paper: Paper) -> str:
    """Return where an entry's title leads: the paper's own page, else arXiv's search for its title."""
    return paper.paper_url or arxiv_title_search(paper.title)


def title_hint(paper: Paper) -> str:
    """Return the tooltip of an entry's title link: what the reader gets by following it."""
    if paper.arxiv_id:
        return "The paper on arXiv"
    return "The paper's page" if paper.paper_url else "Search arXiv for this title"


def reader_buttons(paper: Paper) -> list[Link]:
    """Return the buttons an entry adds to its links: the Hugging Face paper page, or its search for the title."""
    if paper.arxiv_id:
        return [Link(hf_paper_page(paper.arxiv_id), "hf-paper", "HF paper page")]
    if paper.paper_url:
        return []
    return [Link(hf_title_search(paper.title), "search", "Search Hugging Face")]


def authors_line(names: tuple[str, ...], count: int | None = None) -> str:
    """Return "First, Second, Third et al." (every name when no more are shown or counted)."""
    shown = ", ".join(names[:AUTHORS_SHOWN])
    # A listing may count more authors than any listing names ("• 7 authors" beside three names).
    more = len(names) > AUTHORS_SHOWN or (count or 0) > len(names)
    return f"{shown} et al." if names and more else shown


def all_authors(names: tuple[str, ...], count: int | None = None) -> str:
    """Return every name, then how many more authors the listings count without naming them."""
    unnamed = (count or 0) - len(names)
    return ", ".join(names) + (f" and {unnamed} more" if names and unnamed > 0 else "")
