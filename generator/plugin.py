"""The MkDocs plugin `digest`: runs the pipeline inside `mkdocs build` and `serve`."""

from __future__ import annotations

import json
import logging
import re
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

from .config import Topic, display_path, load_config
from .errors import DigestError
from .site.nav import digest_nav
from .output import OutputError, check_file_target, folder_in_docs, owned_in_docs, write_file, write_site_folder
from .executor import Pending, choose_executor
from .constants import ALL_FEED, FEED_FOLDER, OVERVIEW_MARKER, PAPERS_JSON, SEARCH_FOLDER
from .pipeline import Digest, StageCache, check_generated, load_digest, output_folder, write_generated
from .sources import source_folder
from .preview import (
    TRIGGER, GeneratedFile, PreviewState, Watches, add_banner, nav_labels, problem_banner, signature, start_build,
)
from .site.escape import html_attr

# MkDocs counts warnings of its own logger tree, so `--strict` sees ours.
log = logging.getLogger("mkdocs.plugins.digest")
# A problem the preview shows on its pages is not counted: with `strict: true`
# a counted error would fail the rebuild, and MkDocs would hold every request.
preview_log = logging.getLogger("generator.preview")
ASSETS = Path(__file__).resolve().parent / "site" / "assets"
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
        self.search_job: Pending[dict[str, str]] | None = None
        # Generated files (src_uri) of this build, and what the tool wrote in the output folder before.
        self.generated: set[str] = set()
        self.owned: set[str] = set()
        # What keeps digest.yml from building, while serving (shown on every page), and what to watch.
        self.problem: str | None = None
        self.watch_paths: list[Path] = []
        self.watches: Watches | None = None
        # A fast preview update (pipeline.update_digest) is followed by a full
        # build, which writing this file (in docs/, which MkDocs watches) starts.
        self.full_build_trigger: Path | None = None
        self.trigger_written = False
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
        digest_file = root / self.config.config
        if self.full_build_timer is not None:
            self.full_build_timer.cancel()  # this build comes first
        before, self.problem = self.problem, None
        self.watch_paths = [digest_file]
        try:
            self._load(config, root, digest_file)
        except DigestError as error:
            if not self.serving:
                raise PluginError(str(error)) from None
            # The preview keeps going: the last good build (or the hand-written
            # pages) with the problem on every page, until a save fixes it.
            self.problem = str(error)
            self.full_build_due = False
            preview_log.error(
                "%s\nThe preview shows %s with this problem on every page until it is fixed.",
                self.problem, "the last good build" if self.digest is not None else "the hand-written pages",
            )
            if self.digest is None:
                return config
        else:
            if before is not None:
                preview_log.info("Fixed: the preview shows the digest again.")
        folder = self.folder
        config.nav = digest_nav(config.nav, self.digest, folder, Path(config.docs_dir))
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        self.search = _material_search(config)
        config.extra_css.append(f"{ASSET_FOLDER}/digest.css")
        config.extra_javascript.append(f"{ASSET_FOLDER}/digest.js")
        return config

    def _load(self, config: MkDocsConfig, root: Path, digest_file: Path) -> None:
        """Load digest.yml and build the digest (raising ConfigError, SourceError or OutputError), then keep it."""
        digest_config = load_config(digest_file)
        self.watch_paths += [source_folder(digest_config.root, s) for s in digest_config.sources]
        if (digest_config.root / "templates").is_dir():
            self.watch_paths.append(digest_config.root / "templates")
        docs_dir = Path(config.docs_dir)
        folder = folder_in_docs(
            digest_config.root / digest_config.output, docs_dir, display_path(digest_config.path), digest_config.output
        )
        if self.config.report:
            check_file_target(root / self.config.report, "the build report")
        overrides = [digest_config.root / "templates"]
        if config.theme.custom_dir:
            overrides.append(Path(config.theme.custom_dir))
        shaping = [
            Path(config.config_file_path), digest_config.path,
            *sorted(path for folder in overrides if folder.is_dir() for path in folder.rglob("*")),
        ]
        # Only listings changed since the last good build: show their papers fast, then build it all.
        self.shape = signature(shaping, []) if self.dirty else b""
        fast = (
            self.dirty and self.watches is not None and not self.full_build_due
            and self.shape == self.built_shape
        )
        digest = load_digest(
            digest_config, config.use_directory_urls, cache=self.cache, previous=self.digest if fast else None
        )
        if self.serving:
            # The build reads pages from memory (on_files); the copy on disk is
            # for the curator. Writing it while serving would wake the watcher.
            digest.report.warnings += check_generated(digest)
        else:
            write_generated(digest)
        self.owned = output_folder(digest_config).owned
        self.digest, self.folder = digest, folder
        trigger = digest_config.root / digest_config.output / TRIGGER
        if trigger != self.full_build_trigger:
            self._remove_trigger()
        self.full_build_trigger = trigger
        self.full_build_due = not digest.exact
        for message in digest.report.warnings:
            log.warning(message)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Serve the generated files from memory, whatever is on disk."""
        generated: dict[str, str] = {}
        if self.digest is not None:
            folder = self.folder
            # What the tool wrote in the output folder, now or before, comes
            # from memory or not at all; any other file there stays in the site.
            ours = {f"{folder}/{relative}" for relative in self.owned | self.digest.files.keys()}
            for stale in [f for f in files if f.src_uri in ours]:
                files.remove(stale)
            for relative, content in sorted(self.digest.files.items()):
                # papers.json belongs at the site root (the contract), not in the pages folder.
                uri = relative if relative == PAPERS_JSON else f"{folder}/{relative}"
                generated[uri] = content
                file = GeneratedFile.generated(config, uri, content=content)
                # Parts of split topics are reached from their topic page, not the
                # nav, which would otherwise grow with every year of every topic.
                if "/" in relative and relative.endswith(".md"):
                    file.inclusion = InclusionLevel.NOT_IN_NAV
                files.append(file)
            for asset in sorted(ASSETS.iterdir()):
                files.append(File.generated(config, f"{ASSET_FOLDER}/{asset.name}", abs_src_path=str(asset)))
        else:
            # No digest.yml has built yet: leave out what earlier builds generated, wherever a manifest says.
            ours = owned_in_docs(Path(config.docs_dir), [f.src_uri for f in files])
            for stale in [f for f in files if f.src_uri in ours]:
                files.remove(stale)
        self.generated = set(generated)
        if self.dirty:
            labels = nav_labels(f for f in files.documentation_pages() if f.src_uri not in generated)
            # The files that shape every page were read in on_config: their
            # signature stands for them. A problem shown, or gone, changes every page.
            shape = signature([], [self.shape.hex(), json.dumps(config.nav), *labels, self.problem or ""])
            skipped = self.preview.update(files, generated, shape, config.site_dir)
            log.info("Preview: %d of %d generated files unchanged, not rebuilt.", skipped, len(generated))
        # A fast update keeps the search index, unless the site folder was emptied.
        if (
            self.digest is not None and self.search
            and (self.digest.exact or not (Path(config.site_dir) / SEARCH_FOLDER).is_dir())
        ):
            # Built beside MkDocs' page rendering, written in on_post_build.
            self.search_job = choose_executor(len(self.digest.papers)).background(self.digest.search_files)
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        if self.digest is None:
            return markdown
        if self.search and page.file.src_uri in self.generated:
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
        if self.problem is not None:
            output = add_banner(output, problem_banner(self.problem, last_good=self.digest is not None))
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
        if template_name != "404.html":
            return output_content
        if self.problem is not None:
            output_content = add_banner(output_content, problem_banner(self.problem, last_good=self.digest is not None))
        return self._swap_worker(output_content)

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
        if page.file.src_uri not in self.generated or not page.file.src_uri.startswith(prefix):
            return None
        stem = page.file.src_uri.removeprefix(prefix).removesuffix(".md")
        return next((t for t in self.digest.config.topics if t.id == stem), None)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        # New, changed or removed listings, the taxonomy and template overrides
        # all rebuild; docs/ (with the output folder) and mkdocs.yml are
        # watched by MkDocs itself. A config fixed later may name more.
        self.watches = Watches(server, Path(config.config_file_path).resolve().parent)
        self._watch()
        return server

    def _watch(self) -> None:
        if self.watches is not None:
            for path in self.watch_paths:
                self.watches.add(path)

    def on_shutdown(self) -> None:
        if self.full_build_timer is not None:
            self.full_build_timer.cancel()
        self._remove_trigger()

    def _remove_trigger(self) -> None:
        if self.trigger_written and self.full_build_trigger is not None:
            self.full_build_trigger.unlink(missing_ok=True)
        self.trigger_written = False

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.search_job is not None:
            files, self.search_job = self.search_job.result(), None
            prefix = f"{SEARCH_FOLDER}/"
            try:
                write_site_folder({path.removeprefix(prefix): text for path, text in files.items()}, Path(config.site_dir) / SEARCH_FOLDER)
            except OutputError as error:
                raise PluginError(str(error)) from None
        self._watch()
        if self.problem is not None:
            self.built_shape = b""  # the next good build rebuilds it all
            return
        if self.digest is not None and self.config.report:
            path = Path(config.config_file_path).parent / self.config.report
            try:
                write_file(path, self.digest.report.to_json(), "the build report")
            except OutputError as error:
                if not self.serving:
                    raise PluginError(str(error)) from None
                preview_log.error("%s", error)
        self.built_shape = self.shape
        if self.full_build_due and self.watches is not None:
            log.info(
                "Preview: new papers shown; related papers, mentions, feeds, papers.json and search follow "
                "in a full build in %.0f s.", self.full_build_pause
            )
            self.full_build_timer = threading.Timer(self.full_build_pause, self._start_full_build)
            self.full_build_timer.daemon = True
            self.full_build_timer.start()

    def _start_full_build(self) -> None:
        """Wake MkDocs' watcher with a file in the output folder (inside docs/), so a build starts."""
        trigger = self.full_build_trigger
        if trigger is None:
            return
        try:
            start_build(trigger)
            self.trigger_written = True
        except OSError as error:
            preview_log.error(
                "Could not start the full build: could not write '%s' (%s). Save any listing to rebuild.",
                display_path(trigger), error.strerror or error,
            )


def _material_search(config: MkDocsConfig) -> bool:
    """Tell whether Material's search is on, so its worker can be swapped for ours.

    Other themes keep their own search, which indexes the digest pages as usual.
    """
    if config.theme.name != "material":
        return False
    plugin = next((config.plugins[name] for name in SEARCH_PLUGINS if name in config.plugins), None)
    return plugin is not None and getattr(plugin.config, "enabled", True)
