"""Summarise a cProfile of an MkDocs build as the share of time per area.

    python benchmarks/profile_areas.py BUILD.prof [--top 25]

Used by build_cost.py on profiles of `mkdocs build` (the digest's folder, so
the `digest` plugin runs the whole pipeline, and the hand-made anchor site).
Areas are told apart by the file a function is in, never by importing the
code, so this keeps working whatever the digest package's layout.

Two views, because they answer different questions:

- **Inside** (inclusive, overlapping): time from entering an area until
  leaving it, callees included, e.g. "Python-Markdown" is all of
  ``Markdown.convert``; "inline patterns" is inside "Python-Markdown"; the
  HTML parser calls md_in_html's handlers and md_in_html calls the parser.
  Computed as the cumulative time of calls into the area from outside it.
- **Own** (exclusive, adds up to 100 %): each function's own time goes to
  its area. Builtins, the standard library, Jinja2 and MarkupSafe are
  helpers: their time is charged to the code that called them (in
  proportion to the time each caller spent in them), so ``re.match`` called
  by an inline pattern counts as inline patterns and Jinja2's runtime called
  by a Material template counts as theme templates; so is Python-Markdown's
  util.py, whose Registry lookups belong to the processor loop calling them. File IO builtins
  (open, read, write, stat, remove) and waiting for forked workers (fork,
  lock waits) are areas of their own.

cProfile adds a cost per Python call, so call-heavy code (Python-Markdown's
inline patterns, Jinja) looks somewhat bigger than it is without it; the
shares are for ranking, the wall times of build_cost.py for targets. Only
the main process is profiled: work done in forked workers shows as
waiting for them.
"""

from __future__ import annotations

import argparse
import ast
import functools
import pstats
import sys
import sysconfig
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Func = tuple[str, int, str]

STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve().as_posix() + "/"
IO_BUILTINS = (
    "io.open", "'_io.", "posix.stat", "posix.lstat", "posix.fstat", "posix.replace", "posix.rename",
    "posix.unlink", "posix.remove", "posix.mkdir", "posix.rmdir", "posix.scandir", "posix.listdir",
    "posix.open", "posix.close", "posix.utime", "posix.chmod", "posix.sendfile", "_shutil", "posix.access",
    "'_io.", "posix.truncate", "posix.fspath",
)
WAIT_BUILTINS = ("'acquire' of '_thread.lock'", "'acquire' of '_thread.RLock'", "posix.fork", "posix.waitpid",
                 "select.", "posix.read'", "_posixsubprocess")
HELPER_PACKAGES = ("jinja2", "markupsafe")

INLINE = "Python-Markdown: inline patterns"
MD_IN_HTML = "Python-Markdown: md_in_html"
HTML_PARSER = "HTML parser (html.parser)"
TOC = "Python-Markdown: toc"
MARKDOWN_OTHER = "Python-Markdown: other (block parser, attr_list, tables, serializer)"
MKDOCS_PAGES = "MkDocs: pages, links and anchors (structure/)"
MKDOCS_OTHER = "MkDocs: other (config, files, nav, build loop)"
SEARCH = "Material search plugin (its search index)"
THEME = "theme templates (Material/MkDocs, Jinja)"
MATERIAL_OTHER = "Material: other"
DIGEST_TEMPLATES = "digest: page templates (Jinja)"
IO = "file IO (open, read, write, stat, remove)"
WAIT = "forked workers (fork, waiting for their results)"
IMPORTS = "imports"
UNKNOWN = "unattributed"


@functools.lru_cache(maxsize=None)
def _qualnames(filename: str) -> dict[int, str]:
    """Map each def line (and decorator line) of a source file to the function's qualified name."""
    try:
        tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    names: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    for line in [child.lineno, *(d.lineno for d in child.decorator_list)]:
                        names[line] = name
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return names


def _package_path(filename: str) -> str | None:
    """Return the path below site-packages (or below a checkout's root for the digest), or None."""
    posix = filename.replace("\\", "/")
    if "/site-packages/" in posix:
        return posix.split("/site-packages/", 1)[1]
    for marker in ("/generator/", "/templates/"):
        if marker in posix:
            return marker.strip("/") + "/" + posix.split(marker, 1)[1]
    return None


def qualname(func: Func) -> str:
    """Return a readable name: package path and qualified function name, or the builtin's name."""
    filename, line, name = func
    if filename == "~":
        return name
    shown = _package_path(filename) or filename.removeprefix(STDLIB)
    if filename.endswith(".py"):
        name = _qualnames(filename).get(line, name)
    return f"{shown}:{name}"


def area(func: Func) -> str | None:
    """Return the area of a function, or None for a helper whose time goes to its callers."""
    filename, line, name = func
    if filename == "~":
        if any(key in name for key in IO_BUILTINS):
            return IO
        if any(key in name for key in WAIT_BUILTINS):
            return WAIT
        return None
    if filename.startswith("<frozen importlib"):
        return IMPORTS
    if filename.startswith("<"):
        return None
    path = _package_path(filename)
    if path is None:
        resolved = Path(filename).resolve().as_posix()
        if resolved.endswith(("/html/parser.py", "/_markupbase.py")):
            return HTML_PARSER
        return None if resolved.startswith(STDLIB) else UNKNOWN
    top = path.split("/", 1)[0]
    if path == "markdown/util.py":
        # Its Registry is the lookup every processor loop goes through (the inline loop most).
        return None
    if top == "markdown":
        if path.endswith("inlinepatterns.py") or (
            path.endswith("treeprocessors.py") and _qualnames(filename).get(line, "").startswith("InlineProcessor")
        ):
            return INLINE
        if path.endswith("md_in_html.py"):
            return MD_IN_HTML
        if path.endswith("htmlparser.py"):
            return HTML_PARSER
        if path.endswith("extensions/toc.py"):
            return TOC
        return MARKDOWN_OTHER
    if top == "mkdocs":
        if path.endswith(".html"):
            return THEME
        return MKDOCS_PAGES if path.startswith("mkdocs/structure/") else MKDOCS_OTHER
    if top == "material":
        if path.endswith(".html"):
            return THEME
        return SEARCH if "/plugins/search/" in path else MATERIAL_OTHER
    if top in HELPER_PACKAGES:
        return None
    if top == "templates" or path.endswith(".j2"):
        return DIGEST_TEMPLATES
    if top == "generator":
        module = path.removeprefix("generator/").removesuffix(".py").removesuffix("/__init__")
        return f"digest: {module}"
    return f"library: {top.removesuffix('.py')}"


@dataclass
class Summary:
    """One profile summarised."""

    total: float
    inside: dict[str, float]
    own: dict[str, float]
    top: list[dict[str, Any]]


class Profile:
    """A loaded cProfile with the area views."""

    def __init__(self, path: Path) -> None:
        stats = pstats.Stats(str(path))
        self.stats: dict[Func, tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
        self.total: float = stats.total_tt  # type: ignore[attr-defined]
        self._areas: dict[Func, dict[str, float]] = {}

    def _fractions(self, func: Func) -> dict[str, float]:
        """Return how a call to func splits among areas (a helper's split follows its callers' cumulative time)."""
        own = area(func)
        if own is not None:
            return {own: 1.0}
        if not self._areas:
            self._solve()
        return self._areas.get(func) or {UNKNOWN: 1.0}

    def _solve(self, rounds: int = 200) -> None:
        """Work out every helper's split: a fixed point, since helpers call helpers, recursively too."""
        helpers = {func: v[4] for func, v in self.stats.items() if area(func) is None}
        split: dict[Func, dict[str, float]] = {func: {} for func in helpers}
        for _ in range(rounds):
            change = 0.0
            for func, callers in helpers.items():
                out: dict[str, float] = defaultdict(float)
                for caller, v in callers.items():
                    if caller == func:
                        continue
                    named = area(caller)
                    for name, share in ({named: 1.0} if named is not None else split.get(caller, {})).items():
                        out[name] += share * v[3]
                total = sum(out.values())
                new = {name: value / total for name, value in out.items()} if total > 0 else {}
                old = split[func]
                change = max(change, max((abs(new.get(k, 0) - old.get(k, 0)) for k in new.keys() | old.keys()), default=0))
                split[func] = new
            if change < 1e-6:
                break
        self._areas = split

    def _spread(self, weights: dict[Func, float]) -> dict[str, float]:
        """Split one unit among the areas of the given callers, in proportion to their weights."""
        out: dict[str, float] = defaultdict(float)
        for caller, weight in weights.items():
            for name, share in self._fractions(caller).items():
                out[name] += share * weight
        total = sum(out.values())
        return {name: value / total for name, value in out.items()} if total > 0 else {UNKNOWN: 1.0}

    def own(self) -> dict[str, float]:
        """Return seconds of own time per area (sums to the profile's total)."""
        out: dict[str, float] = defaultdict(float)
        for func, (_, _, tt, _, callers) in self.stats.items():
            if area(func) is not None or not callers:
                out[area(func) or UNKNOWN] += tt
                continue
            for name, share in self._spread({c: v[2] for c, v in callers.items()}).items():
                out[name] += tt * share
        return dict(out)

    def inside(self, region: Any, entered_from: Any = None) -> float:
        """Return seconds inside the areas region(name) accepts: cumulative time of the calls into them from outside.

        A call from a helper counts for the share of the helper's time that
        its own callers spent outside the region, so Jinja's runtime calling
        a macro of the same template is not counted twice. With
        entered_from(name), only calls from those areas count.
        """
        total = 0.0
        for func, (_, _, _, _, callers) in self.stats.items():
            name = area(func)
            if name is None or not region(name):
                continue
            for caller, v in callers.items():
                outside = sum(
                    share
                    for name, share in self._fractions(caller).items()
                    if not region(name) and (entered_from is None or entered_from(name))
                )
                total += v[3] * outside
        return total

    def top(self, count: int, skip_above: float = 0.98) -> list[dict[str, Any]]:
        """Return the functions with the most cumulative time.

        Left out: entry wrappers above skip_above of the total, builtins and
        the import machinery (they wrap everything below them).
        """
        rows = sorted(self.stats.items(), key=lambda item: -item[1][3])
        out = []
        for func, (_, calls, tt, ct, _) in rows:
            if ct >= skip_above * self.total or func[0] == "~" or func[0].startswith("<frozen importlib"):
                continue
            out.append({"name": qualname(func), "calls": calls, "own": tt, "cumulative": ct})
            if len(out) == count:
                break
        return out


def _path(func: Func) -> str:
    return _package_path(func[0]) or ""


def inside_areas(profile: Profile) -> dict[str, float]:
    """Return the inclusive areas (overlapping) in seconds."""
    def calls_into(callee: Any, caller_outside: Any) -> float:
        return sum(
            v[3]
            for func, (_, _, _, _, callers) in profile.stats.items()
            if callee(func)
            for caller, v in callers.items()
            if caller_outside(caller)
        )

    def markdown(name: str) -> bool:
        return name.startswith("Python-Markdown")

    return {
        # The Markdown objects MkDocs makes and runs, with MkDocs's own processors that run inside them.
        "Python-Markdown: converting pages (Markdown() and convert)": calls_into(
            lambda func: _path(func) == "markdown/core.py", lambda caller: not _path(caller).startswith("markdown/")
        ),
        INLINE: profile.inside(lambda name: name == INLINE),
        MD_IN_HTML: profile.inside(lambda name: name == MD_IN_HTML),
        "HTML parser, run by Python-Markdown (md_in_html, raw HTML blocks)": profile.inside(
            lambda name: name == HTML_PARSER, entered_from=markdown
        ),
        "HTML parser, run by MkDocs (ids in raw HTML, for its anchor checks)": profile.inside(
            lambda name: name == HTML_PARSER, entered_from=lambda name: name.startswith("MkDocs")
        ),
        TOC: profile.inside(lambda name: name == TOC),
        "the digest plugin's hooks (the pipeline, with what they call)": calls_into(
            lambda func: _path(func).startswith("generator/"), lambda caller: _path(caller) == "mkdocs/plugins.py"
        ),
        DIGEST_TEMPLATES: profile.inside(lambda name: name == DIGEST_TEMPLATES),
        THEME: profile.inside(lambda name: name == THEME),
        SEARCH: profile.inside(lambda name: name == SEARCH),
        IO: sum(v[2] for func, v in profile.stats.items() if area(func) == IO),
        WAIT: sum(v[2] for func, v in profile.stats.items() if area(func) == WAIT),
    }


def summarise(path: Path, top: int = 25) -> Summary:
    """Load a profile and return its summary."""
    profile = Profile(path)
    own = dict(sorted(profile.own().items(), key=lambda item: -item[1]))
    return Summary(profile.total, inside_areas(profile), own, profile.top(top))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path, help="a cProfile output file (python -m cProfile -o FILE ...)")
    parser.add_argument("--top", type=int, default=25, help="how many functions to list by cumulative time")
    args = parser.parse_args(argv)
    summary = summarise(args.profile, args.top)
    print(f"profiled time {summary.total:.1f} s\n\ninside (overlapping):")
    for name, seconds in summary.inside.items():
        print(f"  {seconds / summary.total:6.1%} {seconds:8.1f} s  {name}")
    print("\nown time (adds up to 100 %):")
    for name, seconds in summary.own.items():
        print(f"  {seconds / summary.total:6.1%} {seconds:8.1f} s  {name}")
    print("\ntop functions by cumulative time:")
    for row in summary.top:
        print(f"  {row['cumulative'] / summary.total:6.1%} {row['cumulative']:8.1f} s  own {row['own']:6.1f} s  {row['calls']:>9}  {row['name']}")


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    main()
