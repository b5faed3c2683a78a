"""Pieces every listing reader shares: the result type, field checks and guards.

Each format reader (``hf_text`` for the Hugging Face text layouts,
``hf_api``, ``atom``, ``jsonl``) takes decoded text and returns a
:class:`ListingResult`; the checks here keep their messages alike.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..enrich.latex import readable_text
from ..enrich.text import clean_text
from ..models import Origin, Record, Rejection

# New-style ids (2404.14469, 0704.0001) and old-style ones (hep-th/9901001,
# math.GT/0309136), each with an optional version suffix that is dropped.
_ARXIV_ID = re.compile(
    r"(?:arxiv:)?(?P<id>\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
    re.IGNORECASE | re.ASCII,
)
_ARXIV_URL = re.compile(r"https?://(?:export\.|www\.)?arxiv\.org/(?:abs|pdf)/", re.IGNORECASE)
_ISO_DATE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?P<zone>Z|[+-]\d{2}:?\d{2})?)?",
    re.ASCII,
)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# No count of authors or upvotes is this large: a longer number is a typo or a crafted file.
MAX_COUNT = 999_999_999
# JSON integers longer than this are kept as LongNumber, not converted: Python
# refuses to convert more than 4,300 digits, and no field needs more than a few.
_MAX_JSON_DIGITS = 100
# No listing nests its JSON more than a few levels; far below Python's recursion limit.
MAX_JSON_DEPTH = 100
# A JSON string never spans lines, and a broken one ends at its line's end.
_JSON_STRING = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*(?P<end>")?')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
BUG = "this is a bug in topic-digest: please report it with the listing"
# What to do with a file that is no listing.
MOVE_OUT = "move it out of the sources folder or narrow `sources:` in digest.yml"


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


@dataclass(frozen=True)
class LongNumber:
    """A JSON integer too long to be any field's value, kept unconverted."""

    digits: int

    def __str__(self) -> str:
        return f"a number {self.digits} digits long"


def _parse_int(digits: str) -> int | LongNumber:
    return int(digits) if len(digits) <= _MAX_JSON_DIGITS else LongNumber(len(digits.lstrip("-")))


JSON_DECODER = json.JSONDecoder(parse_int=_parse_int)
"""Decodes JSON as json.loads does, but keeps overlong integers as LongNumber instead of failing."""


def load_json(text: str) -> object:
    """Decode one JSON value, with lone surrogate escapes ("\\ud800") replaced by U+FFFD.

    Raises json.JSONDecodeError as json.loads does, and RecursionError for a
    value nested deeper than MAX_JSON_DEPTH.
    """
    if too_deep(text):
        raise RecursionError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    value = JSON_DECODER.decode(text)
    return scrub_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value


def too_deep(text: str) -> bool:
    """Tell JSON text whose brackets nest deeper than MAX_JSON_DEPTH (strings left out)."""
    # The decoder's own limit is Python's recursion limit, which depends on how
    # deep the caller's stack already is: the same file would read or fail by
    # where it was read from. A fixed limit keeps the outcome the same.
    depth = 0
    for bracket in _brackets(text):
        if bracket in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        else:
            depth -= 1
    return False


def open_brackets(text: str) -> int:
    """Return how many of JSON text's brackets are left open at its end (strings left out)."""
    brackets = _brackets(text)
    return brackets.count("[") + brackets.count("{") - brackets.count("]") - brackets.count("}")


def has_open_string(line: str) -> bool:
    """Tell a line of JSON with a string left open at its end: no valid JSON value spans lines inside a string."""
    return any(match.group("end") is None for match in _JSON_STRING.finditer(line))


def _brackets(text: str) -> str:
    return _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))


def scrub_surrogates(value: object) -> object:
    """Replace lone surrogates in every string of a decoded JSON value (keys too) with U+FFFD.

    JSON may escape them, but no UTF-8 file or terminal can hold them: a
    message or page quoting one would fail to be written.
    """
    def fix(item: object) -> object:
        return _SURROGATE.sub("\ufffd", item) if isinstance(item, str) else item

    root: list[object] = [value]
    # An explicit stack: the value may be nested as deep as the decoder allows.
    stack: list[list[object] | dict[object, object]] = [root]
    while stack:
        container = stack.pop()
        if isinstance(container, list):
            for index, item in enumerate(container):
                container[index] = fix(item)
                if isinstance(item, (list, dict)):
                    stack.append(item)
        else:
            for key, item in list(container.items()):
                if isinstance(key, str) and _SURROGATE.search(key):
                    del container[key]
                    key = fix(key)
                container[key] = fix(item)
                if isinstance(item, (list, dict)):
                    stack.append(item)
    return root[0]


def kind_of(value: object) -> str:
    """Name a JSON value's type the way a person reading the file would."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float, LongNumber)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def quoted(value: object, limit: int = 60) -> str:
    """Show a value from a listing in a message: quoted clean text cut short, or its kind."""
    if isinstance(value, str):
        # Clean: a message must not carry a listing's control characters to a terminal.
        return f"'{clean_text(value)[:limit]}'"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"'{str(value)[:limit]}'"
    if isinstance(value, LongNumber):
        return str(value)
    return kind_of(value)


def guard(result: ListingResult, origin: Origin, read: Callable[[], None]) -> None:
    """Run one record's reader; an unexpected error rejects that record only, asking for a bug report."""
    records, rejected, warnings = len(result.records), len(result.rejected), len(result.warnings)
    try:
        read()
    except Exception as error:  # noqa: BLE001 - the last resort: one record must not stop the build
        del result.records[records:], result.rejected[rejected:], result.warnings[warnings:]
        result.rejected.append(Rejection(origin, f"reading it failed unexpectedly ({describe_error(error)}); {BUG}"))


def describe_error(error: BaseException) -> str:
    """Name an exception in one short line of clean text."""
    return clean_text(f"{type(error).__name__}: {error}")[:200]


def add_record(
    result: ListingResult,
    origin: Origin,
    title: str,
    abstract: str,
    require_abstract: bool = True,
    **meta: object,
) -> None:
    """Clean a title and abstract and keep the record, or reject it saying what is missing.

    Text layouts require an abstract: a title alone there is a truncated copy.
    Structured listings (JSON, Atom) may list a paper with no abstract.
    LaTeX in the title and abstract becomes readable text (see enrich.latex).
    """
    title, abstract = readable_text(title), readable_text(abstract)
    if not title:
        result.rejected.append(Rejection(origin, "the title is empty"))
    elif not abstract and require_abstract:
        result.rejected.append(Rejection(origin, f"'{title[:60]}' has no abstract"))
    else:
        result.records.append(Record(title=title, abstract=abstract, origin=origin, **meta))  # type: ignore[arg-type]


# What every message about an ISO date ends with: the form to write.
ISO_FORM = ": write it as YYYY-MM-DD (2024-05-07) or an ISO time (2024-05-07T10:00:00Z)."


def parse_authors(
    value: object, origin: Origin, where: str, warnings: list[str]
) -> tuple[tuple[str, ...], int | None]:
    """Return the author names of a list of names (or of objects with a `name`) and their count.

    A count stays a count (no names). Entries that give no name are counted
    but not named, with a warning when others are named; the count is always
    the list's length.
    """
    if isinstance(value, list):
        names: list[str] = []
        unnamed = 0
        for item in value:
            name = item.get("name") if isinstance(item, dict) else item
            name = readable_text(name) if isinstance(name, str) else ""
            if name:
                names.append(name)
            else:
                unnamed += 1
        if unnamed and names:
            warnings.append(
                f"Listing '{origin.file}' line {origin.line}: {unnamed} of the {len(value)} entries of {where} "
                "give no name; the paper is kept with the names it has. Check the authors against the original."
            )
        return tuple(names), (len(value) or None)
    return (), parse_count(value, origin, where, warnings, expected="a list of names or a count")


def parse_iso_date(
    value: object, origin: Origin, where: str, warnings: list[str]
) -> dt.date | None:
    """Return the day of an ISO date or timestamp (in UTC), warning when it is not a real date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    written = value.strip() if isinstance(value, str) else ""
    match = _ISO_DATE.fullmatch(written)
    try:
        if match is None:
            raise ValueError("not an ISO date")
        if match["zone"]:
            stamp = dt.datetime.fromisoformat(written.replace(" ", "T"))
            return stamp.astimezone(dt.timezone.utc).date()
        if match.group(0) != match["date"]:
            dt.datetime.fromisoformat(written.replace(" ", "T"))
        return dt.date.fromisoformat(match["date"])
    # OverflowError: a real time whose UTC day is past year 9999 or before year 1.
    except (ValueError, OverflowError):
        warnings.append(
            f"Listing '{origin.file}' line {origin.line}: {quoted(value)} is not a real date; "
            f"the paper is kept without a date. Check {where} against the original{ISO_FORM}"
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
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A JSON number loses an id's trailing zeros (2404.10000 is 2404.1): saying it is no id would puzzle.
        warnings.append(
            f"Listing '{origin.file}' line {origin.line}: {where} is the number {value}, not text, and a number "
            f"loses an id's zeros (2404.10000 reads as 2404.1); the paper is kept without one. Write {where} "
            'in quotes, like "2404.14469".'
        )
        return None
    warnings.append(
        f"Listing '{origin.file}' line {origin.line}: {quoted(value)} is not an arXiv id; "
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
    number = value
    # 3.0 is a whole number however the file spells it.
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, int) and not isinstance(number, bool) and 0 <= number <= MAX_COUNT:
        return number
    if isinstance(number, int) and not isinstance(number, bool) and number > MAX_COUNT:
        shown, expected = str(value)[:40], "a believable count"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = str(value)
    elif isinstance(value, LongNumber):
        shown, expected = str(value), "a believable count"
    else:
        shown = f"{kind_of(value)} ({quoted(value, 40)})" if isinstance(value, str) else kind_of(value)
    warnings.append(
        f"Listing '{origin.file}' line {origin.line}: {where} is {shown}, not {expected}; "
        f"the paper is kept without it. Check {where} against the original."
    )
    return None


# What a URL's path, query and fragment hold as they are: RFC 3986's characters
# the link finder reads (and "%" of an escape), and LaTeX's "\_", which it repairs.
_URL_UNSAFE = re.compile(r"\\[_%&#~$]|[^A-Za-z0-9\-._~:/?#@!$&()*+,;=%]")
_URL_AUTHORITY = re.compile(r"https?://[^/?#]*", re.IGNORECASE)


def encode_url_path(url: str) -> str:
    """Percent-encode what a URL's path, query and fragment may not hold as they are ("ä", "{", "'", a backslash).

    The link finder reads a link only up to such a character: written as it
    is, "https://doi.org/10.1000/a{b}" would become the link "https://doi.org/10.1000/a".
    """
    authority = _URL_AUTHORITY.match(url)
    start = authority.end() if authority else 0

    def encode(match: re.Match[str]) -> str:
        char = match.group()
        return char if len(char) == 2 else "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))

    return url[:start] + _URL_UNSAFE.sub(encode, url[start:])


def parse_urls(
    fields: list[tuple[str, object]], origin: Origin, warnings: list[str]
) -> tuple[str, ...]:
    """Keep the http(s) URLs among (field, value) pairs, in order and once each, warning about the rest."""
    kept: list[str] = []
    for where, value in fields:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        url = value.strip() if isinstance(value, str) else ""
        # A URL with a control character would carry it into a link.
        if re.match(r"https?://[^\s/]+", url, re.IGNORECASE) and not re.search(r"\s", url) and url.isprintable():
            url = encode_url_path(url)
            if url not in kept:
                kept.append(url)
            continue
        warnings.append(
            f"Listing '{origin.file}' line {origin.line}: {where} {quoted(value)} is not an "
            "http(s) URL; it is left out. Check the link against the original."
        )
    return tuple(kept)
