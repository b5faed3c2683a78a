"""The bundled site on a phone (390×844, touch) and in dark mode, in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def test_papers_with_code_shows_host_and_topics_on_a_phone(phone: Page, site_url: str):
    phone.goto(site_url + "digest/papers-with-code/")
    row = phone.locator(".digest-sortable tbody tr").first
    for column in (1, 2, 3, 4, 5):
        box = row.locator(f"td:nth-child({column})").bounding_box()
        assert box is not None and box["width"] > 0
        # On screen: nothing past the right edge, nothing to scroll to.
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, column
    assert row.locator("td:nth-child(4)").evaluate("td => getComputedStyle(td, '::before').content") == '"Host: "'
    # The headers still sort.
    phone.locator(".digest-sortable th", has_text="Date").click()
    assert phone.locator(".digest-sortable th", has_text="Date").get_attribute("data-order") in ("asc", "desc")


def test_the_phone_menu_lists_papers_with_code_and_new_papers_beside_topics(phone: Page, site_url: str):
    phone.goto(site_url)
    phone.locator("label.md-header__button[for=__drawer]").click()
    top = phone.locator("nav.md-nav--primary > ul.md-nav__list > li.md-nav__item")
    labels = [" ".join(text.split()) for text in top.all_inner_texts()]
    assert "Papers with code" in labels and "New papers" in labels
    assert any(label.startswith("Topics") for label in labels)
    assert phone.get_by_role("link", name="Papers with code", exact=True).first.is_visible()


def test_the_chart_legend_stays_readable_at_phone_width(phone: Page, site_url: str):
    # The SVG alone, as wide as the home page shows it on a phone.
    phone.set_viewport_size({"width": 358, "height": 844})
    phone.goto(site_url + "digest/chart.svg")
    heights = phone.locator(".legend text").evaluate_all("texts => texts.map(t => t.getBoundingClientRect().height)")
    assert heights and min(heights) >= 10, heights
    phone.set_viewport_size({"width": 720, "height": 844})
    assert phone.locator(".legend text").first.evaluate("t => getComputedStyle(t).fontSize") == "14px"


def test_the_chart_follows_dark_mode_without_a_white_box(browser: Browser, site_url: str):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(site_url)
        assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
        chart = page.locator("img.digest-chart")
        style = chart.evaluate("img => [getComputedStyle(img).colorScheme, getComputedStyle(img).backgroundColor]")
        assert style == ["dark", "rgba(0, 0, 0, 0)"]
        # The SVG's text is light on the dark page (its own prefers-color-scheme rule).
        page.goto(site_url + "digest/chart.svg")
        fill = page.locator(".legend text").first.evaluate("t => getComputedStyle(t).fill")
        assert fill == "rgb(221, 221, 221)"
    finally:
        context.close()

