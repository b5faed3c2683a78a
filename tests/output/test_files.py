"""Writing one file: never outside its folder, with plain permissions, failures said with a hint."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from generator.output import (
    MANIFEST,
    OutputError,
    UnsafePathError,
    check_file_target,
    make_staging,
    safe_join,
    write_file,
    write_site_folder,
)

from .conftest import write


@pytest.mark.parametrize("bad", ["../x.md", "a/../../x.md", "/etc/passwd", "a//b", "./x", "C:x", "a\\b", ""])
def test_safe_join_refuses_paths_outside(tmp_path: Path, bad: str):
    with pytest.raises(UnsafePathError):
        safe_join(tmp_path, bad)


def test_safe_join_refuses_symlink_escape(tmp_path: Path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path)
    with pytest.raises(UnsafePathError):
        safe_join(tmp_path / "out", "link/x.md")


def plain_modes(folder: Path) -> tuple[int, int]:
    """What a plain open() and mkdir() make under the current umask (the oracle)."""
    folder.mkdir()
    (folder / "f").write_text("x")
    return stat.S_IMODE((folder / "f").stat().st_mode), stat.S_IMODE(folder.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_files_and_folders_get_the_permissions_of_plain_writes(tmp_path: Path, umask: int):
    old = os.umask(umask)
    try:
        file_mode, folder_mode = plain_modes(tmp_path / "plain")
        out = tmp_path / "out"
        write(out, {"a.md": "A", "sub/b.md": "B"})
        write_site_folder({"meta.json": "{}", "terms/0.json": "[]"}, tmp_path / "site" / "search")
        write_file(tmp_path / "report.json", "{}", "the build report")
        staging = make_staging(tmp_path / "site")
    finally:
        os.umask(old)
    assert (file_mode, folder_mode) == (0o666 & ~umask, 0o777 & ~umask)
    files = [out / "a.md", out / "sub" / "b.md", out / MANIFEST, tmp_path / "site/search/meta.json", tmp_path / "site/search/terms/0.json", tmp_path / "report.json"]
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {p.name: oct(file_mode) for p in files}
    folders = [out, out / "sub", tmp_path / "site" / "search" / "terms", staging]
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in folders} == {p.name: oct(folder_mode) for p in folders}


def fail_with(monkeypatch: pytest.MonkeyPatch, code: int, under: Path) -> None:
    """Make creating files under a folder fail as the system would (a full disk, no permission)."""
    real = os.open

    def failing(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).startswith(str(under)) and flags & os.O_CREAT:
            raise OSError(code, os.strerror(code))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", failing)


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        (errno.ENOSPC, "No space left on device. The disk is full: free some space and run again."),
        (errno.EACCES, "Permission denied. Make it writable for this user, or run as the user who owns it."),
        (errno.EROFS, "Read-only file system. It is on a read-only file system: build where you can write."),
    ],
)
def test_a_failed_write_says_where_why_and_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, hint: str):
    out = tmp_path / "docs" / "digest"
    write(out, {"a.md": "A"})
    fail_with(monkeypatch, code, out)
    with pytest.raises(OutputError) as caught:
        write(out, {"a.md": "A2"})
    assert str(caught.value) == f"Could not write into the output folder 'docs/digest': {hint}"
    assert (out / "a.md").read_text() == "A" and sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.md"]
    with pytest.raises(OutputError) as caught:
        write_file(out / "report.json", "{}", "the build report")
    assert str(caught.value) == f"Could not write the build report 'docs/digest/report.json': {hint}"


def test_check_file_target(tmp_path: Path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    check_file_target(tmp_path / "report.json", "the build report")
    with pytest.raises(OutputError) as caught:
        check_file_target(tmp_path / "missing" / "report.json", "the build report")
    assert str(caught.value) == (
        "Could not write the build report 'missing/report.json': the folder 'missing' does not exist. "
        "Create the folder, or choose another path."
    )
    with pytest.raises(OutputError, match="the folder 'a-file' is a file"):
        check_file_target(tmp_path / "a-file" / "report.json", "the build report")
    with pytest.raises(OutputError, match="'reports': it is a folder. Give a file name, such as 'reports/report.json'"):
        check_file_target(tmp_path / "reports", "the build report")
