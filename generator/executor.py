"""Run a stage's pure work in forked workers or in this process, with the same results.

The pipeline chooses one executor per build (:func:`choose_executor`) and
hands it to every stage that can spread its work; tests hand in the one they
want. An executor maps a function over parts (results in input order) and
runs one computation in the background.

Workers are forked, so they inherit the function and everything it reads
(the corpus, a matrix) without copying or pickling it; only each part and its
result cross between processes. Forking is only safe in a process with one
thread, and only on Linux is it Python's default (macOS system libraries are
not fork-safe), so anywhere else (``mkdocs serve`` runs a server thread;
macOS, Windows) a ForkExecutor runs the parts one after another in this
process. The results are the same either way.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, ParamSpec, Protocol, TypeVar

Part = TypeVar("Part")
Result = TypeVar("Result")
Result_co = TypeVar("Result_co", covariant=True)
Arguments = ParamSpec("Arguments")

# Below this many papers, starting workers costs more than it saves.
MIN_PAPERS = 2000


class Pending(Protocol[Result_co]):
    """A computation started by Executor.background."""

    def result(self) -> Result_co:
        """Wait for the computation and return its value (or raise its error)."""

    def cancel(self) -> None:
        """Stop the computation, if it is still running."""


class Executor(Protocol):
    """Where a stage's parts are worked out: in this process or in forked workers."""

    def map(self, function: Callable[[Part], Result], parts: Sequence[Part]) -> list[Result]:
        """Return ``[function(part) for part in parts]``."""

    def background(self, function: Callable[[], Result], *, picklable: bool = False) -> Pending[Result]:
        """Start ``function()`` and return a handle to collect its value later.

        ``picklable``: the function and what it holds can be pickled, so it may
        run in a fresh worker process where forking is not safe.
        """


class Done(Generic[Result]):
    """A background computation that ran at once, in this process."""

    def __init__(self, value: Result) -> None:
        self._value = value

    def result(self) -> Result:
        """Return the value worked out when the computation started."""
        return self._value

    def cancel(self) -> None:
        """Do nothing: the computation is done."""


class SerialExecutor:
    """Work everything out in this process, one part after another."""

    def map(self, function: Callable[[Part], Result], parts: Sequence[Part]) -> list[Result]:
        """Return ``[function(part) for part in parts]``, worked out here."""
        return [function(part) for part in parts]

    def background(self, function: Callable[[], Result], *, picklable: bool = False) -> Pending[Result]:
        """Work ``function()`` out at once, here."""
        return Done(function())


class ForkExecutor:
    """Work parts out in forked workers when there are cores to spare and forking is safe, else here."""

    def map(self, function: Callable[[Part], Result], parts: Sequence[Part]) -> list[Result]:
        """Return ``[function(part) for part in parts]``, worked out by as many workers as there are cores."""
        workers = min(worker_count(), len(parts))
        if workers < 2:
            return [function(part) for part in parts]
        with _fork_pool(function, workers) as pool:
            # imap hands results (and errors) back in order, so a failing
            # build reports the same error whichever worker finished first.
            return list(pool.imap(_call, parts, chunksize=1))

    def background(self, function: Callable[[], Result], *, picklable: bool = False) -> Pending[Result]:
        """Start ``function()`` in a forked worker; where forking is not safe, in a fresh worker process if it is ``picklable``; else here, at once."""
        if worker_count() >= 2:
            return _Forked(function)
        if picklable and _can_spawn():
            return _Spawned(function)
        return Done(function())


SERIAL = SerialExecutor()


def choose_executor(papers: int) -> Executor:
    """Return the executor for a corpus of this many papers: forked workers pay off only for large ones."""
    return ForkExecutor() if papers >= MIN_PAPERS else SERIAL


def worker_count() -> int:
    """Return how many processes may run parts at once (1 when forking is not safe)."""
    if (
        # Elsewhere (macOS) a forked child can hang in system libraries.
        not sys.platform.startswith("linux")
        or threading.active_count() > 1
        or multiprocessing.current_process().daemon  # a worker cannot have workers
    ):
        return 1
    return _cores()


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    """Tell whether this process may fork workers now (see worker_count)."""
    return worker_count() >= 2


def split(items: Sequence[Part], count: int) -> list[Sequence[Part]]:
    """Cut items into at most count runs of consecutive items of about equal length."""
    count = max(1, min(count, len(items)))
    bounds = [len(items) * i // count for i in range(count + 1)]
    return [items[lo:hi] for lo, hi in zip(bounds, bounds[1:])]


class _Forked(Generic[Result]):
    """A computation running in a forked worker, collected later."""

    def __init__(self, function: Callable[[], Result]) -> None:
        self._pool: Any = _fork_pool(function, 1)
        self._pending = self._pool.apply_async(_run)

    def result(self) -> Result:
        """Wait for the worker and return its value (or raise its error)."""
        if self._pool is not None:
            try:
                self._value: Result = self._pending.get()
            finally:
                self.cancel()
        return self._value

    def cancel(self) -> None:
        """Stop the worker, if it is still running."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _can_spawn() -> bool:
    """Tell whether a fresh worker process has a core of its own: forking is unsafe only for threads, as in `digest serve`."""
    return _cores() >= 2 and not multiprocessing.current_process().daemon


class _Spawned(_Forked[Result]):
    """A computation running in a fresh worker process (the "spawn" start method), collected later.

    Where forking this process is not safe (it runs threads: `digest serve`'s
    web server and watcher), a new interpreter runs the function, which
    reaches it pickled with what it holds.
    """

    def __init__(self, function: Callable[[], Result]) -> None:
        self._pool = multiprocessing.get_context("spawn").Pool(1)
        self._pending = self._pool.apply_async(function)


# The signals that stop a worker; see _start_worker.
_STOPPING = {getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)}


def _fork_pool(function: Callable[..., Any], workers: int) -> Any:
    """Fork a pool of workers that hold function.

    A forked worker gets the pool's arguments without pickling, so the
    function and everything it reads reach it as they are. The workers are
    forked with the stopping signals blocked (a signal sent to this process
    meanwhile waits until they are forked), so that one stopped before it is
    ready still stops (see _start_worker).
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    # The workers' garbage collector leaves what they inherit alone: a
    # collection that visited it would write to every page of it, and the
    # workers would copy what they share with this process.
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker, initargs=(function,))
    finally:
        gc.unfreeze()
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# In a worker: the function its pool was forked for.
_held: Callable[..., Any] | None = None


def _start_worker(function: Callable[..., Any]) -> None:
    """Hold function, and let SIGTERM (and SIGHUP) end this worker at once, even one sent before it got here.

    The pool stops its workers with SIGTERM. A Python handler inherited from
    the parent (the CLI's) runs only between bytecodes, and a worker forked
    the moment before drops it: a worker just forked, or just about to wait
    for its next part on the queue's lock, missed the signal for good, and
    the pool, and `digest generate`, waited for it forever. The signals were
    blocked when the worker was forked, so one sent since is still pending.
    """
    global _held
    _held = function
    for stopping in _STOPPING:
        signal.signal(stopping, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)


def _call(part: Any) -> Any:
    assert _held is not None
    return _held(part)


def _run() -> Any:
    assert _held is not None
    return _held()


def without_cyclic_gc(function: Callable[Arguments, Result]) -> Callable[Arguments, Result]:
    """Pause the cyclic garbage collector while function runs (``function.__wrapped__`` runs without the pause).

    The pipeline builds millions of long-lived objects and few reference
    cycles, so each full collection only rescans them: at 50,000 papers that
    took a fifth of the build. Reference counting still frees everything else.
    """

    @functools.wraps(function)
    def wrapper(*args: Arguments.args, **kwargs: Arguments.kwargs) -> Result:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper
