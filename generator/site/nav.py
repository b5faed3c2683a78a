"""Build the site navigation: hand-written pages, the lists across topics, and the topics in their groups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..constants import NEW_PAGE, WITH_CODE_PAGE
from ..pipeline import Digest
from .paging import UNSORTED, topic_page

NavItem = Any


def digest_nav(user_nav: list[NavItem] | None, digest: Digest, folder: str, docs_dir: Path) -> list[NavItem]:
    """Return the nav: the curator's own (or the home page), "Papers with code", "New papers", the topics, the other pages."""
    topics = digest.config.topics
    children: dict[str | None, list[str]] = {}
    for topic in topics:
        children.setdefault(topic.parent, []).append(topic.id)
    by_id = {topic.id: topic for topic in topics}

    def entry(topic_id: str) -> NavItem:
        page = f"{folder}/{topic_page(topic_id)}"
        kids = children.get(topic_id, [])
        if not kids:
            return {by_id[topic_id].title: page}
        # Two levels: a parent is a section whose first page is the parent itself.
        # Every entry has its title, so the nav never needs a page read (a
        # preview rebuild skips unchanged pages).
        return {by_id[topic_id].title: [{by_id[topic_id].title: page}] + [entry(kid) for kid in kids]}

    section: list[NavItem] = [entry(topic_id) for topic_id in children.get(None, [])]
    if any(not paper.topics for paper in digest.papers):
        section.append({UNSORTED.title: f"{folder}/{topic_page(UNSORTED.id)}"})
    # Lists across every topic: before "Topics", not inside it, where on a
    # phone they read as one more topic.
    lists: list[NavItem] = [
        {"Papers with code": f"{folder}/{WITH_CODE_PAGE}"},
        {"New papers": f"{folder}/{NEW_PAGE}"},
    ]
    if user_nav is not None:
        return list(user_nav) + lists + [{"Topics": section}]
    pages = sorted(
        path.relative_to(docs_dir).as_posix()
        for path in docs_dir.rglob("*.md")
        if not path.relative_to(docs_dir).as_posix().startswith(f"{folder}/")
    )
    home = [page for page in pages if page == "index.md"]
    rest = [page for page in pages if page != "index.md"]
    return home + lists + [{"Topics": section}] + rest
