from __future__ import annotations

from generator.text import clean_text, slugify, title_key, unique_slugs


def test_clean_text_removes_controls_and_invisible_marks():
    assert clean_text("A\u200bB\u202eC\x07D\n\tE  ") == "ABC D E"


def test_title_key_ignores_case_punctuation_and_width():
    assert title_key("ＳｎａｐＫＶ: LLM Knows!") == title_key("snapkv  llm-knows")
    assert title_key("H_2O") == title_key("H2O")


def test_slugify_is_ascii_and_bounded():
    assert slugify("SnapKV: LLM Knows What You are Looking for") == "snapkv-llm-knows-what-you-are-looking-for"
    assert slugify("Über Café") == "uber-cafe"
    long = slugify("word " * 40)
    assert len(long) <= 60 and not long.endswith("-")


def test_slugify_falls_back_to_hash_for_non_ascii():
    slug = slugify("深度学习")
    assert slug.startswith("paper-") and len(slug) == 16
    assert slug == slugify("深度学习") != slugify("机器学习")


def test_slugify_never_leads_with_dots():
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("..") .startswith("paper-")


def test_unique_slugs_adds_suffixes_in_order():
    assert unique_slugs(["a", "b", "a", "a"]) == ["a", "b", "a-2", "a-3"]
