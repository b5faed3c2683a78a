"""The search index during a build: the job pickles, runs in a fresh process where forking is not safe, and waits to write when told to."""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest

from generator import executor
from generator.executor import ForkExecutor
from generator.plugin.search_build import SearchIndexJob
from generator.site.search_index import SearchPage

from ..conftest import another_thread
from ..site.test_search_index import corpus

PAGES = [SearchPage("digest/a/", "A", "About a."), SearchPage("digest/b/", "B"), SearchPage("digest/c/", "C")]


@pytest.fixture
def no_fork():
    """A thread runs beside the test, as `digest serve`'s web server does: the process may not fork."""
    if not executor._can_spawn():
        pytest.skip("one core: no process of its own")
    with another_thread():
        assert not executor.can_fork()
        yield


def test_the_job_pickles_and_writes_the_same_files_in_a_fresh_process(tmp_path: Path, no_fork: None):
    here = SearchIndexJob(PAGES, corpus(), tmp_path / "here")
    assert pickle.loads(pickle.dumps(here)) == here
    here()
    ForkExecutor().background(SearchIndexJob(PAGES, corpus(), tmp_path / "there"), picklable=True).result()
    files = sorted(p.relative_to(tmp_path / "here") for p in (tmp_path / "here").rglob("*") if p.is_file())
    assert len(files) > 3
    for name in files:
        assert (tmp_path / "there" / name).read_bytes() == (tmp_path / "here" / name).read_bytes()


def test_a_job_started_early_writes_only_once_told_to(tmp_path: Path, no_fork: None):
    """A preview rebuild starts the index before on_files, which may still empty the site folder."""
    go = tmp_path / ".go"
    # Run where it was started (no process to spare): it hands the files back, writing nothing.
    here = SearchIndexJob(PAGES, corpus(), tmp_path / "here", go)()
    assert isinstance(here, dict) and "meta.json" in here and not (tmp_path / "here").exists()
    job = ForkExecutor().background(SearchIndexJob(PAGES, corpus(), tmp_path / "there", go), picklable=True)
    time.sleep(3)  # time enough to build this small index
    assert not (tmp_path / "there").exists()
    go.touch()
    job.result()
    assert sorted(p.relative_to(tmp_path / "there").as_posix() for p in (tmp_path / "there").rglob("*.json")) == sorted(here)
