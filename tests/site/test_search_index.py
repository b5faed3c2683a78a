"""The sharded search index: every paper findable, files stable, the worker's rules kept."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from generator.enrich.tokens import SEARCH_TERM
from generator.enrich.tokens import search_normalize as normalize
from generator.site import search_index
from generator.models import Link, Paper
from generator.site.search_index import (
    FOLDER,
    SHARD_BYTES,
    SearchPage,
    SearchPaper,
    build_search_index,
)


def paper(paper_id: str, title: str, abstract: str, links: tuple[Link, ...] = ()) -> Paper:
    return Paper(key=paper_id, id=paper_id, title=title, abstract=abstract, origins=(), links=links)


PAGES = [
    SearchPage("digest/kv-cache/", "KV cache", "Compressing the key-value cache."),
    SearchPage("digest/serving/", "Serving systems", "Batching and scheduling."),
    SearchPage("digest/serving/2024/", "Serving systems: 2024", findable=False),
]


def corpus(count: int = 40) -> list[SearchPaper]:
    papers = [
        SearchPaper.of(paper(f"paper-{i:03d}", f"Paper {i} about topic{i % 7}", f"Common words and word{i}."), i % 3, f"paper-{i:03d}")
        for i in range(count)
    ]
    papers.append(
        SearchPaper.of(
            paper(
                "snapkv",
                "SnapKV: LLM Knows What You are Looking for Before Generation",
                "We compress the KV cache of long prompts.",
                (Link("https://github.com/FasterDecoding/SnapKV_repo", "code", "GitHub", "FasterDecoding/SnapKV_repo"),),
            ),
            0,
            "snapkv",
        )
    )
    return papers


def decode(files: dict[str, str]) -> tuple[dict, list[list], dict[str, dict[int, int]]]:
    """Read the index as the worker does: meta, documents in number order, term postings."""
    meta = json.loads(files[f"{FOLDER}/meta.json"])
    docs = [doc for bucket, size in enumerate(meta["buckets"]) if size for doc in json.loads(files[f"{FOLDER}/docs/{bucket}.json"])]
    postings: dict[str, dict[int, int]] = {}
    for index in range(len(meta["shards"])):
        for term, flat in json.loads(files[f"{FOLDER}/terms/{index}.json"]):
            doc, found = 0, {}
            for gap, weight in zip(flat[::2], flat[1::2]):
                doc += gap
                found[doc] = weight
            postings[term] = found
    return meta, docs, postings


def test_every_paper_is_one_document_on_its_page():
    papers = corpus()
    meta, docs, _ = decode(build_search_index(PAGES, papers))
    assert meta["papers"] == len(docs) == len(papers)
    assert sorted(doc[2] for doc in docs) == sorted(p.anchor for p in papers)
    by_anchor = {doc[2]: doc for doc in docs}
    for item in papers:
        title, page, _, abstract = by_anchor[item.anchor]
        assert (title, page, abstract) == (item.title, item.page, item.abstract)
    assert sum(meta["buckets"]) == len(papers)


def test_title_outweighs_abstract_and_repository_names_are_terms():
    papers = corpus()
    meta, docs, postings = decode(build_search_index(PAGES, papers))
    snapkv = next(number for number, doc in enumerate(docs) if doc[2] == "snapkv")
    assert postings["snapkv"][snapkv] > postings["compress"][snapkv] == 1
    # The repository is only in the paper's links, not its text.
    for term in ("fasterdecoding", "snapkv_repo", "repo"):
        assert postings[term][snapkv] == 2  # the repository weight, counted once
    assert "for" in postings and snapkv in postings["for"]


def test_findable_pages_are_documents_after_the_papers():
    papers = corpus()
    meta, docs, postings = decode(build_search_index(PAGES, papers))
    assert meta["page_docs"] == [0, 1]
    assert meta["pages"][2] == ["digest/serving/2024/", "Serving systems: 2024", ""]
    serving = len(docs) + meta["page_docs"].index(1)
    assert serving in postings["batching"]
    assert all(number < len(docs) + 2 for found in postings.values() for number in found)


def test_terms_are_sorted_and_shards_start_where_meta_says():
    papers = corpus(3000)
    files = build_search_index(PAGES, papers)
    meta = json.loads(files[f"{FOLDER}/meta.json"])
    assert len(meta["shards"]) > 1
    everything: list[str] = []
    for index, start in enumerate(meta["shards"]):
        text = files[f"{FOLDER}/terms/{index}.json"]
        terms = [term for term, _ in json.loads(text)]
        assert terms[0] == start
        assert len(text) < 2 * SHARD_BYTES
        everything += terms
    assert everything == sorted(everything) and len(set(everything)) == len(everything)


def test_adding_a_paper_rewrites_only_its_own_bucket():
    papers = corpus()
    before = build_search_index(PAGES, papers)
    added = SearchPaper.of(paper("newcomer", "A Newcomer", "Fresh text."), 1, "newcomer")
    after = build_search_index(PAGES, [*papers, added])
    changed = {path for path in before if path.startswith(f"{FOLDER}/docs/") and before[path] != after.get(path)}
    new = {path for path in after if path not in before}
    assert len(changed | new) == 1
    assert "newcomer" in (after[next(iter(changed | new))])


def test_terms_are_cut_from_normalized_text_like_the_worker_does():
    assert normalize("ＫＶ Ｃａｃｈｅ") == "kv cache"
    wide = SearchPaper.of(paper("wide", "Ｆｕｌｌｗｉｄｔｈ Title", "x"), 0, "wide")
    _, _, postings = decode(build_search_index(PAGES, [wide]))
    assert "fullwidth" in postings
    assert "x" not in postings  # one-character words are not terms


def test_same_input_gives_same_bytes_and_a_new_build_a_new_id():
    papers = corpus()
    files = build_search_index(PAGES, papers)
    assert files == build_search_index(PAGES, list(reversed(papers)))
    changed = build_search_index(PAGES, papers[1:])
    build = json.loads(files[f"{FOLDER}/meta.json"])["build"]
    assert len(build) == 16 and json.loads(changed[f"{FOLDER}/meta.json"])["build"] != build


def test_an_empty_digest_has_a_valid_empty_index():
    files = build_search_index([], [])
    meta = json.loads(files[f"{FOLDER}/meta.json"])
    assert meta["papers"] == 0 and meta["shards"] == [] and meta["page_docs"] == []


def test_a_paper_without_links_is_still_a_document():
    lone = SearchPaper.of(replace(paper("lone", "Lone Paper", ""), links=()), 0, "lone")
    meta, docs, postings = decode(build_search_index(PAGES[:1], [lone]))
    assert docs == [["Lone Paper", 0, "lone", ""]]
    assert postings["lone"] == {0: 3}


def _word_lists(files: dict[str, str], meta: dict, folder: str) -> list[str]:
    words: list[str] = []
    for index, start in enumerate(meta[folder]):
        shard = json.loads(files[f"{FOLDER}/{folder}/{index}.json"])
        assert shard[0] == start
        words += shard
    return words


def test_word_lists_hold_every_correctable_term_forwards_and_backwards():
    papers = corpus(3000)
    files = build_search_index(PAGES, papers)
    meta, _, postings = decode(files)
    vocab = _word_lists(files, meta, "vocab")
    backward = _word_lists(files, meta, "backward")
    assert len(meta["vocab"]) > 1 and len(meta["backward"]) > 1
    expected = sorted(term for term in postings if len(term) >= 4 and not term.isdigit())
    assert vocab == expected
    assert backward == sorted(term[::-1] for term in expected)
    assert "paper" in vocab and "repap" in backward
    assert "2024" not in vocab and "for" not in vocab


def test_terms_a_stem_key_misses_are_listed_in_meta():
    papers = [SearchPaper.of(paper("sky", "Clear skies", "A blue sky."), 0, "sky")]
    meta = json.loads(build_search_index(PAGES, papers)[f"{FOLDER}/meta.json"])
    assert meta["stem_exceptions"] == {"sky": ["skies"]}


def test_authors_are_terms_when_papers_have_them():
    base = paper("tri", "FlashAttention", "Fast exact attention.")
    authored = replace(base, authors=("Tri Dao", "Christopher Ré"))
    _, _, postings = decode(build_search_index(PAGES, [SearchPaper.of(authored, 0, "tri")]))
    assert postings["dao"] == {0: 2} and postings["ré"] == {0: 2}
    _, _, without = decode(build_search_index(PAGES, [SearchPaper.of(base, 0, "tri")]))
    assert "dao" not in without


def test_hyphenated_compounds_are_terms_as_one_word_and_as_initials():
    efficacy = SearchPaper.of(paper("efficacy", "On the Efficacy of Eviction Policy for Key-Value Constrained Inference", "Text."), 0, "efficacy")
    _, _, postings = decode(
        build_search_index([SearchPage("digest/x/", "X", findable=False)], [efficacy])
    )
    # In the title: the title's weight, like the words it is made of.
    assert postings["kv"] == postings["keyvalue"] == postings["key"] == {0: 3}


def _count_vectorizer_weights(titles: list[str], bodies: list[str], names: list[str]) -> tuple[list[str], sparse.csc_matrix]:
    """The weights as scikit-learn's CountVectorizer counts them (the index's first way of counting)."""
    vectorizer = CountVectorizer(token_pattern=SEARCH_TERM, preprocessor=normalize, dtype=np.int32)
    counts = vectorizer.fit_transform(f"{t} {b} {r}" for t, b, r in zip(titles, bodies, names))
    extra = (search_index.TITLE_WEIGHT - 1) * vectorizer.transform(titles)
    extra += (search_index.REPO_WEIGHT - 1) * vectorizer.transform(names)
    weights = (counts + extra).tocsc()
    weights.data = np.minimum(weights.data, search_index.MAX_WEIGHT)
    weights.sort_indices()
    return list(vectorizer.get_feature_names_out()), weights


TEXT = st.text(alphabet=st.sampled_from("ab cé1_-Ｆ²ǅ\u200b .ΩKΣ\u0301ㄱㅏ"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, TEXT), min_size=1, max_size=6).filter(
    lambda docs: any(search_index._TERM.search(normalize(" ".join(d))) for d in docs)
))
def test_weights_are_count_vectorizers(docs: list[tuple[str, str, str]]):
    titles, bodies, names = (list(field) for field in zip(*docs))
    terms, weights = search_index._weights(titles, bodies, names)
    expected_terms, expected = _count_vectorizer_weights(titles, bodies, names)
    assert terms == expected_terms
    assert weights.dtype == expected.dtype
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(weights, name), getattr(expected, name)), name


def test_weights_of_the_golden_digest_are_count_vectorizers():
    papers = corpus()
    titles = [item.title for item in papers] + ["A page"]
    bodies = [item.abstract for item in papers] + ["Its text, re-ranked"]
    names = [item.names for item in papers] + [""]
    terms, weights = search_index._weights(titles, bodies, names)
    expected_terms, expected = _count_vectorizer_weights(titles, bodies, names)
    assert terms == expected_terms and len(terms) > 50
    assert (weights != expected).nnz == 0
