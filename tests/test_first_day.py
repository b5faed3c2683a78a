"""A curator's first day, scripted with the real `digest` commands: from `digest new` to a site built for its address.

A robotics researcher with a JSONL file and an arXiv Atom feed: new folder,
listings in, topics written, check, suggest, build with SITE_URL, preview a
broken digest.yml (the page says what is wrong), fix it, build again.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from .conftest import digest_serve, fetch_text, run_digest, wait_for_text

SITE_URL = "https://lab.github.io/robot-reading"

JSONL = "\n".join(
    json.dumps(record)
    for record in [
        {
            "title": "Dexterous Grasping with Tactile Fingertips",
            "abstract": "We grasp unseen objects with tactile sensing in the fingertips of a robot hand. "
            "Tactile sensing halves the failed grasps.",
            "published": "2025-03-04",
            "authors": ["A. Roboticist", "B. Engineer"],
            # Written without its scheme, as people paste it.
            "url": "arxiv.org/abs/2503.01234",
        },
        {
            "title": "Tactile Sensing for Slip Detection in Robot Hands",
            "abstract": "Tactile sensing detects slip before an object falls from a robot hand.",
            "published": "2025-02-11",
            "urls": ["https://github.com/lab/slip-detect"],
        },
        {
            "title": "Learning Quadruped Locomotion on Rough Terrain",
            "abstract": "A legged robot learns locomotion on rough terrain in simulation and walks outdoors.",
            "published": "2025-01-20",
            "arxiv_id": "2501.04321",
        },
    ]
) + "\n"

ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>ArXiv Query: robotics</title>
  <id>http://arxiv.org/api/robotics</id>
  <updated>2025-04-01T00:00:00Z</updated>
  <entry>
    <id>http://arxiv.org/abs/2504.00001v1</id>
    <published>2025-04-01T12:00:00Z</published>
    <title>Whole-Body Locomotion for Humanoid Robots</title>
    <summary>Humanoid locomotion with whole-body control over stairs and slopes.</summary>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/2504.00002v1</id>
    <published>2025-04-02T12:00:00Z</published>
    <title>Tactile Sensing Skins for Safe Human-Robot Contact</title>
    <summary>A soft skin with tactile sensing lets a robot arm feel contact with people.</summary>
  </entry>
</feed>
"""

TOPICS = """topics:
  - id: grasping
    title: Grasping and manipulation
    description: Picking things up and using them.
    match: [grasping, grasp, manipulation, slip]

  - id: locomotion
    title: Locomotion
    description: Walking, running and climbing robots.
    match: [locomotion, legged, quadruped, humanoid]
"""


def digest(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if env is None:
        return run_digest(cwd, *args)
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, check=False,
        env={**os.environ, **env},
    )


def _wait_for(url: str, needle: str, seconds: float) -> str:
    body = wait_for_text(url, needle, seconds)
    if body is None:
        raise AssertionError(f"{url} never showed {needle!r}; last body: {(fetch_text(url) or '')[:300]!r}")
    return body


def test_a_curators_first_day(tmp_path: Path):
    # Morning: a new digest, as README's "Start your own digest" says.
    created = digest(tmp_path, "new", "robot-reading", "--title", "Robot Reading")
    assert created.returncode == 0, created.stderr
    root = tmp_path / "robot-reading"
    config = (root / "digest.yml").read_text(encoding="utf-8")
    assert "EXAMPLE topics" in config and "description:" in config
    # One place for the description: the home page holds only the overview marker and a comment.
    index = (root / "docs" / "index.md").read_text(encoding="utf-8")
    assert "What this digest covers" not in index and "<!-- digest:overview -->" in index

    # Own listings in, the example out, own topics in place of the example ones.
    sources = root / "data" / "sources"
    (sources / "example.txt").unlink()
    (sources / "lab.jsonl").write_text(JSONL, encoding="utf-8")
    (sources / "arxiv.xml").write_text(ATOM, encoding="utf-8")
    head = config[: config.index("topics:")]
    (root / "digest.yml").write_text(head.replace("What this digest covers, in a sentence or two, for the home page.",
                                                  "Robot learning papers our lab reads."), encoding="utf-8")
    with (root / "digest.yml").open("a", encoding="utf-8") as file:
        file.write(TOPICS)

    # From a subfolder, as git works.
    checked = digest(sources, "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == "OK: 5 records read, 5 papers, 1 unsorted.\n"

    suggested = digest(root, "topics", "suggest")
    assert suggested.returncode == 0, suggested.stderr
    # One unsorted paper: a phrase must group two.
    assert suggested.stdout == "No phrases to suggest for the 1 unsorted paper.\n"
    # The tactile-sensing papers are split between grasping and unsorted: suggest a phrase for grasping's.
    for_topic = digest(root, "topics", "suggest", "--topic", "grasping")
    rows = [line.split("  match: ")[1] for line in for_topic.stdout.splitlines() if "  match: " in line]
    assert "[tactile sensing]" in rows, for_topic.stdout
    assert "[model]" not in rows and not [row for row in rows if row != row.lower()]

    # Built for its address, as the workflow does it.
    built = digest(root, "build", "--strict", "--report", "report.json", env={"SITE_URL": SITE_URL})
    assert built.returncode == 0, built.stderr
    site = root / "site"
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"{SITE_URL}/" in locations and f"{SITE_URL}/digest/grasping/" in locations
    feed = (site / "digest" / "feeds" / "grasping.xml").read_text(encoding="utf-8")
    hrefs = re.findall(r'<link [^>]*href="([^"]+)"', feed)
    assert hrefs and all(href.startswith("https://") for href in hrefs), hrefs
    assert f"{SITE_URL}/digest/grasping/#dexterous-grasping-with-tactile-fingertips" in hrefs
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="{SITE_URL}/digest/feeds/all.xml"' in home
    assert "Robot learning papers our lab reads." in home
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    assert (report["papers"], report["rejected"], report["warnings"]) == (5, [], [])
    # A schemeless arXiv `url` is a link, labelled like the one an arxiv_id gives.
    grasping = (site / "digest" / "grasping" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="https://arxiv\.org/abs/2503\.01234"[^>]*>\s*arXiv\s*<', grasping)
    locomotion = (site / "digest" / "locomotion" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="https://arxiv\.org/abs/2501\.04321"[^>]*>\s*arXiv\s*<', locomotion)

    # Afternoon: a new topic with no rules yet, previewed. The page says what is wrong.
    broken = (root / "digest.yml").read_text(encoding="utf-8") + (
        "\n  - id: tactile\n    title: Tactile sensing\n    description: Touch.\n"
    )
    (root / "digest.yml").write_text(broken, encoding="utf-8")
    with digest_serve(root / "docs", tmp_path / "serve.log") as port:
        page = _wait_for(f"http://127.0.0.1:{port}/", "digest-problem", 90)
        line = broken.splitlines().index("  - id: tactile") + 1
        assert f"digest.yml line {line}: topic &#x27;tactile&#x27; has no `match` phrases" in page
        # The fix, saved while serving.
        (root / "digest.yml").write_text(broken + "    match: [tactile sensing, tactile]\n", encoding="utf-8")
        fixed = _wait_for(f"http://127.0.0.1:{port}/digest/tactile/", "Tactile Sensing Skins", 90)
        assert "digest-problem" not in fixed

    rebuilt = digest(root, "build", "--strict")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "5 papers from 5 records (0 merged, 0 rejected), 0 unsorted, 0 warnings" in rebuilt.stdout
    assert (site / "digest" / "tactile" / "index.html").is_file()
