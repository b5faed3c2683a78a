"""Build the bundled digest end to end and check the contracts of ARCHITECTURE.md."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import copy_project, run_digest

REQUIRED_KEYS = {
    "id", "title", "abstract", "published", "authors_count", "upvotes", "topics",
    "links", "url", "related", "mentions", "sources", "authors", "paper_url", "note", "pick",
}


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)


def page_ids(page: Path) -> set[str]:
    parser = _Ids()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.ids


def test_papers_json_follows_the_contract(bundled: Path):
    papers = json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    assert len(papers) == 393
    ids = [p["id"] for p in papers]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for paper in papers:
        assert REQUIRED_KEYS <= set(paper), paper["id"]
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", paper["id"])
        assert paper["title"] and paper["abstract"]
        assert paper["published"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", paper["published"])
        assert all(link["url"].startswith(("http://", "https://")) for link in paper["links"])
        assert set(paper["related"]) | set(paper["mentions"]) <= set(ids)
        assert paper["sources"] and all(re.fullmatch(r".+:\d+", s) for s in paper["sources"])


def test_digest_bib_is_at_the_site_root_with_one_entry_per_paper(bundled: Path):
    import bibtexparser

    papers = json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    library = bibtexparser.parse_string((bundled / "site" / "digest.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == [] and len(library.entries) == len(papers) == 393
    keys = [entry.key for entry in library.entries]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    titles = sorted(entry.fields_dict["title"].value for entry in library.entries)
    assert len(set(titles)) == len(papers)
    manifest = json.loads((bundled / "docs" / "digest" / ".topic-digest.json").read_text(encoding="utf-8"))
    assert "digest.bib" in manifest["files"] and "feeds/picks.xml" in manifest["files"]
    # The bundled digest.yml picks two papers and says why.
    picked = [paper for paper in papers if paper["pick"]]
    assert len(picked) == 2 and all(paper["note"] for paper in picked)
    assert all(isinstance(paper["authors"], list) and "paper_url" in paper for paper in papers)


def test_every_paper_url_resolves_to_an_anchor(bundled: Path):
    papers = json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    cache: dict[Path, set[str]] = {}
    for paper in papers:
        path, anchor = paper["url"].split("#")
        page = bundled / "site" / path / "index.html"
        assert page.is_file(), paper["url"]
        ids = cache.setdefault(page, page_ids(page))
        assert anchor == paper["id"] and anchor in ids, paper["url"]


def test_report_accounts_for_every_record(bundled: Path):
    report = json.loads((bundled / "report.json").read_text(encoding="utf-8"))
    assert report["records_read"] == 473
    assert report["papers"] == 393
    merged_extra = sum(len(m["origins"]) - 1 for m in report["merged"])
    assert report["records_read"] == report["papers"] + merged_extra + len(report["rejected"])
    assert report["warnings"] == []
    # The rules behind each sorted paper's topics, as papers.json has them too.
    papers = json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))
    assert report["matched"] == {paper["id"]: paper["matched"] for paper in papers if paper["matched"]}
    assert len(report["matched"]) == report["papers"] - len(report["unsorted"])


def test_home_page_shows_the_overview(bundled: Path):
    home = (bundled / "site" / "index.html").read_text(encoding="utf-8")
    assert "<strong>393</strong> papers" in home
    assert "digest:overview" not in home


def test_generate_twice_writes_nothing_the_second_time(tmp_path: Path):
    root = copy_project(tmp_path)
    first = run_digest(root, "generate")
    assert first.returncode == 0, first.stderr
    generated = root / "docs" / "digest"
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in generated.rglob("*") if p.is_file()}
    second = run_digest(root, "generate")
    assert second.returncode == 0, second.stderr
    assert "(0 written," in second.stdout
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in generated.rglob("*") if p.is_file()}
    assert after == before


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "link": "href", "img": "src", "script": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.hrefs.append(value)


def test_every_internal_link_of_the_site_resolves(bundled: Path):
    assert_internal_links_resolve(bundled / "site")


def test_every_internal_link_resolves_without_directory_urls(tmp_path: Path):
    # Entry bodies are HTML blocks, whose links MkDocs does not rewrite: they must be right for this setting too.
    root = copy_project(tmp_path)
    mkdocs_yml = root / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text(encoding="utf-8") + "\nuse_directory_urls: false\n", encoding="utf-8")
    result = run_digest(root, "build", "--strict")
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "digest" / "kv-cache.html").exists()
    assert_internal_links_resolve(root / "site")


def assert_internal_links_resolve(site: Path) -> None:
    from urllib.parse import urldefrag, urljoin, urlparse

    pages = sorted(site.rglob("*.html"))
    ids: dict[Path, set[str]] = {}
    checked = 0
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        base = "/" + page.relative_to(site).as_posix()
        for href in parser.hrefs:
            if urlparse(href).scheme or href.startswith(("//", "mailto:")):
                continue
            target, anchor = urldefrag(urljoin(base, href))
            path = site / target.lstrip("/")
            if target.endswith("/") or path.is_dir():
                path = path / "index.html"
            assert path.exists(), f"{page.relative_to(site)} links {href}"
            if anchor and path.suffix == ".html":
                ids.setdefault(path, page_ids(path))
                assert anchor in ids[path], f"{page.relative_to(site)} links {href}"
            checked += 1
    assert checked > 1000


def test_feeds_are_valid_atom_and_their_links_resolve(bundled: Path):
    import feedparser

    feeds = sorted((bundled / "site" / "digest" / "feeds").glob("*.xml"))
    assert len(feeds) >= 10
    for feed_path in feeds:
        url = "http://example.org/" + feed_path.relative_to(bundled / "site").as_posix()
        parsed = feedparser.parse(feed_path.read_bytes(), response_headers={"content-location": url, "content-type": "application/atom+xml"})
        assert not parsed.bozo, (feed_path.name, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        assert parsed.entries, feed_path.name
        for entry in parsed.entries:
            assert entry.summary
            path, anchor = entry.link.removeprefix("http://example.org/").split("#")
            page = bundled / "site" / path / "index.html"
            assert anchor in page_ids(page), entry.link
    home = (bundled / "site" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate feed" type="application/atom+xml"' in home
    assert 'href="digest/feeds/all.xml"' in home


def test_mentions_are_in_json_and_on_the_page(bundled: Path):
    papers = {p["title"].split(":")[0]: p for p in json.loads((bundled / "site" / "papers.json").read_text(encoding="utf-8"))}
    h2o, lagkv, snapkv = papers["H_2O"], papers["LagKV"], papers["SnapKV"]
    residual = next(p for t, p in papers.items() if t.startswith("The Residual Stream Is All You Need"))
    assert h2o["id"] in lagkv["mentions"]
    assert snapkv["id"] in residual["mentions"]
    path, anchor = h2o["url"].split("#")
    html = (bundled / "site" / path / "index.html").read_text(encoding="utf-8")
    entry = html.split(f'id="{anchor}"')[1].split("<h2")[0]
    assert "Mentioned by:" in entry and f"#{lagkv['id']}" in entry


def test_search_uses_the_digest_index_and_material_keeps_the_hand_written_pages(bundled: Path):
    site = bundled / "site"
    material = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in material["docs"]]
    assert "" in locations and not any(location.startswith("digest/") for location in locations)
    meta = json.loads((site / "search" / "digest" / "meta.json").read_text(encoding="utf-8"))
    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    assert meta["papers"] == len(papers) == sum(meta["buckets"])
    assert {paper["url"].split("#")[0] for paper in papers} <= {url for url, _, _ in meta["pages"]}
    for page in (site / "index.html", site / "digest" / "kv-cache" / "index.html", site / "404.html"):
        html = page.read_text(encoding="utf-8")
        assert "assets/topic-digest/search-worker.js" in html and "workers/search." not in html


# --- The output folder, file writing and write failures of `digest build` ---


@pytest.fixture(scope="module")
def small_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new digest (`digest new`), built once."""
    root = tmp_path_factory.mktemp("small") / "d"
    assert run_digest(root.parent, "new", str(root)).returncode == 0
    built = run_digest(root, "build")
    assert built.returncode == 0, built.stderr
    return root


@pytest.fixture
def small(small_built: Path, tmp_path: Path) -> Path:
    """A copy of the built new digest, for one test to change."""
    import shutil

    return Path(shutil.copytree(small_built, tmp_path / "d", symlinks=True))


def site_state(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of the built site with its inode and bytes: a swapped or rewritten site differs."""
    site = root / "site"
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in sorted(site.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site") or p.name == "site.old")


def set_output(root: Path, output: str) -> None:
    text = (root / "digest.yml").read_text(encoding="utf-8")
    (root / "digest.yml").write_text(f"{text}\noutput: '{output}'\n", encoding="utf-8")


@pytest.mark.parametrize("spelling", ["docs/", "docs/.", "./docs"])
def test_output_docs_itself_is_refused_and_no_page_is_lost(small: Path, spelling: str):
    (small / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    pages = {p: p.read_bytes() for p in (small / "docs").glob("*.md")}
    set_output(small, spelling)
    checked = run_digest(small, "check")
    assert checked.returncode == 1 and f"`output: {spelling}` is docs/ itself" in checked.stderr
    built = run_digest(small, "build")
    assert built.returncode == 1 and f"`output: {spelling}` is docs/ itself" in built.stderr
    assert "Traceback" not in built.stderr
    assert {p: p.read_bytes() for p in pages} == pages


def test_hand_written_pages_in_the_output_folder_stay_with_a_warning(small: Path):
    notes = small / "docs" / "notes"
    notes.mkdir()
    (notes / "mine.md").write_text("# Mine\n", encoding="utf-8")
    (notes / "index.md").write_text("# Notes\n", encoding="utf-8")
    set_output(small, "docs/notes")
    built = run_digest(small, "build")
    assert built.returncode == 0, built.stderr
    warning = (
        "The output folder 'docs/notes' holds 'index.md', 'mine.md', which topic-digest did not write: they are "
        "left alone and stay in the site. Move them out of 'docs/notes' into docs/, since the folder belongs to topic-digest."
    )
    assert warning in built.stderr
    assert (notes / "mine.md").read_text() == "# Mine\n" and (notes / "index.md").read_text() == "# Notes\n"
    assert (small / "site" / "notes" / "mine" / "index.html").is_file()
    assert (small / "site" / "notes" / "surveys" / "index.html").is_file()
    checked = run_digest(small, "check")
    assert checked.returncode == 1 and warning in checked.stderr
    # A page the tool wrote and no longer makes goes; the curator's stay.
    text = (small / "digest.yml").read_text(encoding="utf-8")
    (small / "digest.yml").write_text(text.replace("- id: surveys", "- id: reviews"), encoding="utf-8")
    assert run_digest(small, "build").returncode == 0
    assert not (notes / "surveys.md").exists() and (notes / "reviews.md").exists()
    assert (notes / "mine.md").exists() and (notes / "index.md").exists()
    strict = run_digest(small, "build", "--strict")
    assert strict.returncode == 1 and warning in strict.stderr


def test_a_generated_page_never_replaces_a_hand_written_one(small: Path):
    before = site_state(small)
    page = small / "docs" / "digest" / "new.md"
    page.write_text("# My list of new papers\n", encoding="utf-8")
    manifest = small / "docs" / "digest" / ".topic-digest.json"
    manifest.unlink()  # as if an older topic-digest, or someone else, made the folder
    for command in ("build", "generate", "check"):
        result = run_digest(small, command)
        assert result.returncode == 1, command
        assert (
            "The output folder 'docs/digest' holds 'new.md', which topic-digest did not write and would have to "
            "replace. Move it out of 'docs/digest' (the folder belongs to topic-digest). If an older topic-digest "
            "made the folder, delete 'docs/digest' (the default docs/digest is git-ignored) and build again."
        ) in result.stderr, command
    assert page.read_text() == "# My list of new papers\n"
    assert site_state(small) == before
    # The same bytes it would write are adopted.
    page.unlink()
    assert run_digest(small, "build").returncode == 0
    assert "new.md" in json.loads(manifest.read_text())["files"]


def modes(folder: Path) -> tuple[set[str], set[str]]:
    """The permission bits of every file and every folder under folder (itself included)."""
    import stat

    paths = [folder, *folder.rglob("*")]
    return (
        {oct(stat.S_IMODE(p.stat().st_mode)) for p in paths if p.is_file()},
        {oct(stat.S_IMODE(p.stat().st_mode)) for p in paths if p.is_dir()},
    )


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_the_site_has_the_permissions_plain_mkdocs_gives(small: Path, tmp_path: Path, umask: int):
    import os
    import shutil
    import subprocess
    import sys

    shutil.rmtree(small / "site")
    shutil.rmtree(small / "docs" / "digest")
    # The oracle: MkDocs alone, without the digest plugin, under the same umask.
    plain = tmp_path / "plain"
    (plain / "docs").mkdir(parents=True)
    (plain / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (plain / "mkdocs.yml").write_text("site_name: Plain\ntheme:\n  name: material\nplugins:\n  - search\n", encoding="utf-8")
    old = os.umask(umask)
    try:
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=plain, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert run_digest(small, "build").returncode == 0
    finally:
        os.umask(old)
    expected = ({oct(0o666 & ~umask)}, {oct(0o777 & ~umask)})
    assert modes(plain / "site") == expected
    assert modes(small / "site") == expected
    assert modes(small / "docs" / "digest") == expected


def test_a_report_that_cannot_be_written_fails_before_the_site_is_touched(small: Path):
    before = site_state(small)
    missing = run_digest(small, "build", "--report", "reports/report.json")
    assert missing.returncode == 1
    assert missing.stderr == (
        "Error: Could not write the build report 'reports/report.json': the folder 'reports' does not exist. "
        "Create the folder, or choose another path. 'site' was left as it was.\n"
    )
    assert site_state(small) == before and leftovers(small) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full to fill a disk")
def test_a_full_disk_while_writing_the_report_leaves_the_old_site(small: Path):
    before = site_state(small)
    full = run_digest(small, "build", "--report", "/dev/full")
    assert full.returncode == 1 and "Traceback" not in full.stderr
    assert full.stderr.endswith(
        "Error: Could not write the build report '/dev/full': No space left on device. The disk is full: free some "
        "space and run again. 'site' was left as it was.\n"
    )
    assert site_state(small) == before and leftovers(small) == []


def test_the_plugin_report_option_fails_cleanly(small: Path):
    import subprocess
    import sys

    before = site_state(small)
    text = (small / "mkdocs.yml").read_text(encoding="utf-8")
    (small / "mkdocs.yml").write_text(text.replace("  - digest\n", "  - digest:\n      report: out/report.json\n"), encoding="utf-8")
    message = (
        "Could not write the build report 'out/report.json': the folder 'out' does not exist. "
        "Create the folder, or choose another path."
    )
    built = run_digest(small, "build")
    assert built.returncode == 1 and message in built.stderr and "Traceback" not in built.stderr
    assert site_state(small) == before
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=small, capture_output=True, text=True, check=False)
    assert plain.returncode == 1 and message in plain.stderr and "Traceback" not in plain.stderr
    (small / "out").mkdir()
    assert run_digest(small, "build").returncode == 0
    assert json.loads((small / "out" / "report.json").read_text())["papers"] > 0


def test_a_site_dir_or_output_folder_that_is_a_file_fails_cleanly(small: Path):
    import shutil

    shutil.rmtree(small / "site")
    (small / "site").write_text("not a folder", encoding="utf-8")
    built = run_digest(small, "build")
    assert built.returncode == 1
    assert built.stderr == (
        "Error: The site folder 'site' is a file. Move it away, or set another `site_dir` in mkdocs.yml. "
        "'site' was left as it was.\n"
    )
    assert (small / "site").read_text() == "not a folder"
    (small / "site").unlink()
    shutil.rmtree(small / "docs" / "digest")
    (small / "docs" / "digest").write_text("not a folder", encoding="utf-8")
    message = (
        "The output folder 'docs/digest' cannot be made: 'docs/digest' is a file. Move that file away, or set "
        "another `output` in digest.yml."
    )
    for command in ("build", "generate"):
        result = run_digest(small, command)
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr, command
    assert leftovers(small) == []


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `digest` in this process (to simulate failures), restoring the loggers it sets up."""
    import logging

    from click.testing import CliRunner

    from generator.cli import cli

    saved = {name: (logging.getLogger(name).handlers[:], logging.getLogger(name).level, logging.getLogger(name).propagate) for name in ("mkdocs", "generator")}

    def run(root: Path, *args: str):  # type: ignore[no-untyped-def]
        monkeypatch.chdir(root)
        return CliRunner().invoke(cli, list(args))

    yield run
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.level, logger.propagate = handlers, level, propagate


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        (13, "Permission denied. Make it writable for this user, or run as the user who owns it."),
        (30, "Read-only file system. It is on a read-only file system: build where you can write."),
    ],
)
def test_a_site_folder_whose_parent_is_read_only_fails_cleanly(small: Path, monkeypatch: pytest.MonkeyPatch, in_process, code: int, hint: str):  # type: ignore[no-untyped-def]
    import os

    real = os.mkdir

    def mkdir(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).parent == small and Path(path).name.startswith(".site-"):
            raise OSError(code, os.strerror(code), str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    before = site_state(small)
    result = in_process(small, "build")
    assert result.exit_code == 1
    reason, _, what_to_do = hint.partition(". ")
    assert result.output == (
        f"Error: Could not make a folder beside 'site' to build the new site in: {reason} ('.'). {what_to_do} "
        "'site' was left as it was.\n"
    )
    assert site_state(small) == before


def test_a_full_disk_while_mkdocs_writes_leaves_the_old_site(small: Path, monkeypatch: pytest.MonkeyPatch, in_process):  # type: ignore[no-untyped-def]
    import errno
    import os

    from mkdocs import utils

    def full(content: bytes, output_path: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), output_path)

    monkeypatch.setattr(utils, "write_file", full)
    before = site_state(small)
    result = in_process(small, "build")
    assert result.exit_code == 1
    assert "Error: Could not write the new site: No space left on device ('.site-" in result.output
    assert result.output.rstrip().endswith("The disk is full: free some space and run again. 'site' was left as it was.")
    assert site_state(small) == before and leftovers(small) == []


def test_a_stopped_build_leaves_the_old_site_and_no_staging(small: Path):
    import signal
    import subprocess
    import sys
    import time

    before = site_state(small)
    for stop in (signal.SIGTERM, signal.SIGINT):
        build = subprocess.Popen([sys.executable, "-m", "generator", "build"], cwd=small, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        deadline = time.monotonic() + 30
        while not leftovers(small):  # wait until the build has its staging folder
            assert build.poll() is None and time.monotonic() < deadline, "the build ended before it could be stopped"
            time.sleep(0.01)
        build.send_signal(stop)
        _, stderr = build.communicate(timeout=30)
        assert build.returncode == 1 and "Aborted!" in stderr and "Traceback" not in stderr, stderr
        assert leftovers(small) == [] and site_state(small) == before


def test_two_builds_at_once_take_turns(small: Path):
    import subprocess
    import sys
    import time

    from generator.output import lock_folder

    before = site_state(small)
    with lock_folder(small):  # as another `digest build` swapping its site in would
        build = subprocess.Popen([sys.executable, "-m", "generator", "build"], cwd=small, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        time.sleep(5)
        assert build.poll() is None, build.communicate()
        assert site_state(small) == before
    stdout, stderr = build.communicate(timeout=60)
    assert build.returncode == 0, stderr
    assert "Waiting for another topic-digest run to finish writing '.'..." in stderr
    assert site_state(small) != before and leftovers(small) == []


def test_a_report_inside_the_site_lands_in_the_new_site(small: Path):
    built = run_digest(small, "build", "--report", "site/reports/report.json")
    assert built.returncode == 0, built.stderr
    assert json.loads((small / "site" / "reports" / "report.json").read_text())["papers"] > 0
    assert leftovers(small) == []


def test_a_site_dir_that_is_a_link_is_built_where_it_points(small: Path, tmp_path: Path):
    import shutil

    served = tmp_path / "www" / "html"
    served.parent.mkdir()
    shutil.move(small / "site", served)
    (small / "site").symlink_to(served)
    built = run_digest(small, "build")
    assert built.returncode == 0, built.stderr
    assert (small / "site").is_symlink() and (served / "index.html").is_file()
    assert sorted(p.name for p in served.parent.iterdir()) == ["html"]
