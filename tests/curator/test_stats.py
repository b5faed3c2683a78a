from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.config import DigestConfig, Topic
from generator.curator.stats import digest_stats, format_stats
from generator.models import Link, Origin, Paper


def test_stats_count_topics_months_code_and_sources():
    config = DigestConfig(title="T", path=Path("digest.yml"), topics=(Topic("a", "A"), Topic("b", "B")))
    papers = [
        Paper(key="1", id="1", title="1", abstract=".", origins=(Origin("x.txt", 1), Origin("y.txt", 3)),
              topics=("a", "b"), published=dt.date(2024, 1, 5),
              links=(Link("https://github.com/o/r", "code", "GitHub", "o/r"),)),
        Paper(key="2", id="2", title="2", abstract=".", origins=(Origin("x.txt", 5),), topics=("b",)),
        Paper(key="3", id="3", title="3", abstract=".", origins=(Origin("x.txt", 7),)),
    ]
    stats = digest_stats(config, papers)
    assert stats.per_topic == [("a", 1, 1), ("b", 1, 2)]
    assert (stats.papers, stats.with_code, stats.unsorted, stats.undated) == (3, 1, 1, 2)
    assert stats.per_month == [("2024-01", 1)]
    assert stats.per_source == [("x.txt", 3), ("y.txt", 1)]
    assert format_stats(stats) == (
        "3 papers, 1 with code (33%), 1 unsorted\n\n"
        "topic  primary    all\n"
        "a            1      1\n"
        "b            1      2\n\n"
        "month    papers\n"
        "2024-01       1\n"
        "undated       2\n\n"
        "source  records\n"
        "x.txt         3\n"
        "y.txt         1\n"
    )
