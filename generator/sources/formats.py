"""The listing formats: how each is told by its content and which reader reads it.

A reader takes decoded text and returns records; decoding is done once, by
:func:`generator.sources.decode.decode_listing`, and :func:`read_file` does
both for one file, turning every failure into a rejection or a warning that
names the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..models import Origin, Rejection
from .atom import read_atom
from .common import BUG, MOVE_OUT, ListingError, ListingResult, describe_error
from .decode import decode_listing
from .detect import is_api_json, is_json_list, is_json_object, is_markup, opening
from .hf_api import read_hf_api
from .hf_text import read_text
from .jsonl import read_jsonl


@dataclass(frozen=True)
class Format:
    """A listing format: its name, how its opening characters tell it, and how to read it."""

    name: str
    detect: Callable[[str], bool]
    read: Callable[[str, str, int | None], ListingResult]
    """Read text (the file's name for messages, the listing's year for dates without one) into records."""


# Tried in order; the first whose detector accepts the opening reads the file.
# Readers are looked up when called, so each is found by its module's name.
FORMATS: tuple[Format, ...] = (
    Format("hf-api", is_json_list, lambda text, name, year: read_hf_api(text, name)),
    Format("arxiv-atom", is_markup, lambda text, name, year: read_atom(text, name)),
    # One JSON object in the API's shapes is read as the API's; otherwise one object per line.
    Format(
        "jsonl", is_json_object,
        lambda text, name, year: read_hf_api(text, name) if is_api_json(text) else read_jsonl(text, name),
    ),
    Format("text", lambda start: True, lambda text, name, year: read_text(text, name, year)),
)
# What a file that gives no papers lacks, by the layout its reader found.
_NO_PAPERS = {
    "lines": "it has no papers after the page's header",
    "blocks": "it has no papers after the page's header",
    "hf-api": "its JSON holds no papers",
    "arxiv-atom": "the feed has no <entry> elements",
    "jsonl": "it has no papers",
}
# A listing may have a paper or a few without an abstract; this many and none with one is a wrong file.
_FEW = 5


def detect_format(text: str) -> str:
    """Name a listing's format from its first characters: hf-api, arxiv-atom, jsonl or text."""
    return _format_of(text).name


def _format_of(text: str) -> Format:
    start = opening(text)
    return next(candidate for candidate in FORMATS if candidate.detect(start))


def read_file(data: bytes, name: str, year: int | None = None) -> ListingResult:
    """Decode and read one listing file; every failure becomes a rejection or a warning naming the file.

    Each rejection also becomes a warning, and a file that gives no papers
    gets a warning saying so.
    """
    try:
        text, decode_warnings = decode_listing(data, name)
    except ListingError as error:
        return ListingResult(rejected=[Rejection(Origin(name, 1), str(error))], warnings=[str(error)])
    except Exception as error:  # noqa: BLE001 - the last resort: one file must not stop the build
        reason = f"decoding it failed unexpectedly ({describe_error(error)}), so none of it was read; {BUG}"
        return ListingResult(rejected=[Rejection(Origin(name, 1), reason)], warnings=[f"Listing '{name}': {reason}."])
    result = read_listing(text, name, year)
    warnings = decode_warnings + result.warnings
    warnings += [f"Listing '{r.origin.file}' line {r.origin.line}: record rejected: {r.reason}." for r in result.rejected]
    if not result.records and not result.rejected:
        what = "the file is empty" if not text.strip() else _NO_PAPERS.get(result.layout, "it has no papers")
        warnings.append(
            f"Listing '{name}': {what}, so it adds no papers. Put a saved listing in it, or {MOVE_OUT}."
        )
    elif not result.records and len(result.rejected) > 1:
        warnings.append(
            f"Listing '{name}': none of its {len(result.rejected)} records could be used (see the "
            f"rejections above), so it adds no papers. Fix them, or {MOVE_OUT}."
        )
    elif len(result.records) >= _FEW and not any(record.abstract for record in result.records):
        warnings.append(
            f"Listing '{name}': none of its {len(result.records)} papers has an abstract, so they are "
            "listed without one. Check that the file holds the abstracts (`summary` in the API's "
            "JSON, `abstract` in JSONL, <summary> in an Atom feed)."
        )
    return ListingResult(result.records, result.rejected, warnings, result.layout)


def read_listing(text: str, name: str, year: int | None = None) -> ListingResult:
    """Read one listing's text into records, detecting its format and layout; never raise."""
    try:
        return _format_of(text).read(text.removeprefix("\ufeff"), name, year)
    except Exception as error:  # noqa: BLE001 - the last resort: one file must not stop the build
        reason = f"reading it failed unexpectedly ({describe_error(error)}), so none of it was read; {BUG}"
        return ListingResult(rejected=[Rejection(Origin(name, 1), reason)])
