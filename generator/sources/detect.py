"""Tell a listing's format from its content, never from its file name."""

from __future__ import annotations

import json

from .common import load_json
from .hf_api import is_api_object


def opening(text: str) -> str:
    """Return the first characters of a listing that tell its format (byte-order mark and spaces skipped)."""
    return text.lstrip("\ufeff").lstrip()[:5]


def is_json_list(start: str) -> bool:
    """Tell a JSON list (the daily-papers API's response) by its opening."""
    return start.startswith("[")


def is_markup(start: str) -> bool:
    """Tell XML or HTML by its opening.

    Any markup goes to the Atom reader, which refuses HTML and DOCTYPEs with a
    clear reason instead of reading tags as titles.
    """
    return start.startswith("<")


def is_json_object(start: str) -> bool:
    """Tell a JSON object (one API paper, or the first line of JSONL) by its opening."""
    return start.startswith("{")


def is_api_json(text: str) -> bool:
    """Tell a JSON object in the API's shapes (a paper, or a list of them inside) from JSONL."""
    try:
        value = load_json(text)
    except (json.JSONDecodeError, RecursionError):
        return False  # several lines of JSON, or broken ones: JSONL, read line by line
    return is_api_object(value)
