"""Reading saved Daily Papers pages: the lines and blocks layouts, their metadata, what is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.models import Origin
from generator.sources import decode_listing, read_file, read_listing

from ..conftest import FIXTURES, PROJECT, read_source

LISTINGS = FIXTURES / "listings"


def read_fixture(name: str, year: int | None = None):
    return read_source(LISTINGS / name, year)


def test_lines_layout_reads_title_glued_to_subscribe():
    result = read_fixture("lines_layout.txt")
    assert result.layout == "lines"
    assert [(r.title, r.origin) for r in result.records] == [
        ("Alpha: First Paper Title", Origin("lines_layout.txt", 3)),
        ("Beta Second Paper", Origin("lines_layout.txt", 5)),
    ]
    assert result.records[0].abstract.startswith("Alpha does the first thing.")
    assert result.records[0].published is None


def test_blocks_layout_reads_metadata():
    result = read_fixture("blocks_with_metadata.txt")
    assert result.layout == "blocks"
    got = [(r.title, r.origin.line, r.published, r.authors_count, r.upvotes) for r in result.records]
    # The listing spells out 2022 and 2023, so its own year is 2024.
    assert got == [
        ("Alpha: First Paper Title", 13, dt.date(2022, 1, 7), 5, None),
        ("Gamma: Third Paper", 21, dt.date(2024, 3, 19), 1, 3),
        ("Delta: Fourth Paper", 29, dt.date(2023, 6, 12), 25, 1),
        ("Epsilon: No Metadata", 37, None, None, None),
    ]
    assert {r.listed for r in result.records} == {dt.date(2024, 5, 7)}
    assert result.warnings == []


def test_configured_year_wins_over_inferred_year():
    result = read_fixture("blocks_with_metadata.txt", year=2026)
    assert result.records[1].published == dt.date(2026, 3, 19)
    assert result.records[0].listed == dt.date(2026, 5, 7)


def test_blocks_layout_without_metadata():
    result = read_fixture("blocks_without_metadata.txt")
    assert [(r.title, r.abstract, r.origin.line) for r in result.records] == [
        ("Beta Second Paper", "Beta does the second thing with a KV cache.", 13),
        ("Zeta: Sixth Paper", "Zeta abstract.", 17),
    ]
    # No year anywhere: the listing day cannot be dated, and that is no error.
    assert result.records[0].listed is None
    assert result.warnings == []


def test_yearless_paper_date_without_listing_year_warns():
    text = "Daily Papers\n\nMay 7\n\nT\n\nAbstract.\n\n  • 2 authors\n·\nMar 19\n"
    result = read_listing(text, "x.txt")
    assert result.records[0].published is None
    assert result.warnings == [
        "Listing 'x.txt' line 11: the date 'Mar 19' has no year and the listing shows none. "
        "Set `year:` for this source in digest.yml: `sources: [{path: \"data/sources/x.txt\", year: 2025}]`."
    ]


def test_impossible_date_is_dropped_with_warning_and_paper_kept():
    text = "Daily Papers\n\nT\n\nAbstract.\n\n  • 2 authors\n·\nFeb 30, 2024\n"
    result = read_listing(text, "x.txt")
    assert [r.title for r in result.records] == ["T"]
    assert result.records[0].published is None
    assert result.warnings == [
        "Listing 'x.txt' line 9: 'Feb 30, 2024' is not a real date; the paper is kept "
        "without a date. Check the line against the original page: a date there reads like "
        "`Jan 7, 2022`, or `Mar 19` in the listing's year."
    ]


def test_title_without_abstract_is_rejected_with_reason():
    result = read_listing("SubscribeLonely Title\n", "x.txt")
    assert result.records == []
    assert [(str(r.origin), r.reason) for r in result.rejected] == [
        ("x.txt:1", "'Lonely Title' has no abstract")
    ]


def test_orphan_metadata_is_rejected():
    text = "Daily Papers\n\nT\n\nAbstract.\n\n  • 2 authors\n·\nJan 1, 2024\n\n  • 3 authors\n"
    result = read_listing(text, "x.txt")
    assert len(result.records) == 1
    assert [str(r.origin) for r in result.rejected] == ["x.txt:11"]


def test_bundled_corpus_counts():
    total = 0
    for path in sorted((PROJECT / "data" / "sources").glob("*.txt")):
        text, warnings = decode_listing(path.read_bytes(), path.name)
        result = read_listing(text, path.name)
        assert warnings == result.warnings == []
        assert result.rejected == []
        total += len(result.records)
    assert total == 473


WHAT_TO_DO = "move it out of the sources folder or narrow `sources:` in digest.yml"


def test_markdown_notes_are_refused_not_read_as_papers():
    result = read_file(b"# My notes\n\nSome text about papers.\n\nMore text.\n", "NOTES.md")
    assert result.records == []
    reason = (
        "it starts with a Markdown heading ('# My notes'), so it is notes, not a saved Daily Papers page; "
        f"none of it was read. If it is a listing, save the whole page, header included; if not, {WHAT_TO_DO}"
    )
    assert [(str(r.origin), r.reason) for r in result.rejected] == [("NOTES.md:1", reason)]
    assert result.warnings == [f"Listing 'NOTES.md' line 1: record rejected: {reason}."]


def test_front_matter_and_text_without_a_page_header_are_refused():
    front = read_file(b"\n---\ntitle: Notes\n---\n\nText.\n", "page.md")
    assert [(str(r.origin), r.reason.split(";")[0]) for r in front.rejected] == [
        ("page.md:2", "it starts with front matter ('---'), so it is a page of notes, not a saved Daily Papers page")
    ]
    prose = read_file(b"Some notes\n\nMore text here.\n", "notes.txt")
    assert prose.records == []
    assert prose.rejected[0].reason.startswith(
        "its first line 'Some notes' is not a Daily Papers page header ('Daily Papers', 'Subscribe', a day "
        "such as 'May 7') and it has no '• N authors' lines, so it does not look like a listing;"
    )


def test_listing_copied_without_its_header_is_known_by_its_metadata_lines():
    result = read_file("A Title\n\nIts abstract.\n\n  • 2 authors\n·\nJan 2, 2024\n".encode(), "x.txt")
    assert [(r.title, r.authors_count) for r in result.records] == [("A Title", 2)]
    assert result.warnings == []


def test_blocks_listing_whose_first_title_starts_with_subscriber_is_read_as_blocks():
    text = (
        "Daily Papers\n\nSubscriber Churn Prediction with Graphs\n\nWe predict churn.\n\n"
        "  • 2 authors\n·\nJan 2, 2024\n\nSecond Title\n\nSecond abstract.\n"
    )
    result = read_listing(text, "x.txt")
    assert result.layout == "blocks"
    assert [(r.title, r.origin.line, r.authors_count) for r in result.records] == [
        ("Subscriber Churn Prediction with Graphs", 3, 2),
        ("Second Title", 11, None),
    ]
    assert result.rejected == result.warnings == []


def test_subscribe_on_a_line_of_its_own_starts_the_lines_layout():
    text = "Get trending papers in your email inbox!\nSubscribe\nSubscriber Churn\nAbstract one.\nT2\nA2.\n"
    result = read_listing(text, "x.txt")
    assert result.layout == "lines"
    assert [(r.title, r.origin.line) for r in result.records] == [("Subscriber Churn", 3), ("T2", 5)]


def test_metadata_read_as_titles_is_rejected_and_the_layout_called_wrong():
    # Metadata lines in a lines-layout page: the page was not saved as the layout expects.
    text = "SubscribeA Title\nIts abstract.\n• 2 authors\nJan 2, 2024\n"
    result = read_listing(text, "x.txt")
    assert [r.title for r in result.records] == ["A Title"]
    assert [(str(r.origin), r.reason) for r in result.rejected] == [
        (
            "x.txt:3",
            "its title '• 2 authors' is a metadata line (authors or a date), so the listing's layout was "
            "misread; check that the file is a whole saved Daily Papers page",
        )
    ]
    assert result.warnings == [
        "Listing 'x.txt': 1 record has a metadata line for a title or abstract, so its layout was "
        "probably misread (read as 'lines'). Check that it is a whole saved Daily Papers page, and report "
        "the file if it is."
    ]


def test_a_title_that_is_a_word_and_a_number_is_no_date():
    text = "Daily Papers\n\nTop 5\n\nFive things.\n\nGPT 4\n\nA model.\n"
    result = read_listing(text, "x.txt")
    assert [r.title for r in result.records] == ["Top 5", "GPT 4"]
    assert result.rejected == []


def test_a_second_page_pasted_into_a_blocks_listing_is_read():
    page = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n{day}\n\n{title}\n\nAbstract.\n"
    text = page.format(day="May 7", title="First") + "\n" + page.format(day="May 8", title="Second")
    result = read_listing(text, "x.txt", year=2024)
    assert [(r.title, r.origin.line, r.listed) for r in result.records] == [
        ("First", 11, dt.date(2024, 5, 7)),
        ("Second", 25, dt.date(2024, 5, 8)),
    ]
    assert result.rejected == []


def test_a_second_page_pasted_into_a_lines_listing_is_read():
    page = "Get trending papers in your email inbox!\nSubscribe{0}\nAbstract {0}.\n"
    result = read_listing(page.format("First") + page.format("Second"), "x.txt")
    assert [(r.title, r.origin.line) for r in result.records] == [("First", 2), ("Second", 5)]
    assert result.rejected == []


def test_counts_too_long_for_python_are_warnings_not_failures():
    digits = "9" * 5000
    text = f"Daily Papers\n\nT\n\nAbstract.\n\n  • {digits} authors\n·\nJan 2, 2024 {digits}\n"
    result = read_listing(text, "x.txt")
    assert [(r.title, r.authors_count, r.upvotes, r.published) for r in result.records] == [
        ("T", None, None, dt.date(2024, 1, 2))
    ]
    shown = f"{digits[:20]}… (5000 digits)"
    assert result.warnings == [
        f"Listing 'x.txt' line 7: the author count {shown} is too large to be one; the paper is kept "
        "without it. Check the line against the original page.",
        f"Listing 'x.txt' line 9: the upvote count {shown} is too large to be one; the paper is kept "
        "without it. Check the line against the original page.",
    ]


def test_an_unexpected_error_on_one_text_record_rejects_only_that_record(monkeypatch: pytest.MonkeyPatch):
    from generator.sources import hf_text as readers

    def failing(*args: object) -> None:
        raise RuntimeError("metadata")

    monkeypatch.setattr(readers, "_read_metadata", failing)
    text = "Daily Papers\n\nFirst\n\nA.\n\n  • 2 authors\n\nSecond\n\nB.\n"
    result = read_listing(text, "x.txt")
    assert [r.title for r in result.records] == ["Second"]
    assert [(str(r.origin), r.reason.split(";")[0]) for r in result.rejected] == [
        ("x.txt:3", "reading it failed unexpectedly (RuntimeError: metadata)")
    ]
