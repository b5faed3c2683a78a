"""The MkDocs plugin `digest`: runs the pipeline inside `mkdocs build` and `serve`.

The plugin class holds MkDocs' hooks only: what they add to the build is in
pages.py, the entries they set aside from Markdown in entry_blocks.py, the
search index they build beside the pages in search_build.py, the live
preview of `digest serve` is a PreviewSession (preview.py), and what they do
to Material's search is in material.py.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from ..errors import DigestError
from ..executor import can_fork
from ..output import OutputError, write_file
from ..pipeline import Digest
from ..site.nav import digest_nav
from .entry_blocks import EntriesLost, EntryBlocks
from .material import Material
from .pages import (
    ASSET_FOLDER,
    ASSETS,
    REQUIRED_EXTENSIONS,
    SEARCH_WORKER,
    Loaded,
    add_generated,
    feed_links,
    load,
    require_extensions,
    with_overview,
)
from .preview import PreviewSession, add_banner, preview_log, problem_banner
from .search_build import SearchIndexBuild

__all__ = ["ASSETS", "ASSET_FOLDER", "REQUIRED_EXTENSIONS", "DigestPlugin", "DigestPluginConfig"]


class DigestPluginConfig(Config):
    """Options of the `digest` plugin in mkdocs.yml."""

    config = c.Type(str, default="digest.yml")
    """The digest file, relative to mkdocs.yml."""
    report = c.Optional(c.Type(str))
    """Write the build report (JSON) to this file, relative to mkdocs.yml."""


class DigestPlugin(BasePlugin[DigestPluginConfig]):
    """Generate the digest's pages before MkDocs collects files."""

    def __init__(self) -> None:
        self.loaded: Loaded | None = None
        self.serving = False
        self.preview = PreviewSession()
        self.material = Material()
        self.search = SearchIndexBuild()
        # Generated files (src_uri) of this build.
        self.generated: set[str] = set()
        self.entry_blocks = EntryBlocks()

    @property
    def digest(self) -> Digest | None:
        """The digest of the last good build, or None."""
        return self.loaded.digest if self.loaded is not None else None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having on_startup also keeps this instance alive across `serve` rebuilds.
        self.serving = command == "serve"
        self.preview.dirty = self.serving and dirty
        if self.serving:  # rebuilds re-render only the entries that changed
            self.preview.cache.entries = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).resolve().parent
        before = self.preview.begin(root / self.config.config)
        self.material.configure(config)
        # A preview rebuild, which may not fork, starts the search index early (see search_build.py).
        self.search.begin(Path(config.site_dir))
        early = self.material.search and self.serving and not can_fork()
        start_search = partial(self.search.start, early=True) if early else None
        try:
            report = root / self.config.report if self.config.report else None
            self.loaded = load(config, root / self.config.config, report, self.preview, self.digest, self.serving, start_search)
        except DigestError as error:
            if not self.serving:
                raise PluginError(str(error)) from None
            # The preview keeps going: the last good build (or the hand-written
            # pages) with the problem on every page, until a save fixes it.
            self.preview.failed(str(error), last_good=self.loaded is not None)
            if self.loaded is None:
                return config
        else:
            if before is not None:
                preview_log.info("Fixed: the preview shows the digest again.")
        config.nav = digest_nav(config.nav, self.loaded.digest, self.loaded.folder, Path(config.docs_dir))
        require_extensions(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Serve the generated files from memory, whatever is on disk."""
        generated = add_generated(files, config, self.loaded)
        self.generated = set(generated)
        self.preview.mark(files, generated, config)
        # A fast update keeps the search index, unless the site folder was emptied.
        digest = self.digest
        if digest is not None and self.material.search and not self.search.started and (digest.exact or not self.search.in_site):
            self.search.start(digest.search_pages, digest.search_papers)
        self.search.ready()
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.loaded is None:
            return markdown
        if page.file.src_uri in self.generated:
            if self.material.search:
                # Our own index finds these pages' papers; Material's would hold all their text.
                page.meta["search"] = {"exclude": True}
            return self.entry_blocks.set_aside(page.file.src_uri, markdown)
        return with_overview(markdown, self.loaded.digest.overview) if page.file.src_uri == "index.md" else markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        try:
            return self.entry_blocks.put_back_page(page, html)
        except EntriesLost as error:
            raise PluginError(str(error)) from None

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Show the preview's problem, link the Atom feeds from the page head, and use the digest's search."""
        output = self._with_banner(output)
        if self.loaded is None:
            return output
        links = feed_links(self.loaded, page, self.generated, config.site_url)
        return self.material.swap_worker(output.replace("</head>", f"{links}</head>", 1), SEARCH_WORKER)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        # The 404 page is a theme template, not a page, and searches too.
        if template_name != "404.html":
            return output_content
        return self.material.swap_worker(self._with_banner(output_content), SEARCH_WORKER)

    def _with_banner(self, html: str) -> str:
        problem = self.preview.problem
        return html if problem is None else add_banner(html, problem_banner(problem, last_good=self.loaded is not None))

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.material.new_build(config, self.preview.dirty)

    def on_build_error(self, *, error: Exception) -> None:
        # What the failed build meant to write may be missing: rebuild it all next time.
        self.preview.build_failed()
        self.search.cancel()

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        # docs/ (with the output folder) and mkdocs.yml are watched by MkDocs itself.
        self.preview.serve(server, Path(config.config_file_path).resolve().parent)
        return server

    def on_shutdown(self) -> None:
        self.preview.shutdown()

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            self.search.finish()
        except OutputError as error:
            raise PluginError(str(error)) from None
        self.preview.watch()
        if self.preview.problem is None and self.digest is not None and self.config.report:
            try:
                write_file(Path(config.config_file_path).parent / self.config.report, self.digest.report.to_json(), "the build report")
            except OutputError as error:
                if not self.serving:
                    raise PluginError(str(error)) from None
                preview_log.error("%s", error)
        self.preview.built()
