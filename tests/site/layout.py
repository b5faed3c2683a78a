"""Lay papers out as the pipeline does, for the site's tests: where each page is, the views, the templates."""

from __future__ import annotations

from pathlib import Path

import jinja2

from generator.config import DigestConfig, Topic
from generator.executor import SERIAL
from generator.models import Paper
from generator.site.paging import newest_first, page_papers
from generator.site.render import make_environment, render_files
from generator.site.views import Site, SiteViews, build_views


def lay_out(papers: list[Paper], page_size: int = 2) -> tuple[Site, SiteViews, jinja2.Environment]:
    """Lay papers out under three topics, a, b and c, with page_size entries per page."""
    topics = tuple(Topic(t, f"Topic {t.upper()}", f"About {t}.") for t in ("a", "b", "c"))
    config = DigestConfig(title="Digest", path=Path("/nowhere/digest.yml"), topics=topics, page_size=page_size)
    ordered = newest_first(papers)
    site = Site(config, ordered, {}, page_papers(config, ordered))
    return site, build_views(site), make_environment()


def render(papers: list[Paper], page_size: int = 2) -> dict[str, str]:
    """Return every file rendered from papers laid out by lay_out."""
    site, views, environment = lay_out(papers, page_size)
    return render_files(environment, site, views, SERIAL)
