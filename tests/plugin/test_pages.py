"""What the plugin does to generated pages: entry blocks set aside while Markdown converts them give the same HTML."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from generator.plugin.pages import EntryBlocks

from ..site.test_escape import MATERIAL_EXTENSIONS, MORE_EXTENSIONS, entry_block, material_config

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden_expected"
PAGES = sorted(GOLDEN.glob("*.md"))


@pytest.fixture(scope="module")
def converter(tmp_path_factory: pytest.TempPathFactory) -> markdown.Markdown:
    return markdown.Markdown(
        extensions=MATERIAL_EXTENSIONS + MORE_EXTENSIONS, extension_configs=material_config(tmp_path_factory.mktemp("s"))
    )


def convert(converter: markdown.Markdown, text: str) -> str:
    converter.reset()
    return converter.convert(text)


def both_ways(converter: markdown.Markdown, text: str) -> tuple[str, str, int]:
    """Return the page converted as it is, and with its entry blocks set aside and put back, and how many there were."""
    blocks = EntryBlocks()
    aside = blocks.set_aside("page.md", text)
    count = len(blocks.pages.get("page.md", []))
    return convert(converter, text), blocks.put_back("page.md", convert(converter, aside)), count


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_setting_entry_blocks_aside_changes_no_page(converter: markdown.Markdown, page: Path):
    direct, aside, _ = both_ways(converter, page.read_text(encoding="utf-8"))
    assert aside == direct


def test_every_entry_block_is_set_aside_even_at_the_end_and_with_hostile_text(converter: markdown.Markdown):
    hostile = "<img src=x> {++ins++} --8<-- \"x\" ```py ~~~ *a* [b](c) &amp; digestentryx0 </div>"
    text = "# Topic\n\n" + "\n".join(entry_block(f"{hostile} {i}") for i in range(3))
    for page in (text, text + "\nAfter the last entry.\n"):
        direct, aside, count = both_ways(converter, page)
        assert count == 3 and aside == direct
    assert "<img" not in direct


def test_a_block_that_is_not_an_entry_body_stays_for_markdown():
    blocks = EntryBlocks()
    # Indented (inside a list item), or not after a blank line: Markdown reads these otherwise.
    for text in ['- item\n\n    <div class="digest-entry">\n    <p>x</p>\n    </div>\n\n',
                 'Text\n<div class="digest-entry">\n<p>x</p>\n</div>\n\n']:  # fmt: skip
        assert blocks.set_aside("p.md", text) == text
