"""Decoding a listing's bytes: byte-order marks, line ends, bytes that are not text."""

from __future__ import annotations

import pytest

from generator.sources import ListingError, decode_listing, read_file


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


def test_utf16_and_utf32_with_a_byte_order_mark_are_read():
    text = "Daily Papers\r\n\r\nT\r\n\r\nAbstract é.\r\n"
    for encoding in ("utf-16", "utf-32"):
        result = read_file(text.encode(encoding), "x.txt")
        assert [(r.title, r.abstract, r.origin.line) for r in result.records] == [("T", "Abstract é.", 3)]
        assert result.warnings == []


def test_utf16_without_a_byte_order_mark_says_how_to_resave():
    result = read_file("Daily Papers\n\nT\n\nA.\n".encode("utf-16-le"), "x.txt")
    assert result.warnings == [
        "Could not read listing 'x.txt': it looks like UTF-16 text without a byte-order mark (every other "
        "byte is NUL). Save the listing as UTF-8 text (in an editor's 'Save as', or with "
        "`iconv -f UTF-16LE -t UTF-8`)."
    ]


def test_nul_bytes_past_the_start_are_replaced_and_warned_about_by_line():
    data = b"Daily Papers\n\n" + b"x" * 5000 + b"\n\nAn ab\x00stract.\n"
    result = read_file(data, "x.txt")
    assert [r.abstract for r in result.records] == ["An ab\ufffdstract."]
    assert result.warnings == [
        "Listing 'x.txt' line 5: NUL bytes, which are not text, were replaced with '\ufffd'. "
        "Re-save the file as UTF-8 to keep those characters."
    ]


def test_cr_line_ends_give_the_same_line_numbers_to_records_and_warnings():
    data = b"Daily Papers\r\rT\r\rBad \xff byte.\r"
    result = read_file(data, "x.txt")
    assert [str(r.origin) for r in result.records] == ["x.txt:3"]
    assert result.warnings[0].startswith("Listing 'x.txt' line 5: bytes that are not UTF-8 were replaced")


def test_many_lines_with_bad_bytes_are_warned_about_ten_at_a_time():
    data = b"Daily Papers\n\nT\n\n" + b"ok \xff\n" * 30 + b"x" * 5000
    warnings = read_file(data, "x.txt").warnings
    assert len(warnings) == 11
    assert warnings[-1].startswith("Listing 'x.txt': 20 more lines have bytes that are not UTF-8 text")


def test_repeated_byte_order_marks_are_all_removed():
    text, _ = decode_listing(b"\xef\xbb\xbf\xef\xbb\xbf[]", "x.json")
    assert text == "[]"
