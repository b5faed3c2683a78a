"""Merge records of the same paper into one paper with a stable id."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import TypeVar

from .models import Paper, Record
from .text import slugify, title_key, unique_slugs

T = TypeVar("T")


def merge_records(records: list[Record]) -> list[Paper]:
    """Merge records with the same title key or arXiv id into papers, sorted by id."""
    merged = [_merge(group) for group in _group(records)]
    # Suffixes go to the later key, so adding a paper never renames an older one
    # unless their titles slug the same way.
    merged.sort(key=lambda item: (item[0], item[1].key))
    ids = unique_slugs([slug for slug, _ in merged])
    papers = [replace(paper, id=paper_id) for (_, paper), paper_id in zip(merged, ids)]
    return sorted(papers, key=lambda paper: paper.id)


def _group(records: list[Record]) -> list[list[Record]]:
    """Group records that share a title key or an arXiv id (transitively)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for record in records:
        key = "t:" + title_key(record.title)
        find(key)
        if record.arxiv_id:
            parent[find("a:" + record.arxiv_id)] = find(key)
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        groups[find("t:" + title_key(record.title))].append(record)
    return list(groups.values())


def _merge(group: list[Record]) -> tuple[str, Paper]:
    group = sorted(group, key=lambda r: (r.origin.file, r.origin.line))
    first = group[0]
    # Prefer a title already in plain (NFKC) form over full-width or other variants.
    title = next(
        (r.title for r in group if unicodedata.normalize("NFKC", r.title) == r.title), first.title
    )
    paper = Paper(
        key=min(title_key(r.title) for r in group),
        id="",
        title=title,
        abstract=max((r.abstract for r in group), key=len),
        origins=tuple(r.origin for r in group),
        published=_first(r.published for r in group),
        authors_count=_largest(r.authors_count for r in group),
        upvotes=_largest(r.upvotes for r in group),
        listed=min((r.listed for r in group if r.listed), default=None),
        arxiv_id=_first(r.arxiv_id for r in group),
        urls=tuple(dict.fromkeys(url for r in group for url in r.urls)),
    )
    return slugify(title), paper


def _first(values: Iterable[T | None]) -> T | None:
    return next((value for value in values if value is not None), None)


def _largest(values: Iterable[int | None]) -> int | None:
    present = [value for value in values if value is not None]
    return max(present) if present else None
