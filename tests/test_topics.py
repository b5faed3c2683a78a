from __future__ import annotations

import re

from generator.config import Topic
from generator.models import Paper
from generator.enrich.regex_needs import RegexCheck
from generator.enrich.regex_needs import needed_texts as _needed_texts
from generator.enrich.regex_needs import start_texts as _start_texts
from generator.enrich.topics import Match, classify


def paper(pid: str, title: str, abstract: str = "Nothing here.") -> Paper:
    return Paper(key=pid, id=pid, title=title, abstract=abstract, origins=())


TOPICS = (
    Topic("kv", "KV cache", match=("KV cache", "eviction")),
    Topic("quant", "Quantization", match=("quantization",), exclude=("recommendation",)),
    Topic("serving", "Serving", match=("serving",), min_score=3),
    Topic("re", "Regex", regex=r"\bH_?2O\b"),
)


def test_title_beats_abstract_for_primary():
    p = paper("p", "Quantization of models", "We compress the KV cache.")
    assert classify([p], TOPICS)["p"].topics == ("quant", "kv")


def test_matches_whole_words_case_insensitive_with_plurals():
    assert classify([paper("p", "kv caches everywhere")], TOPICS)["p"].topics == ("kv",)
    assert classify([paper("p", "KVcache and quantizations")], TOPICS)["p"].topics == ("quant",)
    assert classify([paper("p", "prequantization")], TOPICS)["p"].topics == ()


def test_exclude_keeps_paper_out():
    p = paper("p", "Quantization for recommendation")
    assert classify([p], TOPICS)["p"].topics == ()


def test_min_score_needs_title_or_several_abstract_hits():
    weak = paper("w", "A title", "Serving is hard.")
    strong = paper("s", "Fast serving", "Serving is hard.")
    result = classify([weak, strong], TOPICS)
    assert result["w"].topics == () and result["s"].topics == ("serving",)


def test_regex_rule_and_explanations():
    p = paper("p", "H2O oracle", "Evicting with a KV cache.")
    result = classify([p], TOPICS)["p"]
    assert result.topics == ("re", "kv")
    assert result.matches == (
        Match("kv", "KV cache", "abstract"),
        Match("re", r"/\bH_?2O\b/", "title"),
    )


def test_ties_follow_taxonomy_order():
    p = paper("p", "KV cache quantization")
    assert classify([p], TOPICS)["p"].topics == ("kv", "quant")


def test_phrases_with_punctuation_match_as_written():
    topics = (Topic("kv", "KV", match=("KV-cache", "key-value (KV) cache")),)
    assert classify([paper("p", "t", "A KV-caches study.")], topics)["p"].topics == ("kv",)
    assert classify([paper("p", "t", "The key-value   (KV) cache grows.")], topics)["p"].topics == ("kv",)
    assert classify([paper("p", "t", "A KV cache and XKV-cache and KV-cachex.")], topics)["p"].topics == ()


def test_ties_go_to_the_sub_topic_whatever_the_order():
    topics = (
        Topic("inference", "Inference", match=("KV cache",)),
        Topic("kv", "KV", parent="inference", match=("KV cache",)),
    )
    assert classify([paper("p", "KV cache tricks")], topics)["p"].topics == ("kv", "inference")


def test_a_regex_needs_the_literal_text_of_every_match():
    regex = r"\b(fast|optimi[sz]ed)(\s+\w+){0,2}\s+(code|kernels?)\b"
    assert _needed_texts(regex) == (frozenset({"fast", "optimi"}), frozenset({"code", "kernel"}))
    assert _needed_texts("[ab]+|c") == ()


def test_a_regex_starts_with_the_literal_text_of_its_first_items():
    regex = r"\b(fast|optimi[sz]ed|performance of)(\s+\w+){0,2}\s+(code|kernels?)\b"
    assert _start_texts(regex) == frozenset({"fast", "optimi", "performance of"})
    assert _start_texts(r"^(?:Key)+[- ]value") == frozenset({"key"})
    # Unknown: a character set, an optional or a look-behind first.
    assert _start_texts("[ab]+|c") == _start_texts(r"x?y") == _start_texts(r"(?<=a)b") == frozenset()


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
        check = RegexCheck(pattern, _needed_texts(regex), _start_texts(regex))
        for text in texts:
            lowered = text.lower() if text.isascii() else None
            assert check.found_in(text, lowered) == (pattern.search(text) is not None), (regex, text)
