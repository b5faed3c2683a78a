"""Find code, data, model and project links in a paper's text."""

from __future__ import annotations

import re

from .models import LINK_KINDS, Link

# --- Host tables: adding a mirror or a host is a one-line change. ----------

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

# Hugging Face paths that are not owner/name repositories.
HF_PAGES: frozenset[str] = frozenset({
    "papers", "docs", "blog", "learn", "collections", "organizations",
    "models", "datasets", "spaces", "tasks", "join", "login", "settings",
    "pricing", "api", "posts", "chat", "course", "search",
})

_KIND_ORDER = {kind: index for index, kind in enumerate(LINK_KINDS)}

# One pass over the text. The look-behind stops matches that start inside a
# word, an email ("a@b.com"), a path or another URL ("ftp://x.org" is caught
# whole by the scheme group and then dropped, so "x.org" is never matched
# on its own). LaTeX escapes such as "\_" are allowed in the path.
_URL = re.compile(
    r"""
    (?<![\w@./-])
    (?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,30})://)?
    (?P<host>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})
    (?![\w-])
    (?P<port>:[0-9]{1,5})?
    (?P<rest>[/?\#](?:[A-Za-z0-9\-._~:/?\#@!$&()*+,;=%]|\\[_%&\#~$])*)?
    """,
    re.VERBOSE | re.ASCII,
)
# Every URL's host ends in a letter or digit, a dot and two letters, and no
# URL holds a space. Finding that mark is far cheaper than trying _URL at
# every position, so _URL is only tried from the last space before a mark.
_HOST_MARK = re.compile(r"\.(?<=[A-Za-z0-9]\.)[A-Za-z]{2}")
# "https://github.com/ owner/name": a stray space after the host.
_SPILLED_REPO = re.compile(r"[ \t]{1,3}([A-Za-z0-9][A-Za-z0-9_-]*/[A-Za-z0-9_.-]+)", re.ASCII)
_SPILL_STOPWORDS = frozenset({"and", "or"})
_GLUED_SCHEME = re.compile(r"(?:[A-Za-z][A-Za-z0-9+-]*)?://")
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_.-]")
_HAS_ALNUM = re.compile(r"[A-Za-z0-9]")
_LATEX_ESCAPE = re.compile(r"\\([_%&#~$])")
_TRAILING = ".,;:!?*'\"#/"
_CLOSERS = {")": "(", "]": "["}


def extract_links(text: str) -> list[Link]:
    """Return every distinct link in text, cleaned, code links first."""
    if "." not in text:
        return []
    found: dict[str, Link] = {}
    pos = 0
    while mark := _HOST_MARK.search(text, pos):
        # No URL starts between pos and that space: it would have to hold
        # the space or an earlier mark.
        match = _URL.search(text, max(pos, text.rfind(" ", pos, mark.start()) + 1))
        if match is None:
            break
        link, pos = _link_from_match(text, match)
        if link is None:
            continue
        key = link.url.split("://", 1)[1]
        seen = found.get(key)
        # First appearance keeps its place; https wins over http.
        if seen is None or (seen.url.startswith("http:") and link.url.startswith("https:")):
            found[key] = link
    return sorted(found.values(), key=lambda link: _KIND_ORDER.get(link.kind, len(_KIND_ORDER)))


def _link_from_match(text: str, match: re.Match[str]) -> tuple[Link | None, int]:
    """Return the link a match stands for (or None) and where to search next."""
    end = match.end()
    raw_rest = match["rest"] or ""
    glued = _GLUED_SCHEME.search(raw_rest)
    if glued:
        # "github.com/a/b;Codehttps://github.com/c/d": two URLs with no space.
        # An archived URL inside a path is split too; that is rare in papers.
        raw_rest = raw_rest[: glued.start()]
        end = match.start("rest") + glued.start()
    scheme = (match["scheme"] or "").lower()
    # "Codehttps://..." glued to the word before still ends in the scheme.
    if scheme and not scheme.endswith(("http", "https")):
        return None, end
    written_host = match["host"]
    host = written_host.lower()
    if host.startswith("www.") and _is_known(host[4:]):
        host = host[4:]
    host = HF_HOSTS.get(host, host)
    rest = _LATEX_ESCAPE.sub(r"\1", raw_rest)
    if host in CODE_HOSTS and rest == "/" and not match["port"]:
        spilled = _SPILLED_REPO.match(text, end)
        if spilled and spilled[1].split("/", 1)[0].lower() not in _SPILL_STOPWORDS:
            rest = "/" + spilled[1]
            end = spilled.end()
    rest = _strip_trailing(rest)
    if not scheme and not _plausible_without_scheme(written_host, host, rest):
        return None, end
    return _canonical_link(scheme, host, match["port"] or "", rest), end


def _canonical_link(scheme: str, host: str, port: str, rest: str) -> Link | None:
    if port in (":80", ":443"):
        port = ""
    path, query = _split_path(rest)
    if host in CODE_HOSTS and not port:
        return _code_link(host, path, query)
    if host == "huggingface.co" and not port:
        return _hf_link(path, query)
    secure = not scheme or scheme.endswith("https") or _is_known(host)
    base = ("https://" if secure else "http://") + host + port
    if host in PACKAGE_HOSTS:
        prefix, label = PACKAGE_HOSTS[host]
        parts = _segments(path)
        if len(parts) >= 2 and parts[0] == prefix:
            return Link(f"{base}/{prefix}/{parts[1]}", "package", label)
    url = base + path.rstrip("/") + query
    if host in REFERENCE_HOSTS or host in PACKAGE_HOSTS:
        return Link(url, "other", "Link")
    return Link(url, "project", "Project page")


def _is_known(host: str) -> bool:
    return (
        host in CODE_HOSTS
        or host in HF_HOSTS
        or host in PACKAGE_HOSTS
        or host in REFERENCE_HOSTS
        or host.endswith(PAGE_HOST_SUFFIXES)
    )


def _plausible_without_scheme(written_host: str, host: str, rest: str) -> bool:
    if _is_known(host) or host.startswith("www."):
        return True
    # "ASP.NET/Core" is prose: bare domains in papers are written lower-case.
    tld = host.rsplit(".", 1)[1]
    return written_host.islower() and tld in SCHEMELESS_TLDS and len(rest) > 1


def _strip_trailing(rest: str) -> str:
    """Drop sentence punctuation, slashes and unbalanced closing brackets from the end."""
    while rest:
        last = rest[-1]
        if last in _TRAILING:
            rest = rest[:-1]
        elif last in _CLOSERS and rest.count(_CLOSERS[last]) < rest.count(last):
            rest = rest[:-1]
        else:
            break
    return rest


def _split_path(rest: str) -> tuple[str, str]:
    """Split "/a/b?x=1#f" into ("/a/b", "?x=1#f")."""
    cut = len(rest)
    for mark in "?#":
        index = rest.find(mark)
        if index != -1:
            cut = min(cut, index)
    return rest[:cut], rest[cut:]


def _segments(path: str) -> list[str]:
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


def _code_link(host: str, path: str, query: str) -> Link | None:
    parts = _segments(path)
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
    repo_parts[-1] = repo_parts[-1].removesuffix(".git") or repo_parts[-1]
    deep = parts[end:] if whole else []
    repo = "/".join(repo_parts)
    url = f"https://{host}/" + "/".join(repo_parts + deep)
    # Query strings on a repository root are tab and tracking noise; on a
    # deep link the fragment can point at lines, so keep it there.
    if deep:
        url += query
    return Link(url, "code", CODE_HOSTS[host], repo)


def _hf_link(path: str, query: str) -> Link | None:
    """Classify a Hugging Face URL.

    owner/name is a model; datasets/ and spaces/ prefixes give data and demo.
    A lone segment is an organisation (or a legacy model) page: "project".
    Paper pages, docs, blog posts and collections are "other".
    """
    parts = _segments(path)
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


def paper_links(title: str, abstract: str, urls: tuple[str, ...] = (), arxiv_id: str | None = None) -> list[Link]:
    """Return a paper's links: metadata URLs, then its text's, then its arXiv page."""
    # Metadata URLs (an API's githubRepo) go first so they lead their kind.
    links = extract_links(" ".join([*urls, title, abstract]))
    if arxiv_id:
        arxiv = Link(f"https://arxiv.org/abs/{arxiv_id}", "other", "arXiv")
        if all(link.url != arxiv.url for link in links):
            links.append(arxiv)
    return links
