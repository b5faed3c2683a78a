"""Find code, data, model and project links in a paper's text.

The hosts it knows (code hosts, Hugging Face and its mirrors, package
indexes, short links) are tables in link_hosts.py, adding one is one line;
the link a code host's or Hugging Face's URL gives is worked out there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, urlencode, urlsplit

from ..models import LINK_KINDS, Link
from .link_hosts import (
    CODE_HOSTS,
    GITLAB_ROUTES,
    HF_HOSTS,
    HF_PAGES,
    PACKAGE_HOSTS,
    DATA_DOI_PREFIXES,
    PAGE_HOST_SUFFIXES,
    PAPER_HOSTS,
    REFERENCE_HOSTS,
    REPO_ROUTES,
    SCHEMELESS_TLDS,
    code_link,
    hf_link,
    is_known,
    segments,
)
from .stop_words import ENGLISH_STOP_WORDS

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
_GLUED_SCHEME = re.compile(r"(?:[A-Za-z][A-Za-z0-9+-]*)?://")
_LATEX_ESCAPE = re.compile(r"\\([_%&#~$])")
_TRAILING = ".,;:!?*'\"#/"
_CLOSERS = {")": "(", "]": "["}

# --- Line-wrapped URLs -------------------------------------------------------
# Abstracts are wrapped at 80 columns and readers collapse the line break to a
# space, so "https://github.com/owner/\nrepo" arrives as ".../owner/ repo". A
# URL that stops where a wrapper breaks (after "-", "_", ".", "/", or before
# "/") is joined with the next word when that word can continue it; a URL left
# ending inside a name ("-", "_") is not a link.
_MAX_WRAPS = 8
# The whitespace of one line break: readers leave one space; raw text may
# hold the newline and indentation. Never a blank line.
_GAP = r"(?:[ \t]+\n?|\n)[ \t]*"
_NEXT_WORD = re.compile(_GAP + r"(\S+)")
# A host broken by a wrap: its start (maybe nothing) after "://", then the rest.
_HOST_WRAP = re.compile(r"(?P<frag>[A-Za-z0-9.-]*)(?P<gap>" + _GAP + r")(?P<tail>[A-Za-z0-9][A-Za-z0-9.-]*)")
# The word before a scheme-less match, when that word may start the same URL.
_BROKEN_HEAD = re.compile(
    r"(?<![\w@./-])(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,30})://)?(?P<frag>[A-Za-z0-9.-]*)" + _GAP + r"\Z"
)
_COMPLETE_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?::[0-9]{1,5})?")
# The start of a word that can continue a name, and the URL characters it runs on with.
_NAME_START = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_URL_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~:/?\#@!$&()*+,;=%]|\\[_%&\#~$])*")
# A word that shows it is part of a path, not prose: a slash, a digit, a
# file name ("index.html", not "e.g."), or a joined name ("ttt-done-right").
_PATH_EVIDENCE = re.compile(r"[/0-9=?#~%&+]|[A-Za-z]{2}\.[A-Za-z0-9]{2}|[A-Za-z0-9][-_][A-Za-z0-9]")


def extract_links(text: str) -> list[Link]:
    """Return every distinct link in text, cleaned, code links first."""
    found: dict[str, Link] = {}
    _collect(text, found)
    return _by_kind(found)


def _collect(text: str, found: dict[str, Link], lone: bool = False) -> None:
    """Add text's links to found (canonical URL without scheme -> link), first appearance first.

    lone says text is one metadata URL, where a wrapped path needs no proof.
    """
    if "." not in text:
        return
    text = _join_broken_hosts(text)
    pos = 0
    while mark := _HOST_MARK.search(text, pos):
        # No URL starts between pos and that space: it would have to hold
        # the space or an earlier mark.
        match = _URL.search(text, max(pos, text.rfind(" ", pos, mark.start()) + 1))
        if match is None:
            break
        link, pos = _link_from_match(text, match, lone)
        if link is None:
            continue
        key = link.url.split("://", 1)[1]
        seen = found.get(key)
        # First appearance keeps its place; https wins over http.
        if seen is None or (seen.url.startswith("http:") and link.url.startswith("https:")):
            found[key] = link


def _by_kind(found: dict[str, Link]) -> list[Link]:
    """Return the links found, code first, in order of appearance within a kind."""
    return sorted(found.values(), key=lambda link: _KIND_ORDER.get(link.kind, len(_KIND_ORDER)))


def _join_broken_hosts(text: str) -> str:
    """Remove line breaks from inside hosts: "https://github.\ncom/a/b", "https://\nx.org"."""
    at = text.find("://")
    if at == -1:
        return text
    pieces: list[str] = []
    done = 0
    while at != -1:
        wrap = _HOST_WRAP.match(text, at + 3)
        if wrap and _host_joins(wrap["frag"], wrap["tail"]):
            pieces.append(text[done : wrap.start("gap")])
            done = wrap.end("gap")
        at = text.find("://", at + 3)
    return "".join(pieces) + text[done:] if pieces else text


def _host_joins(frag: str, tail: str) -> bool:
    """Tell whether a host broken after frag ("", "exam-", "git", "github.") goes on with tail."""
    if _is_whole_host(frag):
        return False
    joined = _COMPLETE_HOST.match(frag + tail)
    if joined is None or joined.end() <= len(frag):
        return False
    if not frag.endswith("."):
        # A scheme and part of a host: whatever broke it, the rest follows.
        return True
    # "https://example.org.\nwe": a full stop, not a host "example.org.we".
    return (tail[0].islower() or tail[0].isdigit()) and (
        not _is_whole_host(frag[:-1]) or _plausible_host(joined.group())
    )


def _is_whole_host(frag: str) -> bool:
    """Tell whether frag is a complete host, maybe with a full stop after it."""
    return _COMPLETE_HOST.fullmatch(frag.removesuffix(".")) is not None


def _link_from_match(text: str, match: re.Match[str], lone: bool) -> tuple[Link | None, int]:
    """Return the link a match stands for (or None) and where to search next."""
    raw, end = match.group(), match.end()
    glued = _GLUED_SCHEME.search(match["rest"] or "")
    if glued:
        # "github.com/a/b;Codehttps://github.com/c/d": two URLs with no space.
        # An archived URL inside a path is split too; that is rare in papers.
        end = match.start("rest") + glued.start()
        return _link_from_raw(text[match.start() : end]), end
    start = match.start()
    if not match["scheme"] and start and text[start - 1].isspace():
        head = _BROKEN_HEAD.search(text, max(0, start - 120), start)
        if head and head["scheme"] and not _is_whole_host(head["frag"]):
            # "https://example.\nWord.com": the rest of a host that could not
            # be joined (see _host_joins). Not a link of its own.
            return None, end
        if head and not head["scheme"] and head["frag"].endswith("-") and _URL.match(head["frag"] + raw):
            # "git-\nhub.com/a/b": one host, broken after its hyphen.
            raw = head["frag"] + raw
    raw, end = _unwrap(text, raw, end, lone)
    return _link_from_raw(raw), end


def _unwrap(text: str, raw: str, end: int, lone: bool) -> tuple[str, int]:
    """Join a URL with the words a line wrap split off it; return it and where it ends in text."""
    for _ in range(_MAX_WRAPS):
        # "https://acme.github.\nio": a dot after the host is not part of the match.
        parsed = _URL.match(raw)
        if parsed is None:
            break
        in_host = text[end : end + 1] == "." and not parsed["rest"]
        stem = raw + "." if in_host else raw
        word = _NEXT_WORD.match(text, end + in_host)
        if word is None:
            break
        piece = word[1]
        glued = _GLUED_SCHEME.search(piece)
        if glued:
            piece = piece[: glued.start()]
        if not piece or not _continues(stem, piece, lone, in_host):
            break
        joined = _URL.match(stem + piece)
        if joined is None or joined.end() <= len(stem):
            break
        if in_host and not _plausible_host(joined["host"]):
            # "https://example.org. we": a sentence, not a host "example.org.we".
            break
        end = word.start(1) + joined.end() - len(stem)
        raw = joined.group()
    return raw, end


def _continues(stem: str, piece: str, lone: bool, in_host: bool) -> bool:
    """Tell whether piece, the word after stem across a line break, is the rest of the URL stem."""
    last = stem[-1]
    if last.isalnum() or stem.endswith("/-"):
        # A break before "/" or ".": the next line starts with it.
        return len(piece) > 1 and (
            (piece[0] == "/" and (piece[1].isalnum() or piece[1:3] == "-/"))
            or (piece[0] == "." and (piece[1].islower() or piece[1].isdigit()))
        )
    if last == "/" and piece.startswith("-/"):
        # GitLab's "/-/tree/main" broken after the project.
        return True
    name = _NAME_START.match(piece)
    if name is None or last not in "-_./":
        return False
    if last in "-_":
        # No name ends in these.
        return True
    if in_host:
        # "https://acme.github.\nio": the joined host is checked afterwards.
        return piece[0].islower() or piece[0].isdigit()
    if name.group().rstrip(".").lower() in ENGLISH_STOP_WORDS:
        # "see https://github.com/owner/ for details", "https://x.org/ and/or".
        return False
    if last == ".":
        # After a full stop comes a capital; a dot inside a name ("three.\njs",
        # "Qwen2.\n5", "model.\npy") is followed by a small letter or a digit.
        return piece[0].islower() or piece[0].isdigit()
    match = _URL.match(stem)
    host = match["host"].lower()
    host = HF_HOSTS.get(host.removeprefix("www."), host)
    parts = segments(_split_path(_LATEX_ESCAPE.sub(r"\1", match["rest"] or ""))[0])
    if lone or _names_go_on(host, parts):
        return True
    repo_length = _repo_length(host, parts)
    if repo_length:
        # Right after a repository, prose is likelier than a wrapped route;
        # deeper, a path goes on.
        return piece.split("/", 1)[0] in REPO_ROUTES or len(parts) > repo_length
    return _PATH_EVIDENCE.search(_URL_CHARS.match(piece).group().rstrip(_TRAILING)) is not None


def _names_go_on(host: str, parts: list[str]) -> bool:
    """Tell whether a path still lacks the name it leads to (a repository, package, page or short link)."""
    if host == "gitlab.com":
        # Groups nest: the project path runs up to the first route.
        return not any(part in GITLAB_ROUTES for part in parts)
    if host in CODE_HOSTS or host == "huggingface.co":
        return len(parts) < _repo_length(host, parts) or not parts
    if host in PACKAGE_HOSTS:
        return parts == [PACKAGE_HOSTS[host][0]]
    # A project site's or short link's first segment is its name.
    return not parts and (host in REFERENCE_HOSTS or host.endswith(PAGE_HOST_SUFFIXES))


def _repo_length(host: str, parts: list[str]) -> int:
    """Return how many path segments name a repository on a code host or Hugging Face; 0 elsewhere."""
    if host in CODE_HOSTS:
        return 2
    if host != "huggingface.co":
        return 0
    if parts and parts[0] in ("datasets", "spaces"):
        return 3
    return 0 if parts and parts[0] in HF_PAGES else 2


def _plausible_host(host: str) -> bool:
    """Tell whether a host joined across a wrap looks real, not like a sentence ("x.org.we")."""
    host = host.lower()
    return is_known(host.removeprefix("www.")) or host.rsplit(".", 1)[1] in SCHEMELESS_TLDS


def _link_from_raw(raw: str) -> Link | None:
    """Return the canonical link for the text of one URL, or None."""
    match = _URL.match(raw)
    if match is None:
        return None
    scheme = (match["scheme"] or "").lower()
    # "Codehttps://..." glued to the word before still ends in the scheme.
    if scheme and not scheme.endswith(("http", "https")):
        return None
    written_host = match["host"]
    host = written_host.lower()
    if host.startswith("www.") and is_known(host[4:]):
        host = host[4:]
    host = HF_HOSTS.get(host, host)
    rest = _strip_trailing(_LATEX_ESCAPE.sub(r"\1", match["rest"] or ""))
    if not scheme and not _plausible_without_scheme(written_host, host, rest):
        return None
    link = _canonical_link(scheme, host, match["port"] or "", rest)
    # A link never ends inside a name: the rest of a wrapped name was not found.
    return None if link is None or link.url.endswith(("-", "_")) else link


def _canonical_link(scheme: str, host: str, port: str, rest: str) -> Link | None:
    if port in (":80", ":443"):
        port = ""
    path, query = _split_path(rest)
    if host in CODE_HOSTS and not port:
        return code_link(host, path, query)
    if host == "huggingface.co" and not port:
        return hf_link(path, query)
    secure = not scheme or scheme.endswith("https") or is_known(host)
    base = ("https://" if secure else "http://") + host + port
    if host in PACKAGE_HOSTS:
        prefix, label = PACKAGE_HOSTS[host]
        parts = segments(path)
        if len(parts) >= 2 and parts[0] == prefix:
            return Link(f"{base}/{prefix}/{parts[1]}", "package", label)
    url = base + path.rstrip("/") + query
    # A paper site's page is the paper, never a "project page"; arXiv is labelled as the link an
    # `arxiv_id` gives, so one paper never shows both names.
    if host in REFERENCE_HOSTS or host in PACKAGE_HOSTS or host in PAPER_HOSTS:
        return Link(url, "other", "arXiv" if host == "arxiv.org" else "Link")
    return Link(url, "project", "Project page")


def _plausible_without_scheme(written_host: str, host: str, rest: str) -> bool:
    if is_known(host) or host.startswith("www."):
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


def paper_links(title: str, abstract: str, urls: tuple[str, ...] = (), arxiv_id: str | None = None) -> list[Link]:
    """Return a paper's links: metadata URLs, then its text's, then its arXiv page."""
    found: dict[str, Link] = {}
    # Metadata URLs (an API's githubRepo) go first so they lead their kind.
    # Each is read on its own: a wrap inside one must not reach into the next
    # URL or the title.
    for url in urls:
        _collect(url, found, lone=True)
    _collect(f"{title} {abstract}", found)
    links = _by_kind(found)
    if arxiv_id:
        arxiv = Link(arxiv_page(arxiv_id), "other", "arXiv")
        if all(link.url != arxiv.url for link in links):
            links.append(arxiv)
    return links


def arxiv_page(arxiv_id: str) -> str:
    """Return the arXiv abstract page of an arXiv id."""
    return f"https://arxiv.org/abs/{quote(arxiv_id, safe='/.')}"


def hf_paper_page(arxiv_id: str) -> str:
    """Return the Hugging Face paper page of an arXiv id (Hugging Face pages papers by arXiv id)."""
    return f"https://huggingface.co/papers/{quote(arxiv_id, safe='/.')}"


def arxiv_title_search(title: str) -> str:
    """Return arXiv's search for papers with this title."""
    return "https://arxiv.org/search/?" + urlencode({"query": title, "searchtype": "title"})


def hf_title_search(title: str) -> str:
    """Return the Hugging Face papers search for this title."""
    return "https://huggingface.co/papers?" + urlencode({"q": title})


def is_paper_page(url: str) -> bool:
    """Tell a link to a paper's own page on a paper site (see PAPER_HOSTS) from any other link."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host not in PAPER_HOSTS:
        return False
    path = parts.path.strip("/")
    if host in ("doi.org", "dx.doi.org"):
        return "/" in path and not path.startswith(DATA_DOI_PREFIXES)
    starts = PAPER_HOSTS[host]
    first = path.split("/", 1)[0]
    return bool(path) and (not starts or first in starts)


def paper_page(arxiv_id: str | None, links: Iterable[Link]) -> str | None:
    """Return a paper's own page: its arXiv abstract page, else the first paper-site link among its links, else None."""
    if arxiv_id:
        return arxiv_page(arxiv_id)
    return next((link.url for link in links if is_paper_page(link.url)), None)
