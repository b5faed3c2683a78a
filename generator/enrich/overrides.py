"""Apply the curator's per-paper overrides to papers and their topics."""

from __future__ import annotations

from dataclasses import replace

from ..config import DigestConfig, display_path
from ..models import Paper, Rejection
from .latex import readable_text
from .text import clean_text
from .topics import Assignment


def correct_papers(papers: list[Paper], config: DigestConfig) -> list[Paper]:
    """Return papers with the overrides' corrections and words: `arxiv`, `published`, `note`, `pick`.

    They apply before links are found, so a corrected arXiv id gives the
    paper its arXiv link and page. Overrides naming no paper are warned
    about by apply_overrides.
    """
    changes: dict[str, dict[str, object]] = {}
    for override in config.overrides:
        change = changes.setdefault(override.paper, {})
        if override.arxiv is not None:
            change["arxiv_id"] = override.arxiv
        if override.published is not None:
            change["published"] = override.published
        if override.note is not None:
            # Plain text, cleaned like every input; the site escapes it where it shows it.
            change["note"] = clean_text(override.note)
        if override.pick is not None:
            change["pick"] = override.pick
    return [replace(paper, **changes[paper.id]) if changes.get(paper.id) else paper for paper in papers]  # type: ignore[arg-type]


def apply_overrides(
    papers: list[Paper], assignments: dict[str, Assignment], config: DigestConfig
) -> tuple[list[Paper], dict[str, Assignment], list[Rejection], list[str]]:
    """Return papers and assignments after overrides, hidden papers as rejections, warnings."""
    by_id = {paper.id: paper for paper in papers}
    hidden: list[Rejection] = []
    warnings: list[str] = []
    assignments = dict(assignments)
    for override in config.overrides:
        paper = by_id.get(override.paper)
        if paper is None:
            warnings.append(
                f"{display_path(config.path)} line {override.line}: override for paper '{override.paper}', "
                "which is not in the digest. Check the id in papers.json."
            )
            continue
        if override.title:
            # A curator's title may spell math in LaTeX too ("$\\pi_0$").
            by_id[paper.id] = replace(paper, title=readable_text(override.title))
        current = assignments[paper.id]
        topics = [t for t in current.topics if t not in override.remove]
        topics += [t for t in override.add if t not in topics]
        if override.primary:
            topics = [override.primary] + [t for t in topics if t != override.primary]
        matches = tuple(m for m in current.matches if m.topic in topics)
        assignments[paper.id] = Assignment(tuple(topics), matches)
        if override.hide:
            del by_id[paper.id]
            del assignments[paper.id]
            hidden += [
                Rejection(origin, f"hidden by the curator: {override.hide}") for origin in paper.origins
            ]
    kept = [by_id[paper.id] for paper in papers if paper.id in by_id]
    warnings += _shared_arxiv_ids(kept, config)
    return kept, assignments, hidden, warnings


def _shared_arxiv_ids(papers: list[Paper], config: DigestConfig) -> list[str]:
    """Warn about each `arxiv` correction that gives a paper the arXiv id another paper has: one paper shown twice."""
    holders: dict[str, list[str]] = {}
    for paper in papers:
        if paper.arxiv_id:
            holders.setdefault(paper.arxiv_id, []).append(paper.id)
    warnings = []
    for override in config.overrides:
        others = [pid for pid in holders.get(override.arxiv or "", []) if pid != override.paper]
        if others and override.paper in holders.get(override.arxiv or "", []):
            warnings.append(
                f"{display_path(config.path)} line {override.line}: override gives '{override.paper}' the arXiv id "
                f"{override.arxiv}, which '{others[0]}' has too, so the site shows one paper twice. Check the id, "
                "or hide one of the two."
            )
    return warnings
