"""LaTeX in scraped text becomes readable text; plain text is never touched."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.enrich.latex import has_latex, latex_to_text, readable_text
from generator.enrich.text import slugify


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("$\\pi_0$: A Vision-Language-Action Flow Model", "π₀: A Vision-Language-Action Flow Model"),
        ("$O(n^2)$ attention", "O(n²) attention"),
        ("H$_2$O", "H₂O"),
        ('M{\\"u}ller', "Müller"),
        ("S{\\o}ren \\v{S}imon", "Søren Šimon"),
        ("\\emph{fast} and \\textbf{small}", "fast and small"),
        ("3.1\\% of tokens", "3.1% of tokens"),
        ("from 2014--2022", "from 2014–2022"),
        ("a prior -- transformed", "a prior – transformed"),
        ("$x_{t+1}$", "xₜ₊₁"),
        ("$2^{q+1}$", "2^(q+1)"),
        ("$10\\times$ faster", "10× faster"),
        ("$\\sim$10B tokens", "∼10B tokens"),
        ("$k$-means", "k-means"),
        ("\\(a^2\\)", "a²"),
        # Author names as BibTeX spells them: a dotless i under an accent, an accent on an accent.
        ("Garc\\'{\\i}a and D{\\'\\i}az", "García and Díaz"),
        ("Nguy\\~{\\^e}n and Tr{\\`{\\^a}}n", "Nguyễn and Trần"),
    ],
)
def test_latex_becomes_readable_text(latex: str, text: str):
    assert latex_to_text(latex) == text
    assert has_latex(latex)


@pytest.mark.parametrize(
    "plain",
    [
        "costs $5 and $10",
        "$5-$10 per hour",
        "5% faster",
        "C# and C++",
        "a lone \\ backslash",
        "C:\\Users\\u",
        "http://x.org/~user/a_b",
        "run it with --help",
        "\\tool, a custom macro, stays",
        "$ latency reductions on GPUs and 42.9%$",
        "\\textbf{ never closed",
        # Broken inside a span that looks like LaTeX: pylatexenc's guesses would lose what was written.
        "$\\frac{1}{$",
        "$x^{2$ and more",
        "Broken $\\emph{$ math",
    ],
)
def test_plain_text_comes_back_unchanged(plain: str):
    assert latex_to_text(plain) == plain


def test_ids_transliterate_latex_titles():
    assert slugify(readable_text("$\\pi_0$: A Vision-Language-Action Flow Model")) == "pi0-a-vision-language-action-flow-model"


_NO_MARKERS = st.text(st.characters(exclude_characters="$\\", exclude_categories=("Cs",))).filter(
    lambda text: "--" not in text
)


@settings(max_examples=300, deadline=None)
@given(_NO_MARKERS)
def test_text_without_latex_markers_is_unchanged(text: str):
    assert latex_to_text(text) is text


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("$\\{}_^%&#~ -abxn0123()[]'\"`=.")) | st.characters(exclude_categories=("Cs",)), max_size=40))
def test_conversion_never_raises(text: str):
    # Broken LaTeX (an open brace, a lone "$", "\\begin" without end) is kept as written.
    assert isinstance(readable_text(text), str)


def test_a_run_of_math_openers_takes_linear_time():
    import time

    # Each "\(" searched to the end of the text for its "\)": 60,000 of them took about 25 s.
    text = "\\(" * 60_000 + "x"
    start = time.perf_counter()
    assert readable_text(text) == text
    assert time.perf_counter() - start < 3
