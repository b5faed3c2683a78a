"""Time the digest at growing corpus sizes and write benchmarks/RESULTS.md.

    python benchmarks/run.py --sizes 1000 5000 20000 50000 --repeat 3
    python benchmarks/run.py --quick          # 1000 papers once, for CI smoke

For each size the corpus is made once (cached under /tmp/digest-bench/N, see
make_corpus.py) and these are measured with /usr/bin/time -v (wall time, max
RSS): a cold `digest generate`; `digest build`; a plain `mkdocs build` of the
same generated pages without the `digest` plugin; a no-op `digest generate`
(files whose mtime changed must be 0); `digest generate` after adding one
50-paper listing (files rewritten); the live preview (`digest serve` on a free
loopback port: seconds until a new listing's papers all show on the New page
and their topic pages, and until papers.json has them, i.e. the full build
that follows the fast preview update is done); and
search in headless Chromium (search_browser.py). Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import html
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402
import search_browser  # noqa: E402

BIN = Path(sys.executable).parent
ROOT = Path("/tmp/digest-bench")
STEPS = ("generate", "build", "plain", "noop", "incremental", "serve", "search")
SERVE_START_TIMEOUT = 1800.0
SERVE_UPDATE_TIMEOUT = 300.0
MB = 1024 * 1024


def timed(command: list[str], cwd: Path) -> dict[str, Any]:
    """Run command under /usr/bin/time -v; return wall seconds, max RSS (MB) and exit code."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command], cwd=cwd, capture_output=True, text=True
    )
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    seconds = (int(wall[1] or 0) * 3600 + int(wall[2]) * 60 + float(wall[3])) if wall else None
    out = {
        "seconds": seconds,
        "rss_mb": int(rss[1]) / 1024 if rss else None,
        "rc": result.returncode,
    }
    if result.returncode != 0:
        out["error"] = (result.stdout + result.stderr)[-2000:]
        print(f"  ! {' '.join(command)} failed ({result.returncode}):\n{out['error']}", file=sys.stderr)
    return out


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Map each file under folder to its (mtime_ns, sha1)."""
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_mtime_ns, hashlib.sha1(path.read_bytes()).hexdigest())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def compare(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> dict[str, Any]:
    """Count files touched (mtime), changed (bytes), created and removed."""
    touched = sorted(p for p in after if p not in before or after[p][0] != before[p][0])
    changed = sorted(p for p in after if p not in before or after[p][1] != before[p][1])
    return {
        "files": len(after),
        "touched": len(touched),
        "changed": len(changed),
        "spurious": len(set(touched) - set(changed)),
        "created": len([p for p in after if p not in before]),
        "removed": len([p for p in before if p not in after]),
        "touched_names": touched[:40],
    }


def corpus(n: int) -> Path:
    """Return the cached corpus folder for n papers, making it when missing."""
    folder = ROOT / str(n)
    marker = folder / ".complete"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        count = make_corpus.make_corpus(n, folder)
        marker.write_text(f"{count}\n")
        print(f"  corpus {n}: {count} listings in {time.perf_counter() - started:.1f} s")
    for extra in (folder / "data" / "sources").glob("99999_extra_*"):
        extra.unlink()
    return folder


def write_plain_config(folder: Path) -> Path:
    """Write mkdocs-plain.yml: mkdocs.yml without `digest`, with an explicit nav of the generated pages."""
    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    digest = yaml.safe_load((folder / "digest.yml").read_text(encoding="utf-8"))
    output = str(digest.get("output", "docs/digest")).removeprefix("docs/").strip("/")
    config["plugins"] = [p for p in config.get("plugins", []) if p != "digest" and not (isinstance(p, dict) and "digest" in p)]
    pages = sorted(p.relative_to(folder / "docs").as_posix() for p in (folder / "docs" / output).glob("*.md"))
    config["nav"] = ["index.md", {"Topics": pages}]
    config["site_dir"] = "site-plain"
    path = folder / "mkdocs-plain.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def add_listing(folder: Path, n: int, batch: int) -> tuple[Path, list[str]]:
    """Move a new 50-paper listing into the sources in one rename; return it and its titles."""
    name, text, titles = make_corpus.extra_listing(n, batch)
    staging = folder / f".{name}"
    staging.write_text(text, encoding="utf-8")
    target = folder / "data" / "sources" / name
    os.replace(staging, target)
    return target, titles


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()
    except OSError:
        return None


ANCHOR = re.compile(r'<a href="([^"#]*)#([a-z0-9][a-z0-9-]*)"')


def shows_listing(base: str, titles: list[str]) -> bool:
    """Tell whether the New page lists every title and each one's topic page has its entry."""
    body = fetch(f"{base}digest/new/")
    if body is None:
        return False
    page = html.unescape(body.decode("utf-8", "replace"))
    if not all(title in page for title in titles):
        return False
    entries: dict[str, set[str]] = {}
    for href, anchor in ANCHOR.findall(page):
        entries.setdefault(urllib.parse.urljoin(f"{base}digest/new/", href), set()).add(anchor)
    for url, anchors in entries.items():
        target = fetch(url)
        if target is None or not all(f'id="{anchor}"'.encode() in target for anchor in anchors):
            return False
    return True


def measure_serve(folder: Path, n: int, batch: int) -> dict[str, Any]:
    """Start `digest serve` on loopback, add a listing, time until its papers are shown, and until papers.json has them."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log = (folder / "serve.log").open("wb")
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "digest"), "serve", "-q", "-a", f"127.0.0.1:{port}"],
        cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    out: dict[str, Any] = {}
    listing: Path | None = None
    try:
        while time.perf_counter() - started < SERVE_START_TIMEOUT and process.poll() is None:
            if fetch(f"{base}papers.json") is not None:
                out["startup_seconds"] = round(time.perf_counter() - started, 2)
                break
            time.sleep(0.5)
        else:
            out["error"] = "the server did not start serving papers.json"
            return out
        time.sleep(1.0)  # let the watcher settle after the first build
        listing, titles = add_listing(folder, n, batch)
        added = time.perf_counter()
        # papers.json keeps non-ASCII text as it is; either form counts.
        needles = {titles[0].encode(), json.dumps(titles[0])[1:-1].encode()}
        while time.perf_counter() - added < SERVE_UPDATE_TIMEOUT and process.poll() is None:
            if "update_seconds" not in out and shows_listing(base, titles):
                out["update_seconds"] = round(time.perf_counter() - added, 2)
            body = fetch(f"{base}papers.json")
            if body is not None and any(needle in body for needle in needles):
                out["full_update_seconds"] = round(time.perf_counter() - added, 2)
                if "update_seconds" not in out:
                    if not shows_listing(base, titles):
                        out["error"] = "papers.json has the new papers but the pages do not show them"
                    out["update_seconds"] = out["full_update_seconds"]
                break
            time.sleep(0.2)
        else:
            out["error"] = f"the new papers did not appear within {SERVE_UPDATE_TIMEOUT:.0f} s"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
        if listing is not None:
            listing.unlink(missing_ok=True)
    return out


def site_metrics(site: Path) -> dict[str, Any]:
    """Site size, largest HTML page and the search indexes' raw and gzipped size (all of site/search/)."""
    files = [p for p in site.rglob("*") if p.is_file()]
    html = max((p for p in files if p.suffix == ".html"), key=lambda p: p.stat().st_size)
    index = [p.read_bytes() for p in files if p.is_relative_to(site / "search")]
    return {
        "site_bytes": sum(p.stat().st_size for p in files),
        "site_files": len(files),
        "largest_html": html.relative_to(site).as_posix(),
        "largest_html_bytes": html.stat().st_size,
        "html_over_1mb": sum(1 for p in files if p.suffix == ".html" and p.stat().st_size > MB),
        "search_index_files": len(index),
        "search_index_bytes": sum(map(len, index)),
        "search_index_gzip_bytes": sum(len(gzip.compress(data, 6)) for data in index),
    }


def _digest(folder: Path, *args: str) -> dict[str, Any]:
    return timed([str(BIN / "digest"), *args], folder)


def run_size(n: int, repeat: int, steps: set[str]) -> dict[str, Any]:
    """Measure every step at one size; return the runs."""
    folder = corpus(n)
    docs = folder / "docs" / "digest"
    runs: dict[str, list[dict[str, Any]]] = {step: [] for step in STEPS}
    for number in range(repeat):
        print(f"  size {n}, run {number + 1}/{repeat}")
        if "generate" in steps or not docs.exists():
            shutil.rmtree(docs, ignore_errors=True)
            runs["generate"].append(_digest(folder, "generate", "-q"))
            print(f"    generate {runs['generate'][-1]['seconds']} s")
        if "build" in steps:
            runs["build"].append(_digest(folder, "build", "-q"))
            print(f"    build {runs['build'][-1]['seconds']} s")
        if "plain" in steps:
            plain = write_plain_config(folder)
            runs["plain"].append(timed([str(BIN / "mkdocs"), "build", "-q", "-f", plain.name], folder))
            print(f"    plain mkdocs build {runs['plain'][-1]['seconds']} s")
        if "noop" in steps:
            before = snapshot(docs)
            result = _digest(folder, "generate", "-q")
            result.update(compare(before, snapshot(docs)))
            runs["noop"].append(result)
            print(f"    no-op generate {result['seconds']} s, {result['touched']} touched")
        if "incremental" in steps:
            before = snapshot(docs)
            listing, _ = add_listing(folder, n, 1)
            result = _digest(folder, "generate", "-q")
            result.update(compare(before, snapshot(docs)))
            runs["incremental"].append(result)
            listing.unlink()
            _digest(folder, "generate", "-q")
            print(f"    +50 generate {result['seconds']} s, {result['touched']}/{result['files']} touched")
        if "serve" in steps:
            runs["serve"].append(measure_serve(folder, n, 2))
            print(f"    serve {runs['serve'][-1]}")
            _digest(folder, "generate", "-q")
        if "search" in steps and (folder / "site").exists():
            runs["search"].append(search_browser.measure_once(folder / "site", "quantization"))
            print(f"    search {runs['search'][-1]['first_result_ms']} ms")
    out: dict[str, Any] = {"n": n, "runs": runs}
    if (folder / "site").exists() and "build" in steps:
        out["site"] = site_metrics(folder / "site")
    return out


def median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [run[key] for run in runs if run.get(key) is not None]
    return statistics.median(values) if values else None


def machine() -> dict[str, str]:
    """Describe the machine and the tool versions."""
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")),
        "0",
    )
    versions = subprocess.run(
        [sys.executable, "-c", "import mkdocs, importlib.metadata as m; print(mkdocs.__version__, m.version('mkdocs-material'))"],
        capture_output=True, text=True,
    ).stdout.split()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    return {
        "cpus": f"{os.cpu_count()} ({cpu})",
        "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "mkdocs": versions[0] if versions else "?",
        "material": versions[1] if len(versions) > 1 else "?",
        "os": platform.platform(),
    }


def _fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}{unit}"


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**met**" if ok else "**not met**")


def targets(results: dict[int, dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Judge the issue's targets against the results; return (target, measured, verdict) rows."""
    rows: list[tuple[str, str, str]] = []

    def runs(n: int, step: str) -> list[dict[str, Any]]:
        return results.get(n, {}).get("runs", {}).get(step, [])

    g50, r50 = median(runs(50000, "generate"), "seconds"), median(runs(50000, "generate"), "rss_mb")
    rows.append((
        "(1a) `digest generate` at 50k ≤ 30 s and ≤ 2 GB",
        f"{_fmt(g50, ' s')}, {_fmt(r50, ' MB', 0)}",
        _verdict(None if g50 is None else g50 <= 30 and r50 <= 2048),
    ))
    g5 = median(runs(5000, "generate"), "seconds")
    growth = g50 / g5 if g50 and g5 else None
    rows.append(("(1b) generate time growth 5k→50k ≤ 12×", _fmt(growth, "×"), _verdict(None if growth is None else growth <= 12)))
    b20, p20 = median(runs(20000, "build"), "seconds"), median(runs(20000, "plain"), "seconds")
    ratio = b20 / p20 if b20 and p20 else None
    rows.append((
        "(2) `digest build` at 20k ≤ 1.3× plain `mkdocs build`",
        f"{_fmt(b20, ' s')} vs {_fmt(p20, ' s')} = {_fmt(ratio, '×', 2)}",
        _verdict(None if ratio is None else ratio <= 1.3),
    ))
    # The largest size where both were measured (50k may be generate only).
    measured_sizes = [n for n in results if runs(n, "noop") and runs(n, "incremental")]
    largest = max(measured_sizes) if measured_sizes else None
    noop = runs(largest, "noop") if largest else []
    inc = runs(largest, "incremental") if largest else []
    if noop and inc:
        ok = all(r["touched"] == 0 for r in noop) and all(r["spurious"] == 0 for r in inc)
        measured = (
            f"at {largest}: no-op touched {max(r['touched'] for r in noop)}; +50 touched "
            f"{inc[0]['touched']}/{inc[0]['files']} files, {inc[0]['spurious']} without a content change"
        )
        rows.append(("(3) no-op writes no file; +50 papers rewrites only changed pages", measured, _verdict(ok)))
    else:
        rows.append(("(3) no-op writes no file; +50 papers rewrites only changed pages", "–", _verdict(None)))
    s20 = median(runs(20000, "serve"), "update_seconds")
    rows.append(("(4) live preview of a new 50-paper listing at 20k ≤ 5 s", _fmt(s20, " s"), _verdict(None if s20 is None else s20 <= 5)))
    q = runs(20000, "search")
    tb, ms = median(q, "transferred_bytes"), median(q, "first_result_ms")
    rows.append((
        "(5) search at 20k: ≤ 1 MB transferred, ≤ 1 s to first results",
        f"{_fmt(tb and tb / MB, ' MB', 2)} (gzip; raw {_fmt(median(q, 'raw_bytes') and median(q, 'raw_bytes') / MB, ' MB', 1)}), {_fmt(ms, ' ms', 0)}",
        _verdict(None if tb is None else tb <= MB and ms <= 1000),
    ))
    sized = [n for n in sorted(results) if results[n].get("site")]
    if sized:
        top = sized[-1]
        site = results[top]["site"]
        rows.append((
            "(6) no HTML page > 1 MB",
            f"at {top}: largest {site['largest_html']} {site['largest_html_bytes'] / MB:.1f} MB, {site['html_over_1mb']} pages > 1 MB",
            _verdict(site["html_over_1mb"] == 0),
        ))
    else:
        rows.append(("(6) no HTML page > 1 MB", "–", _verdict(None)))
    return rows


def render(results: dict[int, dict[str, Any]], repeat: int, info: dict[str, str]) -> str:
    """Write RESULTS.md's text."""
    lines = [
        "# Benchmark results",
        "",
        "Made by `python benchmarks/run.py` (see its docstring); corpora by `benchmarks/make_corpus.py`.",
        "",
        f"- date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}",
        *[f"- {key}: {value}" for key, value in info.items()],
        "- runs per measurement (medians shown): "
        + ", ".join(
            f"{n:,} papers: {max((len(v) for v in results[n]['runs'].values() if v), default=0)}"
            for n in sorted(results)
        ),
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "| --- | --- | --- |",
        *[f"| {a} | {b} | {c} |" for a, b, c in targets(results)],
        "",
    ]
    for n in sorted(results):
        runs = results[n]["runs"]
        lines += [f"## {n} papers", "", "| measurement | wall time | max RSS | notes |", "| --- | --- | --- | --- |"]
        labels = {
            "generate": "`digest generate` (cold)",
            "build": "`digest build`",
            "plain": "plain `mkdocs build` (no plugin)",
            "noop": "`digest generate` no-op",
            "incremental": "`digest generate` +50 papers",
        }
        for step, label in labels.items():
            if not runs.get(step):
                continue
            note = ""
            if step == "noop":
                note = f"{max(r['touched'] for r in runs[step])} files touched"
            if step == "incremental":
                r = runs[step][0]
                note = f"{r['touched']}/{r['files']} files touched ({r['created']} new, {r['spurious']} without a content change)"
            if any(r.get("rc") for r in runs[step]):
                note += " FAILED"
            lines.append(
                f"| {label} | {_fmt(median(runs[step], 'seconds'), ' s', 2)} | {_fmt(median(runs[step], 'rss_mb'), ' MB', 0)} | {note} |"
            )
        if runs.get("serve"):
            errors = "; ".join(r["error"] for r in runs["serve"] if r.get("error"))
            lines.append(
                f"| `digest serve`: first build | {_fmt(median(runs['serve'], 'startup_seconds'), ' s', 1)} | | |"
            )
            lines.append(
                f"| `digest serve`: new listing visible | {_fmt(median(runs['serve'], 'update_seconds'), ' s', 1)} | | "
                f"all 50 papers on the New page and their topic pages {errors} |"
            )
            lines.append(
                f"| `digest serve`: full build after it done | {_fmt(median(runs['serve'], 'full_update_seconds'), ' s', 1)} | | "
                "related papers, mentions, feeds, papers.json and search updated too |"
            )
        if runs.get("search"):
            q = runs["search"]
            lines.append(
                f"| search (Chromium, '{q[0]['query']}') | {_fmt(median(q, 'first_result_ms'), ' ms', 0)} to first result | | "
                f"{median(q, 'transferred_bytes') / MB:.2f} MB transferred gzip ({median(q, 'raw_bytes') / MB:.1f} MB raw), "
                f"search index {median(q, 'index_transferred_bytes') / MB:.2f} MB of it; typed key by key "
                f"{_fmt(median(q, 'typed_transferred_bytes') and median(q, 'typed_transferred_bytes') / MB, ' MB', 2)} |"
            )
        if results[n].get("site"):
            s = results[n]["site"]
            lines.append(
                f"| site | | | {s['site_bytes'] / MB:.1f} MB in {s['site_files']} files; largest page {s['largest_html']} "
                f"{s['largest_html_bytes'] / MB:.2f} MB; search indexes {s['search_index_bytes'] / MB:.1f} MB "
                f"in {s.get('search_index_files', 1)} files ({s['search_index_gzip_bytes'] / MB:.1f} MB gzipped, fetched piece by piece) |"
            )
        if runs.get("incremental"):
            names = ", ".join(runs["incremental"][0]["touched_names"][:12])
            lines += ["", f"+50 papers touched: {names}{' …' if runs['incremental'][0]['touched'] > 12 else ''}"]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000, 50000], help="corpus sizes (papers)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; medians are reported")
    parser.add_argument("--quick", action="store_true", help="1000 papers, one run (CI smoke)")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated subset of {','.join(STEPS)}")
    parser.add_argument("--out", type=Path, default=None, help="the Markdown report (default benchmarks/RESULTS.md; --quick: /tmp/digest-bench/RESULTS-quick.md)")
    parser.add_argument("--merge", action="store_true", help="also report sizes measured by earlier invocations (kept in /tmp/digest-bench)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat = [1000], 1
    out = args.out or (ROOT / "RESULTS-quick.md" if args.quick else HERE / "RESULTS.md")
    steps = set(args.steps.split(","))
    ROOT.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, Any]] = {}
    if args.merge:
        for path in ROOT.glob("results-*.json"):
            data = json.loads(path.read_text())
            results[data["n"]] = data
    for n in args.sizes:
        result = run_size(n, args.repeat, steps)
        previous = results.get(n)
        if previous and args.merge:
            # Keep earlier steps this invocation did not run.
            for step, values in previous["runs"].items():
                result["runs"][step] = result["runs"].get(step) or values
            result.setdefault("site", previous.get("site"))
        results[n] = result
        if not args.quick:
            (ROOT / f"results-{n}.json").write_text(json.dumps(result, indent=1))
    out.write_text(render(results, args.repeat, machine()), encoding="utf-8")
    print(f"Wrote '{out}'.")


if __name__ == "__main__":
    main()
