"""Shared fixtures of the site tests: a browser page that has loaded the search worker's scripts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from ..conftest import CHROMIUM, CHROMIUM_FLAGS, PROJECT

ASSETS = PROJECT / "generator" / "site" / "assets"


@pytest.fixture(scope="module")
def worker_page() -> Iterator[Page]:
    """A page that has loaded the stemmer, the word rules and the search worker, so their functions can be called."""
    assert Path(CHROMIUM).exists(), "install Chromium: apt-get install -y chromium (make test does it)"
    with sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        # The worker resolves its index folder against its own address: give it one, served from here.
        page.route("http://digest.test/**", lambda route: route.fulfill(body="<!doctype html><title>t</title>", content_type="text/html"))
        page.goto("http://digest.test/search/worker.html")
        for script in ("snowball-english.js", "search-words.js", "search-worker.js"):
            page.add_script_tag(content=(ASSETS / script).read_text(encoding="utf-8"))
        yield page
        browser.close()
