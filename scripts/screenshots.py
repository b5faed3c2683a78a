"""Take the README's screenshots from the real built site: `make screenshots`.

Serves site/ on a loopback port, opens pages in headless Chromium (a
desktop window, and a phone: 390×844, touch) in light and dark mode, and
writes PNGs into screenshots/. Build the site first (`make site`).

The bundled listings give no author names or arXiv ids, so the entry shots
come from the golden test digest (tests/fixtures/golden_digest: papers from
JSONL with authors, arXiv ids, a DOI, the curator's notes), built here with
`digest build` in a temporary folder.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
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
    # "menu" opens the phone's navigation drawer; "#id" scrolls that element to the top,
    # and "#id cite" opens the Cite block of that entry too.
    show: str = ""
    site: str = "bundled"  # or "golden": the golden test digest, whose papers have authors


SHOTS = [
    Shot("home.png", ""),
    Shot("topic.png", "digest/kv-cache/"),
    Shot("phone-menu.png", "", phone=True, show="menu"),
    Shot("phone-code.png", "digest/papers-with-code/", phone=True, show="#papers-with-code"),
    Shot("phone-chart.png", "", phone=True, dark=True, show="#digest-chart"),
    Shot("dark-chart.png", "", dark=True, show="#digest-chart"),
    Shot("entry.png", "digest/inference/", show="#pi0-a-vision-language-action-flow-model-for-general-robot cite", site="golden"),
    Shot("picks.png", "", show="#digest-picks", site="golden"),
]


def _show(page: Page, show: str) -> None:
    if show == "menu":
        page.locator("label.md-header__button[for=__drawer]").click()
        page.wait_for_timeout(400)  # the drawer slides in
    elif show.startswith("#"):
        anchor, _, action = show.partition(" ")
        # Scrolled to the top, then down by the header's height, which would cover it.
        page.locator(anchor).evaluate("element => { element.scrollIntoView({block: 'start'}); window.scrollBy(0, -64); }")
        if action == "cite":
            page.locator(f"{anchor} + .digest-entry details.digest-cite summary").click()
        page.wait_for_timeout(300)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _build_golden(folder: Path) -> Path:
    """Build the golden test digest in folder and return its site."""
    root = folder / "golden"
    shutil.copytree(ROOT / "tests" / "fixtures" / "golden_digest", root)
    subprocess.run([sys.executable, "-m", "generator", "build"], cwd=root, check=True, capture_output=True)
    return root / "site"


def main() -> None:
    """Write one PNG per shot in SHOTS."""
    site = ROOT / "site"
    if not (site / "index.html").is_file():
        sys.exit("Build the site first: make site")
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        servers = {"bundled": _serve(site), "golden": _serve(_build_golden(Path(folder)))}
        try:
            _take(servers, out)
        finally:
            for server, _ in servers.values():
                server.shutdown()


def _take(servers: dict[str, tuple[ThreadingHTTPServer, str]], out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        for shot in SHOTS:
            # Material's palette follows prefers-color-scheme, as a reader's browser sets it.
            page = browser.new_page(**(PHONE if shot.phone else DESKTOP), color_scheme="dark" if shot.dark else "light")
            page.goto(servers[shot.site][1] + shot.path)
            page.wait_for_load_state("networkidle")
            _show(page, shot.show)
            page.screenshot(path=str(out / shot.name))
            page.close()
            print(f"wrote screenshots/{shot.name}")
        browser.close()

if __name__ == "__main__":
    main()
