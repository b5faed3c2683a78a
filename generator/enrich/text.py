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
_SLUG_RUN = re.compile(r"[^a-z0-9]+")
MAX_SLUG_LENGTH = 60


class _CleanTable(dict[int, str | None]):
    """A str.translate table, filled on first sight of each character.

    Control characters and line separators become spaces; format characters
    (zero-width, bidi marks), surrogates, private-use characters and
    noncharacters (U+FDD0..U+FDEF and every U+xFFFE, U+xFFFF, which XML
    forbids, so a feed holding one would not parse) go.
    """

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        category = unicodedata.category(char)
        value: str | None = char
        if category in ("Cc", "Zl", "Zp"):
            value = " "
        elif category in ("Cf", "Cs", "Co") or _INVISIBLE.match(char) or _is_noncharacter(code):
            value = None
        self[code] = value
        return value


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


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


# What a title key keeps besides letters, marks and digits: symbols that are
# part of a name ("C++", "C#", "A*", "R&D", "x > y"). Punctuation that only
# separates or frames words (spaces, dashes, dots, colons, quotes, brackets,
# slashes, bars, LaTeX's "~", "$" and "^") is dropped, so two listings that
# write one title differently still give one key.
_KEY_SYMBOLS = frozenset("#%&*@")
# Math symbols (category Sm) are kept, except these look-alikes of dropped
# punctuation: minus, slashes, bars and tildes.
_KEY_DROPPED_MATH = frozenset("|~\u2212\u2044\u2215\u2223\u223c")
# Look-alikes of kept symbols, written as the one they look like.
_SYMBOL_FOLDS = str.maketrans({"\u2217": "*", "\u22c6": "*", "\u266f": "#"})
_VARIATION_SELECTOR = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
# Fast path for ASCII keys: everything but letters, digits and kept symbols.
_ASCII_NOT_KEY = re.compile(r"[^a-z0-9#%&*@+<=>]+")
# A star ends a name only after a short one ("A*", "S*", "Q*"); elsewhere it
# is emphasis ("*Title*") or a footnote mark ("Title*"), and is dropped.
_STAR = re.compile(r"(?<![\w*])(?P<name>[^\W_]{1,2})\*(?![\w*])|\*")


class _KeyTable(dict[int, str | None]):
    """A str.translate table for title keys, filled on first sight of each character."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        category = unicodedata.category(char)
        value: str | None = None
        if category[0] in "LMN" and not _VARIATION_SELECTOR.match(char):
            value = char
        elif char in _KEY_SYMBOLS or (category == "Sm" and char not in _KEY_DROPPED_MATH):
            value = char
        self[code] = value
        return value


_KEY = _KeyTable()


def title_key(title: str) -> str:
    """Return the dedup key of a title: NFKC, case-folded, letters, digits and name symbols only.

    A title with none of those (say "???") keys on its folded text instead, so
    such titles never all share the empty key.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", title).casefold())
    ascii_text = folded.isascii()
    if not ascii_text:
        folded = folded.translate(_SYMBOL_FOLDS)
    stars = _STAR.sub(lambda m: f"{m['name']}*" if m["name"] else "", folded) if "*" in folded else folded
    key = _ASCII_NOT_KEY.sub("", stars) if ascii_text else stars.translate(_KEY)
    return key or " ".join(folded.split())


# A symbol that ends a name is spelled out in its slug, so "C++", "C#" and
# "A*" do not all slug as "c".
_NAME_SYMBOL = re.compile(r"(?<=[^\W_])(\+\+|\+|#)(?![\w+#])|(?<![\w*])(?P<star>[^\W_]{1,2})\*(?![\w*])")
_NAME_SYMBOL_WORDS = {"++": "pp", "+": "plus", "#": "sharp"}
# Letters NFKD does not take apart into ASCII, spelled the usual way.
_TRANSLITERATION = str.maketrans({
    **dict(zip(
        "αβγδεζηθικλμνξοπρςστυφχψω",
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
        "omicron pi rho sigma sigma tau upsilon phi chi psi omega".split(),
    )),
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
})


def _spell_symbol(match: re.Match[str]) -> str:
    return f"{match['star']}star" if match["star"] else _NAME_SYMBOL_WORDS[match[1]]


def slugify(title: str) -> str:
    """Return an ASCII slug for a title, or a short hash when nothing ASCII is left."""
    text = unicodedata.normalize("NFKC", title).translate(_SYMBOL_FOLDS)
    text = _NAME_SYMBOL.sub(_spell_symbol, text).lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION)).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_RUN.sub("-", text).strip("-")
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
