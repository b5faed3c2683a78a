"""Find papers whose name appears in another paper's abstract.

A title gives a name when it starts with a method-like token followed by a
colon or a spaced dash (``SnapKV: LLM Knows ...`` gives ``SnapKV``). Names and
abstracts are put in one canonical spelling, so ``H_2O``, ``H2O``, ``H$_2$O``,
``H$_{2}$O`` and ``H₂O`` are the same name. Each abstract is tokenised once and
its tokens are looked up in a dict from name to paper id, so the cost grows
with the corpus, not with names times abstracts.

The rules lean towards missing a mention rather than inventing one: only
single-token names, only method-like ones, never generic acronyms, and never
a name that two papers share.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .models import Paper

# LaTeX and markup noise inside names: H$_{2}$O, H_2O and H^2O all mean H2O.
_DROP = str.maketrans("", "", "$_^{}")
_URL = re.compile(r"(?:https?://|www\.)\S+")
# A token is a run of word characters, maybe chained by '-' or '.' (FlashAttention-2,
# GEB-1.3B, SnapKV-style) and maybe ending in '+' (FlashDecoding++). Being
# maximal runs, tokens are whole words: SnapKVs never yields SnapKV.
_TOKEN = re.compile(r"\w+(?:[-.]\w+)*\+*")
_CHAIN_SEPARATOR = re.compile(r"([-.])")
# What may separate a name from the rest of its title: a colon, or a dash with
# spaces around it (a dash without spaces is part of the name, as in Cache-Craft).
_TITLE_SPLIT = re.compile(r"\s*:\s+|\s+[-\u2013\u2014]\s+")
_MIN_NAME_LENGTH = 3
# Generic terms that look like method names yet name no single paper; a title
# starting with one ("LLM: ...", "MoE: ...") must not make every abstract that
# uses the word mention it. Names shorter than _MIN_NAME_LENGTH (AI, KV, RL)
# are dropped anyway.
STOPWORDS = frozenset(
    """
    API APIs ASR BERT CNN CNNs CPU CPUs CUDA CO2 DNN DNNs FPGA FPGAs GAN GANs GNN GNNs
    GPT GPU GPUs HPC IoT LLM LLMs LVLM LVLMs MLLM MLLMs MLP MLPs MoE MoEs NLP NPU
    NPUs RAG RLHF RNN RNNs RPG SLM SLMs SOTA SQL SSM SSMs TPU TPUs VLA VLAs VLM VLMs
    ViT ViTs FP4 FP8 FP16 FP32 BF16 INT4 INT8 LSTM
    """.split()
)


def _canonical(text: str) -> str:
    """Return text in the spelling that names and abstracts are compared in."""
    return unicodedata.normalize("NFKC", text).translate(_DROP)


def _is_method_like(part: str) -> bool:
    """Tell whether one dash-free part of a token looks like a method name."""
    letters = [ch for ch in part if ch.isalpha()]
    if not letters or part in STOPWORDS:
        return False
    if any(ch.isupper() for ch in part[1:]):
        return True
    if any(ch.isdigit() for ch in part):
        return True
    return len(part) >= _MIN_NAME_LENGTH and part.isupper()


def _is_name(token: str) -> bool:
    """Tell whether a canonical token may serve as a paper's name."""
    if token in STOPWORDS or sum(ch.isalnum() for ch in token) < _MIN_NAME_LENGTH:
        return False
    # Each part is judged alone so that generic compounds such as Self-Attention
    # or Key-Value are not names, while FlashAttention-2 and TPI-LLM are.
    parts = re.split(r"[-.]", token.rstrip("+"))
    return any(_is_method_like(part) for part in parts)


def paper_names(title: str) -> list[str]:
    """Return the canonical names a title gives, or an empty list."""
    text = _canonical(title).strip()
    pieces = _TITLE_SPLIT.split(text, maxsplit=1)
    if len(pieces) < 2 or not pieces[1]:
        return []
    head = pieces[0]
    if not _TOKEN.fullmatch(head) or not _is_name(head):
        return []
    return [head]


def _name_index(papers: Sequence[Paper]) -> dict[str, str]:
    """Map each unambiguous name to the one paper id that carries it."""
    owners: dict[str, set[str]] = {}
    for paper in papers:
        for name in paper_names(paper.title):
            owners.setdefault(name, set()).add(paper.id)
    # A name two papers share (MoE-this and MoE-that, or a reissue dedup did
    # not merge) cannot say which one is meant, so it links to neither.
    return {name: next(iter(ids)) for name, ids in owners.items() if len(ids) == 1}


def _names_in(abstract: str, index: dict[str, str]) -> set[str]:
    """Return the indexed names an abstract mentions, each token read once."""
    text = _URL.sub(" ", _canonical(abstract))
    found: set[str] = set()
    for token in set(_TOKEN.findall(text)):
        if token in index:
            found.add(token)
        elif "-" in token or "." in token:
            found.update(_names_in_chain(token, index))
    return found


def _names_in_chain(token: str, index: dict[str, str]) -> list[str]:
    """Return the names inside a chained token, longest first, without overlaps."""
    # Pieces alternate part, separator, part: "BARS-CTR-style" -> BARS - CTR - style.
    pieces = _CHAIN_SEPARATOR.split(token)
    parts = pieces[0::2]
    used = [False] * len(parts)
    found: list[str] = []
    for size in range(len(parts) - 1, 0, -1):
        for start in range(len(parts) - size + 1):
            stop = start + size
            if any(used[start:stop]):
                continue
            candidate = "".join(pieces[2 * start : 2 * stop - 1])
            if candidate in index:
                found.append(candidate)
                used[start:stop] = [True] * size
    return found


def find_mentions(papers: Sequence[Paper]) -> dict[str, tuple[str, ...]]:
    """Map each paper id that mentions others to the sorted ids it mentions."""
    index = _name_index(papers)
    mentions: dict[str, set[str]] = {}
    for paper in papers:
        targets = {index[name] for name in _names_in(paper.abstract, index)}
        targets.discard(paper.id)
        if targets:
            mentions.setdefault(paper.id, set()).update(targets)
    return {pid: tuple(sorted(mentions[pid])) for pid in sorted(mentions)}
