"""The one place where untrusted text becomes inert Markdown or HTML.

Titles and abstracts are scraped web text. Python-Markdown passes raw HTML
through and reads ``*``, ``[``, ``#`` and friends as structure, so every
character that could start markup is written as a numeric character
reference: the browser shows the same character, Markdown sees plain text.
Extensions that read longer sequences ("...", "(c)", "www.") see one of
their characters written that way. ``$`` and the backslash stay visible as
written (as ``&#36;`` and ``&#92;``, so no math starts and nothing is escaped).
"""

from __future__ import annotations

import functools
import html
import re

from markupsafe import Markup, escape

from ..enrich.text import collapse_spaces

# Characters that start inline markup anywhere in a line: Python-Markdown's
# own (emphasis, code, links, raw HTML, entities, backslash escapes), its
# attr_list, tables, footnotes, abbr, def_list and toc, and the pymdownx
# extensions Material's documentation enables: arithmatex ($, \(), caret (^),
# tilde (~), mark (=), critic ({++ ++}), keys (++), emoji (:smile:), magiclink
# (bare "https:", "@user", "#1", "!1", "?1"), admonition (!!!), details (???),
# tabbed (===), tasklist ([x]), inlinehilite (`) and snippets ("--8<--" needs
# "<"). Jinja's {{ and {% too.
_INLINE = set("\\`*_{}[]<>&|~^=!#:\"'+$@?")
# Characters that only matter at the start of a line: lists, quotes, rules,
# ordered lists ("1."), and pymdownx.blocks ("/// details").
_LINE_START = set("-+>0123456789./")
# pymdownx.fancylists reads "a. ", "iv) ", "B) " at a line start as a list.
_FANCY_LIST = re.compile(r"[A-Za-z]+[.)] ")

_REFERENCES = {char: f"&#{ord(char)};" for char in _INLINE | _LINE_START | set("(snrtabcdefABCDEF")}
# A regex finds the few characters to replace far faster than str.translate
# looks up every character of a long abstract.
_SPECIAL = re.compile("[" + re.escape("".join(sorted(_INLINE))) + "]")

# Triggers of more than one character, each broken by writing one of its
# characters as a reference. Each pattern starts with a plain character, so
# the regex engine skips to its occurrences instead of trying every position.
_SEQUENCES = (
    # Python-Markdown's smarty: "..." and "--", "---"; magiclink: "www.x.com".
    re.compile(r"\.(?=\.)|\.(?<=[wW]{3}\.)"),
    re.compile(r"-(?=-)"),
    # smartsymbols: "1/4", "c/o", "(c)", "(r)", "(tm)"; footnotes' marker
    # "///Footnotes Go Here///", which swaps its paragraph for the footnotes.
    re.compile(r"/(?:(?<=[0-9c]/)(?=[0-9o])|(?=//))"),
    re.compile(r"\((?=(?:c|r|tm)\))"),
)
# smartsymbols' ordinals ("1st", "22nd") and magiclink's bare commit hashes
# (40 hex digits): their patterns start with a common character, so a byte
# table first tells whether the text can hold one at all.
_ORDINAL = re.compile(r"(?<=[0-9])[snrt](?=[tdh]\b)")
_ORDINAL_MARK = re.compile(rb"0[snrt][tdh]")
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_HEX_RUN = re.compile(r"[0-9a-fA-F]{40,}")
_HEX_AS_X = bytes.maketrans(b"0123456789abcdefABCDEF", b"x" * 22)
_HEX_MARK = b"x" * 40


def _reference(match: re.Match[str]) -> str:
    return _REFERENCES[match.group()]


def _hex_run(match: re.Match[str]) -> str:
    # Every 39th digit written as a reference leaves no run of 40 between.
    run = match.group()
    return "".join(_REFERENCES[char] if i % 39 == 0 else char for i, char in enumerate(run))


def md_text(text: str) -> Markup:
    """Return text as Markdown that renders to exactly this text and nothing else."""
    text = collapse_spaces(str(text))
    if text and (text[0] in _LINE_START or _FANCY_LIST.match(text)):
        escaped = f"&#{ord(text[0])};" + _SPECIAL.sub(_reference, text[1:])
    else:
        escaped = _SPECIAL.sub(_reference, text)
    for pattern in _SEQUENCES:
        escaped = pattern.sub(_reference, escaped)
    data = text.encode("utf-8", "surrogatepass")
    # Hex runs first: a reference written at a run's start ends the word before
    # it, so "1st0123…" becomes an ordinal that the next pass must catch.
    if _HEX_MARK in data.translate(_HEX_AS_X):
        escaped = _HEX_RUN.sub(_hex_run, escaped)
    if _ORDINAL_MARK.search(data.translate(_DIGITS_AS_ZERO)):
        escaped = _ORDINAL.sub(_reference, escaped)
    return Markup(escaped)


def md_text_plain(text: str) -> Markup:
    """Return what md_text(text) returns, running every pattern without its byte-table pre-check (the reference it is tested against)."""
    text = collapse_spaces(str(text))
    if text and (text[0] in _LINE_START or _FANCY_LIST.match(text)):
        escaped = f"&#{ord(text[0])};" + _SPECIAL.sub(_reference, text[1:])
    else:
        escaped = _SPECIAL.sub(_reference, text)
    for pattern in _SEQUENCES:
        escaped = pattern.sub(_reference, escaped)
    return Markup(_ORDINAL.sub(_reference, _HEX_RUN.sub(_hex_run, escaped)))


def html_text(text: str) -> Markup:
    """Return text escaped for HTML that no Markdown parser reads (a feed's content, a page's banner), line breaks kept."""
    return Markup(html.escape(str(text), quote=True))


def html_attr(text: str) -> Markup:
    """Return text escaped for a double-quoted HTML attribute inside Markdown."""
    escaped = html.escape(collapse_spaces(str(text)), quote=True)
    # Markdown would still read these inside raw HTML attributes: its inline
    # patterns that run before raw HTML is set aside (code, escapes, links,
    # pymdownx.arithmatex's "$x$", pymdownx.keys' "++k++").
    for char in "*_[]`{}|~^=\\$+":
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


# Inside a raw HTML block Markdown runs no inline pattern, but preprocessors
# read the page's lines before the block is set aside: pymdownx.critic's
# "{++ ++}" anywhere in a line, snippets and fences only at a line's start
# (which an entry body never gives text, see entries.py).
_BLOCK_REFERENCES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def html_block_text(value: object) -> Markup:
    """Return a value escaped for a raw HTML block of a Markdown page (the finalize hook of HTML templates)."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return _block_text_cached(value) if len(value) <= _SHORT else _block_text(value)
    return Markup("") if value is None else _block_text(str(value))


def _block_text(text: str) -> Markup:
    escaped = str(escape(collapse_spaces(text)))
    if "{" in escaped or "}" in escaped:
        escaped = escaped.translate(_BLOCK_REFERENCES)
    return Markup(escaped)


_block_text_cached = functools.lru_cache(maxsize=1 << 17)(_block_text)


def html_block_pre(text: str) -> Markup:
    """Return preformatted text (a BibTeX entry) for a <pre> in a raw HTML block: escaped, its line breaks kept as references.

    A raw HTML block ends at a blank line and the renderer joins its lines,
    so the breaks are written as "&#10;", which the browser shows as breaks.
    """
    escaped = str(escape(str(text))).translate(_BLOCK_REFERENCES)
    return Markup(escaped.replace("\r", "").replace("\n", "&#10;"))

