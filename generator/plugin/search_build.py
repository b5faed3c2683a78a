"""The digest's search index during a build: built beside MkDocs' page rendering, written into the site.

A build that can fork starts it in on_files, in a forked worker: a worker
forked earlier would leave behind the threads that serve its pool, and the
pipeline could no longer render pages in forked workers. A preview rebuild
cannot fork (the web server runs threads), so it starts the index as soon as
the papers are laid out, in a fresh process that gets them pickled; that
process writes once on_files says the site folder is ready (the preview may
empty it there), by the dotfile SEARCH_GO in site_dir (MkDocs never
publishes or cleans dotfiles).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..constants import SEARCH_FOLDER
from ..executor import Pending, choose_executor, without_cyclic_gc
from ..output import WriteResult, write_site_folder
from ..site.search_index import SearchPage, SearchPaper, build_search_index

SEARCH_GO = ".topic-digest-search-go"
GO_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class SearchIndexJob:
    """Build the digest's search index and write it into its folder of the site (raising OutputError).

    It pickles (the papers as the index sees them), so `digest serve`, which
    may not fork, can still build it in a worker process beside MkDocs. With
    ``go``, a job started before on_files (when the preview may still empty
    the site folder) waits to write until that file exists; run in the
    process that started it, it returns the files for that process to write.
    """

    pages: list[SearchPage]
    papers: list[SearchPaper]
    folder: Path
    go: Path | None = None
    starter: int = field(default_factory=os.getpid)

    @without_cyclic_gc
    def __call__(self) -> WriteResult | dict[str, str]:
        prefix = f"{SEARCH_FOLDER}/"
        files = {path.removeprefix(prefix): text for path, text in build_search_index(self.pages, self.papers).items()}
        if self.go is not None:
            if os.getpid() == self.starter:
                return files
            while not self.go.exists():
                if os.getppid() != self.starter:  # the build is gone
                    return WriteResult()
                time.sleep(GO_POLL_SECONDS)
        return write_site_folder(files, self.folder)


class SearchIndexBuild:
    """One build's search index: started, told the site folder is ready, finished or cancelled."""

    def __init__(self) -> None:
        self._job: Pending[WriteResult | dict[str, str]] | None = None
        self._site_dir = Path()
        self._go: Path | None = None

    @property
    def started(self) -> bool:
        return self._job is not None

    @property
    def in_site(self) -> bool:
        """Tell whether the site folder holds an index (an earlier one, in a preview rebuild)."""
        return (self._site_dir / SEARCH_FOLDER).is_dir()

    def begin(self, site_dir: Path) -> None:
        """Start a build that writes its site into site_dir."""
        self.cancel()
        self._site_dir = site_dir

    def start(self, pages: list[SearchPage], papers: list[SearchPaper], *, early: bool = False) -> None:
        """Start building the index; ``early``: before on_files, so it waits to write until ``ready``."""
        self._go = self._site_dir / SEARCH_GO if early else None
        if self._go is not None:
            self._go.unlink(missing_ok=True)
        job = SearchIndexJob(pages, papers, self._site_dir / SEARCH_FOLDER, self._go)
        self._job = choose_executor(len(papers)).background(job, picklable=True)

    def ready(self) -> None:
        """Tell a job started early that the site folder is ready for it (on_files)."""
        if self._job is not None and self._go is not None:
            self._go.touch()

    def finish(self) -> None:
        """Wait for the index to be written (raising OutputError)."""
        job, self._job = self._job, None
        try:
            if job is not None and isinstance(written := job.result(), dict):  # built at once, here
                write_site_folder(written, self._site_dir / SEARCH_FOLDER)
        finally:
            self._forget_go()

    def cancel(self) -> None:
        """Stop the job, if any."""
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self._forget_go()

    def _forget_go(self) -> None:
        if self._go is not None:
            self._go.unlink(missing_ok=True)
            self._go = None
