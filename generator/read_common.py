"""Pieces every listing reader shares: the result type and field checks.

Each format reader (``readers`` for the Hugging Face text layouts,
``read_hf_api``, ``read_atom``, ``read_jsonl``) takes decoded text and
returns a :class:`ListingResult`; the checks here keep their messages alike.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .models import Origin, Record, Rejection
from .text import clean_text

# New-style ids (2404.14469, 0704.0001) and old-style ones (hep-th/9901001,
# math.GT/0309136), each with an optional version suffix that is dropped.
_ARXIV_ID = re.compile(
    r"(?:arxiv:)?(?P<id>\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
    re.IGNORECASE,
)
_ARXIV_URL = re.compile(r"https?://(?:export\.|www\.)?arxiv\.org/(?:abs|pdf)/", re.IGNORECASE)
_ISO_DATE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?P<zone>Z|[+-]\d{2}:?\d{2})?)?"
)


class ListingError(Exception):
    """A whole listing file cannot be read."""


@dataclass
class ListingResult:
    """What one listing file yielded."""

    records: list[Record] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    layout: str = ""


def line_at(text: str, index: int) -> int:
    """Return the 1-based line of a character index in text."""
    return text.count("\n", 0, index) + 1


def kind_of(value: object) -> str:
    """Name a JSON value's type the way a person reading the file would."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def add_record(result: ListingResult, origin: Origin, title: str, abstract: str, **meta: object) -> None:
    """Clean a title and abstract and keep the record, or reject it saying what is missing."""
    title, abstract = clean_text(title), clean_text(abstract)
    if not title:
        result.rejected.append(Rejection(origin, "the title is empty"))
    elif not abstract:
        result.rejected.append(Rejection(origin, f"'{title[:60]}' has no abstract"))
    else:
        result.records.append(Record(title=title, abstract=abstract, origin=origin, **meta))  # type: ignore[arg-type]


def parse_iso_date(
    value: object, origin: Origin, where: str, warnings: list[str]
) -> dt.date | None:
    """Return the day of an ISO date or timestamp (in UTC), warning when it is not a real date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    written = value if isinstance(value, str) else repr(value)
    match = _ISO_DATE.fullmatch(written.strip())
    try:
        if match is None:
            raise ValueError("not an ISO date")
        if match["zone"]:
            stamp = dt.datetime.fromisoformat(written.strip().replace(" ", "T"))
            return stamp.astimezone(dt.timezone.utc).date()
        if match.group(0) != match["date"]:
            dt.datetime.fromisoformat(written.strip().replace(" ", "T"))
        return dt.date.fromisoformat(match["date"])
    except ValueError:
        warnings.append(
            f"Listing '{origin.file}' line {origin.line}: '{written[:60]}' is not a real date; "
            f"the paper is kept without a date. Check {where} against the original."
        )
        return None


def parse_arxiv_id(
    value: object, origin: Origin, where: str, warnings: list[str]
) -> str | None:
    """Return a bare arXiv id (from an id or abs/pdf URL) without its version, or warn."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and (
        match := _ARXIV_ID.fullmatch(_ARXIV_URL.sub("", value.strip()).removesuffix(".pdf"))
    ):
        archive, slash, number = match["id"].partition("/")
        if not slash:
            return archive
        # Old-style ids spell the archive in lower case, a subject class in upper case.
        name, dot, subject = archive.partition(".")
        return f"{name.lower()}{dot}{subject.upper()}/{number}"
    written = value if isinstance(value, str) else repr(value)
    warnings.append(
        f"Listing '{origin.file}' line {origin.line}: '{written[:60]}' is not an arXiv id; "
        f"the paper is kept without one. Check {where}: it should look like '2404.14469'."
    )
    return None


def parse_count(
    value: object,
    origin: Origin,
    where: str,
    warnings: list[str],
    expected: str = "a whole number, 0 or more",
) -> int | None:
    """Return a whole number of at least zero, warning when the value is not one."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    shown = f"{kind_of(value)} ('{str(value)[:40]}')" if not isinstance(value, (int, float)) else str(value)
    warnings.append(
        f"Listing '{origin.file}' line {origin.line}: {where} is {shown}, not {expected}; "
        f"the paper is kept without it. Check {where} against the original."
    )
    return None


def parse_urls(
    fields: list[tuple[str, object]], origin: Origin, warnings: list[str]
) -> tuple[str, ...]:
    """Keep the http(s) URLs among (field, value) pairs, in order and once each, warning about the rest."""
    kept: list[str] = []
    for where, value in fields:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        url = value.strip() if isinstance(value, str) else ""
        if re.match(r"https?://[^\s/]+", url, re.IGNORECASE) and not re.search(r"\s", url):
            if url not in kept:
                kept.append(url)
            continue
        written = value if isinstance(value, str) else repr(value)
        warnings.append(
            f"Listing '{origin.file}' line {origin.line}: {where} '{written[:60]}' is not an "
            "http(s) URL; it is left out. Check the link against the original."
        )
    return tuple(kept)
