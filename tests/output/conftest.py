"""Shared fixtures of the output tests: run in a temporary folder, write one build's files."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import output
from generator.output import OutputFolder


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Messages show paths relative to the working folder.
    monkeypatch.chdir(tmp_path)


def write(folder: Path, files: dict[str, str]) -> output.WriteResult:
    """Write one build's files the way write_generated does."""
    out = OutputFolder(folder)
    result = out.write(files)
    result.removed, result.foreign = out.finish(files)
    return result
