"""The curator's workflow: a new digest, template overrides, the deploy workflow, live preview."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import FIXTURES, digest_serve, fetch_text, run_digest, wait_for_text


def new_digest(tmp_path: Path) -> Path:
    result = run_digest(tmp_path, "new", str(tmp_path / "d"), "--title", "Workflow Test")
    assert result.returncode == 0, result.stderr
    return tmp_path / "d"


# Each action the workflow uses: the full commit SHA of the release it names.
# Read from the actions' own repositories (git rev-parse TAG^{commit}).
PINNED = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/configure-pages": ("983d7736d9b0ae728b81ab479565c72886d7745b", "v5.0.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
}


def _steps_using(job: dict, action: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").split("@")[0] == action]


def test_new_digest_has_a_valid_deploy_workflow(tmp_path: Path):
    root = new_digest(tmp_path)
    text = (root / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    # Every action pinned by full commit SHA, its release named in a comment on the same line.
    uses = re.findall(r"^\s*(?:- )?uses: (\S+)(.*)$", text, re.MULTILINE)
    assert {ref.split("@")[0] for ref, _ in uses} == set(PINNED)
    for ref, comment in uses:
        action, sha = ref.split("@")
        assert (sha, comment.strip()) == (PINNED[action][0], f"# {PINNED[action][1]}"), ref
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" in triggers and "workflow_dispatch" in triggers
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert set(workflow["jobs"]) == {"build", "deploy"}
    # Pull requests build but never deploy: publishing steps and the deploy job run on main only.
    on_main = "github.ref == 'refs/heads/main'"
    assert "if" not in build
    assert deploy["if"] == on_main and deploy["needs"] == "build"
    for action in ("actions/configure-pages", "actions/upload-pages-artifact"):
        assert [step.get("if") for step in _steps_using(build, action)] == [on_main]
    assert [step["run"] for step in build["steps"] if "run" in step] == [
        "pip install -r requirements.txt",
        "digest build --strict --report report.json",
    ]
    building = next(step for step in build["steps"] if step.get("run", "").startswith("digest build"))
    assert building["env"] == {"SITE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert _steps_using(build, "actions/configure-pages")[0]["id"] == "pages"
    # The report is kept as an artifact, also when the build failed.
    (keep,) = _steps_using(build, "actions/upload-artifact")
    assert keep["with"]["path"] == "report.json" and keep["if"] == "${{ !cancelled() }}"
    assert build["steps"].index(keep) > build["steps"].index(building)
    # Least privilege: only the deploy job may write Pages and mint the OIDC token.
    assert workflow["permissions"] == {"contents": "read"}
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    # A deploy is never cut off half-way (GitHub's Pages starter workflows say the same).
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert workflow["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    assert deploy["environment"]["name"] == "github-pages"
    assert (root / ".gitignore").read_text(encoding="utf-8").count("docs/digest/") == 1


def test_a_digest_template_overrides_the_bundled_one(tmp_path: Path):
    root = new_digest(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "topic.md.j2").write_text(
        "# {{ topic.title }}\n\nCustom page with {{ topic.entries|length }} entries.\n", encoding="utf-8"
    )
    result = run_digest(root, "generate")
    assert result.returncode == 0, result.stderr
    assert (root / "docs" / "digest" / "benchmarks.md").read_text(encoding="utf-8").startswith(
        "# Benchmarks and datasets\n\nCustom page with"
    )
    # Templates the digest does not override still come from the package.
    assert "Papers with code" in (root / "docs" / "digest" / "papers-with-code.md").read_text(encoding="utf-8")


def test_other_source_formats_build_together(tmp_path: Path):
    root = new_digest(tmp_path)
    for name in ("hf_api.json", "jsonl_records.jsonl", "arxiv_atom.xml"):
        shutil.copy(FIXTURES / "sources" / name, root / "data" / "sources" / name)
    result = run_digest(root, "build", "--report", "report.json")
    assert result.returncode == 0, result.stderr
    papers = json.loads((root / "site" / "papers.json").read_text(encoding="utf-8"))
    with_arxiv = [p for p in papers if p["arxiv_id"]]
    assert with_arxiv
    for paper in with_arxiv:
        assert {"url": f"https://arxiv.org/abs/{paper['arxiv_id']}", "kind": "other"} in paper["links"]


def test_serve_rebuilds_when_a_listing_is_added(tmp_path: Path):
    root = new_digest(tmp_path)
    with digest_serve(root, tmp_path / "serve.log") as port:
        url = f"http://127.0.0.1:{port}/papers.json"
        assert wait_for_text(url, '"id"', 60), "the preview server did not start"
        listing = "Daily Papers\n\nMay 8\n\nFreshKV: A Brand New Paper\n\nFreshKV compresses the KV cache.\n"
        (root / "data" / "sources" / "fresh.txt").write_text(listing, encoding="utf-8")
        # A fast update shows the paper first; the full build after it updates papers.json.
        assert wait_for_text(f"http://127.0.0.1:{port}/digest/new/", "FreshKV", 60)
        assert wait_for_text(url, "FreshKV: A Brand New Paper", 60), "the full build never followed"
        assert "Preview: new papers shown" in (tmp_path / "serve.log").read_text(encoding="utf-8")
        # Editing a hand-written page rebuilds it while every generated page is
        # skipped as unchanged: its nav must still name them all.
        index = root / "docs" / "index.md"
        index.write_text(index.read_text(encoding="utf-8") + "\nA sentence added while serving.\n", encoding="utf-8")
        assert wait_for_text(f"http://127.0.0.1:{port}/", "A sentence added while serving", 60)
        labels = re.findall(r'class="md-ellipsis">\s*(.*?)\s*<', fetch_text(f"http://127.0.0.1:{port}/") or "")
        assert "Benchmarks and datasets" in labels and "None" not in labels
        (root / "digest.yml").write_text(
            (root / "digest.yml").read_text(encoding="utf-8").replace("What this digest covers", "Renamed Digest covers"),
            encoding="utf-8",
        )
        assert wait_for_text(f"http://127.0.0.1:{port}/", "Renamed Digest", 60), "digest.yml edits were not picked up"


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
def test_other_themes_keep_their_own_search_of_the_digest_pages(tmp_path: Path, theme: str):
    root = new_digest(tmp_path)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("name: material", f"name: {theme}"), encoding="utf-8")
    result = run_digest(root, "build")
    assert result.returncode == 0, result.stderr
    index = json.loads((root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(doc["location"].startswith("digest/") for doc in index["docs"])
    assert not (root / "site" / "search" / "digest").exists()
