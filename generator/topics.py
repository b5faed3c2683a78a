"""Sort papers into the curator's topics, and say why each landed where it did.

A topic's score for a paper counts each distinct phrase of its rules found in
the title (3 each) and the abstract (1 each). Phrases match case-insensitively
(Unicode case folding) on whole words, with a plural "s"/"es" allowed at the
end, and any run of spaces in the text matches a space in the phrase. A phrase
of one plain word is found by a set lookup over the text's words; a longer one
is looked for only when every word it needs is in the text, so classifying
stays fast for many topics and papers. A topic's `regex` runs as written.
"""

from __future__ import annotations

import re
import re._parser as regex_parser  # to read what text a topic's regex needs (see _needed_texts)
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from .config import Topic
from .models import Paper
from .executor import SERIAL, Executor, split
from .text import collapse_spaces

TITLE_WEIGHT = 3
ABSTRACT_WEIGHT = 1
CLASSIFY_PARTS = 4  # runs of papers handed to the workers
_WORD = re.compile(r"\w+")
# In ASCII text the words _WORD finds are what is left between the other
# characters; str.translate and str.split find them in C.
_ASCII_NON_WORD = {code: " " for code in range(128) if not (chr(code).isalnum() or chr(code) == "_")}


@dataclass(frozen=True)
class Match:
    """One rule that put a paper in a topic."""

    topic: str
    phrase: str
    field: str  # "title" or "abstract"

    def as_json(self) -> dict[str, str]:
        return {"topic": self.topic, "phrase": self.phrase, "field": self.field}


@dataclass(frozen=True)
class Assignment:
    """The topics of one paper, primary first, with the matches behind them."""

    topics: tuple[str, ...]
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class _Rule:
    """One phrase (or regex) of one topic, ready to look for."""

    topic: int  # index in the taxonomy
    phrase: str  # as the curator wrote it, or /regex/
    needs: frozenset[str]  # case-folded words that must all be in the text
    literal: str  # "" for a single plain word (found by lookup), else the folded phrase


def _rule(topic: int, phrase: str) -> _Rule:
    folded = " ".join(phrase.casefold().split())
    if _WORD.fullmatch(folded):
        return _Rule(topic, phrase, frozenset({folded}), "")
    return _Rule(topic, phrase, frozenset(_WORD.findall(folded)), folded)


def _words_among(folded: str, vocabulary: frozenset[str]) -> set[str]:
    """Return the words of a text (as _WORD finds them) that are in vocabulary."""
    if folded.isascii():
        return vocabulary.intersection(folded.translate(_ASCII_NON_WORD).split())
    return vocabulary.intersection(_WORD.findall(folded))


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _contains_phrase(folded: str, literal: str) -> bool:
    """Tell whether literal occurs in folded as whole words, maybe with a plural ending."""
    for start in _places(folded, (literal,)):
        end = start + len(literal)
        if start == 0 or not _is_word_char(folded[start - 1]):
            for suffix in ("", "s", "es"):
                stop = end + len(suffix)
                if folded.startswith(suffix, end) and (stop == len(folded) or not _is_word_char(folded[stop])):
                    return True
    return False


class _Rules:
    """Every phrase of a set of rules, indexed by the words that can trigger them."""

    def __init__(self, rules: list[_Rule]) -> None:
        self.rules = rules
        # A plain word also matches its plural in the text.
        self.by_word: dict[str, list[int]] = defaultdict(list)
        self.by_need: dict[str, list[int]] = defaultdict(list)
        for index, rule in enumerate(rules):
            if not rule.literal:
                (word,) = rule.needs
                for form in (word, word + "s", word + "es"):
                    self.by_word[form].append(index)
            elif rule.needs:
                key = max(rule.needs, key=len)
                for form in (key, key + "s", key + "es"):
                    self.by_need[form].append(index)
        # The last word of a phrase may be plural in the text, so a phrase's
        # word is there when the word or its "s"/"es" plural is.
        self.needed_by_form: dict[str, set[str]] = defaultdict(set)
        for rule in rules:
            if rule.literal:
                for need in rule.needs:
                    for form in (need, need + "s", need + "es"):
                        self.needed_by_form[form].add(need)
        # Every word found() looks up: words not among them change nothing.
        self.vocabulary = frozenset(self.by_word) | frozenset(self.by_need) | frozenset(self.needed_by_form)

    def found(self, words: set[str], folded: str) -> set[int]:
        """Return the indexes of the rules found in a text.

        ``folded`` is the text case-folded with single spaces, ``words`` its
        words, or those of them in the rules' vocabulary.
        """
        hits: set[int] = set()
        for word in words & self.by_word.keys():
            hits.update(self.by_word[word])
        candidates = {i for word in words & self.by_need.keys() for i in self.by_need[word]}
        if not candidates:
            return hits
        present = set().union(*(self.needed_by_form[form] for form in words & self.needed_by_form.keys()))
        for index in candidates:
            rule = self.rules[index]
            if rule.needs <= present and _contains_phrase(folded, rule.literal):
                hits.add(index)
        return hits


class TopicClassifier:
    """Compiled rules of a whole taxonomy."""

    def __init__(self, topics: tuple[Topic, ...]) -> None:
        self.topics = topics
        parent_of = {topic.id: topic.parent for topic in topics}
        # On a tie, the more specific topic (deeper under its parents) wins.
        self.depth = [_depth(topic.id, parent_of) for topic in topics]
        matches: list[_Rule] = []
        excludes: list[_Rule] = []
        for index, topic in enumerate(topics):
            matches += [_rule(index, phrase) for phrase in topic.match]
            excludes += [_rule(index, phrase) for phrase in topic.exclude]
        self.matches = _Rules(matches)
        self.excludes = _Rules(excludes)
        self.vocabulary = self.matches.vocabulary | self.excludes.vocabulary
        self.regexes = [
            _Regex(
                index, f"/{topic.regex}/", re.compile(topic.regex, re.IGNORECASE),
                _needed_texts(topic.regex), _start_texts(topic.regex),
            )
            for index, topic in enumerate(topics)
            if topic.regex
        ]
        # One Match object per rule and field, shared by every paper it puts in
        # a topic: cheaper to make, and a worker's results pickle each once.
        self._shared: dict[tuple[int, str, str], Match] = {}

    def assign(self, paper: Paper) -> Assignment:
        """Return the paper's topics, best score first; ties go to sub-topics, then taxonomy order."""
        fields = (("title", paper.title, TITLE_WEIGHT), ("abstract", paper.abstract, ABSTRACT_WEIGHT))
        found: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
        excluded: set[int] = set()
        for field, text, weight in fields:
            lowered = text.lower() if text.isascii() else None
            folded = collapse_spaces(text.casefold())
            words = _words_among(folded, self.vocabulary)
            excluded |= {self.excludes.rules[i].topic for i in self.excludes.found(words, folded)}
            for index in sorted(self.matches.found(words, folded)):
                rule = self.matches.rules[index]
                found[rule.topic].append((rule.phrase, field, weight))
            # Each regex scans alone: one alternation of them all scans slower.
            for regex in self.regexes:
                if regex.found_in(text, lowered):
                    found[regex.topic].append((regex.phrase, field, weight))
        scored = sorted(
            (-sum(weight for _, _, weight in hits), -self.depth[topic], topic)
            for topic, hits in found.items()
            if topic not in excluded
            and sum(weight for _, _, weight in hits) >= max(self.topics[topic].min_score, 1)
        )
        chosen = [topic for _, _, topic in scored]
        return Assignment(
            tuple(self.topics[topic].id for topic in chosen),
            tuple(
                self._match(topic, phrase, field)
                for topic in sorted(chosen)
                for phrase, field, _ in found[topic]
            ),
        )

    def _match(self, topic: int, phrase: str, field: str) -> Match:
        key = (topic, phrase, field)
        match = self._shared.get(key)
        if match is None:
            match = self._shared[key] = Match(self.topics[topic].id, phrase, field)
        return match


@dataclass(frozen=True)
class _Regex:
    """A topic's regex, texts its every match holds (one of each set) and texts one of which it starts with, in lower case."""

    topic: int  # index in the taxonomy
    phrase: str  # /regex/
    pattern: re.Pattern[str]
    needs: tuple[frozenset[str], ...]
    starts: frozenset[str] = frozenset()  # empty when unknown

    def found_in(self, text: str, lowered: str | None) -> bool:
        """Tell whether the regex matches text; ``lowered`` is text.lower() for ASCII text, else None."""
        if lowered is None:
            return self.pattern.search(text) is not None
        # Looking for a few words is much faster than running the regex at every
        # position. In ASCII text, a case-insensitive match of an ASCII letter is
        # just a match of its lower case.
        if not all(any(need in lowered for need in group) for group in self.needs):
            return False
        if self.starts:
            # Every match starts with one of these texts: try the regex only there.
            return any(self.pattern.match(text, start) for start in _places(lowered, self.starts))
        return self.pattern.search(text) is not None


def _places(text: str, literals: Iterable[str]) -> Iterator[int]:
    """Yield every index of text where one of literals starts."""
    for literal in literals:
        start = text.find(literal)
        while start != -1:
            yield start
            start = text.find(literal, start + 1)


def _needed_texts(regex: str) -> tuple[frozenset[str], ...]:
    """Return sets of lowercased ASCII texts such that every match of regex holds one text of each set.

    Runs of ASCII letters (and other ASCII literals) in the regex, in groups
    and alternatives too, are what a match must hold. What the regex does not
    spell out (character sets, anchors, lookarounds, optional parts) adds no
    set, so a regex with no literal text gets none and always runs.
    """
    return tuple(_sequence_needs(list(regex_parser.parse(regex, re.IGNORECASE))))


def _start_texts(regex: str) -> frozenset[str]:
    """Return lowercased ASCII texts one of which every match of regex starts with (empty if unknown)."""
    return _sequence_starts(list(regex_parser.parse(regex, re.IGNORECASE))) or frozenset()


def _sequence_starts(items: list[tuple[object, object]]) -> frozenset[str] | None:
    """Return the start texts of a sequence of parsed regex items, or None when unknown."""
    run: list[str] = []
    for op, value in items:
        if op is regex_parser.AT and not run:
            continue  # \b or ^ takes no text: the next item starts the match
        if op is regex_parser.LITERAL and isinstance(value, int) and value < 128:
            run.append(chr(value).lower())
            continue
        if run:
            break
        if op is regex_parser.SUBPATTERN and isinstance(value, tuple):
            return _sequence_starts(list(value[-1]))
        if op is regex_parser.BRANCH and isinstance(value, tuple):
            alternatives = [_sequence_starts(list(alternative)) for alternative in value[1]]
            return None if any(not texts for texts in alternatives) else frozenset().union(*alternatives)  # type: ignore[arg-type]
        if op in (regex_parser.MAX_REPEAT, regex_parser.MIN_REPEAT) and isinstance(value, tuple) and value[0] >= 1:
            return _sequence_starts(list(value[2]))
        return None
    return frozenset({"".join(run)}) if run else None


def _sequence_needs(items: list[tuple[object, object]]) -> list[frozenset[str]]:
    """Return the needed-text sets of a sequence of parsed regex items."""
    needs: list[frozenset[str]] = []
    run: list[str] = []
    for op, value in items + [(None, None)]:
        if op is regex_parser.LITERAL and isinstance(value, int) and value < 128:
            run.append(chr(value).lower())
            continue
        if run:
            needs.append(frozenset({"".join(run)}))
            run = []
        if op is regex_parser.SUBPATTERN and isinstance(value, tuple):
            needs += _sequence_needs(list(value[-1]))
        elif op is regex_parser.BRANCH and isinstance(value, tuple):
            either = _branch_needs(value[1])
            if either:
                needs.append(either)
        elif op in (regex_parser.MAX_REPEAT, regex_parser.MIN_REPEAT) and isinstance(value, tuple) and value[0] >= 1:
            needs += _sequence_needs(list(value[2]))
    return needs


def _branch_needs(alternatives: list[object]) -> frozenset[str]:
    """Return texts one of which every match of one of the alternatives holds (empty if unknown)."""
    either: set[str] = set()
    for alternative in alternatives:
        needs = _sequence_needs(list(alternative))  # type: ignore[call-overload]
        if not needs:
            return frozenset()
        # The set whose shortest text is longest is the one that rules out most.
        either |= max(needs, key=lambda texts: min(map(len, texts)))
    return frozenset(either)


def _depth(topic: str, parent_of: dict[str, str | None]) -> int:
    depth, seen = 0, {topic}
    while (parent := parent_of.get(topic)) is not None and parent not in seen:
        depth, topic = depth + 1, parent
        seen.add(parent)
    return depth


def classify(papers: list[Paper], topics: tuple[Topic, ...], executor: Executor = SERIAL) -> dict[str, Assignment]:
    """Assign each paper the topics whose rules it meets, best score first."""
    classifier = TopicClassifier(topics)

    def assign(run: Sequence[int]) -> list[Assignment]:
        return [classifier.assign(papers[index]) for index in run]

    # Papers are classified one by one, so runs of them can go to the workers
    # (as index ranges: the workers already have the papers).
    parts = executor.map(assign, split(range(len(papers)), CLASSIFY_PARTS))
    return {paper.id: assignment for paper, assignment in zip(papers, chain.from_iterable(parts))}
