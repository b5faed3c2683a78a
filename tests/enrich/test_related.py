"""Tests for finding each paper's related papers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from benchmarks.tfidf_baseline import tfidf_baseline
from generator.enrich import related as related_module
from generator.enrich import tokens
from generator.enrich.related import relate
from generator.enrich.tokens import method_names, words
from generator.models import Link, Paper


def paper(
    pid: str,
    title: str,
    abstract: str = "",
    topics: tuple[str, ...] = (),
    mentions: tuple[str, ...] = (),
    repos: tuple[str, ...] = (),
) -> Paper:
    """Build a bare paper; the id doubles as the key."""
    links = tuple(Link(f"https://github.com/{r}", "code", "GitHub", r) for r in repos)
    return Paper(
        key=pid, id=pid, title=title, abstract=abstract, origins=(),
        topics=topics, mentions=mentions, links=links,
    )  # fmt: skip


@pytest.fixture
def corpus() -> list[Paper]:
    """Twelve papers: a KV cache family, a reparameterization family, and unrelated ones."""
    return [
        paper("snapkv", "SnapKV: Attention Knows What to Keep", "SnapKV evicts KV cache entries by attention."),
        paper("lagkv", "LagKV: Lagged Importance for the KV Cache", "LagKV evicts KV cache tokens using lag."),
        paper("evolkv", "EvolKV: Evolutionary KV Cache Budgets", "EvolKV searches KV cache budgets per layer."),
        paper("repvgg", "RepVGG: Plain Convolutional Networks", "RepVGG uses structural reparameterization."),
        paper("repvit", "RepViT: Mobile Convolutional Networks", "RepViT applies structural reparameterization."),
        paper("soil", "Soil Moisture Sensing with Radar", "Radar measures soil moisture in fields."),
        paper("birds", "Bird Song Classification", "Recordings of bird song are classified."),
        paper("ocean", "Ocean Wave Height Forecasting", "Buoys record wave height at sea."),
        paper("chess", "Chess Opening Statistics", "Grandmaster games reveal opening trends."),
        paper("bread", "Sourdough Fermentation Timing", "Dough rises with wild yeast cultures."),
        paper("poetry", "Meter in Medieval Poetry", "Syllable counts of medieval verse."),
        paper("rivers", "River Delta Sediment Transport", "Sediment moves through river deltas."),
    ]


def test_never_relates_a_paper_to_itself(corpus: list[Paper]) -> None:
    result = relate(corpus)
    assert all(pid not in ids for pid, ids in result.items())


def test_returns_every_paper_and_at_most_k(corpus: list[Paper]) -> None:
    result = relate(corpus, k=2)
    assert set(result) == {p.id for p in corpus}
    assert all(len(ids) <= 2 for ids in result.values())


def test_related_ids_exist_and_do_not_repeat(corpus: list[Paper]) -> None:
    known = {p.id for p in corpus}
    for ids in relate(corpus).values():
        assert set(ids) <= known
        assert len(set(ids)) == len(ids)


def test_is_deterministic_whatever_the_input_order(corpus: list[Paper]) -> None:
    assert relate(corpus) == relate(list(reversed(corpus))) == relate(corpus)


def test_shared_method_name_ranks_family_first(corpus: list[Paper]) -> None:
    result = relate(corpus)
    assert set(result["snapkv"][:2]) == {"evolkv", "lagkv"}
    assert result["repvgg"][0] == "repvit"
    assert result["repvit"][0] == "repvgg"


def test_papers_sharing_nothing_are_not_related(corpus: list[Paper]) -> None:
    # A zero score is no relation: unrelated papers get short lists, not filler.
    result = relate(corpus)
    assert result["soil"] == ()
    assert not set(result["snapkv"]) & {"soil", "birds", "ocean", "chess", "bread", "poetry", "rivers"}


def test_ties_are_broken_by_id() -> None:
    twins = [paper(pid, "Same Words Here", "Identical abstract text.") for pid in ("c", "a", "d", "b")]
    result = relate(twins, k=2)
    assert result == {"a": ("b", "c"), "b": ("a", "c"), "c": ("a", "b"), "d": ("a", "b")}


def test_shared_topic_breaks_an_otherwise_even_match() -> None:
    papers = [
        paper("base", "Pruning Sparse Networks", "Magnitude pruning.", topics=("pruning",)),
        paper("left", "Pruning Sparse Networks Again", "Magnitude pruning.", topics=()),
        paper("right", "Pruning Sparse Networks Again", "Magnitude pruning.", topics=("pruning",)),
    ]
    # Without topics "left" would win on id; the shared topic lifts "right".
    assert relate(papers)["base"] == ("right", "left")


def test_the_same_primary_topic_breaks_a_tie_of_topic_sets() -> None:
    papers = [
        paper("base", "Pruning Sparse Networks", "Magnitude pruning.", topics=("pruning", "edge")),
        paper("left", "Pruning Sparse Networks Again", "Magnitude pruning.", topics=("edge", "pruning")),
        paper("right", "Pruning Sparse Networks Again", "Magnitude pruning.", topics=("pruning", "edge")),
    ]
    assert relate(papers)["base"] == ("right", "left")


def test_a_shared_secondary_topic_counts_too() -> None:
    papers = [
        paper("base", "Pruning Sparse Networks", "Magnitude pruning.", topics=("pruning", "edge")),
        paper("left", "Pruning Sparse Networks Again", "Magnitude pruning.", topics=("vision",)),
        paper("right", "Pruning Sparse Networks Again", "Magnitude pruning.", topics=("vision", "edge")),
    ]
    assert relate(papers)["base"] == ("right", "left")


def test_shared_topics_count_only_when_the_text_is_close() -> None:
    papers = [
        paper("a", "Radar Soil Moisture", "Radar measures soil.", topics=("sensing",)),
        paper("b", "Medieval Poetry Meter", "Syllables of verse.", topics=("sensing",)),
    ]
    assert relate(papers) == {"a": (), "b": ()}


def test_a_mentioned_paper_is_related_both_ways(corpus: list[Paper]) -> None:
    mentioning = paper("survey", "Grandmaster Game Archives", "We extend prior radar work.", mentions=("soil",))
    result = relate([*corpus, mentioning])
    assert "soil" in result["survey"]
    assert "survey" in result["soil"]


def test_a_mention_outranks_weak_text_overlap() -> None:
    papers = [
        paper("a", "Chess Engines", "Chess engines search moves.", mentions=("c",)),
        paper("b", "Chess Clubs", "Clubs host chess nights."),
        paper("c", "Alpha Beta Pruning", "Tree search with cutoffs."),
    ]
    assert relate(papers)["a"][0] == "c"


def test_a_shared_code_repository_relates_papers() -> None:
    papers = [
        paper("a", "Radar Soil Moisture", "Radar measures soil.", repos=("lab/toolkit",)),
        paper("b", "Medieval Poetry Meter", "Syllables of verse.", repos=("lab/toolkit",)),
        paper("c", "Bird Song", "Recordings of birds."),
    ]
    result = relate(papers)
    assert result["a"] == ("b",)
    assert result["c"] == ()


def test_empty_corpus_and_single_paper() -> None:
    assert relate([]) == {}
    assert relate([paper("only", "A Lone Paper", "Nothing else here.")]) == {"only": ()}
    assert tfidf_baseline([]) == {}


def test_papers_without_any_words_get_empty_lists() -> None:
    papers = [paper("a", "", ""), paper("b", "?", "!")]
    assert relate(papers) == {"a": (), "b": ()}
    assert tfidf_baseline(papers) == {"a": (), "b": ()}


def test_k_zero_gives_empty_lists(corpus: list[Paper]) -> None:
    assert all(ids == () for ids in relate(corpus, k=0).values())


def test_chunked_retrieval_with_pruned_terms_matches_the_whole(
    corpus: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = relate(corpus)
    # One row per chunk, and every term found in more than two papers kept out
    # of retrieval: the lists must not change, since the exact score uses all terms.
    monkeypatch.setattr(related_module, "CHUNK_NONZEROS", 1)
    monkeypatch.setattr(related_module, "RETRIEVAL_MAX_DF", 3)
    assert relate(corpus) == whole


def test_baseline_relates_by_shared_words(corpus: list[Paper]) -> None:
    result = tfidf_baseline(corpus, k=2)
    assert result["repvgg"][0] == "repvit"
    assert all(pid not in ids for pid, ids in result.items())


def test_words_fold_plurals_and_hyphens() -> None:
    assert words("KV-caches of Auto-Regressive models") == [
        "kv", "cache", "kvcache", "auto", "regressive", "autoregressive", "model",
    ]  # fmt: skip


def test_method_names_split_camel_case_and_drop_plurals() -> None:
    assert method_names("SnapKV beats LLMs and RepViT-M1.5 on 16K tokens") == [
        "snapkv", "snap", "kv", "llm", "repvit-m1-5", "repvit", "rep", "m1",
    ]  # fmt: skip


TEXTS = [
    "KV caches of auto-regressive models grow with the context.",
    "",
    "SnapKV evicts KV cache entries; SnapKV keeps what attention needs.",
    "Structural reparameterization of RepVGG and RepViT models.",
    "Caches, caches and more caches: a model of cache reuse.",
]


@pytest.mark.parametrize(
    "count, analyzer",
    [
        (tokens.word_counts, words),
        # A name counts once however often the text repeats it.
        (tokens.name_presence, lambda text: list(dict.fromkeys(method_names(text)))),
    ],
)
def test_term_counts_are_count_vectorizers_matrix(count, analyzer) -> None:
    """The matrix is CountVectorizer's, down to the order of the entries within a row."""
    expected = CountVectorizer(analyzer=analyzer, dtype=np.float32).fit_transform(TEXTS)
    ours = related_module.term_counts(TEXTS, count)[0]
    assert ours.shape == expected.shape
    for array in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(ours, array), getattr(expected, array)), array


def test_tf_idf_is_scikit_learns_bit_for_bit() -> None:
    counts = related_module.term_counts(TEXTS, tokens.word_counts)[0]
    expected = TfidfTransformer().fit_transform(counts.copy())
    ours = related_module._tf_idf(counts.copy())
    assert np.array_equal(ours.indices, expected.indices) and np.array_equal(ours.indptr, expected.indptr)
    assert ours.data.dtype == np.float32
    assert np.array_equal(ours.data, expected.data)  # exactly, not approximately


def test_best_per_row_is_best_of_each_row() -> None:
    rng = np.random.default_rng(7)
    left = np.repeat(np.arange(40), rng.integers(0, 12, size=40))
    right = rng.integers(0, 60, size=left.size)
    # Coarse scores make many ties (broken by column), some zero or negative ones are never kept.
    scores = rng.integers(-2, 6, size=left.size) / 4
    best = related_module._best_per_row(left, right, scores, 3)
    for row in range(40):
        mine = left == row
        assert best.get(row, []) == related_module._best(right[mine], scores[mine], 3), row


def test_link_bonuses_without_links_are_empty() -> None:
    bonuses = related_module._link_bonuses([paper("a", "A"), paper("b", "B")])
    assert isinstance(bonuses, sparse.csr_matrix) and bonuses.shape == (2, 2) and bonuses.nnz == 0
