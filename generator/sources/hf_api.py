"""Read JSON saved from the Hugging Face daily-papers API (``/api/daily_papers``).

The file is a JSON list; each item holds a ``paper`` object with ``id`` (an
arXiv id), ``title``, ``summary`` (hard-wrapped), ``authors`` (objects with
``name``), ``publishedAt``, ``upvotes`` and optionally ``githubRepo`` and
``projectPage``. The item's own ``publishedAt`` is the day Daily Papers
listed the paper (``listed``); the paper's is its publication date
(``published``); a paper object on its own gives its listing day as
``submittedOnDailyAt``. The item's own ``title`` repeats the paper's and is
ignored: the ``paper`` object is authoritative. Author names are kept.

Shapes other API calls and careful users give are read too: items that are
paper objects themselves (no ``paper`` wrapper), an object holding the list
(``{"papers": [...]}``) and a single paper object (``/api/papers/<id>``).
"""

from __future__ import annotations

import datetime as dt
import json

from ..enrich.text import clean_text
from ..models import Origin, Rejection
from .common import (
    JSON_DECODER,
    ListingResult,
    LongNumber,
    add_record,
    guard,
    kind_of,
    load_json,
    parse_arxiv_id,
    parse_authors,
    parse_count,
    parse_iso_date,
    parse_urls,
    scrub_surrogates,
)

LAYOUT = "hf-api"
_JSON_WHITESPACE = " \t\n\r"
_SAVE_AGAIN = "save the /api/daily_papers response again, unchanged"


def read_hf_api(text: str, name: str) -> ListingResult:
    """Read a daily-papers API response into records, one per list item."""
    result = ListingResult(layout=LAYOUT)
    try:
        value = load_json(text)
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
    start = _skip(text, 0)
    if isinstance(value, dict) and not _is_item(value):
        key = _list_of_papers(value)
        if key is None:
            keys = ", ".join(f"`{clean_text(str(key))[:40]}`" for key in list(value)[:8]) or "none"
            result.rejected.append(
                Rejection(
                    Origin(name, 1),
                    f"the JSON is an object, not a list of papers, and none of its members "
                    f"({keys}) is one list of papers, so none of it was read; {_SAVE_AGAIN}",
                )
            )
            return result
        value, start = value[key], _member_starts(text, start)[key]
    if isinstance(value, dict):
        items, lines = [value], [_line_of(text, start)]
    elif isinstance(value, list):
        items, lines = value, _item_lines(text, start)
    else:
        result.rejected.append(
            Rejection(Origin(name, 1), f"the JSON is {kind_of(value)}, not a list; {_SAVE_AGAIN}")
        )
        return result
    for item, line in zip(items, lines, strict=True):
        origin = Origin(name, line)
        guard(result, origin, lambda item=item, origin=origin: _read_item(result, item, origin))
    return result


def _is_item(value: dict[object, object]) -> bool:
    """Tell a daily-papers item or paper object from an object that holds a list of them."""
    return "paper" in value or "title" in value


def is_api_object(value: object) -> bool:
    """Tell a JSON object in the API's shapes (an item, a paper, or one holding their list)."""
    if not isinstance(value, dict):
        return False
    if "paper" in value or ("title" in value and "summary" in value):
        return True
    return "title" not in value and _list_of_papers(value) is not None


def _list_of_papers(value: dict[object, object]) -> object | None:
    """Return the key of the one list of papers an object holds (such as `papers`), or None."""
    lists = {key: member for key, member in value.items() if isinstance(member, list)}
    with_papers = [
        key
        for key, member in lists.items()
        if any(isinstance(item, dict) and ("paper" in item or "title" in item) for item in member)
    ]
    if len(with_papers) == 1:
        return with_papers[0]
    # A lone empty list, such as {"papers": []}, holds no papers rather than other things.
    return next(iter(lists)) if len(lists) == 1 and not next(iter(lists.values())) else None


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _item_lines(text: str, index: int) -> list[int]:
    """Return the line each item of the list at index starts on, in a text the decoder accepted."""
    index = _skip(text, index + 1)
    lines: list[int] = []
    line, counted = 1, 0
    while text[index] != "]":
        # Count on from the last item: counting from the start each time is quadratic.
        line += text.count("\n", counted, index)
        counted = index
        lines.append(line)
        _, index = JSON_DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == ",":
            index = _skip(text, index + 1)
    return lines


def _member_starts(text: str, index: int) -> dict[object, int]:
    """Return where each member's value starts in the object at index (a repeated key: its last)."""
    starts: dict[object, int] = {}
    index = _skip(text, index + 1)
    while text[index] != "}":
        key, index = JSON_DECODER.raw_decode(text, index)
        index = _skip(text, _skip(text, index) + 1)  # past the colon
        # The same key the decoded object has: load_json scrubbed its surrogates.
        starts[scrub_surrogates(key)] = index
        _, index = JSON_DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == ",":
            index = _skip(text, index + 1)
    return starts


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _JSON_WHITESPACE:
        index += 1
    return index


def _listed(
    item: dict[str, object], paper: dict[str, object], prefix: str, origin: Origin, warnings: list[str]
) -> dt.date | None:
    """Return the day Daily Papers listed the paper: the item's own publishedAt, else the paper's submittedOnDailyAt."""
    if prefix and item.get("publishedAt") is not None:
        return parse_iso_date(item.get("publishedAt"), origin, "`publishedAt`", warnings)
    return parse_iso_date(paper.get("submittedOnDailyAt"), origin, f"`{prefix}submittedOnDailyAt`", warnings)


def _read_item(result: ListingResult, item: object, origin: Origin) -> None:
    if not isinstance(item, dict):
        result.rejected.append(
            Rejection(
                origin,
                f"the item is {kind_of(item)}, not an object with a `paper` object; {_SAVE_AGAIN}",
            )
        )
        return
    if "paper" in item:
        paper, prefix = item["paper"], "paper."
    elif "title" in item:
        paper, prefix = item, ""  # a paper object without the `paper` wrapper
    else:
        result.rejected.append(Rejection(origin, f"the item has no `paper` object; {_SAVE_AGAIN}"))
        return
    if not isinstance(paper, dict):
        problem = "has no `paper` object" if paper is None else f"has a `paper` that is {kind_of(paper)}"
        result.rejected.append(Rejection(origin, f"the item {problem}; {_SAVE_AGAIN}"))
        return
    title = paper.get("title")
    if not isinstance(title, str):
        problem = "is missing" if title is None else f"is {kind_of(title)}, not text"
        result.rejected.append(Rejection(origin, f"`{prefix}title` {problem}; {_SAVE_AGAIN}"))
        return
    warnings = result.warnings
    key = "summary" if "summary" in paper or "abstract" not in paper else "abstract"
    abstract = paper.get(key)
    if abstract is not None and not isinstance(abstract, str):
        warnings.append(
            f"Listing '{origin.file}' line {origin.line}: `{prefix}{key}` is {kind_of(abstract)}, "
            "not text; the paper is kept without an abstract. Check the API response."
        )
    authors = paper.get("authors")
    names: tuple[str, ...] = ()
    authors_count = None
    if isinstance(authors, list):
        names, authors_count = parse_authors(authors, origin, f"`{prefix}authors`", warnings)
    elif isinstance(authors, (int, float, LongNumber)) and not isinstance(authors, bool):
        authors_count = parse_count(
            authors, origin, f"`{prefix}authors`", warnings, expected="a list of authors or a count"
        )
    elif authors is not None:
        warnings.append(
            f"Listing '{origin.file}' line {origin.line}: `{prefix}authors` is {kind_of(authors)}, "
            "not a list; the paper is kept without an author count. Check the API response."
        )
    add_record(
        result,
        origin,
        title,
        abstract if isinstance(abstract, str) else "",
        require_abstract=False,
        published=parse_iso_date(paper.get("publishedAt"), origin, f"`{prefix}publishedAt`", warnings),
        listed=_listed(item, paper, prefix, origin, warnings),
        authors_count=authors_count,
        authors=names,
        upvotes=parse_count(paper.get("upvotes"), origin, f"`{prefix}upvotes`", warnings),
        arxiv_id=parse_arxiv_id(paper.get("id"), origin, f"`{prefix}id`", warnings),
        urls=parse_urls(
            [(f"`{prefix}{key}`", paper.get(key)) for key in ("githubRepo", "projectPage")],
            origin,
            warnings,
        ),
    )
