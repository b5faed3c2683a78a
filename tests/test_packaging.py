"""The package ships what it needs and declares what it imports."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

from .conftest import PROJECT

PACKAGE = PROJECT / "generator"


def _imported_modules() -> set[str]:
    """Return the top-level names of every module the package imports (not its own, not the standard library's)."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {name for name in names if name != "generator" and name not in sys.stdlib_module_names}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_module_the_package_imports_is_a_declared_dependency():
    declared = {
        _canonical(re.match(r"[A-Za-z0-9._-]+", requirement).group())  # type: ignore[union-attr]
        for requirement in metadata.requires("topic-digest") or []
        if "extra ==" not in requirement
    }
    providers = metadata.packages_distributions()
    imported = _imported_modules()
    assert {"numpy", "scipy", "yaml", "jinja2"} <= imported
    undeclared = {name: providers.get(name) for name in imported if not declared & {_canonical(d) for d in providers.get(name, [])}}
    assert undeclared == {}


def test_the_wheel_holds_templates_assets_and_skeleton_and_the_build_warns_of_nothing(tmp_path: Path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT / name, source / name)
    shutil.copytree(PACKAGE, source / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run(
        [sys.executable, "-c", "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))", str(tmp_path / "dist")],
        cwd=source, capture_output=True, text=True, check=False,
    )
    assert built.returncode == 0, built.stderr
    output = built.stdout + built.stderr
    assert "absent from the `packages` configuration" not in output
    assert "Warning" not in output, output
    wheel = tmp_path / "dist" / built.stdout.strip().splitlines()[-1]
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {path.relative_to(PROJECT).as_posix() for path in PACKAGE.rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    assert shipped <= names, sorted(shipped - names)
    for kind in (".j2", ".js", ".css"):
        assert any(name.endswith(kind) for name in names), kind
    assert any(name.endswith("skeleton/dot-github/workflows/deploy.yml") for name in names)
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)
