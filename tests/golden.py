"""Regenerate the golden files: `make golden` (python -m tests.golden).

The golden test builds tests/fixtures/golden_digest with the real pipeline and
compares every generated file with tests/fixtures/golden_expected/. After a
deliberate change to the output, run this and review the diff before committing.
"""

from __future__ import annotations

import shutil
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


def main() -> None:
    """Rewrite the expected golden files from the current pipeline."""
    shutil.rmtree(GOLDEN_EXPECTED, ignore_errors=True)
    for relative, content in golden_files().items():
        path = GOLDEN_EXPECTED / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
