"""Write the hand-made plain MkDocs site a curator would have without topic-digest.

    python benchmarks/anchor_site.py DIGEST_FOLDER OUTDIR [--no-generate]

This is the anchor the build-cost benchmark (build_cost.py) compares
`digest build` with: the same papers, written as ordinary Markdown pages and
built by plain MkDocs + Material.

Where the papers come from. The script does not import the generator (it
must keep working whatever the package's layout): it runs `digest generate`
in DIGEST_FOLDER (skipped with --no-generate) and reads the papers.json the
digest wrote into its output folder (`output` in digest.yml, default
docs/digest). So the anchor has exactly the digest's papers, read and merged
the same way.

What OUTDIR gets, and nothing more:

- ``mkdocs.yml``: DIGEST_FOLDER's mkdocs.yml (theme, Material features and
  palette, Markdown extensions, validation) with the ``digest`` plugin
  removed, ``site_name`` kept, ``docs_dir: docs`` and ``site_dir: site``.
  Material's ``search`` plugin stays: it is what such a curator has.
  No ``nav``: MkDocs lists the pages itself.
- ``docs/index.md``: a heading, one sentence and a list linking every page.
- ``docs/papers/NNN.md`` (001, 002, ...): 150 papers per page, newest first
  (by published date, undated papers last, ties by the digest's paper id),
  the page headed ``# Papers N–M``. Each paper is::

      ## <title>

      <published> · <n> authors · <n> upvotes

      <abstract>

      [code](url) · [project](url) · [paper](url)

  The metadata line has only the parts known (no line when none is); the
  link line is the paper's links, each labelled by its kind, then its own
  page (``paper_url``) when the digest knows one (no line when there are no
  links). Titles and abstracts are pasted as they are, whitespace collapsed
  to single spaces, with only ``<`` written as ``&lt;`` so scraped text cannot
  open an HTML block; everything else is what pasting the text gives.
  No topics, related papers, mentions, feeds, chart, papers.json or
  search index of its own, no HTML in the pages, no extra CSS or JS.

The same papers.json always gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

BIN = Path(sys.executable).parent
PER_PAGE = 150
PAGES = "papers"
_SPACE = re.compile(r"\s+")


class AnchorError(Exception):
    """The digest folder cannot give the papers (generate failed, papers.json missing)."""


def output_folder(folder: Path) -> Path:
    """Return the digest's output folder (digest.yml `output`, default docs/digest)."""
    digest = yaml.safe_load((folder / "digest.yml").read_text(encoding="utf-8")) or {}
    return folder / str(digest.get("output") or "docs/digest")


def load_papers(folder: Path, generate: bool = True) -> list[dict[str, Any]]:
    """Run `digest generate` in folder (unless told not to) and return its papers.json."""
    if generate:
        result = subprocess.run(
            [str(BIN / "digest"), "generate", "-q"], cwd=folder, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise AnchorError(f"`digest generate` failed in '{folder}':\n{result.stdout}{result.stderr}")
    path = output_folder(folder) / "papers.json"
    if not path.exists():
        raise AnchorError(f"'{path}' is missing. Run `digest generate` in '{folder}' first.")
    return json.loads(path.read_text(encoding="utf-8"))


def plain(text: str | None) -> str:
    """Return scraped text as one line of pasted Markdown text (only `<` escaped)."""
    return _SPACE.sub(" ", text or "").strip().replace("<", "&lt;")


def newest_first(papers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order papers as a curator's list: newest first, undated last, ties by id."""
    dated = sorted((p for p in papers if p.get("published")), key=lambda p: p["id"])
    dated.sort(key=lambda p: p["published"], reverse=True)
    undated = sorted((p for p in papers if not p.get("published")), key=lambda p: p["id"])
    return dated + undated


def entry(paper: dict[str, Any]) -> str:
    """Return one paper's Markdown: heading, metadata line, abstract, links."""
    meta = []
    if paper.get("published"):
        meta.append(paper["published"])
    if paper.get("authors_count") is not None:
        meta.append(f"{paper['authors_count']} authors")
    if paper.get("upvotes") is not None:
        meta.append(f"{paper['upvotes']} upvotes")
    links = [f"[{link['kind']}]({link['url']})" for link in paper.get("links") or []]
    if paper.get("paper_url"):
        links.append(f"[paper]({paper['paper_url']})")
    blocks = [f"## {plain(paper['title'])}"]
    if meta:
        blocks.append(" · ".join(meta))
    if paper.get("abstract"):
        blocks.append(plain(paper["abstract"]))
    if links:
        blocks.append(" · ".join(links))
    return "\n\n".join(blocks) + "\n"


def pages(papers: list[dict[str, Any]], per_page: int = PER_PAGE) -> dict[str, str]:
    """Return {path under docs/: Markdown} for the papers' pages and the home page."""
    ordered = newest_first(papers)
    out: dict[str, str] = {}
    toc = []
    for start in range(0, len(ordered), per_page):
        number = start // per_page + 1
        chunk = ordered[start : start + per_page]
        heading = f"Papers {start + 1}–{start + len(chunk)}"
        name = f"{PAGES}/{number:03d}.md"
        out[name] = f"# {heading}\n\n" + "\n".join(entry(p) for p in chunk)
        toc.append(f"- [{heading}]({name})")
    out["index.md"] = (
        "# Papers\n\n"
        f"{len(ordered)} papers, newest first, {per_page} to a page.\n\n" + "\n".join(toc) + "\n"
    )
    return out


def anchor_config(folder: Path) -> dict[str, Any]:
    """Return the digest's mkdocs.yml without the `digest` plugin, docs and site in the anchor folder."""
    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [
        p for p in config.get("plugins") or [] if p != "digest" and not (isinstance(p, dict) and "digest" in p)
    ]
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config.pop("nav", None)
    return config


def write_anchor(folder: Path, outdir: Path, papers: list[dict[str, Any]]) -> int:
    """Write the anchor site's sources into outdir (its docs/ replaced); return the number of paper pages."""
    outdir.mkdir(parents=True, exist_ok=True)
    docs = outdir / "docs"
    # docs/ is this script's own output; a smaller corpus must not leave pages behind.
    shutil.rmtree(docs, ignore_errors=True)
    texts = pages(papers)
    for name, text in texts.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (outdir / "mkdocs.yml").write_text(
        yaml.safe_dump(anchor_config(folder), sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return len(texts) - 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the digest folder (mkdocs.yml, digest.yml, data/sources)")
    parser.add_argument("outdir", type=Path, help="where to write the anchor site's mkdocs.yml and docs/")
    parser.add_argument("--no-generate", action="store_true", help="read the papers.json already generated")
    args = parser.parse_args(argv)
    try:
        papers = load_papers(args.folder, generate=not args.no_generate)
    except AnchorError as error:
        sys.exit(str(error))
    count = write_anchor(args.folder, args.outdir, papers)
    print(f"Wrote {len(papers)} papers on {count} pages to '{args.outdir}'. Build it: mkdocs build -f '{args.outdir / 'mkdocs.yml'}'")


if __name__ == "__main__":
    main()
