"""Spread a stage's pure work over the machine's cores, results in input order.

Workers are forked, so they inherit the function and everything it reads
(the corpus, a matrix) without copying or pickling it; only each part and its
result cross between processes. Forking is only safe in a process with one
thread, and only on Linux is it Python's default (macOS system libraries are
not fork-safe), so anywhere else (``mkdocs serve`` runs a server thread;
macOS, Windows) the parts run one after another in this process. The results
are the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

Part = TypeVar("Part")
Result = TypeVar("Result")

# Below this many papers, starting workers costs more than it saves.
MIN_PAPERS = 2000

# The function the forked workers run; set only while a pool is open.
_function: Callable[[Any], Any] | None = None


def worker_count() -> int:
    """Return how many processes may run parts at once (1 when forking is not safe)."""
    if (
        # Elsewhere (macOS) a forked child can hang in system libraries.
        not sys.platform.startswith("linux")
        or threading.active_count() > 1
        or multiprocessing.current_process().daemon  # a worker cannot have workers
    ):
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_parts(
    function: Callable[[Part], Result], parts: Sequence[Part], papers: int = MIN_PAPERS
) -> list[Result]:
    """Return ``[function(part) for part in parts]``, computed by forked workers when there are cores to spare.

    ``papers`` is the size of the corpus the work is about: small ones run here.
    """
    workers = min(worker_count(), len(parts)) if papers >= MIN_PAPERS else 1
    if workers < 2:
        return [function(part) for part in parts]
    with _fork_pool(function, workers) as pool:
        # imap hands results (and errors) back in order, so a failing
        # build reports the same error whichever worker finished first.
        return list(pool.imap(_call, parts, chunksize=1))


def _fork_pool(function: Callable[..., Any], workers: int) -> Any:
    """Fork a pool of workers that hold function (the pool forks them as it starts)."""
    global _function
    _function = function
    try:
        return multiprocessing.get_context("fork").Pool(workers)
    finally:
        _function = None


def _call(part: Any) -> Any:
    assert _function is not None
    return _function(part)


def _run() -> Any:
    assert _function is not None
    return _function()


def split(items: Sequence[Part], count: int) -> list[Sequence[Part]]:
    """Cut items into at most count runs of consecutive items of about equal length."""
    count = max(1, min(count, len(items)))
    bounds = [len(items) * i // count for i in range(count + 1)]
    return [items[lo:hi] for lo, hi in zip(bounds, bounds[1:])]


class Background(Generic[Result]):
    """A pure computation started in a forked worker now and collected later.

    Like map_parts it runs in this process instead (at once) when forking is
    not safe or the corpus is small.
    """

    def __init__(self, function: Callable[[], Result], papers: int = MIN_PAPERS) -> None:
        self._pool: Any = None
        if papers < MIN_PAPERS or worker_count() < 2:
            self._value = function()
            return
        self._pool = _fork_pool(function, 1)
        self._pending = self._pool.apply_async(_run)

    def result(self) -> Result:
        """Wait for the computation and return its value (or raise its error)."""
        if self._pool is not None:
            try:
                self._value = self._pending.get()
            finally:
                self.cancel()
        return self._value

    def cancel(self) -> None:
        """Stop the worker, if one is still running."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
