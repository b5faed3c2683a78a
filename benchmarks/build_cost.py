"""Compare `digest build` with the hand-made plain MkDocs site of the same papers.

    python benchmarks/build_cost.py                     # 1k, 5k, 20k; 3 runs each; serve and profile at 20k
    python benchmarks/build_cost.py --label "after issue 18" --baseline "issue 18 baseline"
    python benchmarks/build_cost.py --sizes 1000 --repeat 1 --no-serve --profile-size 0 --out /tmp/x.md
    python benchmarks/build_cost.py --from-saved --note "..."   # re-render the saved run, with a remark

The anchor is what a curator without this tool would have: the same papers as
ordinary Markdown pages of 150 entries, built by plain MkDocs + Material with
the digest's theme and extensions (anchor_site.py says exactly what it holds).

For each size N (corpora of make_corpus.py, cached under ROOT/N and made with
`python benchmarks/make_corpus.py N ROOT/N` when missing):

1. `digest generate`, then anchor_site.py writes the anchor into ROOT/anchor-N
   from the generated papers.json (so both have the same papers).
2. --repeat times, alternately (anchor first in odd runs, digest first in even
   ones, so a slow spell of the shared machine hits both): `mkdocs build` of the
   anchor and `digest build` of the digest folder, each under /usr/bin/time -v
   (wall time, user + system CPU time, max RSS); the 1-minute load average is
   read before each. Medians are reported, and the runs.
3. Both sites: bytes (total and per paper), HTML pages, files, search index
   (everything under site/search/).

A command that fails, or has not ended after --timeout seconds (it is then
killed with every process it started), is noted in the report and run once
more; a second failure stops the script.

At --serve-sizes (default 20000): the live preview, --serve-repeat times, with
run.py's measure_serve (`digest serve`, a new 50-paper listing added; seconds
until the pages show it, and until the full build that follows has written
papers.json). That step imports run.py and make_corpus.py, which read listings
with the generator's modules; everything else here uses only the `digest` and
`mkdocs` commands and the files they write, so it keeps working whatever the
package's layout.

At --profile-size (default 20000): `python -m cProfile` of `mkdocs build` in
the digest folder (the `digest` plugin runs the whole pipeline, as in `digest
build`, whose fast exit would lose the profile) and of the anchor, summarised
by profile_areas.py. Both are pinned to one core (taskset): with one core the
digest runs its forked workers' parts (topic pages, search index) in the main
process, where the profiler sees them, instead of showing them as waiting.

Results go to ROOT/build-cost-<label>.json and benchmarks/build_cost-<label>.json
(the raw runs, kept so a later run can be compared with them), and a section
"Build cost against a hand-made site (<label>)" in --out (default
benchmarks/RESULTS.md), replaced when the same label runs again; other
sections are left as they are. With --baseline LABEL the section also shows
that earlier run's medians beside the new ones. --undated SHARE measures
corpora with that share of undated papers (make_corpus.py --undated; cached
as ROOT/N-undated-PERCENT).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import anchor_site  # noqa: E402
import profile_areas  # noqa: E402

BIN = Path(sys.executable).parent
ROOT = Path("/tmp/digest-bench")
SIZES = (1000, 5000, 20000)
MB = 1024 * 1024
SECTION = "Build cost against a hand-made site"
# Material prints a notice on every build; it is the same for both sides.
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def slug(label: str) -> str:
    """Return a file-name form of a label."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "run"


def load_average() -> float:
    """Return the 1-minute load average."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def timed(command: list[str], cwd: Path, timeout: float | None = None) -> dict[str, Any]:
    """Run command under /usr/bin/time -v; return wall and CPU seconds, max RSS (MB), exit code and the load before.

    After timeout seconds the command and everything it started are killed
    (rc None, timed_out True).
    """
    load = load_average()
    # Its own process group, so a hung command's workers can be killed with it.
    process = subprocess.Popen(
        ["/usr/bin/time", "-v", *command], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=ENV, start_new_session=True,
    )
    try:
        stdout, text = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        print(f"  ! {' '.join(command)} did not end within {timeout:.0f} s; killed", file=sys.stderr)
        return {"seconds": None, "cpu_seconds": None, "rss_mb": None, "rc": None, "load": load, "timed_out": timeout}
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, text)
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", text)
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    out: dict[str, Any] = {
        "seconds": (int(wall[1] or 0) * 3600 + int(wall[2]) * 60 + float(wall[3])) if wall else None,
        "cpu_seconds": float(user[1]) + float(system[1]) if user and system else None,
        "rss_mb": int(rss[1]) / 1024 if rss else None,
        "rc": result.returncode,
        "load": load,
    }
    if result.returncode != 0:
        # Leave out /usr/bin/time's own report; keep what the command said.
        out["error"] = (result.stdout + result.stderr.split("\tCommand being timed")[0])[-2000:]
        print(f"  ! {' '.join(command)} failed ({result.returncode}):\n{out['error']}", file=sys.stderr)
    return out


def attempt(command: list[str], cwd: Path, what: str, failures: list[dict[str, Any]], timeout: float) -> dict[str, Any]:
    """Run a timed command; when it fails or hangs, note it in failures and run it once more."""
    for number in (1, 2):
        result = timed(command, cwd, timeout)
        if result["rc"] == 0:
            return result
        failures.append({"what": what, "attempt": number, "rc": result["rc"], "timed_out": result.get("timed_out"),
                         "error": result.get("error", "")[-500:]})
    sys.exit(f"{what} failed twice; see the messages above.")


def corpus(root: Path, n: int, undated: float = 0.0) -> Path:
    """Return the corpus folder for n papers, making it with make_corpus.py when missing (as run.py does).

    With a share of undated papers it is ROOT/N-undated-PERCENT, as page_sizes.py names it.
    """
    folder = root / (f"{n}-undated-{round(undated * 100)}" if undated else str(n))
    marker = folder / ".complete"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"  making the corpus of {n} papers")
        share = ["--undated", str(undated)] if undated else []
        subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(n), str(folder), *share], check=True)
        marker.write_text(f"{len(list((folder / 'data' / 'sources').iterdir()))}\n")
    # A live-preview measurement that was stopped may have left its listing behind.
    for extra in (folder / "data" / "sources").glob("99999_extra_*"):
        extra.unlink()
    return folder


def site_metrics(site: Path, papers: int) -> dict[str, Any]:
    """Return a built site's size: bytes, bytes per paper, files, HTML pages, search index bytes."""
    files = [p for p in site.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    return {
        "site_bytes": size,
        "bytes_per_paper": size / papers,
        "files": len(files),
        "html_pages": sum(1 for p in files if p.suffix == ".html"),
        "search_bytes": sum(p.stat().st_size for p in files if p.is_relative_to(site / "search")),
    }


def median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [run[key] for run in runs if run.get(key) is not None]
    return statistics.median(values) if values else None


def run_size(
    root: Path, n: int, repeat: int, failures: list[dict[str, Any]], timeout: float, undated: float = 0.0
) -> dict[str, Any]:
    """Build the anchor and the digest alternately at one size; return runs and site metrics."""
    folder = corpus(root, n, undated)
    anchor = root / f"anchor-{folder.name}"
    print(f"size {n}: generate, write the anchor")
    attempt([str(BIN / "digest"), "generate", "-q"], folder, f"`digest generate` at {n:,}", failures, timeout)
    papers = anchor_site.load_papers(folder, generate=False)
    pages = anchor_site.write_anchor(folder, anchor, papers)
    commands = {
        "anchor": ([str(BIN / "mkdocs"), "build", "-q"], anchor),
        "digest": ([str(BIN / "digest"), "build", "-q"], folder),
    }
    runs: dict[str, list[dict[str, Any]]] = {"anchor": [], "digest": []}
    for number in range(repeat):
        order = ("anchor", "digest") if number % 2 == 0 else ("digest", "anchor")
        for side in order:
            command, cwd = commands[side]
            what = f"{'`digest build`' if side == 'digest' else 'the hand-made site'} at {n:,}, run {number + 1}"
            runs[side].append(attempt(command, cwd, what, failures, timeout))
            r = runs[side][-1]
            print(f"  run {number + 1}/{repeat} {side}: {r['seconds']} s wall, {r['cpu_seconds']} s CPU, "
                  f"{r['rss_mb']:.0f} MB, load {r['load']}")
    return {
        "n": n,
        "papers": len(papers),
        "anchor_paper_pages": pages,
        "runs": runs,
        "anchor_site": site_metrics(anchor / "site", len(papers)),
        "digest_site": site_metrics(folder / "site", len(papers)),
    }


def run_serve(
    root: Path, n: int, repeat: int, failures: list[dict[str, Any]], timeout: float, undated: float = 0.0
) -> list[dict[str, Any]]:
    """Measure the live preview with run.py's measure_serve; return its runs."""
    import run  # noqa: PLC0415  (reads listings with the generator: imported only for this step)

    folder = corpus(root, n, undated)
    out = []
    for number in range(repeat):
        load = load_average()
        result = run.measure_serve(folder, n, 2)
        result["load"] = load
        out.append(result)
        print(f"  serve {n} run {number + 1}/{repeat}: {result}")
        # Put the generated pages back as they were before the listing came and went.
        attempt([str(BIN / "digest"), "generate", "-q"], folder, f"`digest generate` at {n:,}", failures, timeout)
    return out


def run_profile(
    root: Path, n: int, top: int, failures: list[dict[str, Any]], timeout: float, undated: float = 0.0
) -> dict[str, Any]:
    """Profile `mkdocs build` of the digest folder and of the anchor at one size; return both summaries."""
    folder = corpus(root, n, undated)
    anchor = root / f"anchor-{folder.name}"
    if not (anchor / "mkdocs.yml").exists():
        attempt([str(BIN / "digest"), "generate", "-q"], folder, f"`digest generate` at {n:,}", failures, timeout)
        anchor_site.write_anchor(folder, anchor, anchor_site.load_papers(folder, generate=False))
    out: dict[str, Any] = {"n": n}
    for side, cwd in (("digest", folder), ("anchor", anchor)):
        out[side] = {}
        path = root / f"profile-{side}-{n}.prof"
        # On one core the digest runs its workers' parts in this process, where the profiler sees them.
        pin = ["taskset", "-c", str(min(os.sched_getaffinity(0)))] if shutil.which("taskset") else []
        command = [*pin, sys.executable, "-m", "cProfile", "-o", str(path), str(BIN / "mkdocs"), "build", "-q"]
        result = attempt(command, cwd, f"the profile of {side} at {n:,}", failures, timeout)
        out[side]["pinned"] = bool(pin)
        summary = profile_areas.summarise(path, top)
        out[side] |= {
            "seconds": result["seconds"],
            "load": result["load"],
            "total": summary.total,
            "inside": summary.inside,
            "own": summary.own,
            "top": summary.top,
        }
        print(f"  profile {side} {n}: {result['seconds']} s wall under the profiler")
    return out


def machine() -> dict[str, str]:
    """Describe the machine, the tool versions and the commit measured."""
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")),
        "0",
    )
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    versions = subprocess.run(
        [sys.executable, "-c", "import importlib.metadata as m; print(m.version('mkdocs'), m.version('mkdocs-material'), m.version('markdown'))"],
        capture_output=True, text=True,
    ).stdout.split() + ["?"] * 3

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "generator", "templates", "pyproject.toml")
    return {
        "commit": git("log", "-1", "--format=%h %s"),
        "package (generator/, templates/) last changed in": git(
            "log", "-1", "--format=%h %s", "--", "generator", "templates", "pyproject.toml"
        ) + (" (and uncommitted changes)" if dirty else ""),
        "cpus": f"{os.cpu_count()} ({cpu})",
        "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "tools": f"mkdocs {versions[0]}, mkdocs-material {versions[1]}, Markdown {versions[2]}",
    }


# ---------------------------------------------------------------- the report


def _f(value: float | None, digits: int = 1, unit: str = "") -> str:
    return "–" if value is None else f"{value:,.{digits}f}{unit}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def medians(size: dict[str, Any]) -> dict[str, Any]:
    """Return the medians and ratios of one size."""
    a, d = size["runs"]["anchor"], size["runs"]["digest"]
    out = {
        "anchor_s": median(a, "seconds"), "digest_s": median(d, "seconds"),
        "anchor_cpu": median(a, "cpu_seconds"), "digest_cpu": median(d, "cpu_seconds"),
        "anchor_rss": median(a, "rss_mb"), "digest_rss": median(d, "rss_mb"),
        "anchor_bpp": size["anchor_site"]["bytes_per_paper"], "digest_bpp": size["digest_site"]["bytes_per_paper"],
    }
    out["time_ratio"] = _ratio(out["digest_s"], out["anchor_s"])
    out["cpu_ratio"] = _ratio(out["digest_cpu"], out["anchor_cpu"])
    out["bytes_ratio"] = _ratio(out["digest_bpp"], out["anchor_bpp"])
    return out


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**met**" if ok else "**not met**")


def targets(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Judge issue 18's targets; return (target, measured, verdict) rows."""
    sizes = {int(k): medians(v) for k, v in data["sizes"].items()}
    rows = []
    for n in (20000, 5000):
        m = sizes.get(n)
        ratio = m and m["time_ratio"]
        rows.append((
            f"`digest build` at {n // 1000}k ≤ 2.0× the hand-made site (wall, medians)",
            f"{_f(m and m['digest_s'])} s vs {_f(m and m['anchor_s'])} s = {_f(ratio, 2, '×')}" if m else "–",
            _verdict(None if ratio is None else ratio <= 2.0),
        ))
    serve = data.get("serve", {}).get("20000", [])
    full, fast = median(serve, "full_update_seconds"), median(serve, "update_seconds")
    rows.append(("live preview at 20k: the full build after a change ≤ 25 s", f"{_f(full)} s",
                 _verdict(None if full is None else full <= 25)))
    rows.append(("live preview at 20k: the fast update ≤ 5 s", f"{_f(fast)} s",
                 _verdict(None if fast is None else fast <= 5)))
    m = sizes.get(20000)
    ratio = m and m["bytes_ratio"]
    rows.append((
        "site bytes per paper at 20k ≤ 1.5× the hand-made site",
        f"{_f(m and m['digest_bpp'] / 1024)} KB vs {_f(m and m['anchor_bpp'] / 1024)} KB = {_f(ratio, 2, '×')}" if m else "–",
        _verdict(None if ratio is None else ratio <= 1.5),
    ))
    return rows


def _share_table(profile: dict[str, Any], key: str, floor: float = 0.005) -> list[str]:
    """Render an area table of the digest's and the anchor's profile (areas under floor of both folded)."""
    d, a = profile["digest"], profile.get("anchor")
    names = list(d[key])
    if a:
        names += [name for name in a[key] if name not in d[key]]
    lines = ["| area | `digest build` | hand-made site |", "| --- | ---: | ---: |"]
    rest_d = rest_a = 0.0
    for name in names:
        ds, as_ = d[key].get(name, 0.0), (a[key].get(name, 0.0) if a else 0.0)
        if key == "own" and ds < floor * d["total"] and (not a or as_ < floor * a["total"]):
            rest_d, rest_a = rest_d + ds, rest_a + as_
            continue
        cell_a = f"{as_ / a['total']:.1%} ({as_:.1f} s)" if a else "–"
        lines.append(f"| {name} | {ds / d['total']:.1%} ({ds:.1f} s) | {cell_a} |")
    if rest_d or rest_a:
        cell_a = f"{rest_a / a['total']:.1%} ({rest_a:.1f} s)" if a else "–"
        lines.append(f"| everything else (each under {floor:.1%}) | {rest_d / d['total']:.1%} ({rest_d:.1f} s) | {cell_a} |")
    return lines


def render(data: dict[str, Any], baseline: dict[str, Any] | None) -> str:
    """Return the Markdown section of one run."""
    info = data["machine"]
    loads = [r["load"] for s in data["sizes"].values() for side in s["runs"].values() for r in side]
    loads += [r["load"] for runs in data.get("serve", {}).values() for r in runs]
    lines = [
        f"## {SECTION} ({data['label']})",
        "",
        "To put a later run beside this one: `python benchmarks/build_cost.py --label NEW --baseline "
        f"\"{data['label']}\"` (the raw runs are in `benchmarks/build_cost-{slug(data['label'])}.json`).",
        "",
        f"Made by `{('python benchmarks/build_cost.py ' + data['args']).strip()}` (see its docstring; the anchor by",
        "`benchmarks/anchor_site.py`: the same papers as plain Markdown pages of 150 entries, a `## Title`",
        "heading, a metadata line, the abstract and the links each, built by plain MkDocs + Material",
        "with the digest's theme and extensions and Material's search, without the `digest` plugin).",
        "Corpora by `benchmarks/make_corpus.py`"
        + (f" with `--undated {data['undated']:g}` ({data['undated']:.0%} of the papers in listings without any date)."
           if data.get("undated") else " (listings with dates)."),
        "",
        f"- date: {data['date']}",
        *[f"- {key}: {value}" for key, value in info.items()],
        f"- runs: {data['repeat']} of each build per size, anchor and digest alternately; medians shown",
        f"- machine load (1-minute load average before each timed command, on {info['cpus'].split()[0]} cores "
        f"shared with other work; it counts this benchmark's own previous command too): median "
        f"{statistics.median(loads):.2f}, from {min(loads):.2f} to {max(loads):.2f}"
        if loads else "- machine load: –",
        *[f"- note: {note}" for note in data.get("notes", [])],
        "",
        "### Targets (issue 18)",
        "",
        "| target | measured | verdict |",
        "| --- | --- | --- |",
        *[f"| {a} | {b} | {c} |" for a, b, c in targets(data)],
        "",
        "### Build time",
        "",
        "| papers | hand-made: wall | CPU | max RSS | `digest build`: wall | CPU | max RSS | digest / hand-made: wall | CPU |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    sizes = sorted(data["sizes"].values(), key=lambda s: s["n"])
    for s in sizes:
        m = medians(s)
        lines.append(
            f"| {s['papers']:,} | {_f(m['anchor_s'])} s | {_f(m['anchor_cpu'])} s | {_f(m['anchor_rss'], 0)} MB "
            f"| {_f(m['digest_s'])} s | {_f(m['digest_cpu'])} s | {_f(m['digest_rss'], 0)} MB "
            f"| **{_f(m['time_ratio'], 2)}×** | {_f(m['cpu_ratio'], 2)}× |"
        )
    lines += [
        "",
        "CPU is user + system time of the command and the workers it waited for (`digest build` forks",
        "workers on both cores for part of its work, so its CPU time can exceed its wall time).",
        "",
        "### Site",
        "",
        "| papers | hand-made: pages | MB | KB per paper | search index | `digest build`: pages | MB | KB per paper | search index | bytes per paper, digest / hand-made |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in sizes:
        a, d, m = s["anchor_site"], s["digest_site"], medians(s)
        lines.append(
            f"| {s['papers']:,} | {a['html_pages']:,} | {a['site_bytes'] / MB:.1f} | {a['bytes_per_paper'] / 1024:.1f} "
            f"| {a['search_bytes'] / MB:.1f} MB | {d['html_pages']:,} | {d['site_bytes'] / MB:.1f} "
            f"| {d['bytes_per_paper'] / 1024:.1f} | {d['search_bytes'] / MB:.1f} MB | **{_f(m['bytes_ratio'], 2)}×** |"
        )
    lines += [
        "",
        "Pages are the site's HTML files (the hand-made site: its paper pages, the home page and 404.html).",
        "The search index is everything under `site/search/` (Material's one file for the hand-made",
        "site; the digest's own sharded index plus Material's for the digest).",
        "",
        "Every run (wall seconds, in order; load average before it):",
        "",
    ]
    failures = data.get("failures", [])
    for s in sizes:
        for side, label in (("anchor", "hand-made"), ("digest", "`digest build`")):
            runs = ", ".join(f"{r['seconds']:.1f} (load {r['load']:.1f})" for r in s["runs"][side])
            lines.append(f"- {s['papers']:,} papers, {label}: {runs}")
    if failures:
        lines += ["", "Commands that failed or hung, were killed and ran again (their times are not in the tables):", ""]
        for f in failures:
            why = f"no exit after {f['timed_out']:.0f} s" if f.get("timed_out") else f"exit code {f['rc']}"
            lines.append(f"- {f['what']} (attempt {f['attempt']}): {why}")
    else:
        lines += ["", "No command failed or hung."]
    serve = data.get("serve", {})
    if serve:
        lines += ["", "### Live preview (`digest serve`, run.py's measure_serve)", "",
                  "| papers | first build | new listing shown (fast update) | full build after it done | runs (fast / full, s) |",
                  "| ---: | ---: | ---: | ---: | --- |"]
        for n, runs in sorted(serve.items(), key=lambda item: int(item[0])):
            each = ", ".join(f"{_f(r.get('update_seconds'))} / {_f(r.get('full_update_seconds'))}" for r in runs)
            errors = "; ".join(r["error"] for r in runs if r.get("error"))
            lines.append(
                f"| {int(n):,} | {_f(median(runs, 'startup_seconds'))} s | {_f(median(runs, 'update_seconds'))} s "
                f"| {_f(median(runs, 'full_update_seconds'))} s | {each}{' ' + errors if errors else ''} |"
            )
        lines += ["", "Seconds from a new 50-paper listing landing in `data/sources/` until its papers show on the",
                  "New page and their topic pages, and until papers.json has them (the full build that follows)."]
    if baseline:
        lines += ["", f"### Beside the baseline ({baseline['label']}, {baseline['date']}, package at "
                  f"{baseline['machine'].get('package (generator/, templates/) last changed in', baseline['machine']['commit']).split()[0]})", "",
                  "| papers | `digest build` wall: baseline → now | digest / hand-made: baseline → now | bytes per paper ratio: baseline → now |",
                  "| ---: | ---: | ---: | ---: |"]
        for s in sizes:
            old = baseline["sizes"].get(str(s["n"]))
            if not old:
                continue
            mo, mn = medians(old), medians(s)
            lines.append(
                f"| {s['papers']:,} | {_f(mo['digest_s'])} → {_f(mn['digest_s'])} s | {_f(mo['time_ratio'], 2)}× → {_f(mn['time_ratio'], 2)}× "
                f"| {_f(mo['bytes_ratio'], 2)}× → {_f(mn['bytes_ratio'], 2)}× |"
            )
        for n, runs in data.get("serve", {}).items():
            old_runs = baseline.get("serve", {}).get(n)
            if old_runs:
                lines.append(
                    f"\nLive preview at {int(n):,}: full build after a change {_f(median(old_runs, 'full_update_seconds'))} → "
                    f"{_f(median(runs, 'full_update_seconds'))} s; fast update {_f(median(old_runs, 'update_seconds'))} → "
                    f"{_f(median(runs, 'update_seconds'))} s."
                )
    profile = data.get("profile")
    if profile:
        n = profile["n"]
        d, a = profile["digest"], profile.get("anchor")
        lines += [
            "",
            f"### Profile at {n:,} papers",
            "",
            "`python -m cProfile` of `mkdocs build` in the digest folder (the `digest` plugin runs the whole",
            "pipeline, as in `digest build`)"
            + (", pinned to one core so that the digest does its workers' parts in the profiled process" if d.get("pinned") else "")
            + f":\n{d['seconds']:.1f} s wall under the profiler, {d['total']:.1f} s profiled"
            f" in the main process (load {d['load']:.1f} before it)"
            + (f"; of the hand-made site: {a['seconds']:.1f} s wall, {a['total']:.1f} s profiled (load {a['load']:.1f})." if a else "."),
            "Summarised by `benchmarks/profile_areas.py` (its docstring says how areas are told apart).",
            "The profiler adds a cost per Python call, so call-heavy code looks somewhat bigger than it is;",
            "work in forked workers (none when pinned to one core) shows only as waiting for them.",
            "",
            "Time inside each area (callees included; areas overlap: inline patterns, md_in_html and the",
            "HTML parser are inside converting pages, and the HTML parser calls md_in_html's handlers):",
            "",
            *_share_table(profile, "inside"),
            "",
            "Own time per area (adds up to 100 %; time in builtins, the standard library, Jinja2 and",
            "MarkupSafe is charged to the code that called them):",
            "",
            *_share_table(profile, "own"),
            "",
            f"Top functions of `digest build` by cumulative time, of {d['total']:.1f} s (left out: entry wrappers above 98 %,",
            "builtins and the import machinery):",
            "",
            "| function | cumulative | own | calls |",
            "| --- | ---: | ---: | ---: |",
            *[
                f"| `{row['name']}` | {row['cumulative'] / d['total']:.1%} ({row['cumulative']:.1f} s) "
                f"| {row['own']:.1f} s | {row['calls']:,} |"
                for row in d["top"]
            ],
        ]
    return "\n".join(lines) + "\n"


def write_section(out: Path, label: str, text: str) -> None:
    """Put the section into the report: replace the one of the same label, else append it."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    heading = f"## {SECTION} ({label})"
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip("\n") == heading), None)
    if start is None:
        new = old.rstrip("\n") + ("\n\n" if old else "") + text
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        rest = "".join(lines[end:])
        new = "".join(lines[:start]) + text + ("\n" + rest if rest else "")
    out.write_text(new, encoding="utf-8")


def load_saved(label: str, option: str) -> dict[str, Any]:
    """Return the saved results of an earlier run, or stop saying how to make them."""
    path = HERE / f"build_cost-{slug(label)}.json"
    if not path.exists():
        sys.exit(f"No saved run '{path}' for {option} '{label}'. Run `python benchmarks/build_cost.py --label '{label}'` first.")
    return json.loads(path.read_text(encoding="utf-8"))


def save(data: dict[str, Any], root: Path, out: Path) -> None:
    """Keep the results in root, and beside this script when the report is benchmarks/' own."""
    saved = json.dumps(data, indent=1) + "\n"
    (root / f"build-cost-{slug(data['label'])}.json").write_text(saved, encoding="utf-8")
    if out.resolve().parent == HERE:
        (HERE / f"build_cost-{slug(data['label'])}.json").write_text(saved, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="corpus sizes (papers)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each build per size; medians are reported")
    parser.add_argument("--serve-sizes", type=int, nargs="*", default=[20000], help="sizes at which to measure the live preview")
    parser.add_argument("--serve-repeat", type=int, default=3, help="live-preview runs per size")
    parser.add_argument("--no-serve", action="store_true", help="leave the live preview out")
    parser.add_argument("--profile-size", type=int, default=20000, help="size to profile (0: no profile)")
    parser.add_argument("--top", type=int, default=25, help="functions listed by cumulative time")
    parser.add_argument("--label", default="issue 18 baseline", help="names the section and the saved results")
    parser.add_argument("--baseline", help="label of an earlier run to show beside this one")
    parser.add_argument("--undated", type=float, default=0.0, help="share of undated papers in the corpora (make_corpus.py --undated)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds after which a command counts as hung: killed and run once more")
    parser.add_argument("--root", type=Path, default=ROOT, help="where corpora and anchors are cached")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="the Markdown report to put the section in")
    parser.add_argument("--note", action="append", default=[], help="a remark to print under the section's figures (repeatable)")
    parser.add_argument("--from-saved", action="store_true",
                        help="measure nothing: write the section again from the saved results of --label (adding any --note)")
    args = parser.parse_args(argv)
    args.root.mkdir(parents=True, exist_ok=True)
    baseline = None
    if args.baseline:
        baseline = load_saved(args.baseline, "--baseline")
    if args.from_saved:
        data = load_saved(args.label, "--label")
        data["notes"] = data.get("notes", []) + args.note
        save(data, args.root, args.out)
        write_section(args.out, args.label, render(data, baseline))
        print(f"Wrote the section '{SECTION} ({args.label})' to '{args.out}' from the saved results.")
        return
    shown = " ".join(a if re.fullmatch(r"[\w./=-]+", a) else json.dumps(a) for a in (argv if argv is not None else sys.argv[1:]))
    data: dict[str, Any] = {
        "label": args.label,
        "args": shown,
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "repeat": args.repeat,
        "machine": machine(),
        "sizes": {},
        "serve": {},
        "failures": [],
        "notes": args.note,
        "undated": args.undated,
    }
    for n in args.sizes:
        data["sizes"][str(n)] = run_size(args.root, n, args.repeat, data["failures"], args.timeout, args.undated)
    if not args.no_serve:
        for n in args.serve_sizes:
            data["serve"][str(n)] = run_serve(args.root, n, args.serve_repeat, data["failures"], args.timeout, args.undated)
    if args.profile_size:
        print(f"profile at {args.profile_size}")
        data["profile"] = run_profile(args.root, args.profile_size, args.top, data["failures"], args.timeout, args.undated)
    save(data, args.root, args.out)
    write_section(args.out, args.label, render(data, baseline))
    print(f"Wrote the section '{SECTION} ({args.label})' to '{args.out}'.")


if __name__ == "__main__":
    main()
