"""Live preview: what `digest serve` does beyond a plain `mkdocs serve`, kept in a PreviewSession.

A rebuild skips generated files whose bytes did not change. `digest serve`
runs MkDocs' dirty builds, which keep the site folder and rebuild only files
that say they are modified. A generated file says so when its content
differs from the last build's. Everything else is rebuilt as in a clean
build: hand-written pages always (they carry the nav titles and the home
page's overview), and the whole site when mkdocs.yml, digest.yml, a template,
the set of hand-written pages or one of their titles changed, since any of
them can change every page's navigation.

A broken digest.yml or sources folder never stops the preview: it shows the
last good build, or the hand-written pages, with a banner on every page that
says what is wrong (problem_banner). A fast update asks for the full build
that follows by writing a dotfile in the output folder (start_build), which
MkDocs already watches as part of docs/.

The session also keeps the stage cache (listings read, links, topics), so a
rebuild only works out what it has not seen.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.utils import clean_directory
from mkdocs.utils.meta import get_data

from ..config import DigestConfig, display_path
from ..pipeline import Digest, StageCache
from ..site.escape import html_text
from ..sources import source_folder

# MkDocs counts warnings of its own logger tree, so `--strict` sees ours.
log = logging.getLogger("mkdocs.plugins.digest")
# A problem the preview shows on its pages is not counted: with `strict: true`
# a counted error would fail the rebuild, and MkDocs would hold every request.
preview_log = logging.getLogger("generator.preview")
# After a fast preview update the full build waits this long: MkDocs holds
# every request while it builds, and the browser's reload should come first.
FULL_BUILD_PAUSE = 1.0

# An ATX (`# Title`) or setext (`Title` over `===`) first-level heading.
FIRST_HEADING = re.compile(r"^(?:#[ \t]+(.+?)[ \t#]*|(\S.*)\n=+[ \t]*)$", re.MULTILINE)


class GeneratedFile(File):
    """A generated file that a dirty build skips when it is marked unchanged."""

    unchanged = False

    def is_modified(self) -> bool:
        return not (self.unchanged and os.path.isfile(self.abs_dest_path))


def nav_labels(pages: Iterable[File]) -> list[str]:
    """Return each hand-written page's path and the title the nav may show for it."""
    labels = []
    for page in pages:
        markdown, meta = get_data(page.content_string)
        heading = FIRST_HEADING.search(markdown)
        title = meta.get("title") or (heading[1] or heading[2] if heading else "")
        labels.append(f"{page.src_uri}\0{title}")
    return labels


def signature(paths: Iterable[Path], names: Iterable[str]) -> bytes:
    """Fingerprint the files that shape every page (missing ones count as empty) and a list of names."""
    digest = hashlib.blake2b(digest_size=16)
    for path in paths:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"")
        digest.update(b"\0")
    for name in names:
        digest.update(name.encode() + b"\0")
    return digest.digest()


@dataclass
class PreviewState:
    """What the last build of a serve session wrote: the signature and each generated file."""

    signature: bytes = b""
    # The text itself, not a hash: a fast preview update hands back most of
    # the same str objects, which compare in no time.
    built: dict[str, tuple[str, str]] = field(default_factory=dict)

    def update(self, files: Files, generated: dict[str, str], new_signature: bytes, site_dir: str) -> int:
        """Mark unchanged generated files, force hand-written pages, drop stale output; return files skipped."""
        if new_signature != self.signature:
            # Navigation may differ everywhere: start from an empty site.
            clean_directory(site_dir)
            self.built = {}
        self.signature = new_signature
        previous, self.built = self.built, {}
        skipped = 0
        for file in files:
            if file.src_uri in generated:
                assert isinstance(file, GeneratedFile)
                content = generated[file.src_uri]
                before = previous.get(file.src_uri)
                file.unchanged = before is not None and before[0] == content
                skipped += not file.is_modified()
                self.built[file.src_uri] = (content, file.abs_dest_path)
            elif file.is_documentation_page() and os.path.isfile(file.abs_dest_path):
                os.remove(file.abs_dest_path)
        for uri, (_, dest) in previous.items():
            if uri not in self.built and os.path.isfile(dest):
                os.remove(dest)
        return skipped


# Written in the output folder (inside docs/, which MkDocs watches) to start
# a full build after a fast update; a dotfile, so never part of the site.
TRIGGER = ".topic-digest-rebuild"
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def start_build(trigger: Path) -> None:
    """Wake MkDocs' watcher with a new file at trigger, so a build starts."""
    trigger.parent.mkdir(parents=True, exist_ok=True)
    # A new file each time: a rename is seen even where mtimes are coarse.
    staging = trigger.with_name(f"{trigger.name}.tmp")
    staging.write_text(f"{os.getpid()} {time.monotonic_ns()}\n", encoding="utf-8")
    os.replace(staging, trigger)


def problem_banner(problem: str, last_good: bool) -> str:
    """Return the HTML that tells the preview's reader the digest could not be rebuilt, and why.

    The problem can echo YAML the curator wrote, so it is escaped as text
    and shown as written (line breaks and the caret under the column kept).
    """
    shown = (
        "This preview shows the last good build." if last_good
        else "This preview shows only the hand-written pages until it is fixed."
    )
    return (
        '<div role="alert" class="digest-problem" style="margin:0;padding:.8em 1.2em;background:#fdecea;'
        'color:#5f2120;border-bottom:3px solid #d32f2f;font:15px/1.5 system-ui,sans-serif;position:relative;z-index:10">'
        f"<strong>topic-digest could not rebuild the digest.</strong> {shown} Fix the problem and save; "
        "the page reloads by itself."
        '<pre style="margin:.5em 0 0;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.4 monospace;'
        f'background:none;color:inherit">{html_text(problem)}</pre></div>'
    )


def add_banner(page: str, banner: str) -> str:
    """Put the banner first in the page's body (or first in the page, when it has no body tag)."""
    data = page.encode("utf-8")
    match = _BODY.search(data)
    at = match.end() if match else 0
    return (data[:at] + banner.encode("utf-8") + data[at:]).decode("utf-8")


class Watches:
    """What a serve session asked MkDocs' server to watch, so a path is added once, as configs name new ones."""

    def __init__(self, server: Any, root: Path) -> None:
        self.server = server
        self.root = root
        self.watched: set[tuple[Path, bool]] = set()

    def add(self, path: Path) -> None:
        """Watch path, or when it does not exist yet, the nearest folder above it that does.

        The watcher cannot watch what does not exist; the digest folder itself
        is watched without its subfolders (site/, .venv/ ...), so making
        the missing folder and then saving digest.yml starts a build.
        """
        target = path
        while not target.exists() and target != self.root and target.parent != target:
            target = target.parent
        recursive = target != self.root
        if (target, recursive) in self.watched or not target.exists():
            return
        self.watched.add((target, recursive))
        self.server.watch(str(target), recursive=recursive)


class PreviewSession:
    """What `digest serve` keeps between rebuilds, and the full build that follows a fast update.

    It holds the stage cache, what the last build wrote, the signature of the
    files that shape every page, the paths MkDocs watches, and the problem
    the preview shows while digest.yml cannot be built. A plain `digest build`
    has one too, which is never dirty: it only lends its (cold) cache.
    """

    def __init__(self, dirty: bool = False) -> None:
        self.dirty = dirty
        self.cache = StageCache()
        self.state = PreviewState()
        # The signature of the files that shape every page, at the last good build and at this one.
        self.built_shape = self.shape = b""
        self.problem: str | None = None
        self.watch_paths: list[Path] = []
        self.watches: Watches | None = None
        # A fast preview update (pipeline.update_digest) is followed by a full
        # build, which writing this file (in docs/, which MkDocs watches) starts.
        self.trigger: Path | None = None
        self.trigger_written = False
        self.timer: threading.Timer | None = None
        self.full_build_due = False
        self.pause = FULL_BUILD_PAUSE

    def begin(self, digest_file: Path) -> str | None:
        """Start a build (it comes before any full build still waiting); return the problem the last one had."""
        if self.timer is not None:
            self.timer.cancel()
        before, self.problem = self.problem, None
        self.watch_paths = [digest_file]
        return before

    def watch_digest(self, digest_config: DigestConfig) -> None:
        """Watch the digest's sources folders and its template overrides."""
        self.watch_paths += [source_folder(digest_config.root, s) for s in digest_config.sources]
        if (digest_config.root / "templates").is_dir():
            self.watch_paths.append(digest_config.root / "templates")

    def sign(self, config: MkDocsConfig, digest_config: DigestConfig) -> None:
        """Sign the files that shape every page: mkdocs.yml, digest.yml, template overrides and the theme's."""
        overrides = [digest_config.root / "templates"]
        if config.theme.custom_dir:
            overrides.append(Path(config.theme.custom_dir))
        shaping = [
            Path(config.config_file_path), digest_config.path,
            *sorted(path for folder in overrides if folder.is_dir() for path in folder.rglob("*")),
        ]
        self.shape = signature(shaping, []) if self.dirty else b""

    @property
    def fast(self) -> bool:
        """Tell whether only listings changed since the last good build: show their papers fast, then build it all."""
        return self.dirty and self.watches is not None and not self.full_build_due and self.shape == self.built_shape

    def loaded(self, digest: Digest, trigger: Path) -> None:
        """Note a digest built; a fast update (not exact) asks for a full build after it."""
        if trigger != self.trigger:
            self.remove_trigger()
        self.trigger = trigger
        self.full_build_due = not digest.exact

    def failed(self, problem: str, last_good: bool) -> None:
        """Keep the preview going with a digest.yml that cannot be built, showing the problem on every page."""
        self.problem = problem
        self.full_build_due = False
        preview_log.error(
            "%s\nThe preview shows %s with this problem on every page until it is fixed.",
            problem, "the last good build" if last_good else "the hand-written pages",
        )

    def mark(self, files: Files, generated: dict[str, str], config: MkDocsConfig) -> None:
        """Mark the generated files whose bytes did not change, so a dirty build skips them."""
        if not self.dirty:
            return
        labels = nav_labels(f for f in files.documentation_pages() if f.src_uri not in generated)
        # The files that shape every page were read in sign(): their
        # signature stands for them. A problem shown, or gone, changes every page.
        shape = signature([], [self.shape.hex(), json.dumps(config.nav), *labels, self.problem or ""])
        skipped = self.state.update(files, generated, shape, config.site_dir)
        log.info("Preview: %d of %d generated files unchanged, not rebuilt.", skipped, len(generated))

    def serve(self, server: Any, root: Path) -> None:
        """Watch, besides what MkDocs watches, the listings, digest.yml and template overrides."""
        self.watches = Watches(server, root)
        self.watch()

    def watch(self) -> None:
        """Watch the paths the last config named (a config fixed later may name more)."""
        if self.watches is not None:
            for path in self.watch_paths:
                self.watches.add(path)

    def built(self) -> None:
        """Finish a build: remember what shaped it, and start the full build a fast update asked for."""
        if self.problem is not None:
            self.built_shape = b""  # the next good build rebuilds it all
            return
        self.built_shape = self.shape
        if self.full_build_due and self.watches is not None:
            log.info(
                "Preview: new papers shown; related papers, mentions, feeds, papers.json and search follow "
                "in a full build in %.0f s.", self.pause
            )
            self.timer = threading.Timer(self.pause, self._start_full_build)
            self.timer.daemon = True
            self.timer.start()

    def build_failed(self) -> None:
        """Forget what the failed build meant to write: the next one rebuilds it all."""
        self.state = PreviewState()
        self.built_shape = b""

    def shutdown(self) -> None:
        """Stop a full build still waiting, and take the trigger file away."""
        if self.timer is not None:
            self.timer.cancel()
        self.remove_trigger()

    def remove_trigger(self) -> None:
        """Delete the trigger file this session wrote, if any."""
        if self.trigger_written and self.trigger is not None:
            self.trigger.unlink(missing_ok=True)
        self.trigger_written = False

    def _start_full_build(self) -> None:
        """Wake MkDocs' watcher with a file in the output folder (inside docs/), so a build starts."""
        trigger = self.trigger
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
