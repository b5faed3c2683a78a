"""The worker's stems, word keys and edit distances are those of the Python side."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from generator.site.search_stems import prefix_exceptions, stem, stem_key

from ..conftest import PROJECT

WORDS = [
    line.strip()
    for line in (PROJECT / "tests" / "fixtures" / "stem_words.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def test_the_shared_list_is_long_and_has_the_tricky_words():
    assert len(WORDS) >= 300
    assert {"skies", "dying", "quantisation", "scalability", "naïve", "h2o"} <= set(WORDS)


def test_python_and_the_worker_stem_every_shared_word_alike(worker_page: Page):
    in_browser = worker_page.evaluate("words => words.map(word => stem(word))", WORDS)
    in_python = [stem(word) for word in WORDS]
    assert [(w, b) for w, b, p in zip(WORDS, in_browser, in_python) if b != p] == []


def test_the_worker_keys_stems_as_python_does(worker_page: Page):
    stems = sorted({stem(word) for word in WORDS})
    assert worker_page.evaluate("stems => stems.map(stemKey)", stems) == [stem_key(s) for s in stems]


@pytest.mark.parametrize(
    "word, stemmed",
    [("pruning", "prune"), ("pruned", "prune"), ("quantization", "quantiz"), ("quantized", "quantiz"), ("evicting", "evict")],
)
def test_forms_of_a_word_share_a_stem(word: str, stemmed: str):
    assert stem(word) == stemmed


def test_words_of_a_stem_start_with_its_key_or_are_listed():
    exceptions = prefix_exceptions(WORDS)
    listed = {word for words in exceptions.values() for word in words}
    for word in WORDS:
        assert word.startswith(stem_key(stem(word))) or word in listed, word
    # Porter2's own exceptions: "skies" is "sky", which it does not start with.
    assert exceptions["sky"] == ["skies"]
    assert prefix_exceptions(["pruning", "scalability", "happy"]) == {}


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps of neighbours."""
    rows = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


PAIRS = [
    ("decodng", "decoding"), ("attnetion", "attention"), ("expetrs", "experts"), ("quantisation", "quantization"),
    ("retreival", "retrieval"), ("scalling", "scaling"), ("pipline", "pipeline"), ("distilation", "distillation"),
    ("reparametrization", "reparameterization"), ("kitten", "sitting"), ("abc", "ca"), ("naïve", "naive"),
    ("zzyzx", "lazy"), ("", "abc"), ("same", "same"), ("tokenizer", "tokeniser"), ("ab", "ba"),
]  # fmt: skip


@pytest.mark.parametrize("limit", [1, 2])
def test_the_worker_measures_edit_distance_as_the_oracle_does(worker_page: Page, limit: int):
    measured = worker_page.evaluate("([pairs, limit]) => pairs.map(([a, b]) => editDistance(a, b, limit))", [PAIRS, limit])
    assert measured == [min(_edit_distance(a, b), limit + 1) for a, b in PAIRS]
