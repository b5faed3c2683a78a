from __future__ import annotations

import datetime as dt

import pytest

from generator.models import Origin
from generator.readers import ListingError, decode_listing, read_listing

from .conftest import FIXTURES, PROJECT, read_source

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
        "Set `year:` for this source in digest.yml."
    ]


def test_impossible_date_is_dropped_with_warning_and_paper_kept():
    text = "Daily Papers\n\nT\n\nAbstract.\n\n  • 2 authors\n·\nFeb 30, 2024\n"
    result = read_listing(text, "x.txt")
    assert [r.title for r in result.records] == ["T"]
    assert result.records[0].published is None
    assert result.warnings == [
        "Listing 'x.txt' line 9: 'Feb 30, 2024' is not a real date; the paper is kept "
        "without a date. Check the line against the original page."
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


def test_decode_strips_bom_and_crlf():
    text, warnings = decode_listing(b"\xef\xbb\xbfSubscribeA\r\nB\r\n", "x.txt")
    assert text == "SubscribeA\nB\n"
    assert warnings == []


def test_decode_replaces_bad_bytes_and_names_the_line():
    text, warnings = decode_listing(b"SubscribeA\nBad \xff byte\n", "x.txt")
    assert "Bad \ufffd byte" in text
    assert warnings == [
        "Listing 'x.txt' line 2: bytes that are not UTF-8 were replaced with '\ufffd'. "
        "Re-save the file as UTF-8 to keep those characters."
    ]


def test_decode_rejects_binary_file():
    with pytest.raises(ListingError, match="not a text file"):
        decode_listing(b"\x89PNG\x00\x00" + bytes(range(256)), "image.txt")


def test_bundled_corpus_counts():
    total = 0
    for path in sorted((PROJECT / "data" / "sources").glob("*.txt")):
        text, warnings = decode_listing(path.read_bytes(), path.name)
        result = read_listing(text, path.name)
        assert warnings == result.warnings == []
        assert result.rejected == []
        total += len(result.records)
    assert total == 473
