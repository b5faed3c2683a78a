"""Say how to install exactly the topic-digest that runs: the line `digest new` writes into requirements.txt.

In order of preference, the line is what pip itself recorded (PEP 610's
direct_url.json): a git URL pinned to its commit, else the version from the
package index; for a git checkout (an editable install) whose commit a
remote has, that remote's URL at that commit; otherwise a wheel of the
running source, built into the new folder, so that a fresh clone of the
digest installs what wrote it with no guess at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

DISTRIBUTION = "topic-digest"
WHEEL_FOLDER = "wheels"
# git and a wheel build each get this long before we fall back.
TIMEOUT = 120


@dataclass(frozen=True)
class Install:
    """The requirement line for topic-digest, why it is that, and a wheel to copy beside it (if any)."""

    line: str
    why: str
    wheel: Path | None = None


def running_install() -> Install:
    """Return how a fresh clone of a new digest installs the topic-digest that is running now."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        dist = None
    if dist is None:
        # Run from a source tree that was never installed (`python -m generator`).
        return _from_checkout(Path(__file__).resolve().parents[2])
    version = dist.version
    direct = _direct_url(dist)
    if direct is None:
        # Installed from a package index, which serves it by name and version.
        return Install(f"{DISTRIBUTION}=={version}", f"topic-digest {version} from the package index")
    vcs = direct.get("vcs_info")
    url = direct.get("url", "")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return Install(
            f"{DISTRIBUTION} @ git+{url}@{vcs['commit_id']}", f"the git commit topic-digest was installed from ({url})"
        )
    local = _local_path(url)
    if local is not None and local.suffix == ".whl" and local.is_file():
        # Installed from a wheel on this machine: the clone gets a copy of it.
        return Install(f"./{WHEEL_FOLDER}/{local.name}", f"a copy of the wheel topic-digest was installed from ('{local}')", local)
    source = local if local is not None and (local / "pyproject.toml").is_file() else None
    if source is None:
        return Install(f"{DISTRIBUTION} @ {url}", f"the address topic-digest was installed from ({url})")
    return _from_checkout(source)


def _from_checkout(source: Path) -> Install:
    """Return how to install the source tree at `source`: its pushed commit, else a wheel of it."""
    pinned = _pushed_commit(source)
    if pinned is not None:
        remote, commit = pinned
        return Install(f"{DISTRIBUTION} @ git+{remote}@{commit}", f"commit {commit[:12]} of {remote}, which is this checkout's")
    wheel = _cached_wheel(source)
    if wheel is None:
        return Install(
            f"# {DISTRIBUTION} @ git+https://github.com/OWNER/topic-digest@COMMIT",
            f"nothing: the checkout at '{source}' has no pushed commit and no wheel could be built. "
            "Replace the commented line with where you get topic-digest",
        )
    return Install(
        f"./{WHEEL_FOLDER}/{wheel.name}",
        f"a wheel of the running topic-digest ({wheel.name}, built from '{source}', which no remote holds as it is)",
        wheel,
    )


def _direct_url(dist: metadata.Distribution | None) -> dict[str, object] | None:
    if dist is None:
        return None
    text = dist.read_text("direct_url.json")
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _local_path(url: str) -> Path | None:
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def _git(source: Path, *args: str) -> str | None:
    if shutil.which("git") is None:
        return None
    try:
        result = subprocess.run(
            ["git", "-C", str(source), *args], capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _pushed_commit(source: Path) -> tuple[str, str] | None:
    """Return (remote URL, commit) when the checkout is clean and a remote branch holds its commit."""
    commit = _git(source, "rev-parse", "--verify", "HEAD")
    # Uncommitted changes to the package: the commit is not what runs.
    changes = _git(source, "status", "--porcelain", "--untracked-files=no", "--", "generator", "pyproject.toml")
    if not commit or changes is None or changes:
        return None
    holders = _git(source, "branch", "--remotes", "--contains", commit, "--format=%(refname:short)")
    for ref in (holders or "").splitlines():
        name = ref.split("/", 1)[0]
        remote = _git(source, "remote", "get-url", name)
        url = _network_url(remote or "")
        if url is not None:
            return url, commit
    return None


def _network_url(remote: str) -> str | None:
    """Return a git remote as pip's git+ URL takes it, or None for one on this machine."""
    if remote.startswith(("https://", "http://", "ssh://")):
        return remote
    # scp-like: git@github.com:owner/repo.git
    user_host, sep, path = remote.partition(":")
    if sep and "@" in user_host and "/" not in user_host:
        return f"ssh://{user_host}/{path}"
    return None


def _cached_wheel(source: Path) -> Path | None:
    """Return a wheel of the source tree, built once per state of its files and kept in the user's cache."""
    files = [source / "pyproject.toml", source / "README.md"]
    files += sorted(p for p in (source / "generator").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(source).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "topic-digest" / "wheels"
    folder = cache / digest.hexdigest()[:20]
    found = sorted(folder.glob("*.whl")) if folder.is_dir() else []
    if found:
        return found[0]
    wheel = _build_wheel(source)
    if wheel is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Copied under a temporary name and renamed, so a half-copied wheel is never found.
        partial = folder / f".{wheel.name}.partial"
        shutil.copyfile(wheel, partial)
        partial.replace(folder / wheel.name)
        return folder / wheel.name
    except OSError:
        # No cache (a read-only home): a fresh temporary build each time.
        return wheel
    finally:
        if (folder / wheel.name).is_file():
            shutil.rmtree(wheel.parent.parent, ignore_errors=True)


def _build_wheel(source: Path) -> Path | None:
    """Build a wheel of the source tree (a copy of it, so the checkout gains no build folder); None on failure."""
    staging = Path(tempfile.mkdtemp(prefix="topic-digest-wheel-"))
    try:
        tree = staging / "src"
        tree.mkdir()
        for name in ("pyproject.toml", "README.md"):
            if (source / name).is_file():
                shutil.copy2(source / name, tree / name)
        shutil.copytree(source / "generator", tree / "generator", ignore=shutil.ignore_patterns("__pycache__"))
        dist = staging / "dist"
        script = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
        result = subprocess.run(
            [sys.executable, "-c", script, str(dist)], cwd=tree, capture_output=True, text=True,
            timeout=TIMEOUT, check=False,
        )
        lines = result.stdout.strip().splitlines()
        if result.returncode != 0 or not lines or not (dist / lines[-1]).is_file():
            shutil.rmtree(staging, ignore_errors=True)
            return None
        return dist / lines[-1]
    except (OSError, subprocess.TimeoutExpired):
        shutil.rmtree(staging, ignore_errors=True)
        return None
