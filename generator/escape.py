"""The one place where untrusted text becomes inert Markdown or HTML.

Titles and abstracts are scraped web text. Python-Markdown passes raw HTML
through and reads ``*``, ``[``, ``#`` and friends as structure, so every
character that could start markup is written as a numeric character
reference: the browser shows the same character, Markdown sees plain text.
``$`` and the backslash stay visible as written (the backslash as ``&#92;``
so it escapes nothing).
"""

from __future__ import annotations

import html

from markupsafe import Markup

# Inline markup of Python-Markdown, its common extensions (attr_list, tables,
# pymdownx tilde/caret/mark/critic) and raw HTML, entities and Jinja.
_INLINE = set("\\`*_{}[]<>&|~^=!#:\"'+")
# Characters that only matter at the start of a line (lists, quotes, rules).
_LINE_START = set("-+>0123456789.")


def md_text(text: str) -> Markup:
    """Return text as Markdown that renders to exactly this text and nothing else."""
    text = " ".join(str(text).split())
    out = []
    for index, char in enumerate(text):
        if char in _INLINE or (index == 0 and char in _LINE_START):
            out.append(f"&#{ord(char)};")
        else:
            out.append(char)
    return Markup("".join(out))


def html_attr(text: str) -> Markup:
    """Return text escaped for a double-quoted HTML attribute inside Markdown."""
    escaped = html.escape(" ".join(str(text).split()), quote=True)
    # Markdown would still read these inside raw HTML attributes.
    for char in "*_[]`{}|~^=\\":
        escaped = escaped.replace(char, f"&#{ord(char)};")
    return Markup(escaped)


def finalize(value: object) -> object:
    """Escape every value a template prints unless it is already Markup."""
    if isinstance(value, Markup) or value is None:
        return "" if value is None else value
    if isinstance(value, (int, float)):
        return value
    return md_text(str(value))
