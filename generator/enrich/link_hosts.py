"""The hosts the link finder knows, and the link their URLs give: adding a mirror or a host is a one-line change."""

from __future__ import annotations

import re

from ..models import Link

# Mirrors and aliases of Hugging Face; the site always links the real host.
HF_HOSTS: dict[str, str] = {
    "huggingface.co": "huggingface.co",
    "www.huggingface.co": "huggingface.co",
    "hf.co": "huggingface.co",
    "huface.online": "huggingface.co",
    "hf-proxy-en5.pages.dev": "huggingface.co",
}

# Code hosts and the label a button shows for them.
CODE_HOSTS: dict[str, str] = {
    "github.com": "GitHub",
    "gitlab.com": "GitLab",
    "gitee.com": "Gitee",
    "bitbucket.org": "Bitbucket",
    "codeberg.org": "Codeberg",
}

# Package indexes: host -> (path prefix before the package name, label).
PACKAGE_HOSTS: dict[str, tuple[str, str]] = {
    "pypi.org": ("project", "PyPI"),
}

# Short links and paper references: kept as written, never a "project page".
REFERENCE_HOSTS: frozenset[str] = frozenset({
    "aka.ms", "bit.ly", "tinyurl.com", "t.co", "goo.gl", "tiny.cc", "rb.gy",
    "is.gd", "ow.ly", "shorturl.at",
    "arxiv.org", "doi.org", "dx.doi.org", "openreview.net", "aclanthology.org",
})

# A paper's own page on a paper site: host -> the first path segments (any
# of them) its paper pages start with, or () for any path. A link to one of
# these is the paper's page when it has no arXiv id (see links.paper_page).
PAPER_HOSTS: dict[str, tuple[str, ...]] = {
    "arxiv.org": ("abs", "pdf"),
    "doi.org": (),
    "dx.doi.org": (),
    "openreview.net": ("forum", "pdf"),
    "aclanthology.org": (),
    "proceedings.neurips.cc": ("paper", "paper_files"),
    "papers.nips.cc": ("paper", "paper_files"),
    "proceedings.mlr.press": (),
    "openaccess.thecvf.com": ("content", "content_cvpr_2013", "content_iccv_2013"),
    "jmlr.org": ("papers",),
    "ojs.aaai.org": ("index.php",),
    "www.ijcai.org": ("proceedings",),
    "ijcai.org": ("proceedings",),
    "dl.acm.org": ("doi",),
    "ieeexplore.ieee.org": ("document", "abstract"),
    "link.springer.com": ("article", "chapter"),
    "www.nature.com": ("articles",),
    "www.science.org": ("doi",),
    "www.biorxiv.org": ("content",),
    "www.medrxiv.org": ("content",),
    "www.semanticscholar.org": ("paper",),
}
# DOI prefixes of data and software archives: a DOI there names a data set
# or a code release (Zenodo, figshare, Dryad), not the paper.
DATA_DOI_PREFIXES: tuple[str, ...] = ("10.5281/", "10.6084/", "10.5061/")

# Static-site hosts: always served over https, always a project page.
PAGE_HOST_SUFFIXES: tuple[str, ...] = (".github.io", ".gitlab.io")

# Without a scheme, an unknown host needs one of these TLDs and a path to count:
# "model.py/x" or "Node.js/Python" must stay prose.
SCHEMELESS_TLDS: frozenset[str] = frozenset({
    "com", "org", "net", "io", "ai", "dev", "edu", "gov", "app", "info",
    "xyz", "site", "page", "science", "tech", "cn", "uk", "de", "jp", "kr",
})

# First path segments on a code host that name a site page, not an owner.
CODE_HOST_PAGES: frozenset[str] = frozenset({
    "orgs", "topics", "sponsors", "features", "marketplace", "settings",
    "login", "about", "explore", "collections", "search", "apps", "users",
    "pricing", "enterprise", "site", "security", "trending",
})

# Owners that stand for a redacted repository in a paper under review.
PLACEHOLDER_OWNERS: frozenset[str] = frozenset({
    "anonymous", "anonymized", "anonymised", "anon", "xxx", "xxxx",
    "username", "your-username", "yourusername", "user", "owner",
})

# Segments that end a GitLab project path in old-style deep links
# (new-style ones put "/-/" before these).
GITLAB_ROUTES: frozenset[str] = frozenset({
    "-", "tree", "blob", "raw", "commit", "commits", "issues",
    "merge_requests", "wikis", "releases", "tags", "archive",
})

# Path segments that follow a repository on a code host or Hugging Face: a
# word after "owner/name/" and a line break continues the link only if it is one.
REPO_ROUTES: frozenset[str] = frozenset({
    "-", "tree", "blob", "raw", "blame", "commit", "commits", "compare", "issues", "pull",
    "pulls", "wiki", "wikis", "releases", "tags", "archive", "discussions", "actions",
    "src", "resolve", "viewer", "files", "merge_requests",
})

# Hugging Face paths that are not owner/name repositories.
HF_PAGES: frozenset[str] = frozenset({
    "papers", "docs", "blog", "learn", "collections", "organizations",
    "models", "datasets", "spaces", "tasks", "join", "login", "settings",
    "pricing", "api", "posts", "chat", "course", "search",
})


def is_known(host: str) -> bool:
    """Tell whether a host (lower case, no "www.") is one of the tables' hosts."""
    return (
        host in CODE_HOSTS
        or host in HF_HOSTS
        or host in PACKAGE_HOSTS
        or host in REFERENCE_HOSTS
        or host in PAPER_HOSTS
        or host.endswith(PAGE_HOST_SUFFIXES)
    )


_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_.-]")
_HAS_ALNUM = re.compile(r"[A-Za-z0-9]")


def segments(path: str) -> list[str]:
    """Return the non-empty segments of a URL path."""
    return [part for part in path.split("/") if part]


def _repo_segments(parts: list[str]) -> tuple[list[str], bool]:
    """Cut repository path segments at the first character a name cannot hold.

    Returns the kept segments and whether everything was kept.
    """
    kept: list[str] = []
    for part in parts:
        bad = _NOT_IN_NAME.search(part)
        # What is left after a cut may end a sentence: "owner/name.%" -> "name".
        name = part[: bad.start()].rstrip(".") if bad else part
        if not _HAS_ALNUM.search(name):
            return kept, False
        kept.append(name)
        if bad:
            return kept, False
    return kept, True


def _without_git_suffix(name: str) -> str:
    """Return a repository name without its clone suffixes ("name.git") and trailing dots.

    Both go in one loop, so the name reads back as itself: "www..git" left
    as "www." would lose its dot as sentence punctuation when read again.
    """
    while True:
        stripped = name.removesuffix(".git").rstrip(".")
        if stripped == name:
            return name
        name = stripped


def code_link(host: str, path: str, query: str) -> Link | None:
    """Return the link a code host's URL gives (a repository, maybe deep), or None for no repository."""
    parts = segments(path)
    if len(parts) < 2 or parts[0].lower() in PLACEHOLDER_OWNERS:
        # A bare host or a lone owner is how anonymised links look.
        return None
    if parts[0].lower() in CODE_HOST_PAGES:
        return Link(f"https://{host}/" + "/".join(parts) + query, "other", "Link")
    if host == "gitlab.com":
        # Groups nest, so the project path runs up to the first route ("/-/").
        end = next(
            (i for i, part in enumerate(parts) if i >= 2 and part in GITLAB_ROUTES),
            len(parts),
        )
    else:
        end = 2
    repo_parts, whole = _repo_segments(parts[:end])
    if len(repo_parts) < 2:
        return None
    repo_parts[-1] = _without_git_suffix(repo_parts[-1])
    if not _HAS_ALNUM.search(repo_parts[-1]):
        return None
    deep = parts[end:] if whole else []
    repo = "/".join(repo_parts)
    url = f"https://{host}/" + "/".join(repo_parts + deep)
    # Query strings on a repository root are tab and tracking noise; on a
    # deep link the fragment can point at lines, so keep it there.
    if deep:
        url += query
    return Link(url, "code", CODE_HOSTS[host], repo)


def hf_link(path: str, query: str) -> Link | None:
    """Classify a Hugging Face URL.

    owner/name is a model; datasets/ and spaces/ prefixes give data and demo.
    A lone segment is an organisation (or a legacy model) page: "project".
    Paper pages, docs, blog posts and collections are "other".
    """
    parts = segments(path)
    base = "https://huggingface.co"
    if not parts:
        return None
    prefixes = {"datasets": ("data", "Hugging Face dataset"), "spaces": ("demo", "Hugging Face demo")}
    if parts[0] in prefixes and len(parts) >= 3:
        kind, label = prefixes[parts[0]]
        head, tail = parts[:1], parts[1:]
    elif parts[0] not in HF_PAGES and len(parts) >= 2:
        kind, label = "model", "Hugging Face model"
        head, tail = [], parts
    elif parts[0] not in HF_PAGES:
        name, _ = _repo_segments(parts[:1])
        return Link(f"{base}/{name[0]}", "project", "Project page") if name else None
    else:
        return Link(f"{base}/" + "/".join(parts) + query, "other", "Link")
    repo_parts, whole = _repo_segments(tail[:2])
    if len(repo_parts) < 2:
        return None
    deep = tail[2:] if whole else []
    url = f"{base}/" + "/".join(head + repo_parts + deep) + (query if deep else "")
    return Link(url, kind, label, "/".join(repo_parts))
