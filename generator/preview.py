"""Live preview: a `digest serve` rebuild skips generated files whose bytes did not change.

`digest serve` runs MkDocs' dirty builds, which keep the site folder and
rebuild only files that say they are modified. A generated file says so when
its content differs from the last build's. Everything else is rebuilt as in a
clean build: hand-written pages always (they carry the nav titles and the home
page's overview), and the whole site when mkdocs.yml, digest.yml, a template,
the set of hand-written pages or one of their titles changed, since any of
them can change every page's navigation.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.structure.files import File, Files
from mkdocs.utils import clean_directory
from mkdocs.utils.meta import get_data

# An ATX (`# Title`) or setext (`Title` over `===`) first-level heading.
FIRST_HEADING = re.compile(r"^(?:#[ \t]+(.+?)[ \t#]*|(\S.*)\n=+[ \t]*)$", re.MULTILINE)


class GeneratedFile(File):
    """A generated file that a dirty build skips when it is marked unchanged."""

    unchanged = False

    def is_modified(self) -> bool:
        return not (self.unchanged and os.path.isfile(self.abs_dest_path))


def nav_labels(pages: Iterable[File]) -> list[str]:
    """Return each hand-written page's path and the title the nav may show for it."""
    labels = []
    for page in pages:
        markdown, meta = get_data(page.content_string)
        heading = FIRST_HEADING.search(markdown)
        title = meta.get("title") or (heading[1] or heading[2] if heading else "")
        labels.append(f"{page.src_uri}\0{title}")
    return labels


def signature(paths: Iterable[Path], names: Iterable[str]) -> bytes:
    """Fingerprint the files that shape every page (missing ones count as empty) and a list of names."""
    digest = hashlib.blake2b(digest_size=16)
    for path in paths:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"")
        digest.update(b"\0")
    for name in names:
        digest.update(name.encode() + b"\0")
    return digest.digest()


@dataclass
class PreviewState:
    """What the last build of a serve session wrote: the signature and each generated file."""

    signature: bytes = b""
    # The text itself, not a hash: a fast preview update hands back most of
    # the same str objects, which compare in no time.
    built: dict[str, tuple[str, str]] = field(default_factory=dict)

    def update(self, files: Files, generated: dict[str, str], new_signature: bytes, site_dir: str) -> int:
        """Mark unchanged generated files, force hand-written pages, drop stale output; return files skipped."""
        if new_signature != self.signature:
            # Navigation may differ everywhere: start from an empty site.
            clean_directory(site_dir)
            self.built = {}
        self.signature = new_signature
        previous, self.built = self.built, {}
        skipped = 0
        for file in files:
            if file.src_uri in generated:
                assert isinstance(file, GeneratedFile)
                content = generated[file.src_uri]
                before = previous.get(file.src_uri)
                file.unchanged = before is not None and before[0] == content
                skipped += not file.is_modified()
                self.built[file.src_uri] = (content, file.abs_dest_path)
            elif file.is_documentation_page() and os.path.isfile(file.abs_dest_path):
                os.remove(file.abs_dest_path)
        for uri, (_, dest) in previous.items():
            if uri not in self.built and os.path.isfile(dest):
                os.remove(dest)
        return skipped
