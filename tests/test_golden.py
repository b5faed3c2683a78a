from __future__ import annotations

from .golden import GOLDEN_EXPECTED, golden_files


def test_generated_markdown_matches_golden_files():
    files = golden_files()
    expected = {
        path.relative_to(GOLDEN_EXPECTED).as_posix(): path.read_text(encoding="utf-8")
        for path in GOLDEN_EXPECTED.rglob("*")
        if path.is_file()
    }
    assert sorted(files) == sorted(expected), "run `make golden` after a deliberate change"
    for name, content in files.items():
        assert content == expected[name], f"{name} differs; run `make golden` and review the diff"
