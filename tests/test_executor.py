"""Work spread over forked workers gives the same results as run in this process."""

from __future__ import annotations

import pytest

from generator import executor
from generator.config import Topic
from generator.enrich import related, topics
from generator.executor import MIN_PAPERS, SERIAL, ForkExecutor, choose_executor, split
from generator.models import Origin, Paper

from .conftest import another_thread, assert_forked


def test_split_keeps_order_and_every_item():
    runs = split(range(10), 3)
    assert [list(run) for run in runs] == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    assert split([1, 2], 5) == [[1], [2]]
    assert split([], 4) == [[]]


def test_map_parts_returns_results_in_order_from_forked_workers(forked_pools):
    import os

    offset = 100  # read from the forked workers' copy of this frame
    assert ForkExecutor().map(lambda n: n + offset, range(7)) == list(range(100, 107))
    pids = ForkExecutor().map(lambda n: os.getpid(), range(4))
    assert os.getpid() not in pids
    assert_forked(forked_pools)


def test_map_parts_runs_small_work_in_this_process():
    import os

    assert choose_executor(MIN_PAPERS - 1).map(lambda n: os.getpid(), range(4)) == [os.getpid()] * 4


def test_map_parts_raises_what_a_part_raises():
    def fail(n: int) -> int:
        raise ValueError(f"part {n}")

    with pytest.raises(ValueError, match="part 0"):
        choose_executor(MIN_PAPERS).map(fail, [0, 1])


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
    alone = (related.relate(papers, 5, SERIAL), topics.classify(papers, taxonomy, SERIAL))
    spread = (related.relate(papers, 5, ForkExecutor()), topics.classify(papers, taxonomy, ForkExecutor()))
    assert_forked(forked_pools)
    assert spread == alone
    assert list(spread[0]) == list(alone[0])


def test_the_whole_digest_is_the_same_built_by_workers(forked_pools):
    from generator.config import load_config
    from generator.pipeline import load_digest

    from .conftest import PROJECT

    config = load_config(PROJECT / "digest.yml")
    alone = load_digest(config, executor=SERIAL)
    forked_pools.clear()
    spread = load_digest(config, executor=ForkExecutor())
    assert_forked(forked_pools)
    assert spread.files == alone.files
    assert spread.report.to_json() == alone.report.to_json()


def test_background_gives_its_value_or_its_error_forked_or_not(forked_pools):
    import os

    values = list(range(5))  # read from the forked worker's copy of this frame
    for papers in (1, MIN_PAPERS):
        assert choose_executor(papers).background(lambda: [v * 2 for v in values]).result() == [0, 2, 4, 6, 8]
    assert choose_executor(1).background(os.getpid).result() == os.getpid()
    assert choose_executor(MIN_PAPERS).background(os.getpid).result() != os.getpid()
    assert_forked(forked_pools)

    def fail() -> None:
        raise ValueError("no index")

    for papers in (1, MIN_PAPERS):
        with pytest.raises(ValueError, match="no index"):
            choose_executor(papers).background(fail).result()


def test_a_worker_never_forks_workers_of_its_own(forked_pools):
    import os

    # A part that maps again runs its own parts in the worker, not in a pool of its own.
    pids = ForkExecutor().map(lambda n: ForkExecutor().map(lambda m: os.getpid(), range(3)), range(2))
    assert all(len(set(inner)) == 1 and os.getpid() not in inner for inner in pids)
    assert len(forked_pools) == 1
    assert executor.worker_count() >= 2  # the test process itself still may


def test_the_build_without_the_gc_pause_is_the_same():
    from generator.config import load_config
    from generator.pipeline import build_digest, load_sources

    from .conftest import PROJECT

    config = load_config(PROJECT / "digest.yml")
    sources, _ = load_sources(config)
    paused, plain = build_digest(config, sources), build_digest.__wrapped__(config, sources)  # type: ignore[attr-defined]
    assert paused.files == plain.files and paused.overview == plain.overview


def test_stopping_the_workers_never_hangs_under_the_command_lines_signal_handler():
    """`digest generate` hung now and then (1 run in 50 at 2,000 papers) when a pool stopped its workers.

    The pool stops them with SIGTERM; the CLI's Python handler, inherited by
    the workers, could miss it in one about to wait on the queue's lock, or
    in one forked a moment before. Old code hung within 300 pools here, every
    time; workers that only reset the handler, within about 1,500.
    """
    import os
    import signal
    import subprocess
    import sys

    if executor.worker_count() < 2:
        pytest.skip("this process cannot fork workers (one core, or threads running)")
    script = (
        "import os, signal\n"
        "from generator import cli\n"
        "from generator.executor import ForkExecutor\n"
        "cli._main_pid = os.getpid()\n"
        "signal.signal(signal.SIGTERM, cli._on_termination)\n"
        "for _ in range(1000):\n"
        "    assert ForkExecutor().map(abs, range(-2, 2)) == [2, 1, 0, 1]\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], start_new_session=True, stderr=subprocess.PIPE, text=True)
    try:
        _, errors = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the process and the workers it left waiting
        process.communicate()
        raise AssertionError("stopping a pool of workers hung") from None
    assert process.returncode == 0, errors


def test_workers_start_with_the_stopping_signals_held_until_they_can_stop(monkeypatch, forked_pools):
    """A SIGTERM sent to a worker the moment after it is forked waits until it would end it, not its parent's handler."""
    import signal

    seen: dict[str, object] = {}
    start = executor._start_worker

    def recording(function):  # type: ignore[no-untyped-def]
        seen["mask"] = signal.pthread_sigmask(signal.SIG_BLOCK, [])  # in the worker, before it starts
        start(function)

    monkeypatch.setattr(executor, "_start_worker", recording)
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)  # as the CLI's handler
    try:
        states = ForkExecutor().map(
            lambda _: (seen["mask"], signal.getsignal(signal.SIGTERM), signal.pthread_sigmask(signal.SIG_BLOCK, [])),
            range(2),
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert_forked(forked_pools)
    for at_start, handler, mask in states:
        assert signal.SIGTERM in at_start and signal.SIGHUP in at_start
        assert handler == signal.SIG_DFL and signal.SIGTERM not in mask and signal.SIGHUP not in mask
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])  # this process takes it again


def test_with_threads_running_a_picklable_job_runs_in_a_fresh_process_else_here():
    """`digest serve` runs threads, so it may not fork: a picklable job still gets a process of its own."""
    import os

    if not executor._can_spawn():
        pytest.skip("one core: no process of its own")
    with another_thread():
        assert executor.worker_count() == 1
        spawned = ForkExecutor().background(os.getpid, picklable=True)
        assert isinstance(spawned, executor._Spawned)
        assert spawned.result() != os.getpid()
        assert ForkExecutor().background(os.getpid).result() == os.getpid()  # not picklable: here, at once
        with pytest.raises(ZeroDivisionError):
            ForkExecutor().background(_divide_by_zero, picklable=True).result()


def _divide_by_zero() -> float:
    return 1 / 0
