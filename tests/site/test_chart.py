"""The papers-per-month chart: SVG with a text alternative, at most ten years wide."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from generator.site.chart import monthly_chart


def test_chart_is_svg_with_a_text_alternative():
    svg = monthly_chart(
        {"2024-01": {"a": 2, "b": 1}, "2024-03": {"a": 1}},
        [("a", "Topic <A>"), ("b", "B")],
        "Papers per month",
    )
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == "Papers per month"
    assert root.find(f"{ns}desc").text == (
        "4 dated papers from 2024-01 to 2024-03; the busiest month is 2024-01 with 3 papers."
    )
    bars = [r for r in root.iter(f"{ns}rect") if r.find(f"{ns}title") is not None]
    assert [b.find(f"{ns}title").text for b in bars] == ["2024-01: 2", "2024-01: 1", "2024-03: 1"]
    assert "Topic &lt;A&gt;" in svg


def test_chart_without_dates():
    root = ET.fromstring(monthly_chart({}, [], "Empty"))
    assert root.find("{http://www.w3.org/2000/svg}desc").text == "No dated papers yet."


def test_the_chart_draws_at_most_ten_years_however_old_a_stray_date():
    from generator.site.chart import MAX_MONTHS

    counts = {"0001-01": {"a": 1}, "2023-05": {"a": 2}, "2024-06": {"a": 3}}
    svg = monthly_chart(counts, [("a", "A")], "Chart")
    root = ET.fromstring(svg)
    assert int(root.get("width")) <= 36 + MAX_MONTHS * 24 + 6
    desc = root.find("{http://www.w3.org/2000/svg}desc").text
    assert "5 dated papers from 2014-07 to 2024-06" in desc and "1 paper dated before 2014-07 is not drawn" in desc
