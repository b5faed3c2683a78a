from __future__ import annotations

from generator.curator.suggest import Suggestion, format_suggestions, suggest_phrases
from generator.models import Paper


def paper(pid: str, title: str, abstract: str = "", topics: tuple[str, ...] = ()) -> Paper:
    return Paper(key=pid, id=pid, title=title, abstract=abstract, origins=(), topics=topics)


SORTED = [
    paper("q1", "Quantization of large language models", "We quantize the model weights.", ("quant",)),
    paper("q2", "Low-bit quantization for the model", "A large language model in four bits.", ("quant",)),
    paper("s1", "Serving large language models", "A serving system for the model.", ("serving",)),
    paper("s2", "Faster serving with batching", "Large language model serving at scale.", ("serving",)),
]


def test_obvious_cluster_of_unsorted_papers():
    papers = SORTED + [
        paper("u1", "Heavy hitter eviction for the KV cache", "The model keeps heavy hitters."),
        paper("u2", "KV caches with heavy hitter tokens", "A large language model."),
    ]
    assert suggest_phrases(papers, limit=3) == [
        Suggestion("heavy hitter", 2, ("u1", "u2")),
        Suggestion("KV cache", 2, ("u1", "u2")),
    ]


def test_generic_words_rank_below_distinctive_ones():
    papers = SORTED + [
        paper("u1", "Speculative decoding for large language models", "The model drafts tokens."),
        paper("u2", "Faster speculative decoding", "A large language model verifies the draft tokens."),
        paper("u3", "Tree speculative decoding", "The model checks draft tokens in a tree."),
    ]
    phrases = [s.phrase for s in suggest_phrases(papers, limit=10)]
    assert phrases == [
        "speculative decoding",
        "draft",
        "tokens",  # no paper says "token", so the plural stays: the rule would not match it
        "draft tokens",
        "large language model",
    ]
    # "model" is in every paper, so it groups nothing and is left out.


def test_topic_mode_groups_the_papers_of_one_topic():
    suggestions = suggest_phrases(SORTED, topic="serving", limit=2)
    assert suggestions == [Suggestion("serving", 2, ("s1", "s2"))]


def test_sub_phrase_with_the_same_papers_is_collapsed():
    papers = [
        paper("a", "Mixture of experts routing"),
        paper("b", "Mixture of experts placement"),
        paper("c", "Dense transformers", topics=("t",)),
    ]
    phrases = [s.phrase for s in suggest_phrases(papers)]
    assert phrases == ["mixture of experts"]


def test_empty_input_gives_no_suggestions():
    assert suggest_phrases([]) == []
    assert suggest_phrases(SORTED) == []  # nothing unsorted
    assert suggest_phrases(SORTED, topic="unknown") == []


def test_topic_mode_ranks_the_topic_word_over_shared_ones():
    assert suggest_phrases(SORTED, topic="quant") == [Suggestion("quantization", 2, ("q1", "q2"))]


def test_min_count_and_limit():
    papers = [
        paper("a", "Neural graphics primitives"),
        paper("b", "Neural appearance models"),
        paper("c", "Sparse attention", topics=("t",)),
    ]
    assert suggest_phrases(papers, min_count=3) == []
    assert suggest_phrases(papers, limit=1) == [Suggestion("neural", 2, ("a", "b"))]
    assert [s.count for s in suggest_phrases(papers, min_count=1, limit=3)] == [2, 1, 1]


def test_plural_folds_into_singular_and_title_hits_come_first_in_examples():
    papers = [
        paper("b", "Caching", "We shrink KV caches."),
        paper("a", "KV cache eviction"),
        paper("c", "Dense transformers", topics=("t",)),
    ]
    assert suggest_phrases(papers, limit=1) == [Suggestion("KV cache", 2, ("a", "b"))]


def test_format_suggestions_renders_a_table_with_paste_hints():
    text = format_suggestions(
        [Suggestion("KV cache", 12, ("a",)), Suggestion("heavy hitter", 3, ("b", "c"))]
    )
    assert text == (
        "Phrases that would group the papers, most papers first (on a tie, the one that fits them best first):\n"
        "\n"
        "phrase        papers  hint\n"
        "KV cache          12  match: [KV cache]\n"
        "heavy hitter       3  match: [heavy hitter]\n"
    )


def test_format_suggestions_says_when_there_is_nothing():
    assert format_suggestions([]) == "No phrases to suggest.\n"


def test_words_any_paper_uses_are_never_suggested_alone():
    abstract = "The open model and its data improve results greatly, 3x faster, on our robot arm."
    papers = [paper(f"u{i}", f"Grasping study {i}", abstract) for i in range(3)] + [
        paper("s", "Sorted", "Something else.", ("t",))
    ]
    phrases = [s.phrase for s in suggest_phrases(papers, limit=20)]
    assert phrases and not {"open", "model", "data", "results", "greatly", "3x"} & set(phrases)
    assert "robot arm" in phrases and "open model" in phrases  # inside a longer phrase they may stand


def test_a_word_much_of_a_large_digest_uses_is_generic_unless_the_target_owns_it():
    background = [paper(f"b{i}", f"Gripper design {i}", "A gripper for arms.", ("t",)) for i in range(20)]
    background += [paper(f"x{i}", f"Other work {i}", "Nothing shared.", ("t",)) for i in range(40)]
    unsorted = [paper(f"u{i}", f"Gripper tactile sensing {i}", "Tactile skin.") for i in range(3)]
    unsorted += [paper(f"v{i}", f"Gripper fingers {i}", "Soft fingers.") for i in range(2)]
    phrases = [s.phrase for s in suggest_phrases(background + unsorted, limit=20)]
    # 25 of 65 papers say "gripper", 20 of them elsewhere: it is the field's word.
    assert "gripper" not in phrases and {"gripper tactile sensing", "gripper fingers"} <= set(phrases)
    # The same word is the target's own when the target holds most of its papers.
    own = [paper(f"u{i}", f"Gripper {'sensing' if i % 2 else 'control'} {i}", "A gripper.") for i in range(15)]
    own += [paper(f"x{i}", f"Other work {i}", "Nothing shared.", ("t",)) for i in range(40)]
    assert "gripper" in [s.phrase for s in suggest_phrases(own, limit=20)]


def test_each_phrase_has_one_spelling_the_one_most_papers_use_in_lower_case_unless_a_name():
    papers = [
        paper("a", "Open-Source Tactile Sensing with ROS"),
        paper("b", "More Open-Source Tactile Sensing for ROS"),
        paper("c", "An open-source tactile sensing kit for ROS"),
        paper("s", "Sorted", topics=("t",)),
    ]
    phrases = [s.phrase for s in suggest_phrases(papers, limit=20)]
    assert "open-source tactile sensing" in phrases and "ROS" in phrases
    assert len({p.casefold() for p in phrases}) == len(phrases)
    assert not [p for p in phrases if p != p.lower() and p != "ROS"]


def test_suggestions_are_sorted_by_papers_then_by_fit():
    papers = [paper(f"u{i}", "Tactile skin") for i in range(2)]
    papers += [paper(f"v{i}", "Legged robots") for i in range(3)]
    # "legged robot" is in sorted papers too, so it fits the unsorted ones less well than "tactile skin".
    papers += [paper(f"s{i}", "Legged robots", topics=("t",)) for i in range(3)]
    suggestions = suggest_phrases(papers, limit=20)
    assert [(s.phrase, s.count) for s in suggestions] == [("legged robots", 3), ("tactile skin", 2)]


def test_format_suggestions_names_the_papers_it_is_about():
    assert format_suggestions([], "the 1 unsorted paper") == "No phrases to suggest for the 1 unsorted paper.\n"
    assert format_suggestions([Suggestion("KV cache", 2, ("a",))], "the 3 unsorted papers").startswith(
        "Phrases that would group the 3 unsorted papers, most papers first"
    )
