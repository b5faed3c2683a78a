"""digest.bib: one BibTeX entry per paper, with stable, unique keys (str out, deterministic).

A key is ``lastname2024firstword``: the first author's last name (else the
first significant word of the title), the year of the paper's date (when it
was published, else listed) and the first significant word of the title not
used yet, in lower-case ASCII. Papers whose keys would be the same share it
in order of date, then id: the oldest keeps the key, the next get ``b``,
``c``... (so a digest that grows with newer papers keeps its keys).

Fields are escaped for BibTeX and LaTeX (``{ } % & $ # _ ~ ^ \\``), so every
value has balanced braces and typesets as the text it is; non-ASCII letters
are kept as UTF-8, which biber and bibtexu read as they are. Braces become
``\\textbraceleft{}``, not ``\\{``: BibTeX counts every brace, escaped or not,
so a lone ``\\}`` would end the field early.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator

from ..enrich.stop_words import ENGLISH_STOP_WORDS
from ..enrich.text import slugify
from ..models import Paper

_SPECIAL = {
    "\\": r"\textbackslash{}",
    # BibTeX and biber count "\{" as a brace: a title "}" would close its field.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_TABLE = str.maketrans(_SPECIAL)
# Characters a URL field may not hold as they are: braces would unbalance the
# value, a backslash would start a macro, spaces would end the URL.
_URL_UNSAFE = re.compile(r"[{}\\\s]")
_WORD = re.compile(r"[a-z0-9]+")
_AND = re.compile(r"\band\b", re.IGNORECASE)
_HASH_SLUG = re.compile(r"paper-[0-9a-f]{10}")


def digest_bib(papers: Iterable[Paper]) -> str:
    """Return digest.bib: one @misc entry per paper, sorted by key."""
    return bib_file(bibtex_by_paper(papers).values())


def bib_file(entries: Iterable[str]) -> str:
    """Return digest.bib made of its entries (as bibtex_by_paper gives them), sorted by key.

    Every entry starts "@misc{key,", and a key's characters all sort after the
    comma, so the entries' order is their keys' order.
    """
    return "\n".join(sorted(entries))


def bibtex_by_paper(papers: Iterable[Paper]) -> dict[str, str]:
    """Return each paper's entry (as digest.bib has it) by paper id: what an entry's "Cite" shows."""
    return {paper.id: bib_entry(paper, key) for paper, key in bib_keys(papers)}


def bib_keys(papers: Iterable[Paper]) -> list[tuple[Paper, str]]:
    """Return each paper with its unique key; papers sharing a base key get suffixes by date, then id."""
    groups: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        groups[base_key(paper)].append(paper)
    taken = set(groups)
    keyed: list[tuple[Paper, str]] = []
    for base, group in sorted(groups.items()):
        group.sort(key=lambda p: ((p.shown_date.toordinal() if p.shown_date else 10**7), p.id))
        keyed.append((group[0], base))
        suffixes = _suffixes()
        for paper in group[1:]:
            key = base + next(suffixes)
            # Another paper's base key may already be spelled so ("smith2024visionb").
            while key in taken:
                key = base + next(suffixes)
            taken.add(key)
            keyed.append((paper, key))
    return keyed


def _suffixes() -> Iterator[str]:
    """Yield b, c, ..., z, then ba, bb, ...: the letters that follow a bare key."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for letter in letters[1:]:
        yield letter
    number = 0
    while True:
        number += 1
        yield _letters(number, letters)


def _letters(number: int, letters: str) -> str:
    digits = ""
    number += len(letters)  # two letters and more: ba, bb, ...
    while number:
        number, rest = divmod(number, len(letters))
        digits = letters[rest] + digits
    return digits


def base_key(paper: Paper) -> str:
    """Return a paper's key before suffixes: last name, year and first significant title word."""
    words = _significant_words(paper.title)
    name = _ascii_word(last_name(paper.authors[0])) if paper.authors else ""
    if not name:
        name = words.pop(0) if words else "paper"
    date = paper.shown_date
    year = str(date.year) if date else ""
    return f"{name}{year}{words[0] if words else ''}"


def last_name(author: str) -> str:
    """Return an author's last name: what comes before a comma ("Curie, Marie"), else the last word."""
    if "," in author:
        return author.split(",", 1)[0].strip()
    parts = author.split()
    # "Jr." and the like follow the last name.
    while len(parts) > 1 and parts[-1].rstrip(".").lower() in {"jr", "sr", "ii", "iii", "iv"}:
        parts.pop()
    return parts[-1] if parts else ""


def _ascii_words(text: str) -> list[str]:
    """Return text's words in lower-case ASCII (slugify spells out Greek and folds accents); [] if none is."""
    slug = slugify(text)
    # slugify's stand-in for text with no ASCII letters (a hash) is no word of the text.
    if _HASH_SLUG.fullmatch(slug) and not _HASH_SLUG.fullmatch(text.lower()):
        return []
    return _WORD.findall(slug)


@functools.lru_cache(maxsize=1 << 16)  # titles share most of their words
def _ascii_word(text: str) -> str:
    return "".join(_ascii_words(text))


def _significant_words(title: str) -> list[str]:
    """Return the title's words in lower-case ASCII, without stop words (all of them if all are stop words).

    A word is what spaces separate, so "H_2O:" is "h2o" and "Vision-Language" one word.
    """
    words = [word for word in map(_ascii_word, title.split()) if word]
    kept = [word for word in words if word not in ENGLISH_STOP_WORDS]
    return kept or words


def bib_entry(paper: Paper, key: str) -> str:
    """Return one paper's @misc entry: arXiv papers with eprint and archivePrefix, others with their URL."""
    # Double braces keep the title's capitals ("LLM", "BERT") in styles that lower-case titles.
    fields = [("title", "{" + bib_text(paper.title) + "}")]
    if paper.authors:
        names = [bib_name(name) for name in paper.authors]
        # BibTeX's "et al.": a listing counted more authors than the listings name.
        if (paper.authors_count or 0) > len(names):
            names.append("others")
        fields.append(("author", " and ".join(names)))
    date = paper.shown_date
    if date:
        fields.append(("year", str(date.year)))
    if paper.arxiv_id:
        fields += [("eprint", bib_text(paper.arxiv_id)), ("archivePrefix", "arXiv")]
    if paper.paper_url:
        fields.append(("url", bib_url(paper.paper_url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def bib_text(text: str) -> str:
    """Escape text for a BibTeX field: LaTeX's special characters as commands, so braces stay balanced."""
    return unicodedata.normalize("NFC", text).translate(_SPECIAL_TABLE)


def bib_name(name: str) -> str:
    """Return an author's name for an ``author`` field: escaped, braced whole when "and" is part of it."""
    text = bib_text(name)
    # "and" separates authors in BibTeX: a name holding it ("R and D Lab") is one name.
    return f"{{{text}}}" if _AND.search(name) else text


def bib_url(url: str) -> str:
    """Return a URL for a ``url`` field: as it is, with braces, backslashes and spaces percent-encoded."""
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group(0).encode("utf-8")), url)
