"""The stop-word lists: the English one is scikit-learn's."""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from generator.enrich.stop_words import ENGLISH_STOP_WORDS as OUR_STOP_WORDS


def test_stop_words_are_scikit_learns() -> None:
    assert OUR_STOP_WORDS == ENGLISH_STOP_WORDS
