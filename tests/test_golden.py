from __future__ import annotations

import subprocess
from pathlib import Path

from .golden import GOLDEN_EXPECTED, expected_files, golden_diff, golden_files, update


def test_generated_markdown_matches_golden_files():
    diff = golden_diff(expected_files(), golden_files())
    assert not diff, f"the generated files differ from the golden files; run `make golden` and review:\n{diff}"


def _git_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "expected"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    for command in (["init", "-q"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "golden"]):
        subprocess.run(["git", *command], cwd=tmp_path, check=True)
    return folder


def test_make_golden_shows_the_diff_and_rewrites_committed_files(tmp_path: Path, capsys):
    folder = _git_folder(tmp_path, {"a.md": "one\ntwo\n", "gone.md": "x\n"})
    assert update(folder, {"a.md": "one\nthree\n", "new.md": "y\n"}, accept=False) == 0
    out = capsys.readouterr().out
    assert "-two\n+three\n" in out and "+++ generated/new.md" in out and "--- expected/gone.md" in out
    assert expected_files(folder) == {"a.md": "one\nthree\n", "new.md": "y\n"}


def test_make_golden_refuses_to_overwrite_uncommitted_changes_unless_accepted(tmp_path: Path, capsys):
    folder = _git_folder(tmp_path, {"a.md": "one\n"})
    (folder / "a.md").write_text("hand-edited\n", encoding="utf-8")
    assert update(folder, {"a.md": "generated\n"}, accept=False) == 1
    assert "uncommitted changes" in capsys.readouterr().err
    assert (folder / "a.md").read_text(encoding="utf-8") == "hand-edited\n"
    assert update(folder, {"a.md": "generated\n"}, accept=True) == 0
    assert (folder / "a.md").read_text(encoding="utf-8") == "generated\n"


def test_up_to_date_golden_files_are_left_alone(capsys):
    before = {path: path.stat().st_mtime_ns for path in GOLDEN_EXPECTED.rglob("*") if path.is_file()}
    assert update(GOLDEN_EXPECTED, expected_files(), accept=False) == 0
    assert "up to date" in capsys.readouterr().out
    assert {path: path.stat().st_mtime_ns for path in GOLDEN_EXPECTED.rglob("*") if path.is_file()} == before
