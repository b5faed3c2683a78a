from __future__ import annotations

import datetime as dt

from generator.models import Origin, Record
from generator.readers import detect_format, read_listing

from .conftest import FIXTURES, read_source

SOURCES = FIXTURES / "sources"
SAVE_AGAIN = "save the /api/daily_papers response again, unchanged"


def read_fixture(name: str):
    return read_source(SOURCES / name)


def test_api_json_gives_exact_records():
    result = read_fixture("hf_api.json")
    assert result.layout == "hf-api"
    assert result.records == [
        Record(
            title="SnapKV: LLM Knows What You are Looking for Before Generation",
            # Hard-wrapped lines and the paragraph break are joined by single spaces.
            abstract=(
                "Large Language Models (LLMs) have made remarkable progress in processing "
                "extensive contexts. We introduce SnapKV, a fine-tuning-free approach."
            ),
            origin=Origin("hf_api.json", 2),
            published=dt.date(2024, 4, 22),
            authors_count=2,
            upvotes=24,
            arxiv_id="2404.14469",
            urls=("https://github.com/FasterDecoding/SnapKV", "https://snapkv.github.io/"),
        ),
        Record(
            title="Beta: A Second Paper",
            abstract="Beta does the second thing.",
            origin=Origin("hf_api.json", 19),
            published=dt.date(2024, 5, 1),
            authors_count=1,
            upvotes=0,
            arxiv_id="2405.00001",
        ),
    ]
    assert result.rejected == result.warnings == []


def test_json_saved_as_txt_is_detected_by_content():
    result = read_fixture("hf_api_saved_as.txt")
    assert result.layout == "hf-api"
    assert [(r.title, r.origin, r.arxiv_id) for r in result.records] == [
        ("Saved With The Wrong Extension", Origin("hf_api_saved_as.txt", 2), "2406.12345")
    ]


def test_detect_format_by_first_characters():
    assert detect_format("\n  [{}]") == "hf-api"
    assert detect_format('<?xml version="1.0"?><feed/>') == "arxiv-atom"
    assert detect_format("<feed/>") == "arxiv-atom"
    assert detect_format('{"title": "T"}\n') == "jsonl"
    assert detect_format("Daily Papers\n\nMay 7\n") == "text"
    assert detect_format("SubscribeTitle\nAbstract\n") == "text"


def test_bad_entries_are_rejected_one_by_one_and_the_rest_is_read():
    result = read_fixture("hf_api_bad_entries.json")
    assert [(r.origin.line, r.reason) for r in result.rejected] == [
        (2, f"the item is text, not an object with a `paper` object; {SAVE_AGAIN}"),
        (3, f"the item has no `paper` object; {SAVE_AGAIN}"),
        (4, f"`paper.title` is a number, not text; {SAVE_AGAIN}"),
        (5, f"`paper.summary` is missing; {SAVE_AGAIN}"),
        (6, "the title is empty"),
    ]
    assert [(r.title, r.origin.line) for r in result.records] == [("Kept Despite Bad Metadata", 7)]
    record = result.records[0]
    assert (record.published, record.upvotes, record.authors_count, record.arxiv_id, record.urls) == (
        None,
        None,
        None,
        None,
        (),
    )
    where = "Listing 'hf_api_bad_entries.json' line 7"
    assert result.warnings == [
        f"{where}: `paper.authors` is text, not a list; the paper is kept without an author "
        "count. Check the API response.",
        f"{where}: '2024-02-30T10:00:00.000Z' is not a real date; the paper is kept without a "
        "date. Check `paper.publishedAt` against the original.",
        f"{where}: `paper.upvotes` is text ('many'), not a whole number, 0 or more; the paper "
        "is kept without it. Check `paper.upvotes` against the original.",
        f"{where}: 'not-an-id' is not an arXiv id; the paper is kept without one. "
        "Check `paper.id`: it should look like '2404.14469'.",
        f"{where}: `paper.githubRepo` 'javascript:alert(1)' is not an http(s) URL; it is left "
        "out. Check the link against the original.",
    ]


def test_broken_json_is_one_rejection_at_the_failing_line():
    result = read_fixture("hf_api_broken.json")
    assert result.records == []
    assert [(str(r.origin), r.reason) for r in result.rejected] == [
        (
            "hf_api_broken.json:3",
            "the file starts like daily-papers API JSON but is not valid JSON (Invalid control "
            f"character at column 78), so none of it was read; {SAVE_AGAIN}",
        )
    ]


def test_deeply_nested_json_is_rejected_not_raised():
    result = read_listing("[" * 100_000, "deep.json")
    assert [(str(r.origin), r.reason) for r in result.rejected] == [
        ("deep.json:1", f"the JSON is nested too deeply to read, so none of it was read; {SAVE_AGAIN}")
    ]


def test_paper_that_is_not_an_object_is_rejected():
    result = read_listing('[{"paper": ["x"]}]', "x.json")
    assert [r.reason for r in result.rejected] == [
        f"the item has a `paper` that is a list; {SAVE_AGAIN}"
    ]
