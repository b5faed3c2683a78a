from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.enrich import text
from generator.enrich.text import clean_text, slugify, title_key, unique_slugs


def test_clean_text_removes_controls_and_invisible_marks():
    assert clean_text("A\u200bB\u202eC\x07D\n\tE  ") == "ABC D E"


def test_title_key_ignores_case_punctuation_and_width():
    assert title_key("ＳｎａｐＫＶ: LLM Knows!") == title_key("snapkv  llm-knows")
    assert title_key("H_2O") == title_key("H2O")


@pytest.mark.parametrize(
    "names",
    [
        ["C++ Is Fast", "C Is Fast", "C# Is Fast", "C+ Is Fast"],
        ["F# Rocks", "F Rocks"],
        ["A* Search Revisited", "A Search Revisited"],
        ["R&D for LLMs", "RD for LLMs"],
        ["DyDiT++: Dynamic Diffusion Transformers", "DyDiT: Dynamic Diffusion Transformers"],
        ["Small > Large", "Small < Large", "Small = Large", "Small Large"],
        ["100% Recall", "100 Recall"],
        ["α-Net", "a-Net", "β-Net"],
        ["हिंदी", "हद"],
    ],
)
def test_title_key_keeps_what_tells_names_apart(names):
    assert len({title_key(name) for name in names}) == len(names)


@pytest.mark.parametrize(
    "same",
    [
        ["C++: Fast Code", "c++ fast code", "Ｃ＋＋ — Fast Code", "C⁺⁺ Fast Code"],
        ["C# in Practice", "C♯ in Practice", "C＃ in practice"],
        ["A* Search", "A∗ search", "A⋆ Search"],
        ["GPT-4 Is Here", "GPT−4 is here", "GPT 4: is here.", "“GPT-4” Is Here"],
        ["H_2O", "H2O", "H$_2$O", "H₂O", "H~2~O"],
        ["Towards 1-bit LLMs", "Towards 1~bit LLMs", "Towards 1/bit LLMs", "Towards 1 | bit LLMs"],
        ["Title", "Title\ufe0f", "Title\u200d"],
    ],
)
def test_title_key_merges_what_is_the_same_title(same):
    assert len({title_key(name) for name in same}) == 1


def test_title_key_of_a_title_without_letters_is_never_empty():
    # An empty key would merge every such title into one paper.
    keys = {title_key(name) for name in ["???", "!!!", "...", "? ? ?"]}
    assert len(keys) == 4 and "" not in keys
    assert title_key("???") == title_key(" ??? ")


@given(st.text(alphabet=string.printable))
def test_ascii_title_key_fast_path_matches_the_table(title):
    folded = title.casefold()
    assert text._ASCII_NOT_KEY.sub("", folded) == folded.translate(text._KEY)


def test_a_star_counts_only_where_it_ends_a_short_name():
    # Emphasis and footnote marks are formatting, not part of the title.
    assert title_key("*Fast* Attention*") == title_key("Fast Attention") == title_key("**Fast** Attention")
    assert title_key("A* Search") != title_key("A Search")
    assert slugify("*Fast* Attention") == "fast-attention"
    assert slugify("S*: Test Time Scaling") == "sstar-test-time-scaling"


def test_slugs_spell_out_symbols_that_end_a_name():
    assert slugify("C++ Is Fast") == "cpp-is-fast"
    assert slugify("C Is Fast") == "c-is-fast"
    assert slugify("C# Is Fast") == slugify("C♯ Is Fast") == "csharp-is-fast"
    assert slugify("A* Search") == slugify("A∗ Search") == "astar-search"
    assert slugify("ViT+ for All") == "vitplus-for-all"
    # Between words a symbol is a separator, as before.
    assert slugify("LLM+RAG & C #1") == "llm-rag-c-1"


def test_slugs_spell_out_greek_and_other_letters():
    assert slugify("α-Net and Σ-Net") == "alpha-net-and-sigma-net"
    assert slugify("μP: Straße Æther") == "mup-strasse-aether"


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


def test_noncharacters_go_so_feeds_stay_well_formed_xml():
    import xml.etree.ElementTree as ET

    from generator.site.feeds import FeedEntry, atom_feed

    title = clean_text("Bad \uffff Char \ufffe here \ufdd0 and \U0010ffff end")
    assert title == "Bad Char here and end"
    feed = atom_feed("all", "T", "", "all.xml", "../", [FeedEntry("p", title, clean_text("x\U0001fffe y"), "../p/", None, None, ())])
    ET.fromstring(feed.encode("utf-8"))
