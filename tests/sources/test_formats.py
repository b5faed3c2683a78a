"""Reading whole files: the warnings a file that gives no papers gets, and the last resort for unexpected errors."""

from __future__ import annotations

import pytest

from generator.sources import read_file

WHAT_TO_DO = "move it out of the sources folder or narrow `sources:` in digest.yml"


def test_empty_listing_is_named_in_a_warning():
    for data in (b"", b"  \n\n \t\n", b"\xef\xbb\xbf\r\n"):
        result = read_file(data, "empty.txt")
        assert (result.records, result.rejected) == ([], [])
        assert result.warnings == [
            f"Listing 'empty.txt': the file is empty, so it adds no papers. Put a saved listing in it, or {WHAT_TO_DO}."
        ]


def test_listing_of_only_a_header_is_named_in_a_warning():
    result = read_file(b"new\n\nDaily Papers\n\nMay 7\n", "x.txt")
    assert result.warnings == [
        "Listing 'x.txt': it has no papers after the page's header, so it adds no papers. "
        f"Put a saved listing in it, or {WHAT_TO_DO}."
    ]


def test_structured_listings_without_papers_are_named_in_a_warning():
    assert read_file(b"[]", "x.json").warnings == [
        f"Listing 'x.json': its JSON holds no papers, so it adds no papers. Put a saved listing in it, or {WHAT_TO_DO}."
    ]
    feed = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>No results</title></feed>'
    assert read_file(feed, "x.xml").warnings == [
        "Listing 'x.xml': the feed has no <entry> elements, so it adds no papers. "
        f"Put a saved listing in it, or {WHAT_TO_DO}."
    ]


def test_a_file_whose_every_record_is_rejected_says_so_once_more():
    result = read_file(b"[1, 2]", "x.json")
    assert result.warnings[-1] == (
        "Listing 'x.json': none of its 2 records could be used (see the rejections above), so it adds "
        f"no papers. Fix them, or {WHAT_TO_DO}."
    )


def test_an_unexpected_error_on_one_record_rejects_only_that_record(monkeypatch: pytest.MonkeyPatch):
    from generator.sources import hf_api as read_hf_api

    real = read_hf_api._read_item

    def failing(result, item, origin):  # type: ignore[no-untyped-def]
        if item["paper"]["title"] == "Bad":
            raise ValueError("boom")
        real(result, item, origin)

    monkeypatch.setattr(read_hf_api, "_read_item", failing)
    text = '[\n{"paper": {"title": "Good", "summary": "A."}},\n{"paper": {"title": "Bad", "summary": "B."}}\n]'
    result = read_file(text.encode(), "x.json")
    assert [r.title for r in result.records] == ["Good"]
    assert [(str(r.origin), r.reason) for r in result.rejected] == [
        (
            "x.json:3",
            "reading it failed unexpectedly (ValueError: boom); this is a bug in topic-digest: please "
            "report it with the listing",
        )
    ]


def test_an_unexpected_error_on_a_whole_file_is_a_rejection_naming_it(monkeypatch: pytest.MonkeyPatch):
    from generator.sources import formats as readers

    def failing(text: str, name: str) -> None:
        raise KeyError("x")

    monkeypatch.setattr(readers, "read_atom", failing)
    result = read_file(b"<feed/>", "x.xml")
    assert result.records == []
    assert result.warnings == [
        "Listing 'x.xml' line 1: record rejected: reading it failed unexpectedly (KeyError: 'x'), so none "
        "of it was read; this is a bug in topic-digest: please report it with the listing."
    ]
    monkeypatch.setattr(readers, "decode_listing", failing)
    assert read_file(b"[]", "y.json").warnings == [
        "Listing 'y.json': decoding it failed unexpectedly (KeyError: 'x'), so none of it was read; this "
        "is a bug in topic-digest: please report it with the listing."
    ]
