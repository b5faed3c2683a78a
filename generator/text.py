"""Clean scraped text, build dedup keys and URL-safe slugs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Zero-width, bidi embedding/override/isolate marks and the BOM: invisible,
# and able to make a title read differently from what it is.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]"
)
_NOT_WORD = re.compile(r"[\W_]+")
_SLUG_RUN = re.compile(r"[^a-z0-9]+")
MAX_SLUG_LENGTH = 60


class _CleanTable(dict[int, str | None]):
    """A str.translate table, filled on first sight of each character.

    Control characters and line separators become spaces; format characters
    (zero-width, bidi marks), surrogates and private-use characters go.
    """

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        category = unicodedata.category(char)
        value: str | None = char
        if category in ("Cc", "Zl", "Zp"):
            value = " "
        elif category in ("Cf", "Cs", "Co") or _INVISIBLE.match(char):
            value = None
        self[code] = value
        return value


_CLEAN = _CleanTable()
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Return text with control and invisible characters removed and spaces collapsed."""
    # Plain ASCII text (most abstracts) only needs its spaces collapsed, and
    # usually has none to collapse: then the text is returned as it is.
    if text.isascii() and not _ASCII_CONTROL.search(text):
        if not _needs_collapsing(text):
            return text
    else:
        text = text.translate(_CLEAN)
    return " ".join(text.split())


def _needs_collapsing(text: str) -> bool:
    """Tell whether control-free ASCII text has whitespace that split and join would change."""
    # The other ASCII characters str.split() splits at are controls.
    return (
        "  " in text or "\n" in text or "\t" in text or "\r" in text
        or text.startswith(" ") or text.endswith(" ")
    )  # fmt: skip


def collapse_spaces(text: str) -> str:
    """Return " ".join(text.split()), without splitting text that has no spaces to collapse."""
    # Titles and abstracts were cleaned when read, so most have none. Printable
    # ASCII has no whitespace but the space.
    if text.isascii() and text.isprintable() and "  " not in text and not (text[:1] == " " or text[-1:] == " "):
        return text
    return " ".join(text.split())


def title_key(title: str) -> str:
    """Return the dedup key of a title: NFKC, case-folded, only letters and digits."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", folded))


def slugify(title: str) -> str:
    """Return an ASCII slug for a title, or a short hash when nothing ASCII is left."""
    ascii_text = (
        unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", title))
        .encode("ascii", "ignore")
        .decode("ascii")
        .lower()
    )
    slug = _SLUG_RUN.sub("-", ascii_text).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        cut = slug[:MAX_SLUG_LENGTH]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    if not slug:
        digest = hashlib.sha256(title_key(title).encode("utf-8")).hexdigest()
        slug = f"paper-{digest[:10]}"
    return slug


def unique_slugs(wanted: list[str]) -> list[str]:
    """Make slugs unique in order, adding `-2`, `-3`, ... to repeats."""
    taken: set[str] = set()
    result: list[str] = []
    for slug in wanted:
        candidate, n = slug, 1
        while candidate in taken:
            n += 1
            candidate = f"{slug}-{n}"
        taken.add(candidate)
        result.append(candidate)
    return result
