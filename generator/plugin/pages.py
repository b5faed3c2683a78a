"""What the digest adds to a MkDocs build: its digest built from digest.yml, its files, feed links and overview."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin
from xml.sax.saxutils import escape

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..config import display_path, load_config
from ..constants import ALL_FEED, DIGEST_BIB, FEED_FOLDER, OVERVIEW_MARKER, PAPERS_JSON
from ..output import check_file_target, folder_in_docs, owned_in_docs
from ..pipeline import Digest, SearchStart, check_generated, load_digest, output_folder, write_generated
from ..site.escape import html_attr
from .preview import TRIGGER, GeneratedFile, PreviewSession, log

ASSETS = Path(__file__).resolve().parent.parent / "site" / "assets"
ASSET_FOLDER = "assets/topic-digest"
SEARCH_WORKER = f"{ASSET_FOLDER}/search-worker.js"
# Markdown extensions the generated pages rely on (ids on headings, tables,
# Markdown inside the <div>s and <details> of entries).
REQUIRED_EXTENSIONS = ("attr_list", "tables", "md_in_html")


@dataclass(frozen=True)
class Loaded:
    """A digest built for MkDocs: the digest, its output folder inside docs_dir, and what the tool wrote there before."""

    digest: Digest
    folder: str
    owned: set[str]


def load(
    config: MkDocsConfig,
    digest_file: Path,
    report: Path | None,
    preview: PreviewSession,
    previous: Digest | None,
    serving: bool,
    start_search: SearchStart | None = None,
) -> Loaded:
    """Load digest.yml and build the digest (raising ConfigError, SourceError or OutputError).

    A build writes the generated files into the output folder; while serving
    they are only checked, since MkDocs reads them from memory.
    """
    digest_config = load_config(digest_file)
    preview.watch_digest(digest_config)
    folder = folder_in_docs(
        digest_config.root / digest_config.output, Path(config.docs_dir), display_path(digest_config.path),
        digest_config.output,
    )
    if report is not None:
        check_file_target(report, "the build report")
    preview.sign(config, digest_config)
    digest = load_digest(
        digest_config, config.use_directory_urls, cache=preview.cache, previous=previous if preview.fast else None,
        start_search=start_search,
    )
    if serving:
        # The copy on disk is for the curator. Writing it while serving would wake the watcher.
        digest.report.warnings += check_generated(digest)
    else:
        write_generated(digest)
    preview.loaded(digest, digest_config.root / digest_config.output / TRIGGER)
    for message in digest.report.warnings:
        log.warning(message)
    return Loaded(digest, folder, output_folder(digest_config).owned)


def require_extensions(config: MkDocsConfig) -> None:
    """Turn on the Markdown extensions the pages need, and add the digest's styles and scripts."""
    for extension in REQUIRED_EXTENSIONS:
        if extension not in config.markdown_extensions:
            config.markdown_extensions.append(extension)
    config.extra_css.append(f"{ASSET_FOLDER}/digest.css")
    config.extra_javascript.append(f"{ASSET_FOLDER}/digest.js")


def add_generated(files: Files, config: MkDocsConfig, loaded: Loaded | None) -> dict[str, str]:
    """Put the generated files (from memory, whatever is on disk) among MkDocs' files; return them by src_uri."""
    generated: dict[str, str] = {}
    if loaded is None:
        # No digest.yml has built yet: leave out what earlier builds generated, wherever a manifest says.
        ours = owned_in_docs(Path(config.docs_dir), [f.src_uri for f in files])
        for stale in [f for f in files if f.src_uri in ours]:
            files.remove(stale)
        return generated
    digest, folder = loaded.digest, loaded.folder
    # What the tool wrote in the output folder, now or before, comes
    # from memory or not at all; any other file there stays in the site.
    ours = {f"{folder}/{relative}" for relative in loaded.owned | digest.files.keys()}
    for stale in [f for f in files if f.src_uri in ours]:
        files.remove(stale)
    for relative, content in sorted(digest.files.items()):
        # papers.json and digest.bib belong at the site root (the contract), not in the pages folder.
        uri = relative if relative in (PAPERS_JSON, DIGEST_BIB) else f"{folder}/{relative}"
        if config.site_url and relative.startswith(f"{FEED_FOLDER}/"):
            # Feed readers copy entries out of the site: links must work anywhere.
            content = absolute_links(content, urljoin(config.site_url, uri))
        generated[uri] = content
        file = GeneratedFile.generated(config, uri, content=content)
        # Parts of split topics are reached from their topic page, not the
        # nav, which would otherwise grow with every year of every topic.
        if "/" in relative and relative.endswith(".md"):
            file.inclusion = InclusionLevel.NOT_IN_NAV
        files.append(file)
    for asset in sorted(ASSETS.iterdir()):
        files.append(File.generated(config, f"{ASSET_FOLDER}/{asset.name}", abs_src_path=str(asset)))
    return generated


def with_overview(markdown: str, overview: str) -> str:
    """Put the generated overview into the home page: at its marker, else at its end."""
    if OVERVIEW_MARKER in markdown:
        return markdown.replace(OVERVIEW_MARKER, overview, 1)
    return f"{markdown.rstrip()}\n\n{overview}"


# The href of every <link> element of an Atom feed (entries' HTML content is escaped text, never matched).
_LINK_HREF = re.compile(r'(<link\b[^>]*?\shref=")([^"]*)(")')


def absolute_links(feed: str, feed_url: str) -> str:
    """Return the Atom feed with every <link> href resolved against the feed's own absolute URL."""
    return _LINK_HREF.sub(
        lambda m: m[1] + escape(urljoin(feed_url, html.unescape(m[2])), {'"': "&quot;"}) + m[3], feed
    )


def feed_links(loaded: Loaded, page: Page, generated: set[str], site_url: str | None = None) -> str:
    """Return the page head's links to the digest's Atom feed, and to a topic page's own.

    The rel is "alternate feed", not plain "alternate": Material's language
    switcher fetches a sitemap for every `link[rel=alternate]`. With a
    site_url the links are absolute, as the feeds' own are.
    """
    digest, folder = loaded.digest, loaded.folder
    feeds = [(f"{digest.config.title}", f"{folder}/{ALL_FEED}")]
    uri, prefix = page.file.src_uri, f"{folder}/"
    if uri in generated and uri.startswith(prefix):
        stem = uri.removeprefix(prefix).removesuffix(".md")
        topic = next((t for t in digest.config.topics if t.id == stem), None)
        if topic is not None:
            feeds.append((f"{digest.config.title}: {topic.title}", f"{folder}/{FEED_FOLDER}/{topic.id}.xml"))
    return "".join(
        f'<link rel="alternate feed" type="application/atom+xml" title="{html_attr(title)}" '
        f'href="{html_attr(urljoin(site_url, href) if site_url else get_relative_url(href, page.url))}">'
        for title, href in feeds
    )
