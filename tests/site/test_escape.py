"""Tests for generator.escape: untrusted text renders as itself under Material's Markdown extensions."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pymdownx.superfences
import pytest
from markupsafe import Markup
from hypothesis import given, settings
from hypothesis import strategies as st
from material.extensions.emoji import to_svg, twemoji

from generator.enrich.links import arxiv_title_search
from generator.site.entries import Entry, EntryLink, EntryRef, EntryRenderer
from generator.site.escape import html_attr, html_block_text, md_text, md_text_plain
from generator.site.render import make_environment

# The extensions Material's own documentation enables (its mkdocs.yml), with
# its settings, plus tables (our pages use them) and the other extensions a
# Material site may add: each has its own triggers.
MATERIAL_EXTENSIONS = [
    "abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "toc",
    "pymdownx.arithmatex", "pymdownx.betterem", "pymdownx.caret", "pymdownx.details",
    "pymdownx.emoji", "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.keys",
    "pymdownx.magiclink", "pymdownx.mark", "pymdownx.smartsymbols", "pymdownx.snippets",
    "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.tasklist", "pymdownx.tilde",
]  # fmt: skip
MORE_EXTENSIONS = [
    "tables", "smarty", "wikilinks", "nl2br", "pymdownx.critic", "pymdownx.progressbar",
    "pymdownx.fancylists", "pymdownx.saneheaders", "pymdownx.escapeall",
    "pymdownx.blocks.admonition", "pymdownx.blocks.details", "pymdownx.blocks.tab",
    "pymdownx.blocks.html", "pymdownx.blocks.definition", "pymdownx.blocks.caption",
]  # fmt: skip
SECRET = "SNIPPET-FILE-CONTENT"


def material_config(snippets: Path) -> dict[str, dict[str, object]]:
    """Return the extension settings of Material's mkdocs.yml, snippets reading from a folder."""
    return {
        "toc": {"permalink": True},
        "pymdownx.arithmatex": {"generic": True},
        "pymdownx.betterem": {"smart_enable": "all"},
        "pymdownx.emoji": {"emoji_index": twemoji, "emoji_generator": to_svg},
        "pymdownx.highlight": {"anchor_linenums": True, "line_spans": "__span", "pygments_lang_class": True},
        "pymdownx.magiclink": {
            "normalize_issue_symbols": True, "repo_url_shorthand": True, "social_url_shorthand": True,
            "user": "squidfunk", "repo": "mkdocs-material",
        },
        "pymdownx.snippets": {"base_path": [str(snippets)]},
        "pymdownx.superfences": {
            "custom_fences": [{"name": "mermaid", "class": "mermaid", "format": pymdownx.superfences.fence_code_format}]
        },
        "pymdownx.tabbed": {"alternate_style": True, "combine_header_slug": True},
        "pymdownx.tasklist": {"custom_checkbox": True},
    }  # fmt: skip


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> markdown.Markdown:
    """Return one Markdown converter with every extension; snippets can read a file holding SECRET."""
    folder = tmp_path_factory.mktemp("snippets")
    for name in ("README.md", "secret.txt", "x", "a.md"):
        (folder / name).write_text(f"{SECRET}\n\n*[HTML]: {SECRET}\n", encoding="utf-8")
    return markdown.Markdown(
        extensions=MATERIAL_EXTENSIONS + MORE_EXTENSIONS, extension_configs=material_config(folder)
    )


def render(renderer: markdown.Markdown, source: str) -> str:
    renderer.reset()
    return renderer.convert(source)


class Node:
    """An element of rendered HTML: tag, attributes and children (nodes and text)."""

    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag, self.attrs, self.children = tag, attrs, []

    @property
    def elements(self) -> list[Node]:
        return [child for child in self.children if isinstance(child, Node)]

    @property
    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text for child in self.children)


class _TreeBuilder(HTMLParser):
    VOID = {"br", "hr", "img", "input", "meta", "link"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        raise AssertionError(f"an HTML comment came out: {data!r}")


def tree(rendered: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(rendered)
    builder.close()
    assert builder.stack == [builder.root], rendered
    return builder.root


def only(node: Node, tag: str) -> Node:
    """Return node's one child element, checking its tag."""
    assert [child.tag for child in node.elements] == [tag], [child.tag for child in node.elements]
    return node.elements[0]


def plain(node: Node) -> str:
    """Return node's text, checking it holds no element."""
    assert not node.elements, [child.tag for child in node.elements]
    return node.text.strip()


# Where templates print untrusted text (templates/*.md.j2), each with how to
# find the text in the result. "{}" stands for the escaped text.
PARAGRAPH = "{}"
HEADING = "## {} {{: #entry-id }}"
LINK_TEXT = "**Related:** [{}](page.md#entry-id)"
TABLE_CELL = "| Date | Paper |\n| --- | --- |\n| 2024 | {} |"
LIST_ITEM = "- {}"
SPAN = '<span class="digest-meta">{}</span>'
TITLE_ATTRIBUTE = '<span class="digest-why" title="{}">why here?</span>'
DIV = "<div markdown>\n\n{}\n\n</div>"
DETAILS = '<details class="digest-more" markdown>\n<summary>Read the whole abstract</summary>\n\n{}\n\n</details>'
ALSO_LIST = '## Also {{: #digest-also-here }}\n\n<div class="digest-also">\n<ul>\n<li><a href="../b/#entry-id">{}</a> · 2024-01-02</li>\n</ul>\n</div>\n'


def as_paragraph(root: Node) -> str:
    return plain(only(root, "p"))


def as_heading(root: Node) -> str:
    heading = only(root, "h2")
    assert heading.attrs.get("id") == "entry-id"
    permalink = only(heading, "a")
    assert permalink.attrs.get("href") == "#entry-id" and permalink.text == "¶"
    return "".join(child for child in heading.children if isinstance(child, str)).strip()


def as_linked_heading(root: Node, href: str) -> str:
    """Return the text of an entry heading whose title links to href (_entry.md.j2), checking it holds nothing else."""
    heading = only(root, "h2")
    assert heading.attrs.get("id") == "entry-id"
    title, permalink = heading.elements
    assert title.attrs == {"class": "digest-paper", "href": href, "title": "Search arXiv for this title", "rel": "noopener"}
    assert permalink.attrs.get("href") == "#entry-id" and permalink.text == "¶"
    assert not title.elements and not "".join(c for c in heading.children if isinstance(c, str)).strip()
    return plain(title)


def as_link_text(root: Node) -> str:
    paragraph = only(root, "p")
    assert [child.tag for child in paragraph.elements] == ["strong", "a"]
    link = paragraph.elements[1]
    assert link.attrs == {"href": "page.md#entry-id"}
    return plain(link)


def as_table_cell(root: Node) -> str:
    table = only(root, "table")
    assert [part.tag for part in table.elements] == ["thead", "tbody"]
    row = only(table.elements[1], "tr")
    assert [cell.tag for cell in row.elements] == ["td", "td"] and plain(row.elements[0]) == "2024"
    return plain(row.elements[1])


def as_list_item(root: Node) -> str:
    return plain(only(only(root, "ul"), "li"))


def in_span(root: Node) -> str:
    return plain(only(only(root, "p"), "span"))


def in_title_attribute(root: Node) -> str:
    span = only(only(root, "p"), "span")
    assert plain(span) == "why here?"
    return str(span.attrs.get("title"))


def in_div(root: Node) -> str:
    return plain(only(only(root, "div"), "p"))


def in_details(root: Node) -> str:
    details = only(root, "details")
    assert [child.tag for child in details.elements] == ["summary", "p"]
    return plain(details.elements[1])


def in_also_list(root: Node) -> str:
    link = only(only(only(root.elements[1], "ul"), "li"), "a")
    assert link.attrs == {"href": "../b/#entry-id"}
    return plain(link)


CONTEXTS = {
    ALSO_LIST: in_also_list, PARAGRAPH: as_paragraph, HEADING: as_heading, LINK_TEXT: as_link_text, TABLE_CELL: as_table_cell,
    LIST_ITEM: as_list_item, SPAN: in_span, TITLE_ATTRIBUTE: in_title_attribute, DIV: in_div,
    DETAILS: in_details,
}  # fmt: skip


# The entry body: a raw HTML block from _entry.html.j2, every field holding the text, after its Markdown heading.
ENTRY_HTML = EntryRenderer(make_environment().overlay(autoescape=True, finalize=html_block_text), {})


def entry_block(source: str) -> str:
    ref = EntryRef(source, Markup("page/#entry-id"))
    entry = Entry(
        id=Markup("entry-id"), title=source, authors=source, all_authors=source, note=source, bibtex=source,
        meta=(source,), why=source,
        links=(EntryLink(html_attr("https://x.org/a"), source, "code", source),), summary=source, more=source,
        also_in=(ref,), mentions=(ref,), mentioned_by=(ref,), mentioned_by_more=2, related=(ref,),
    )  # fmt: skip
    href = html_attr(arxiv_title_search(source))
    heading = f'## <a class="digest-paper" href="{href}" title="{md_text("Search arXiv for this title")}" rel="noopener">{md_text(source)}</a>'
    return f"{heading} {{: #entry-id }}\n\n{ENTRY_HTML.render(entry)}\n"


def in_entry_block(root: Node, source: str) -> list[str]:
    """Return every text and attribute the entry shows, checking its elements are the template's own."""
    heading, body = root.elements
    assert heading.tag == "h2" and body.attrs == {"class": "digest-entry"}
    authors, meta, links, note, summary, details, cite, refs = body.elements
    assert authors.attrs["class"] == "digest-authors" and not authors.elements
    assert [e.tag for e in note.elements] == ["strong"] and plain(note.elements[0]) == "Curator's note:"
    assert [e.tag for e in cite.elements] == ["summary", "pre", "button"] and plain(cite.elements[0]) == "Cite"
    code = only(cite.elements[1], "code")
    assert not code.elements
    why = meta.elements[1]
    assert [e.tag for e in meta.elements] == ["span", "span"] and plain(why) == "why here?"
    button = only(links, "a")
    assert button.attrs == {"class": "md-button digest-link digest-code", "href": "https://x.org/a", "rel": "noopener"}
    assert [e.tag for e in details.elements] == ["summary", "p"]
    texts = [as_linked_heading(root_of(heading), arxiv_title_search(source)), plain(meta.elements[0]),
             str(why.attrs["title"]), "".join(c for c in button.children if isinstance(c, str)).strip(),
             plain(only(button, "code")), plain(summary), plain(details.elements[1]), plain(authors),
             str(authors.attrs["title"]), "".join(c for c in note.children if isinstance(c, str)).strip(),
             " ".join("".join(code.children).split())]  # preformatted: its spaces are kept  # fmt: skip
    for paragraph in refs.elements:
        strong, link = paragraph.elements
        assert strong.tag == "strong" and link.tag == "a" and link.attrs == {"href": "page/#entry-id"}
        texts.append(plain(link))
    assert len(texts) == 15
    return texts


def root_of(node: Node) -> Node:
    root = Node("root", {})
    root.children.append(node)
    return root


def assert_renders_as_text(r: markdown.Markdown, source: str) -> None:
    """Check source shows as exactly itself, and as no element, wherever templates print it."""
    expected = " ".join(source.split())
    for template, find in CONTEXTS.items():
        assert find(tree(render(r, template.format(md_text(source))))) == expected, template
    assert set(in_entry_block(tree(render(r, entry_block(source))), source)) == {expected}


def test_html_stays_text(renderer):
    assert md_text("<script>alert(1)</script>") == "&#60;script&#62;alert(1)&#60;/script&#62;"
    assert_renders_as_text(renderer, '<img src=x onerror="alert(1)"> <!-- hidden -->')


def test_markdown_structure_stays_text(renderer):
    for source in ["# Heading", "- item", "1. item", "> quote", "*em* __strong__ `code`",
                   "[link](javascript:alert(1))", "![img](x.png)", "| a | b |", "a {: #id .cls }",
                   "Term: definition", "===", "+ plus", "[TOC]", "<div markdown>x</div>"]:
        assert_renders_as_text(renderer, source)


def test_math_backslashes_and_templates_stay_as_written(renderer):
    assert_renders_as_text(renderer, r"Cost $O(n^2)$ with \alpha and H$_2$O, \(x\) and $$y$$ \[z\]")
    assert_renders_as_text(renderer, r"\begin{align} a \end{align}")
    assert_renders_as_text(renderer, "{{ config.secret }} {% include 'x' %}")


# Each extension's own syntax, as an abstract or title might hold it.
EXTENSION_TRIGGERS = {
    "admonition": ["!!! note Click me", "!!! warning"],
    "details": ["??? note Click me", "???+ note", '??? "Title"'],
    "tabbed": ['=== "Tab"', '===! "Tab"'],
    "blocks": ["/// details | Click me", "/// note", "///"],
    "snippets": ['--8<-- "secret.txt"', '--8<-- "README.md"', ';--8<-- "x"', "--8<--", '-8<- "a.md"'],
    "emoji": [":smile:", ":material-github:", ":fontawesome-brands-github:", ":+1:"],
    "keys": ["++ctrl+alt+del++", '++"custom"++'],
    "mark caret tilde": ["==mark==", "^^ins^^", "^sup^", "~~del~~", "H~2~O"],
    "critic": ["{++ add ++}", "{-- del --}", "{~~ a ~> b ~~}", "{== hi ==}", "{>> note <<}"],
    "footnotes": ["x[^1]", "[^1]: a note", "///Footnotes Go Here///"],
    "abbr": ["*[HTML]: Hyper Text", "HTML"],
    "arithmatex": ["$x$", "$$x$$", r"\(x\)", r"\[x\]", "$1 and $2"],
    "magiclink": [
        "see https://x.com", "www.x.com", "WWW.X.COM", "a@b.com", "@user", "@twitter:user", "#123", "!123",
        "?123", "owner/repo#1", "owner/repo!1", "squidfunk/mkdocs-material@" + "a" * 40,
        "deadbeef" * 5, "0123456789" * 9, "ftp://x.org",
    ],
    "smartsymbols": ["(c)", "(r)", "(tm)", "c/o", "+/-", "=/=", "-->", "<--", "<-->", "1/4", "3/8", "1st",
                     "2nd", "3rd", "11th", "101st",
                     # A hex run escaped at its start ends the ordinal before it (found by hypothesis).
                     "101st" + "0123456789" * 5],
    "smarty": ["...", "--", "---", "'quoted'", '"quoted"', "<<a>>"],
    "tasklist": ["[x] done", "[ ] todo"],
    "attr_list": ["{: #id }", "{: .cls }", "text {#x}"],
    "inlinehilite": ["`#!python x`", "`:::python x`"],
    "superfences": ["```python", "~~~"],
    "progressbar": ['[=50% "half"]'],
    "wikilinks": ["[[Wiki Page]]"],
    "fancylists": ["a. first", "iv) fourth", "B) second", "#. generic", "A.  Smith"],
    "def_list": [": definition"],
    "escapeall": ["\\ space", "a\\-b"],
}


@pytest.mark.parametrize("name", sorted(EXTENSION_TRIGGERS))
def test_every_extension_trigger_stays_text(renderer, name):
    for trigger in EXTENSION_TRIGGERS[name]:
        assert_renders_as_text(renderer, trigger)
        assert_renders_as_text(renderer, f"Before {trigger} after")


def test_snippets_never_include_a_file(renderer):
    # The test is only as good as its renderer: it does include the file.
    assert SECRET in render(renderer, '--8<-- "secret.txt"')
    for source in ['--8<-- "secret.txt"', ';--8<-- "secret.txt"', "--8<--\nsecret.txt\n--8<--", '-8<- "x"']:
        for template in CONTEXTS:
            assert SECRET not in render(renderer, template.format(md_text(source))), template
        assert SECRET not in render(renderer, entry_block(source))


def test_text_cannot_define_what_other_text_means(renderer):
    # Abbreviations, footnotes and link references are defined anywhere on a
    # page and change text elsewhere on it.
    definitions = ["*[HTML]: Hyper Text", "[^1]: note", "[x]: https://evil.example", "[HTML]: https://evil.example"]
    for definition in definitions:
        rendered = render(renderer, f"{md_text(definition)}\n\n{md_text('HTML [x] [HTML] x[^1]')}")
        paragraphs = tree(rendered).elements
        assert [p.tag for p in paragraphs] == ["p", "p"]
        assert [plain(p) for p in paragraphs] == [definition, "HTML [x] [HTML] x[^1]"]


def test_the_footnote_marker_stays_text_on_a_page_with_footnotes(renderer):
    marker = "Notes: ///Footnotes Go Here///"
    rendered = render(renderer, f"Trusted text.[^1]\n\n{md_text(marker)}\n\n[^1]: A trusted note.")
    paragraphs = [element for element in tree(rendered).elements if element.tag == "p"]
    assert len(paragraphs) == 2 and plain(paragraphs[1]) == marker


TRIGGERS = st.sampled_from(sorted({t for triggers in EXTENSION_TRIGGERS.values() for t in triggers}))
PIECES = st.one_of(
    TRIGGERS,
    st.sampled_from(list("\\`*_{}[]()<>&|~^=!#:;\"'+-$@?%/., \t\n0123456789wc")),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=5),
)
UNTRUSTED = st.lists(PIECES, min_size=1, max_size=12).map("".join).filter(lambda text: bool(text.split()))


@settings(max_examples=300, deadline=None)
@given(UNTRUSTED)
def test_any_text_renders_to_itself_in_every_context(renderer, source: str):
    assert_renders_as_text(renderer, source)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))).filter(lambda text: bool(text.split())))
def test_any_unicode_text_renders_to_itself(renderer, source: str):
    assert as_paragraph(tree(render(renderer, md_text(source)))) == " ".join(source.split())


def test_html_attr_escapes_quotes():
    assert html_attr('a "b" <c>') == "a &quot;b&quot; &lt;c&gt;"


def attribute_values(r: markdown.Markdown, value: str) -> tuple[str, str]:
    source = f'<a class="md-button" href="{html_attr(value)}" rel="noopener">GitHub</a> <span title="{html_attr(value)}">x</span>'
    paragraph = only(tree(render(r, source)), "p")
    link, span = paragraph.elements
    assert (link.tag, plain(link), span.tag, plain(span)) == ("a", "GitHub", "span", "x")
    return str(link.attrs["href"]), str(span.attrs["title"])


@pytest.mark.parametrize(
    "url", ["https://example.org/a$b$c", "https://x.org/(c)/1/4/1st", "https://x.org/@user/#1?q=:smile:&x=++k++"]
)
def test_html_attr_keeps_urls_whole(renderer, url):
    assert attribute_values(renderer, url) == (url, url)


@settings(max_examples=200, deadline=None)
@given(UNTRUSTED)
def test_any_attribute_value_stays_itself(renderer, value: str):
    expected = " ".join(value.split())
    assert attribute_values(renderer, value) == (expected, expected)


def test_html_unescape_is_the_oracle_for_references():
    # The references md_text writes are what the browser reads back.
    source = "a<b>&c\"d'e*f_g[h]i{j}k|l~m^n=o!p#q:r+s$t@u?v"
    assert html.unescape(md_text(source)) == source


@given(UNTRUSTED | st.text() | st.from_regex(r"[0-9a-f ]{0,90}|[0-9]{1,3}(st|nd|rd|th)\b", fullmatch=True))
def test_the_byte_table_pre_checks_change_nothing(source: str):
    assert md_text(source) == md_text_plain(source)
