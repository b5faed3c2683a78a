"""Measure how well and how fast the site's search answers readers, in headless Chromium.

    python benchmarks/search_quality.py quality [--site DIR] [--build] [--details] [--json FILE]
    python benchmarks/search_quality.py speed (--papers N [--into DIR] | --site DIR) [--query Q ...] [--repeat 3]

Only the built site and the ``digest`` command are used (no module of the
generator is imported), so the script measures whatever search a build ships.

**quality** serves a built site (default: the bundled digest's ``site/``;
``--build`` runs ``digest build`` first) on a loopback port, gzip-compressed as
``search_browser.py`` does, and types each query of ``search_queries.yml``
into Material's search box in one headless Chromium page: the box is emptied,
the query is set in one step and one key is released (as after a paste), then
the script waits until Material shows the answer ("N matching documents" or
"No matching documents") and the list has not changed for 300 ms, scrolling
the results until Material has rendered every group it found. It reads the
links of the list in document order (a collapsed "N more on this page" counts
where it stands); a link whose ``#anchor`` is a paper id is a paper result,
other links (topic and hand-written pages) are skipped. With E the query's
expected ids and R the first 10 paper results:

- recall@10 = |E ∩ R| / min(|E|, 10), so a list whose first ten papers are all
  wanted scores 1 even when more than ten are wanted;
- RR@10 = 1 / rank of the first expected paper in R, 0 if none is there;
  MRR@10 is its mean;
- R-precision = |E ∩ first k of R| / k with k = min(|E|, 10): do the wanted
  papers come first (the measure for "phrases")?
- empty: the list shows "No matching documents".

Each figure is averaged over the queries of a kind, and over all queries
("overall", every query weighing the same). Kinds in ``fixtures`` run on a
digest built from their listing (``digest new`` in a temporary folder, its
example listing replaced) and only when that build's ``papers.json`` has the
field they need; otherwise they are reported as skipped. Before running, the
script checks that every expected id is a paper of the site and that every
``absent`` word occurs in no paper, link or hand-written page and starts no
word there.

**speed** takes a built site, or with ``--papers N`` the synthetic corpus
``/tmp/digest-bench/N`` (made by ``make_corpus.py`` when missing), copied to
``/tmp/digest-bench/search-N`` (or ``--into DIR``) and built there with
``digest build``. Each run opens the home page in a fresh browser context
(empty cache, the server sends ``Cache-Control: no-store``), waits until
Material's search says "Type to start searching" (its worker is ready, the
index's ``meta.json`` loaded), then sets the query and releases one key. Reported per query, as medians of the runs:

- first result ms: from the first ``input`` or ``keydown`` event of the search
  box (the event's own timestamp) to the first result item in the page;
- query bytes: gzip bytes sent from that moment until 500 ms after the first
  result (the term shards and paper buckets the query fetched);
- index bytes before the query: gzip bytes under ``search/`` sent while the page
  loaded and the worker got ready (Material's own index and ``meta.json``);
- first query, search bytes: the two together, everything the search fetched
  for a reader's first query;
- page + search bytes: everything sent, page, assets and search.

It also reports the index's size on disk: files, raw bytes and gzip bytes
(each file compressed alone at level 6, as served) of ``search/digest/``, of
its ``meta.json``, and of Material's ``search/search_index.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from search_browser import CHROMIUM, CHROMIUM_ARGS, Served, serve

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
QUERIES = HERE / "search_queries.yml"
BENCH = Path("/tmp/digest-bench")
MARK = ".search-quality"
TOP = 10
TIMEOUT_MS = 60_000
STABLE_MS = 150
STABLE_READS = 2
MAX_SCROLLS = 20
# The worker's rule for a word: two or more letters, digits or underscores of
# the NFKC, lowercased text (Python's \w is close enough to check a fixture).
WORD = re.compile(r"\w\w+")
META = ".md-search-result__meta"
ITEM = ".md-search-result__item"
SPEED_QUERIES = ["quantization", "kv cache eviction", "speculative decoding"]

# Recorded in the page: when the reader's first input or key event in the
# search box happened, and when the first result appeared after it.
SPEED_PROBE = """
window.__typedAt = null;
window.__firstResult = null;
document.addEventListener('DOMContentLoaded', () => {
  const box = document.querySelector('input.md-search__input');
  const mark = event => { if (window.__armed && window.__typedAt === null) window.__typedAt = event.timeStamp; };
  box.addEventListener('input', mark, true);
  box.addEventListener('keydown', mark, true);
});
new MutationObserver(() => {
  if (window.__typedAt !== null && window.__firstResult === null && document.querySelector('.md-search-result__item')) {
    window.__firstResult = performance.now();
  }
}).observe(document, {subtree: true, childList: true});
"""
# Every link of the result list in document order, the groups rendered, and what Material says.
READ_LIST = """
() => {
  const meta = document.querySelector('.md-search-result__meta');
  const links = [...document.querySelectorAll('.md-search-result__list a')].map(a => a.getAttribute('href'));
  return {meta: meta ? meta.textContent.trim() : '', groups: document.querySelectorAll('.md-search-result__item').length, links};
}
"""


@dataclass(frozen=True)
class Query:
    """One reader query: its kind, text, the papers wanted and the word that matches nothing (if any)."""

    kind: str
    text: str
    want: tuple[str, ...]
    absent: str | None = None


@dataclass
class Answer:
    """What Material showed for a query and how it scores."""

    kind: str
    query: str
    want: int
    found: list[str]
    meta: str
    empty: bool
    recall: float = 0.0
    rr: float = 0.0
    rprec: float = 0.0
    first_rank: int | None = None
    skipped: str = ""


def load_queries(path: Path) -> tuple[list[Query], dict[str, dict[str, str]]]:
    """Return the queries of a query file and its fixture kinds."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    queries = [
        Query(kind, str(item["q"]), tuple(item["want"]), str(item["absent"]) if "absent" in item else None)
        for kind, items in data["queries"].items()
        for item in items
    ]
    return queries, data.get("fixtures") or {}


def words_of(text: str) -> set[str]:
    """Return the words of text as the search cuts them."""
    return set(WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def site_words(site: Path, papers: list[dict[str, Any]]) -> set[str]:
    """Return every word of the papers (title, abstract, links) and of Material's own index."""
    words: set[str] = set()
    for paper in papers:
        words |= words_of(paper["title"]) | words_of(paper["abstract"])
        words |= words_of(" ".join(link["url"] for link in paper.get("links", [])))
    material = site / "search" / "search_index.json"
    if material.is_file():
        for doc in json.loads(material.read_text(encoding="utf-8")).get("docs", []):
            words |= words_of(re.sub(r"<[^>]*>", " ", f"{doc.get('title', '')} {doc.get('text', '')}"))
    return words


def check_queries(queries: list[Query], papers: list[dict[str, Any]], words: set[str]) -> list[str]:
    """Return what is wrong with the queries against this site: unknown ids, absent words that occur."""
    ids = {paper["id"] for paper in papers}
    problems = []
    for query in queries:
        unknown = [paper for paper in query.want if paper not in ids]
        if unknown:
            problems.append(f"{query.kind} {query.text!r}: no paper has the id {', '.join(unknown)}")
        if not query.want:
            problems.append(f"{query.kind} {query.text!r}: no paper is wanted")
        if query.absent:
            absent = query.absent.lower()
            if absent not in words_of(query.text):
                problems.append(f"{query.kind} {query.text!r}: the absent word {absent!r} is not in the query")
            hits = sorted(word for word in words if word.startswith(absent))
            if hits:
                problems.append(f"{query.kind} {query.text!r}: {absent!r} is not absent, the site has {', '.join(hits[:5])}")
    return problems


def score(query: Query, found: list[str], meta: str) -> Answer:
    """Score the paper results shown for a query."""
    top = found[:TOP]
    wanted = set(query.want)
    k = min(len(wanted), TOP)
    ranks = [rank for rank, paper in enumerate(top, start=1) if paper in wanted]
    return Answer(
        kind=query.kind,
        query=query.text,
        want=len(wanted),
        found=top,
        meta=meta,
        empty=meta.startswith("No matching"),
        recall=len(wanted & set(top)) / k,
        rr=1 / ranks[0] if ranks else 0.0,
        rprec=len(wanted & set(top[:k])) / k,
        first_rank=ranks[0] if ranks else None,
    )


def paper_ids(links: list[str], anchors: dict[str, str]) -> list[str]:
    """Return the paper ids the result links point to, in order, once each."""
    found: list[str] = []
    for href in links:
        fragment = urlsplit(href or "").fragment
        paper = anchors.get(unquote(fragment))
        if paper and paper not in found:
            found.append(paper)
    return found


class SearchBox:
    """Material's search box on one open page of a served site."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.box = page.locator("input.md-search__input")
        page.wait_for_function(
            f"document.querySelector('{META}') && document.querySelector('{META}').textContent.trim() === 'Type to start searching'",
            timeout=TIMEOUT_MS,
        )
        self.box.click()

    def ask(self, text: str) -> dict[str, Any]:
        """Enter text as after a paste and return the settled result list."""
        self.box.fill("")
        self.box.press("End")
        self.page.wait_for_function(
            f"document.querySelector('{META}').textContent.trim() === 'Type to start searching'", timeout=TIMEOUT_MS
        )
        self.box.fill(text)
        self.box.press("End")
        self.page.wait_for_function(
            f"!['Type to start searching', 'Initializing search'].includes(document.querySelector('{META}').textContent.trim())",
            timeout=TIMEOUT_MS,
        )
        return self._settled()

    def _settled(self) -> dict[str, Any]:
        """Wait until the list stops changing, scrolling it until Material has rendered every group."""
        last: dict[str, Any] | None = None
        same = scrolls = 0
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(STABLE_MS)
            now = self.page.evaluate(READ_LIST)
            same = same + 1 if now == last else 0
            # Unchanged for STABLE_READS intervals in a row: a search that refines its
            # answer in a second step gets the time to do it.
            if same >= STABLE_READS:
                total = re.match(r"(\d+) matching", now["meta"])
                more = total is not None and now["groups"] < int(total.group(1))
                if not more or scrolls >= MAX_SCROLLS:
                    return now
                scrolls += 1
                # Material renders the next few groups on a scroll event at the bottom,
                # and setting the position it already has sends none.
                self.page.evaluate("document.querySelector('.md-search__scrollwrap').scrollTop -= 20")
                self.page.wait_for_timeout(50)
                self.page.evaluate("document.querySelector('.md-search__scrollwrap').scrollTop = 1e9")
            last = now
        raise TimeoutError("the result list kept changing")


def run_quality(site: Path, queries: list[Query]) -> list[Answer]:
    """Ask every query on one page of the served site and score the answers."""
    from playwright.sync_api import sync_playwright

    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    anchors = {urlsplit(paper["url"]).fragment: paper["id"] for paper in papers}
    anchors.update({paper["id"]: paper["id"] for paper in papers})
    server, _ = serve(site)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    answers = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                page.goto(url)
                box = SearchBox(page)
                for query in queries:
                    shown = box.ask(query.text)
                    answers.append(score(query, paper_ids(shown["links"], anchors), shown["meta"]))
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return answers


def digest_command() -> str:
    """Return the `digest` command of this Python's environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "digest"
    found = str(beside) if beside.exists() else shutil.which("digest")
    if not found:
        sys.exit("The `digest` command was not found: run `make site` (it installs it into .venv/bin/).")
    return found


def build(folder: Path) -> None:
    """Build the digest in folder with `digest build`, quietly unless it fails."""
    done = subprocess.run([digest_command(), "build", "-q"], cwd=folder, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"`digest build` failed in {folder}:\n{done.stdout}{done.stderr}")


def build_fixture(listing: Path, folder: Path) -> Path:
    """Make a digest of one listing in folder (`digest new`, example listing replaced) and build it."""
    done = subprocess.run([digest_command(), "new", str(folder), "--title", "Search fixture"], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"`digest new` failed:\n{done.stdout}{done.stderr}")
    sources = folder / "data" / "sources"
    for old in sources.iterdir():
        old.unlink()
    shutil.copy(listing, sources / listing.name)
    build(folder)
    return folder / "site"


def has_field(site: Path, name: str) -> bool:
    """Tell whether some paper of the site's papers.json has a non-empty `name`."""
    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    return any(paper.get(name) for paper in papers)


def quality(site: Path, query_file: Path, fixtures_on: bool) -> list[Answer]:
    """Check and run every query: the bundled ones on site, fixture kinds on their own builds."""
    queries, fixtures = load_queries(query_file)
    answers: list[Answer] = []
    main = [query for query in queries if query.kind not in fixtures]
    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    problems = check_queries(main, papers, site_words(site, papers))
    for kind, spec in fixtures.items():
        kind_queries = [query for query in queries if query.kind == kind]
        if not fixtures_on:
            answers += [_skip(query, "fixtures not run (--no-fixtures)") for query in kind_queries]
            continue
        with tempfile.TemporaryDirectory(prefix="search-fixture-") as temp:
            fixture_site = build_fixture(query_file.parent / spec["listing"], Path(temp) / kind)
            fixture_papers = json.loads((fixture_site / "papers.json").read_text(encoding="utf-8"))
            problems += check_queries(kind_queries, fixture_papers, site_words(fixture_site, fixture_papers))
            if not has_field(fixture_site, spec["needs"]):
                reason = f"papers.json has no `{spec['needs']}`"
                answers += [_skip(query, reason) for query in kind_queries]
            elif not problems:
                answers += run_quality(fixture_site, kind_queries)
    if problems:
        sys.exit("The query file does not fit the site:\n  " + "\n  ".join(problems))
    return run_quality(site, main) + answers


def _skip(query: Query, reason: str) -> Answer:
    return Answer(kind=query.kind, query=query.text, want=len(query.want), found=[], meta="", empty=False, skipped=reason)


def quality_table(answers: list[Answer]) -> str:
    """Return the Markdown table of recall@10, MRR@10, R-precision and empty lists per kind and overall."""
    kinds: dict[str, list[Answer]] = {}
    for answer in answers:
        kinds.setdefault(answer.kind, []).append(answer)
    rows = ["| kind | queries | recall@10 | MRR@10 | R-precision | empty lists |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for kind, group in kinds.items():
        run = [answer for answer in group if not answer.skipped]
        if not run:
            rows.append(f"| {kind} | {len(group)} | skipped: {group[0].skipped} | | | |")
            continue
        rows.append(_row(kind, run))
    ran = [answer for answer in answers if not answer.skipped]
    rows.append(_row("**overall**", ran))
    return "\n".join(rows)


def _row(label: str, group: list[Answer]) -> str:
    recall = statistics.fmean(a.recall for a in group)
    mrr = statistics.fmean(a.rr for a in group)
    rprec = statistics.fmean(a.rprec for a in group)
    empty = sum(a.empty for a in group)
    return f"| {label} | {len(group)} | {recall:.2f} | {mrr:.2f} | {rprec:.2f} | {empty} |"


def detail_table(answers: list[Answer]) -> str:
    """Return one Markdown row per query: its scores, the first expected rank, papers shown."""
    rows = [
        "| kind | query | wanted | recall@10 | RR@10 | first wanted at | papers shown (of 10) | Material says |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for a in answers:
        if a.skipped:
            rows.append(f"| {a.kind} | `{a.query}` | {a.want} | skipped | | | | {a.skipped} |")
            continue
        rank = a.first_rank if a.first_rank is not None else "–"
        rows.append(
            f"| {a.kind} | `{a.query}` | {a.want} | {a.recall:.2f} | {a.rr:.2f} | {rank} | {len(a.found)} | {a.meta} |"
        )
    return "\n".join(rows)


# --- speed ---------------------------------------------------------------


def corpus_site(papers: int, work: Path | None = None) -> Path:
    """Make (or reuse) the synthetic corpus of papers papers, copy it to a work folder, build it there."""
    corpus = BENCH / str(papers)
    if not (corpus / "data" / "sources").is_dir():
        subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(papers), str(corpus)], check=True)
    work = work or BENCH / f"search-{papers}"
    if (work / MARK).is_file():
        shutil.rmtree(work)
    elif work.exists() and any(work.iterdir()):
        sys.exit(f"{work} is not empty and this script did not make it: give --into a new folder.")
    # Only the digest's own files: other benchmarks build and serve in the corpus folder.
    work.mkdir(parents=True, exist_ok=True)
    (work / MARK).write_text("made by benchmarks/search_quality.py; emptied by its next run\n", encoding="utf-8")
    for name in ["mkdocs.yml", "digest.yml"]:
        shutil.copy(corpus / name, work / name)
    shutil.copytree(corpus / "data", work / "data")
    shutil.copytree(corpus / "docs", work / "docs", ignore=lambda folder, names: ["digest"] if folder == str(corpus / "docs") else [])
    build(work)
    return work / "site"


def _sent(served: Served, start: int, end: int | None = None, part: str = "") -> int:
    """Gzip bytes sent for responses start:end whose path has part."""
    with served.lock:
        return sum(sent for path, sent, _ in served.responses[start:end] if part in path)


def speed_once(browser: Any, url: str, served: Served, query: str) -> dict[str, float]:
    """Open the home page cold, wait for the search to be ready, enter query; return its times and bytes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(SPEED_PROBE)
    page = context.new_page()
    start = len(served.responses)
    page.goto(url)
    box = SearchBox(page)
    page.wait_for_timeout(300)  # nothing more should arrive; let the last responses be counted
    ready = len(served.responses)
    page.evaluate("window.__armed = true")
    box.box.fill(query)
    box.box.press("End")
    page.wait_for_function("window.__firstResult !== null", timeout=TIMEOUT_MS)
    first_ms = page.evaluate("window.__firstResult - window.__typedAt")
    page.wait_for_timeout(500)  # let the query's in-flight fetches finish before counting
    results = page.locator(ITEM).count()
    context.close()
    index_before = _sent(served, start, ready, "/search/")
    query_bytes = _sent(served, ready)
    return {
        "first_result_ms": round(first_ms, 1),
        "query_bytes": query_bytes,
        "index_bytes_before_query": index_before,
        "first_query_search_bytes": index_before + _sent(served, ready, None, "/search/"),
        "page_and_search_bytes": _sent(served, start),
        "result_groups_shown": results,
    }


def index_size(site: Path) -> dict[str, int]:
    """Return files, raw and gzip bytes of search/digest/, its meta.json and Material's index."""
    folder = site / "search" / "digest"
    files = [path for path in sorted(folder.rglob("*")) if path.is_file()]
    size = {"files": len(files), "raw": 0, "gzip": 0}
    for path in files:
        raw = path.read_bytes()
        size["raw"] += len(raw)
        size["gzip"] += len(gzip.compress(raw, compresslevel=6))
    for name, path in [("meta", folder / "meta.json"), ("material", site / "search" / "search_index.json")]:
        raw = path.read_bytes() if path.is_file() else b""
        size[f"{name}_raw"] = len(raw)
        size[f"{name}_gzip"] = len(gzip.compress(raw, compresslevel=6)) if raw else 0
    return size


def speed(site: Path, queries: list[str], repeat: int) -> dict[str, Any]:
    """Measure every query repeat times on the served site; return medians, runs and the index size."""
    from playwright.sync_api import sync_playwright

    server, served = serve(site)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    results: dict[str, Any] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for query in queries:
                    runs = [speed_once(browser, url, served, query) for _ in range(repeat)]
                    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
                    results[query] = {"median": median, "runs": runs}
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    papers = len(json.loads((site / "papers.json").read_text(encoding="utf-8")))
    return {"site": str(site), "papers": papers, "queries": results, "index": index_size(site)}


def mb(count: float) -> str:
    return f"{count / 1e6:.3f} MB"


def speed_table(report: dict[str, Any]) -> str:
    """Return Markdown tables of the speed medians and the index size."""
    rows = [
        f"{report['papers']:,} papers, medians of {len(next(iter(report['queries'].values()))['runs'])} cold runs:",
        "",
        "| query | first result | query bytes | index bytes before the query | first query, search bytes | page + search bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for query, result in report["queries"].items():
        m = result["median"]
        rows.append(
            f"| `{query}` | {m['first_result_ms']:.0f} ms | {mb(m['query_bytes'])} | {mb(m['index_bytes_before_query'])} "
            f"| {mb(m['first_query_search_bytes'])} | {mb(m['page_and_search_bytes'])} |"
        )
    size = report["index"]
    rows += [
        "",
        "| index on disk | files | raw | gzip |",
        "| --- | ---: | ---: | ---: |",
        f"| `search/digest/` | {size['files']} | {mb(size['raw'])} | {mb(size['gzip'])} |",
        f"| of it `meta.json` | 1 | {mb(size['meta_raw'])} | {mb(size['meta_gzip'])} |",
        f"| Material's `search/search_index.json` | 1 | {mb(size['material_raw'])} | {mb(size['material_gzip'])} |",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    q = commands.add_parser("quality", help="recall@10 and MRR@10 of the reader queries")
    q.add_argument("--site", type=Path, default=REPO / "site", help="the built bundled site (default: site/)")
    q.add_argument("--build", action="store_true", help="run `digest build` in the repository first")
    q.add_argument("--queries", type=Path, default=QUERIES, help="the query file (default: search_queries.yml)")
    q.add_argument("--no-fixtures", action="store_true", help="skip the kinds that need a fixture build")
    q.add_argument("--details", action="store_true", help="also print one row per query")
    q.add_argument("--json", type=Path, help="write every answer to this JSON file")
    s = commands.add_parser("speed", help="time to first result and bytes of a cold first query")
    where = s.add_mutually_exclusive_group(required=True)
    where.add_argument("--papers", type=int, help="build the synthetic corpus of this many papers and measure it")
    where.add_argument("--site", type=Path, help="a built site to measure")
    s.add_argument("--into", type=Path, help="with --papers: build in this new folder (default /tmp/digest-bench/search-N)")
    s.add_argument("--query", action="append", help=f"query to time (repeatable; default: {', '.join(SPEED_QUERIES)})")
    s.add_argument("--repeat", type=int, default=3, help="cold runs per query (median reported)")
    s.add_argument("--json", type=Path, help="write the runs to this JSON file")
    args = parser.parse_args(argv)

    if args.command == "quality":
        if args.build:
            build(REPO)
        answers = quality(args.site, args.queries, not args.no_fixtures)
        print(quality_table(answers))
        if args.details:
            print()
            print(detail_table(answers))
        if args.json:
            args.json.write_text(json.dumps([asdict(a) for a in answers], indent=1, ensure_ascii=False), encoding="utf-8")
    else:
        if args.into and not args.papers:
            parser.error("--into goes with --papers")
        site = corpus_site(args.papers, args.into) if args.papers else args.site
        report = speed(site, args.query or SPEED_QUERIES, args.repeat)
        print(speed_table(report))
        if args.json:
            args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
