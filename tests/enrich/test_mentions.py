"""Tests for finding papers that mention each other."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.enrich.mentions import find_mentions, paper_names
from generator.models import Paper

from ..conftest import PROJECT

SOURCES = PROJECT / "data" / "sources"

SNAPKV = "SnapKV: LLM Knows What You are Looking for Before Generation"
H2O = "H_2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models"
LAGKV = "LagKV: Lag-Relative Information of the KV Cache Tells Which Tokens Are Important"
RESIDUAL = (
    "The Residual Stream Is All You Need: On the Redundancy of the KV Cache "
    "in Transformer Inference"
)


def paper(pid: str, title: str, abstract: str = "") -> Paper:
    """Build a bare paper; the id doubles as the key."""
    return Paper(key=pid, id=pid, title=title, abstract=abstract, origins=())


def bundled(pid: str, title: str) -> Paper:
    """Build a paper from the first bundled listing that has this title line."""
    for path in sorted(SOURCES.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if title in lines:
            after = lines[lines.index(title) + 1 :]
            abstract = next(line for line in after if line.strip())
            return paper(pid, title, abstract.strip())
    raise AssertionError(f"title not in the bundled listings: {title}")


@pytest.mark.parametrize(
    ("title", "names"),
    [
        (SNAPKV, ["SnapKV"]),
        (H2O, ["H2O"]),
        ("H$_2$O: Heavy hitters", ["H2O"]),
        ("H$_{2}$O: Heavy hitters", ["H2O"]),
        ("H\u2082O: Heavy hitters", ["H2O"]),
        ("D^{2}MoE: Dual Routing", ["D2MoE"]),
        ("FlashDecoding++: Faster LLM Inference", ["FlashDecoding++"]),
        ("GhostNetV2: Enhance Cheap Operation with Long-Range Attention", ["GhostNetV2"]),
        ("GhostNetV2 - Enhance Cheap Operation", ["GhostNetV2"]),
        ("FlashAttention-2: Faster Attention", ["FlashAttention-2"]),
        ("BECLR: Batch Enhanced Contrastive Learning", ["BECLR"]),
        ("Alternating Updates for Efficient Transformers", []),
        ("Comet: Fine-grained Computation-communication Overlapping", []),
        ("LLM: A Survey", []),
        ("MoE: Sparse Experts", []),
        ("Self-Attention: Explained", []),
        ("Pangu Ultra MoE: How to Train", []),
        ("T3: Tiny name", []),
        ("Cache-Craft: Managing Chunk-Caches", []),
    ],
)
def test_paper_names(title: str, names: list[str]) -> None:
    assert paper_names(title) == names


def test_bundled_lagkv_mentions_h2o() -> None:
    papers = [bundled("h2o", H2O), bundled("lagkv", LAGKV)]
    assert find_mentions(papers) == {"lagkv": ("h2o",)}


def test_bundled_residual_stream_mentions_snapkv_and_h2o() -> None:
    papers = [bundled("snapkv", SNAPKV), bundled("h2o", H2O), bundled("residual", RESIDUAL)]
    assert find_mentions(papers) == {"residual": ("h2o", "snapkv")}


@pytest.mark.parametrize(
    "abstract",
    [
        "Unlike H2O, we keep every token.",
        "Unlike H_2O, we keep every token.",
        "Unlike H$_2$O, we keep every token.",
        "Unlike H$_{2}$O, we keep every token.",
        "Unlike H\u2082O, we keep every token.",
    ],
)
def test_spelling_variants_mention(abstract: str) -> None:
    papers = [paper("h2o", H2O), paper("x", "Other work", abstract)]
    assert find_mentions(papers) == {"x": ("h2o",)}


@pytest.mark.parametrize(
    ("abstract", "mentioned"),
    [
        ("We beat SnapKV on LongBench.", True),
        ("SnapKV's budget is fixed.", True),
        ("A SnapKV-style selector.", True),
        ("(SnapKV) and H2O/SnapKV.", True),
        ("Unlike SnapKV.", True),
        ("A SnapKV+LagKV hybrid.", True),
        ("A \u201cSnapKV\u201d baseline.", True),
        ("Several SnapKVs were run.", False),
        ("We extend MySnapKV here.", False),
        ("We compare with SnapKV2.", False),
        ("snapkv and SNAPKV differ in case.", False),
        ("Code: https://github.com/x/SnapKV is reused.", False),
    ],
)
def test_whole_word_and_case_sensitive(abstract: str, mentioned: bool) -> None:
    result = find_mentions([paper("snap", SNAPKV), paper("x", "Other work", abstract)])
    assert result == ({"x": ("snap",)} if mentioned else {})


def test_generic_names_are_never_mentioned() -> None:
    papers = [
        paper("llm", "LLM: A Survey of Everything"),
        paper("gpt", "GPT-4: Technical Report"),
        paper("x", "Other work", "An LLM and GPT-4 on a GPU with MoE layers."),
    ]
    assert find_mentions(papers) == {}


def test_paper_never_mentions_itself() -> None:
    papers = [paper("snap", SNAPKV, "We propose SnapKV, which beats H2O."), paper("h2o", H2O)]
    assert find_mentions(papers) == {"snap": ("h2o",)}


def test_shared_name_is_skipped() -> None:
    papers = [
        paper("a", "KIVI: A Tuning-Free Asymmetric 2bit Quantization"),
        paper("b", "KIVI: Another Paper With the Same Name"),
        paper("x", "Other work", "We compare with KIVI."),
    ]
    assert find_mentions(papers) == {}


def test_longest_name_wins_in_a_hyphenated_token() -> None:
    papers = [
        paper("bars", "BARS: Towards Open Benchmarking for Recommender Systems"),
        paper("ctr", "BARS-CTR: Open Benchmarking for Click-Through Rate Prediction"),
        paper("x", "Other work", "Results on BARS-CTR and on BARS-CTR-style splits."),
    ]
    assert find_mentions(papers) == {"x": ("ctr",)}


def test_mentions_are_sorted() -> None:
    papers = [
        paper("z", "ZipVL: Efficient VLMs", "Built on SnapKV and H2O."),
        paper("snap", SNAPKV, "Compared with H2O."),
        paper("h2o", H2O, "Unlike ZipVL."),
    ]
    result = find_mentions(papers)
    assert list(result) == ["h2o", "snap", "z"]
    assert result["z"] == ("h2o", "snap")


@given(st.permutations(range(4)))
def test_input_order_does_not_change_the_result(order: list[int]) -> None:
    papers = [
        paper("z", "ZipVL: Efficient VLMs", "Built on SnapKV and H2O."),
        paper("snap", SNAPKV, "Compared with H_2O."),
        paper("h2o", H2O, "Unlike ZipVL."),
        paper("x", "Plain title", "ZipVL, SnapKV."),
    ]
    shuffled = [papers[i] for i in order]
    assert find_mentions(shuffled) == find_mentions(papers)
    assert list(find_mentions(shuffled).items()) == list(find_mentions(papers).items())


def test_a_latex_name_in_an_abstract_still_finds_the_paper():
    from generator.enrich.latex import readable_text

    def paper(pid: str, title: str, abstract: str) -> Paper:
        return Paper(key=pid, id=pid, title=title, abstract=readable_text(abstract), origins=())

    papers = [
        paper("h2o", "H2O: Heavy-Hitter Oracle for Efficient Inference", "Evicts tokens."),
        paper("snap", "SnapKV: Compressing The Cache", "We beat H$_2$O on long inputs."),
    ]
    assert find_mentions(papers)["snap"] == ("h2o",)
