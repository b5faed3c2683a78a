"""Rendering the digest's files: every page kind within its limit and linked, template errors as messages."""

from __future__ import annotations

import datetime as dt
import posixpath
import random
import re
from collections import Counter
from pathlib import Path

from generator.executor import SERIAL
from generator.models import Link, Paper
from generator.site.render import make_environment, render_files

from .layout import lay_out

_HEADING = re.compile(r"^## .* \{: #([a-z0-9-]+) \}$", re.M)
_LINK = re.compile(r"\]\(([^)#]*)(?:#[^)]*)?\)")


def _corpus(count: int, seed: int) -> list[Paper]:
    """Papers of every shape: dated or not, listed on a few days (one of them huge) or none, with code or not."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "snap", "3d", "über", "日本", "Ω", "ze", "a"]
    papers = []
    for i in range(count):
        title = " ".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) + f" {i}"
        date = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700)) if rng.random() < 0.5 else None
        listed = rng.choice([None, None, dt.date(2024, 5, 1), dt.date(2024, 5, 2), dt.date(2024, 4, 1)])
        topics = tuple(rng.sample(["a", "b", "c"], rng.randint(0, 3)))
        links = (Link(f"https://github.com/o/r{i}", "code", "GitHub", f"o/r{i}"),) if rng.random() < 0.6 else ()
        papers.append(Paper(key=f"k{i}", id=f"p{i}", title=title, abstract="An abstract.", origins=(),
                            published=date, listed=listed, topics=topics, links=links))  # fmt: skip
    return papers


def _target(link: str, here: str) -> str:
    """Resolve a relative Markdown link from a generated page to a generated file name."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(here), link)) if link else here


def _by_date(text: str) -> list[list[str]]:
    """Return the links of each line of a page's "By date" list."""
    if "**By date:**\n\n" not in text:
        return []
    block = text.split("**By date:**\n\n", 1)[1].split("\n\n", 1)[0]
    assert all(line.startswith("- ") for line in block.splitlines())
    return [_LINK.findall(line) for line in block.splitlines()]


def test_every_page_kind_keeps_its_limit_and_every_part_is_linked(monkeypatch):
    import generator.site.code_table as code_table
    import generator.site.views as render

    monkeypatch.setattr(code_table, "CODE_ROWS_PER_PAGE", 40)
    monkeypatch.setattr(render, "NEW_PAPERS_SHOWN", 30)
    monkeypatch.setattr(render, "NEW_PAPERS_MAX", 60)
    papers = _corpus(1200, seed=3)
    site, views, environment = lay_out(papers, page_size=3)
    files = render_files(environment, site, views, SERIAL)
    order = {paper.id: index for index, paper in enumerate(site.papers)}
    entries: Counter[str] = Counter()
    lines: Counter[tuple[str, str]] = Counter()
    for name, text in files.items():
        if not name.endswith(".md") or name.split("/")[0].removesuffix(".md") not in {"a", "b", "c", "unsorted"}:
            continue
        topic = name.split("/")[0].removesuffix(".md")
        body, _, also = text.partition("## Also in this topic {: #digest-also-here }")
        here = [pid for pid in _HEADING.findall(body)]
        others = re.findall(r'^<li><a href="[^"#]*#([a-z0-9-]+)">', also, re.M)
        # A full entry weighs 20 short lines; a page holds 3 entries' worth.
        assert 20 * len(here) + len(others) <= 3 * 20, name
        assert [order[pid] for pid in here] == sorted(order[pid] for pid in here), f"{name} is not newest first"
        entries.update(here)
        lines.update((topic, pid) for pid in others)
    assert entries == Counter(paper.id for paper in papers)
    expected_lines = Counter((t, p.id) for p in papers for t in p.topics[1:])
    assert lines == expected_lines
    code_pages = [name for name in files if name.startswith("papers-with-code")]
    assert len(code_pages) > 10
    rows = Counter(pid for name in code_pages for pid in re.findall(r'^<td><a href="[^"#]*#([a-z0-9-]+)">', files[name], re.M))
    assert rows == Counter(p.id for p in papers if p.links)
    assert max(files[name].count("<tr>") - 1 for name in code_pages) <= 40
    new = files["new.md"]
    assert len(re.findall(r"^- \[", new, re.M)) == 60
    # Every "By date" link leads to a generated page; each main page lists all of its parts; a part lists few.
    for main in ["a.md", "b.md", "c.md", "unsorted.md", "papers-with-code.md"]:
        stem = main.removesuffix(".md")
        parts = {name for name in files if name.startswith(f"{stem}/")}
        assert parts, f"{main} did not split"
        listed = {_target(link, main) for line in _by_date(files[main]) for link in line}
        assert listed == parts
        groups = len(_by_date(files[main]))
        for part in parts:
            index = _by_date(files[part])
            # Every year (and Undated), then one line per level the part sits in: at most 37 siblings
            # (26 letters, 10 digits and "other"; 31 days, 12 months), however many parts there are.
            lines = files[part].split("**By date:**\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
            assert groups == 1 or len(lines[0].split(" · ")) == groups
            assert all(len(line.split(" · ")) <= 37 for line in lines[1:])
            assert {_target(link, part) for line in index for link in line} <= parts | {main}


BROKEN_TEMPLATES = {
    "syntax": ("topic.md.j2", "# {{ topic.title }\n", "templates/topic.md.j2' line 1: unexpected '}'"),
    "unknown value": ("topic.md.j2", "\n# {{ topic.nope }}\n", "templates/topic.md.j2' line 2: 'generator.site.views.TopicView object' has no attribute 'nope'"),
    "missing include": ("topic.md.j2", '{% include "x.j2" %}\n', "templates/topic.md.j2' line 1: the template 'x.j2' does not exist"),
    "failing include": ("_entry.md.j2", "{{ paper.title.nope }}\n", "templates/_entry.md.j2' line 1:"),
    "failing entry body": ("_entry.html.j2", "<p>\n{{ paper.title.nope }}</p>\n", "templates/_entry.html.j2' line 2:"),
    "python error": ("overview.md.j2", "{{ 1 // 0 }}\n", "templates/overview.md.j2' line 1: integer division or modulo by zero"),
}


def test_a_broken_template_is_a_message_naming_its_file_and_line(tmp_path: Path):
    from ..conftest import run_digest

    assert run_digest(tmp_path, "new", "d").returncode == 0
    root = tmp_path / "d"
    (root / "templates").mkdir()
    for name, text, expected in BROKEN_TEMPLATES.values():
        for old in (root / "templates").iterdir():
            old.unlink()
        (root / "templates" / name).write_text(text, encoding="utf-8")
        # `digest generate` writes no home page, so only the others render the overview.
        for command in (["build"], ["check"]) + ((["generate"],) if name != "overview.md.j2" else ()):
            result = run_digest(root, *command)
            assert result.returncode == 1, (name, command, result.stderr)
            assert "Traceback" not in result.stderr
            assert expected in result.stderr, (command, result.stderr)
            assert "Fix the template, or delete your copy in templates/ to use the bundled one." in result.stderr
    assert not (root / "site").exists()


def test_an_error_in_a_bundled_template_asks_for_a_bug_report(tmp_path: Path):
    from generator.errors import TemplateError

    environment = make_environment([])
    try:
        environment.get_template("no-such.md.j2")
    except TemplateError as error:
        assert str(error).startswith("Template 'no-such.md.j2': the template 'no-such.md.j2' does not exist.")
    else:
        raise AssertionError("no TemplateError")
    topic = environment.get_template("topic.md.j2")
    try:
        topic.render()
    except TemplateError as error:
        assert "please report it" in str(error) and "topic.md.j2' line" in str(error)
    else:
        raise AssertionError("no TemplateError")
