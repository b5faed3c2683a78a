"""The recipe: read listings, merge, enrich, classify, relate, render.

Reading happens in :func:`load_sources` and writing in :func:`write_generated`;
everything between is pure and gathers the whole corpus before any output.
"""

from __future__ import annotations

import functools
import gc
import glob
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import DigestConfig, Source, display_path
from .dedup import merge_records
from .links import paper_links
from .mentions import find_mentions
from .models import Origin, Paper, Record, Rejection
from .output import WriteResult, write_tree
from .readers import ListingError, decode_listing, read_listing
from .related import relate
from .render import Renderer, make_environment
from .report import Report
from .overrides import apply_overrides
from .topics import Match, classify

log = logging.getLogger(__name__)


class SourceError(Exception):
    """The sources named in digest.yml cannot be found."""


@dataclass(frozen=True)
class SourceFile:
    """A listing file's name (as shown in origins) and raw bytes."""

    name: str
    data: bytes
    year: int | None = None


@dataclass
class Digest:
    """Everything the pipeline learned, ready to render."""

    config: DigestConfig
    papers: list[Paper]
    matches: dict[str, tuple[Match, ...]]
    report: Report
    files: dict[str, str] = field(default_factory=dict)
    overview: str = ""


def load_sources(config: DigestConfig) -> tuple[list[SourceFile], list[str]]:
    """Read every listing file the config's globs match, in sorted order."""
    files: list[SourceFile] = []
    warnings: list[str] = []
    seen: set[Path] = set()
    for source in config.sources:
        base = source_folder(config.root, source)
        if not base.is_dir():
            raise SourceError(
                f"{display_path(config.path)}: the sources folder '{display_path(base)}' for '{source.pattern}' does not "
                "exist. Create it and put listing files in it, or fix `sources:`."
            )
        matched = sorted(Path(p) for p in glob.glob(str(config.root / source.pattern), recursive=True))
        matched = [p for p in matched if p.is_file() and not p.name.startswith(".")]
        if not matched:
            warnings.append(
                f"{display_path(config.path)}: no listing file matches '{source.pattern}'. "
                "Add listings there or fix `sources:`."
            )
        for path in matched:
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            name = path.relative_to(base).as_posix()
            files.append(SourceFile(name, path.read_bytes(), source.year))
    return files, warnings


def source_folder(root: Path, source: Source) -> Path:
    """Return the folder a pattern's names are relative to: its part before any wildcard."""
    parts: list[str] = []
    for part in Path(source.pattern).parts:
        if any(ch in part for ch in "*?["):
            return root.joinpath(*parts)
        parts.append(part)
    # A plain file name: names are relative to its folder.
    return root.joinpath(*parts).parent


def read_records(sources: list[SourceFile]) -> tuple[list[Record], list[Rejection], list[str], int]:
    """Decode and read every listing; return records, rejections, warnings and the count read."""
    records: list[Record] = []
    rejected: list[Rejection] = []
    warnings: list[str] = []
    for source in sources:
        try:
            text, decode_warnings = decode_listing(source.data, source.name)
        except ListingError as error:
            rejected.append(Rejection(Origin(source.name, 1), str(error)))
            warnings.append(str(error))
            continue
        warnings += decode_warnings
        result = read_listing(text, source.name, source.year)
        records += result.records
        rejected += result.rejected
        warnings += result.warnings
        warnings += [f"Listing '{r.origin.file}' line {r.origin.line}: record rejected: {r.reason}." for r in result.rejected]
    return records, rejected, warnings, len(records) + len(rejected)


STEPS = ("read", "merge", "links", "mentions", "topics", "related", "render")


def _without_cyclic_gc(function: Callable[..., Digest]) -> Callable[..., Digest]:
    """Pause the cyclic garbage collector while function runs.

    The pipeline builds millions of long-lived objects and few reference
    cycles, so each full collection only rescans them: at 50,000 papers that
    took a fifth of the build. Reference counting still frees everything else.
    """

    @functools.wraps(function)
    def wrapper(*args: object, **kwargs: object) -> Digest:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper


@_without_cyclic_gc
def build_digest(
    config: DigestConfig,
    sources: list[SourceFile],
    use_directory_urls: bool = True,
    on_step: Callable[[str], None] = lambda step: None,
) -> Digest:
    """Run every pure stage over the sources and render the pages.

    ``on_step`` is told the name of each step (see STEPS) as it starts, so a
    terminal can show progress.
    """
    on_step("read")
    records, rejected, warnings, records_read = read_records(sources)
    on_step("merge")
    papers = merge_records(records)
    on_step("links")
    papers = [
        replace(paper, links=tuple(paper_links(paper.title, paper.abstract, paper.urls, paper.arxiv_id)))
        for paper in papers
    ]
    on_step("mentions")
    mentions = find_mentions(papers)
    papers = [replace(paper, mentions=mentions.get(paper.id, ())) for paper in papers]
    on_step("topics")
    assignments = classify(papers, config.topics)
    papers, assignments, hidden, override_warnings = apply_overrides(papers, assignments, config)
    warnings += override_warnings
    # Hidden papers are gone: nothing may mention them any more.
    kept = {paper.id for paper in papers}
    papers = [
        replace(
            paper,
            topics=assignments[paper.id].topics,
            mentions=tuple(target for target in paper.mentions if target in kept),
        )
        for paper in papers
    ]
    log.debug("%d records, %d papers, %d rejected", records_read, len(papers), len(rejected) + len(hidden))
    on_step("related")
    related = relate(papers, config.related)
    papers = [replace(paper, related=related.get(paper.id, ())) for paper in papers]
    matches = {paper_id: assignment.matches for paper_id, assignment in assignments.items()}
    report = Report.from_pipeline(
        records_read=records_read,
        papers=papers,
        rejected=rejected + hidden,
        warnings=warnings,
        matched={pid: [m.as_json() for m in found] for pid, found in matches.items() if found},
    )
    on_step("render")
    digest = Digest(config, papers, matches, report)
    renderer = Renderer(
        config, papers, matches, make_environment([config.root / "templates"]), use_directory_urls
    )
    digest.files = renderer.render()
    digest.overview = renderer.render_overview()
    return digest


def write_generated(digest: Digest) -> WriteResult:
    """Write the generated pages into the config's output folder, only what changed."""
    return write_tree(digest.files, digest.config.root / digest.config.output)


def load_digest(
    config: DigestConfig,
    use_directory_urls: bool = True,
    on_step: Callable[[str], None] = lambda step: None,
) -> Digest:
    """Read the sources and build the digest in memory, writing nothing."""
    sources, warnings = load_sources(config)
    digest = build_digest(config, sources, use_directory_urls, on_step)
    digest.report.warnings[:0] = warnings
    return digest


def generate(
    config: DigestConfig,
    use_directory_urls: bool = True,
    on_step: Callable[[str], None] = lambda step: None,
) -> tuple[Digest, WriteResult]:
    """Read, build and write the generated pages for a digest."""
    digest = load_digest(config, use_directory_urls, on_step)
    return digest, write_generated(digest)
