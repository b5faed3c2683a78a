"""The built site: a search folder holding exactly its files, the new site swapped in or the old one kept."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from generator.output import OutputError, make_staging, swap_in, write_site_folder


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Messages show paths relative to the working folder.
    monkeypatch.chdir(tmp_path)


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


def test_write_site_folder_holds_exactly_the_files(tmp_path: Path):
    root = tmp_path / "site" / "search" / "digest"
    write_site_folder({"meta.json": "M", "terms/0.json": "T0", "terms/1.json": "T1"}, root)
    os.utime(root / "meta.json", (1, 1))
    result = write_site_folder({"meta.json": "M", "terms/0.json": "T0b"}, root)
    assert (result.written, result.removed, result.unchanged) == (["terms/0.json"], ["terms/1.json"], 1)
    assert (root / "meta.json").stat().st_mtime == 1
    assert tree(root) == {"meta.json": "M", "terms/0.json": "T0b"}


def test_swap_in_replaces_the_site_and_puts_it_back_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    (tmp_path / "site.old").write_text("a file of the curator's", encoding="utf-8")
    staging = make_staging(site)
    (staging / "index.html").write_text("new", encoding="utf-8")
    swap_in(staging, site)
    assert (site / "index.html").read_text() == "new" and not staging.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "site.old"]
    staging = make_staging(site)
    real = Path.rename

    def rename(self: Path, target: Path) -> Path:
        if self == staging:
            raise OSError(errno.EACCES, "Permission denied", str(target))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OutputError, match="Could not put the new site in place of 'site': Permission denied"):
        swap_in(staging, site)
    assert (site / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [staging.name, "site", "site.old"]
