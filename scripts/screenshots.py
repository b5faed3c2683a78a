"""Take the README's screenshots from the real built site: `make screenshots`.

Serves site/ on a loopback port, opens pages in headless Chromium and writes
PNGs into screenshots/. Build the site first (`make site`).
"""

from __future__ import annotations

import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SHOTS = {"home.png": "", "topic.png": "digest/kv-cache/"}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main() -> None:
    """Write one PNG per page in SHOTS."""
    site = ROOT / "site"
    if not (site / "index.html").is_file():
        sys.exit("Build the site first: make site")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, path in SHOTS.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / name))
                print(f"wrote screenshots/{name}")
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
