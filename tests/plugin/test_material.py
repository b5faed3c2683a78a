"""The Material adapter: the two places the plugin reaches into Material, and what it says when they change."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from generator.plugin import material
from generator.plugin.material import Material

PAGE = '<script id="__config" type="application/json">{"search": "../assets/javascripts/workers/search.f8cc74c7.min.js"}</script>'
OURS = "assets/topic-digest/search-worker.js"


def searching() -> Material:
    adapter = Material()
    adapter.search = True
    return adapter


def test_the_search_worker_is_swapped_for_the_digests():
    assert searching().swap_worker(PAGE, OURS) == PAGE.replace("assets/javascripts/workers/search.f8cc74c7.min.js", OURS)
    assert Material().swap_worker(PAGE, OURS) == PAGE  # Material's search is off, or another theme searches


@pytest.mark.parametrize(
    "version, advice",
    [("9.8.2", "Pin mkdocs-material to a tested version (Material 9.8.2 is installed), or report it."),
     ("10.1.0", "Material 10.1.0 is newer than the 9.x topic-digest was tested with: pin mkdocs-material<10.")],
)  # fmt: skip
def test_a_worker_named_otherwise_is_one_warning_a_build_naming_the_version(monkeypatch, caplog, version, advice):
    monkeypatch.setattr(material, "material_version", lambda: version)
    adapter = searching()
    renamed = PAGE.replace("workers/search.", "workers/find.")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.digest"):
        assert adapter.swap_worker(renamed, OURS) == renamed
        adapter.swap_worker(renamed, OURS)
    assert [record.getMessage() for record in caplog.records] == [
        "This version of Material names its search worker differently, so the digest's search index is unused "
        f"and Material searches only the hand-written pages. {advice}"
    ]
    adapter.new_build(SimpleNamespace(plugins={}), dirty=False)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.digest"):
        adapter.swap_worker(renamed, OURS)
    assert len(caplog.records) == 2


def test_a_dirty_build_forgets_materials_old_search_entries(caplog):
    search = SimpleNamespace(search_index_prev=["old entries"])
    Material().new_build(SimpleNamespace(plugins={"material/search": search}), dirty=False)  # type: ignore[arg-type]
    assert search.search_index_prev == ["old entries"]
    Material().new_build(SimpleNamespace(plugins={"material/search": search}), dirty=True)  # type: ignore[arg-type]
    assert search.search_index_prev is None
    # MkDocs' own search plugin keeps none: nothing to forget, nothing to say.
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.digest"):
        Material().new_build(SimpleNamespace(plugins={"search": SimpleNamespace()}), dirty=True)  # type: ignore[arg-type]
    assert caplog.records == []


def test_a_material_search_plugin_that_keeps_its_entries_otherwise_is_one_warning(caplog):
    changed = type("SearchPlugin", (), {"__module__": "material.plugins.search.plugin"})()
    adapter = Material()
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.digest"):
        for _ in range(2):
            adapter.new_build(SimpleNamespace(plugins={"material/search": changed}), dirty=True)  # type: ignore[arg-type]
    assert len(caplog.records) == 1
    assert "the preview's search may list a page twice" in caplog.records[0].getMessage()
    assert material.material_version() in caplog.records[0].getMessage()
