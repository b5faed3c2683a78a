"""Suggest `match` phrases that would group unsorted papers, or the papers of one topic.

A phrase is one to three words from a paper's title or abstract, cut at
punctuation, that neither starts nor ends with a stopword. Each is scored like
the topic rules score it (title 3, abstract 1, once per paper) and weighted by
how few of the papers that have it lie outside the target set, so "KV cache"
among unsorted papers outranks "large language", which every topic has too.
A single word that any paper of any field might use ("model", "data",
"greatly", "3x") is never suggested on its own, and neither is one that a
large share of the whole digest uses. The best phrases are shown most papers
first, each spelled as most of its papers spell it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..enrich.stop_words import PHRASE_STOP_WORDS
from ..enrich.tokens import PHRASE_BREAK, PHRASE_WORD
from ..enrich.topics import ABSTRACT_WEIGHT, TITLE_WEIGHT
from ..models import Paper

MAX_WORDS = 3
MAX_EXAMPLES = 3

# Title words that make no phrase on their own: a phrase may start with
# "efficient" ("efficient code") but not end with it, and may end with
# "scaling" but not start with "rethinking".
NOT_LAST = frozenset(
    """
    accurate adaptive better cheap cheaper dynamic effective efficient efficiently fast faster
    framework frameworks general high improved large larger low lightweight robust scalable simple
    small smaller strong unified
    """.split()
)
NOT_FIRST = frozenset(
    """
    accelerating addressing boosting building enabling enhancing exploring improving learning
    looking making optimizing rethinking revisiting scaling towards understanding unleashing
    """.split()
)

# Words of any research abstract: they group nothing on their own (in a
# longer phrase they may: "open-vocabulary", "data augmentation").
GENERIC_WORDS = frozenset(
    """
    ability accuracy allow allows analysis application applications approach art aspect aspects
    baseline baselines best better case cases challenge challenges code common compared
    comparison components current data design different domain effect effects efficiency
    enable enables end evaluate evaluated evaluation experiment experiments extensive factor
    factors field findings first future general goal high impact important improve improved
    improvement improvements improves including information input inputs insight insights issue
    issues key large level levels limitation limitations low main measured metric metrics model
    modeling models module modules new next number open outcome outcomes output outputs overall
    performance potential practical prior problem problems process provide provides quality range
    real recent research second setting settings show source specific strategy strategies
    structure studies success support system systems task tasks technique techniques terms third
    time times tool tools types understanding value values variety various versus vs way ways
    world release released relative adoption
    """.split()
)
# A digest this large has word counts worth trusting: a single word in more
# than GENERIC_SHARE of its papers is common to the field, unless most of
# those papers are the target's own.
GENERIC_MIN_PAPERS = 50
GENERIC_SHARE = 0.2
_SPEEDUP = re.compile(r"\d+(?:\.\d+)?x")

_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Suggestion:
    """A phrase that would group papers: how many target papers have it, and some of their ids."""

    phrase: str
    count: int
    examples: tuple[str, ...]


def target_papers(papers: Sequence[Paper], topic: str | None) -> list[Paper]:
    """Return the papers suggestions are for: a topic's, or the unsorted ones (topic None)."""
    return [p for p in papers if _in_target(p, topic)]


def _in_target(paper: Paper, topic: str | None) -> bool:
    return topic in paper.topics if topic is not None else not paper.topics


def suggest_phrases(
    papers: Sequence[Paper],
    *,
    topic: str | None = None,
    limit: int = 20,
    min_count: int = 2,
) -> list[Suggestion]:
    """Return the phrases that best group the unsorted papers, or those of `topic`, best first.

    The target set is every paper without a topic (``topic=None``) or every
    paper listing ``topic`` among its topics; the rest of ``papers`` is the
    background. A phrase's rank is its rule score summed over the target
    papers (title 3, abstract 1) times the square of its precision
    ``t / (t + r + 1)``, where t target and r background papers contain it (a
    rule built from it should catch the target papers and few others), times
    its rarity ``log((N + 1) / (t + r + 1))`` over all N papers. Phrases in
    fewer than ``min_count`` target papers are dropped, and so is a phrase
    whose longer form covers exactly the same papers ("kv" under "kv cache")
    or that every paper has.
    Single words any paper might use are left out (see GENERIC_WORDS and
    _generic). The ``limit`` best phrases are returned most papers first, then
    best first, then alphabetically, so the output is stable.
    """
    target = target_papers(papers, topic)
    if not target or limit <= 0:
        return []
    rest = [p for p in papers if not _in_target(p, topic)]
    vocabulary = {word.casefold() for paper in papers for word in _words(_text(paper))}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)

    def phrases_of(text: str, surfaces: dict[str, str]) -> set[str]:
        found: set[str] = set()
        for words in _clauses(text):
            for key, surface in _ngrams(words, vocabulary):
                found.add(key)
                surfaces.setdefault(key, surface)
        return found

    weight: Counter[str] = Counter()
    holders: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for paper in target:
        # The spelling a paper uses first counts once for it: the one most papers use wins.
        surfaces: dict[str, str] = {}
        in_title = phrases_of(paper.title, surfaces)
        in_abstract = phrases_of(paper.abstract, surfaces)
        for key, surface in surfaces.items():
            spellings[key][surface] += 1
        for key in in_title | in_abstract:
            score = TITLE_WEIGHT if key in in_title else ABSTRACT_WEIGHT
            weight[key] += score
            holders[key].append((score, paper.id))

    background: Counter[str] = Counter()
    for paper in rest:
        background.update(
            key
            for key in _paper_keys(paper, vocabulary)
            if key in weight
        )

    candidates = {
        key: ids for key, ids in holders.items()
        if len(ids) >= min_count and not _generic(key, len(ids), background[key], len(papers))
    }
    candidates = _collapse(candidates)
    def rank(key: str) -> tuple[float, int, str]:
        count = len(candidates[key])
        # One pseudo-count keeps two chance co-occurrences from looking like a cluster.
        precision = count / (count + background[key] + 1)
        # Rarity in the whole corpus: a word every paper has groups nothing.
        rarity = math.log((len(papers) + 1) / (count + background[key] + 1))
        return (-weight[key] * precision**2 * rarity, -count, key)

    ranks = {key: rank(key) for key in candidates}
    # In every paper (a rank of 0 or more), a phrase groups nothing.
    best = [key for key in sorted(candidates, key=ranks.__getitem__) if ranks[key][0] < 0][:limit]
    suggestions: list[Suggestion] = []
    # The best phrases, shown most papers first (then best first).
    for key in sorted(best, key=lambda key: (-len(candidates[key]), ranks[key])):
        examples = tuple(pid for _, pid in sorted(candidates[key], key=lambda h: (-h[0], h[1])))
        suggestions.append(Suggestion(_spelling(spellings[key]), len(candidates[key]), examples[:MAX_EXAMPLES]))
    return suggestions


def format_suggestions(suggestions: Sequence[Suggestion], about: str = "") -> str:
    """Render suggestions as a plain-text table with a `match:` hint to paste into digest.yml.

    ``about`` names the papers they group ("the 12 unsorted papers") for the line above the table.
    """
    if not suggestions:
        return f"No phrases to suggest for {about}.\n" if about else "No phrases to suggest.\n"
    width = max(len("phrase"), *(len(s.phrase) for s in suggestions))
    lines = [
        f"Phrases that would group {about or 'the papers'}, most papers first "
        "(on a tie, the one that fits them best first):",
        "",
        f"{'phrase':<{width}}  papers  hint",
    ]
    for s in suggestions:
        lines.append(f"{s.phrase:<{width}}  {s.count:>6}  match: [{s.phrase}]")
    return "\n".join(lines) + "\n"


def _text(paper: Paper) -> str:
    return f"{paper.title}\n{paper.abstract}"


def _words(text: str) -> list[str]:
    return PHRASE_WORD.findall(_URL.sub(" ", text))


def _clauses(text: str) -> Iterable[list[str]]:
    for clause in PHRASE_BREAK.split(_URL.sub(" ", text)):
        words = PHRASE_WORD.findall(clause)
        if words:
            yield words


def _ngrams(words: list[str], vocabulary: set[str]) -> Iterable[tuple[str, str]]:
    """Yield (key, surface) for each 1-3 word run that starts and ends on a content word."""
    folded = [w.casefold() for w in words]
    for start in range(len(words)):
        if not _content(folded[start]) or folded[start] in NOT_FIRST:
            continue
        for end in range(start + 1, min(start + MAX_WORDS, len(words)) + 1):
            if not _content(folded[end - 1]) or folded[end - 1] in NOT_LAST:
                continue
            last = _singular(folded[end - 1], vocabulary)
            key = " ".join(folded[start : end - 1] + [last])
            surface = words[start : end - 1] + [words[end - 1][: len(last)]]
            yield key, " ".join(_uncapitalize(word) for word in surface)


def _paper_keys(paper: Paper, vocabulary: set[str]) -> set[str]:
    return {key for words in _clauses(_text(paper)) for key, _ in _ngrams(words, vocabulary)}


def _content(word: str) -> bool:
    return word not in PHRASE_STOP_WORDS and len(word) > 1 and not word.replace("-", "").isdigit()


def _singular(word: str, vocabulary: set[str]) -> str:
    """Drop a plural ending when the singular occurs too: the rules match plurals anyway."""
    for suffix in ("es", "s"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) > 1 and stem in vocabulary and not word.endswith("ss"):
            return stem
    return word


def _collapse(candidates: dict[str, list[tuple[int, str]]]) -> dict[str, list[tuple[int, str]]]:
    """Drop each phrase that a longer phrase contains and that covers the same papers."""
    by_papers: dict[frozenset[str], list[str]] = defaultdict(list)
    for key, holders in candidates.items():
        by_papers[frozenset(pid for _, pid in holders)].append(key)
    kept: dict[str, list[tuple[int, str]]] = {}
    for keys in by_papers.values():
        for key in keys:
            padded = f" {key} "
            if not any(other != key and padded in f" {other} " for other in keys):
                kept[key] = candidates[key]
    return kept


def _generic(key: str, count: int, elsewhere: int, total: int) -> bool:
    """Tell whether a phrase is a single word that groups nothing (see GENERIC_WORDS and GENERIC_SHARE)."""
    if " " in key:
        return False
    if key in GENERIC_WORDS or _SPEEDUP.fullmatch(key) or (key.endswith("ly") and len(key) > 4):
        return True
    return total >= GENERIC_MIN_PAPERS and count + elsewhere > GENERIC_SHARE * total and elsewhere >= count


def _uncapitalize(word: str) -> str:
    """Lower-case a capitalized word ("Cache", "High-Throughput"), keeping acronyms and names ("KV", "PyTorch")."""
    return "-".join(
        part.lower() if part[:1].isupper() and part[1:] == part[1:].lower() else part for part in word.split("-")
    )


def _spelling(surfaces: Counter[str]) -> str:
    """Pick the commonest spelling of a phrase, the first in sort order on a tie."""
    return min(surfaces.items(), key=lambda item: (-item[1], item[0]))[0]
