"""The rules that cut text into words: each fast path cuts the same words as the regex it stands in for."""

from __future__ import annotations

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from generator.enrich import text, tokens
from generator.enrich.tokens import (
    TOPIC_WORD,
    method_names,
    method_names_plain,
    name_words,
    name_words_plain,
    words,
    words_plain,
)

# ASCII takes the fast paths; the rest checks the slow ones stay whole.
TEXT = st.text(alphabet=string.printable + "$_^{}‐‑–é日ﬁ²Ａ", max_size=80)
ASCII_TEXT = st.text(alphabet=string.printable, max_size=80)


@given(ASCII_TEXT)
def test_topic_words_of_ascii_text_are_what_the_regex_finds(sample):
    folded = sample.casefold()
    assert folded.translate(tokens._ASCII_NON_WORD).split() == TOPIC_WORD.findall(folded)


def test_topic_words_among_keeps_only_the_vocabulary():
    vocabulary = frozenset({"kv", "cache", "日本"})
    assert tokens.topic_words_among("kv-cache_x 2kv", vocabulary) == {"kv"}
    assert tokens.topic_words_among("kv 日本 cache", vocabulary) == {"kv", "cache", "日本"}


@given(TEXT)
def test_related_words_and_names_are_what_the_plain_rules_give(sample):
    assert words(sample) == words_plain(sample)
    assert method_names(sample) == method_names_plain(sample)
    # Counted in order of first appearance, as the term matrix needs.
    assert list(tokens.word_counts(sample)) == list(dict.fromkeys(words_plain(sample)))
    assert list(tokens.name_presence(sample)) == list(dict.fromkeys(method_names_plain(sample)))


@given(TEXT)
def test_name_words_are_what_the_regex_finds(sample):
    canonical = tokens.canonical_names(sample)
    assert name_words(canonical) == name_words_plain(canonical)
    assert name_words(sample) == name_words_plain(sample)


@given(TEXT)
def test_clean_text_and_collapse_spaces_fast_paths_equal_the_plain_ones(sample):
    assert text.clean_text(sample) == " ".join(sample.translate(text._CLEAN).split())
    cleaned = text.clean_text(sample)
    assert text.collapse_spaces(cleaned) == " ".join(cleaned.split())


def test_the_two_method_name_rules_differ_where_their_docstrings_say():
    # Mentions: a digit makes a name, generic acronyms never do.
    assert tokens.looks_like_method_name("h2o") and not tokens.looks_coined("h2o")
    assert tokens.looks_coined("ViT") and not tokens.looks_like_method_name("ViT")
    assert tokens.looks_coined("LLM") and not tokens.looks_like_method_name("LLM")
    assert tokens.looks_like_method_name("SnapKV") and tokens.looks_coined("SnapKV")


def test_the_two_canonical_spellings_differ_only_in_hyphens():
    written = "H$_{2}$O ＫＶ‐cache"
    assert tokens.canonical_words(written) == "H2O KV‐cache"
    assert tokens.canonical_names(written) == "H2O KV-cache"


def test_search_compounds_are_written_as_one_word_and_as_initials():
    from generator.enrich.tokens import search_compounds

    assert search_compounds("The Key-Value cache of a Mixture-of-Experts") == "keyvalue kv mixtureofexperts moe"
    # Parts that are not words of letters give no initials; nor do long chains.
    assert search_compounds("FlashAttention-2 and a-b and one-two-three-four-five") == "flashattention2 ab onetwothreefourfive"
    assert search_compounds("Ｒｅ‐ｒａｎｋｉｎｇ, no compound here") == "reranking rr"
    assert search_compounds("plain words only") == ""


@given(st.text(alphabet=st.sampled_from("ab_1é -\u2010\u2011.–"), max_size=40) | st.text(max_size=40))
def test_compounds_are_found_as_the_plain_pattern_finds_them(text: str):
    # The index's pattern is a faster spelling (word start, possessive parts) of this one.
    plain = re.compile(r"\w+(?:[-\u2010\u2011]\w+)+")
    assert tokens._SEARCH_COMPOUND.findall(text) == plain.findall(text)
