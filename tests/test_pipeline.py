"""The pipeline with a stage cache kept between builds, as `digest serve` keeps it."""

from __future__ import annotations

from dataclasses import replace

from generator.config import load_config
from generator.pipeline import StageCache, build_digest, load_sources

from .conftest import PROJECT


def test_a_warm_cache_builds_the_same_digest_as_a_cold_one():
    config = load_config(PROJECT / "digest.yml")
    sources, _ = load_sources(config)
    cache = StageCache()
    build_digest(config, sources[:-1], cache=cache)
    assert len(cache.listings) == len(sources) - 1
    warm = build_digest(config, sources, cache=cache)
    cold = build_digest(config, sources)
    assert warm.files == cold.files
    assert warm.report.to_json() == cold.report.to_json()
    assert len(cache.listings) == len(sources)


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
