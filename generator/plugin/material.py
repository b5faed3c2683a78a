"""The two places topic-digest reaches into Material for MkDocs, and what it says when Material changes them.

1. Material's search runs in a web worker named in each page's ``__config``;
   the digest's own worker (site/assets/search-worker.js) speaks the same
   messages over the sharded index, so every page gets its URL instead.
2. During `digest serve`, Material's search plugin keeps the last dirty
   build's entries (``search_index_prev``) and can list a page twice; they
   are forgotten before each dirty build.

Both were written against Material 9. When a touch point no longer holds, a
warning says so once, naming the installed version: pin Material to 9.x if
it is newer, or report the bug if it is not.
"""

from __future__ import annotations

import logging
import re
from importlib import metadata

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin

# MkDocs counts warnings of its own logger tree, so `--strict` sees these.
log = logging.getLogger("mkdocs.plugins.digest")
TESTED_MAJOR = 9
SEARCH_PLUGINS = ("search", "material/search")
WORKER = re.compile(r'("search":\s*")([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')


def material_version() -> str:
    """Return the installed mkdocs-material version, or "unknown"."""
    try:
        return metadata.version("mkdocs-material")
    except metadata.PackageNotFoundError:
        return "unknown"


def _advice() -> str:
    version = material_version()
    major = version.split(".", 1)[0]
    if major.isdigit() and int(major) > TESTED_MAJOR:
        return (
            f"Material {version} is newer than the {TESTED_MAJOR}.x topic-digest was tested with: "
            f"pin mkdocs-material<{TESTED_MAJOR + 1}."
        )
    return f"Pin mkdocs-material to a tested version (Material {version} is installed), or report it."


class Material:
    """Material's search, as the digest plugin uses it: on or off, its worker swapped, its old entries forgotten."""

    def __init__(self) -> None:
        self.search = False
        self._worker_missing = False
        self._warned_index = False

    def configure(self, config: MkDocsConfig) -> None:
        """Tell whether Material's search is on, so its worker can be swapped for ours.

        Other themes keep their own search, which indexes the digest pages as usual.
        """
        plugin = self._search_plugin(config) if config.theme.name == "material" else None
        self.search = plugin is not None and getattr(plugin.config, "enabled", True)

    def swap_worker(self, html: str, worker_url: str) -> str:
        """Return a page whose Material search worker is ours (the path from the site root, ``worker_url``)."""
        if not self.search:
            return html
        html, swapped = WORKER.subn(lambda m: f'{m[1]}{m[2]}{worker_url}"', html, count=1)
        if not swapped and not self._worker_missing:
            self._worker_missing = True
            log.warning(
                "This version of Material names its search worker differently, so the digest's search index is "
                "unused and Material searches only the hand-written pages. " + _advice()
            )
        return html

    def new_build(self, config: MkDocsConfig, dirty: bool) -> None:
        """Start a build: warn again about the worker if it is still missing; in a dirty build, forget old entries."""
        self._worker_missing = False
        if not dirty:
            return
        # Material's search keeps the last dirty build's entries and can
        # list a page twice; every page it indexes is rebuilt anyway.
        for name in SEARCH_PLUGINS:
            if name not in config.plugins:
                continue
            plugin = config.plugins[name]
            if hasattr(plugin, "search_index_prev"):
                plugin.search_index_prev = None
            elif type(plugin).__module__.startswith("material.") and not self._warned_index:
                self._warned_index = True
                log.warning(
                    "This version of Material's search plugin keeps its entries in another way, so the preview's "
                    "search may list a page twice until the next full build. " + _advice()
                )

    @staticmethod
    def _search_plugin(config: MkDocsConfig) -> BasePlugin | None:  # type: ignore[type-arg]
        return next((config.plugins[name] for name in SEARCH_PLUGINS if name in config.plugins), None)
