from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
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
    assert result.stderr == (
        f"Error: Could not find 'mkdocs.yml' in '{tmp_path}' or any parent folder. Run the command in a digest folder "
        "(the one with mkdocs.yml and digest.yml), or create one with `digest new DIR`.\n"
    )
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


def test_check_passes_on_the_bundled_digest():
    from .conftest import PROJECT

    result = run_digest(PROJECT, "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "OK: 473 records read, 393 papers, 1 unsorted.\n"


def test_check_lists_every_problem_and_exits_1(tmp_path: Path):
    run_digest(tmp_path, "new", str(tmp_path / "d"))
    root = tmp_path / "d"
    (root / "data" / "sources" / "bad.txt").write_text(
        "Daily Papers\n\nOnly A Title\n\n  • 2 authors\n·\nFeb 30, 2024\n\nGood Title\n\nAbstract.\n\n"
        "  • 1 author\n·\nFeb 30, 2024\n",
        encoding="utf-8",
    )
    (root / "data" / "sources" / "broken.jsonl").write_text('{"abstract": "No title."}\n', encoding="utf-8")
    result = run_digest(root, "check")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "Error: 4 problems found."
    assert "Listing 'bad.txt' line 15: 'Feb 30, 2024' is not a real date; the paper is kept without a date. Check the line against the original page: a date there reads like `Jan 7, 2022`, or `Mar 19` in the listing's year." in lines
    assert any(line.startswith("Listing 'bad.txt' line 3: record rejected:") for line in lines)
    assert any(line.startswith("Listing 'broken.jsonl' line 1: record rejected:") for line in lines)


def test_check_reports_config_problems(tmp_path: Path):
    run_digest(tmp_path, "new", str(tmp_path / "d"))
    (tmp_path / "d" / "digest.yml").write_text("title: T\ntopics:\n  - id: A B\n    title: x\n    match: [x]\n", encoding="utf-8")
    result = run_digest(tmp_path / "d", "check")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: digest.yml line 3: topic id 'A B' must be lower-case letters, digits and dashes.\n"
    )


def test_stats_prints_counts():
    from .conftest import PROJECT

    result = run_digest(PROJECT, "stats")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("393 papers, 93 with code (24%), 1 unsorted\n")
    assert "000_0a4fbecd5961784d.txt" in result.stdout and "month    papers" in result.stdout


def test_topics_suggest_on_the_bundled_corpus():
    from .conftest import PROJECT

    result = run_digest(PROJECT, "topics", "suggest", "--topic", "kv-cache", "--limit", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(
        r"Phrases that would group the \d+ papers of topic 'kv-cache', most papers first "
        r"\(on a tie, the one that fits them best first\):", lines[0]
    )
    assert lines[2].split() == ["phrase", "papers", "hint"]
    assert len(lines) == 6 and "match: [" in lines[3]
    counts = [int(line.split("match:")[0].split()[-1]) for line in lines[3:]]
    assert counts == sorted(counts, reverse=True)
    unknown = run_digest(PROJECT, "topics", "suggest", "--topic", "nope")
    assert unknown.returncode == 1 and "there is no topic 'nope'" in unknown.stderr


def test_no_progress_bar_when_not_a_terminal(tmp_path: Path):
    run_digest(tmp_path, "new", str(tmp_path / "d"))
    result = run_digest(tmp_path / "d", "generate")
    assert result.returncode == 0
    assert "Building digest" not in result.stderr + result.stdout


def test_new_never_writes_over_files_already_there(tmp_path: Path):
    target = tmp_path / "d"
    (target / "docs").mkdir(parents=True)
    (target / "docs" / "index.md").write_text("# My own home page\n", encoding="utf-8")
    (target / ".gitignore").write_text("secrets/\n", encoding="utf-8")
    result = run_digest(tmp_path, "new", str(target))
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: '{target}' already holds 'docs/index.md', '.gitignore', which `digest new` would write. "
        "Choose an empty or new folder, or move those files away.\n"
    )
    assert (target / "docs" / "index.md").read_text() == "# My own home page\n"
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == [".gitignore", "docs", "docs/index.md"]


def test_new_refuses_a_folder_inside_another_sites_pages(tmp_path: Path):
    # Made there, the outer digest's build published the new one's digest.yml, listings and wheel.
    outer = tmp_path / "outer"
    assert run_digest(tmp_path, "new", str(outer)).returncode == 0
    for inner, docs in ((outer / "docs" / "inner", outer / "docs"), (outer / "docs", outer / "docs")):
        result = run_digest(tmp_path, "new", str(inner))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr == (
            f"Error: '{inner}' is inside '{docs}', the pages folder of the site in '{outer}', which would publish "
            "the new digest's files (digest.yml, listings, wheels) as its own. Choose a folder outside it.\n"
        )
    assert not (outer / "docs" / "inner").exists()
    # A site whose pages live elsewhere (docs_dir) only guards that folder.
    mkdocs = outer / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text(encoding="utf-8").replace("docs_dir: docs", "docs_dir: 'pages'  # moved"))
    assert run_digest(tmp_path, "new", str(outer / "docs" / "inner")).returncode == 0
    assert run_digest(tmp_path, "new", str(outer / "pages" / "inner")).returncode == 1


def test_new_where_a_file_is_in_the_way_fails_cleanly(tmp_path: Path):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    result = run_digest(tmp_path, "new", "a-file/d")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: Could not write the new digest into 'a-file/d': Not a directory (")
    assert result.stderr.endswith("A file stands where a folder is needed: move that file away.\n")


def test_serve_on_a_taken_address_fails_cleanly(tmp_path: Path):
    import socket

    run_digest(tmp_path, "new", str(tmp_path / "d"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_digest(tmp_path / "d", "serve", "-a", f"127.0.0.1:{port}")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.endswith(
        "Error: Could not serve the preview: Address already in use. Stop whatever uses the address, or choose "
        "another with -a HOST:PORT.\n"
    )
    assert not (tmp_path / "d" / "docs" / "digest").exists()


def test_a_report_without_the_digest_plugin_is_refused(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: Plain\n", encoding="utf-8")
    result = run_digest(tmp_path, "build", "--report", "report.json")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: --report needs the digest plugin, which 'mkdocs.yml' does not list. Add `- digest` under "
        "`plugins:` there.\n"
    )
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("command", [["generate"], ["check"], ["stats"], ["topics", "suggest"]])
def test_every_command_turns_a_digest_error_into_one_message_and_exit_1(tmp_path: Path, command: list[str]):
    (tmp_path / "digest.yml").write_text("title: T\ncolour: blue\n", encoding="utf-8")
    result = run_digest(tmp_path, *command)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: digest.yml line 2: unknown key `colour` in top level. Known keys: title, description, sources, "
        "output, topics, overrides, related, page_size.\n"
    )


def test_commands_find_the_digest_in_a_parent_folder_as_git_does(tmp_path: Path):
    assert run_digest(tmp_path, "new", str(tmp_path / "d")).returncode == 0
    root = tmp_path / "d"
    inside = root / "data" / "sources"
    checked = run_digest(inside, "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == f"Using '{root / 'digest.yml'}'.\n" and checked.stdout.startswith("OK: 5 records read")
    built = run_digest(root / "docs", "build", "-q")
    assert built.returncode == 0, built.stderr
    assert f"Using '{root / 'mkdocs.yml'}'." in built.stderr and (root / "site" / "papers.json").is_file()
    # A file given explicitly wins, and is not looked for elsewhere.
    explicit = run_digest(inside, "check", "-c", "digest.yml")
    assert explicit.returncode == 1 and "Could not find 'digest.yml'." in explicit.stderr


def test_suggest_refuses_a_limit_below_one():
    from .conftest import PROJECT

    result = run_digest(PROJECT, "topics", "suggest", "--limit", "0")
    assert result.returncode == 2 and "Invalid value for '--limit': 0 is not in the range x>=1." in result.stderr


@pytest.mark.parametrize("title", ["", "  ", "Two\nlines"])
def test_new_refuses_a_title_that_is_empty_or_spans_lines(tmp_path: Path, title: str):
    result = run_digest(tmp_path, "new", str(tmp_path / "d"), "--title", title)
    assert result.returncode == 2 and not (tmp_path / "d").exists()
    assert "Invalid value for '--title': give the digest a name on one line" in result.stderr
