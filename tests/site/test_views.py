"""The views templates see: abstracts cut, the New page's days, who mentions an entry."""

from __future__ import annotations

import datetime as dt
import re

from generator.models import Paper
from generator.site.render import render_site_pages
from generator.site.views import listing_days, split_abstract

from .layout import lay_out, render


def test_split_abstract_keeps_short_ones_whole():
    assert split_abstract("One sentence. Two sentences.") == ("One sentence. Two sentences.", "")


def test_split_abstract_cuts_at_a_sentence_after_the_summary_length():
    first = "A" * 300 + "."
    rest = "Second sentence. " * 20
    summary, more = split_abstract(f"{first} {rest.strip()}")
    assert summary == first and more == rest.strip()


def test_the_new_page_cuts_a_huge_listing_day_and_the_unknown_day():
    day = dt.date(2024, 5, 1)
    papers = [Paper(key=f"k{i}", id=f"p{i}", title=f"Listed {i}", abstract="A.", origins=(), listed=day) for i in range(10)]
    papers += [Paper(key=f"u{i}", id=f"u{i}", title=f"Unknown {i}", abstract="A.", origins=()) for i in range(900)]
    site, views, environment = lay_out(papers)
    days = listing_days(site)
    assert [(d.day, len(d.papers), d.more) for d in days] == [("2024-05-01", 10, 0), ("", 590, 310)]
    new = render_site_pages(environment, site, views)["new.md"]
    assert "The 600 newest of 910 papers" in new
    assert "\n310 more papers were listed on an unknown day; each is on its topic's page.\n" in new
    huge = [Paper(key=f"k{i}", id=f"p{i}", title=f"Listed {i}", abstract="A.", origins=(), listed=day) for i in range(2000)]
    (only,) = listing_days(lay_out(huge)[0])
    assert (only.day, len(only.papers), only.more) == ("2024-05-01", 600, 1400)
    # Ordinary days stay whole: days are added until 300 papers are shown.
    days_of_50 = [
        Paper(key=f"k{i}", id=f"p{i}", title=f"Listed {i}", abstract="A.", origins=(), listed=day - dt.timedelta(days=i // 50))
        for i in range(1000)
    ]
    assert [(len(d.papers), d.more) for d in listing_days(lay_out(days_of_50)[0])] == [(50, 0)] * 6


def test_an_entry_lists_the_newest_of_many_papers_that_mention_it():
    famous = Paper(key="famous", id="famous", title="LoRA: Low-Rank Adaptation", abstract="A.", origins=(), topics=("a",))
    citing = [
        Paper(key=f"c{i:02d}", id=f"c{i:02d}", title=f"Citing {i:02d}", abstract="We use LoRA.", origins=(),
              topics=("b",), published=dt.date(2024, 1, 1) + dt.timedelta(days=i), mentions=("famous",))
        for i in range(25)
    ]  # fmt: skip
    files = render([famous, *citing], page_size=100)
    entry = files["a.md"]
    refs = re.search(r"<strong>Mentioned by:</strong> (.*)</p>", entry)
    assert refs is not None
    shown = re.findall(r">Citing (\d+)</a>", refs[1])
    assert shown == [f"{i:02d}" for i in range(24, 4, -1)]  # the 20 newest, newest first
    assert refs[1].endswith(" and 5 more")


def test_the_newest_listing_is_a_listing_day_never_a_publication_date():
    def paper(i: int, **dates: dt.date) -> Paper:
        return Paper(key=f"k{i}", id=f"p{i}", title=f"Paper {i}", abstract="A.", origins=(), **dates)

    # Atom and JSONL give publication dates only: no listing day to name.
    published_only = [paper(1, published=dt.date(2025, 3, 1)), paper(2, published=dt.date(2024, 1, 1))]
    assert lay_out(published_only)[1].digest.newest == ""
    listed = [*published_only, paper(3, listed=dt.date(2024, 6, 2), published=dt.date(2024, 6, 1))]
    assert lay_out(listed)[1].digest.newest == "2024-06-02"


def test_an_entry_labels_its_dates_and_names_its_authors_instead_of_counting_them():
    papers = [
        Paper(key="a", id="a", title="Atom paper", abstract="A.", origins=(), published=dt.date(2024, 6, 1),
              authors=("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"), authors_count=4),
        Paper(key="b", id="b", title="Counted", abstract="B.", origins=(), listed=dt.date(2024, 6, 3), authors_count=7),
    ]  # fmt: skip
    page = render(papers, page_size=100)["unsorted.md"]
    assert '<p class="digest-authors" title="Ada Lovelace, Alan Turing, Grace Hopper, Edsger Dijkstra">' \
        "Ada Lovelace, Alan Turing, Grace Hopper et al.</p>" in page
    assert '<span class="digest-meta">published 2024-06-01</span>' in page
    assert '<span class="digest-meta">listed 2024-06-03 · 7 authors</span>' in page


def test_the_home_pages_picks_are_newest_first_by_the_dates_it_shows():
    # Listed the same day, published years apart: the picks went by listing day, then id,
    # so "Newest first" showed 2023-02-28 above 2024-01-02.
    def pick(pid: str, published: dt.date) -> Paper:
        return Paper(key=pid, id=pid, title=f"Paper {pid}", abstract="A.", origins=(), pick=True,
                     listed=dt.date(2024, 1, 3), published=published)

    papers = [pick("a-older", dt.date(2023, 2, 28)), pick("b-newer", dt.date(2024, 1, 2)),
              Paper(key="u", id="u", title="Undated pick", abstract="A.", origins=(), pick=True)]
    picks = lay_out(papers)[1].digest.picks
    assert [ref.date for ref in picks] == ["2024-01-02", "2023-02-28", ""]
    assert [ref.title for ref in picks] == ["Paper b-newer", "Paper a-older", "Undated pick"]


def test_an_entry_with_fewer_names_than_authors_says_et_al():
    papers = [Paper(key="a", id="a", title="Crowd", abstract="A.", origins=(), listed=dt.date(2024, 6, 1),
                    authors=("Ada Lovelace", "Alan Turing"), authors_count=5)]
    page = render(papers, page_size=100)["unsorted.md"]
    assert '<p class="digest-authors" title="Ada Lovelace, Alan Turing and 3 more">Ada Lovelace, Alan Turing et al.</p>' in page
    assert "and others" in page  # the Cite block's entry, as digest.bib has it
