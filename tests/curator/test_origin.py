"""The install line `digest new` writes into requirements.txt installs exactly the running topic-digest."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from generator.curator import origin

from ..conftest import PROJECT, run_digest


class FakeDistribution(metadata.Distribution):
    """An installed topic-digest whose direct_url.json (PEP 610) says where it came from."""

    def __init__(self, direct_url: dict[str, object] | None) -> None:
        self.direct_url = direct_url

    def read_text(self, filename: str) -> str | None:
        if filename == "METADATA":
            return "Metadata-Version: 2.1\nName: topic-digest\nVersion: 1.2.3\n"
        if filename == "direct_url.json" and self.direct_url is not None:
            return json.dumps(self.direct_url)
        return None

    def locate_file(self, path: str | Path) -> Path:
        return Path(path)


def installed(monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, object] | None) -> None:
    monkeypatch.setattr(origin.metadata, "distribution", lambda name: FakeDistribution(direct_url))


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def test_an_install_from_the_package_index_pins_its_version(monkeypatch: pytest.MonkeyPatch):
    installed(monkeypatch, None)
    assert origin.running_install().line == "topic-digest==1.2.3"


def test_an_install_from_git_pins_the_commit_it_came_from(monkeypatch: pytest.MonkeyPatch):
    installed(monkeypatch, {
        "url": "https://github.com/lab/topic-digest",
        "vcs_info": {"vcs": "git", "commit_id": "a" * 40, "requested_revision": "main"},
    })
    assert origin.running_install().line == f"topic-digest @ git+https://github.com/lab/topic-digest@{'a' * 40}"


def test_an_install_from_a_local_wheel_copies_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    wheel = tmp_path / "topic_digest-1.2.3-py3-none-any.whl"
    wheel.write_bytes(b"PK")
    installed(monkeypatch, {"url": wheel.as_uri(), "archive_info": {}})
    install = origin.running_install()
    assert (install.line, install.wheel) == ("./wheels/topic_digest-1.2.3-py3-none-any.whl", wheel)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_checkout_pins_the_commit_its_remote_holds_and_only_then(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    checkout = tmp_path / "topic-digest"
    (checkout / "generator").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\nname = 'topic-digest'\n", encoding="utf-8")
    (checkout / "generator" / "__init__.py").write_text("", encoding="utf-8")
    git(checkout, "init", "-q", "-b", "main")
    git(checkout, "add", ".")
    git(checkout, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "start")
    commit = git(checkout, "rev-parse", "HEAD")
    git(checkout, "remote", "add", "origin", "git@github.com:lab/topic-digest.git")
    installed(monkeypatch, {"url": checkout.as_uri(), "dir_info": {"editable": True}})
    # Not pushed yet: no remote has the commit, so a wheel stands in (built from the checkout).
    monkeypatch.setattr(origin, "_cached_wheel", lambda source: None)
    assert origin.running_install().line.startswith("# topic-digest @ git+")
    # As if pushed: the remote-tracking branch holds the commit.
    git(checkout, "update-ref", "refs/remotes/origin/main", commit)
    assert origin.running_install().line == f"topic-digest @ git+ssh://git@github.com/lab/topic-digest.git@{commit}"
    # A change not committed is not what the remote holds.
    (checkout / "generator" / "__init__.py").write_text("CHANGED = True\n", encoding="utf-8")
    assert origin.running_install().line.startswith("# topic-digest")


def test_a_new_digest_installs_the_running_topic_digest_in_a_fresh_venv(tmp_path: Path):
    """This checkout has no remote: the new folder carries a wheel of it, which installs offline."""
    result = run_digest(tmp_path, "new", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    requirement = (tmp_path / "d" / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert requirement.startswith("./wheels/topic_digest-") and requirement.endswith(".whl")
    assert "requirements.txt installs a wheel of the running topic-digest" in result.stdout
    wheel = tmp_path / "d" / requirement
    names = set(zipfile.ZipFile(wheel).namelist())
    # The wheel is this source tree: every module of the package is in it.
    for module in (PROJECT / "generator").rglob("*.py"):
        assert module.relative_to(PROJECT).as_posix() in names
    # The workflow's own command, run in the folder, into a throwaway target; --no-deps keeps it offline.
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--target", str(tmp_path / "site-packages"), "-r", "requirements.txt"],
        cwd=tmp_path / "d", capture_output=True, text=True, check=False,
    )
    assert install.returncode == 0, install.stderr
    installed_files = {p.relative_to(tmp_path / "site-packages").as_posix() for p in (tmp_path / "site-packages").rglob("*")}
    assert "generator/curator/skeleton/digest.yml" in installed_files
    assert any(name.startswith("topic_digest-") and name.endswith(".dist-info") for name in installed_files)


def test_a_source_tree_never_installed_gets_a_wheel_of_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    def missing(name: str) -> metadata.Distribution:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(origin.metadata, "distribution", missing)
    monkeypatch.setattr(origin, "_pushed_commit", lambda source: None)
    built: list[Path] = []
    wheel = tmp_path / "topic_digest-0.1.0-py3-none-any.whl"
    monkeypatch.setattr(origin, "_cached_wheel", lambda source: built.append(source) or wheel)
    install = origin.running_install()
    assert (install.line, install.wheel, built) == ("./wheels/topic_digest-0.1.0-py3-none-any.whl", wheel, [PROJECT])
