"""Merge records of the same paper into one paper with a stable id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import TypeVar
import unicodedata

from .models import Paper, Record
from .text import slugify, title_key, unique_slugs


def merge_records(records: list[Record]) -> list[Paper]:
    """Group records by title key and merge each group into a paper, sorted by id."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        groups[title_key(record.title)].append(record)
    merged = [_merge(key, group) for key, group in groups.items()]
    # Suffixes go to the later key, so adding a paper never renames an older one
    # unless their titles slug the same way.
    merged.sort(key=lambda item: (item[0], item[1].key))
    ids = unique_slugs([slug for slug, _ in merged])
    papers = [replace(paper, id=paper_id) for (_, paper), paper_id in zip(merged, ids)]
    return sorted(papers, key=lambda paper: paper.id)


def _merge(key: str, group: list[Record]) -> tuple[str, Paper]:
    group = sorted(group, key=lambda r: (r.origin.file, r.origin.line))
    first = group[0]
    # Prefer a title already in plain (NFKC) form over full-width or other variants.
    title = next((r.title for r in group if unicodedata.normalize("NFKC", r.title) == r.title), first.title)
    abstract = max((r.abstract for r in group), key=len)
    paper = Paper(
        key=key,
        id="",
        title=title,
        abstract=abstract,
        origins=tuple(r.origin for r in group),
        published=_first(r.published for r in group),
        authors_count=_largest(r.authors_count for r in group),
        upvotes=_largest(r.upvotes for r in group),
        listed=min((r.listed for r in group if r.listed), default=None),
    )
    return slugify(title), paper


T = TypeVar("T")


def _first(values: Iterable[T | None]) -> T | None:
    return next((value for value in values if value is not None), None)


def _largest(values: Iterable[int | None]) -> int | None:
    present = [value for value in values if value is not None]
    return max(present) if present else None
