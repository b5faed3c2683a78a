"""Run a topic's regex only on text that can match it (a speed trick, with its plain version beside it).

Running a regex at every position of 50,000 abstracts is slow; looking for a
few literal texts is fast. So each topic regex gets, from its own syntax:

- needs: sets of lowercased ASCII texts such that every match holds one text
  of each set (``key[- ]value`` needs "key" and "value");
- starts: texts one of which every match starts with, so the regex is tried
  only where one of them occurs.

RegexCheck.found_in answers what the plain ``pattern.search(text) is not
None`` answers (tests check it on generated regexes and texts). It uses the
texts only on ASCII text, where a case-insensitive match of an ASCII letter is
a match of its lower case. The regex syntax is read by a small parser of our
own, for the part of it the texts come from; anything else adds no text, and
a regex it cannot read (a conditional group, verbose mode) runs everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class RegexCheck:
    """A case-insensitive regex with the texts its every match needs (one of each set) and starts with, in lower case."""

    pattern: re.Pattern[str]
    needs: tuple[frozenset[str], ...] = ()
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
            return any(self.pattern.match(text, start) for start in places(lowered, self.starts))
        return self.pattern.search(text) is not None


def regex_check(regex: str) -> RegexCheck:
    """Compile a topic's regex (case-insensitive) with the texts it needs and starts with."""
    return RegexCheck(re.compile(regex, re.IGNORECASE), needed_texts(regex), start_texts(regex))


def places(text: str, literals: Iterable[str]) -> Iterator[int]:
    """Yield every index of text where one of literals starts."""
    for literal in literals:
        start = text.find(literal)
        while start != -1:
            yield start
            start = text.find(literal, start + 1)


def needed_texts(regex: str) -> tuple[frozenset[str], ...]:
    """Return sets of lowercased ASCII texts such that every match of regex holds one text of each set.

    Runs of ASCII literals in the regex, in groups and alternatives too, are
    what a match must hold. What the regex does not spell out (character
    sets, anchors, lookarounds, optional parts) adds no set, so a regex with
    no literal text gets none and always runs.
    """
    alternatives = _parse(regex)
    return tuple(_group_needs(alternatives)) if alternatives is not None else ()


def start_texts(regex: str) -> frozenset[str]:
    """Return lowercased ASCII texts one of which every match of regex starts with (empty if unknown)."""
    alternatives = _parse(regex)
    return (_group_starts(alternatives) if alternatives is not None else None) or frozenset()


# Parsed items: ("lit", character); ("any",) for anything that matches text
# not spelled out (a set, ".", "\w", a backreference); ("at",) for an anchor,
# which matches no text (^, $, \b, \B, \A, \Z); ("look",) for a lookaround;
# ("group", alternatives), each alternative a list of items; and
# ("repeat", least, item) for an item with a quantifier.
Item = tuple[object, ...]
_ANY: Item = ("any",)
_AT: Item = ("at",)
_LOOK: Item = ("look",)
_QUANTIFIER = re.compile(r"\{(?=[0-9,])(?P<least>[0-9]*)(?:,[0-9]*)?\}")
_ESCAPED_CHARACTERS = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_DIGITS = "0123456789"
_OCTAL = "01234567"
_FLAGS = re.compile(r"(?P<on>[aiLmsux]*)(?:-(?P<off>[imsx]*))?(?P<end>[:)])")


class _Unreadable(Exception):
    """The regex uses syntax the parser does not read."""


def _parse(regex: str) -> list[list[Item]] | None:
    """Return the alternatives of a regex, each a list of items, or None when it cannot be read."""
    try:
        return _Parser(regex).parse()
    except (_Unreadable, ValueError):  # ValueError: a name or comment that never ends
        return None


class _Parser:
    """Read a regex that compiles into items, as far as the needed texts go."""

    def __init__(self, regex: str) -> None:
        self.text = regex
        self.at = 0

    def parse(self) -> list[list[Item]]:
        """Return the regex's alternatives, each a list of items."""
        alternatives = self._alternatives()
        if self.at != len(self.text):
            raise _Unreadable  # a ")" without its "("
        return alternatives

    def _next(self) -> str:
        if self.at >= len(self.text):
            raise _Unreadable
        char = self.text[self.at]
        self.at += 1
        return char

    def _alternatives(self) -> list[list[Item]]:
        alternatives: list[list[Item]] = [[]]
        while self.at < len(self.text) and self.text[self.at] != ")":
            if self.text[self.at] == "|":
                self.at += 1
                alternatives.append([])
                continue
            item = self._item()
            if item is not None:
                alternatives[-1].append(self._quantified(item))
        return alternatives

    def _item(self) -> Item | None:
        """Read one item (None for what matches nothing and holds nothing: flags, a comment)."""
        char = self._next()
        if char == "\\":
            return self._escape()
        if char == "[":
            self._skip_set()
            return _ANY
        if char == "(":
            return self._group()
        if char == ".":
            return _ANY
        if char in "^$":
            return _AT
        if char in "*+?":
            raise _Unreadable  # nothing to repeat: no regex that compiles
        return ("lit", char)  # "{" too, where it starts no quantifier

    def _quantified(self, item: Item) -> Item:
        char = self.text[self.at] if self.at < len(self.text) else ""
        if char in ("*", "+", "?"):
            least = 1 if char == "+" else 0
            self.at += 1
        elif char == "{" and (bounds := _QUANTIFIER.match(self.text, self.at)):
            least = int(bounds["least"] or 0)
            self.at = bounds.end()
        else:
            return item
        if self.at < len(self.text) and self.text[self.at] in "?+":
            self.at += 1  # lazy or possessive: the same texts
        return ("repeat", least, item)

    def _escape(self) -> Item:
        char = self._next()
        if char in "bBAZ":
            return _AT
        if char in "dDsSwW":
            return _ANY
        if char in _ESCAPED_CHARACTERS:
            return ("lit", _ESCAPED_CHARACTERS[char])
        if char in "xuU":
            self.at += {"x": 2, "u": 4, "U": 8}[char]
            return _ANY
        if char == "N":
            self.at = self.text.index("}", self.at) + 1
            return _ANY
        if char == "0":
            self._skip(_OCTAL, 2)  # an octal escape
            return _ANY
        if char in _DIGITS:
            # A backreference (\1, \12) or an octal escape (\123).
            if self.at < len(self.text) and self.text[self.at] in _DIGITS:
                second = self._next()
                if char in _OCTAL and second in _OCTAL:
                    self._skip(_OCTAL, 1)
            return _ANY
        if char.isascii() and char.isalpha():
            raise _Unreadable
        return ("lit", char)

    def _skip(self, allowed: str, most: int) -> None:
        for _ in range(most):
            if self.at < len(self.text) and self.text[self.at] in allowed:
                self.at += 1

    def _skip_set(self) -> None:
        """Skip a character set, its "[" already read: a "]" first in it is one of its characters."""
        if self.text.startswith("^", self.at):
            self.at += 1
        first = True
        while True:
            char = self._next()
            if char == "]" and not first:
                return
            if char == "\\":
                self._next()
            first = False

    def _group(self) -> Item | None:
        """Read a group, its "(" already read."""
        kind: Item | None = None
        if self.text.startswith("?", self.at):
            self.at += 1
            char = self._next()
            if char in "=!":
                kind = _LOOK
            elif char == "<":
                if self._next() not in "=!":
                    raise _Unreadable
                kind = _LOOK
            elif char == "P" and self.text.startswith("<", self.at):
                self.at = self.text.index(">", self.at) + 1  # a named group
            elif char == "P" and self.text.startswith("=", self.at):
                self.at = self.text.index(")", self.at) + 1  # a backreference by name
                return _ANY
            elif char == "#":
                self.at = self.text.index(")", self.at) + 1  # a comment
                return None
            elif char in ":>":
                pass  # a group that does not capture, or an atomic one
            else:
                flags = _FLAGS.match(self.text, self.at - 1)
                if flags is None or "x" in flags["on"] + (flags["off"] or ""):
                    raise _Unreadable  # a conditional group, or verbose mode
                self.at = flags.end()
                if flags["end"] == ")":
                    return None  # flags for the whole regex
        alternatives = self._alternatives()
        if self._next() != ")":
            raise _Unreadable
        return kind if kind is not None else ("group", alternatives)


def _is_ascii_literal(item: Item) -> bool:
    return item[0] == "lit" and str(item[1]) < "\x80"


def _sequence_needs(items: list[Item]) -> list[frozenset[str]]:
    """Return the needed-text sets of a sequence of items."""
    needs: list[frozenset[str]] = []
    run: list[str] = []
    for item in [*items, _ANY]:
        if _is_ascii_literal(item):
            run.append(str(item[1]).lower())
            continue
        if run:
            needs.append(frozenset({"".join(run)}))
            run = []
        if item[0] == "group":
            needs += _group_needs(item[1])  # type: ignore[arg-type]
        elif item[0] == "repeat" and int(item[1]) >= 1:  # type: ignore[call-overload]
            needs += _sequence_needs([item[2]])  # type: ignore[list-item]
    return needs


def _group_needs(alternatives: list[list[Item]]) -> list[frozenset[str]]:
    """Return the needed-text sets of a group: its one alternative's, or one set for its alternatives."""
    if len(alternatives) == 1:
        return _sequence_needs(alternatives[0])
    either: set[str] = set()
    for alternative in alternatives:
        needs = _sequence_needs(alternative)
        if not needs:
            return []  # this alternative needs no text: neither does the group
        # The set whose shortest text is longest is the one that rules out most.
        either |= max(needs, key=lambda texts: min(map(len, texts)))
    return [frozenset(either)]


def _sequence_starts(items: list[Item]) -> frozenset[str] | None:
    """Return the texts one of which a match of the items starts with, or None when unknown."""
    run: list[str] = []
    for item in items:
        if item[0] == "at" and not run:
            continue  # \b or ^ takes no text: the next item starts the match
        if _is_ascii_literal(item):
            run.append(str(item[1]).lower())
            continue
        if run:
            break
        if item[0] == "group":
            return _group_starts(item[1])  # type: ignore[arg-type]
        if item[0] == "repeat" and int(item[1]) >= 1:  # type: ignore[call-overload]
            return _sequence_starts([item[2]])  # type: ignore[list-item]
        return None
    return frozenset({"".join(run)}) if run else None


def _group_starts(alternatives: list[list[Item]]) -> frozenset[str] | None:
    starts = [_sequence_starts(alternative) for alternative in alternatives]
    if any(not texts for texts in starts):
        return None
    return frozenset().union(*starts)  # type: ignore[arg-type]
