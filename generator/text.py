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
_WHITESPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")
_SLUG_RUN = re.compile(r"[^a-z0-9]+")
MAX_SLUG_LENGTH = 60


def clean_text(text: str) -> str:
    """Return text with control and invisible characters removed and spaces collapsed."""
    text = _INVISIBLE.sub("", text)
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text
    )
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cs", "Co"))
    return _WHITESPACE.sub(" ", text).strip()


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
