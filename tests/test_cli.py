from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from generator.cli import cli

from .conftest import run_digest


def all_commands(group: click.Group) -> list[click.Command]:
    return [group] + list(group.commands.values())


def test_every_command_and_option_has_help():
    for command in all_commands(cli):
        assert command.help, f"`{command.name}` has no help text"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"option {param.opts} of `{command.name}` has no help text"


def test_help_runs_for_each_command():
    runner = CliRunner()
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_new_digest_builds_as_is(tmp_path: Path):
    target = tmp_path / "my digest"
    created = run_digest(tmp_path, "new", str(target), "--title", 'Lab "Papers" & More')
    assert created.returncode == 0, created.stderr
    assert "Next: cd" in created.stdout
    built = run_digest(target, "build", "--strict")
    assert built.returncode == 0, built.stderr
    home = (target / "site" / "index.html").read_text(encoding="utf-8")
    assert "Lab &quot;Papers&quot; &amp; More" in home or "Lab \"Papers\" &amp; More" in home
    assert (target / "site" / "papers.json").is_file()


def test_new_refuses_an_existing_digest(tmp_path: Path):
    (tmp_path / "digest.yml").write_text("title: T\n", encoding="utf-8")
    result = run_digest(tmp_path, "new", str(tmp_path))
    assert result.returncode == 1
    assert "already holds a digest" in result.stderr


def test_build_outside_a_digest_fails_cleanly(tmp_path: Path):
    result = run_digest(tmp_path, "build")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: Could not load 'mkdocs.yml'")
    assert "Traceback" not in result.stderr


def test_failed_build_keeps_previous_site(tmp_path: Path):
    run_digest(tmp_path, "new", str(tmp_path / "d"))
    root = tmp_path / "d"
    assert run_digest(root, "build").returncode == 0
    before = (root / "site" / "index.html").read_bytes()
    (root / "digest.yml").write_text("title: [unclosed\n", encoding="utf-8")
    failed = run_digest(root, "build")
    assert failed.returncode == 1
    assert "Could not read" in failed.stderr and "Traceback" not in failed.stderr
    assert (root / "site" / "index.html").read_bytes() == before
    assert (root / "docs" / "digest").is_dir()
