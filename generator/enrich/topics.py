"""Sort papers into the curator's topics, and say why each landed where it did.

A topic's score for a paper counts each distinct phrase of its rules found in
the title (3 each) and the abstract (1 each). Phrases match case-insensitively
(Unicode case folding) on whole words, with a plural "s"/"es" allowed at the
end, and any run of spaces in the text matches a space in the phrase. A phrase
of one plain word is found by a set lookup over the text's words; a longer one
is looked for only when every word it needs is in the text, so classifying
stays fast for many topics and papers. A topic's `regex` runs as written, on
the text that holds what its every match needs (see regex_needs). Words are
cut as tokens.TOPIC_WORD cuts them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

from ..config import Topic
from ..executor import SERIAL, Executor, split
from ..models import Paper
from .regex_needs import places, regex_check
from .text import collapse_spaces
from .tokens import TOPIC_WORD, is_word_char, topic_words_among

TITLE_WEIGHT = 3
ABSTRACT_WEIGHT = 1
CLASSIFY_PARTS = 4  # runs of papers handed to the workers


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
    if TOPIC_WORD.fullmatch(folded):
        return _Rule(topic, phrase, frozenset({folded}), "")
    return _Rule(topic, phrase, frozenset(TOPIC_WORD.findall(folded)), folded)


def _contains_phrase(folded: str, literal: str) -> bool:
    """Tell whether literal occurs in folded as whole words, maybe with a plural ending."""
    for start in places(folded, (literal,)):
        end = start + len(literal)
        if start == 0 or not is_word_char(folded[start - 1]):
            for suffix in ("", "s", "es"):
                stop = end + len(suffix)
                if folded.startswith(suffix, end) and (stop == len(folded) or not is_word_char(folded[stop])):
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
        # (topic index, "/regex/", the check that tells whether it matches)
        self.regexes = [
            (index, f"/{topic.regex}/", regex_check(topic.regex).found_in)
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
            words = topic_words_among(folded, self.vocabulary)
            excluded |= {self.excludes.rules[i].topic for i in self.excludes.found(words, folded)}
            for index in sorted(self.matches.found(words, folded)):
                rule = self.matches.rules[index]
                found[rule.topic].append((rule.phrase, field, weight))
            # Each regex scans alone: one alternation of them all scans slower.
            for topic, phrase, found_in in self.regexes:
                if found_in(text, lowered):
                    found[topic].append((phrase, field, weight))
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
