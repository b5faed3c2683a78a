"""Read an arXiv API Atom feed (``export.arxiv.org/api/query``) into raw records.

Each ``<entry>`` gives ``<id>`` (``http://arxiv.org/abs/2404.14469v2``),
``<title>`` and ``<summary>`` (both may be wrapped over lines),
``<published>`` (the publication date: a feed has no listing day) and one
``<author>`` per author, whose ``<name>`` is kept. Atom feeds from elsewhere
are read the same way: an ``<id>`` that is not an arXiv one is no arXiv id
(the entry's alternate ``<link>`` is kept instead), a ``<content>`` stands in
for a missing ``<summary>``, and ``type="html"`` text loses its tags.

The feed is untrusted: a document type or entity declaration is refused
before parsing (so a "billion laughs" file never expands), and expat is
driven directly so the line of every entry is known.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from ..enrich.text import clean_text
from ..models import Origin, Rejection
from .common import (
    ListingResult,
    add_record,
    encode_url_path,
    guard,
    line_at,
    parse_arxiv_id,
    parse_authors,
    parse_iso_date,
)

LAYOUT = "arxiv-atom"
ATOM = "{http://www.w3.org/2005/Atom}"
_DECLARATION = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_HTML = re.compile(r"\s*(?:<!doctype\s+html|<html)", re.IGNORECASE)
_SAVE_AGAIN = "save the arXiv API response again, unchanged"
# An <id> that tries to be an arXiv id: an arXiv URL or a bare new-style id.
_ARXIVISH = re.compile(r"arxiv|^\s*\d{4}\.\d", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|hr)\b", re.IGNORECASE)
_HTTP = re.compile(r"https?://[^\s/]+\S*$", re.IGNORECASE)


class _Refused(Exception):
    """The XML declares a document type or entities."""


def read_atom(text: str, name: str) -> ListingResult:
    """Read an arXiv Atom feed into records, one per entry."""
    result = ListingResult(layout=LAYOUT)
    if _HTML.match(text):
        result.rejected.append(
            Rejection(
                Origin(name, 1),
                "the file is an HTML page, not a listing or an Atom feed; save the page's "
                "text, or the arXiv API response, instead",
            )
        )
        return result
    if match := _DECLARATION.search(text):
        result.rejected.append(_refusal(name, line_at(text, match.start())))
        return result
    try:
        root, entry_lines = _parse(text)
    except _Refused as refused:
        result.rejected.append(_refusal(name, int(str(refused))))
        return result
    except expat.ExpatError as error:
        result.rejected.append(
            Rejection(
                Origin(name, error.lineno),
                f"the file starts like an Atom feed but is not well-formed XML "
                f"({expat.ErrorString(error.code)} at column {error.offset + 1}), "
                f"so none of it was read; {_SAVE_AGAIN}",
            )
        )
        return result
    if root.tag != f"{ATOM}feed":
        local = root.tag.rpartition("}")[2]
        problem = (
            "the <feed> is not in the Atom namespace (http://www.w3.org/2005/Atom)"
            if local == "feed"
            else f"the root element is <{local}>, not an Atom <feed>"
        )
        result.rejected.append(
            Rejection(
                Origin(name, 1),
                f"{problem}; save the response of an arXiv API query (export.arxiv.org/api/query)",
            )
        )
        return result
    for entry, line in zip(root.findall(f"{ATOM}entry"), entry_lines, strict=True):
        origin = Origin(name, line)
        guard(result, origin, lambda entry=entry, origin=origin: _read_entry(result, entry, origin))
    return result


def _refusal(name: str, line: int) -> Rejection:
    return Rejection(
        Origin(name, line),
        "the file declares a DOCTYPE or entities, which are refused so that a crafted "
        "file cannot expand without bound (a \"billion laughs\" attack), and none of it was "
        "read; save the feed exactly as the arXiv API returns it, which has neither",
    )


def _parse(text: str) -> tuple[ET.Element, list[int]]:
    """Build an element tree with expat, returning it and the line of each top-level entry."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0
    entry_lines: list[int] = []

    def qualified(name: str) -> str:
        return "{" + name if "}" in name else name

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        tag = qualified(name)
        if depth == 1 and tag == f"{ATOM}entry":
            entry_lines.append(parser.CurrentLineNumber)
        builder.start(tag, {qualified(key): value for key, value in attributes.items()})
        depth += 1

    def end(name: str) -> None:
        nonlocal depth
        builder.end(qualified(name))
        depth -= 1

    def refuse(*_: object) -> None:
        raise _Refused(str(parser.CurrentLineNumber))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.Parse(text, True)
    return builder.close(), entry_lines


def _text(entry: ET.Element, tag: str) -> str | None:
    """Return the text of an entry's first child of that tag, or None when it has none."""
    element = entry.find(f"{ATOM}{tag}")
    if element is None:
        return None
    text = "".join(element.itertext())
    # Atom's type="html" text is escaped HTML: its tags are markup, not words.
    return html_text(text) if element.get("type", "").strip().lower() == "html" else text


def html_text(markup: str) -> str:
    """Return the text an HTML fragment shows: its tags dropped (block tags as spaces), entities decoded."""
    # A plain pattern, not html.parser: that raises on marked sections such as
    # "<![A", and a pattern that cannot backtrack stays linear on any input.
    return html.unescape(_TAG.sub(lambda tag: " " if _BLOCK_TAG.match(tag.group(0)) else "", markup))


def _read_entry(result: ListingResult, entry: ET.Element, origin: Origin) -> None:
    title, summary, entry_id = _text(entry, "title"), _text(entry, "summary"), _text(entry, "id")
    if summary is None:
        summary = _text(entry, "content")
    if entry_id is not None and "arxiv.org/api/errors" in entry_id:
        result.rejected.append(
            Rejection(
                origin,
                f"the arXiv API answered with an error instead of papers: "
                f"'{clean_text(summary or '')[:120]}'; fix the query and save the feed again",
            )
        )
        return
    if title is None:
        result.rejected.append(Rejection(origin, f"the <entry> has no <title>; {_SAVE_AGAIN}"))
        return
    warnings = result.warnings
    # Named like JSON authors: one with no <name> is counted, and warned about when others are named.
    written = [_text(author, "name") or "" for author in entry.findall(f"{ATOM}author")]
    authors, authors_count = parse_authors(written, origin, "the <author> elements", warnings)
    add_record(
        result,
        origin,
        title,
        summary or "",
        require_abstract=False,
        published=parse_iso_date(_text(entry, "published"), origin, "<published>", warnings),
        authors=authors,
        authors_count=authors_count,
        arxiv_id=_arxiv_id(entry_id, origin, warnings),
        urls=_page(entry, entry_id),
    )


def _arxiv_id(entry_id: str | None, origin: Origin, warnings: list[str]) -> str | None:
    """Return the arXiv id an entry's <id> gives; feeds from elsewhere have ids of their own."""
    if entry_id is None or not _ARXIVISH.search(entry_id):
        return None
    return parse_arxiv_id(entry_id, origin, "<id>", warnings)


def _page(entry: ET.Element, entry_id: str | None) -> tuple[str, ...]:
    """Return the page of an entry that has no arXiv id (its alternate <link>), if any."""
    if entry_id is not None and _ARXIVISH.search(entry_id):
        return ()
    for link in entry.findall(f"{ATOM}link"):
        href = link.get("href", "").strip()
        if link.get("rel", "alternate").strip() == "alternate" and _HTTP.match(href) and href.isprintable():
            return (encode_url_path(href),)
    return ()
