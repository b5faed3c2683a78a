"""Work spread over forked workers gives the same results as run in this process."""

from __future__ import annotations

import pytest

from generator import parallel, related, topics
from generator.config import Topic
from generator.models import Origin, Paper
from generator.parallel import map_parts, split

from .conftest import assert_forked


def test_split_keeps_order_and_every_item():
    runs = split(range(10), 3)
    assert [list(run) for run in runs] == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    assert split([1, 2], 5) == [[1], [2]]
    assert split([], 4) == [[]]


def test_map_parts_returns_results_in_order_from_forked_workers(forked_pools):
    import os

    offset = 100  # read from the forked workers' copy of this frame
    assert map_parts(lambda n: n + offset, range(7), papers=parallel.MIN_PAPERS) == list(range(100, 107))
    pids = map_parts(lambda n: os.getpid(), range(4), papers=parallel.MIN_PAPERS)
    assert os.getpid() not in pids
    assert_forked(forked_pools)


def test_map_parts_runs_small_work_in_this_process():
    import os

    assert map_parts(lambda n: os.getpid(), range(4), papers=parallel.MIN_PAPERS - 1) == [os.getpid()] * 4


def test_map_parts_raises_what_a_part_raises():
    def fail(n: int) -> int:
        raise ValueError(f"part {n}")

    with pytest.raises(ValueError, match="part 0"):
        map_parts(fail, [0, 1], papers=parallel.MIN_PAPERS)


def _corpus(n: int) -> list[Paper]:
    words = ["cache", "kernel", "quantization", "serving", "sparse", "attention", "decoding", "memory"]
    papers = []
    for i in range(n):
        title = f"SnapKV{i % 7}: {words[i % 8]} and {words[(i * 3) % 8]} for models"
        abstract = " ".join(words[(i + j) % 8] for j in range(i % 5 + 3)) + f" with FastX{i % 11}."
        papers.append(Paper(key=f"k{i}", id=f"p{i:03d}", title=title, abstract=abstract, origins=(Origin("a.txt", i + 1),)))
    return papers


def test_relate_and_classify_are_the_same_in_workers(monkeypatch, forked_pools):
    papers = _corpus(120)
    taxonomy = (
        Topic(id="kv", title="KV", match=("cache", "memory")),
        Topic(id="kernels", title="Kernels", match=("kernel",), regex=r"sparse\s+attention"),
    )
    monkeypatch.setattr(related, "CHUNK_NONZEROS", 50)  # many chunks, so many parts
    monkeypatch.setattr(parallel, "MIN_PAPERS", 10**9)
    alone = (related.relate(papers, 5), topics.classify(papers, taxonomy))
    monkeypatch.setattr(parallel, "MIN_PAPERS", 1)
    spread = (related.relate(papers, 5), topics.classify(papers, taxonomy))
    assert_forked(forked_pools)
    assert spread == alone
    assert list(spread[0]) == list(alone[0])


def test_the_whole_digest_is_the_same_built_by_workers(monkeypatch, forked_pools):
    from generator.config import load_config
    from generator.pipeline import load_digest

    from .conftest import PROJECT

    config = load_config(PROJECT / "digest.yml")
    monkeypatch.setattr(parallel, "MIN_PAPERS", 10**9)
    alone = load_digest(config)
    forked_pools.clear()
    monkeypatch.setattr(parallel, "MIN_PAPERS", 1)
    spread = load_digest(config)
    assert_forked(forked_pools)
    assert spread.files == alone.files
    assert spread.report.to_json() == alone.report.to_json()


def test_background_gives_its_value_or_its_error_forked_or_not(monkeypatch, forked_pools):
    import os

    values = list(range(5))  # read from the forked worker's copy of this frame
    for papers in (1, parallel.MIN_PAPERS):
        assert parallel.Background(lambda: [v * 2 for v in values], papers=papers).result() == [0, 2, 4, 6, 8]
    assert parallel.Background(os.getpid, papers=1).result() == os.getpid()
    assert parallel.Background(os.getpid, papers=parallel.MIN_PAPERS).result() != os.getpid()
    assert_forked(forked_pools)

    def fail() -> None:
        raise ValueError("no index")

    for papers in (1, parallel.MIN_PAPERS):
        with pytest.raises(ValueError, match="no index"):
            parallel.Background(fail, papers=papers).result()
