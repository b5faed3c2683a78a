"""Finding and reading the listing files digest.yml names."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_config
from generator.pipeline import load_sources

from ..conftest import PROJECT


def test_sources_that_cannot_be_read_are_skipped_with_a_warning_naming_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import os
    import threading

    monkeypatch.chdir(tmp_path)
    listing = (PROJECT / "data" / "sources").iterdir().__next__().read_bytes()
    sources = tmp_path / "data" / "sources"
    (sources / "old").mkdir(parents=True)
    (sources / "good.txt").write_bytes(listing)
    (sources / "broken-link.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(sources / "pipe.txt")
    (sources / "secret.txt").write_bytes(listing)
    (tmp_path / "digest.yml").write_text("title: T\n", encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        # Simulated: as root, no permission bit stops a read.
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    config = load_config(tmp_path / "digest.yml")
    done: list[tuple[list, list[str]]] = []
    reader = threading.Thread(target=lambda: done.append(load_sources(config)), daemon=True)
    reader.start()
    reader.join(20)
    assert done, "reading the sources blocked (a pipe?)"
    files, warnings = done[0]
    assert [f.name for f in files] == ["good.txt"]
    assert warnings == [
        f"Listing 'broken-link.txt': it is a link to '{tmp_path / 'gone.txt'}', which does not exist; it was "
        "skipped. Fix or remove the link.",
        "Listing 'old': it is a folder, which `sources: data/sources/*` matches; it was skipped. Narrow the pattern "
        "to files (such as `data/sources/*.txt`), or read the folder's files too with `data/sources/**/*`.",
        "Listing 'pipe.txt': it is not a regular file (a pipe, socket or device); it was skipped. Save listings as "
        "ordinary files.",
        "Listing 'secret.txt': could not read it (Permission denied); its papers are missing from this build. "
        "Check the file and its permissions.",
    ]
    # A recursive pattern walks folders; it does not warn about them.
    (tmp_path / "digest.yml").write_text("title: T\nsources: ['data/sources/**/*.txt', 'data/sources/**']\n", encoding="utf-8")
    (sources / "old" / "more.txt").write_bytes(listing + b"\n")
    files, warnings = load_sources(load_config(tmp_path / "digest.yml"))
    assert [f.name for f in files] == ["good.txt", "old/more.txt"]
    assert not any("is a folder" in warning for warning in warnings)
