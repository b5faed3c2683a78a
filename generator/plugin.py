"""The MkDocs plugin `digest`: runs the pipeline inside `mkdocs build` and `serve`."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from .config import ConfigError, Topic, display_path, load_config
from .nav import digest_nav
from .output import UnsafePathError, write_tree
from .parallel import Background
from .search_index import FOLDER as SEARCH_FOLDER
from .pipeline import Digest, SourceError, StageCache, load_digest, source_folder, write_generated
from .preview import GeneratedFile, PreviewState, nav_labels, signature
from .escape import html_attr
from .feeds import FEED_FOLDER
from .render import ALL_FEED, OVERVIEW_MARKER

# MkDocs counts warnings of its own logger tree, so `--strict` sees ours.
log = logging.getLogger("mkdocs.plugins.digest")
ASSETS = Path(__file__).resolve().parent / "assets"
ASSET_FOLDER = "assets/topic-digest"
# Material's search runs in a web worker named in each page's __config; ours
# (assets/search-worker.js) speaks the same messages over the sharded index.
MATERIAL_WORKER = re.compile(r'("search":\s*")([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')
SEARCH_PLUGINS = ("search", "material/search")
# After a fast preview update the full build waits this long: MkDocs holds
# every request while it builds, and the browser's reload should come first.
FULL_BUILD_PAUSE = 2.0
# Markdown extensions the generated pages rely on (ids on headings, tables,
# Markdown inside the <div>s and <details> of entries).
REQUIRED_EXTENSIONS = ("attr_list", "tables", "md_in_html")


class DigestPluginConfig(Config):
    """Options of the `digest` plugin in mkdocs.yml."""

    config = c.Type(str, default="digest.yml")
    """The digest file, relative to mkdocs.yml."""
    report = c.Optional(c.Type(str))
    """Write the build report (JSON) to this file, relative to mkdocs.yml."""


class DigestPlugin(BasePlugin[DigestPluginConfig]):
    """Generate the digest's pages before MkDocs collects files."""

    def __init__(self) -> None:
        self.digest: Digest | None = None
        self.folder = ""
        self.serving = False
        self.search = False
        # Kept across `serve` rebuilds: listings, links and topics already
        # worked out, and what the last build wrote (see preview.py).
        self.cache = StageCache()
        self.dirty = False
        self.preview = PreviewState()
        self.worker_missing = False
        self.search_job: Background[dict[str, str]] | None = None
        # A fast preview update (pipeline.update_digest) is followed by a full
        # build, which writing this file (watched in on_serve) starts.
        self.full_build_trigger: Path | None = None
        self.full_build_timer: threading.Timer | None = None
        self.full_build_due = False
        self.full_build_pause = FULL_BUILD_PAUSE
        # The signature of the files that shape every page, at the last good build and at this one.
        self.built_shape = self.shape = b""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having on_startup also keeps this instance alive across `serve` rebuilds.
        self.serving = command == "serve"
        self.dirty = self.serving and dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).resolve().parent
        try:
            digest_config = load_config(root / self.config.config)
        except ConfigError as error:
            raise PluginError(str(error)) from None
        output = (digest_config.root / digest_config.output).resolve()
        if not output.is_relative_to(Path(config.docs_dir).resolve()):
            raise PluginError(
                f"{display_path(digest_config.path)}: `output: {digest_config.output}` is not inside the "
                f"MkDocs docs_dir '{config.docs_dir}'. Put generated pages under docs/."
            )
        overrides = [digest_config.root / "templates"]
        if config.theme.custom_dir:
            overrides.append(Path(config.theme.custom_dir))
        shaping = [
            Path(config.config_file_path), digest_config.path,
            *sorted(path for folder in overrides if folder.is_dir() for path in folder.rglob("*")),
        ]
        if self.full_build_timer is not None:
            self.full_build_timer.cancel()  # this build comes first
        # Only listings changed since the last good build: show their papers fast, then build it all.
        self.shape = signature(shaping, []) if self.dirty else b""
        fast = (
            self.dirty and self.full_build_trigger is not None and not self.full_build_due
            and self.shape == self.built_shape
        )
        try:
            self.digest = load_digest(
                digest_config, config.use_directory_urls, cache=self.cache, previous=self.digest if fast else None
            )
            # The build reads pages from memory (on_files); the copy on disk is
            # for the curator. Writing it while serving would wake the watcher.
            if not self.serving:
                write_generated(self.digest)
        except (SourceError, UnsafePathError) as error:
            raise PluginError(str(error)) from None
        self.full_build_due = not self.digest.exact
        for message in self.digest.report.warnings:
            log.warning(message)
        self.folder = folder = output.relative_to(Path(config.docs_dir).resolve()).as_posix()
        config.nav = digest_nav(config.nav, self.digest, folder, Path(config.docs_dir))
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        self.search = _material_search(config)
        config.extra_css.append(f"{ASSET_FOLDER}/digest.css")
        config.extra_javascript.append(f"{ASSET_FOLDER}/digest.js")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Serve the generated files from memory, whatever is on disk."""
        assert self.digest is not None
        folder = self.folder
        for stale in [f for f in files if f.src_uri.startswith(f"{folder}/")]:
            files.remove(stale)
        generated: dict[str, str] = {}
        for relative, content in sorted(self.digest.files.items()):
            # papers.json belongs at the site root (the contract), not in the pages folder.
            uri = relative if relative == "papers.json" else f"{folder}/{relative}"
            generated[uri] = content
            file = GeneratedFile.generated(config, uri, content=content)
            # Parts of split topics are reached from their topic page, not the
            # nav, which would otherwise grow with every year of every topic.
            if "/" in relative and relative.endswith(".md"):
                file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
        for asset in sorted(ASSETS.iterdir()):
            files.append(File.generated(config, f"{ASSET_FOLDER}/{asset.name}", abs_src_path=str(asset)))
        if self.dirty:
            labels = nav_labels(f for f in files.documentation_pages() if f.src_uri not in generated)
            # The files that shape every page were read in on_config: their signature stands for them.
            shape = signature([], [self.shape.hex(), json.dumps(config.nav), *labels])
            skipped = self.preview.update(files, generated, shape, config.site_dir)
            log.info("Preview: %d of %d generated files unchanged, not rebuilt.", skipped, len(generated))
        # A fast update keeps the search index, unless the site folder was emptied.
        if self.search and (self.digest.exact or not (Path(config.site_dir) / SEARCH_FOLDER).is_dir()):
            # Built beside MkDocs' page rendering, written in on_post_build.
            self.search_job = Background(self.digest.search_files, papers=len(self.digest.papers))
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        if self.digest is None:
            return markdown
        if self.search and page.file.src_uri.startswith(f"{self.folder}/"):
            # Our own index finds these pages' papers; Material's would hold all their text.
            page.meta["search"] = {"exclude": True}
        if page.file.src_uri != "index.md":
            return markdown
        if OVERVIEW_MARKER in markdown:
            return markdown.replace(OVERVIEW_MARKER, self.digest.overview, 1)
        return f"{markdown.rstrip()}\n\n{self.digest.overview}"

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Link the digest's Atom feed (and a topic page's own) from the page head.

        The rel is "alternate feed", not plain "alternate": Material's language
        switcher fetches a sitemap for every `link[rel=alternate]`.
        """
        if self.digest is None:
            return output
        folder = self.folder
        feeds = [(f"{self.digest.config.title}", f"{folder}/{ALL_FEED}")]
        topic = self._topic_of(page, folder)
        if topic is not None:
            feeds.append((f"{self.digest.config.title}: {topic.title}", f"{folder}/{FEED_FOLDER}/{topic.id}.xml"))
        links = "".join(
            f'<link rel="alternate feed" type="application/atom+xml" title="{html_attr(title)}" '
            f'href="{html_attr(get_relative_url(href, page.url))}">'
            for title, href in feeds
        )
        return self._swap_worker(output.replace("</head>", f"{links}</head>", 1))

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        # The 404 page is a theme template, not a page, and searches too.
        return self._swap_worker(output_content) if template_name == "404.html" else output_content

    def _swap_worker(self, html: str) -> str:
        if not self.search:
            return html
        html, swapped = MATERIAL_WORKER.subn(lambda m: f'{m[1]}{m[2]}{ASSET_FOLDER}/search-worker.js"', html, count=1)
        if not swapped and not self.worker_missing:
            self.worker_missing = True
            log.warning(
                "This version of Material names its search worker differently, so the digest's search index is "
                "unused and Material searches only the hand-written pages. Pin mkdocs-material to a tested version."
            )
        return html

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.worker_missing = False
        if self.dirty:
            # Material's search keeps the last dirty build's entries and can
            # list a page twice; every page it indexes is rebuilt anyway.
            for name in SEARCH_PLUGINS:
                if name in config.plugins and hasattr(config.plugins[name], "search_index_prev"):
                    config.plugins[name].search_index_prev = None

    def on_build_error(self, *, error: Exception) -> None:
        # What the failed build meant to write may be missing: rebuild it all next time.
        self.preview = PreviewState()
        self.built_shape = b""
        if self.search_job is not None:
            self.search_job.cancel()
            self.search_job = None

    def _topic_of(self, page: Page, folder: str) -> Topic | None:
        assert self.digest is not None
        prefix = f"{folder}/"
        if not page.file.src_uri.startswith(prefix):
            return None
        stem = page.file.src_uri.removeprefix(prefix).removesuffix(".md")
        return next((t for t in self.digest.config.topics if t.id == stem), None)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.digest is None:
            return server
        root = self.digest.config.root
        server.watch(str(self.digest.config.path))
        # New, changed or removed listings, the taxonomy and template overrides
        # all rebuild; docs/ and mkdocs.yml are watched by MkDocs itself.
        for folder in sorted({source_folder(root, s) for s in self.digest.config.sources}):
            server.watch(str(folder))
        if (root / "templates").is_dir():
            server.watch(str(root / "templates"))
        self.full_build_trigger = Path(tempfile.mkdtemp(prefix="topic-digest-serve-")) / "full-build"
        server.watch(str(self.full_build_trigger.parent))
        return server

    def on_shutdown(self) -> None:
        if self.full_build_timer is not None:
            self.full_build_timer.cancel()
        if self.full_build_trigger is not None:
            shutil.rmtree(self.full_build_trigger.parent, ignore_errors=True)
            self.full_build_trigger = None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.search_job is not None:
            files, self.search_job = self.search_job.result(), None
            prefix = f"{SEARCH_FOLDER}/"
            write_tree({path.removeprefix(prefix): text for path, text in files.items()}, Path(config.site_dir) / SEARCH_FOLDER)
        if self.digest is not None and self.config.report:
            path = Path(config.config_file_path).parent / self.config.report
            path.write_text(self.digest.report.to_json(), encoding="utf-8")
        self.built_shape = self.shape
        if self.full_build_due and self.full_build_trigger is not None:
            log.info(
                "Preview: new papers shown; related papers, mentions, feeds, papers.json and search follow "
                "in a full build in %.0f s.", self.full_build_pause
            )
            self.full_build_timer = threading.Timer(self.full_build_pause, self._start_full_build)
            self.full_build_timer.daemon = True
            self.full_build_timer.start()

    def _start_full_build(self) -> None:
        """Wake MkDocs' watcher with a file only it watches, so a build starts."""
        trigger = self.full_build_trigger
        if trigger is None:
            return
        trigger.parent.mkdir(parents=True, exist_ok=True)
        # A new file each time: a rename is seen even where mtimes are coarse.
        staging = trigger.with_name(f".{trigger.name}")
        staging.write_text(str(threading.get_ident()), encoding="utf-8")
        os.replace(staging, trigger)


def _material_search(config: MkDocsConfig) -> bool:
    """Tell whether Material's search is on, so its worker can be swapped for ours.

    Other themes keep their own search, which indexes the digest pages as usual.
    """
    if config.theme.name != "material":
        return False
    plugin = next((config.plugins[name] for name in SEARCH_PLUGINS if name in config.plugins), None)
    return plugin is not None and getattr(plugin.config, "enabled", True)
