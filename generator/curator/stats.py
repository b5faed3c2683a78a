"""Count a digest's papers per topic, month, source and code link (for `digest stats`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..config import DigestConfig
from ..models import Paper


@dataclass(frozen=True)
class Stats:
    """The numbers `digest stats` prints."""

    papers: int
    with_code: int
    per_topic: list[tuple[str, int, int]]  # (topic id, primary, all)
    unsorted: int
    per_month: list[tuple[str, int]]
    undated: int
    per_source: list[tuple[str, int]]  # records read from each source file


def digest_stats(config: DigestConfig, papers: list[Paper]) -> Stats:
    """Return the digest's counts."""
    primary = Counter(p.topics[0] for p in papers if p.topics)
    members = Counter(t for p in papers for t in p.topics)
    months = Counter(p.published.strftime("%Y-%m") for p in papers if p.published)
    sources = Counter(origin.file for paper in papers for origin in paper.origins)
    return Stats(
        papers=len(papers),
        with_code=sum(1 for p in papers if p.has_code),
        per_topic=[(t.id, primary[t.id], members[t.id]) for t in config.topics],
        unsorted=sum(1 for p in papers if not p.topics),
        per_month=sorted(months.items()),
        undated=sum(1 for p in papers if not p.published),
        per_source=sorted(sources.items()),
    )


def format_stats(stats: Stats) -> str:
    """Return the stats as plain-text tables for a terminal."""
    share = f"{100 * stats.with_code / stats.papers:.0f}%" if stats.papers else "0%"
    lines = [f"{stats.papers} papers, {stats.with_code} with code ({share}), {stats.unsorted} unsorted", ""]
    width = max([len(t) for t, _, _ in stats.per_topic] + [len("topic")])
    lines.append(f"{'topic':<{width}}  primary    all")
    lines += [f"{t:<{width}}  {p:>7}  {a:>5}" for t, p, a in stats.per_topic]
    lines += ["", "month    papers"]
    lines += [f"{m}  {n:>6}" for m, n in stats.per_month]
    lines.append(f"undated  {stats.undated:>6}")
    width = max([len(s) for s, _ in stats.per_source] + [len("source")])
    lines += ["", f"{'source':<{width}}  records"]
    lines += [f"{s:<{width}}  {n:>7}" for s, n in stats.per_source]
    return "\n".join(lines) + "\n"
