from __future__ import annotations

import datetime as dt

from generator.models import Origin, Record
from generator.sources import read_listing

from ..conftest import FIXTURES, read_source

SOURCES = FIXTURES / "sources"


def read_fixture(name: str):
    return read_source(SOURCES / name)


def test_atom_feed_gives_exact_records():
    result = read_fixture("arxiv_atom.xml")
    assert result.layout == "arxiv-atom"
    assert result.records == [
        Record(
            title="SnapKV: LLM Knows What You are Looking for Before Generation",
            abstract=(
                "Large Language Models (LLMs) have made remarkable progress in processing "
                "extensive contexts & more."
            ),
            origin=Origin("arxiv_atom.xml", 7),
            published=dt.date(2024, 4, 22),
            authors_count=2,
            arxiv_id="2404.14469",
            authors=("Ada Lovelace", "Alan Turing"),
        ),
        Record(
            title="An Old-Style Identifier",
            abstract="Old papers have archive/number ids.",
            origin=Origin("arxiv_atom.xml", 25),
            published=dt.date(1999, 1, 1),
            authors_count=1,
            arxiv_id="hep-th/9901001",
            authors=("Grace Hopper",),
        ),
    ]
    assert result.rejected == result.warnings == []


def test_entries_without_summary_are_papers_and_bad_dates_dropped():
    result = read_fixture("arxiv_atom_bad_entries.xml")
    assert result.rejected == []
    assert [(r.title, r.abstract, r.origin.line, r.published, r.arxiv_id) for r in result.records] == [
        ("No Summary Element", "", 3, None, "2404.00001"),
        ("Empty Summary", "", 7, None, "2404.00002"),
        ("Kept Without A Date", "The month is thirteen.", 12, None, "2404.00003"),
    ]
    assert result.warnings == [
        "Listing 'arxiv_atom_bad_entries.xml' line 12: '2024-13-01T00:00:00Z' is not a real "
        "date; the paper is kept without a date. Check <published> against the original: write it as YYYY-MM-DD (2024-05-07) or an ISO time (2024-05-07T10:00:00Z)."
    ]


def test_billion_laughs_is_refused_before_parsing():
    result = read_fixture("arxiv_atom_billion_laughs.xml")
    assert result.records == []
    assert [(str(r.origin), r.reason) for r in result.rejected] == [
        (
            "arxiv_atom_billion_laughs.xml:2",
            "the file declares a DOCTYPE or entities, which are refused so that a crafted file "
            'cannot expand without bound (a "billion laughs" attack), and none of it was read; '
            "save the feed exactly as the arXiv API returns it, which has neither",
        )
    ]


def test_malformed_xml_is_one_rejection_at_the_failing_line():
    result = read_fixture("arxiv_atom_malformed.xml")
    assert result.records == []
    assert [(str(r.origin), r.reason) for r in result.rejected] == [
        (
            "arxiv_atom_malformed.xml:7",
            "the file starts like an Atom feed but is not well-formed XML (mismatched tag at "
            "column 5), so none of it was read; save the arXiv API response again, unchanged",
        )
    ]


def test_api_error_entry_is_rejected_with_the_api_message():
    result = read_fixture("arxiv_atom_api_error.xml")
    assert result.records == []
    assert [(str(r.origin), r.reason) for r in result.rejected] == [
        (
            "arxiv_atom_api_error.xml:4",
            "the arXiv API answered with an error instead of papers: 'incorrect id format for "
            "1234.12345'; fix the query and save the feed again",
        )
    ]


def test_html_page_is_rejected_not_read_as_titles():
    result = read_fixture("html_page.txt")
    assert result.records == []
    assert [(str(r.origin), r.reason) for r in result.rejected] == [
        (
            "html_page.txt:1",
            "the file is an HTML page, not a listing or an Atom feed; save the page's text, "
            "or the arXiv API response, instead",
        )
    ]


def test_feed_outside_the_atom_namespace_is_rejected():
    result = read_listing("<feed><entry/></feed>", "x.xml")
    assert [r.reason for r in result.rejected] == [
        "the <feed> is not in the Atom namespace (http://www.w3.org/2005/Atom); save the "
        "response of an arXiv API query (export.arxiv.org/api/query)"
    ]


def test_entity_declared_without_doctype_keyword_is_refused():
    text = '<feed xmlns="http://www.w3.org/2005/Atom"><!ENTITY x "y"></feed>'
    result = read_listing(text, "x.xml")
    assert result.records == []
    assert [r.reason.split(",")[0] for r in result.rejected] == [
        "the file declares a DOCTYPE or entities"
    ]


ATOM_OPEN = '<feed xmlns="http://www.w3.org/2005/Atom">'


def test_entry_without_a_title_is_rejected():
    result = read_listing(f"{ATOM_OPEN}<entry><summary>Only a summary.</summary></entry></feed>", "x.xml")
    assert [r.reason for r in result.rejected] == [
        "the <entry> has no <title>; save the arXiv API response again, unchanged"
    ]


def test_feed_from_elsewhere_keeps_its_link_and_needs_no_arxiv_id():
    text = (
        f"{ATOM_OPEN}\n<entry><id>tag:example.org,2024:1</id><title>Elsewhere</title>"
        '<link rel="alternate" href="https://example.org/papers/1"/><content type="html">'
        "&lt;p&gt;An &lt;b&gt;HTML&lt;/b&gt; abstract&lt;/p&gt;&lt;p&gt;in two paragraphs.&lt;/p&gt;</content>"
        "</entry></feed>"
    )
    result = read_listing(text, "x.xml")
    assert [(r.title, r.abstract, r.arxiv_id, r.urls) for r in result.records] == [
        ("Elsewhere", "An HTML abstract in two paragraphs.", None, ("https://example.org/papers/1",))
    ]
    assert result.warnings == []


def test_a_link_with_characters_a_link_stops_at_keeps_them_percent_encoded():
    from generator.enrich.links import paper_links

    text = (
        f"{ATOM_OPEN}<entry><id>tag:example.org,2024:1</id><title>Elsewhere</title>"
        '<link rel="alternate" href="https://doi.org/10.1000/{x}&#228;\'y"/></entry></feed>'
    )
    (record,) = read_listing(text, "x.xml").records
    # Written as it is, the link was cut to "https://doi.org/10.1000", a DOI prefix and no paper.
    assert record.urls == ("https://doi.org/10.1000/%7Bx%7D%C3%A4%27y",)
    assert [link.url for link in paper_links(record.title, record.abstract, record.urls)] == list(record.urls)


def test_authors_without_a_name_are_counted_and_warned_about_like_json_ones():
    text = (
        f"{ATOM_OPEN}\n<entry><title>T</title><author><name></name></author><author/>"
        "<author><name> M{\\\"u}ller </name></author></entry></feed>"
    )
    result = read_listing(text, "x.xml")
    assert [(r.authors, r.authors_count) for r in result.records] == [(("Müller",), 3)]
    # JSON and JSONL said so; an Atom entry's nameless authors were dropped without a word.
    assert result.warnings == [
        "Listing 'x.xml' line 2: 2 of the 3 entries of the <author> elements give no name; the paper is kept "
        "with the names it has. Check the authors against the original."
    ]


def test_html_title_loses_its_tags_and_keeps_its_text():
    text = f'{ATOM_OPEN}<entry><title type="html">H&lt;sub&gt;2&lt;/sub&gt;O &amp;amp; &lt;![A; more</title><summary>S.</summary></entry></feed>'
    assert [r.title for r in read_listing(text, "x.xml").records] == ["H2O & <![A; more"]


def test_an_arxiv_id_that_is_wrong_is_still_warned_about():
    text = f"{ATOM_OPEN}<entry><id>http://arxiv.org/abs/not-an-id</id><title>T</title></entry></feed>"
    result = read_listing(text, "x.xml")
    assert result.records[0].arxiv_id is None
    assert result.warnings[0].startswith("Listing 'x.xml' line 1: 'http://arxiv.org/abs/not-an-id' is not an arXiv id;")


def test_atom_dates_are_publication_dates_never_listing_days():
    result = read_fixture("arxiv_atom.xml")
    assert [r.listed for r in result.records] == [None, None]
    assert all(r.published for r in result.records)
