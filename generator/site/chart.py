"""Draw the papers-per-month chart as a static SVG (no JavaScript, works offline)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from ..config import DigestConfig
from ..models import Paper
from .paging import UNSORTED

# Colour-blind-safe palette (Okabe-Ito, with Tol's wine for its black, which
# a dark page would swallow), then grey for the rest.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#882255")
OTHER_COLOUR = "#999999"
# The drawing is always this wide (in its own units): the page scales it to
# fit, so its text keeps one size whatever the number of months.
WIDTH = 720
BAR_WIDTH = 18
GAP = 6
HEIGHT = 180
LEFT = 36
TOP = 12
LEGEND_ROW = 30
# Month labels at least this far apart, so they never overlap.
LABEL_SPACING = 76
# The chart draws at most the last ten years of months: one stray date in
# year 1 would otherwise squeeze every bar to nothing. The table beside it
# on the home page still lists every month.
MAX_MONTHS = 120
# Inside the SVG, which the page shows as an image: the image follows the
# page's colour scheme (digest.css sets its color-scheme), and on a phone,
# where it is drawn at half size, the text doubles so it stays readable.
STYLE = """
text { fill: #333; font-size: 12px; }
.legend text { font-size: 14px; }
.axis { stroke: #888; }
@media (prefers-color-scheme: dark) { text { fill: #ddd; } }
@media (max-width: 480px) { text { font-size: 20px; } .legend text { font-size: 24px; } }
"""


def digest_chart(config: DigestConfig, papers: Iterable[Paper]) -> str:
    """Return the SVG chart of dated papers per month, stacked by top-level topic."""
    roots = [t.id for t in config.topics if not t.parent]
    root_of = {t.id: t.parent or t.id for t in config.topics}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for paper in papers:
        if paper.published:
            topic = root_of.get(paper.primary_topic or "", UNSORTED.id)
            counts[paper.published.strftime("%Y-%m")][topic] += 1
    totals = Counter(t for c in counts.values() for t in c.elements())
    series = sorted(roots + [UNSORTED.id], key=lambda t: -totals[t])
    labels = {**{t.id: t.title for t in config.topics}, UNSORTED.id: UNSORTED.title}
    return monthly_chart(
        {month: dict(c) for month, c in counts.items()},
        [(t, labels[t]) for t in series if totals[t]],
        f"{config.title}: papers per month by topic",
    )


def monthly_chart(
    counts: dict[str, dict[str, int]], series: list[tuple[str, str]], title: str
) -> str:
    """Return an SVG stacked bar chart: months on x, papers on y, one colour per series.

    ``counts`` maps "YYYY-MM" to {series id: papers}; ``series`` lists (id, label)
    in stacking order. Series past the palette are drawn together as "Other".
    """
    months = _all_months(sorted(counts))[-MAX_MONTHS:]
    earlier = sum(sum(c.values()) for month, c in counts.items() if months and month < months[0])
    shown = series[: len(PALETTE)]
    colours = {sid: PALETTE[i] for i, (sid, _) in enumerate(shown)}
    peak = max((sum(counts.get(m, {}).values()) for m in months), default=0) or 1
    slot = min(BAR_WIDTH + GAP, (WIDTH - LEFT - GAP) / max(len(months), 1))
    bar = _n(slot * 0.75)
    legend = shown + ([("", "Other")] if len(series) > len(shown) else [])
    legend_top = TOP + HEIGHT + 64
    height = legend_top + LEGEND_ROW * len(legend)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family="sans-serif">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(_describe(counts, months, earlier))}</desc>',
        f"<style>{STYLE}</style>",
        f'<line class="axis" x1="{LEFT}" y1="{TOP + HEIGHT}" x2="{WIDTH - GAP}" y2="{TOP + HEIGHT}"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end">{peak}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + HEIGHT}" text-anchor="end">0</text>',
    ]
    every = max(1, math.ceil(LABEL_SPACING / slot))
    for index, month in enumerate(months):
        x = _n(LEFT + GAP + index * slot)
        y = TOP + HEIGHT
        for sid, count in _stack(counts.get(month, {}), shown):
            h = _n(count / peak * HEIGHT)
            y -= h
            fill = colours.get(sid, OTHER_COLOUR)
            label = f"{month}: {count}"
            out.append(
                f'<rect x="{x}" y="{_n(y)}" width="{bar}" height="{h}" fill="{fill}">'
                f"<title>{escape(label)}</title></rect>"
            )
        if index % every == 0:
            out.append(
                f'<text x="{_n(x + bar / 2)}" y="{TOP + HEIGHT + 22}" text-anchor="middle">'
                f"{escape(month)}</text>"
            )
    # One column: a label as long as a topic's title fits, even on a phone.
    out.append('<g class="legend">')
    for index, (sid, label) in enumerate(legend):
        ly = legend_top + index * LEGEND_ROW
        fill = colours.get(sid, OTHER_COLOUR)
        out.append(f'<rect x="{LEFT}" y="{ly - 16}" width="18" height="18" fill="{fill}"/>')
        out.append(f"<text x={quoteattr(str(LEFT + 28))} y={quoteattr(str(ly))}>{escape(label)}</text>")
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _n(value: float) -> float | int:
    """Round a coordinate to two decimals, written without ".0" when whole."""
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def _stack(month_counts: dict[str, int], shown: list[tuple[str, str]]) -> list[tuple[str, int]]:
    ids = {sid for sid, _ in shown}
    stacked = [(sid, month_counts[sid]) for sid, _ in shown if month_counts.get(sid)]
    other = sum(n for sid, n in month_counts.items() if sid not in ids)
    return stacked + ([("", other)] if other else [])


def _all_months(months: list[str]) -> list[str]:
    """Return every month from the first to the last, so gaps show as gaps."""
    if not months:
        return []
    year, month = map(int, months[0].split("-"))
    end = tuple(map(int, months[-1].split("-")))
    result = []
    while (year, month) <= end:
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def _describe(counts: dict[str, dict[str, int]], months: list[str], earlier: int) -> str:
    if not months:
        return "No dated papers yet."
    total = sum(sum(counts.get(m, {}).values()) for m in months)
    busiest = max(months, key=lambda m: sum(counts.get(m, {}).values()))
    peak = sum(counts[busiest].values())
    text = (
        f"{total} dated papers from {months[0]} to {months[-1]}; "
        f"the busiest month is {busiest} with {peak} paper{'s' if peak != 1 else ''}."
    )
    if earlier:
        many = earlier != 1
        text += f" {earlier} paper{'s' if many else ''} dated before {months[0]} {'are' if many else 'is'} not drawn."
    return text
