"""Find papers whose name appears in another paper's abstract.

A title gives a name when it starts with a method-like word followed by a
colon or a spaced dash (``SnapKV: LLM Knows ...`` gives ``SnapKV``). Names and
abstracts are put in one canonical spelling, so ``H_2O``, ``H2O``, ``H$_2$O``,
``H$_{2}$O`` and ``H₂O`` are the same name. Each abstract is split into words
once and the words are looked up in a dict from name to paper id, so the cost
grows with the corpus, not with names times abstracts.

The rules lean towards missing a mention rather than inventing one: only
one-word names, only method-like ones, never generic acronyms, and never a
name that two papers share.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain, filterfalse

from ..executor import SERIAL, Executor, split
from ..models import Paper
from .stop_words import GENERIC_NAMES
from .tokens import MIN_NAME_LENGTH, canonical_names, looks_like_method_name, name_words

_URL = re.compile(r"(?:https?://|www\.)\S+")
# A chained word's parts split at '-' and '.', and at '+' between two names (SnapKV+H2O).
_CHAIN_SEPARATOR = re.compile(r"([-.]|(?<=\w)\+(?=\w))")
_DIGIT = re.compile(r"\d")
_NAME_SHAPE = re.compile(r"\w+(?:[-.]\w+)*\+*")
# What may separate a name from the rest of its title: a colon, or a dash with
# spaces around it (a dash without spaces is part of the name, as in TPI-LLM).
_TITLE_SPLIT = re.compile(r"\s*:\s+|\s+[-\u2013\u2014]\s+")
MENTION_PARTS = 4  # runs of abstracts handed to the workers


def _is_name(word: str) -> bool:
    """Tell whether a canonical word may serve as a paper's name."""
    if word in GENERIC_NAMES or sum(ch.isalnum() for ch in word) < MIN_NAME_LENGTH:
        return False
    # Each part is judged alone so that generic compounds such as Self-Attention
    # or Key-Value are not names, while FlashAttention-2 and TPI-LLM are.
    return any(looks_like_method_name(part) for part in re.split(r"[-.+]", word))


def paper_names(title: str) -> list[str]:
    """Return the canonical names a title gives, or an empty list."""
    pieces = _TITLE_SPLIT.split(canonical_names(title).strip(), maxsplit=1)
    if len(pieces) < 2 or not pieces[1]:
        return []
    head = pieces[0]
    if not _NAME_SHAPE.fullmatch(head) or not _is_name(head):
        return []
    return [head]


def _name_index(papers: Sequence[Paper]) -> dict[str, str]:
    """Map each unambiguous name to the one paper id that carries it."""
    owners: dict[str, set[str]] = {}
    for paper in papers:
        for name in paper_names(paper.title):
            owners.setdefault(name, set()).add(paper.id)
    # A name two papers share (two unrelated "KIVI: ..." papers, or a reissue
    # that dedup did not merge) cannot say which one is meant, so it links to
    # neither; three or more papers sharing a name means it is generic anyway.
    return {name: min(ids) for name, ids in owners.items() if len(ids) == 1}


def _names_in(abstract: str, index: dict[str, str]) -> set[str]:
    """Return the indexed names an abstract mentions."""
    text = canonical_names(abstract)
    if "://" in text or "www." in text:
        # A repository path is a link, not a mention (the links stage owns it).
        text = _URL.sub(" ", text)
    # Full stops that end a sentence go first, so "SnapKV." is a plain word.
    text = text.replace(". ", " ").rstrip(".")
    words = set(name_words(text))
    found = words & index.keys()
    # Only chained words can hide a name: a word is letters and digits but for
    # the chaining marks, and str.isalnum tells them apart in C. Only a chain
    # with an uppercase letter or a digit can: "long-context" cannot.
    for word in filterfalse(str.isalnum, words - found):
        if not word.islower() or _DIGIT.search(word):
            found.update(_names_in_chain(word, index))
    return found


def _names_in_chain(word: str, index: dict[str, str]) -> list[str]:
    """Return the names inside a chained word, longest first, without overlaps."""
    # Pieces alternate part and separator: "BARS-CTR-style." -> BARS - CTR - style.
    pieces = _CHAIN_SEPARATOR.split(word.strip("-."))
    parts = pieces[0::2]
    used = [False] * len(parts)
    found: list[str] = []
    for size in range(len(parts), 0, -1):
        for start in range(len(parts) - size + 1):
            stop = start + size
            if any(used[start:stop]):
                continue
            candidate = "".join(pieces[2 * start : 2 * stop - 1])
            if candidate in index:
                found.append(candidate)
                used[start:stop] = [True] * size
    return found


def find_mentions(papers: Sequence[Paper], executor: Executor = SERIAL) -> dict[str, tuple[str, ...]]:
    """Map each paper id that mentions others to the sorted ids it mentions."""
    index = _name_index(papers)

    def names_in(run: Sequence[int]) -> list[set[str]]:
        return [_names_in(papers[i].abstract, index) for i in run]

    # Abstracts are read one by one, so runs of them can go to the workers.
    found = chain.from_iterable(
        executor.map(names_in, split(range(len(papers)), MENTION_PARTS))
    )
    mentions: dict[str, set[str]] = {}
    for paper, names in zip(papers, found):
        targets = {index[name] for name in names}
        targets.discard(paper.id)
        if targets:
            mentions.setdefault(paper.id, set()).update(targets)
    return {pid: tuple(sorted(mentions[pid])) for pid in sorted(mentions)}
