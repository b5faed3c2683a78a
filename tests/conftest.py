"""Shared fixtures: write a {path: text} dict into a temporary folder."""

from __future__ import annotations

import functools
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

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


def free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch_text(url: str) -> str | None:
    """Return the text at a loopback URL, or None while nothing answers there."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for_text(url: str, needle: str, seconds: float) -> str | None:
    """Return the text at url once it holds needle, or None after that many seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = fetch_text(url)
        if body is not None and needle in body:
            return body
        time.sleep(0.3)
    return None


@contextmanager
def digest_serve(cwd: Path, log: Path) -> Iterator[int]:
    """Run `digest serve` in cwd on a free loopback port (its output in log); yield the port, then stop it."""
    port = free_port()
    with log.open("wb") as stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=cwd, stdout=stream, stderr=subprocess.STDOUT,
        )
        try:
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


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


@contextmanager
def another_thread() -> Iterator[None]:
    """Run a second thread meanwhile (as `digest serve`'s web server does), so this process may not fork."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def assert_forked(pools: list[set[int]]) -> None:
    """Assert that worker processes other than this one did the work."""
    import os

    assert pools, "no worker pool was forked"
    assert all(pids and os.getpid() not in pids for pids in pools)


# Browser tests: one Chromium per test module, a fresh context per test, the
# built sites served on loopback ports.
HOSTILE = FIXTURES / "listings" / "hostile.txt"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve_site(site: Path) -> Iterator[str]:
    """Serve a built site on a loopback port; yield its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def site_url(bundled: Path) -> Iterator[str]:
    yield from serve_site(bundled / "site")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "install Chromium: apt-get install -y chromium (make test does it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    yield page
    context.close()
    assert errors == []


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    assert run_digest(root, "new", str(root / "d")).returncode == 0
    root = root / "d"
    shutil.rmtree(root / "data" / "sources")
    (root / "data" / "sources").mkdir()
    shutil.copy(HOSTILE, root / "data" / "sources" / "hostile.txt")
    (root / "data" / "sources" / "long.txt").write_text(
        "SubscribeA Paper With A Very Long Abstract\n" + "word " * 20_000 + "\n", encoding="utf-8"
    )
    result = run_digest(root, "build", "--report", "report.json")
    assert result.returncode == 0, result.stderr
    return root
