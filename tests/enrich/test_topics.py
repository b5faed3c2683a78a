"""Sorting papers into topics: phrases, plurals, excludes, scores, ties."""

from __future__ import annotations

from generator.config import Topic
from generator.enrich.topics import Match, classify
from generator.models import Paper


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
