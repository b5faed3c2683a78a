"""Measure Material's search on a built site in headless Chromium.

    python benchmarks/search_browser.py SITE_DIR [--query WORD] [--repeat 3]

Serves SITE_DIR on a free loopback port (gzip-compressing text as GitHub Pages
and most hosts do), opens the home page in a fresh browser context, enters the
query into the search box and waits for the first result. Reports the bytes
the server sent (gzip, as transferred) and their raw size, the search index's
share of both (everything under search/), the milliseconds from navigation
start to the first result, and the bytes sent when the query is typed key by
key instead.
"""

from __future__ import annotations

import argparse
import gzip
import json
import mimetypes
import statistics
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt", ".map")
# Records when the first result shows, in page time (ms since navigation start).
FIRST_RESULT_PROBE = """
new MutationObserver((_, observer) => {
  if (document.querySelector('.md-search-result__item')) {
    window.__firstResult = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true});
"""


@dataclass
class Served:
    """What the loopback server sent: (path, bytes sent, raw bytes) per response."""

    responses: list[tuple[str, int, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@lru_cache(maxsize=256)
def _gzipped(path: str, mtime: float) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6)


def make_handler(root: Path, served: Served, compress: bool) -> type[SimpleHTTPRequestHandler]:
    """Return a request handler serving root that records every body it sends."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                if not self.path.split("?")[0].endswith("/"):
                    return super().do_GET()
                path = path / "index.html"
            if not path.is_file():
                return super().do_GET()
            raw = path.read_bytes()
            body = raw
            gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
            if compress and gzip_ok and path.suffix in COMPRESSIBLE:
                body = _gzipped(str(path), path.stat().st_mtime)
            self.send_response(200)
            self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if body is not raw:
                self.send_header("Content-Encoding", "gzip")
            self.end_headers()
            self.wfile.write(body)
            with served.lock:
                served.responses.append((self.path, len(body), len(raw)))

    return Handler


def serve(root: Path, compress: bool = True) -> tuple[ThreadingHTTPServer, Served]:
    """Start a loopback server for root on a free port in a thread."""
    served = Served()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(root, served, compress))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, served


def _search_once(browser: Any, url: str, query: str, typed: bool, timeout_s: float) -> tuple[float, int]:
    """Open the home page in a fresh context and search; return ms to first result and results shown.

    Typed: one key at a time, 120 ms apart, as a person types (every prefix is
    a query). Otherwise the query is set in one step and one key is released,
    as after a paste, so Playwright's per-key overhead is not timed.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(FIRST_RESULT_PROBE)
    page = context.new_page()
    page.goto(url, wait_until="commit")
    box = page.locator("input.md-search__input")
    box.click(timeout=timeout_s * 1000)
    if typed:
        box.press_sequentially(query, delay=120)
    else:
        box.fill(query)
        box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=timeout_s * 1000)
    first_ms = page.evaluate("window.__firstResult || performance.now()")
    results = page.locator(".md-search-result__item").count()
    page.wait_for_timeout(500)  # let in-flight requests finish before counting
    context.close()
    return first_ms, results


def _sent(served: Served, start: int, part: str = "") -> tuple[int, int]:
    """Bytes sent (as transferred, raw) for responses since start whose path has part."""
    with served.lock:
        picked = [r for r in served.responses[start:] if part in r[0]]
    return sum(r[1] for r in picked), sum(r[2] for r in picked)


def measure_once(site: Path, query: str, timeout_s: float = 120.0) -> dict[str, Any]:
    """Load the home page cold, search for query, return bytes and time to first result.

    A second cold load types the query key by key, to show what searching as
    you type transfers.
    """
    from playwright.sync_api import sync_playwright

    server, served = serve(site)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                first_ms, results = _search_once(browser, url, query, False, timeout_s)
                requests = len(served.responses)
                transferred, raw = _sent(served, 0)
                index, index_raw = _sent(served, 0, "/search/")
                _search_once(browser, url, query, True, timeout_s)
                typed, _ = _sent(served, requests)
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {
        "query": query,
        "first_result_ms": round(first_ms, 1),
        "results_shown": results,
        "requests": requests,
        "transferred_bytes": transferred,
        "raw_bytes": raw,
        "index_transferred_bytes": index,
        "index_raw_bytes": index_raw,
        "typed_transferred_bytes": typed,
    }


def measure(site: Path, query: str = "quantization", repeat: int = 3) -> dict[str, Any]:
    """Run measure_once repeat times; return the medians and every run."""
    runs = [measure_once(site, query) for _ in range(repeat)]
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "query"}
    return {"query": query, "median": median, "runs": runs}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site folder")
    parser.add_argument("--query", default="quantization", help="what to type into the search box")
    parser.add_argument("--repeat", type=int, default=3, help="how many cold runs (median reported)")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.site, args.query, args.repeat), indent=2))


if __name__ == "__main__":
    main()
