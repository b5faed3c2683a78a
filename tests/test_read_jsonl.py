from __future__ import annotations

import datetime as dt

from generator.models import Origin, Record
from generator.readers import read_listing

from .conftest import FIXTURES, read_source

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
        (3, f"the line is a list, not a JSON object with `title` and `abstract`; {ONE_PER_LINE}"),
        (4, "`abstract` is missing; give every line a `title` and an `abstract`"),
        (5, "`title` is a list, not text; give every line a `title` and an `abstract`"),
        (7, f"the line is not valid JSON (Expecting value at column 1); {ONE_PER_LINE}"),
    ]
    assert [(r.title, r.origin.line) for r in result.records] == [("Good Line", 1), ("Bad Metadata", 6)]
    kept = result.records[1]
    assert (kept.published, kept.upvotes, kept.authors_count, kept.urls) == (None, None, None, ())
    where = "Listing 'jsonl_bad_lines.jsonl' line 6"
    assert result.warnings == [
        f"{where}: `authors` is text ('Ada'), not a list of names or a count; the paper is kept "
        "without it. Check `authors` against the original.",
        f"{where}: `urls` is text, not a list; it is left out. Write `urls` as a list of links.",
        f"{where}: '2024-02-30' is not a real date; the paper is kept without a date. "
        "Check `published` against the original.",
        f"{where}: `upvotes` is -3, not a whole number, 0 or more; the paper is kept without "
        "it. Check `upvotes` against the original.",
    ]


def test_pretty_printed_json_object_is_one_rejection():
    result = read_fixture("jsonl_pretty_printed.json")
    assert result.layout == "jsonl"
    assert result.records == []
    assert [(str(r.origin), r.reason) for r in result.rejected] == [
        (
            "jsonl_pretty_printed.json:1",
            f"the file is one JSON value spread over several lines, not JSONL; {ONE_PER_LINE}",
        )
    ]


def test_arxiv_id_given_as_url_loses_its_version():
    line = '{"title": "T", "abstract": "A.", "arxiv_id": "https://arxiv.org/abs/2404.14469v3"}'
    assert read_listing(line, "x.jsonl").records[0].arxiv_id == "2404.14469"


def test_old_style_arxiv_id_is_spelled_canonically():
    line = '{"title": "T", "abstract": "A.", "arxiv_id": "arXiv:MATH.gt/0309136v1"}'
    assert read_listing(line, "x.jsonl").records[0].arxiv_id == "math.GT/0309136"
