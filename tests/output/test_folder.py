"""The output folder: only what changed is written, only what the tool wrote is replaced or deleted."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from generator import output
from generator.output import MANIFEST, OutputError, OutputFolder
from generator.output import folder as output_folder
from generator.output import output_root
from generator.output.folder import CLAIM_PREFIX

from .conftest import write


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


def test_writes_only_changes_and_deletes_only_what_it_wrote(tmp_path: Path):
    out = tmp_path / "docs" / "digest"
    first = write(out, {"a.md": "A", "sub/b.md": "B", "old.md": "O", "gone/c.md": "C"})
    assert first.written == ["a.md", "gone/c.md", "old.md", "sub/b.md"]
    (out / "notes.md").write_text("# Mine", encoding="utf-8")
    (out / "mine").mkdir()
    (out / "mine" / "page.md").write_text("# Also mine", encoding="utf-8")
    (out / "empty-by-hand").mkdir()
    os.utime(out / "a.md", (1, 1))
    second = write(out, {"a.md": "A", "sub/b.md": "B2"})
    assert (second.written, second.removed, second.unchanged) == (["sub/b.md"], ["gone/c.md", "old.md"], 1)
    assert second.foreign == ["mine/page.md", "notes.md"]
    assert (out / "a.md").stat().st_mtime == 1
    # What the curator put there stays, an empty folder of theirs too; folders the removal emptied go.
    assert tree(out) == {MANIFEST: (out / MANIFEST).read_text(), "a.md": "A", "sub/b.md": "B2", "notes.md": "# Mine", "mine/page.md": "# Also mine"}
    assert (out / "empty-by-hand").is_dir() and not (out / "gone").exists()
    assert json.loads((out / MANIFEST).read_text())["files"] == ["a.md", "sub/b.md"]


def test_a_no_op_write_writes_nothing(tmp_path: Path):
    out = tmp_path / "docs" / "digest"
    write(out, {"a.md": "A"})
    before = {p: p.stat().st_mtime_ns for p in out.iterdir()}
    os.utime(out / MANIFEST, ns=(1, 1))
    os.utime(out / "a.md", ns=(1, 1))
    again = write(out, {"a.md": "A"})
    assert (again.written, again.unchanged) == ([], 1)
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == {p: 1 for p in before}


def test_never_replaces_a_file_it_did_not_write(tmp_path: Path):
    out = tmp_path / "docs" / "digest"
    write(out, {"a.md": "A"})
    (out / "kv-cache.md").write_text("# My own page", encoding="utf-8")
    (out / "feeds").mkdir()
    (out / "feeds" / "all.xml").mkdir()  # a folder where a file would go
    with pytest.raises(OutputError) as caught:
        write(out, {"a.md": "A2", "kv-cache.md": "# Generated", "feeds/all.xml": "<feed/>", "new.md": "N"})
    assert str(caught.value) == (
        "The output folder 'docs/digest' holds 'feeds/all.xml', 'kv-cache.md', which topic-digest did not write and "
        "would have to replace. Move them out of 'docs/digest' (the folder belongs to topic-digest). If an older "
        "topic-digest made the folder, delete 'docs/digest' (the default docs/digest is git-ignored) and build again."
    )
    # Refused before anything was written.
    assert (out / "kv-cache.md").read_text() == "# My own page"
    assert (out / "a.md").read_text() == "A" and not (out / "new.md").exists()


def test_a_file_with_the_same_bytes_is_adopted(tmp_path: Path):
    # What an older topic-digest (no manifest) left: the same pages it makes now, and one it no longer makes.
    out = tmp_path / "docs" / "digest"
    out.mkdir(parents=True)
    (out / "a.md").write_text("A", encoding="utf-8")
    (out / "retired.md").write_text("R", encoding="utf-8")
    result = write(out, {"a.md": "A"})
    assert (result.written, result.unchanged, result.foreign) == ([], 1, ["retired.md"])
    assert json.loads((out / MANIFEST).read_text())["files"] == ["a.md"]
    # Adopted, so it is deleted when it is no longer generated; the unknown one is still left alone.
    assert write(out, {"b.md": "B"}).removed == ["a.md"]
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "b.md", "retired.md"]


def test_a_damaged_manifest_makes_the_folder_foreign(tmp_path: Path):
    out = tmp_path / "docs" / "digest"
    write(out, {"a.md": "A", "b.md": "B"})
    (out / MANIFEST).write_text("{not json", encoding="utf-8")
    folder = OutputFolder(out)
    assert folder.warnings == [
        "The manifest 'docs/digest/.topic-digest.json' of the output folder is damaged, so topic-digest does not "
        "know which files there it wrote: it replaces or deletes none of them. If only topic-digest writes in "
        "'docs/digest', delete that folder and build again."
    ]
    with pytest.raises(OutputError, match="holds 'a.md'"):
        folder.write({"a.md": "A2", "b.md": "B"})
    assert folder.write({"b.md": "B"}).unchanged == 1
    assert folder.finish(["b.md"]) == ([], ["a.md"])
    assert (out / "a.md").read_text() == "A"


@pytest.mark.parametrize("shape", [{"files": "a.md"}, ["a.md", 3], "a.md", {"files": [None]}])
def test_a_manifest_of_the_wrong_shape_is_damaged(tmp_path: Path, shape: object):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text(json.dumps(shape), encoding="utf-8")
    folder = OutputFolder(out)
    assert folder.owned == set() and "is damaged" in folder.warnings[0]


def test_a_manifest_never_leads_outside_the_folder(tmp_path: Path):
    docs = tmp_path / "docs"
    out = docs / "digest"
    out.mkdir(parents=True)
    (docs / "index.md").write_text("# Home", encoding="utf-8")
    (tmp_path / "secret").write_text("s", encoding="utf-8")
    (out / ".hidden").write_text("h", encoding="utf-8")
    (out / "link").symlink_to(docs)
    (out / "a.md").write_text("A", encoding="utf-8")
    hostile = ["../index.md", "../../secret", str(tmp_path / "secret"), "a/../../index.md", "link/index.md", ".hidden", "./a.md", "a.md"]
    (out / MANIFEST).write_text(json.dumps({"files": hostile}), encoding="utf-8")
    folder = OutputFolder(out)
    assert folder.owned == {"a.md"}
    assert folder.warnings[0].startswith("The manifest 'docs/digest/.topic-digest.json' of the output folder names '../index.md', ")
    assert folder.warnings[0].endswith("which are not plain paths inside 'docs/digest'; ignored. Delete the manifest if you did not write that.")
    assert folder.finish([]) == (["a.md"], ["link"])
    assert (docs / "index.md").read_text() == "# Home" and (tmp_path / "secret").exists() and (out / ".hidden").exists()
    assert (out / "link").is_symlink()


def test_files_an_interrupted_run_claimed_are_its_own(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    # The run was stopped after claiming and writing b.md, before it recorded its manifest.
    (out / f"{CLAIM_PREFIX}1234.json").write_text(json.dumps(["b.md"]), encoding="utf-8")
    (out / "b.md").write_text("half", encoding="utf-8")
    result = write(out, {"b.md": "B"})
    assert result.written == ["b.md"] and (out / "b.md").read_text() == "B"
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "b.md"]


def test_a_run_claims_new_files_before_it_writes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "out"
    real = output.write_if_changed
    claimed: list[list[str]] = []

    def spy(path: Path, content: bytes) -> bool:
        if path.parent == out and path.name != MANIFEST:
            claimed.append(sorted(entry for claim in out.glob(f"{CLAIM_PREFIX}*") for entry in json.loads(claim.read_text())))
        return real(path, content)

    monkeypatch.setattr(output_folder, "write_if_changed", spy)
    write(out, {"a.md": "A", "b.md": "B"})
    assert claimed == [["a.md", "b.md"], ["a.md", "b.md"]]
    assert not list(out.glob(f"{CLAIM_PREFIX}*"))


def test_a_pipe_or_a_link_in_the_way_is_never_read_or_followed(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "pipe.md")
    (tmp_path / "target.md").write_text("T", encoding="utf-8")
    (out / "link.md").symlink_to(tmp_path / "target.md")
    done = threading.Event()
    found: list[str] = []
    threading.Thread(target=lambda: (found.extend(OutputFolder(out).collisions({"pipe.md": "P", "link.md": "T"})), done.set()), daemon=True).start()
    assert done.wait(10), "reading a pipe blocked"
    assert found == ["link.md", "pipe.md"]
    assert (tmp_path / "target.md").read_text() == "T"


def test_a_pipe_the_tool_owns_is_replaced_without_reading_it(tmp_path: Path):
    out = tmp_path / "out"
    write(out, {"a.md": "A"})
    (out / "a.md").unlink()
    os.mkfifo(out / "a.md")
    done = threading.Event()
    threading.Thread(target=lambda: (write(out, {"a.md": "A"}), done.set()), daemon=True).start()
    assert done.wait(10), "reading a pipe blocked"
    assert (out / "a.md").read_text() == "A"


def test_a_file_where_a_folder_goes_is_an_output_error(tmp_path: Path):
    out = tmp_path / "docs" / "digest"
    write(out, {"a.md": "A", "feeds/all.xml": "F"})
    (out / "feeds" / "all.xml").unlink()
    (out / "feeds").rmdir()
    (out / "feeds").write_text("in the way", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write(out, {"a.md": "A", "feeds/all.xml": "F"})
    assert str(caught.value) == (
        "Could not write into the output folder 'docs/digest': File exists ('docs/digest/feeds'). "
        "A file stands where a folder is needed: move that file away."
    )


def test_the_output_folder_must_be_a_real_folder(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "digest").symlink_to(docs)
    with pytest.raises(OutputError) as caught:
        output_root(tmp_path, "docs/digest")
    assert str(caught.value) == (
        "The output folder 'docs/digest' goes through the symbolic link 'docs/digest'; topic-digest writes only "
        "into a real folder of its own. Remove the link (the folder is made when needed), or set another `output` "
        "in digest.yml."
    )
    (docs / "digest").unlink()
    (docs / "digest").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot be made: 'docs/digest' is a file"):
        output_root(tmp_path, "docs/digest/v2")
    # docs/ itself may be a link: the folder below it is still a folder of its own.
    (docs / "digest").unlink()
    (tmp_path / "real-docs").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real-docs")
    assert output_root(tmp_path, "linked/digest") == tmp_path / "linked" / "digest"
