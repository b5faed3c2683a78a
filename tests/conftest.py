"""Shared fixtures: write a {path: text} dict into a temporary folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import executor

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).parent.parent
# The browser tests drive Debian's Chromium, headless.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write each {relative path: content} under root and return root."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Return a function that writes files into tmp_path."""
    return lambda files: write_files(tmp_path, files)


def read_source(path: Path, year: int | None = None):  # type: ignore[no-untyped-def]
    """Decode and read one fixture listing, asserting it decodes cleanly."""
    from generator.sources import decode_listing, read_listing

    text, warnings = decode_listing(path.read_bytes(), path.name)
    assert warnings == []
    return read_listing(text, path.name, year)


def copy_project(target: Path) -> Path:
    """Copy the bundled digest (config, docs, sources) into target."""
    for name in ("mkdocs.yml", "digest.yml"):
        shutil.copy(PROJECT / name, target / name)
    shutil.copytree(PROJECT / "data", target / "data")
    shutil.copytree(PROJECT / "docs", target / "docs", ignore=shutil.ignore_patterns("digest"))
    return target


def run_digest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled digest, built once with --strict and a report."""
    root = copy_project(tmp_path_factory.mktemp("bundled"))
    result = run_digest(root, "build", "--strict", "--report", "report.json")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def forked_pools(monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    """Record the worker pids of every pool the code forks; skip where workers cannot be forked.

    A test that says it runs "in forked workers" asserts this list is not
    empty, so it cannot pass by quietly running everything in one process.
    """
    if executor.worker_count() < 2:
        pytest.skip("this process cannot fork workers (one core, or threads running)")
    pools: list[set[int]] = []
    fork_pool = executor._fork_pool

    def recording(function, workers):  # type: ignore[no-untyped-def]
        pool = fork_pool(function, workers)
        pools.append({process.pid for process in pool._pool})
        return pool

    monkeypatch.setattr(executor, "_fork_pool", recording)
    return pools


def assert_forked(pools: list[set[int]]) -> None:
    """Assert that worker processes other than this one did the work."""
    import os

    assert pools, "no worker pool was forked"
    assert all(pids and os.getpid() not in pids for pids in pools)
