from __future__ import annotations

import datetime as dt

from generator.enrich.dedup import merge_records
from generator.models import Origin, Record


def record(title: str, file: str, line: int, **meta) -> Record:
    return Record(title=title, abstract=meta.pop("abstract", "Abstract."), origin=Origin(file, line), **meta)


def test_same_title_key_merges_and_keeps_every_origin_and_richest_metadata():
    papers = merge_records([
        record("SnapKV: LLM Knows", "b.txt", 5),
        record("snapkv llm knows", "a.txt", 3, published=dt.date(2024, 4, 22), authors_count=5, upvotes=2),
        record("Other", "a.txt", 9),
    ])
    assert [p.id for p in papers] == ["other", "snapkv-llm-knows"]
    snap = papers[1]
    assert snap.origins == (Origin("a.txt", 3), Origin("b.txt", 5))
    assert snap.title == "snapkv llm knows"  # from the first origin
    assert (snap.published, snap.authors_count, snap.upvotes) == (dt.date(2024, 4, 22), 5, 2)


def test_fullwidth_title_merges_with_plain():
    papers = merge_records([record("ＧＰＵ Paper", "a.txt", 1), record("GPU Paper", "b.txt", 1)])
    assert len(papers) == 1


def test_colliding_slugs_get_suffixes_stably():
    records = [record("Café Paper", "a.txt", 1), record("Cafe Paper", "a.txt", 3)]
    # Different keys ("café" keeps its accent), same ASCII slug.
    papers = merge_records(records)
    assert sorted(p.id for p in papers) == ["cafe-paper", "cafe-paper-2"]
    again = merge_records(list(reversed(records)))
    assert {p.key: p.id for p in papers} == {p.key: p.id for p in again}


def test_paper_equality_comes_from_key():
    first, = merge_records([record("Same", "a.txt", 1)])
    second, = merge_records([record("SAME", "b.txt", 2, upvotes=3)])
    assert first == second and hash(first) == hash(second)


def test_same_arxiv_id_merges_different_titles():
    papers = merge_records([
        record("SnapKV: LLM Knows", "a.json", 3, arxiv_id="2404.14469", urls=("https://github.com/x/y",)),
        record("SnapKV - revised title", "b.txt", 7, arxiv_id="2404.14469"),
        record("Other", "b.txt", 9, arxiv_id="2401.00001"),
    ])
    assert len(papers) == 2
    snap = next(p for p in papers if p.arxiv_id == "2404.14469")
    assert [str(o) for o in snap.origins] == ["a.json:3", "b.txt:7"]
    assert snap.urls == ("https://github.com/x/y",)


def test_arxiv_id_links_title_groups_transitively():
    papers = merge_records([
        record("Title A", "a.txt", 1),
        record("Title A", "b.txt", 1, arxiv_id="2404.1"),
        record("Title B", "c.txt", 1, arxiv_id="2404.1"),
    ])
    assert len(papers) == 1 and len(papers[0].origins) == 3


def test_names_that_differ_by_a_symbol_stay_separate_papers():
    papers = merge_records([
        record("C++ Is Fast", "a.txt", 1),
        record("C Is Fast", "a.txt", 3),
        record("C# Is Fast", "b.txt", 1),
        record("Ｃ＋＋ is fast", "b.txt", 3),
    ])
    assert [(p.id, len(p.origins)) for p in papers] == [("c-is-fast", 1), ("cpp-is-fast", 2), ("csharp-is-fast", 1)]


def test_titles_without_letters_are_not_merged_into_one():
    papers = merge_records([record("???", "a.txt", 1, abstract="One."), record("!!!", "a.txt", 3, abstract="Two.")])
    assert sorted(p.abstract for p in papers) == ["One.", "Two."]


def test_merged_papers_keep_the_longest_author_list_and_a_consistent_count():
    papers = merge_records([
        record("Same Paper", "a.txt", 1, authors_count=7),
        record("Same Paper", "b.json", 2, authors=("Ada Lovelace",), authors_count=1),
        record("Same Paper", "c.jsonl", 3, authors=("Ada Lovelace", "Alan Turing"), authors_count=2),
    ])
    (paper,) = papers
    assert paper.authors == ("Ada Lovelace", "Alan Turing")
    assert paper.authors_count == 7
    (named,) = merge_records([record("Other", "a.jsonl", 1, authors=("A", "B", "C"))])
    assert named.authors == ("A", "B", "C") and named.authors_count is None


def test_a_latex_title_and_its_unicode_spelling_merge():
    from generator.enrich.latex import readable_text

    (paper,) = merge_records([
        record(readable_text("$\\pi_0$: A Flow Model"), "a.jsonl", 1),
        record("π0: A Flow Model", "b.txt", 4),
    ])
    assert paper.id == "pi0-a-flow-model" and len(paper.origins) == 2
