"""Tests for generator.links: one named fixture per edge case, plus properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.enrich.link_hosts import CODE_HOST_PAGES, HF_PAGES, PLACEHOLDER_OWNERS
from generator.enrich.links import extract_links, paper_links
from generator.enrich.stop_words import ENGLISH_STOP_WORDS
from generator.enrich.text import clean_text
from generator.models import LINK_KINDS, Link

from ..conftest import FIXTURES as TEST_FIXTURES
from ..conftest import PROJECT

FIXTURES = TEST_FIXTURES / "links"
SOURCES = PROJECT / "data" / "sources"


def gh(owner_name: str, path: str = "") -> Link:
    """Build the expected GitHub link for owner/name (and a deep path)."""
    return Link(f"https://github.com/{owner_name}{path}", "code", "GitHub", owner_name)


def fixture(name: str) -> str:
    """Return the text of a named edge-case fixture."""
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def test_trailing_punctuation_and_brackets_are_stripped() -> None:
    assert extract_links(fixture("trailing_punctuation")) == [
        gh("xinghaow99/BitStack"),
        gh("stypoumic/BECLR"),
        gh("google/seqio"),
        gh("thunlp/BlockFFN"),
    ]


def test_balanced_parens_inside_a_path_are_kept() -> None:
    assert extract_links(fixture("wikipedia_parens")) == [
        Link(
            "https://en.wikipedia.org/wiki/Python_(programming_language)",
            "project",
            "Project page",
        )
    ]


def test_trailing_slash_and_git_suffix_are_removed_not_rstripped() -> None:
    assert extract_links(fixture("git_suffix")) == [
        gh("RazvanDu/LayerwiseQuant"),
        gh("guilhermemr04/scaling-zero-shot-retrieval"),
        gh("facebookresearch/vggt"),
    ]


def test_latex_leftovers_give_one_link_and_escapes_are_undone() -> None:
    assert extract_links(fixture("latex_duplicate")) == [
        gh("cccrrrccc/Re-ttention"),
        gh("a-b/name_with_underscores"),
    ]


def test_scheme_less_urls_get_https() -> None:
    assert extract_links(fixture("no_scheme")) == [
        gh("PeterYYZhang/LayerCraft"),
        Link("https://www.example.org", "project", "Project page"),
        Link("https://tianyuanzhang.com/projects/ttt-done-right", "project", "Project page"),
    ]


def test_space_after_code_host_joins_the_repository() -> None:
    assert extract_links(fixture("space_after_host")) == [gh("altair199797/LowFormer")]


def test_space_after_host_does_not_swallow_and_or() -> None:
    assert extract_links("code at https://github.com/ and/or elsewhere") == []


def test_anonymised_code_links_are_not_links() -> None:
    assert extract_links(fixture("anonymised")) == []


def test_placeholder_owners_are_not_links() -> None:
    assert extract_links("see https://github.com/owner/repo and github.com/anonymous/x") == []


def test_deep_links_keep_path_and_know_their_repository() -> None:
    assert extract_links(fixture("deep_links")) == [
        gh("microsoft/CodeT", "/tree/main/RepoCoder"),
        Link(
            "https://gitee.com/mindspore/models/tree/master/research/cv/ghostnetv2",
            "code",
            "Gitee",
            "mindspore/models",
        ),
    ]


def test_hugging_face_kinds_and_mirrors() -> None:
    assert extract_links(fixture("hugging_face")) == [
        Link(
            "https://huggingface.co/datasets/phreshphish/phreshphish",
            "data",
            "Hugging Face dataset",
            "phreshphish/phreshphish",
        ),
        Link(
            "https://huggingface.co/PowerInfer/SmallThinker-4BA0.6B-Instruct",
            "model",
            "Hugging Face model",
            "PowerInfer/SmallThinker-4BA0.6B-Instruct",
        ),
        Link(
            "https://huggingface.co/PowerInfer/SmallThinker-21BA3B-Instruct",
            "model",
            "Hugging Face model",
            "PowerInfer/SmallThinker-21BA3B-Instruct",
        ),
        Link(
            "https://huggingface.co/spaces/ortal1602/ARvsFM",
            "demo",
            "Hugging Face demo",
            "ortal1602/ARvsFM",
        ),
        Link("https://huggingface.co/meta-llama", "project", "Project page"),
        Link("https://huggingface.co/papers/2401.12345", "other", "Link"),
    ]


def test_packages_project_pages_and_short_links() -> None:
    assert extract_links(fixture("packages_and_pages")) == [
        Link("https://yuzhenmao.github.io/IceCache", "project", "Project page"),
        Link("https://pypi.org/project/chronicals", "package", "PyPI"),
        Link("https://aka.ms/SCBench", "other", "Link"),
        Link("https://bit.ly/3xYzAbc", "other", "Link"),
    ]


def test_gitlab_bitbucket_and_codeberg_are_code_hosts() -> None:
    assert extract_links(fixture("other_code_hosts")) == [
        Link(
            "https://gitlab.com/group/subgroup/project/-/tree/main/src",
            "code",
            "GitLab",
            "group/subgroup/project",
        ),
        Link(
            "https://bitbucket.org/workspace/repo/src/master",
            "code",
            "Bitbucket",
            "workspace/repo",
        ),
        Link("https://codeberg.org/owner1/name1", "code", "Codeberg", "owner1/name1"),
    ]


def test_hosts_are_lower_cased_and_known_hosts_upgraded_to_https() -> None:
    assert extract_links(fixture("host_case")) == [
        gh("AcmeLab/Repo"),
        # Unknown sites keep their scheme, query and fragment.
        Link("http://example.org/Page?q=1#top", "project", "Project page"),
    ]


def test_prose_emails_ids_and_other_schemes_are_not_links() -> None:
    assert extract_links(fixture("not_links")) == []


def test_the_same_canonical_url_is_one_link() -> None:
    assert extract_links(fixture("dedup")) == [
        gh("naver/bergen"),
        Link(
            "https://huggingface.co/datasets/vtllms/sealqa",
            "data",
            "Hugging Face dataset",
            "vtllms/sealqa",
        ),
        # http then https of one page: one link, and https wins.
        Link("https://example.com/a", "project", "Project page"),
    ]


def test_links_are_ordered_by_kind_then_first_appearance() -> None:
    links = extract_links(fixture("ordering"))
    assert [link.kind for link in links] == ["code", *LINK_KINDS]
    assert [link.url for link in links] == [
        "https://github.com/o/b",
        "https://github.com/o/a",
        "https://huggingface.co/datasets/o/d",
        "https://huggingface.co/o/m",
        "https://huggingface.co/spaces/o/d",
        "https://example.org/p",
        "https://pypi.org/project/pkg",
        "https://aka.ms/x",
    ]


def test_urls_glued_to_words_and_each_other_are_split() -> None:
    assert extract_links(fixture("glued")) == [gh("a/b"), gh("c/d"), gh("e/f")]


# --- Line-wrapped URLs ---------------------------------------------------------
# Fixtures hold the line breaks an API's 80-column summary has; readers collapse
# them to spaces (clean_text), so each is checked both ways.


def wrapped(name: str) -> list[Link]:
    """Return a fixture's links, checking its collapsed form gives the same."""
    text = fixture(name)
    links = extract_links(text)
    assert extract_links(clean_text(text)) == links
    return links


def hf(kind: str, path: str, repo: str) -> Link:
    labels = {"model": "Hugging Face model", "data": "Hugging Face dataset", "demo": "Hugging Face demo"}
    return Link(f"https://huggingface.co/{path}", kind, labels[kind], repo)


def test_urls_wrapped_after_a_dash_or_underscore_are_joined() -> None:
    assert wrapped("wrapped_after_dash") == [
        gh("acme-lab/fast_attn"),
        hf("model", "example-org/weights", "example-org/weights"),
        Link("http://example.org/some-thing/index.html", "project", "Project page"),
    ]


def test_urls_wrapped_at_a_slash_are_joined() -> None:
    assert wrapped("wrapped_after_slash") == [
        gh("acme/repo"),
        gh("acme/fast-attn"),
        gh("acme/repo", "/tree/main/src"),
        Link("https://gitlab.com/group/sub/project/-/tree/main", "code", "GitLab", "group/sub/project"),
        hf("data", "datasets/acme/corpus-v2", "acme/corpus-v2"),
        hf("model", "Qwen/Qwen2-7B", "Qwen/Qwen2-7B"),
        hf("model", "meta-llama/Llama-3-8B", "meta-llama/Llama-3-8B"),
        hf("demo", "spaces/acme/demo-app", "acme/demo-app"),
        Link("https://tianyuanzhang.com/projects/ttt-done-right", "project", "Project page"),
    ]


def test_urls_wrapped_at_a_dot_are_joined() -> None:
    assert wrapped("wrapped_after_dot") == [
        gh("mrdoob/three.js"),
        gh("acme/repo", "/blob/main/train.py"),
        hf("model", "Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B-Instruct"),
        hf("model", "acme/model-x", "acme/model-x"),
        Link("https://acme.github.io/proj", "project", "Project page"),
    ]


def test_hosts_broken_by_a_wrap_are_joined() -> None:
    assert wrapped("wrapped_in_host") == [
        gh("acme/one"),
        gh("acme/two"),
        gh("acme/three"),
        Link("https://exam-ple.org/x", "project", "Project page"),
        # "example.org.\nWe" and "example.org.\nwe" end a sentence.
        Link("https://example.org", "project", "Project page"),
        Link("https://aka.ms/SCBench", "other", "Link"),
    ]


def test_prose_after_a_url_is_not_glued_to_it() -> None:
    assert wrapped("wrapped_prose") == [
        gh("acme/a"),
        gh("acme/b"),
        gh("acme/c"),
        # An owner's page with prose after it: "for" is a word, not a model.
        Link("https://huggingface.co/Qwen", "project", "Project page"),
        Link("https://example.org", "project", "Project page"),
    ]


def test_a_link_whose_wrapped_rest_is_missing_is_not_a_link() -> None:
    # It would end in "-", "_" or after the owner, or be a made-up host
    # ("example.Org.com"): a dead link either way.
    assert wrapped("cut_names") == []
    # Nor when another URL is glued to it.
    assert extract_links("https://x.github.io/-/https://y") == []


def test_wrapped_metadata_urls_are_joined_and_kept_apart_from_the_title() -> None:
    links = paper_links(
        "Qwen2 Technical Report", "No links.",
        urls=("https://github.com/acme/\nrepo", "https://huggingface.co/acme/"),
    )
    assert [link.url for link in links] == ["https://github.com/acme/repo", "https://huggingface.co/acme"]


# A name a wrapper can break: parts joined by "-", "_" or "." (a dot before a
# small letter or digit; before a capital it reads as a full stop).
NAME = st.from_regex(r"\A[A-Za-z][A-Za-z0-9]{0,6}(?:[-_][A-Za-z0-9]{1,6}|\.[a-z0-9][A-Za-z0-9]{0,5}){0,3}\Z")
# On a site that is not a code host, a path segment must look like one to be
# joined across a break after "/": plain words there read as prose.
PATH_SEGMENT = st.from_regex(r"\A[a-z]{1,6}(?:-[a-z0-9]{1,6}|[0-9]{1,3}){1,2}\Z")
URL = st.one_of(
    st.tuples(st.sampled_from(["https://github.com", "https://gitlab.com"]), NAME, NAME),
    st.tuples(st.sampled_from(["https://huggingface.co", "https://huggingface.co/datasets"]), NAME, NAME),
    st.tuples(st.sampled_from(["https://acme-lab.github.io", "https://example.org"]), PATH_SEGMENT, PATH_SEGMENT),
).map("/".join)


def is_word_or_page(url: str) -> bool:
    """Tell whether a URL's path holds an English word or a site page: not names a wrap can be told by."""
    parts = [part.lower() for part in url.split("://")[1].split("/")[1:]]
    words = {word for part in parts for word in re.split(r"[-_.]", part)}
    return bool(words & ENGLISH_STOP_WORDS or set(parts) & (CODE_HOST_PAGES | HF_PAGES | PLACEHOLDER_OWNERS))


@settings(max_examples=300)
@given(URL, st.data())
def test_a_wrapped_url_gives_the_same_link_or_none(url: str, data: st.DataObject) -> None:
    assume(not is_word_or_page(url))
    before = data.draw(st.sampled_from(["", "Code: ", "Code at ", "("]))
    after = data.draw(st.sampled_from(["", ".", " and data.", ". We show", ", and", ")"]))
    whole = extract_links(before + url + after)
    assume(len(whole) == 1)
    # A wrapper breaks after "-", "_", ".", "/" or before "/".
    breaks = [i for i in range(url.index("://") + 3, len(url)) if url[i - 1] in "-_./" or url[i] == "/"]
    at = data.draw(st.sampled_from(breaks))
    text = before + url[:at] + "\n" + url[at:] + after
    for shown in (text, clean_text(text)):
        assert extract_links(shown) in ([], whole)


@pytest.mark.parametrize("text", ["", "no links here", "e.g.", "3.5%", "v1.5", "Fig.3"])
def test_text_without_links_gives_nothing(text: str) -> None:
    assert extract_links(text) == []


# --- Properties ---------------------------------------------------------------

URLISH = st.sampled_from([
    "https://", "http://", "ftp://", "://", "www.", "github.com", "gitlab.com",
    "hf.co", "huface.online", "huggingface.co", "pypi.org", "aka.ms", "/",
    "/-/", "datasets/", "spaces/", "owner", "name", ".git", ".", ",", ")",
    "(", "{", "}", "\\_", " ", "\t", "\n", "@", ":", "?q=1", "#x", "'", '"',
    "<", ">", "é", "见", "。", "%", "e.g.", "3.5", "Codehttps://", "-", "_", "for",
])
URLISH_TEXT = st.lists(URLISH | st.text(max_size=5), max_size=30).map("".join)


def assert_clean(links: list[Link]) -> None:
    """Check the invariants every emitted link must hold."""
    urls = [link.url for link in links]
    assert len(urls) == len(set(urls))
    for link in links:
        assert link.url.startswith(("https://", "http://"))
        assert not any(ch.isspace() for ch in link.url)
        assert not set(link.url) & set("<>\"'{}")
        assert link.kind in LINK_KINDS
        # A link never ends inside a name (the rest of a wrapped name is missing).
        assert not link.url.endswith(("-", "_"))


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    assert_clean(extract_links(text))


@settings(max_examples=300)
@given(URLISH_TEXT)
def test_never_raises_on_url_like_text(text: str) -> None:
    assert_clean(extract_links(text))


@settings(max_examples=300)
@given(URLISH_TEXT)
def test_canonical_urls_extract_to_themselves(text: str) -> None:
    # Canonical output is a fixed point: nothing left to strip or rewrite.
    links = extract_links(text)
    assert extract_links(" ".join(link.url for link in links)) == links


# --- The bundled corpus -------------------------------------------------------

# A substring that finds the line, and a link that line must give.
CORPUS_CASES = [
    ("xinghaow99/BitStack.", gh("xinghaow99/BitStack")),
    ("stypoumic/BECLR).", gh("stypoumic/BECLR")),
    ("google/seqio,", gh("google/seqio")),
    ("(https://github.com/thunlp/BlockFFN).", gh("thunlp/BlockFFN")),
    ("RazvanDu/LayerwiseQuant/.", gh("RazvanDu/LayerwiseQuant")),
    ("scaling-zero-shot-retrieval.git", gh("guilhermemr04/scaling-zero-shot-retrieval")),
    ("Re-ttention{https://", gh("cccrrrccc/Re-ttention")),
    ("at github.com/PeterYYZhang/LayerCraft", gh("PeterYYZhang/LayerCraft")),
    ("https://github.com/ altair199797/LowFormer", gh("altair199797/LowFormer")),
    ("microsoft/CodeT/tree/main/RepoCoder", gh("microsoft/CodeT", "/tree/main/RepoCoder")),
    (
        "gitee.com/mindspore/models",
        Link(
            "https://gitee.com/mindspore/models/tree/master/research/cv/ghostnetv2",
            "code",
            "Gitee",
            "mindspore/models",
        ),
    ),
    (
        "hf-proxy-en5.pages.dev/datasets/phreshphish",
        Link(
            "https://huggingface.co/datasets/phreshphish/phreshphish",
            "data",
            "Hugging Face dataset",
            "phreshphish/phreshphish",
        ),
    ),
    (
        "huggingface.co/datasets/vtllms/sealqa.",
        Link(
            "https://huggingface.co/datasets/vtllms/sealqa",
            "data",
            "Hugging Face dataset",
            "vtllms/sealqa",
        ),
    ),
    (
        "huface.online/spaces/ortal1602/ARvsFM",
        Link(
            "https://huggingface.co/spaces/ortal1602/ARvsFM",
            "demo",
            "Hugging Face demo",
            "ortal1602/ARvsFM",
        ),
    ),
    (
        "hf.co/PowerInfer/SmallThinker-21BA3B-Instruct.",
        Link(
            "https://huggingface.co/PowerInfer/SmallThinker-21BA3B-Instruct",
            "model",
            "Hugging Face model",
            "PowerInfer/SmallThinker-21BA3B-Instruct",
        ),
    ),
    ("pypi.org/project/chronicals/.", Link("https://pypi.org/project/chronicals", "package", "PyPI")),
    (
        "yuzhenmao.github.io/IceCache/.",
        Link("https://yuzhenmao.github.io/IceCache", "project", "Project page"),
    ),
    ("https://aka.ms/SCBench.", Link("https://aka.ms/SCBench", "other", "Link")),
]


@pytest.fixture(scope="module")
def corpus_links() -> dict[str, list[Link]]:
    """Map every line of every bundled source file to the links it gives."""
    lines = {}
    for path in sorted(SOURCES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            lines[line] = extract_links(line)
    return lines


@pytest.mark.parametrize(("needle", "expected"), CORPUS_CASES, ids=[c[0] for c in CORPUS_CASES])
def test_bundled_corpus_case(
    corpus_links: dict[str, list[Link]], needle: str, expected: Link
) -> None:
    lines = [line for line in corpus_links if needle in line]
    assert lines, f"no line in {SOURCES} contains {needle!r}"
    for line in lines:
        assert expected in corpus_links[line]


def test_bundled_corpus_links_are_clean(corpus_links: dict[str, list[Link]]) -> None:
    links = [link for found in corpus_links.values() for link in found]
    assert links
    assert_clean(list({link.url: link for link in links}.values()))
    # Nothing in the corpus is a bare host or ends in sentence punctuation.
    for link in links:
        assert link.url.rstrip(".,;:)/") == link.url
        if link.kind == "code":
            assert link.repo.count("/") >= 1


def test_paper_links_put_metadata_first_and_add_arxiv_page():
    links = paper_links(
        "T", "Code at https://github.com/a/b and https://x.github.io/p.",
        urls=("https://github.com/meta/repo",), arxiv_id="2404.14469",
    )
    assert [(l.url, l.kind) for l in links] == [
        ("https://github.com/meta/repo", "code"),
        ("https://github.com/a/b", "code"),
        ("https://x.github.io/p", "project"),
        ("https://arxiv.org/abs/2404.14469", "other"),
    ]


def test_a_name_left_ending_in_a_dot_by_git_suffix_removal_loses_the_dot() -> None:
    # Found by test_canonical_urls_extract_to_themselves: the link must read back as itself.
    assert extract_links("github.com/datasets/www..git") == [gh("datasets/www")]
    assert extract_links("github.com/datasets/www..git.git") == [gh("datasets/www")]
    assert extract_links("https://github.com/a/..git") == []


@pytest.mark.parametrize(
    "urls, arxiv_id",
    [
        (("https://arxiv.org/abs/2404.14469",), "2404.14469"),
        (("https://arxiv.org/abs/2404.14469",), None),
        ((), "2404.14469"),
    ],
)
def test_an_arxiv_page_is_labelled_arxiv_whether_from_a_url_or_an_arxiv_id(urls, arxiv_id):
    assert paper_links("T", "", urls, arxiv_id) == [Link("https://arxiv.org/abs/2404.14469", "other", "arXiv")]
    assert extract_links("See arxiv.org/abs/2404.14469.") == [Link("https://arxiv.org/abs/2404.14469", "other", "arXiv")]


def test_paper_page_is_the_arxiv_page_else_the_first_paper_site_link():
    from urllib.parse import parse_qs, urlsplit

    from generator.enrich.links import arxiv_title_search, hf_paper_page, hf_title_search, paper_page

    assert paper_page("2404.14469", []) == "https://arxiv.org/abs/2404.14469"
    assert paper_page("hep-th/9901001", []) == "https://arxiv.org/abs/hep-th/9901001"
    links = paper_links(
        "T", "Data: https://doi.org/10.5281/zenodo.123 code: https://github.com/o/r "
        "paper: https://openreview.net/forum?id=abc and https://doi.org/10.1145/1.2"
    )
    # A Zenodo DOI is a data set, not the paper; the first paper site's link is.
    assert paper_page(None, links) == "https://openreview.net/forum?id=abc"
    assert paper_page(None, paper_links("T", "See https://aclanthology.org/2023.acl-long.1")) == (
        "https://aclanthology.org/2023.acl-long.1"
    )
    assert paper_page(None, paper_links("T", "Code: https://github.com/o/r, site https://o.github.io/r")) is None
    assert hf_paper_page("2404.14469") == "https://huggingface.co/papers/2404.14469"
    title = "π₀: Flows & Robots? 100% #1"
    for url, key in ((arxiv_title_search(title), "query"), (hf_title_search(title), "q")):
        assert " " not in url and "#" not in url.split("?", 1)[1].replace("%23", "")
        assert parse_qs(urlsplit(url).query)[key] == [title]
    assert arxiv_title_search(title).startswith("https://arxiv.org/search/?")
    assert parse_qs(urlsplit(arxiv_title_search(title)).query)["searchtype"] == ["title"]
    assert hf_title_search(title).startswith("https://huggingface.co/papers?")
