"""Paging: which page shows each paper, and the parts of groups too large for one page."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config import load_config
from generator.enrich.text import title_key
from generator.models import Paper
from generator.pipeline import build_digest, load_sources, update_digest
from generator.site.paging import (
    ENTRY_WEIGHT,
    LINE_WEIGHT,
    Keys,
    Paging,
    Part,
    assign_pages,
    filing_key,
    relative,
    split_groups,
)

from ..conftest import run_digest

PAGES = {"a": "a.md", "b": "b.md", "unsorted": "unsorted.md"}
SAFE_PAGE = re.compile(r"[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?\.md")


def paper(pid: str, topics: tuple[str, ...], date: dt.date | None, title: str | None = None) -> Paper:
    return Paper(key=pid, id=pid, title=title or pid, abstract="A.", origins=(), topics=topics, published=date)


def topics_of(p: Paper, pages: dict[str, str]) -> tuple[str, ...]:
    """Return the topics whose pages show a paper: a topic without a page, or none, means the unsorted page."""
    return tuple(t if t in pages else "unsorted" for t in p.topics) or ("unsorted",)


def placements(paging: Paging, papers: list[Paper]) -> dict[tuple[str, str], str]:
    """Return the page of every (topic, paper): its full entry on its primary topic, a short line on the others."""
    return {(topic, p.id): paging.line_page(topic, p.id) for p in papers for topic in topics_of(p, PAGES)}


def page_weights(paging: Paging, papers: list[Paper]) -> Counter[str]:
    weights: Counter[str] = Counter()
    for p in papers:
        for index, topic in enumerate(topics_of(p, PAGES)):
            weights[paging.line_page(topic, p.id)] += ENTRY_WEIGHT if index == 0 else LINE_WEIGHT
    return weights


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
    assert paging.line_page("a", "other") == "a/2022.md"
    assert paging.parts["a"] == [
        Part("2024-04", "a/2024-04.md"), Part("2024-03", "a/2024-03.md"),
        Part("2023", "a/2023.md"), Part("2022", "a/2022.md"), Part("undated", "a/undated.md"),
    ]


def test_undated_papers_split_by_the_first_letter_or_digit_of_their_title():
    titles = {
        "alpha": "Alpha net", "alpha-two": "alpha two", "latex": "$\\alpha$-Net: sparse", "umlaut": "Über attention",
        "quoted": "«Quoted» title", "digit": "3D Gaussian splatting", "cjk": "日本語 BERT", "greek": "Ωmega nets",
        "marks": "???", "beta": "Beta",
    }  # fmt: skip
    papers = [paper(pid, ("a",), None, title) for pid, title in titles.items()]
    paging = assign_pages(papers, PAGES, limit=3)
    assert {pid: page.removeprefix("a/") for pid, page in paging.page_of.items()} == {
        "alpha": "undated-a.md", "alpha-two": "undated-a.md", "latex": "undated-a.md", "umlaut": "undated-u.md",
        "quoted": "undated-q.md", "digit": "undated-3.md", "cjk": "undated-non-ascii.md",
        "greek": "undated-non-ascii.md", "marks": "undated-non-ascii.md", "beta": "undated-b.md",
    }  # fmt: skip
    parts = paging.parts["a"]
    assert [part.key for part in parts] == [
        "undated-3", "undated-a", "undated-b", "undated-q", "undated-u", "undated-non-ascii",
    ]
    assert [part.title for part in parts] == [
        "Undated, 3", "Undated, A", "Undated, B", "Undated, Q", "Undated, U", "Undated, other",
    ]
    assert [part.label for part in parts] == ["3", "A", "B", "Q", "U", "other"]


def test_a_heavy_letter_splits_by_two_letters_and_on():
    titles = ["Snap one", "Snap two", "Sparse", "Apple", "日本語 A", "日本語 B"]
    papers = [paper(f"p{i}", ("a",), None, title) for i, title in enumerate(titles)]
    paging = assign_pages(papers, PAGES, limit=1)
    pages = [paging.page_of[f"p{i}"].removeprefix("a/") for i in range(len(titles))]
    assert pages[:4] == ["undated-snapo.md", "undated-snapt.md", "undated-sp.md", "undated-a.md"]
    # Titles with nothing ASCII to file by go on by a hash of the title.
    assert re.fullmatch(r"undated-non-ascii-[0-9a-f]+\.md", pages[4]) and pages[4] != pages[5]
    assert Part("undated-snapo", "").title == "Undated, Snapo"
    assert Part("undated-non-ascii-3f", "").title == "Undated, other 3f"


def test_a_heavy_month_splits_by_day_then_title():
    papers = [
        paper("x", ("a",), dt.date(2024, 5, 7), "Xylo"), paper("y", ("a",), dt.date(2024, 5, 7), "Yak"),
        paper("z", ("a",), dt.date(2024, 5, 8), "Zed"), paper("old", ("a",), dt.date(2023, 1, 1)),
    ]
    paging = assign_pages(papers, PAGES, limit=1)
    assert paging.page_of == {
        "x": "a/2024-05-07-x.md", "y": "a/2024-05-07-y.md", "z": "a/2024-05-08.md", "old": "a/2023.md",
    }
    # Newest first; within a day, titles A to Z.
    assert [part.key for part in paging.parts["a"]] == ["2024-05-08", "2024-05-07-x", "2024-05-07-y", "2023"]
    assert [part.label for part in paging.parts["a"]] == ["05-08", "05-07, X", "05-07, Y", "2023"]


def test_short_lines_alone_split_a_topic():
    # One full entry in b, and 60 papers whose full entry is in a but which are also in b.
    papers = [paper("own", ("b",), dt.date(2024, 1, 1))] + [
        paper(f"p{i}", ("a", "b"), dt.date(2020 + i % 5, 1, 1)) for i in range(60)
    ]
    before = assign_pages(papers, PAGES, limit=5)  # 100: b weighs 20 + 60
    assert "b" not in before.parts
    paging = assign_pages(papers, PAGES, limit=3)  # 60
    assert [part.key for part in paging.parts["b"]] == ["2024", "2023", "2022", "2021", "2020"]
    assert paging.line_page("b", "p3") == "b/2023.md" and paging.page_of["own"] == "b/2024.md"
    assert max(page_weights(paging, papers).values()) <= 3 * ENTRY_WEIGHT


def test_unsorted_papers_split_too():
    papers = [paper(f"u{i}", (), dt.date(2020 + i, 1, 1)) for i in range(3)]
    paging = assign_pages(papers, PAGES, limit=2)
    assert paging.page_of == {"u0": "unsorted/2020.md", "u1": "unsorted/2021.md", "u2": "unsorted/2022.md"}
    assert [part.page for part in paging.parts["unsorted"]] == [
        "unsorted/2022.md", "unsorted/2021.md", "unsorted/2020.md"
    ]


def test_filing_keys_are_ascii_and_depend_only_on_the_title():
    assert filing_key("Über-Attention 2").startswith("uberattention2")
    assert filing_key("ﬁne ＴＵＮＩＮＧ") == filing_key("fine tuning")
    assert filing_key("日本語 BERT").startswith("non-ascii-")
    for title in ["Über-Attention 2", "日本語 BERT", "", "\u202e\u200b", "../../etc"]:
        assert re.fullmatch(r"[a-z0-9]+|non-ascii-[0-9a-f]+", filing_key(title))
    keys = Keys()
    old = paper("p", ("a",), None, "Snap")
    assert [keys.key(old, depth) for depth in range(3)] == ["undated", "undated-s", "undated-sn"]
    dated = paper("d", ("a",), dt.date(987, 6, 5), "Zed")
    assert [keys.key(dated, depth) for depth in range(5)] == ["0987", "0987-06", "0987-06-05", "0987-06-05-z", "0987-06-05-ze"]


def test_a_group_that_cannot_split_stays_whole():
    # Two entries that share every key (the same title and day): nothing more to split by.
    twins = [paper("t1", ("a",), dt.date(2024, 1, 1), "Twin"), paper("t2", ("a",), dt.date(2024, 1, 1), "Twin")]
    placed = split_groups([(p, ENTRY_WEIGHT) for p in twins], ENTRY_WEIGHT)
    assert placed is not None and placed["t1"] == placed["t2"]
    assert placed["t1"].startswith("2024-01-01-twin")


# Titles from a small alphabet share prefixes, so groups split deep; some start with no ASCII at all.
TITLES = st.text(alphabet="sSnaáb3 日Ω-", min_size=1, max_size=6)
DATES = st.one_of(st.none(), st.dates(min_value=dt.date(2023, 11, 1), max_value=dt.date(2024, 2, 28)))
TOPICS = st.lists(st.sampled_from(["a", "b", "ghost"]), unique=True, max_size=2).map(tuple)
PAPERS = st.lists(st.tuples(TITLES, DATES, TOPICS), max_size=40)


def _papers(specs: list[tuple[str, dt.date | None, tuple[str, ...]]], start: int) -> list[Paper]:
    return [paper(f"p{start + i}", topics, date, title) for i, (title, date, topics) in enumerate(specs)]


@settings(max_examples=300, deadline=None)
@given(PAPERS, PAPERS, st.integers(min_value=1, max_value=4))
def test_arriving_papers_move_an_older_one_only_when_its_page_overflows(old_specs, new_specs, limit):
    """The invariant, for each (topic, paper) of the older papers, full entry or short line.

    Let page A hold it before the new papers arrive and page B after. Then A
    == B, unless the papers (old and new) whose keys pass through A's key now
    weigh more than the limit: then B is one of A's subdivisions (B's key
    extends A's, one or more levels down; from the topic's main page, any part).
    """
    old = _papers(old_specs, 0)
    new = _papers(new_specs, len(old))
    before = assign_pages(old, PAGES, limit)
    after = assign_pages(new + old, PAGES, limit)
    keys = Keys()

    def key_of(page: str) -> str | None:
        return page.split("/", 1)[1].removesuffix(".md") if "/" in page else None

    for (topic, paper_id), page in placements(before, old).items():
        moved_to = after.line_page(topic, paper_id)
        if moved_to == page:
            continue
        p = next(p for p in old if p.id == paper_id)
        old_key, new_key = key_of(page), key_of(moved_to)
        assert new_key is not None and page.split("/")[0].removesuffix(".md") == moved_to.split("/")[0]
        path = [keys.key(p, depth) for depth in range(60)]
        depth = path.index(old_key) if old_key is not None else -1
        assert new_key in path[depth + 1 :]
        members = [(q, index) for q in new + old for index, t in enumerate(topics_of(q, PAGES)) if t == topic]
        weight = sum(
            ENTRY_WEIGHT if index == 0 else LINE_WEIGHT
            for q, index in members
            if old_key is None or keys.key(q, depth) == old_key
        )
        assert weight > limit * ENTRY_WEIGHT


@settings(max_examples=200, deadline=None)
@given(PAPERS, st.integers(min_value=1, max_value=4))
def test_every_page_keeps_to_the_limit_and_has_a_safe_name(specs, limit):
    papers = _papers(specs, 0)
    paging = assign_pages(papers, PAGES, limit)
    weights = page_weights(paging, papers)
    # Distinct titles always split apart; titles that are one paper's (same letters, any case) cannot.
    distinct = len({title_key(p.title) for p in papers}) == len(papers)
    for page, weight in weights.items():
        assert SAFE_PAGE.fullmatch(page), page
        assert weight <= limit * ENTRY_WEIGHT or not distinct
    for topic, parts in paging.parts.items():
        # The parts list every page of the topic that shows a paper, once, and nothing else.
        assert len(parts) == len({part.page for part in parts})
        assert {part.page for part in parts} == {page for page in weights if page.startswith(f"{topic}/")}
        dated = [part.key[:10] for part in parts if part.group != "undated"]
        assert dated == sorted(dated, reverse=True)
        assert all(part.group == "undated" for part in parts[len(dated) :])
    assert set(paging.page_of) == {p.id for p in papers}


def test_placed_on_new_pages_sees_a_split_for_short_lines_alone():
    # Topic b has short lines only: when it splits, no full entry moves.
    papers = [paper(f"p{i}", ("a", "b"), dt.date(2020 + i % 5, 1, 1)) for i in range(30)]
    before = assign_pages(papers, PAGES, limit=3)
    assert "b" not in before.parts and "a" in before.parts
    more = [paper(f"q{i}", ("a", "b"), dt.date(2024, 1, 1)) for i in range(40)]
    after = assign_pages(more + papers, PAGES, limit=3)
    old_pages = {*PAGES.values(), *(part.page for parts in before.parts.values() for part in parts)}
    assert all(after.page_of[p.id] == before.page_of[p.id] for p in papers)  # no full entry moved
    assert after.placed_on_new_pages([p.id for p in papers], old_pages)
    assert after.placed_on_new_pages([p.id for p in more], old_pages)  # new papers are on new pages, of course
    assert not after.placed_on_new_pages([], old_pages)
    assert not before.placed_on_new_pages([p.id for p in papers], old_pages)


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
    # Undated papers (blocks without metadata or a listing day), titles from every kind of first character.
    undated = ["Apples in shade", "Apricots at dusk", "Beans and rows", "Über compost", "3 ways to prune", "日本の庭", "«Roses» again"]
    blocks = "".join(f"{title}\n\nCompost feeds the soil {n}.\n\n" for n, title in enumerate(undated))
    (root / "data" / "sources" / "undated.txt").write_text(f"Daily Papers\n\n{blocks}", encoding="utf-8")
    result = run_digest(root, "build", "--strict")
    assert result.returncode == 0, result.stderr
    papers = json.loads((root / "site" / "papers.json").read_text(encoding="utf-8"))
    split = [p for p in papers if p["url"].count("/") == 3]
    assert split, "no topic was split"
    assert any(p["url"].startswith("digest/unsorted/2021/") for p in papers)
    assert {p["url"].split("#")[0] for p in papers if p["title"] in undated} == {
        "digest/unsorted/undated-a/", "digest/unsorted/undated-b/", "digest/unsorted/undated-u/",
        "digest/unsorted/undated-3/", "digest/unsorted/undated-non-ascii/", "digest/unsorted/undated-r/",
    }
    for item in papers:
        path, anchor = item["url"].split("#")
        assert f'id="{anchor}"' in (root / "site" / path / "index.html").read_text(encoding="utf-8")
    # The main page links every part; --strict checked every link and anchor of the site.
    main = (root / "site" / "digest" / "unsorted" / "index.html").read_text(encoding="utf-8")
    assert "By date:" in main
    parts = {p.name for p in (root / "site" / "digest" / "unsorted").iterdir() if p.is_dir()}
    assert parts and {name for name in parts if f'href="{name}/"' in main} == parts


def _reference_split(members: list[tuple[Paper, int]], limit: int) -> dict[str, str] | None:
    """split_groups written plainly, on Keys.key alone (the model of its inlined loop)."""
    if sum(weight for _, weight in members) <= limit:
        return None
    keys = Keys()
    placed: dict[str, str] = {}

    def place(group: list[tuple[Paper, int]], depth: int, parent: str) -> None:
        children: dict[str | None, list[tuple[Paper, int]]] = {}
        for member in group:
            children.setdefault(keys.key(member[0], depth), []).append(member)
        for key, items in children.items():
            if key is None:
                placed.update((p.id, parent) for p, _ in items)
            elif sum(weight for _, weight in items) > limit and len(items) > 1:
                place(items, depth + 1, key)
            else:
                placed.update((p.id, key) for p, _ in items)

    place(members, 0, "")
    return placed


@settings(max_examples=200, deadline=None)
@given(PAPERS, st.integers(min_value=1, max_value=60))
def test_split_groups_places_papers_as_the_plain_version_does(specs, limit):
    members = [(p, ENTRY_WEIGHT if i % 3 else LINE_WEIGHT) for i, p in enumerate(_papers(specs, 0))]
    assert split_groups(members, limit) == _reference_split(members, limit)


def test_a_preview_update_falls_back_to_a_full_build_when_short_lines_move(tree):
    """Topic b holds only short lines; when they pass its limit it splits, though no full entry moves."""
    def listing(start: int, count: int, year: int) -> str:
        return "".join(
            json.dumps({"title": f"Alpha method {n}", "abstract": f"We add beta {n}.", "published": f"{year - n % 3}-05-01"}) + "\n"
            for n in range(start, start + count)
        )

    root = tree({
        "digest.yml": "title: T\nsources: [data/*.jsonl]\npage_size: 3\ntopics:\n"
        "  - {id: a, title: A, match: [alpha]}\n  - {id: b, title: B, match: [beta]}\n",
        "data/1.jsonl": listing(0, 30, 2024),
        "data/2.jsonl": listing(30, 40, 2030),
    })  # fmt: skip
    config = load_config(root / "digest.yml")
    sources, _ = load_sources(config)
    before = build_digest(config, sources[:1])
    assert not any(name.startswith("b/") for name in before.files)
    exact = build_digest(config, sources)
    assert any(name.startswith("b/") for name in exact.files)
    assert all(exact.page_of[pid] == page for pid, page in before.page_of.items())
    assert update_digest(before, sources) is None


def test_relative_links_between_generated_pages():
    assert relative("kv-cache.md", "serving.md") == "kv-cache.md"
    assert relative("kv-cache.md", "kv-cache/2024.md") == "../kv-cache.md"
    assert relative("kv-cache/2023.md", "kv-cache/2024.md") == "2023.md"
    assert relative("serving/2023.md", "kv-cache/2024.md") == "../serving/2023.md"
    assert relative("serving/2023.md", None) == "serving/2023.md"
