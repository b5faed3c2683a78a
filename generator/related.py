"""Find each paper's most related papers (sparse top-k, never an n-by-n matrix)."""

from __future__ import annotations

from collections.abc import Sequence

from .models import Paper


def relate(papers: Sequence[Paper], k: int = 5) -> dict[str, tuple[str, ...]]:
    """Return up to k related paper ids for each paper, best first."""
    return {}
