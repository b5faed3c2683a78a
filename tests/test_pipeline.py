"""The pipeline as `digest serve` runs it: a stage cache kept between builds, and fast preview updates."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from generator.config import load_config
from generator.executor import SERIAL, ForkExecutor
from generator.output import MANIFEST
from generator.pipeline import StageCache, build_digest, generate, load_digest, load_sources, update_digest

from .conftest import PROJECT, assert_forked, copy_project


@pytest.mark.parametrize("forking", [False, True], ids=["in this process", "in forked workers"])
def test_a_warm_cache_builds_the_same_digest_as_a_cold_one(request: pytest.FixtureRequest, forking: bool):
    forked = request.getfixturevalue("forked_pools") if forking else None
    executor = ForkExecutor() if forking else SERIAL
    config = load_config(PROJECT / "digest.yml")
    sources, _ = load_sources(config)
    cache = StageCache(entries={})  # as `digest serve` keeps it, rendered entry bodies too
    build_digest(config, sources[:-1], cache=cache, executor=executor)
    assert len(cache.listings) == len(sources) - 1
    first = dict(cache.entries)
    warm = build_digest(config, sources, cache=cache, executor=executor)
    if forked is not None:
        assert_forked(forked)
    cold = build_digest(config, sources)
    assert warm.files == cold.files
    assert warm.report.to_json() == cold.report.to_json()
    assert len(cache.listings) == len(sources)
    # Workers hand back the bodies they rendered: the cache holds one per entry of this build, some reused
    # (a new listing changes many papers' related ones), and all of them by a build of the same listings.
    assert len(cache.entries) == len(warm.papers)
    assert first.keys() & cache.entries.keys()
    second = dict(cache.entries)
    assert build_digest(config, sources, cache=cache, executor=executor).files == cold.files
    assert cache.entries == second


def test_the_cache_forgets_removed_listings_and_a_changed_taxonomy():
    config = load_config(PROJECT / "digest.yml")
    sources, _ = load_sources(config)
    cache = StageCache()
    build_digest(config, sources, cache=cache)
    links = len(cache.links)
    before = build_digest(config, sources[:1], cache=cache)
    assert len(cache.listings) == 1 and len(cache.links) < links
    # Rename the first topic's phrases away: papers must be classified anew.
    first = config.topics[0]
    changed = replace(config, topics=(replace(first, match=("no such phrase anywhere",)), *config.topics[1:]))
    warm = build_digest(changed, sources[:1], cache=cache)
    cold = build_digest(changed, sources[:1])
    assert warm.files == cold.files
    assert [p.topics for p in warm.papers] != [p.topics for p in before.papers]


def _bundled():
    config = load_config(PROJECT / "digest.yml")
    sources, _ = load_sources(config)
    return config, sources


def test_a_fast_update_shows_new_papers_where_the_full_build_puts_them():
    config, sources = _bundled()
    previous = build_digest(config, sources[:-1])
    fast = update_digest(previous, sources)
    exact = build_digest(config, sources)
    assert fast is not None and not fast.exact
    new = {p.id for p in exact.papers} - {p.id for p in previous.papers}
    assert new
    assert fast.page_of == exact.page_of
    assert [(p.id, p.topics) for p in fast.papers] == [(p.id, p.topics) for p in exact.papers]
    for paper_id in new:
        assert f"{{: #{paper_id} }}" in fast.files[fast.page_of[paper_id]]
        assert f"#{paper_id})" in fast.files["new.md"]
    rewritten = {name for name, text in fast.files.items() if text != previous.files[name]}
    # Only pages that really change are rewritten; feeds, papers.json and search wait for the full build.
    assert rewritten <= {name for name, text in exact.files.items() if text != previous.files.get(name)}
    assert fast.files["papers.json"] == previous.files["papers.json"]
    assert fast.search_papers is previous.search_papers
    # The pages the fast update did not render are the very same text.
    assert sum(fast.files[name] is previous.files[name] for name in previous.files) > len(previous.files) // 2


def test_a_fast_update_without_changes_is_the_exact_digest():
    config, sources = _bundled()
    exact = build_digest(config, sources)
    again = update_digest(exact, sources)
    assert again is not None and again.exact
    assert again.files == exact.files
    # The home page's overview too: its Unsorted card must not depend on which pages were rendered.
    assert "unsorted" in exact.overview.lower()
    assert again.overview == exact.overview


def test_a_fast_update_renders_a_changed_paper_again():
    config, sources = _bundled()
    exact = build_digest(config, sources)
    paper = exact.papers[0]
    # As if the last build had seen fewer upvotes for this paper.
    stale = replace(exact, papers=[replace(paper, upvotes=(paper.upvotes or 0) + 7), *exact.papers[1:]])
    fast = update_digest(stale, sources)
    assert fast is not None and not fast.exact
    page = exact.page_of[paper.id]
    assert fast.files[page] == exact.files[page]


def test_no_fast_update_when_a_paper_goes_away_or_an_entry_moves():
    config, sources = _bundled()
    exact = build_digest(config, sources)
    assert update_digest(exact, sources[:-1]) is None
    # A topic exactly full before the last listing splits by year after it,
    # so links to its older entries on pages not rendered again would break.
    before = build_digest(config, sources[:-1])
    new = {p.id for p in exact.papers} - {p.id for p in before.papers}
    topic = next(p.topics[0] for p in exact.papers if p.id in new and p.topics)
    from generator.site.paging import ENTRY_WEIGHT, LINE_WEIGHT

    # Short lines weigh on a page too: a page_size of entries that just holds them all.
    weight = sum(ENTRY_WEIGHT if p.topics[0] == topic else LINE_WEIGHT for p in before.papers if topic in p.topics)
    small = replace(config, page_size=-(-weight // ENTRY_WEIGHT))
    before = build_digest(small, sources[:-1])
    assert before.page_of[next(p.id for p in before.papers if p.topics[:1] == (topic,))] == f"{topic}.md"
    assert update_digest(before, sources) is None


@pytest.mark.parametrize("forking", [False, True], ids=["in this process", "in forked workers"])
def test_generate_writes_exactly_the_digests_files(tmp_path: Path, request: pytest.FixtureRequest, forking: bool):
    """`digest generate` writes files where they are rendered; the result is what the in-memory digest holds."""
    forked = request.getfixturevalue("forked_pools") if forking else None
    executor = ForkExecutor() if forking else SERIAL
    root = copy_project(tmp_path)
    config = load_config(root / "digest.yml")
    output = root / config.output
    # A page an earlier run wrote (its manifest says so) and a page the curator put there.
    (output / "old-topic").mkdir(parents=True)
    (output / "old-topic" / "2024.md").write_text("A page no topic makes any more.", encoding="utf-8")
    (output / MANIFEST).write_text(json.dumps({"files": ["old-topic/2024.md"]}), encoding="utf-8")
    (output / "notes.md").write_text("# Mine\n", encoding="utf-8")
    report, written = generate(config, executor=executor)
    if forked is not None:
        assert_forked(forked)
    digest = load_digest(config)
    on_disk = {path.relative_to(output).as_posix(): path.read_text(encoding="utf-8") for path in output.rglob("*") if path.is_file()}
    assert on_disk == {**digest.files, "notes.md": "# Mine\n", MANIFEST: on_disk[MANIFEST]}
    assert json.loads(on_disk[MANIFEST])["files"] == sorted(digest.files)
    assert written.written == sorted(digest.files) and written.unchanged == 0
    assert written.removed == ["old-topic/2024.md"] and not (output / "old-topic").exists()
    assert written.foreign == ["notes.md"] and "'notes.md', which topic-digest did not write" in report.warnings[-1]
    # The same report as the in-memory digest's, plus what the output folder showed.
    assert json.loads(report.to_json()) == {**json.loads(digest.report.to_json()), "warnings": digest.report.warnings + report.warnings[-1:]}
    again = generate(config, executor=executor)[1]
    assert (again.written, again.unchanged, again.removed) == ([], len(digest.files), [])
