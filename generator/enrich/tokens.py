"""Every rule that cuts text into words, side by side.

Each stage cuts words its own way, and the rules differ on purpose: changing
one would change what its stage finds. Each says why it is as it is.

- Topics: TOPIC_WORD, runs of letters, digits and underscores, as a rule's
  phrase is written (``kv_cache`` is one word).
- Related papers: ``words`` (content words, hyphenated parts and their
  joins, plurals folded) and ``method_names`` (coined tokens and their
  camel-case pieces), in one canonical spelling (``H$_2$O`` is ``H2O``).
- Mentions: ``name_words``, words that keep the marks names are built with
  (``FlashAttention-2``, ``GEB-1.3B``, ``FlashDecoding++``), with Unicode
  hyphens written as ``-``.
- Suggested phrases: PHRASE_WORD, words with inner hyphens and apostrophes
  (``state-of-the-art``, ``model's``), cut into clauses at punctuation.
- Search: SEARCH_TERM, runs of two or more letters, digits or underscores of
  the NFKC, lowercased text; the browser's worker (site/assets/
  search-worker.js) cuts queries with its own regex, and a test runs both on
  the same words.

Fast paths (str.translate tables for ASCII text) stand beside the regex they
replace, and tests check both cut the same words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from itertools import chain

from .stop_words import GENERIC_NAMES, RELATED_STOP_WORDS

# --- Topics ------------------------------------------------------------------

TOPIC_WORD = re.compile(r"\w+")
# In ASCII text the words TOPIC_WORD finds are what is left between the other
# characters; str.translate and str.split find them in C.
_ASCII_NON_WORD = {code: " " for code in range(128) if not (chr(code).isalnum() or chr(code) == "_")}


def is_word_char(char: str) -> bool:
    """Tell a character TOPIC_WORD matches (a letter, digit or underscore)."""
    return char.isalnum() or char == "_"


def topic_words_among(folded: str, vocabulary: frozenset[str]) -> set[str]:
    """Return the words of a text (as TOPIC_WORD finds them) that are in vocabulary."""
    if folded.isascii():
        return vocabulary.intersection(folded.translate(_ASCII_NON_WORD).split())
    return vocabulary.intersection(TOPIC_WORD.findall(folded))


# --- Related papers ------------------------------------------------------------

# A content word: letters and digits, parts joined by hyphens (KV-cache).
RELATED_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
# A token that may be a method name: parts joined by hyphens or dots (RepViT-M1.5).
METHOD_NAME = re.compile(r"\w+(?:[-.]\w+)*")
# LaTeX and markup noise inside names: H$_{2}$O, H_2O and H^2O all mean H2O.
_DROP = str.maketrans("", "", "$_^{}")
# ASCII text (nearly every abstract) is cut into chunks by str.translate and
# str.split, which run in C: the tables drop what _DROP drops, keep letters,
# digits and the marks that join parts of a word, and make everything else a
# space. No RELATED_WORD or METHOD_NAME token spans a space, so a chunk holds
# whole tokens.
_ASCII_WORD_CHARS = {
    code: None if chr(code) in "$_^{}" else chr(code).lower() if chr(code).isalnum() or chr(code) == "-" else " "
    for code in range(128)
}
_ASCII_NAME_CHARS = {
    code: None if chr(code) in "$_^{}" else chr(code) if chr(code).isalnum() or chr(code) in "-." else " "
    for code in range(128)
}
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def words(text: str) -> list[str]:
    """Return the lowercased content words of a text, plurals folded, in order."""
    return list(chain.from_iterable(map(_WORDS_IN.__getitem__, _word_chunks(text))))


def words_plain(text: str) -> list[str]:
    """Return what words(text) returns, without its fast path or its cache (the reference it is tested against)."""
    return [word for token in RELATED_WORD.findall(canonical_words(text).lower()) for word in _words_of(token)]


def method_names(text: str) -> list[str]:
    """Return the method-like tokens of a text and their camel-case pieces, lowercased."""
    return list(chain.from_iterable(map(_NAMES_IN.__getitem__, _name_chunks(text))))


def method_names_plain(text: str) -> list[str]:
    """Return what method_names(text) returns, without its fast path or its cache."""
    return [name for token in METHOD_NAME.findall(canonical_words(text)) for name in _names_of(token)]


# Counting with map, chain and Counter keeps the loop over a text's two hundred
# chunks in C; only a chunk not seen before is analysed in Python.
def word_counts(text: str) -> dict[str, int]:
    """Return how often each of words(text) occurs, in order of first appearance."""
    return Counter(chain.from_iterable(map(_WORDS_IN.__getitem__, _word_chunks(text))))


def name_presence(text: str) -> dict[str, int]:
    """Return each of method_names(text) once (with count 1), in order of first appearance."""
    return dict.fromkeys(chain.from_iterable(map(_NAMES_IN.__getitem__, _name_chunks(text))), 1)


def canonical_words(text: str) -> str:
    """Return text in the spelling related papers compare words in: NFKC, LaTeX marks dropped."""
    return unicodedata.normalize("NFKC", text).translate(_DROP)


def _word_chunks(text: str) -> list[str]:
    """Return runs of the canonical, lowercased text that hold its RELATED_WORD tokens, in order."""
    if text.isascii():
        return text.translate(_ASCII_WORD_CHARS).split()
    return RELATED_WORD.findall(canonical_words(text).lower())


def _name_chunks(text: str) -> list[str]:
    """Return runs of the canonical text that hold its METHOD_NAME tokens, in order."""
    if text.isascii():
        return text.translate(_ASCII_NAME_CHARS).split()
    return METHOD_NAME.findall(canonical_words(text))


class _Analyses(dict[str, tuple[str, ...]]):
    """Each chunk's words or names, worked out on first sight; all forgotten when the cache is full.

    A corpus repeats the same few hundred thousand chunks; caching their
    analysis makes tokenising 50,000 abstracts several times faster.
    """

    def __init__(self, analyse: Callable[[str], tuple[str, ...]], size: int = 1 << 18) -> None:
        super().__init__()
        self.analyse = analyse
        self.size = size

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        if len(self) >= self.size:
            self.clear()
        value = self[chunk] = self.analyse(chunk)
        return value


def _words_of(compound: str) -> tuple[str, ...]:
    """Return the words of one lowercased, maybe hyphenated token."""
    parts = compound.split("-")
    # Auto-regressive is autoregressive and re-parameterization is
    # reparameterization; KV-cache is still KV and cache.
    tokens = parts if len(parts) == 1 else [*parts, "".join(parts)]
    out = []
    for token in tokens:
        if token.isdigit() or len(token) < 2 or token in RELATED_STOP_WORDS:
            continue
        # "caches" and "cache" are one word; "bias" and "process" are not plurals.
        if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
            token = token[:-1]
        out.append(token)
    return tuple(out)


def _names_of(token: str) -> tuple[str, ...]:
    """Return the names one token gives: itself, its coined parts, their camel pieces."""
    parts = [_singular(part) for part in re.split(r"[-.]", token)]
    if not any(looks_coined(part) for part in parts):
        return ()
    out = ["-".join(parts).lower()]
    for part in parts:
        if not looks_coined(part):
            continue
        if len(parts) > 1:
            out.append(part.lower())  # RepViT-M1.5 is also RepViT
        # RepVGG, RepViT and RepNeXt share "rep"; SnapKV and EvolKV share "kv".
        pieces = _CAMEL.findall(part)
        if len(pieces) > 1:
            out += [
                p.lower() for p in pieces
                if not p.isdigit() and (len(p) >= 3 or (len(p) == 2 and p.isupper()))
            ]  # fmt: skip
    return tuple(out)


_WORDS_IN = _Analyses(lambda chunk: tuple(chain.from_iterable(map(_words_of, RELATED_WORD.findall(chunk)))))
_NAMES_IN = _Analyses(lambda chunk: tuple(chain.from_iterable(map(_names_of, METHOD_NAME.findall(chunk)))))


def _singular(part: str) -> str:
    """Drop the plural s of an acronym: LLMs is LLM, ViTs is ViT."""
    if len(part) > 2 and part.endswith("s") and part[-2].isupper():
        return part[:-1]
    return part


def looks_coined(part: str) -> bool:
    """Tell whether a token looks coined: inner capitals, a capital with digits, or all capitals.

    Looser than looks_like_method_name (mentions): a coined token only adds
    to the small method-name share of a related-paper score, so "ViT" and
    "LLM" may count; but a lowercase token with digits ("h2o", "fp16") does not.
    """
    if len(part) < 2 or not part[0].isalpha():
        return False
    return (
        any(ch.isupper() for ch in part[1:])
        or (part[0].isupper() and any(ch.isdigit() for ch in part))
        or part.isupper()
    )


# --- Mentions ------------------------------------------------------------------

# LaTeX and markup noise inside names: H$_{2}$O, H_2O and H^2O all mean H2O. The
# Unicode hyphens NFKC leaves alone become the ASCII one names are written with.
_CANONICAL_NAMES = str.maketrans(
    {"$": None, "_": None, "^": None, "{": None, "}": None, "\u2010": "-", "\u2011": "-"}
)
# Inside a word '-' and '.' chain parts (FlashAttention-2, GEB-1.3B, SnapKV-style);
# '+' ends a name (FlashDecoding++) or, between letters, joins two (SnapKV+H2O).
NAME_MARKS = "-.+"
# A word of name_words: letters and digits and the marks names are built with.
NAME_WORD = re.compile(r"(?:[^\W_]|[-.+])+")
MIN_NAME_LENGTH = 3


class _WordBreaks(dict[int, int]):
    """A str.translate table turning every character that ends a name word into a space."""

    def __missing__(self, codepoint: int) -> int:
        char = chr(codepoint)
        value = codepoint if char.isalnum() or char in NAME_MARKS else ord(" ")
        self[codepoint] = value
        return value


# Filled lazily: a full table over every Unicode code point would be huge.
_WORD_BREAKS = _WordBreaks()


def canonical_names(text: str) -> str:
    """Return text in the spelling names and abstracts are compared in for mentions.

    Unlike canonical_words, Unicode hyphens become '-': a name written
    ``Flash‐Attention`` must still be the paper ``Flash-Attention``.
    """
    return unicodedata.normalize("NFKC", text).translate(_CANONICAL_NAMES)


def name_words(text: str) -> list[str]:
    """Return the words of a text as NAME_WORD cuts them, in order."""
    # Splitting on word breaks runs in C; a regex findall is several times slower.
    return text.translate(_WORD_BREAKS).split()


def name_words_plain(text: str) -> list[str]:
    """Return what name_words(text) returns, with the regex it stands in for."""
    return NAME_WORD.findall(text)


def looks_like_method_name(part: str) -> bool:
    """Tell whether one dash-free part of a word looks like a method name, for mentions.

    Unlike looks_coined (related papers), the generic acronyms
    (GENERIC_NAMES: ViT, LLM) never count, since a wrong mention is a wrong
    link on the page; but any part with a letter and a digit counts ("H2O",
    "h2o"), since names are compared as written. (A name also needs three
    letters or digits in all: see mentions.)
    """
    if part in GENERIC_NAMES or not any(ch.isalpha() for ch in part):
        return False
    if any(ch.isupper() for ch in part[1:]) or any(ch.isdigit() for ch in part):
        return True
    return len(part) >= MIN_NAME_LENGTH and part.isupper()


# --- Suggested phrases ------------------------------------------------------------

# A word of a phrase: letters and digits, with inner hyphens and apostrophes.
PHRASE_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
# Punctuation ends a phrase: no suggestion spans "Title: subtitle" or a comma.
PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”|/]+|\s[-–—]+\s|\s'|'\s")

# --- Search ----------------------------------------------------------------------

# A search term: two or more letters, digits or underscores (scikit-learn's
# default token pattern: the tests check the index's counts against its CountVectorizer).
# The browser's worker cuts queries with /[\p{L}\p{N}_]{2,}/gu.
SEARCH_TERM = r"(?u)\b\w\w+\b"
_SEARCH_TERM = re.compile(SEARCH_TERM)


def search_normalize(text: str) -> str:
    """Return text as search terms are cut from it (the browser does the same)."""
    return unicodedata.normalize("NFKC", text).lower()


def search_terms(text: str) -> list[str]:
    """Return the search terms of a text, in order, as scikit-learn's CountVectorizer cuts them with SEARCH_TERM."""
    return _SEARCH_TERM.findall(search_normalize(text))


# A hyphenated compound ("re-parameterization", "Key-Value"). The index also
# holds it written as one word, so that "reparameterization" typed as one word
# finds it, and, when its parts are words of letters, as its initials: "kv"
# finds "key-value", "moe" "mixture-of-experts". Queries are cut by SEARCH_TERM alone.
# A compound starts a word, and no part ever gives back a letter (possessive
# ++): the same matches as \w+(?:[-‐‑]\w+)+, without trying every letter of
# every word as a start (at 20,000 papers, 3.1 s -> 0.6 s).
_SEARCH_COMPOUND = re.compile(r"\b\w++(?:[-\u2010\u2011]\w++)+")
_HYPHEN = re.compile(r"[-\u2010\u2011]")
MAX_INITIALS = 4


def search_compounds(text: str) -> str:
    """Return the hyphenated compounds of a text as one word each, and their initials, joined by spaces."""
    found: list[str] = []
    for compound in _SEARCH_COMPOUND.findall(search_normalize(text)):
        parts = _HYPHEN.split(compound)
        found.append("".join(parts))
        # Parts are never empty: all of them are letters when they joined are.
        if len(parts) <= MAX_INITIALS and found[-1].isalpha() and min(map(len, parts)) > 1:
            found.append("".join(part[0] for part in parts))
    return " ".join(found)
