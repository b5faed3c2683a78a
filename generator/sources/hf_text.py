"""Read saved Hugging Face "Daily Papers" pages (text) into raw records.

Three layouts are found in the wild, detected per file:

* ``lines``: a short header whose last line has ``Subscribe`` glued to the
  first title, then one title line and one abstract line per paper;
* ``blocks``: blank-line separated blocks after a header (``new``, ``Daily
  Papers``, a day such as ``May 7``); each paper is a title block, an abstract
  block and optionally a metadata block (``• N authors``, ``·``, a date line
  such as ``Jan 7, 2022``, ``Mar 19`` or ``Jun 12, 2023 1``);
* the same blocks without metadata.

Text that is clearly no listing (Markdown notes, a file without a page
header or metadata lines) is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from ..enrich.text import clean_text
from ..models import Origin, Rejection
from .common import MAX_COUNT, MOVE_OUT, ListingResult, add_record, guard, quoted

MONTHS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        start=1,
    )
}
# Only real month names: a title such as "Top 5" is no date.
_DATE_LINE = re.compile(
    rf"(?P<month>{'|'.join(MONTHS)}) (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?(?: (?P<upvotes>\d+))?",
    re.ASCII,
)
_AUTHORS_LINE = re.compile(r"[•·*-]?\s*(?P<count>\d+) authors?", re.ASCII)
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
# The glued line of the lines layout comes within the page's first lines.
_HEADER_SPAN = 10
_MARKDOWN_HEADING = re.compile(r"#{1,6}(?:\s|$)")
_FRONT_MATTER = {"---", "+++"}


def read_text(text: str, name: str, year: int | None = None) -> ListingResult:
    """Read a saved Daily Papers page in whichever of its layouts it is (see the module's docstring)."""
    lines = text.split("\n")
    if refused := _not_a_listing(lines):
        number, reason = refused
        return ListingResult(rejected=[Rejection(Origin(name, number), reason)], layout="text")
    first, _ = _first_title(lines, 0, _HEADER_SPAN)
    result = _read_line_pairs(lines, first, name) if first is not None else _read_blocks(lines, name, year)
    misread = sum(rejection.reason.endswith(_MISREAD) for rejection in result.rejected)
    if misread:
        result.warnings.append(
            f"Listing '{name}': {misread} {'record has' if misread == 1 else 'records have'} a metadata "
            f"line for a title or abstract, so its layout was probably misread (read as "
            f"'{result.layout}'). Check that it is a whole saved Daily Papers page, and report the file "
            "if it is."
        )
    return result


def _not_a_listing(lines: list[str]) -> tuple[int, str] | None:
    """Return the line and reason that show text is no Daily Papers listing, or None when it may be one."""
    number, first = next(((n, line.strip()) for n, line in enumerate(lines, 1) if line.strip()), (0, ""))
    if not first or first.lower() in _HEADER_LINES or _GLUED_SUBSCRIBE.match(first) or _is_day(first):
        return None
    if _MARKDOWN_HEADING.match(first):
        what = f"it starts with a Markdown heading ({quoted(first)}), so it is notes, not a saved Daily Papers page"
    elif first in _FRONT_MATTER:
        what = f"it starts with front matter ('{first}'), so it is a page of notes, not a saved Daily Papers page"
    elif any(_AUTHORS_LINE.fullmatch(line.strip()) for line in lines):
        return None  # a listing copied without its header: its metadata lines show what it is
    else:
        what = (
            f"its first line {quoted(first)} is not a Daily Papers page header ('Daily Papers', "
            "'Subscribe', a day such as 'May 7') and it has no '• N authors' lines, so it does not "
            "look like a listing"
        )
    return number, (
        f"{what}; none of it was read. If it is a listing, save the whole page, header included; "
        f"if not, {MOVE_OUT}"
    )


def _is_day(line: str) -> bool:
    """Tell a listing day line (``May 7``): a date without upvotes."""
    match = _DATE_LINE.fullmatch(line)
    return match is not None and not match["upvotes"]


def _is_header_line(line: str) -> bool:
    return line.strip().lower() in _HEADER_LINES


def _first_title(lines: list[str], index: int, end: int) -> tuple[int | None, int]:
    """Find where the lines layout's papers start after the page header lines from index.

    Return the index of the first title (None when the lines layout does not
    follow) and the index of the first line that is no header or blank line.
    The first title has Subscribe glued to it, or follows a "Subscribe" line
    directly; its abstract follows on the next line, so a blocks listing
    whose first title starts with "Subscriber" (a blank line after it) is
    not taken for the lines layout.
    """
    previous = ""  # the line just before, when it is not blank
    for number in range(index, min(end, len(lines))):
        stripped = lines[number].strip()
        if not stripped or _is_header_line(stripped):
            previous = stripped.lower()
            continue
        if not (_GLUED_SUBSCRIBE.match(stripped) or previous == "subscribe"):
            return None, number
        following = lines[number + 1 :]
        layout_follows = not following or following[0].strip() or not any(map(str.strip, following))
        return (number if layout_follows else None), number
    return None, min(end, len(lines))


def _title_at(lines: list[str], number: int) -> str:
    """Return the first title of a page in the lines layout, Subscribe taken off when glued to it."""
    # After a "Subscribe" line of its own, a title such as "Subscriber Churn" is whole.
    glued = number == 0 or lines[number - 1].strip().lower() != "subscribe"
    return _GLUED_SUBSCRIBE.sub("", lines[number].strip(), count=1) if glued else lines[number].strip()


def _read_line_pairs(lines: list[str], start: int, name: str) -> ListingResult:
    result = ListingResult(layout="lines")
    body = [(start + 1, _title_at(lines, start))]
    index = start + 1
    while index < len(lines):
        stripped = lines[index].strip()
        if not _is_header_line(stripped):
            if stripped:
                body.append((index + 1, lines[index]))
            index += 1
            continue
        # Header lines inside a listing: a second page pasted in, when its first title follows.
        title, stop = _first_title(lines, index, len(lines))
        if title is not None:
            body.append((title + 1, _title_at(lines, title)))
            index = title + 1
        else:
            # No page starts here: the lines are text, taken at once so a long run costs one pass.
            body += [(number + 1, lines[number]) for number in range(index, stop) if lines[number].strip()]
            index = stop
    for position in range(0, len(body), 2):
        number, title = body[position]
        abstract = body[position + 1][1] if position + 1 < len(body) else ""
        guard(result, Origin(name, number), functools.partial(_add_record, result, name, number, title, abstract))
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


def _is_metadata_line(line: str) -> bool:
    return bool(
        _AUTHORS_LINE.fullmatch(line) or _SEPARATOR_LINE.fullmatch(line) or _DATE_LINE.fullmatch(line)
    )


def _is_metadata(block: list[str]) -> bool:
    return all(_is_metadata_line(line.strip()) for line in block)


def _is_header(block: list[str]) -> bool:
    """Tell a block of page header lines and listing days."""
    return all(_is_header_line(line) or _is_day(line.strip()) for line in block)


def _header_runs(blocks: list[tuple[int, list[str]]]) -> list[int]:
    """Return, for each block, how many blocks from it make a page header pasted inside a listing.

    A page header is at least two blocks of header lines and days, and names
    the page; one block such as "new" alone may be a title. Worked out in one
    pass from the end, so a long run costs no more than a short one.
    """
    runs = [0] * (len(blocks) + 1)
    named = [False] * (len(blocks) + 1)
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index][1]
        if _is_header(block):
            runs[index] = runs[index + 1] + 1
            named[index] = named[index + 1] or any(_is_header_line(line) for line in block)
    return [run if run >= 2 and name else 0 for run, name in zip(runs, named)]


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
    runs = _header_runs(blocks)
    listed: dt.date | None = None
    index, header = 0, len(blocks)  # the page's own header may be any run of header blocks
    while index < len(blocks):
        number, block = blocks[index]
        if header and _is_header(block):
            for offset, line in enumerate(block):
                if (match := _DATE_LINE.fullmatch(line.strip())) and not match["upvotes"]:
                    listed = _parse_date(match, year, name, number + offset, result.warnings, quiet=True)
            index, header = index + 1, header - 1
            continue
        if header := runs[index]:
            continue
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
        following = blocks[index + 1][1] if index + 1 < len(blocks) else None
        if following is not None and not _is_metadata(following) and not runs[index + 1]:
            abstract = " ".join(following)
            index += 2
        else:
            index += 1
        metadata = blocks[index] if index < len(blocks) and _is_metadata(blocks[index][1]) else None
        index += metadata is not None
        guard(
            result,
            Origin(name, number),
            functools.partial(_add_blocks_record, result, name, number, title, abstract, metadata, year, listed),
        )
    return result


def _add_blocks_record(
    result: ListingResult,
    name: str,
    number: int,
    title: str,
    abstract: str,
    metadata: tuple[int, list[str]] | None,
    year: int | None,
    listed: dt.date | None,
) -> None:
    meta = _read_metadata(metadata, name, year, result.warnings) if metadata else {}
    _add_record(result, name, number, title, abstract, listed=listed, **meta)


def _read_metadata(
    numbered_block: tuple[int, list[str]], name: str, year: int | None, warnings: list[str]
) -> dict[str, object]:
    first, block = numbered_block
    meta: dict[str, object] = {}
    for offset, raw in enumerate(block):
        line = raw.strip()
        if match := _AUTHORS_LINE.fullmatch(line):
            meta["authors_count"] = _count(match["count"], "author count", name, first + offset, warnings)
        elif match := _DATE_LINE.fullmatch(line):
            meta["published"] = _parse_date(match, year, name, first + offset, warnings)
            if match["upvotes"]:
                meta["upvotes"] = _count(match["upvotes"], "upvote count", name, first + offset, warnings)
    return meta


def _count(digits: str, what: str, name: str, number: int, warnings: list[str]) -> int | None:
    """Return a count written in a metadata line, or warn when it is too large to be one."""
    # Python refuses to convert more than 4,300 digits; no count has more than a few.
    if len(digits) <= len(str(MAX_COUNT)) and int(digits) <= MAX_COUNT:
        return int(digits)
    shown = digits if len(digits) <= 20 else f"{digits[:20]}… ({len(digits)} digits)"
    warnings.append(
        f"Listing '{name}' line {number}: the {what} {shown} is too large to be one; the paper is "
        "kept without it. Check the line against the original page."
    )
    return None


def _parse_date(
    match: re.Match[str],
    year: int | None,
    name: str,
    number: int,
    warnings: list[str],
    quiet: bool = False,
) -> dt.date | None:
    written = match.group(0)
    month = MONTHS[match["month"]]
    the_year = int(match["year"]) if match["year"] else year
    if the_year is None:
        if not quiet:
            warnings.append(
                f"Listing '{name}' line {number}: the date '{written}' has no year and the "
                f"listing shows none. Set `year:` for this source in digest.yml: "
                f'`sources: [{{path: "data/sources/{name}", year: 2025}}]`.'
            )
        return None
    try:
        return dt.date(the_year, month, int(match["day"]))
    except ValueError:
        warnings.append(
            f"Listing '{name}' line {number}: '{written[:40]}' is not a real date; "
            "the paper is kept without a date. Check the line against the original page: a date there "
            "reads like `Jan 7, 2022`, or `Mar 19` in the listing's year."
        )
        return None


_MISREAD = "so the listing's layout was misread; check that the file is a whole saved Daily Papers page"


def _add_record(
    result: ListingResult, name: str, number: int, title: str, abstract: str, **meta: object
) -> None:
    # A metadata line read as a title or abstract shows the layout was misread.
    for part, text in (("title", clean_text(title)), ("abstract", clean_text(abstract))):
        if _is_metadata_line(text):
            result.rejected.append(
                Rejection(
                    Origin(name, number),
                    f"its {part} {quoted(text)} is a metadata line (authors or a date), {_MISREAD}",
                )
            )
            return
    add_record(result, Origin(name, number), title, abstract, **meta)
