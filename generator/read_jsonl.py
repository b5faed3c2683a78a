"""Read a JSONL listing: one JSON object per line, one paper per object.

Each object needs ``title`` and ``abstract``; ``published`` (``YYYY-MM-DD``),
``authors`` (a list of names or a count), ``upvotes``, ``arxiv_id`` and
``url``/``urls`` (any other links) are optional. Other keys are ignored.
A bad line is rejected on its own; the rest of the file is still read.
"""

from __future__ import annotations

import json

from .models import Origin, Rejection
from .read_common import (
    ListingResult,
    add_record,
    kind_of,
    parse_arxiv_id,
    parse_count,
    parse_iso_date,
    parse_urls,
)

LAYOUT = "jsonl"
_ONE_PER_LINE = "write each paper as one JSON object on its own line"


def read_jsonl(text: str, name: str) -> ListingResult:
    """Read one JSON object per line into records, rejecting bad lines one by one."""
    result = ListingResult(layout=LAYOUT)
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    if _spans_lines(lines[first], text):
        result.rejected.append(
            Rejection(
                Origin(name, first + 1),
                f"the file is one JSON value spread over several lines, not JSONL; {_ONE_PER_LINE}",
            )
        )
        return result
    for number, line in enumerate(lines, start=1):
        if line.strip():
            _read_line(result, line, Origin(name, number))
    return result


def _spans_lines(first_line: str, text: str) -> bool:
    """Tell whether the text is one pretty-printed JSON value rather than JSONL."""
    if _loads(first_line)[1] is None:
        return False
    return _loads(text)[1] is None


def _loads(line: str) -> tuple[object, str | None]:
    """Parse JSON, returning the value and None, or None and what is wrong."""
    try:
        return json.loads(line), None
    except json.JSONDecodeError as error:
        return None, f"{error.msg.removesuffix(' at')} at column {error.colno}"
    except RecursionError:
        return None, "nested too deeply"


def _read_line(result: ListingResult, line: str, origin: Origin) -> None:
    value, problem = _loads(line)
    if problem is not None:
        result.rejected.append(
            Rejection(origin, f"the line is not valid JSON ({problem}); {_ONE_PER_LINE}")
        )
        return
    if not isinstance(value, dict):
        result.rejected.append(
            Rejection(
                origin,
                f"the line is {kind_of(value)}, not a JSON object with `title` and `abstract`; "
                f"{_ONE_PER_LINE}",
            )
        )
        return
    for key in ("title", "abstract"):
        field = value.get(key)
        if not isinstance(field, str):
            problem = "is missing" if field is None else f"is {kind_of(field)}, not text"
            result.rejected.append(
                Rejection(origin, f"`{key}` {problem}; give every line a `title` and an `abstract`")
            )
            return
    warnings = result.warnings
    authors = value.get("authors")
    if isinstance(authors, list):
        authors_count: int | None = len(authors)
    else:
        authors_count = parse_count(
            authors, origin, "`authors`", warnings, expected="a list of names or a count"
        )
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
        value["title"],
        value["abstract"],
        published=parse_iso_date(value.get("published"), origin, "`published`", warnings),
        authors_count=authors_count,
        upvotes=parse_count(value.get("upvotes"), origin, "`upvotes`", warnings),
        arxiv_id=parse_arxiv_id(value.get("arxiv_id"), origin, "`arxiv_id`", warnings),
        urls=parse_urls(
            [("`url`", value.get("url"))] + [("`urls`", url) for url in urls or []],
            origin,
            warnings,
        ),
    )
