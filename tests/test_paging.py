from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from generator.models import Paper
from generator.paging import Part, assign_pages

from .conftest import run_digest


def paper(pid: str, topics: tuple[str, ...], date: dt.date | None) -> Paper:
    return Paper(key=pid, id=pid, title=pid, abstract="A.", origins=(), topics=topics, published=date)


PAGES = {"a": "a.md", "b": "b.md", "unsorted": "unsorted.md"}


def test_small_topics_stay_on_one_page():
    papers = [paper("p1", ("a",), dt.date(2024, 1, 1)), paper("p2", (), None)]
    paging = assign_pages(papers, PAGES, limit=5)
    assert paging.page_of == {"p1": "a.md", "p2": "unsorted.md"}
    assert paging.parts == {}


def test_large_topic_splits_by_year_then_month():
    papers = (
        [paper(f"y24-{i}", ("a",), dt.date(2024, 3 + i % 2, 1)) for i in range(4)]
        + [paper("y23", ("a",), dt.date(2023, 5, 1)), paper("undated", ("a",), None)]
        + [paper("other", ("b", "a"), dt.date(2022, 1, 1))]
    )
    paging = assign_pages(papers, PAGES, limit=3)
    assert paging.page_of["y24-0"] == "a/2024-03.md" and paging.page_of["y24-1"] == "a/2024-04.md"
    assert paging.page_of["y23"] == "a/2023.md"
    assert paging.page_of["undated"] == "a/undated.md"
    assert paging.page_of["other"] == "b.md"
    # 2022 holds only a paper whose full entry lives in topic b.
    assert paging.parts["a"] == [
        Part("2024-04", "a/2024-04.md"), Part("2024-03", "a/2024-03.md"),
        Part("2023", "a/2023.md"), Part("2022", "a/2022.md"), Part("undated", "a/undated.md"),
    ]


def test_adding_papers_never_moves_older_entries():
    old = [paper(f"p{i}", ("a",), dt.date(2023, 1, 1 + i)) for i in range(4)]
    before = assign_pages(old, PAGES, limit=3).page_of
    after = assign_pages([paper("new", ("a",), dt.date(2024, 1, 1)), *old], PAGES, limit=3).page_of
    assert {k: v for k, v in after.items() if k != "new"} == before


def test_split_digest_builds_strict_and_links_resolve(tmp_path: Path):
    assert run_digest(tmp_path, "new", str(tmp_path / "d")).returncode == 0
    root = tmp_path / "d"
    config = (root / "digest.yml").read_text(encoding="utf-8")
    (root / "digest.yml").write_text(config + "\npage_size: 2\n", encoding="utf-8")
    gardening = "".join(
        f"Gardening Paper {n}\n\nTomatoes grow in summer {n}.\n\n  • 1 author\n·\nMay {n}, 202{n}\n\n"
        for n in range(1, 4)
    )
    (root / "data" / "sources" / "garden.txt").write_text(f"Daily Papers\n\n{gardening}", encoding="utf-8")
    result = run_digest(root, "build", "--strict")
    assert result.returncode == 0, result.stderr
    papers = json.loads((root / "site" / "papers.json").read_text(encoding="utf-8"))
    split = [p for p in papers if p["url"].count("/") == 3]
    assert split, "no topic was split"
    assert any(p["url"].startswith("digest/unsorted/2021/") for p in papers)
    for item in papers:
        path, anchor = item["url"].split("#")
        assert f'id="{anchor}"' in (root / "site" / path / "index.html").read_text(encoding="utf-8")
    main = (root / "site" / "digest" / "inference" / "index.html").read_text(encoding="utf-8")
    assert "By date:" in main


def test_unsorted_papers_split_too():
    papers = [paper(f"u{i}", (), dt.date(2020 + i, 1, 1)) for i in range(3)]
    paging = assign_pages(papers, PAGES, limit=2)
    assert paging.page_of == {"u0": "unsorted/2020.md", "u1": "unsorted/2021.md", "u2": "unsorted/2022.md"}
    assert [part.page for part in paging.parts["unsorted"]] == [
        "unsorted/2022.md", "unsorted/2021.md", "unsorted/2020.md"
    ]


def test_papers_with_code_splits_by_year(monkeypatch):
    import generator.render as render

    from .golden import golden_files

    monkeypatch.setattr(render, "CODE_ROWS_PER_PAGE", 1)
    files = golden_files()
    years = sorted(name for name in files if name.startswith("papers-with-code/"))
    assert years == ["papers-with-code/2023.md", "papers-with-code/2024.md", "papers-with-code/2025.md"]
    main = files["papers-with-code.md"]
    assert "**By year:** [&#50;025](papers-with-code/2025.md) · [&#50;024](papers-with-code/2024.md)" in main
    page = files["papers-with-code/2023.md"]
    assert "[All years](../papers-with-code.md)" in page
    assert "](../kv-cache.md#h-2o-heavy-hitter-oracle" in page or "](../inference.md#h-2o-heavy-hitter-oracle" in page
