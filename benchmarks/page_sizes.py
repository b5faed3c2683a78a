"""Measure the largest generated page of each kind, for dated, undated and mixed corpora.

    python benchmarks/page_sizes.py                      # 50,000 papers; 0 %, 50 %, 100 % undated
    python benchmarks/page_sizes.py --papers 5000 --undated 1

For each share of undated papers the corpus is made once by make_corpus.py
(cached under /tmp/digest-bench/N, or N-undated-P), then:

1. `digest generate` runs once, timed (wall time and max RSS);
2. the home page's overview is rendered in this process (the `digest`
   plugin puts it into docs/index.md at build time; `generate` writes no file
   for it);
3. the generated Markdown pages are sorted into kinds (topic page, dated and
   undated part of a topic, papers with code, New papers, home) and the
   TOP_EACH largest of each kind, by Markdown bytes, are built to HTML by
   MkDocs with Material, the same Markdown extensions, theme, nav and assets
   as the real site: a plain `mkdocs build` of a folder that holds those
   pages, the home page and every top-level generated page (so the nav is the
   real one). Only the `digest` plugin is left out: it adds the pages, and in
   the page itself nothing but two feed `<link>`s in the head (under 0.5 KB).
   A full `digest build` of 50,000 papers takes several minutes on 2 cores;
   this one takes seconds and gives the real HTML of the pages that matter.

The HTML size of a page follows its Markdown size closely within a kind (the
same template, the same kinds of lines), so the largest Markdown pages hold
the largest HTML page. The report goes to stdout and, with --out, into a
Markdown file.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import make_corpus  # noqa: E402

from generator.config import load_config  # noqa: E402
from generator.constants import NEW_PAGE, OVERVIEW_MARKER, WITH_CODE_PAGE  # noqa: E402
from generator.models import Paper  # noqa: E402
from generator.pipeline import StageCache, gather, lay_out, load_sources  # noqa: E402
from generator.plugin import ASSET_FOLDER, ASSETS, REQUIRED_EXTENSIONS  # noqa: E402
from generator.site.nav import digest_nav  # noqa: E402
from generator.site.render import render_overview  # noqa: E402

BIN = Path(sys.executable).parent
ROOT = Path("/tmp/digest-bench")
TOP_EACH = 3
MB = 1024 * 1024
KINDS = (
    "topic page", "topic part, dated", "topic part, undated",
    "papers with code", "papers with code, part", "New papers", "home page",
)


def corpus(n: int, undated: float) -> Path:
    """Return the cached corpus folder for n papers with that share undated, making it when missing."""
    folder = ROOT / (str(n) if not undated else f"{n}-undated-{round(undated * 100)}")
    marker = folder / ".complete"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        count = make_corpus.make_corpus(n, folder, undated)
        marker.write_text(f"{count}\n")
        print(f"  corpus {folder.name}: {count} listings in {time.perf_counter() - started:.1f} s", flush=True)
    for extra in (folder / "data" / "sources").glob("99999_extra_*"):
        extra.unlink()
    return folder


def timed(command: list[str], cwd: Path) -> dict[str, Any]:
    """Run command under /usr/bin/time -v; return wall seconds and max RSS (MB)."""
    result = subprocess.run(["/usr/bin/time", "-v", *command], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{(result.stdout + result.stderr)[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    assert wall and rss
    return {
        "seconds": int(wall[1] or 0) * 3600 + int(wall[2]) * 60 + float(wall[3]),
        "rss_mb": int(rss[1]) / 1024,
    }


def kind_of(page: str) -> str:
    """Return the kind of a generated page from its path relative to the output folder."""
    if page == NEW_PAGE:
        return "New papers"
    if page == WITH_CODE_PAGE:
        return "papers with code"
    if page.startswith(WITH_CODE_PAGE.removesuffix(".md") + "/"):
        return "papers with code, part"
    if "/" not in page:
        return "topic page"
    return "topic part, undated" if page.split("/", 1)[1].startswith("undated") else "topic part, dated"


def overview_of(folder: Path) -> str:
    """Return the overview the plugin puts into the home page (the pipeline up to rendering, in this process)."""
    config = load_config(folder / "digest.yml")
    sources, _ = load_sources(config)
    corpus = gather(config, sources, StageCache(), lambda step: None)
    layout = lay_out(corpus, corpus.papers, True)
    return render_overview(layout.environment, layout.site, layout.views)


def build_subset(folder: Path, pages: list[str], overview: str) -> tuple[dict[str, int], float]:
    """Build the home page, the given generated pages and every top-level one with MkDocs; return HTML bytes per page."""
    config = load_config(folder / "digest.yml")
    output = config.output.removeprefix("docs/").strip("/")
    generated = folder / config.output
    subset = folder / "page-sizes"
    shutil.rmtree(subset, ignore_errors=True)
    docs = subset / "docs"
    (docs / output).mkdir(parents=True)
    home = (folder / "docs" / "index.md").read_text(encoding="utf-8")
    (docs / "index.md").write_text(home.replace(OVERVIEW_MARKER, overview, 1), encoding="utf-8")
    top_level = sorted(p.name for p in generated.glob("*.md"))
    for page in sorted(set(pages) | set(top_level)):
        target = docs / output / page
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(generated / page, target)
    assets = docs / ASSET_FOLDER
    assets.mkdir(parents=True)
    for asset in ASSETS.iterdir():
        shutil.copyfile(asset, assets / asset.name)
    mkdocs = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    mkdocs["plugins"] = [p for p in mkdocs.get("plugins", []) if p != "digest" and not (isinstance(p, dict) and "digest" in p)]
    extensions = mkdocs.setdefault("markdown_extensions", [])
    names = {e if isinstance(e, str) else next(iter(e)) for e in extensions}
    extensions += [e for e in REQUIRED_EXTENSIONS if e not in names]
    mkdocs["extra_css"] = [*mkdocs.get("extra_css", []), f"{ASSET_FOLDER}/digest.css"]
    mkdocs["extra_javascript"] = [*mkdocs.get("extra_javascript", []), f"{ASSET_FOLDER}/digest.js"]
    # The digest's own nav (see generator/site/nav.py); it needs only the topics and whether anything is unsorted.
    unsorted = [Paper(key="u", id="u", title="u", abstract="u", origins=())] if "unsorted.md" in top_level else []
    stand_in = SimpleNamespace(config=config, papers=unsorted)
    mkdocs["nav"] = digest_nav(None, stand_in, output, docs)  # type: ignore[arg-type]
    # Links to the pages left out are expected; they are not what this measures.
    mkdocs["validation"] = {"omitted_files": "info", "absolute_links": "info", "unrecognized_links": "info", "anchors": "info"}
    mkdocs["docs_dir"] = "docs"
    mkdocs["site_dir"] = "site"
    (subset / "mkdocs.yml").write_text(yaml.safe_dump(mkdocs, sort_keys=False), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([str(BIN / "mkdocs"), "build", "-q"], cwd=subset, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    seconds = time.perf_counter() - started
    sizes = {"index.md": (subset / "site" / "index.html").stat().st_size}
    for page in pages:
        sizes[page] = (subset / "site" / output / page.removesuffix(".md") / "index.html").stat().st_size
    return sizes, seconds


def measure(n: int, undated: float) -> dict[str, Any]:
    """Generate one corpus and build its largest pages; return the figures."""
    folder = corpus(n, undated)
    print(f"{folder.name}: digest generate ...", flush=True)
    generate = timed([str(BIN / "digest"), "generate", "-q"], folder)
    print(f"  {generate['seconds']:.1f} s, {generate['rss_mb']:.0f} MB; overview ...", flush=True)
    overview = overview_of(folder)
    generated = folder / "docs" / "digest"
    markdown = {p.relative_to(generated).as_posix(): p.stat().st_size for p in generated.rglob("*.md")}
    by_kind: dict[str, list[str]] = {}
    for page in sorted(markdown, key=lambda p: (-markdown[p], p)):
        by_kind.setdefault(kind_of(page), []).append(page)
    chosen = [page for pages in by_kind.values() for page in pages[:TOP_EACH]]
    print(f"  building {len(chosen)} pages with MkDocs ...", flush=True)
    html, seconds = build_subset(folder, chosen, overview)
    kinds: dict[str, dict[str, Any]] = {}
    for kind, pages in by_kind.items():
        largest = max(pages[:TOP_EACH], key=lambda p: html[p])
        kinds[kind] = {"pages": len(pages), "largest": largest, "html": html[largest], "markdown": markdown[largest]}
    kinds["home page"] = {"pages": 1, "largest": "index.md", "html": html["index.md"], "markdown": None}
    return {"corpus": folder.name, "undated": undated, "generate": generate, "build_seconds": seconds, "kinds": kinds}


def report(results: list[dict[str, Any]], n: int) -> str:
    """Return the Markdown tables of the results."""
    lines = [
        f"Largest generated page of each kind at {n:,} papers, as HTML built by MkDocs with Material "
        f"(`python benchmarks/page_sizes.py`; the {TOP_EACH} largest Markdown pages of each kind built):",
        "",
        "| kind | " + " | ".join(f"{round(r['undated'] * 100)} % undated" for r in results) + " |",
        "| --- | " + " | ".join("---:" for _ in results) + " |",
    ]
    for kind in KINDS:
        cells = []
        for result in results:
            found = result["kinds"].get(kind)
            cells.append(
                "–" if found is None
                else f"{found['html'] / MB:.2f} MB (`{found['largest']}`, {found['pages']} page{'s' if found['pages'] != 1 else ''})"
            )
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines.append(
        "| `digest generate` | "
        + " | ".join(f"{r['generate']['seconds']:.1f} s, {r['generate']['rss_mb']:.0f} MB" for r in results)
        + " |"
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=50_000, help="distinct papers per corpus")
    parser.add_argument("--undated", type=float, nargs="+", default=[0.0, 0.5, 1.0], help="shares of undated papers, one corpus each")
    parser.add_argument("--out", type=Path, help="also write the report to this Markdown file")
    args = parser.parse_args(argv)
    results = [measure(args.papers, share) for share in args.undated]
    text = report(results, args.papers)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
