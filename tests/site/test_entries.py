"""Entry bodies as raw HTML blocks: final URLs, short titles, grouped rules, and the serve cache (warm equals cold)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from generator.executor import SERIAL
from generator.models import Link, Paper
from generator.site.escape import html_block_text
from generator.site.entries import EntryRenderer, relative_url, short_title, why_here
from generator.site.render import make_environment, render_files, render_topic_pages
from generator.site.views import build_views

from .layout import lay_out

PAGES = ["kv-cache.md", "a.md", "a/2024.md", "a/2024/05.md", "a/undated-x.md", "b/2023/01/02-sn.md", "index.md"]


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_relative_url_is_the_url_mkdocs_gives(use_directory_urls: bool):
    # The oracle: MkDocs' own URL of each page (under an output folder) and its relative URL.
    def url(page: str) -> str:
        return File(f"digest/{page}", "/docs", "/site", use_directory_urls).url

    for here in PAGES:
        for target in PAGES:
            if target != here:
                assert relative_url(target, here, use_directory_urls) == get_relative_url(url(target), url(here)), (
                    target,
                    here,
                )


def test_short_title_keeps_a_short_name_or_the_first_words():
    assert short_title("KIVI: A Tuning-Free Asymmetric 2bit Quantization for KV Cache") == "KIVI"
    assert short_title("Short title without a colon") == "Short title without a colon"
    long = "Comparative Characterization of KV Cache Management Strategies for LLM Inference"
    assert short_title(long) == "Comparative Characterization of KV Cache Management…"
    assert len(short_title("x" * 200)) == 61  # no space to cut at: cut inside the word
    # A colon late in the title is no name: the first words are shown.
    assert short_title("A very long explanation of what this paper does well: and more").endswith("…")


def test_why_here_names_each_topic_once():
    rules = [("KV cache", "KV", "abstract"), ("LLM inference", "serving", "title"), ("KV cache", "eviction", "abstract"),
             ("KV cache", "cache", "title")]  # fmt: skip
    assert why_here(rules) == (
        "KV cache: \u201cKV\u201d, \u201ceviction\u201d in abstract, \u201ccache\u201d in title; "
        "LLM inference: \u201cserving\u201d in title"
    )


def _paper(i: int) -> Paper:
    return Paper(
        key=f"k{i}", id=f"p{i}", title=f"Paper number {i}: about things", abstract=f"Abstract {i}. " * 40,
        origins=(), published=dt.date(2024, 1, 1) + dt.timedelta(days=i), topics=("a", "b") if i % 2 else ("b",),
        links=(Link(f"https://github.com/o/r{i}", "code", "GitHub", f"o/r{i}"),), related=(f"p{(i + 1) % 30}",),
        mentions=(f"p{(i + 3) % 30}",),
    )  # fmt: skip


HOSTILE = "<img src=x onerror=alert(1)> {++ins++} --8<-- \"x\" ```py\n\n~~~ *a* [b](c) &amp; 'q' \"d\" $x$"


def test_an_entry_body_is_one_div_without_blank_lines_whose_lines_start_with_tags(tmp_path: Path):
    # A curator's template that puts text at a line start and blank lines between.
    (tmp_path / "_entry.html.j2").write_text("\n\n{{ paper.title }}\n\n<p>\n{{ paper.summary }}\n</p>\n", encoding="utf-8")
    for environment in (make_environment(), make_environment([tmp_path])):
        site, views, _ = lay_out([dataclasses.replace(_paper(0), title=HOSTILE, abstract=HOSTILE)], page_size=5)
        renderer = EntryRenderer(environment.overlay(autoescape=True, finalize=html_block_text))
        body = str(renderer(views.topic_pages()[1].entries[0]))
        lines = body.split("\n")
        assert lines[0].startswith('<div class="digest-entry">') and lines[-1] == "</div>"
        assert all(line.startswith("<") for line in lines), lines
        assert "<img" not in body and "{" not in body and "--8<--" not in body


def _pages(files: dict[str, str]) -> dict[str, str]:
    return {name: text for name, text in files.items() if name.endswith(".md")}


def test_a_warm_entry_cache_gives_the_pages_a_cold_build_gives(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    papers = [_paper(i) for i in range(30)]
    changed = [*papers[:29], dataclasses.replace(papers[29], title="A changed title")]
    rendered: list[str] = []
    render = EntryRenderer.render
    monkeypatch.setattr(EntryRenderer, "render", lambda self, entry: rendered.append(entry.title) or render(self, entry))
    cache: dict[str, str] = {}
    site, views, environment = lay_out(papers, page_size=4)
    assert _pages(render_files(environment, site, views, SERIAL, cache)) == _pages(render_files(environment, site, views, SERIAL))
    assert len(cache) == 30
    site, views, environment = lay_out(changed, page_size=4)
    rendered.clear()
    warm = render_files(environment, site, views, SERIAL, cache)
    # Only the entries whose HTML changed are rendered again: the renamed paper, and those linking to it
    # (relating to it, mentioning it or mentioned by it).
    linking = {p.title for p in changed if "p29" in {*p.related, *p.mentions} or p.id in changed[29].mentions}
    assert len(linking) == 3 and set(rendered) == {"A changed title"} | linking
    rendered.clear()
    assert warm == render_files(environment, site, views, SERIAL)
    assert len(rendered) == 30 and len(cache) == 30  # the cache holds this build's entries, no more
    # A fast update (some pages) reuses the cache too, and keeps the entries of pages not shown.
    shown = {site.paging.page_of["p29"], site.paging.page_of["p2"]}
    assert render_topic_pages(environment, build_views(site, shown), SERIAL, shown, cache) == {
        page: text for page, text in warm.items() if page in shown
    }
    assert len(cache) == 30
    # Another template is another key: nothing rendered with the bundled one is reused.
    (tmp_path / "_entry.html.j2").write_text("<p>{{ paper.title }}</p>\n", encoding="utf-8")
    custom = make_environment([tmp_path])
    assert render_files(custom, site, views, SERIAL, cache) == render_files(custom, site, views, SERIAL)
    assert "<p>A changed title</p>" in render_files(custom, site, views, SERIAL, cache)[site.paging.page_of["p29"]]
    # So is a template the entry template includes.
    (tmp_path / "_entry.html.j2").write_text('{% include "_part.html.j2" %}\n', encoding="utf-8")
    (tmp_path / "_part.html.j2").write_text("<p>{{ paper.title }}</p>\n", encoding="utf-8")
    render_files(make_environment([tmp_path]), site, views, SERIAL, cache)
    (tmp_path / "_part.html.j2").write_text("<p>Part: {{ paper.title }}</p>\n", encoding="utf-8")
    custom = make_environment([tmp_path])
    assert render_files(custom, site, views, SERIAL, cache) == render_files(custom, site, views, SERIAL)


def test_a_failing_entry_template_names_its_file(tmp_path: Path):
    from generator.errors import TemplateError

    (tmp_path / "_entry.html.j2").write_text("<p>\n{{ paper.title.nope }}</p>\n", encoding="utf-8")
    site, views, _ = lay_out([_paper(0)])
    with pytest.raises(TemplateError, match=re.escape("_entry.html.j2' line 2:")):
        render_files(make_environment([tmp_path]), site, views, SERIAL)

