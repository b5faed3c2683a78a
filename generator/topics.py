"""Sort papers into the curator's topics, and say why each landed where it did."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config import Topic
from .models import Paper

TITLE_WEIGHT = 3
ABSTRACT_WEIGHT = 1


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


class TopicMatcher:
    """Compiled rules of one topic: one pattern for its phrases, one for excludes."""

    def __init__(self, topic: Topic) -> None:
        self.topic = topic
        self.phrases = _pattern(topic.match)
        self.excludes = _pattern(topic.exclude)
        self.regex = re.compile(topic.regex, re.IGNORECASE) if topic.regex else None
        self._canonical = {" ".join(p.split()).casefold(): p for p in topic.match}

    def score(self, paper: Paper) -> tuple[int, list[Match]]:
        """Return the paper's score for this topic and the matches that made it."""
        for text in (paper.title, paper.abstract):
            if self.excludes and self.excludes.search(text):
                return 0, []
        score, matches = 0, []
        for field, text, weight in (
            ("title", paper.title, TITLE_WEIGHT),
            ("abstract", paper.abstract, ABSTRACT_WEIGHT),
        ):
            found = self._found(text)
            score += weight * len(found)
            matches += [Match(self.topic.id, phrase, field) for phrase in found]
        return score, matches

    def _found(self, text: str) -> list[str]:
        found: dict[str, None] = {}
        if self.phrases:
            for hit in self.phrases.finditer(text):
                found.setdefault(self._canonical_phrase(hit.group(0)))
        if self.regex:
            for hit in self.regex.finditer(text):
                found.setdefault(f"/{self.topic.regex}/")
                break
        return list(found)


    def _canonical_phrase(self, hit: str) -> str:
        key = " ".join(hit.split()).casefold()
        for candidate in (key, key.removesuffix("s"), key.removesuffix("es")):
            if candidate in self._canonical:
                return self._canonical[candidate]
        return hit


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    # Longest first, so "kv cache compression" wins over "kv cache"; a plural
    # "s"/"es" still matches, so "KV caches" counts for "KV cache".
    alternatives = "|".join(
        r"\s+".join(re.escape(word) for word in phrase.split())
        for phrase in sorted(phrases, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:e?s)?(?!\w)", re.IGNORECASE)


def classify(papers: list[Paper], topics: tuple[Topic, ...]) -> dict[str, Assignment]:
    """Assign each paper the topics whose rules it meets, best score first."""
    matchers = [TopicMatcher(topic) for topic in topics]
    order = {topic.id: index for index, topic in enumerate(topics)}
    result: dict[str, Assignment] = {}
    for paper in papers:
        scored: list[tuple[int, str]] = []
        matches: list[Match] = []
        for matcher in matchers:
            score, found = matcher.score(paper)
            if score >= max(matcher.topic.min_score, 1):
                scored.append((score, matcher.topic.id))
                matches += found
        scored.sort(key=lambda item: (-item[0], order[item[1]]))
        result[paper.id] = Assignment(tuple(topic for _, topic in scored), tuple(matches))
    return result
