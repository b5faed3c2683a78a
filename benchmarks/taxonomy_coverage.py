"""Measure how well the bundled taxonomy in digest.yml covers the bundled corpus.

Run from the repository root: ``.venv/bin/python benchmarks/taxonomy_coverage.py``.
Options: ``-c FILE`` measures another digest.yml, ``--papers TOPIC`` lists the
titles whose primary topic is TOPIC (``--papers all`` lists every paper).

Prints the number of papers, the share with a topic, each topic's primary and
total count (a paper counts in every topic it belongs to), the largest primary
share, the topics with fewer than three papers and the unsorted titles. The
targets are: at least 97% sorted, no topic primary for more than 25% of the
papers, every topic with at least three papers.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.config import load_config  # noqa: E402
from generator.pipeline import build_digest, load_sources  # noqa: E402

MIN_TOPIC_SIZE = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", type=Path, default=ROOT / "digest.yml", help="digest.yml to measure")
    parser.add_argument("--papers", metavar="TOPIC", help="list the titles whose primary topic is TOPIC, or 'all'")
    args = parser.parse_args(argv)

    config = load_config(args.config)
    sources, _ = load_sources(config)
    digest = build_digest(config, sources)
    papers = digest.papers
    total = len(papers)
    primary = Counter(p.topics[0] for p in papers if p.topics)
    member = Counter(t for p in papers for t in p.topics)
    unsorted = sorted(p.title for p in papers if not p.topics)

    print(f"papers: {total}")
    sorted_count = total - len(unsorted)
    print(f"with a topic: {sorted_count} ({sorted_count / total:.1%}); unsorted: {len(unsorted)}")
    print()
    width = max(len(t.id) for t in config.topics)
    print(f"{'topic':<{width}}  {'parent':<{width}}  primary  total")
    for topic in config.topics:
        print(
            f"{topic.id:<{width}}  {topic.parent or '-':<{width}}  "
            f"{primary[topic.id]:>7}  {member[topic.id]:>5}"
        )
    print()
    top, top_count = max(primary.items(), key=lambda item: item[1]) if primary else ("-", 0)
    print(f"max primary share: {top_count / total:.1%} ({top}, {top_count} papers)")
    small = [t.id for t in config.topics if member[t.id] < MIN_TOPIC_SIZE]
    smallest = min(config.topics, key=lambda t: member[t.id])
    print(f"smallest topic: {smallest.id} ({member[smallest.id]} papers)")
    print(f"topics with < {MIN_TOPIC_SIZE} papers: {', '.join(small) or 'none'}")
    print()
    print(f"unsorted ({len(unsorted)}):")
    for title in unsorted:
        print(f"  {title}")
    if args.papers:
        print()
        for paper in sorted(papers, key=lambda p: (p.topics[:1], p.title)):
            if args.papers == "all" or paper.topics[:1] == (args.papers,):
                print(f"  [{', '.join(paper.topics) or 'unsorted'}] {paper.title}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
