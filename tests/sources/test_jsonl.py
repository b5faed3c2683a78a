from __future__ import annotations

import datetime as dt
import json

from generator.models import Origin, Record
from generator.sources import read_listing

from ..conftest import FIXTURES, read_source

SOURCES = FIXTURES / "sources"
ONE_PER_LINE = "write each paper as one JSON object on its own line"


def read_fixture(name: str):
    return read_source(SOURCES / name)


def test_jsonl_gives_exact_records():
    result = read_fixture("jsonl_records.jsonl")
    assert result.layout == "jsonl"
    assert result.records == [
        Record(
            title="SnapKV: LLM Knows What You are Looking for Before Generation",
            abstract="Large Language Models have made progress.",
            origin=Origin("jsonl_records.jsonl", 1),
            published=dt.date(2024, 4, 22),
            authors_count=2,
            upvotes=24,
            arxiv_id="2404.14469",
            # `url` first, then `urls`, each link once.
            urls=("https://github.com/FasterDecoding/SnapKV", "https://snapkv.github.io/"),
            authors=("Ada Lovelace", "Alan Turing"),
        ),
        Record(
            title="Counted Authors",
            abstract="Authors may be a count.",
            origin=Origin("jsonl_records.jsonl", 3),
            authors_count=7,
            arxiv_id="hep-th/9901001",
        ),
        Record(
            title="Bare Minimum",
            abstract="Only a title and an abstract.",
            origin=Origin("jsonl_records.jsonl", 4),
        ),
    ]
    assert result.rejected == result.warnings == []


def test_bad_lines_are_rejected_one_by_one_and_the_rest_is_read():
    result = read_fixture("jsonl_bad_lines.jsonl")
    assert [(r.origin.line, r.reason) for r in result.rejected] == [
        (2, f"the line is not valid JSON (Expecting ',' delimiter at column 56); {ONE_PER_LINE}"),
        (3, f"the line is a list, not a JSON object with a `title`; {ONE_PER_LINE}"),
        (5, "`title` is a list, not text; give every line a `title`"),
        (7, f"the line is not valid JSON (Expecting value at column 1); {ONE_PER_LINE}"),
    ]
    # A title without an abstract is a paper with an empty abstract.
    assert [(r.title, r.abstract, r.origin.line) for r in result.records] == [
        ("Good Line", "Read even though other lines are bad.", 1),
        ("No Abstract", "", 4),
        ("Bad Metadata", "Kept.", 6),
    ]
    kept = result.records[2]
    assert (kept.published, kept.upvotes, kept.authors_count, kept.urls) == (None, None, None, ())
    where = "Listing 'jsonl_bad_lines.jsonl' line 6"
    assert result.warnings == [
        f"{where}: `authors` is text ('Ada'), not a list of names or a count; the paper is kept "
        "without it. Check `authors` against the original.",
        f"{where}: `urls` is text, not a list; it is left out. Write `urls` as a list of links.",
        f"{where}: '2024-02-30' is not a real date; the paper is kept without a date. "
        "Check `published` against the original: write it as YYYY-MM-DD (2024-05-07) or an ISO time (2024-05-07T10:00:00Z).",
        f"{where}: `upvotes` is -3, not a whole number, 0 or more; the paper is kept without "
        "it. Check `upvotes` against the original.",
    ]


def test_pretty_printed_json_object_is_read_as_one_paper():
    result = read_fixture("jsonl_pretty_printed.json")
    assert result.layout == "jsonl"
    assert result.records == [
        Record(
            title="One Object Over Many Lines",
            abstract="Pretty-printed JSON is not JSONL.",
            origin=Origin("jsonl_pretty_printed.json", 1),
        )
    ]
    assert result.rejected == result.warnings == []


def test_arxiv_id_given_as_url_loses_its_version():
    line = '{"title": "T", "abstract": "A.", "arxiv_id": "https://arxiv.org/abs/2404.14469v3"}'
    assert read_listing(line, "x.jsonl").records[0].arxiv_id == "2404.14469"


def test_old_style_arxiv_id_is_spelled_canonically():
    line = '{"title": "T", "abstract": "A.", "arxiv_id": "arXiv:MATH.gt/0309136v1"}'
    assert read_listing(line, "x.jsonl").records[0].arxiv_id == "math.GT/0309136"


def test_integer_too_long_for_python_rejects_nothing():
    digits = "9" * 5000
    text = f'{{"title": "T", "abstract": "A.", "upvotes": {digits}}}\n{{"title": "U", "abstract": "B."}}\n'
    result = read_listing(text, "x.jsonl")
    assert [(r.title, r.upvotes) for r in result.records] == [("T", None), ("U", None)]
    assert result.warnings == [
        "Listing 'x.jsonl' line 1: `upvotes` is a number 5000 digits long, not a believable count; the "
        "paper is kept without it. Check `upvotes` against the original."
    ]


def test_title_without_abstract_is_a_paper_and_summary_stands_in_for_abstract():
    text = '{"title": "A", "abstract": null}\n{"title": "B", "abstract": "  "}\n{"title": "C", "summary": "From summary."}\n{"title": "D", "abstract": 5}\n'
    result = read_listing(text, "x.jsonl")
    assert [(r.title, r.abstract) for r in result.records] == [("A", ""), ("B", ""), ("C", "From summary."), ("D", "")]
    assert result.warnings == [
        "Listing 'x.jsonl' line 4: `abstract` is a number, not text; the paper is kept without an "
        "abstract. Write `abstract` as text."
    ]


def test_lines_with_a_byte_order_mark_and_crlf_ends_are_read():
    from generator.sources import read_file

    data = b'{"title": "A", "abstract": "X."}\r\n\xef\xbb\xbf{"title": "B", "abstract": "Y."}\r\n'
    result = read_file(data, "x.jsonl")
    assert [(r.title, r.origin.line) for r in result.records] == [("A", 1), ("B", 2)]
    assert result.warnings == []


def test_urls_that_are_not_text_are_left_out_with_a_warning():
    line = '{"title": "T", "abstract": "A.", "urls": ["https://github.com/a/b", 7, null, {"u": 1}]}'
    result = read_listing(line, "x.jsonl")
    assert result.records[0].urls == ("https://github.com/a/b",)
    assert result.warnings == [
        "Listing 'x.jsonl' line 1: `urls` '7' is not an http(s) URL; it is left out. Check the link "
        "against the original.",
        "Listing 'x.jsonl' line 1: `urls` an object is not an http(s) URL; it is left out. Check the "
        "link against the original.",
    ]


def test_pretty_printed_object_that_is_broken_or_too_deep_is_one_rejection():
    deep = '{\n  "title": "T",\n  "x": ' + "[" * 200 + "]" * 200 + "\n}"
    result = read_listing(deep, "x.json")
    assert [(str(r.origin), r.reason) for r in result.rejected] == [
        ("x.json:1", f"the JSON is nested too deeply to read, so none of it was read; {ONE_PER_LINE}")
    ]
    # A line of JSONL too deep on its own is that line's rejection only.
    lines = '{"title": "Kept", "abstract": "A."}\n{"x": ' + "[" * 200 + "]" * 200 + "}\n"
    result = read_listing(lines, "x.jsonl")
    assert [r.title for r in result.records] == ["Kept"]
    assert [(r.origin.line, r.reason) for r in result.rejected] == [
        (2, f"the line is not valid JSON (nested too deeply); {ONE_PER_LINE}")
    ]


def test_a_url_with_a_control_character_is_no_link():
    line = '{"title": "T", "abstract": "A.", "url": "https://example.org/\\u001b[31m"}'
    result = read_listing(line, "x.jsonl")
    assert result.records[0].urls == ()
    assert result.warnings == [
        "Listing 'x.jsonl' line 1: `url` 'https://example.org/ [31m' is not an http(s) URL; it is left "
        "out. Check the link against the original."
    ]


def test_a_url_without_its_scheme_is_read_as_https_like_the_link_finder_reads_text():
    text = (
        '{"title": "A", "url": "arxiv.org/abs/2404.14469", "urls": ["github.com/o/r", "not a link"]}\n'
    )
    result = read_listing(text, "x.jsonl")
    assert result.records[0].urls == ("https://arxiv.org/abs/2404.14469", "https://github.com/o/r")
    assert result.warnings == [
        "Listing 'x.jsonl' line 1: `urls` 'not a link' is not an http(s) URL; it is left out. "
        "Check the link against the original."
    ]


def test_jsonl_dates_are_publication_dates_and_names_are_kept_readable():
    text = (
        '{"title": "Named", "abstract": "A.", "published": "2024-01-02", "authors": ["M{\\\\\\"u}ller, J.", "Ada"]}\n'
        '{"title": "Counted", "abstract": "B.", "authors": 3}\n'
    )
    result = read_listing(text, "x.jsonl")
    assert [(r.title, r.published, r.listed, r.authors, r.authors_count) for r in result.records] == [
        ("Named", dt.date(2024, 1, 2), None, ("Müller, J.", "Ada"), 2),
        ("Counted", None, None, (), 3),
    ]


def test_a_too_deep_line_between_broken_lines_is_not_read_as_one_pretty_printed_object():
    # Found by test_properties: the brackets balanced over the three lines, so
    # the file was taken for one object nested too deeply and rejected whole.
    deep = '{"title": "A Real Title", "arxiv_id": ' + "[" * 101 + "]" * 101 + "}"
    result = read_listing('{"title": "unclosed\n' + deep + '\n{"a": 1}}\n', "x.jsonl")
    assert [(r.origin.line, r.reason.split(";")[0]) for r in result.rejected] == [
        (1, "the line is not valid JSON (Unterminated string starting at column 11)"),
        (2, "the line is not valid JSON (nested too deeply)"),
        (3, "the line is not valid JSON (Extra data at column 9)"),
    ]


def test_a_url_with_characters_a_link_stops_at_keeps_them_percent_encoded():
    from urllib.parse import unquote

    from generator.enrich.links import paper_links, paper_page

    # Each was cut at its first odd character: "https://doi.org/10.1000" (no paper) or ".../a".
    written = [
        "https://doi.org/10.1000/ä-ü",
        "https://doi.org/10.1000/a}b{c",
        "https://doi.org/10.1000/{{x}}",
        "https://openreview.net/forum?id=a'b",
        "https://doi.org/10.1000/x_y*z`w`",
        "https://doi.org/10.1000/a\\b",
    ]
    text = "\n".join(json.dumps({"title": f"T{i}", "url": url}) for i, url in enumerate(written)) + "\n"
    result = read_listing(text, "x.jsonl")
    assert result.warnings == [] and len(result.records) == len(written)
    for record, url in zip(result.records, written):
        (kept,) = record.urls
        assert unquote(kept) == url and kept.isascii()
        links = paper_links(record.title, record.abstract, record.urls)
        assert [link.url for link in links] == [kept]
        assert paper_page(None, links) == kept


def test_an_arxiv_id_written_as_a_number_is_named_as_one():
    # It said "'2401.00097' is not an arXiv id", about what reads as one.
    result = read_listing('{"title": "T", "arxiv_id": 2401.00097}\n{"title": "U", "arxiv_id": 2404.10000}\n', "x.jsonl")
    assert [r.arxiv_id for r in result.records] == [None, None]
    assert result.warnings == [
        f"Listing 'x.jsonl' line {line}: `arxiv_id` is the number {number}, not text, and a number loses an id's "
        "zeros (2404.10000 reads as 2404.1); the paper is kept without one. Write `arxiv_id` in quotes, like "
        '"2404.14469".'
        for line, number in ((1, "2401.00097"), (2, "2404.1"))
    ]
