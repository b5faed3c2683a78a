"""Merge records of the same paper into one paper with a stable id."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from ..models import Paper, Record
from .text import slugify, title_key, unique_slugs

T = TypeVar("T")


def merge_records(records: list[Record]) -> list[Paper]:
    """Merge records with the same title key or arXiv id into papers, sorted by id."""
    # Each title's key is worked out once: grouping and merging both need it.
    keys = [title_key(record.title) for record in records]
    merged = [_merge([records[i] for i in group], min(keys[i] for i in group)) for group in _group(records, keys)]
    # Suffixes go to the later key, so adding a paper never renames an older one
    # unless their titles slug the same way.
    merged.sort(key=lambda item: (item[0], item[1]["key"]))
    ids = unique_slugs([slug for slug, _ in merged])
    papers = [Paper(id=paper_id, **fields) for (_, fields), paper_id in zip(merged, ids)]
    return sorted(papers, key=lambda paper: paper.id)


def _group(records: list[Record], keys: list[str]) -> list[list[int]]:
    """Group records (by index) that share a title key or an arXiv id (transitively)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for record, key in zip(records, keys):
        node = find("t:" + key)
        if record.arxiv_id:
            parent[find("a:" + record.arxiv_id)] = node
    groups: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        groups[find("t:" + key)].append(index)
    return list(groups.values())


def _merge(group: list[Record], key: str) -> tuple[str, dict[str, Any]]:
    """Return the slug of a group's title and the fields of the paper it makes (all but the id)."""
    if len(group) == 1:
        # Most papers come from one record: the same fields, made directly.
        (only,) = group
        return slugify(only.title), {
            "key": key, "title": only.title, "abstract": only.abstract, "origins": (only.origin,),
            "published": only.published, "authors_count": only.authors_count, "upvotes": only.upvotes,
            "listed": only.listed, "arxiv_id": only.arxiv_id, "urls": tuple(dict.fromkeys(only.urls)),
            "authors": only.authors,
        }  # fmt: skip
    group = sorted(group, key=lambda r: (r.origin.file, r.origin.line))
    first = group[0]
    # Prefer a title already in plain (NFKC) form over full-width or other variants.
    title = next(
        (r.title for r in group if unicodedata.normalize("NFKC", r.title) == r.title), first.title
    )
    # The longest list of names (the first of equal ones) is the most complete.
    authors = max((r.authors for r in group), key=len)
    count = _largest(r.authors_count for r in group)
    fields = dict(
        key=key,
        title=title,
        abstract=max((r.abstract for r in group), key=len),
        origins=tuple(r.origin for r in group),
        published=_first(r.published for r in group),
        authors_count=max(count, len(authors)) if count is not None else (len(authors) or None),
        authors=authors,
        upvotes=_largest(r.upvotes for r in group),
        listed=min((r.listed for r in group if r.listed), default=None),
        arxiv_id=_first(r.arxiv_id for r in group),
        urls=tuple(dict.fromkeys(url for r in group for url in r.urls)),
    )
    return slugify(title), fields


def _first(values: Iterable[T | None]) -> T | None:
    return next((value for value in values if value is not None), None)


def _largest(values: Iterable[int | None]) -> int | None:
    present = [value for value in values if value is not None]
    return max(present) if present else None
