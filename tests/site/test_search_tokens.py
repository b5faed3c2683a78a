"""The browser's search worker cuts a query into the terms the Python index holds."""

from __future__ import annotations

import unicodedata

import pytest
from playwright.sync_api import Page
from sklearn.feature_extraction.text import CountVectorizer

from generator.enrich.tokens import SEARCH_TERM, search_normalize, search_terms


# Words where Unicode makes tokenisers part ways: accents (composed and not),
# combining marks, digits of other scripts, CJK, case mappings that change
# length, underscores, apostrophes, hyphens, emoji, compatibility forms.
TRICKY = [
    "Quantization", "KV-cache", "state-of-the-art", "don't", "model’s", "snake_case_name", "__init__",
    "Über", "naïve", "cafe\u0301", "q\u0303uery", "ß", "Straße", "ẞ", "İstanbul", "ΣΟΦΙΑ", "ﬁne-tuning",
    "Ｆｕｌｌｗｉｄｔｈ", "x²", "H₂O", "①②", "٣٤٥", "१२३", "हिन्दी", "日本語モデル", "大模型", "한국어",
    "ไทย", "🚀🔥 rocket", "👍🏽", "a1b2", "C++", "C#", "v2.5", "e.g.", "x", "AI", "3D", "Ⅻ", "½",
    "ǅ", "ʰ", "zero\u200bwidth", "tab\tsep", "Ǆemal", "Ωmega", "ﬀ", "ǰ", "ŉ",
]  # fmt: skip


def _python_terms(word: str) -> list[str]:
    return list(dict.fromkeys(search_terms(word)))


def test_search_terms_are_what_the_index_vectorizer_cuts():
    analyzer = CountVectorizer(token_pattern=SEARCH_TERM, preprocessor=search_normalize).build_analyzer()
    for word in TRICKY:
        assert search_terms(word) == analyzer(word), word


@pytest.mark.parametrize("word", TRICKY)
def test_the_worker_cuts_a_query_into_the_index_terms(worker_page: Page, word: str):
    assert worker_page.evaluate("word => tokens(word)", word) == _python_terms(word)


@pytest.mark.parametrize("word", ["\U00011f04\U00011f05", "\U00031350\U00031351"], ids=["Kawi", "CJK Extension H"])
def test_letters_newer_than_pythons_unicode_are_a_known_difference(worker_page: Page, word: str):
    """Letters of Unicode 15 and later are no word characters to Python 3.11's re (Unicode 14), but are to the browser.

    A query holding one finds nothing in the index (its terms lack it). Known,
    not fixed here: a later change to search settles it.
    """
    in_browser = worker_page.evaluate("word => tokens(word)", word)
    if unicodedata.category(word[0]) == "Cn":  # a Python that does not know the letter yet
        assert (_python_terms(word), in_browser) == ([], [word])
    else:
        assert in_browser == _python_terms(word)


def test_the_worker_decodes_only_real_entities(worker_page: Page):
    # A hand-written page may hold "&constructor;": it is no entity, whatever JavaScript objects inherit.
    decoded = worker_page.evaluate("decodeEntities('&constructor; &toString; &amp; &#65; &lt;b&gt;')")
    assert decoded == "&constructor; &toString; & A <b>"
