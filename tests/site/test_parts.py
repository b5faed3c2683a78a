"""The "By date" lists of a split topic's pages."""

from __future__ import annotations

import datetime as dt

from generator.executor import SERIAL
from generator.models import Paper
from generator.site.render import render_topic_pages

from .layout import lay_out


def test_a_part_lists_its_own_year_and_links_the_others_to_the_main_page():
    papers = [
        Paper(key=f"k{i}", id=f"p{i}", title=f"Paper {i}", abstract="A.", origins=(), topics=("a",),
              published=dt.date(2024, 1 + i % 3, 1) if i < 6 else (dt.date(2023, 2, 1) if i < 8 else None))
        for i in range(10)
    ]  # fmt: skip
    site, views, environment = lay_out(papers, page_size=2)
    files = render_topic_pages(environment, views, SERIAL)
    assert sorted(files) == ["a.md", "a/2023.md", "a/2024-01.md", "a/2024-02.md", "a/2024-03.md", "a/undated.md", "b.md", "c.md"]
    assert (
        "**By date:**\n\n"
        "- **2024**{: #digest-part-2024 }: [03](a/2024-03.md) · [02](a/2024-02.md) · [01](a/2024-01.md)\n"
        "- [2023](a/2023.md)\n"
        "- [Undated](a/undated.md)\n\n"
    ) in files["a.md"]
    assert (
        "**By date:**\n\n"
        "- [2024](../a.md#digest-part-2024) · [2023](2023.md) · [Undated](undated.md)\n"
        "- **2024**: [03](2024-03.md) · **02** · [01](2024-01.md)\n\n"
    ) in files["a/2024-02.md"]
    assert "# Topic A&#58; 2024-02\n" in files["a/2024-02.md"]
    assert "**By date:**\n\n- [2024](../a.md#digest-part-2024) · **2023** · [Undated](undated.md)\n\n" in files["a/2023.md"]
