"""A dirty `digest serve` rebuild skips exactly the generated files whose bytes did not change."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from generator.plugin.preview import TRIGGER, GeneratedFile, PreviewState, nav_labels, signature


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
        self.watched: list[tuple[str, bool]] = []
        self.plugin.on_serve(self, config=config, builder=None)
        self.plugin.preview.pause = 0.0

    def watch(self, path: str, recursive: bool = True) -> None:
        """Stand in for MkDocs' server, which on_serve asks to watch paths."""
        self.watched.append((path, recursive))

    def build(self, config: MkDocsConfig | None = None) -> bool:
        """Build once; return whether the build asked for a full build after it."""
        from mkdocs.commands.build import build

        # The full build is asked for with a dotfile in the output folder, inside docs/ (which MkDocs watches).
        trigger = self.root / "docs" / "digest" / TRIGGER
        trigger.unlink(missing_ok=True)
        config = config or self.load()
        assert config.plugins["digest"] is self.plugin
        self.plugin.preview.timer = None
        build(config, dirty=True)
        if self.plugin.preview.timer is not None:
            self.plugin.preview.timer.join()
        return trigger.exists()


def test_serve_shows_a_new_listing_fast_then_builds_it_all(tmp_path: Path):
    from ..conftest import copy_project

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
    # Nothing outside the digest folder is watched, and on_shutdown leaves nothing behind.
    assert session.watched == [(str(root / p), True) for p in ("digest.yml", "data/sources", "templates")]
    sources[-1].rename(held)
    assert not session.build()
    held.rename(sources[-1])
    assert session.build()
    assert session.plugin.preview.trigger.exists()
    session.plugin.on_shutdown()
    assert not session.plugin.preview.trigger.exists()


class Served:
    """A real `digest serve` on a free loopback port, its log collected as it runs."""

    def __init__(self, root: Path, tmp: Path) -> None:
        import os
        import subprocess
        import sys
        import threading

        from ..conftest import free_port

        self.port = free_port()
        # MkDocs' own temporary site folder (and anything else temporary) goes here, to be checked after.
        self.tmp = tmp
        tmp.mkdir()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{self.port}"],
            cwd=root, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            env={**os.environ, "TMPDIR": str(tmp)},
        )
        self.log: list[str] = []
        assert self.process.stderr is not None
        stream = self.process.stderr
        self.reader = threading.Thread(target=lambda: self.log.extend(iter(stream.readline, "")), daemon=True)
        self.reader.start()
        self.wait_for(lambda: any("Serving on" in line for line in self.log), "the server to start")

    def wait_for(self, condition, what: str, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
        import time

        deadline = time.monotonic() + seconds
        while not condition():
            assert self.process.poll() is None, "".join(self.log)
            assert time.monotonic() < deadline, f"waited {seconds} s for {what}:\n{''.join(self.log)}"
            time.sleep(0.2)

    def get(self, path: str) -> tuple[int, str]:
        """Fetch a page; a request MkDocs holds (a failed rebuild) fails the test after 10 s."""
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def rebuilt(self, before: int) -> bool:
        return any("Documentation built" in line for line in self.log[before:])

    def change(self, path: Path, text: str) -> None:
        """Write a file and wait for the rebuild it starts."""
        mark = len(self.log)
        path.write_text(text, encoding="utf-8")
        self.wait_for(lambda: self.rebuilt(mark), f"a rebuild after {path.name} changed")

    def stop(self) -> int:
        import signal

        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.reader.join(timeout=10)
        assert self.process.stderr is not None
        self.process.stderr.close()
        return code


BANNER = 'role="alert" class="digest-problem"'


def new_digest(tmp_path: Path) -> Path:
    from ..conftest import run_digest

    created = run_digest(tmp_path, "new", str(tmp_path / "d"))
    assert created.returncode == 0, created.stderr
    return tmp_path / "d"


def test_serve_shows_what_is_wrong_on_every_page_until_it_is_fixed(tmp_path: Path):
    root = new_digest(tmp_path)
    good = (root / "digest.yml").read_text(encoding="utf-8")
    served = Served(root, tmp_path / "tmp")
    try:
        status, home = served.get("/")
        assert status == 200 and BANNER not in home
        # A YAML error echoes the line the curator wrote, markup and all.
        served.change(root / "digest.yml", good + "  - id: x\n    title: X\n     match: [<script>alert(1)</script>]\n")
        for path in ("/", "/digest/new/", "/digest/benchmarks/"):
            status, page = served.get(path)
            assert status == 200 and BANNER in page, path
            assert "This preview shows the last good build." in page
            banner = page.split(BANNER)[1].split("</div>")[0]
            line = good.count("\n") + 3
            assert f"Could not read &#x27;digest.yml&#x27; line {line}, column 11: mapping values are not allowed here." in banner
            assert "match: [&lt;script&gt;alert(1)&lt;/script&gt;]" in banner and "<script>alert" not in page
        status, missing = served.get("/no-such-page/")
        assert status == 404 and BANNER in missing
        assert any("mapping values are not allowed here" in logged for logged in served.log)
        # Saving the fix rebuilds as usual: the banner goes from every page.
        served.change(root / "digest.yml", good)
        for path in ("/", "/digest/new/", "/digest/benchmarks/"):
            status, page = served.get(path)
            assert status == 200 and BANNER not in page, path
    finally:
        code = served.stop()
    log = "".join(served.log)
    assert code == 0 and "Shutting down" in log and "Traceback" not in log, log
    watching = next(line for line in served.log if "Watching paths for changes" in line)
    assert str(tmp_path / "tmp") not in watching and "/tmp" not in watching
    # MkDocs' temporary site and anything of ours are gone; nothing of the preview is left in docs/.
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (root / "docs" / "digest").exists()


def test_serve_started_with_a_broken_digest_shows_the_hand_written_pages(tmp_path: Path):
    import subprocess
    import sys

    from ..conftest import run_digest

    root = new_digest(tmp_path)
    assert run_digest(root, "build").returncode == 0  # leaves generated pages in docs/digest
    good = (root / "digest.yml").read_text(encoding="utf-8")
    (root / "digest.yml").write_text(good + "colour: blue\n", encoding="utf-8")
    # Building still fails, as it must.
    built = run_digest(root, "build")
    assert built.returncode == 1 and "unknown key `colour`" in built.stderr
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True, text=True, check=False)
    assert plain.returncode == 1 and "unknown key `colour`" in plain.stderr
    served = Served(root, tmp_path / "tmp")
    try:
        status, home = served.get("/")
        assert status == 200 and BANNER in home
        assert "This preview shows only the hand-written pages until it is fixed." in home
        assert "unknown key `colour` in top level." in home
        # What earlier builds generated is not shown as if it were hand-written.
        assert served.get("/digest/new/")[0] == 404
        served.change(root / "digest.yml", good)
        status, page = served.get("/digest/new/")
        assert status == 200 and BANNER not in page
        assert BANNER not in served.get("/")[1]
    finally:
        code = served.stop()
    assert code == 0 and "Traceback" not in "".join(served.log)
    assert list((tmp_path / "tmp").iterdir()) == []
