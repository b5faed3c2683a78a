"""Regenerate the golden files: `make golden` (python -m tests.golden [--accept]).

The golden test builds tests/fixtures/golden_digest with the real pipeline and
compares every generated file with tests/fixtures/golden_expected/. After a
deliberate change to the output, run this: it prints the diff of what changed
and rewrites the expected files, so `git diff` shows the same change for
review. It refuses to overwrite expected files that have uncommitted changes
(they would be lost) unless told to with --accept.
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import subprocess
import sys
from pathlib import Path

from generator.config import load_config
from generator.pipeline import build_digest, load_sources

GOLDEN_DIGEST = Path(__file__).parent / "fixtures" / "golden_digest"
GOLDEN_EXPECTED = Path(__file__).parent / "fixtures" / "golden_expected"


def golden_files() -> dict[str, str]:
    """Return the generated files of the golden digest, plus its overview and report."""
    config = load_config(GOLDEN_DIGEST / "digest.yml")
    sources, _ = load_sources(config)
    digest = build_digest(config, sources)
    files = dict(digest.files)
    files["_overview.md"] = digest.overview
    files["_report.json"] = digest.report.to_json()
    return files


def expected_files(folder: Path = GOLDEN_EXPECTED) -> dict[str, str]:
    """Return the committed expected files, keyed by path relative to folder."""
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def golden_diff(expected: dict[str, str], actual: dict[str, str]) -> str:
    """Return a unified diff from the expected files to the generated ones ("" when equal)."""
    chunks: list[str] = []
    for name in sorted(expected.keys() | actual.keys()):
        before, after = expected.get(name), actual.get(name)
        if before == after:
            continue
        chunks += difflib.unified_diff(
            (before or "").splitlines(keepends=True),
            (after or "").splitlines(keepends=True),
            fromfile=f"expected/{name}" if before is not None else "/dev/null",
            tofile=f"generated/{name}" if after is not None else "/dev/null",
        )
        if chunks and not chunks[-1].endswith("\n"):
            chunks[-1] += "\n"
    return "".join(chunks)


def uncommitted(folder: Path) -> list[str]:
    """Return git's porcelain status lines for folder (changed, added or deleted files)."""
    result = subprocess.run(
        ["git", "status", "--porcelain", "--", str(folder)],
        cwd=folder.parent, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        return []  # not a git checkout: nothing to lose that git could show
    return result.stdout.splitlines()


def update(folder: Path, files: dict[str, str], accept: bool) -> int:
    """Show the diff and rewrite folder with files; return the exit code."""
    diff = golden_diff(expected_files(folder) if folder.is_dir() else {}, files)
    if not diff:
        print(f"Golden files are up to date ({len(files)} files in {folder}).")
        return 0
    sys.stdout.write(diff)
    dirty = uncommitted(folder)
    if dirty and not accept:
        print(
            f"\nNot written: {folder} has uncommitted changes ({len(dirty)} files), which this would overwrite.\n"
            "Review them with `git diff`, commit or discard them, or run `make golden ACCEPT=1` to overwrite.",
            file=sys.stderr,
        )
        return 1
    shutil.rmtree(folder, ignore_errors=True)
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    print(f"\nRewrote {len(files)} golden files in {folder}; review the change with `git diff` and commit it.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Regenerate the expected golden files from the current pipeline, showing what changed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accept", action="store_true", help="Overwrite expected files with uncommitted changes.")
    args = parser.parse_args(argv)
    return update(GOLDEN_EXPECTED, golden_files(), args.accept)


if __name__ == "__main__":
    sys.exit(main())
