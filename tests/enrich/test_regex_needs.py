"""A topic's regex runs only where it can match, and finds exactly what the plain regex finds."""

from __future__ import annotations

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.config import load_config
from generator.enrich.regex_needs import RegexCheck, needed_texts, regex_check, start_texts

from ..conftest import PROJECT

# Mostly literal text, which the check's texts come from, with everything else the parser reads.
LITERALS = st.sampled_from(["a", "b", "k", "K", "ab", "Ab", "ba", " ", "e "])
OTHERS = st.sampled_from([
    r"\.", ".", "[ab]", "[^a ]", "[]a]", r"\w", r"\s", r"\d", "é", r"\(", "{", "1", "^", "$",
    r"\b", r"\B", r"\A", r"\Z", r"\x41", r"\n",
])  # fmt: skip
QUANTIFIERS = st.sampled_from(["*", "+", "?", "{2}", "{0,2}", "{1,}", "{,1}", "*?", "+?", "??", "{1,2}?", "*+"])
GROUPS = st.sampled_from(["({})", "(?:{})", "(?P<n>{})", "(?-i:{})", "(?>{})", "(?i:{})"])
LOOKAROUNDS = st.sampled_from(["(?={})", "(?!{})", "(?<={})", "(?<!{})", "({})\\1"])


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    joined = st.lists(children, min_size=2, max_size=4).map("".join)
    return st.one_of(
        joined, joined, joined,
        st.lists(children, min_size=2, max_size=3).map("|".join),
        st.lists(children, min_size=2, max_size=3).map("|".join),
        st.tuples(st.sampled_from(["a", "b", "K", r"\.", "[ab]"]), QUANTIFIERS).map("".join),
        st.tuples(children, QUANTIFIERS).map(lambda pair: f"(?:{pair[0]}){pair[1]}"),
        st.tuples(GROUPS, children).map(lambda pair: pair[0].format(pair[1])),
        st.tuples(GROUPS, children, QUANTIFIERS).map(lambda triple: triple[0].format(triple[1]) + triple[2]),
        st.tuples(LOOKAROUNDS, children).map(lambda pair: pair[0].format(pair[1])),
    )


REGEXES = st.recursive(st.one_of(LITERALS, LITERALS, OTHERS), _extend, max_leaves=10)
TEXTS = st.lists(st.sampled_from(["a", "b", "k", "K", "ab", "Ab", "ba", "e ", " ", ".", "1", "é", "\n", "\u212a", "("]), max_size=8).map("".join)


def _compiles(regex: str) -> re.Pattern[str] | None:
    try:
        return re.compile(regex, re.IGNORECASE)
    except re.error:
        return None


def _agrees(regex: str, texts: list[str]) -> None:
    """Assert the check of regex answers as the regex does on every text."""
    pattern = _compiles(regex)
    assert pattern is not None
    check = RegexCheck(pattern, needed_texts(regex), start_texts(regex))
    for text in texts:
        lowered = text.lower() if text.isascii() else None
        assert check.found_in(text, lowered) == (pattern.search(text) is not None), (regex, text)


@settings(max_examples=2000)
@given(REGEXES, st.data())
def test_the_check_finds_exactly_what_the_regex_finds(regex, data):
    assume(_compiles(regex) is not None)
    # Texts of the regex's own letters, and others: matches, near misses and neither.
    own = sorted({char for char in regex if char.isalpha()} | {" ", "x"})
    texts = data.draw(st.lists(TEXTS | st.text(alphabet=own, max_size=8), min_size=1, max_size=8))
    _agrees(regex, texts)


def test_the_check_agrees_on_every_short_regex_of_these_pieces():
    pieces = ["a", "b", "ab", " ", ".", "[ab]", r"\w", "^", r"\b", "(?=a)", "(?<=a)", "b?", "a+", "(?:ab)*", "(a|b)", "(a|)", "(?:x|ab)"]
    texts = ["", "a", "b", "ab", "ba", "xab", "abab", "a b", "Ab", "xa", "bx", "é", "b\u212a"]
    for first in pieces:
        for second in pieces:
            for third in ["", *pieces]:
                regex = first + second + third
                if _compiles(regex) is not None:
                    _agrees(regex, texts)
                    _agrees(f"{regex}|k", texts)


def test_the_bundled_regexes_are_all_checked_before_they_run():
    topics = [topic for topic in load_config(PROJECT / "digest.yml").topics if topic.regex]
    assert topics
    for topic in topics:
        check = regex_check(topic.regex)  # type: ignore[arg-type]
        assert check.needs and check.starts, topic.regex


def test_syntax_it_cannot_read_makes_the_regex_run_everywhere():
    for regex in [r"(?x) fast \s code", r"(a)?(?(1)b|c)", r"(?x:a b)"]:
        assert _compiles(regex) is not None
        assert needed_texts(regex) == () and start_texts(regex) == frozenset()
    # What it reads around the unknown still counts.
    assert needed_texts(r"key(?#a comment)value") == (frozenset({"keyvalue"}),)
    assert needed_texts(r"(?i)KV\x41cache") == (frozenset({"kv"}), frozenset({"cache"}))


def test_a_regex_needs_the_literal_text_of_every_match():
    regex = r"\b(fast|optimi[sz]ed)(\s+\w+){0,2}\s+(code|kernels?)\b"
    assert needed_texts(regex) == (frozenset({"fast", "optimi"}), frozenset({"code", "kernel"}))
    assert needed_texts("[ab]+|c") == ()


def test_a_regex_starts_with_the_literal_text_of_its_first_items():
    regex = r"\b(fast|optimi[sz]ed|performance of)(\s+\w+){0,2}\s+(code|kernels?)\b"
    assert start_texts(regex) == frozenset({"fast", "optimi", "performance of"})
    assert start_texts(r"^(?:Key)+[- ]value") == frozenset({"key"})
    # Unknown: a character set, an optional or a look-behind first.
    assert start_texts("[ab]+|c") == start_texts(r"x?y") == start_texts(r"(?<=a)b") == frozenset()


def test_the_needed_text_check_never_changes_what_a_regex_finds():
    regexes = [
        r"key[- ]value\s*(\(KV\)\s*)?(cach\w*|pairs)", r"(?-i:GPU)s?", r"a|b", r"\bFAST(?:er)? code", "Ka",
        r"\b(fast|faster|efficient|optimi[sz]ed|performance of)(\s+[\w-]+){0,2}\s+(code|programs?|kernels?)\b",
        r"^fast", r"(?m)^fast",
    ]  # fmt: skip
    texts = [
        "Key-Value caching", "key value pairs", "gpus", "GPUs", "fast code", "Faster CODE", "b", "", "\u212aa", "KA",
        "unfast code", "a faster fast code", "efficient GPU kernels", "the performance of compiled programs",
        "slow\nfast", "fast fast",
    ]  # fmt: skip
    for regex in regexes:
        pattern = re.compile(regex, re.IGNORECASE)
        check = RegexCheck(pattern, needed_texts(regex), start_texts(regex))
        for text in texts:
            lowered = text.lower() if text.isascii() else None
            assert check.found_in(text, lowered) == (pattern.search(text) is not None), (regex, text)
