"""Regenerate generator/site/assets/snowball-english.js from a Snowball source tree.

The search worker stems words with the English (Porter2) stemmer that the
Snowball compiler generates, the same algorithm and version as the Python
package `snowballstemmer` the index build uses (pyproject.toml pins it).
The build and the tests never run this; it needs a C compiler and a checkout
of https://github.com/snowballstem/snowball at the release tag:

    git clone --branch v3.1.1 https://github.com/snowballstem/snowball /tmp/snowball
    python scripts/vendor_snowball.py /tmp/snowball

It builds the compiler (make snowball), generates english-stemmer.js, and
joins it with the runtime's base-stemmer.js into one classic script (the
worker loads it with importScripts, which cannot load ES modules): the two
`export default` lines and the `import` line are the only changes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "generator" / "site" / "assets" / "snowball-english.js"


def main(source: Path) -> None:
    """Generate the English stemmer in source and write the vendored script."""
    subprocess.run(["make", "snowball"], cwd=source, check=True)
    subprocess.run(["make", "js_out/english-stemmer.js", "js_out/base-stemmer.js"], cwd=source, check=True)
    base = (source / "js_out" / "base-stemmer.js").read_text(encoding="utf-8")
    english = (source / "js_out" / "english-stemmer.js").read_text(encoding="utf-8")
    version = english.splitlines()[0]  # "// Generated from english.sbl by Snowball X.Y.Z - ..."
    licence = (source / "COPYING").read_text(encoding="utf-8").strip()
    base = _replace_once(base, "export default class BaseStemmer {", "class BaseStemmer {")
    english = _replace_once(english, "import B from './base-stemmer.js'\n", "const B = BaseStemmer;\n")
    english = _replace_once(english, "export default class extends B {", "const EnglishStemmer = class extends B {")
    header = (
        "// The Snowball English (Porter2) stemmer for the search worker, vendored by\n"
        "// scripts/vendor_snowball.py: base-stemmer.js and english-stemmer.js joined\n"
        "// into one classic script (their import/export lines replaced, nothing else).\n"
        f"// {version.lstrip('/ ')}\n//\n"
        + "\n".join(f"// {line}".rstrip() for line in licence.splitlines())
        + "\n"
    )
    TARGET.write_text(f"{header}\n{base}\n{english}", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")


def _replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        sys.exit(f"expected {old!r} once in the generated JavaScript; has Snowball changed its output?")
    return text.replace(old, new)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/vendor_snowball.py SNOWBALL_SOURCE_DIR")
    main(Path(sys.argv[1]))
