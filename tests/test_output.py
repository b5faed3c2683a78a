from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.output import UnsafePathError, safe_join, write_tree


@pytest.mark.parametrize("bad", ["../x.md", "a/../../x.md", "/etc/passwd", "a//b", "./x", "C:x", "a\\b", ""])
def test_safe_join_refuses_paths_outside(tmp_path: Path, bad: str):
    with pytest.raises(UnsafePathError):
        safe_join(tmp_path, bad)


def test_safe_join_refuses_symlink_escape(tmp_path: Path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path)
    with pytest.raises(UnsafePathError):
        safe_join(tmp_path / "out", "link/x.md")


def test_write_tree_writes_only_changes_and_prunes(tmp_path: Path):
    out = tmp_path / "out"
    first = write_tree({"a.md": "A", "sub/b.md": "B", "old.md": "O"}, out)
    assert first.written == ["a.md", "old.md", "sub/b.md"]
    os.utime(out / "a.md", (1, 1))
    second = write_tree({"a.md": "A", "sub/b.md": "B2"}, out)
    assert (second.written, second.removed, second.unchanged) == (["sub/b.md"], ["old.md"], 1)
    assert (out / "a.md").stat().st_mtime == 1
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["a.md", "sub", "sub/b.md"]
