"""Write a new digest folder from the bundled skeleton."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ..errors import DigestError
from ..output import describe
from .origin import Install, running_install

SKELETON = Path(__file__).resolve().parent / "skeleton"
# Files in the skeleton whose text carries the digest's title.
_TITLED = {"mkdocs.yml", "digest.yml", "docs/index.md"}
# MkDocs' `docs_dir:` in a mkdocs.yml, read without YAML (its !ENV tags need MkDocs' loader).
_DOCS_DIR = re.compile(r"^docs_dir:[ \t]*['\"]?([^'\"#\n]*?)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


class ScaffoldError(DigestError):
    """A new digest folder cannot be written where it was asked for."""


def create(directory: Path, title: str, install: Install | None = None) -> list[Path]:
    """Copy the skeleton into directory (which must not hold a digest) and return what was written.

    requirements.txt installs `install` (by default the running
    topic-digest, see origin.py). Raises ScaffoldError, writing nothing, when
    the folder holds a digest or a file the skeleton would write; or saying
    why a write failed.
    """
    try:
        return _create(directory, title, install)
    except FileExistsError as error:
        raise ScaffoldError(str(error)) from None
    except OSError as error:
        raise ScaffoldError(describe(error, f"Could not write the new digest into '{directory}'")) from None


def _create(directory: Path, title: str, install: Install | None) -> list[Path]:
    if (directory / "digest.yml").exists() or (directory / "mkdocs.yml").exists():
        raise FileExistsError(
            f"'{directory}' already holds a digest (digest.yml or mkdocs.yml). "
            "Choose an empty or new folder."
        )
    docs = enclosing_docs(directory)
    if docs is not None:
        raise FileExistsError(
            f"'{directory}' is inside '{docs}', the pages folder of the site in '{docs.parent}', which would "
            "publish the new digest's files (digest.yml, listings, wheels) as its own. Choose a folder outside it."
        )
    targets: dict[Path, str] = {}
    for source in sorted(SKELETON.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        relative = source.relative_to(SKELETON).as_posix()
        # Packaged without leading dots, which packaging tools tend to skip.
        target = directory / "/".join(
            "." + part.removeprefix("dot-") if part.startswith("dot-") else part
            for part in relative.split("/")
        )
        text = source.read_text(encoding="utf-8")
        if relative in _TITLED:
            text = text.replace("{{title}}", _yaml_safe(title) if relative.endswith(".yml") else title)
        targets[target] = text
    # Never write over a file someone else wrote (a home page, a .gitignore).
    existing = [target for target in targets if target.exists() or target.is_symlink()]
    if existing:
        names = ", ".join(f"'{target.relative_to(directory).as_posix()}'" for target in existing)
        raise FileExistsError(
            f"'{directory}' already holds {names}, which `digest new` would write. "
            "Choose an empty or new folder, or move those files away."
        )
    install = install or running_install()
    targets[directory / "requirements.txt"] = (
        targets[directory / "requirements.txt"].replace("{{why}}", install.why).replace("{{install}}", install.line)
    )
    for target, text in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    written = list(targets)
    if install.wheel is not None:
        wheel = directory / install.line.removeprefix("./")
        wheel.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(install.wheel, wheel)
        written.append(wheel)

    return written


def enclosing_docs(directory: Path) -> Path | None:
    """Return the pages folder (docs_dir) of a MkDocs site in a folder above that directory is inside, if any."""
    here = directory.resolve()
    for parent in here.parents:
        config = parent / "mkdocs.yml"
        try:
            text = config.read_text(encoding="utf-8-sig") if config.is_file() else None
        except (OSError, UnicodeDecodeError):
            continue
        if text is None:
            continue
        match = _DOCS_DIR.search(text)
        docs = (parent / ((match[1].strip() if match else "") or "docs")).resolve()
        if docs == here or docs in here.parents:
            return docs
    return None


def _yaml_safe(title: str) -> str:
    """Return the title as a double-quoted YAML scalar."""
    escaped = title.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
