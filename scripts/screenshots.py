"""Take the README's screenshots from the real built site: `make screenshots`.

Serves site/ on a loopback port, opens pages in headless Chromium (a
desktop window, and a phone: 390×844, touch) in light and dark mode, and
writes PNGs into screenshots/. Build the site first (`make site`).
"""

from __future__ import annotations

import functools
import sys
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@dataclass(frozen=True)
class Shot:
    """A screenshot: the file, the page, phone or desktop, light or dark, and what to show first."""

    name: str
    path: str
    phone: bool = False
    dark: bool = False
    # "menu" opens the phone's navigation drawer; "#id" scrolls that element to the top.
    show: str = ""


SHOTS = [
    Shot("home.png", ""),
    Shot("topic.png", "digest/kv-cache/"),
    Shot("phone-menu.png", "", phone=True, show="menu"),
    Shot("phone-code.png", "digest/papers-with-code/", phone=True, show="#papers-with-code"),
    Shot("phone-chart.png", "", phone=True, dark=True, show="#digest-chart"),
    Shot("dark-chart.png", "", dark=True, show="#digest-chart"),
]


def _show(page: Page, show: str) -> None:
    if show == "menu":
        page.locator("label.md-header__button[for=__drawer]").click()
        page.wait_for_timeout(400)  # the drawer slides in
    elif show.startswith("#"):
        page.locator(show).evaluate("element => element.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(200)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main() -> None:
    """Write one PNG per shot in SHOTS."""
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
            for shot in SHOTS:
                # Material's palette follows prefers-color-scheme, as a reader's browser sets it.
                page = browser.new_page(**(PHONE if shot.phone else DESKTOP), color_scheme="dark" if shot.dark else "light")
                page.goto(base + shot.path)
                page.wait_for_load_state("networkidle")
                _show(page, shot.show)
                page.screenshot(path=str(out / shot.name))
                page.close()
                print(f"wrote screenshots/{shot.name}")
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
