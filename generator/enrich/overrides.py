"""Apply the curator's per-paper overrides to papers and their topics."""

from __future__ import annotations

from dataclasses import replace

from ..config import DigestConfig, display_path
from ..models import Paper, Rejection
from .topics import Assignment


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
            by_id[paper.id] = replace(paper, title=override.title)
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
    return kept, assignments, hidden, warnings
