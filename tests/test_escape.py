from __future__ import annotations

import html

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.escape import html_attr, md_text

EXTENSIONS = ["attr_list", "tables", "toc", "md_in_html", "def_list"]


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def visible(rendered: str) -> str:
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    return html.unescape(rendered[3:-4])


def assert_renders_as_text(source: str) -> None:
    rendered = render(md_text(source))
    assert visible(rendered) == " ".join(source.split())
    inner = rendered[3:-4]
    assert "<" not in inner and ">" not in inner


def test_html_stays_text():
    assert md_text("<script>alert(1)</script>") == "&#60;script&#62;alert(1)&#60;/script&#62;"
    assert_renders_as_text('<img src=x onerror="alert(1)"> <!-- hidden -->')


def test_markdown_structure_stays_text():
    for source in ["# Heading", "- item", "1. item", "> quote", "*em* __strong__ `code`",
                   "[link](javascript:alert(1))", "![img](x.png)", "| a | b |", "a {: #id .cls }",
                   "Term: definition", "===", "+ plus"]:
        assert_renders_as_text(source)


def test_math_backslashes_and_templates_stay_as_written():
    assert_renders_as_text(r"Cost $O(n^2)$ with \alpha and H$_2$O")
    assert_renders_as_text("{{ config.secret }} {% include 'x' %}")


def test_html_attr_escapes_quotes():
    assert html_attr('a "b" <c>') == "a &quot;b&quot; &lt;c&gt;"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1))
def test_any_text_renders_to_itself(source: str):
    if not source.split():
        return
    assert_renders_as_text(source)
