from __future__ import annotations

import datetime as dt

from generator.models import Origin, Record
from generator.sources import detect_format, read_listing

from ..conftest import FIXTURES, read_source

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
            # The item's own publishedAt: the day Daily Papers listed it.
            listed=dt.date(2024, 4, 23),
            arxiv_id="2404.14469",
            urls=("https://github.com/FasterDecoding/SnapKV", "https://snapkv.github.io/"),
            authors=("Ada Lovelace", "Alan Turing"),
        ),
        Record(
            title="Beta: A Second Paper",
            abstract="Beta does the second thing.",
            origin=Origin("hf_api.json", 19),
            published=dt.date(2024, 5, 1),
            authors_count=1,
            upvotes=0,
            arxiv_id="2405.00001",
            authors=("Grace Hopper",),
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
        (4, f"`paper.title` is a number, not text; {SAVE_AGAIN}"),
        (6, "the title is empty"),
    ]
    # An item without the `paper` wrapper is a paper itself; a missing summary is an empty abstract.
    assert [(r.title, r.abstract, r.origin.line) for r in result.records] == [
        ("No paper object here", "", 3),
        ("No Summary", "", 5),
        ("Kept Despite Bad Metadata", "Its date, upvotes, authors, id and link are bad.", 7),
    ]
    record = result.records[2]
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
        "date. Check `paper.publishedAt` against the original: write it as YYYY-MM-DD (2024-05-07) or an ISO time (2024-05-07T10:00:00Z).",
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


def test_integer_too_long_for_python_is_a_warning_and_the_file_is_read():
    digits = "9" * 5000
    text = (
        f'[\n{{"paper": {{"title": "T", "summary": "A.", "upvotes": {digits}, "authors": -{digits}}}}},\n'
        '{"paper": {"title": "U", "summary": "B."}}\n]'
    )
    result = read_listing(text, "x.json")
    assert [(r.title, r.upvotes, r.authors_count) for r in result.records] == [("T", None, None), ("U", None, None)]
    assert result.warnings == [
        "Listing 'x.json' line 2: `paper.authors` is a number 5000 digits long, not a believable count; "
        "the paper is kept without it. Check `paper.authors` against the original.",
        "Listing 'x.json' line 2: `paper.upvotes` is a number 5000 digits long, not a believable count; "
        "the paper is kept without it. Check `paper.upvotes` against the original.",
    ]


def test_counts_must_be_believable_and_whole():
    text = '[{"paper": {"title": "T", "summary": "A.", "upvotes": 1e300}}, {"paper": {"title": "U", "summary": "B.", "upvotes": 7.0}}]'
    result = read_listing(text, "x.json")
    assert [r.upvotes for r in result.records] == [None, 7]
    assert result.warnings == [
        "Listing 'x.json' line 1: `paper.upvotes` is 1e+300, not a believable count; the paper is kept "
        "without it. Check `paper.upvotes` against the original."
    ]


def test_timestamp_past_year_9999_in_utc_is_no_date():
    text = '[{"paper": {"title": "T", "summary": "A.", "publishedAt": "9999-12-31T23:00:00-05:00"}}]'
    result = read_listing(text, "x.json")
    assert [(r.title, r.published) for r in result.records] == [("T", None)]
    assert result.warnings == [
        "Listing 'x.json' line 1: '9999-12-31T23:00:00-05:00' is not a real date; the paper is kept "
        "without a date. Check `paper.publishedAt` against the original: write it as YYYY-MM-DD (2024-05-07) or an ISO time (2024-05-07T10:00:00Z)."
    ]


def test_paper_with_a_title_and_no_abstract_is_kept_with_an_empty_one():
    text = """[
{"paper": {"title": "Missing"}},
{"paper": {"title": "Null", "summary": null}},
{"paper": {"title": "Empty", "summary": ""}},
{"paper": {"title": "Blank", "summary": " \\n\\t "}},
{"paper": {"title": "Listed", "summary": ["not", "text"]}}
]"""
    result = read_listing(text, "x.json")
    assert [(r.title, r.abstract) for r in result.records] == [
        ("Missing", ""), ("Null", ""), ("Empty", ""), ("Blank", ""), ("Listed", "")
    ]
    assert result.rejected == []
    assert result.warnings == [
        "Listing 'x.json' line 6: `paper.summary` is a list, not text; the paper is kept without an "
        "abstract. Check the API response."
    ]


def test_papers_without_the_paper_wrapper_are_read():
    text = '[\n{"id": "2404.14469", "title": "Bare", "summary": "A bare paper.", "upvotes": 3}\n]'
    result = read_listing(text, "x.json")
    assert [(r.title, r.abstract, r.arxiv_id, r.upvotes, r.origin.line) for r in result.records] == [
        ("Bare", "A bare paper.", "2404.14469", 3, 2)
    ]


def test_an_object_holding_the_list_of_papers_is_read():
    text = '{"count": 2,\n "papers": [\n  {"paper": {"title": "One", "summary": "A."}},\n  {"title": "Two", "abstract": "B."}\n ]\n}'
    result = read_listing(text, "x.json")
    assert result.layout == "hf-api"
    assert [(r.title, r.abstract, r.origin.line) for r in result.records] == [("One", "A.", 3), ("Two", "B.", 4)]


def test_a_single_paper_object_is_read():
    text = '{\n  "id": "2404.14469",\n  "title": "Single",\n  "summary": "One paper from /api/papers/<id>."\n}'
    result = read_listing(text, "x.json")
    assert result.layout == "hf-api"
    assert [(r.title, r.arxiv_id, r.origin.line) for r in result.records] == [("Single", "2404.14469", 1)]


def test_an_object_without_a_list_of_papers_is_one_rejection():
    result = read_listing('{"papers": [1], "tags": ["a"]}', "x.json")
    assert result.layout == "jsonl"  # not in an API shape: read as one JSONL line
    assert [r.reason for r in result.rejected] == ["`title` is missing; give every line a `title`"]
    from generator.sources.hf_api import read_hf_api

    assert [r.reason for r in read_hf_api('{"a": 1}', "x.json").rejected] == [
        "the JSON is an object, not a list of papers, and none of its members (`a`) is one list of papers, "
        f"so none of it was read; {SAVE_AGAIN}"
    ]


def test_authors_in_odd_shapes():
    text = """[
{"paper": {"title": "Count", "summary": "A.", "authors": 3}},
{"paper": {"title": "None", "summary": "A.", "authors": []}},
{"paper": {"title": "Names", "summary": "A.", "authors": ["Ada", null, {"name": "Alan"}]}},
{"paper": {"title": "Object", "summary": "A.", "authors": {"name": "Ada"}}}
]"""
    result = read_listing(text, "x.json")
    assert [(r.title, r.authors_count, r.authors) for r in result.records] == [
        ("Count", 3, ()), ("None", None, ()), ("Names", 3, ("Ada", "Alan")), ("Object", None, ())
    ]
    assert result.warnings == [
        "Listing 'x.json' line 4: 1 of the 3 entries of `paper.authors` give no name; the paper is kept "
        "with the names it has. Check the authors against the original.",
        "Listing 'x.json' line 5: `paper.authors` is an object, not a list; the paper is kept without an "
        "author count. Check the API response."
    ]


def test_lone_surrogates_and_control_characters_never_reach_a_message():
    text = r'[{"paper": {"title": "T\ud800", "summary": "A.", "publishedAt": "\udc00\u001b[31mred", "githubRepo": ["x"]}}]'
    result = read_listing(text, "x.json")
    assert [r.title for r in result.records] == ["T\ufffd"]
    assert result.warnings == [
        "Listing 'x.json' line 1: '\ufffd [31mred' is not a real date; the paper is kept without a date. "
        "Check `paper.publishedAt` against the original: write it as YYYY-MM-DD (2024-05-07) or an ISO time (2024-05-07T10:00:00Z).",
        "Listing 'x.json' line 1: `paper.githubRepo` a list is not an http(s) URL; it is left out. Check "
        "the link against the original.",
    ]
    for message in result.warnings:
        message.encode("utf-8")


def test_arxiv_ids_in_other_digits_are_no_arxiv_ids():
    text = '[{"paper": {"title": "T", "summary": "A.", "id": "２４０４.１４４６９"}}]'
    result = read_listing(text, "x.json")
    assert result.records[0].arxiv_id is None
    assert result.warnings[0].startswith("Listing 'x.json' line 1: '２４０４.１４４６９' is not an arXiv id;")


def test_json_nested_past_the_limit_is_refused_wherever_it_is_read_from():
    text = '[{"paper": {"title": "T", "summary": "A.", "x": ' + "[" * 101 + "]" * 101 + "}}]"
    result = read_listing(text, "x.json")
    assert [r.reason for r in result.rejected] == [
        f"the JSON is nested too deeply to read, so none of it was read; {SAVE_AGAIN}"
    ]
    shallow = '[{"paper": {"title": "T", "summary": "A.", "x": ' + "[" * 97 + "]" * 97 + "}}]"  # 100 deep
    assert [r.title for r in read_listing(shallow, "x.json").records] == ["T"]


def test_line_numbers_of_a_large_response_take_linear_time():
    # Counting each item's line from the start of the file took 80 s for 20,000 papers.
    import json
    import time

    items = [{"paper": {"title": f"Paper {i}", "summary": "An abstract. " * 50}} for i in range(16000)]
    start = time.perf_counter()
    result = read_listing(json.dumps(items, indent=2), "x.json")
    assert len(result.records) == 16000 and result.records[-1].origin.line == 16000 * 6 - 4
    assert time.perf_counter() - start < 5


def test_the_item_publishedAt_is_the_listing_day_and_the_paper_publishedAt_the_publication_date():
    text = r"""[
{"paper": {"title": "Listed", "summary": "A.", "publishedAt": "2024-04-22T17:42:00.000Z",
  "authors": [{"name": "J{\\\"o}rg M{\\\"u}ller"}, {"name": "  Ada\nLovelace "}]},
 "publishedAt": "2024-04-24T00:12:00.000Z"},
{"title": "Bare paper object", "summary": "B.", "publishedAt": "2024-05-01T00:00:00.000Z"},
{"title": "Submitted", "summary": "C.", "publishedAt": "2024-05-01T00:00:00.000Z", "submittedOnDailyAt": "2024-05-03T08:00:00.000Z"}
]"""
    result = read_listing(text, "x.json")
    assert [(r.title, r.published, r.listed, r.authors) for r in result.records] == [
        ("Listed", dt.date(2024, 4, 22), dt.date(2024, 4, 24), ("Jörg Müller", "Ada Lovelace")),
        # A paper object on its own has no listing day: its publishedAt is the paper's.
        ("Bare paper object", dt.date(2024, 5, 1), None, ()),
        ("Submitted", dt.date(2024, 5, 1), dt.date(2024, 5, 3), ()),
    ]
    assert result.warnings == []
