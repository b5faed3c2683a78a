"""Read a JSONL listing: one JSON object per line, one paper per object.

Each object needs a ``title``; ``abstract`` (or ``summary``), ``published``
(``YYYY-MM-DD``, the publication date: a JSONL listing has no listing day),
``authors`` (a list of names, kept, or a count), ``upvotes``,
``arxiv_id`` and ``url``/``urls`` (any other links) are optional. Other keys
are ignored. A bad line is rejected on its own; the rest of the file is still
read. One object pretty-printed over several lines is read as one paper.
"""

from __future__ import annotations

import json
import re

from ..models import Origin, Rejection
from .common import (
    ListingResult,
    add_record,
    guard,
    has_open_string,
    kind_of,
    load_json,
    open_brackets,
    parse_arxiv_id,
    parse_authors,
    parse_count,
    parse_iso_date,
    parse_urls,
)

LAYOUT = "jsonl"
_ONE_PER_LINE = "write each paper as one JSON object on its own line"
_TOO_DEEP = "nested too deeply"


def read_jsonl(text: str, name: str) -> ListingResult:
    """Read one JSON object per line into records, rejecting bad lines one by one."""
    result = ListingResult(layout=LAYOUT)
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return result
    origin = Origin(name, first + 1)
    whole, problem = _loads(text)
    if _spread(lines, problem):
        if problem is None:
            guard(result, origin, lambda: _read_value(result, whole, origin))
        else:
            result.rejected.append(
                Rejection(origin, f"the JSON is {problem} to read, so none of it was read; {_ONE_PER_LINE}")
            )
        return result
    for number, line in enumerate(lines, start=1):
        if line.strip():
            origin = Origin(name, number)
            guard(result, origin, lambda line=line, origin=origin: _read_line(result, line, origin))
    return result


def _spread(lines: list[str], problem: str | None) -> bool:
    """Tell one JSON value pretty-printed over several lines (given what parsing the whole text said)."""
    written = [line for line in lines if line.strip()]
    if problem is None:
        return len(written) > 1
    if problem != _TOO_DEEP:
        return False
    # Too deep to parse, and no one value either when a line leaves a string open.
    if any(has_open_string(line) for line in written):
        return False
    # Too deep to parse: one value when every line but the last leaves brackets open.
    depth = 0
    for line in written[:-1]:
        depth += open_brackets(line)
        if depth <= 0:
            return False
    return len(written) > 1 and depth + open_brackets(written[-1]) == 0


def _loads(line: str) -> tuple[object, str | None]:
    """Parse JSON, returning the value and None, or None and what is wrong."""
    try:
        return load_json(line), None
    except json.JSONDecodeError as error:
        return None, f"{error.msg.removesuffix(' at')} at column {error.colno}"
    except RecursionError:
        return None, _TOO_DEEP


def _read_line(result: ListingResult, line: str, origin: Origin) -> None:
    # Files joined end to end can carry a byte-order mark into a line.
    value, problem = _loads(line.lstrip("\ufeff"))
    if problem is not None:
        result.rejected.append(
            Rejection(origin, f"the line is not valid JSON ({problem}); {_ONE_PER_LINE}")
        )
        return
    _read_value(result, value, origin)


def _read_value(result: ListingResult, value: object, origin: Origin) -> None:
    if not isinstance(value, dict):
        result.rejected.append(
            Rejection(
                origin,
                f"the line is {kind_of(value)}, not a JSON object with a `title`; {_ONE_PER_LINE}",
            )
        )
        return
    title = value.get("title")
    if not isinstance(title, str):
        problem = "is missing" if title is None else f"is {kind_of(title)}, not text"
        result.rejected.append(Rejection(origin, f"`title` {problem}; give every line a `title`"))
        return
    warnings = result.warnings
    key = "abstract" if "abstract" in value or "summary" not in value else "summary"
    abstract = value.get(key)
    if abstract is not None and not isinstance(abstract, str):
        warnings.append(
            f"Listing '{origin.file}' line {origin.line}: `{key}` is {kind_of(abstract)}, not text; "
            f"the paper is kept without an abstract. Write `{key}` as text."
        )
    authors, authors_count = parse_authors(value.get("authors"), origin, "`authors`", warnings)
    urls = value.get("urls")
    if urls is not None and not isinstance(urls, list):
        warnings.append(
            f"Listing '{origin.file}' line {origin.line}: `urls` is {kind_of(urls)}, not a list; "
            "it is left out. Write `urls` as a list of links."
        )
        urls = None
    add_record(
        result,
        origin,
        title,
        abstract if isinstance(abstract, str) else "",
        require_abstract=False,
        published=parse_iso_date(value.get("published"), origin, "`published`", warnings),
        authors_count=authors_count,
        authors=authors,
        upvotes=parse_count(value.get("upvotes"), origin, "`upvotes`", warnings),
        arxiv_id=parse_arxiv_id(value.get("arxiv_id"), origin, "`arxiv_id`", warnings),
        urls=parse_urls(
            [("`url`", _with_scheme(value.get("url")))] + [("`urls`", _with_scheme(url)) for url in urls or []],
            origin,
            warnings,
        ),
    )


# A host name, then a path or nothing: `arxiv.org/abs/2404.12345`.
_SCHEMELESS = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:[/?#]\S*)?", re.IGNORECASE)


def _with_scheme(value: object) -> object:
    """Give a link written without its scheme (`arxiv.org/abs/...`) https://, as the link finder does in text."""
    if isinstance(value, str) and _SCHEMELESS.fullmatch(value.strip()):
        return f"https://{value.strip()}"
    return value
