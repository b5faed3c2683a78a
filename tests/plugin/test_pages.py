"""What the plugin does to generated pages: entries set aside while Markdown converts them give the same page.

The oracle is Python-Markdown itself: each page is converted as it is and
with its entries set aside and put back, and the HTML and the table of
contents (as MkDocs makes it from Markdown's toc tokens) must be the same.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.structure.toc import get_toc

from generator.enrich.text import clean_text, collapse_spaces
from generator.plugin.entry_blocks import EntriesLost, EntryBlocks, with_headings

from ..site.test_escape import MATERIAL_EXTENSIONS, MORE_EXTENSIONS, entry_block, material_config

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden_expected"
PAGES = sorted(GOLDEN.glob("*.md"))
# Settings of toc that change how a heading is written, each against the entries' headings.
TOC_SETTINGS = [
    {"permalink": True},
    {"permalink": "#", "permalink_title": "Link here", "permalink_class": "here", "anchorlink": True},
    {"baselevel": 2, "permalink": True},
    {"toc_depth": 1},
    {"toc_depth": "2-3", "permalink": True, "permalink_leading": True},
]


@pytest.fixture(scope="module", params=range(len(TOC_SETTINGS)), ids=[str(s) for s in TOC_SETTINGS])
def converter(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> markdown.Markdown:
    settings = material_config(tmp_path_factory.mktemp("s"))
    settings["toc"] = TOC_SETTINGS[request.param]
    return markdown.Markdown(extensions=MATERIAL_EXTENSIONS + MORE_EXTENSIONS, extension_configs=settings)


def convert(converter: markdown.Markdown, text: str) -> tuple[str, str]:
    """Return the page's HTML and its table of contents as MkDocs shows it (titles, links, nesting)."""
    converter.reset()
    html = converter.convert(text)
    return html, str(get_toc(getattr(converter, "toc_tokens", [])))


def both_ways(converter: markdown.Markdown, text: str) -> tuple[tuple[str, str], tuple[str, str], int]:
    """Return the page converted as it is, and with its entries set aside and put back, and how many runs there were."""
    blocks = EntryBlocks()
    aside = blocks.set_aside("page.md", text)
    runs = len(blocks.pages.get("page.md", []))
    converter.reset()
    html = converter.convert(aside)
    toc = get_toc(getattr(converter, "toc_tokens", []))
    html, headings = blocks.put_back("page.md", html)
    with_headings(toc.items, headings)
    return convert(converter, text), (html, str(toc)), runs


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_setting_entries_aside_changes_no_page(converter: markdown.Markdown, page: Path):
    direct, aside, runs = both_ways(converter, page.read_text(encoding="utf-8"))
    assert aside == direct
    assert runs > 0 or "digest-entry" not in page.read_text(encoding="utf-8")


def entries(titles: list[str], ids: list[str] | None = None) -> str:
    ids = ids or [f"paper-{number}" for number in range(len(titles))]
    return "\n".join(entry_block(title).replace("entry-id", paper_id) for title, paper_id in zip(titles, ids))


def test_every_entry_is_set_aside_even_at_the_end_and_with_hostile_text(converter: markdown.Markdown):
    hostile = "<img src=x> {++ins++} --8<-- \"x\" ```py ~~~ *a* [b](c) &amp; digestentryx0 </div> ## h {: #x }"
    text = "# Topic\n\nIntro.\n\n" + entries([f"{hostile} {i}" for i in range(3)])
    for page in (text, text + "\nAfter the last entry.\n\n### A heading below\n\n## Also\n\nText.\n"):
        direct, aside, runs = both_ways(converter, page)
        assert runs == 1 and aside == direct
        assert direct[0].count('id="paper-') == 3
    assert "<img" not in direct[0]


EVERY_SETTING = material_config(Path(tempfile.mkdtemp()))


@settings(max_examples=100, deadline=None)
@given(titles=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=4), split=st.booleans())
def test_any_titles_give_the_same_page_and_contents(titles: list[str], split: bool):
    converter = markdown.Markdown(extensions=MATERIAL_EXTENSIONS + MORE_EXTENSIONS, extension_configs=EVERY_SETTING)
    titles = [collapse_spaces(clean_text(title)) or "x" for title in titles]  # as the readers give them
    # Text between entries ends a run: each run gets its own probe.
    middle = "\n## Between {: #between }\n\nSome text.\n\n" if split else ""
    text = "# T\n\n" + entries(titles[:2]) + middle + entries(titles[2:], [f"more-{i}" for i in range(len(titles))])
    direct, aside, runs = both_ways(converter, text)
    assert aside == direct


def test_a_body_whose_heading_is_a_curators_own_is_set_aside_alone():
    converter = markdown.Markdown(extensions=["attr_list", "md_in_html", "toc"], extension_configs={"toc": {"permalink": True}})
    own = entry_block("A title").replace("## <a class=\"digest-paper\"", "## <a class=\"mine\"")
    text = "# T\n\n" + own + "\n" + entry_block("Another").replace("entry-id", "other")
    blocks = EntryBlocks()
    aside = blocks.set_aside("p.md", text)
    assert 'class="mine"' in aside and 'class="digest-paper"' not in aside
    direct, back, runs = both_ways(converter, text)
    assert runs == 2 and back == direct


def test_a_block_that_is_not_an_entry_body_stays_for_markdown():
    blocks = EntryBlocks()
    # Indented (inside a list item), or not after a blank line: Markdown reads these otherwise.
    for text in ['- item\n\n    <div class="digest-entry">\n    <p>x</p>\n    </div>\n\n',
                 'Text\n<div class="digest-entry">\n<p>x</p>\n</div>\n\n']:  # fmt: skip
        assert blocks.set_aside("p.md", text) == text


def test_a_rendered_page_gets_the_entries_in_its_contents_and_anchors():
    converter = markdown.Markdown(extensions=["attr_list", "md_in_html", "toc"])
    blocks = EntryBlocks()
    text = "# T\n\n" + entries(["One", "Two"])
    converter.convert(blocks.set_aside("p.md", text))
    page = SimpleNamespace(
        file=SimpleNamespace(src_uri="p.md"),
        toc=get_toc(converter.toc_tokens),
        present_anchor_ids={"t", f"{blocks.mark}i0"},
        links_to_anchors={"p.md": {"t": "#t", f"{blocks.mark}i0": f"#{blocks.mark}i0"}},
    )
    html = blocks.put_back_page(page, converter.convert(blocks.set_aside("p.md", text)))  # type: ignore[arg-type]
    assert page.present_anchor_ids == {"t", "paper-0", "paper-1"}
    assert page.links_to_anchors == {"p.md": {"t": "#t"}}  # MkDocs checks these after every page is rendered
    assert str(page.toc) == "T - #t\n    One - #paper-0\n    Two - #paper-1\n"
    assert html.count("<h2") == 2


def test_a_heading_changed_out_of_recognition_is_an_error_not_a_page_without_entries():
    blocks = EntryBlocks()
    aside = blocks.set_aside("p.md", "# T\n\n" + entries(["One"]))
    html = markdown.markdown(aside.replace(f"{blocks.mark}t", "changed"), extensions=["attr_list", "toc"])
    with pytest.raises(EntriesLost, match="p.md"):
        blocks.put_back("p.md", html)

