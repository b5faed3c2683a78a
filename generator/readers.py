"""Read saved Hugging Face "Daily Papers" listings into raw records.

Three layouts are found in the wild, detected per file:

* ``lines``: a short header whose last line has ``Subscribe`` glued to the
  first title, then one title line and one abstract line per paper;
* ``blocks``: blank-line separated blocks after a header (``new``, ``Daily
  Papers``, a day such as ``May 7``); each paper is a title block, an abstract
  block and optionally a metadata block (``• N authors``, ``·``, a date line
  such as ``Jan 7, 2022``, ``Mar 19`` or ``Jun 12, 2023 1``);
* the same blocks without metadata.

Other formats are told apart by content, never by file name (see
:func:`detect_format`) and read by their own modules: ``read_hf_api`` (JSON
saved from ``/api/daily_papers``), ``read_atom`` (an arXiv API Atom feed) and
``read_jsonl`` (one JSON object per line).

A reader takes decoded text and returns records; decoding is done once, by
:func:`decode_listing`.
"""

from __future__ import annotations

import datetime as dt
import re

from .models import Origin, Rejection
from .read_atom import read_atom
from .read_common import ListingError, ListingResult, add_record
from .read_hf_api import read_hf_api
from .read_jsonl import read_jsonl

__all__ = ["ListingError", "ListingResult", "decode_listing", "detect_format", "read_listing"]

MONTHS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        start=1,
    )
}
_DATE_LINE = re.compile(
    r"(?P<month>[A-Z][a-z]{2}) (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?(?: (?P<upvotes>\d+))?"
)
_AUTHORS_LINE = re.compile(r"[•·*-]?\s*(?P<count>\d+) authors?")
_SEPARATOR_LINE = re.compile(r"[·•]")
_HEADER_LINES = {
    "new",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
    "subscribe",
    "daily papers",
    "byak and the research community",
}
_GLUED_SUBSCRIBE = re.compile(r"^Subscribe(?=\S)")
# Past this share of replaced characters a file is taken to be binary.
_MAX_REPLACEMENT_SHARE = 0.1


def decode_listing(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode a listing's bytes as UTF-8, warning about each line with bad bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise ListingError(
            f"Could not read listing '{name}': it holds NUL bytes, so it is not a text file. "
            "Save the listing as UTF-8 text."
        )
    text = data.decode("utf-8", errors="replace")
    warnings: list[str] = []
    if "\ufffd" in text:
        replaced = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
        if replaced > max(16, len(text) * _MAX_REPLACEMENT_SHARE):
            raise ListingError(
                f"Could not read listing '{name}': {replaced} bytes are not UTF-8, "
                "so it is mostly not text. Save the listing as UTF-8 text."
            )
        for number, raw in enumerate(data.split(b"\n"), start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                warnings.append(
                    f"Listing '{name}' line {number}: bytes that are not UTF-8 were replaced "
                    "with '\ufffd'. Re-save the file as UTF-8 to keep those characters."
                )
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


def detect_format(text: str) -> str:
    """Name a listing's format from its first characters: hf-api, arxiv-atom, jsonl or text."""
    start = text.lstrip()[:5]
    if start.startswith("["):
        return "hf-api"
    # Any markup goes to the XML reader, which refuses HTML and DOCTYPEs with
    # a clear reason instead of reading tags as titles.
    if start.startswith("<"):
        return "arxiv-atom"
    if start.startswith("{"):
        return "jsonl"
    return "text"


def read_listing(text: str, name: str, year: int | None = None) -> ListingResult:
    """Read one listing's text into records, detecting its format and layout."""
    detected = detect_format(text)
    if detected == "hf-api":
        return read_hf_api(text, name)
    if detected == "arxiv-atom":
        return read_atom(text, name)
    if detected == "jsonl":
        return read_jsonl(text, name)
    lines = text.split("\n")
    if any(_GLUED_SUBSCRIBE.match(line) for line in lines[:10]):
        result = _read_line_pairs(lines, name)
    else:
        result = _read_blocks(lines, name, year)
    return result


def _read_line_pairs(lines: list[str], name: str) -> ListingResult:
    result = ListingResult(layout="lines")
    start = next(i for i, line in enumerate(lines[:10]) if _GLUED_SUBSCRIBE.match(line))
    body = [(start + 1, _GLUED_SUBSCRIBE.sub("", lines[start]))]
    body += [(i + 1, line) for i, line in enumerate(lines[start + 1 :], start=start + 1)]
    body = [(number, line) for number, line in body if line.strip()]
    for index in range(0, len(body), 2):
        number, title = body[index]
        abstract = body[index + 1][1] if index + 1 < len(body) else ""
        _add_record(result, name, number, title, abstract)
    return result


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Split lines into blank-line separated blocks with their first line number."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                first = number
            current.append(line)
        elif current:
            blocks.append((first, current))
            current = []
    if current:
        blocks.append((first, current))
    return blocks


def _is_metadata(block: list[str]) -> bool:
    return all(
        _AUTHORS_LINE.fullmatch(line.strip())
        or _SEPARATOR_LINE.fullmatch(line.strip())
        or _DATE_LINE.fullmatch(line.strip())
        for line in block
    )


def _read_blocks(lines: list[str], name: str, year: int | None) -> ListingResult:
    result = ListingResult(layout="blocks")
    blocks = _blocks(lines)
    # A listing's dates omit the year when it is the listing's own year, so
    # the listing is newer than every year it spells out.
    if year is None:
        years = [
            int(match["year"])
            for _, block in blocks
            for line in block
            if (match := _DATE_LINE.fullmatch(line.strip())) and match["year"]
        ]
        year = max(years) + 1 if years else None
    index = 0
    listed: dt.date | None = None
    while index < len(blocks):
        number, block = blocks[index]
        single = block[0].strip() if len(block) == 1 else ""
        if single.lower() in _HEADER_LINES:
            index += 1
            continue
        if single and (match := _DATE_LINE.fullmatch(single)) and not match["upvotes"]:
            listed = _parse_date(match, year, name, number, result.warnings, quiet=True)
            index += 1
            continue
        break
    while index < len(blocks):
        number, block = blocks[index]
        if _is_metadata(block):
            result.rejected.append(
                Rejection(
                    Origin(name, number),
                    "metadata lines (authors or date) with no title and abstract before them",
                )
            )
            index += 1
            continue
        title = " ".join(block)
        abstract = ""
        if index + 1 < len(blocks) and not _is_metadata(blocks[index + 1][1]):
            abstract = " ".join(blocks[index + 1][1])
            index += 2
        else:
            index += 1
        meta: dict[str, object] = {}
        if index < len(blocks) and _is_metadata(blocks[index][1]):
            meta = _read_metadata(blocks[index], name, year, result.warnings)
            index += 1
        _add_record(result, name, number, title, abstract, listed=listed, **meta)
    return result


def _read_metadata(
    numbered_block: tuple[int, list[str]], name: str, year: int | None, warnings: list[str]
) -> dict[str, object]:
    first, block = numbered_block
    meta: dict[str, object] = {}
    for offset, raw in enumerate(block):
        line = raw.strip()
        if match := _AUTHORS_LINE.fullmatch(line):
            meta["authors_count"] = int(match["count"])
        elif match := _DATE_LINE.fullmatch(line):
            meta["published"] = _parse_date(match, year, name, first + offset, warnings)
            if match["upvotes"]:
                meta["upvotes"] = int(match["upvotes"])
    return meta


def _parse_date(
    match: re.Match[str],
    year: int | None,
    name: str,
    number: int,
    warnings: list[str],
    quiet: bool = False,
) -> dt.date | None:
    written = match.group(0)
    month = MONTHS.get(match["month"])
    the_year = int(match["year"]) if match["year"] else year
    if the_year is None:
        if not quiet:
            warnings.append(
                f"Listing '{name}' line {number}: the date '{written}' has no year and the "
                "listing shows none. Set `year:` for this source in digest.yml."
            )
        return None
    try:
        if month is None:
            raise ValueError("unknown month")
        return dt.date(the_year, month, int(match["day"]))
    except ValueError:
        warnings.append(
            f"Listing '{name}' line {number}: '{written}' is not a real date; "
            "the paper is kept without a date. Check the line against the original page."
        )
        return None


def _add_record(
    result: ListingResult, name: str, number: int, title: str, abstract: str, **meta: object
) -> None:
    add_record(result, Origin(name, number), title, abstract, **meta)
