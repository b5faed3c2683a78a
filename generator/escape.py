"""The one place where untrusted text becomes inert Markdown or HTML.

Titles and abstracts are scraped web text. Python-Markdown passes raw HTML
through and reads ``*``, ``[``, ``#`` and friends as structure, so every
character that could start markup is written as a numeric character
reference: the browser shows the same character, Markdown sees plain text.
``$`` and the backslash stay visible as written (the backslash as ``&#92;``
so it escapes nothing).
"""

from __future__ import annotations

import functools
import html
import re

from markupsafe import Markup

from .text import collapse_spaces

# Inline markup of Python-Markdown, its common extensions (attr_list, tables,
# pymdownx tilde/caret/mark/critic) and raw HTML, entities and Jinja.
_INLINE = set("\\`*_{}[]<>&|~^=!#:\"'+")
# Characters that only matter at the start of a line (lists, quotes, rules).
_LINE_START = set("-+>0123456789.")


_REFERENCES = {char: f"&#{ord(char)};" for char in _INLINE | _LINE_START}
# A regex finds the few characters to replace far faster than str.translate
# looks up every character of a long abstract.
_SPECIAL = re.compile("[" + re.escape("".join(sorted(_INLINE))) + "]")


def _reference(match: re.Match[str]) -> str:
    return _REFERENCES[match.group()]


def md_text(text: str) -> Markup:
    """Return text as Markdown that renders to exactly this text and nothing else."""
    text = collapse_spaces(str(text))
    if text and text[0] in _LINE_START:
        return Markup(_REFERENCES[text[0]] + _SPECIAL.sub(_reference, text[1:]))
    return Markup(_SPECIAL.sub(_reference, text))


def html_attr(text: str) -> Markup:
    """Return text escaped for a double-quoted HTML attribute inside Markdown."""
    escaped = html.escape(" ".join(str(text).split()), quote=True)
    # Markdown would still read these inside raw HTML attributes.
    for char in "*_[]`{}|~^=\\":
        escaped = escaped.replace(char, f"&#{ord(char)};")
    return Markup(escaped)


# A title is printed wherever a paper is linked: six times or so per paper.
# Short texts are escaped once each (per process), long ones every time.
_SHORT = 300
_md_text_cached = functools.lru_cache(maxsize=1 << 17)(md_text)


def finalize(value: object) -> object:
    """Escape every value a template prints unless it is already Markup."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return _md_text_cached(value) if len(value) <= _SHORT else md_text(value)
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    return md_text(str(value))
