"""papers.json: the data behind the site, one object per paper, sorted by id (a speed trick, with its plain version beside it)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from json.encoder import encode_basestring as encode_json_string

from ..enrich.topics import Match
from ..models import Paper
from .paging import output_url, page_url


def papers_json(
    papers: list[Paper],
    matches: dict[str, tuple[Match, ...]],
    page_of: dict[str, str],
    output: str,
    use_directory_urls: bool = True,
) -> str:
    """Return papers.json: one object per paper, sorted by id.

    One paper per line: readable and diff-friendly. Each line has exactly
    the bytes ``json.dumps(row, ensure_ascii=False)`` gives for the row, but
    is written with f-strings around json's C string encoder: making a dict
    per paper for the generic encoder took twice as long.
    """
    folder = output_url(output)
    lines = []
    for paper in sorted(papers, key=lambda p: p.id):
        url = f"{folder}{page_url(page_of[paper.id], use_directory_urls)}#{paper.id}"
        links = ", ".join(f'{{"url": {_json(link.url)}, "kind": {_json(link.kind)}}}' for link in paper.links)
        matched = ", ".join(
            f'{{"topic": {_json(m.topic)}, "phrase": {_json(m.phrase)}, "field": {_json(m.field)}}}'
            for m in matches.get(paper.id, ())
        )
        lines.append(
            f'{{"id": {_json(paper.id)}, "title": {_json(paper.title)}, "abstract": {_json(paper.abstract)}, '
            f'"published": {_json(paper.published.isoformat() if paper.published else None)}, '
            f'"authors_count": {_json(paper.authors_count)}, "upvotes": {_json(paper.upvotes)}, '
            f'"topics": {_json_list(paper.topics)}, "links": [{links}], "url": {_json(url)}, '
            f'"related": {_json_list(paper.related)}, "mentions": {_json_list(paper.mentions)}, '
            f'"sources": {_json_list(map(str, paper.origins))}, '
            f'"listed": {_json(paper.listed.isoformat() if paper.listed else None)}, '
            f'"arxiv_id": {_json(paper.arxiv_id)}, "matched": [{matched}], '
            f'"authors": {_json_list(paper.authors)}, "paper_url": {_json(paper.paper_url)}, '
            f'"note": {_json(paper.note)}, "pick": {"true" if paper.pick else "false"}}}'
        )
    return "[\n" + ",\n".join(lines) + "\n]\n"


def _json(value: str | int | None) -> str:
    """Return a string, an integer or None as json.dumps(value, ensure_ascii=False) does."""
    if isinstance(value, str):
        return encode_json_string(value)
    if value is None:
        return "null"
    return int.__repr__(value)


def _json_list(values: Iterable[str]) -> str:
    """Return a list of strings as json.dumps(list(values), ensure_ascii=False) does."""
    return "[" + ", ".join(map(encode_json_string, values)) + "]"


def papers_json_plain(
    papers: list[Paper],
    matches: dict[str, tuple[Match, ...]],
    page_of: dict[str, str],
    output: str,
    use_directory_urls: bool = True,
) -> str:
    """Return what papers_json returns, one dict per paper through json.dumps (the reference it is tested against)."""
    folder = output_url(output)
    rows = [
        {
            "id": paper.id,
            "title": paper.title,
            "abstract": paper.abstract,
            "published": paper.published.isoformat() if paper.published else None,
            "authors_count": paper.authors_count,
            "upvotes": paper.upvotes,
            "topics": list(paper.topics),
            "links": [link.as_json() for link in paper.links],
            "url": f"{folder}{page_url(page_of[paper.id], use_directory_urls)}#{paper.id}",
            "related": list(paper.related),
            "mentions": list(paper.mentions),
            "sources": [str(origin) for origin in paper.origins],
            "listed": paper.listed.isoformat() if paper.listed else None,
            "arxiv_id": paper.arxiv_id,
            "matched": [match.as_json() for match in matches.get(paper.id, ())],
            "authors": list(paper.authors),
            "paper_url": paper.paper_url,
            "note": paper.note,
            "pick": paper.pick,
        }
        for paper in sorted(papers, key=lambda p: p.id)
    ]
    return "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]\n"
