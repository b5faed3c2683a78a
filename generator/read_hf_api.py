"""Read JSON saved from the Hugging Face daily-papers API (``/api/daily_papers``).

The file is a JSON list; each item holds a ``paper`` object with ``id`` (an
arXiv id), ``title``, ``summary`` (hard-wrapped), ``authors`` (objects with
``name``), ``publishedAt``, ``upvotes`` and optionally ``githubRepo`` and
``projectPage``. The item's own ``title`` and ``publishedAt`` repeat the
paper's and are ignored: the ``paper`` object is authoritative.
"""

from __future__ import annotations

import json

from .models import Origin, Rejection
from .read_common import (
    ListingResult,
    add_record,
    kind_of,
    line_at,
    parse_arxiv_id,
    parse_count,
    parse_iso_date,
    parse_urls,
)

LAYOUT = "hf-api"
_JSON_WHITESPACE = " \t\n\r"
_SAVE_AGAIN = "save the /api/daily_papers response again, unchanged"


def read_hf_api(text: str, name: str) -> ListingResult:
    """Read a daily-papers API response into records, one per list item."""
    result = ListingResult(layout=LAYOUT)
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        result.rejected.append(
            Rejection(
                Origin(name, error.lineno),
                f"the file starts like daily-papers API JSON but is not valid JSON "
                f"({error.msg.removesuffix(' at')} at column {error.colno}), "
                f"so none of it was read; {_SAVE_AGAIN}",
            )
        )
        return result
    except RecursionError:
        result.rejected.append(
            Rejection(
                Origin(name, 1),
                f"the JSON is nested too deeply to read, so none of it was read; {_SAVE_AGAIN}",
            )
        )
        return result
    if not isinstance(items, list):
        result.rejected.append(
            Rejection(Origin(name, 1), f"the JSON is {kind_of(items)}, not a list; {_SAVE_AGAIN}")
        )
        return result
    for item, line in zip(items, _item_lines(text)):
        _read_item(result, item, Origin(name, line))
    return result


def _item_lines(text: str) -> list[int]:
    """Return the line each top-level list item starts on, in a text json.loads accepted."""
    decoder = json.JSONDecoder()
    index = _skip(text, text.index("[") + 1)
    lines: list[int] = []
    while text[index] != "]":
        lines.append(line_at(text, index))
        _, index = decoder.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == ",":
            index = _skip(text, index + 1)
    return lines


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _JSON_WHITESPACE:
        index += 1
    return index


def _read_item(result: ListingResult, item: object, origin: Origin) -> None:
    if not isinstance(item, dict):
        result.rejected.append(
            Rejection(
                origin,
                f"the item is {kind_of(item)}, not an object with a `paper` object; {_SAVE_AGAIN}",
            )
        )
        return
    paper = item.get("paper")
    if not isinstance(paper, dict):
        problem = "has no `paper` object" if paper is None else f"has a `paper` that is {kind_of(paper)}"
        result.rejected.append(Rejection(origin, f"the item {problem}; {_SAVE_AGAIN}"))
        return
    for key in ("title", "summary"):
        value = paper.get(key)
        if not isinstance(value, str):
            problem = "is missing" if value is None else f"is {kind_of(value)}, not text"
            result.rejected.append(
                Rejection(origin, f"`paper.{key}` {problem}; {_SAVE_AGAIN}")
            )
            return
    warnings = result.warnings
    authors = paper.get("authors")
    authors_count = None
    if isinstance(authors, list):
        authors_count = len(authors)
    elif authors is not None:
        warnings.append(
            f"Listing '{origin.file}' line {origin.line}: `paper.authors` is {kind_of(authors)}, "
            "not a list; the paper is kept without an author count. Check the API response."
        )
    add_record(
        result,
        origin,
        paper["title"],
        paper["summary"],
        published=parse_iso_date(paper.get("publishedAt"), origin, "`paper.publishedAt`", warnings),
        authors_count=authors_count,
        upvotes=parse_count(paper.get("upvotes"), origin, "`paper.upvotes`", warnings),
        arxiv_id=parse_arxiv_id(paper.get("id"), origin, "`paper.id`", warnings),
        urls=parse_urls(
            [(f"`paper.{key}`", paper.get(key)) for key in ("githubRepo", "projectPage")],
            origin,
            warnings,
        ),
    )
