"""A dirty `digest serve` rebuild skips exactly the generated files whose bytes did not change."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from generator.preview import GeneratedFile, PreviewState, nav_labels, signature


def site_config(tmp_path: Path) -> MkDocsConfig:
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site")})
    (tmp_path / "docs").mkdir(exist_ok=True)
    errors, _ = config.validate()
    assert not errors
    return config


def build(config: MkDocsConfig, generated: dict[str, str], state: PreviewState, shape: bytes) -> tuple[Files, set[str]]:
    """Make the files of one build, let the state mark them, 'write' what a dirty build writes; return what it rebuilt."""
    files = Files([])
    for uri, text in generated.items():
        file = GeneratedFile(uri, None, config.site_dir, config.use_directory_urls)
        file.content_string = text
        files.append(file)
    (Path(config.docs_dir) / "index.md").write_text("# Home\n", encoding="utf-8")
    files.append(File("index.md", config.docs_dir, config.site_dir, config.use_directory_urls))
    skipped = state.update(files, generated, shape, config.site_dir)
    rebuilt = {file.src_uri for file in files if file.is_modified()}
    assert skipped == len(files) - len(rebuilt)
    for file in files:
        if file.src_uri in rebuilt:
            Path(file.abs_dest_path).parent.mkdir(parents=True, exist_ok=True)
            Path(file.abs_dest_path).write_text(f"built from {file.src_uri}", encoding="utf-8")
    return files, rebuilt


def test_only_changed_generated_files_are_rebuilt(tmp_path: Path):
    config = site_config(tmp_path)
    state = PreviewState()
    pages = {"digest/a.md": "# A\n", "digest/b.md": "# B\n", "digest/old.md": "# Old\n", "papers.json": "[]"}
    files, rebuilt = build(config, pages, state, b"shape")
    assert rebuilt == {*pages, "index.md"}
    old_dest = Path(files.get_file_from_path("digest/old.md").abs_dest_path)
    assert old_dest.exists()

    changed = {"digest/a.md": "# A\n", "digest/b.md": "# B, with a new paper\n", "papers.json": "[1]"}
    files, rebuilt = build(config, changed, state, b"shape")
    # Hand-written pages are always rebuilt; a generated page that is gone leaves no stale output.
    assert rebuilt == {"digest/b.md", "papers.json", "index.md"}
    assert not old_dest.exists()
    # An unchanged file whose output went missing (a failed build) is written again.
    Path(files.get_file_from_path("digest/a.md").abs_dest_path).unlink()
    _, rebuilt = build(config, changed, state, b"shape")
    assert rebuilt == {"digest/a.md", "index.md"}


def test_a_new_signature_rebuilds_everything_from_an_empty_site(tmp_path: Path):
    config = site_config(tmp_path)
    state = PreviewState()
    pages = {"digest/a.md": "# A\n"}
    build(config, pages, state, b"one")
    stray = Path(config.site_dir) / "stray.html"
    stray.write_text("left over", encoding="utf-8")
    _, rebuilt = build(config, pages, state, b"two")
    assert rebuilt == {"digest/a.md", "index.md"}
    assert not stray.exists()


def test_signature_follows_file_bytes_and_page_names(tmp_path: Path):
    shaping = tmp_path / "mkdocs.yml"
    shaping.write_text("site_name: a\n", encoding="utf-8")
    first = signature([shaping, tmp_path / "missing.yml"], ["index.md"])
    assert first == signature([shaping, tmp_path / "missing.yml"], ["index.md"])
    assert first != signature([shaping, tmp_path / "missing.yml"], ["index.md", "about.md"])
    shaping.write_text("site_name: b\n", encoding="utf-8")
    assert first != signature([shaping, tmp_path / "missing.yml"], ["index.md"])


def test_nav_labels_change_with_a_hand_written_title_only(tmp_path: Path):
    config = site_config(tmp_path)
    page = Path(config.docs_dir) / "about.md"

    def labels(text: str) -> list[str]:
        page.write_text(text, encoding="utf-8")
        return nav_labels([File("about.md", config.docs_dir, config.site_dir, True)])

    first = labels("# About us\n\nSome words.\n")
    assert first == labels("# About us\n\nOther words, same title.\n")
    assert first != labels("# About the lab\n\nSome words.\n")
    assert labels("---\ntitle: Custom\n---\n# About us\n") == ["about.md\0Custom"]


class ServeSession:
    """Dirty builds of one MkDocs config in this process, as `digest serve` runs them."""

    def __init__(self, root: Path) -> None:
        from mkdocs.config import load_config

        self.root = root
        self.load = lambda: load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
        config = self.load()
        config.plugins.on_startup(command="serve", dirty=True)
        self.plugin = config.plugins["digest"]
        self.build(config)
        # What on_serve sets up: the file whose writing starts a full build.
        self.plugin.full_build_trigger = root / "full-build"
        self.plugin.full_build_pause = 0.0

    def build(self, config: MkDocsConfig | None = None) -> bool:
        """Build once; return whether the build asked for a full build after it."""
        from mkdocs.commands.build import build

        trigger = self.root / "full-build"
        trigger.unlink(missing_ok=True)
        config = config or self.load()
        assert config.plugins["digest"] is self.plugin
        self.plugin.full_build_timer = None
        build(config, dirty=True)
        if self.plugin.full_build_timer is not None:
            self.plugin.full_build_timer.join()
        return trigger.exists()


def test_serve_shows_a_new_listing_fast_then_builds_it_all(tmp_path: Path):
    from .conftest import copy_project

    root = copy_project(tmp_path)
    sources = sorted((root / "data" / "sources").iterdir())
    held = tmp_path / sources[-1].name
    sources[-1].rename(held)
    session = ServeSession(root)
    before = session.plugin.digest
    held.rename(sources[-1])
    assert session.build(), "a new listing gets a fast update first"
    fast = session.plugin.digest
    assert not fast.exact and fast.files["papers.json"] == before.files["papers.json"]
    new = {paper.id for paper in fast.papers} - {paper.id for paper in before.papers}
    page = fast.page_of[sorted(new)[0]]
    html = (root / "site" / "digest" / page.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    assert f'id="{sorted(new)[0]}"' in html
    assert not session.build(), "the full build asks for nothing more"
    assert session.plugin.digest.exact
    assert all(f'"id": "{paper_id}"' in session.plugin.digest.files["papers.json"] for paper_id in new)
    # A removed listing, and then a template change, rebuild exactly with no fast step.
    sources[-1].rename(held)
    assert not session.build() and session.plugin.digest.exact
    templates = root / "templates"
    templates.mkdir()
    (templates / "new.md.j2").write_text("# New papers\n\nCustom.\n", encoding="utf-8")
    held.rename(sources[-1])
    assert not session.build() and session.plugin.digest.exact
    assert session.plugin.digest.files["new.md"] == "# New papers\n\nCustom.\n"
